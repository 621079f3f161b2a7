"""What Open311 documents say, field by field (GeoReport v2 and mySociety's updates extension):
the same dicts become JSON as they are and XML through open311_xml.

A request is a complaint as the PUBLIC audience may read it (domain/policy, actor None): a field
policy withholds stays empty, and nothing of the reporter, the assignee, the rating or anything a
citizen wrote after filing is even looked at here. Times are W3C/ISO 8601 in WIB (+07:00), as
the people of Lampung read them; `status_notes` and `service_notice` are public-safe words in the
caller's language (messages.OPEN311_WORDS), never a staff note.
"""
from __future__ import annotations

from datetime import datetime

from ..domain import policy
from ..domain.model import Complaint
from ..domain.times import format_wib, in_wib
from ..domain.words import CLOCK_WORDS, STATUS_WORDS, word
from ..services.clocks import Listed
from ..services.open311 import open311_status
from ..services.open311_updates import Update
from .messages import OPEN311_WORDS
from .views import event_label

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-12-01T00:00:00+07:00"     # when this endpoint's documents last changed shape
JURISDICTION_ID = "lampungprov.go.id"
FORMATS = ["text/xml", "application/json"]


def say(key: str, lang: str, **params) -> str:
    pair = OPEN311_WORDS[key]
    return (pair[1] if lang == "en" else pair[0]).format(**params)


def when(at: datetime | None) -> str | None:
    return in_wib(at).isoformat(timespec="seconds") if at is not None else None


def discovery(url: str, lang: str) -> dict:
    return {"changeset": CHANGESET, "contact": say("contact", lang), "key_service": say("key_service", lang),
            "endpoints": [{"specification": SPECIFICATION, "url": url, "changeset": CHANGESET,
                           "type": "production", "formats": list(FORMATS)}]}


def service(category, rules, lang: str) -> dict:
    """A category as an Open311 service; `group` is its sector's name."""
    opd = rules.opds.get(category.opd)
    name = category.name_in(lang)
    return {"service_code": category.code, "service_name": name,
            "description": f"{name}. {say('agency_notice', lang, opd=opd.name_in(lang) if opd else category.opd)}",
            "metadata": False, "type": "realtime",
            "keywords": ", ".join(k for k in (category.sector, category.opd) if k),
            "group": say(category.sector, lang) if category.sector in OPEN311_WORDS else category.sector}


def definition(category) -> dict:
    return {"service_code": category.code, "attributes": []}     # no attributes: metadata is false


def _agency(c: Complaint, rules, lang: str = "id") -> str:
    opd = rules.opds.get(c.opd)
    return opd.name_in(lang) if opd else c.opd


def status_notes(c: Complaint, rules, lang: str) -> str:
    if c.jurisdiction and c.status.value == "forwarded":
        j = rules.jurisdictions.get(c.jurisdiction)
        return say("forwarded_to", lang, jurisdiction=j.name_in(lang) if j else c.jurisdiction)
    words = word(STATUS_WORDS, c.status.value, lang)
    return words[:1].upper() + words[1:]


def expected(deadlines: dict) -> tuple[str | None, datetime | None]:
    """The running deadline: the follow-up's, else the approval's (None when none runs)."""
    for clock in ("followup", "approval"):
        if deadlines.get(f"{clock}_due") is not None:
            return clock, deadlines[f"{clock}_due"]
    return None, None


def _deadline(deadlines: dict, lang: str) -> str | None:
    clock, due = expected(deadlines)
    if due is None:
        return None
    name = word(CLOCK_WORDS, clock, lang)
    return say("deadline_notice", lang, clock=name[:1].upper() + name[1:] if lang == "en" else name,
               due=format_wib(due, lang=lang))


def service_notice(c: Complaint, deadlines: dict, rules, lang: str) -> str:
    """Who handles it and by when (the running deadline), or that the clock waits for the reporter."""
    notice = say("agency_notice", lang, opd=_agency(c, rules, lang))
    due = _deadline(deadlines, lang)
    if due is not None:
        return f"{notice} {due}"
    return f"{notice} {say('paused_notice', lang)}" if c.status.value == "waiting_citizen" else notice


def filed_notice(c: Complaint, deadlines: dict, rules, lang: str) -> str:
    """POST requests' `service_notice`: the complaint's number, its OPD and its first deadline."""
    notice = say("filed_notice", lang, id=c.id, opd=_agency(c, rules, lang))
    due = _deadline(deadlines, lang)
    return f"{notice} {due}" if due is not None else notice


def request(item: Listed, rules, lang: str, supporters: int = 0, media_url: str = "") -> dict:
    c, allowed = item.complaint, policy.complaint_fields(None, item.complaint)
    location = c.location if "location" in allowed else None
    category = rules.category(c.category)
    return {
        "service_request_id": c.id,
        "status": open311_status(c.status),
        "status_notes": status_notes(c, rules, lang),
        "service_name": category.name_in(lang) if category else c.category,
        "service_code": c.category,
        "description": c.description if "description" in allowed else None,
        "agency_responsible": _agency(c, rules, lang),
        "service_notice": service_notice(c, item.deadlines, rules, lang),
        "requested_datetime": when(c.created_at),
        "updated_datetime": when(c.updated_at),
        "expected_datetime": when(expected(item.deadlines)[1]),
        "address": location.address if location else None,
        "lat": location.lat if location else None,
        "long": location.lon if location else None,
        "media_url": media_url,        # its reporter's first photo (api/public.py), else ""
        "supporters": supporters,      # an extension: clients that do not know it ignore it
    }


def update(u: Update, rules, lang: str, media_url: str = "") -> dict:
    description = event_label(u.event, lang)
    if u.event.type == "forwarded" and u.event.data.get("jurisdiction"):
        j = rules.jurisdictions.get(u.event.data["jurisdiction"])
        description = say("forwarded_to", lang, jurisdiction=j.name_in(lang) if j else u.event.data["jurisdiction"])
    return {"update_id": u.update_id, "service_request_id": u.complaint.id,
            "status": open311_status(u.status), "updated_datetime": when(u.event.at),
            "description": description, "media_url": media_url}
