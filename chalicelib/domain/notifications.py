"""Who hears what: a timeline event or a sweep decision becomes notification drafts, one per
person who should be told (CONTRACT.md, Additions: GET /v1/me/notifications).

Pure: the people come from a `Staff` lookup (the directory, resolved by the service), names from
`Names` (the rules bundle), and what a reporter may read of an event from domain/policy (the same
per-event allow-list the timeline uses), so a notification never says more than the timeline
would show its recipient. Staff are never told who an anonymous reporter is: no staff template
has a reporter placeholder (domain/notification_types.py) and no staff draft carries one.

Each draft's id is a hash of what it is about, the recipient and the type, so the stream and the
sweep can repeat (at least once) and a person is still told once.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from .claims import claimable
from .governments import government_of
from .model import Actor, Complaint, Event, Reporter, Role, Status
from .notification_types import CITIZEN_EVENTS
from .policy import visible_event
from .sanctions import OPERATOR_DESK, Sanction
from .times import format_wib
from .wording import late_text, number_text
from .words import CLOCK_WORDS, STATUS_WORDS, SUBJECT_WORDS, word

FORGOTTEN = "forgotten:"        # a reporter who used the right to be forgotten is told nothing


class Staff(Protocol):
    """Subs of the people in a role (the staff directory, as the service resolved it)."""

    def operators(self, opd: str) -> list[str]: ...

    def supervisors(self, opd: str) -> list[str]: ...

    def head(self, opd: str) -> list[str]: ...

    def inspectors(self, government: str = ...) -> list[str]: ...


class Names(Protocol):
    """Names people read, a text or {"id", "en"} (the rules' English names where they have one)."""

    def opd(self, code: str | None) -> Text: ...

    def category(self, code: str | None) -> Text: ...

    def jurisdiction(self, code: str | None) -> tuple[Text, dict]:
        """(name, contact {"id": ..., "en": ...})."""


Text = str | dict        # one text for every language, or {"id": ..., "en": ...}


@dataclass(frozen=True)
class Draft:
    id: str
    recipient: str
    type: str
    at: datetime
    complaint_id: str | None
    source: str
    params: dict[str, Text] = field(default_factory=dict)

    def params_in(self, lang: str) -> dict[str, str]:
        return {k: (v.get(lang) or v.get("id") or "-") if isinstance(v, dict) else v
                for k, v in self.params.items()}


def notification_id(source: str, recipient: str, type_: str) -> str:
    digest = hashlib.sha256(f"{source}\x1f{recipient}\x1f{type_}".encode()).hexdigest()
    return f"ntf-{digest[:32]}"


def _both(table: dict, code: str | None) -> dict:
    return {"id": word(table, code, "id"), "en": word(table, code, "en")}


def _wib(at: datetime) -> dict:
    return {"id": format_wib(at, with_day=True, lang="id"), "en": format_wib(at, with_day=True, lang="en")}


def complaint_params(c: Complaint, names: Names, at: datetime) -> dict[str, Text]:
    return {"complaint_id": c.id, "title": c.title, "category": names.category(c.category),
            "opd": names.opd(c.opd), "status": _both(STATUS_WORDS, c.status.value), "at": _wib(at)}


@dataclass
class _Fanout:
    complaint: Complaint
    source: str
    at: datetime
    base: dict
    exclude: str | None = None            # whoever caused it is not told of their own action
    drafts: list[Draft] = field(default_factory=list)

    def add(self, subs, type_: str, **extra: Text) -> None:
        for sub in dict.fromkeys(subs):
            if not sub or sub == self.exclude or any(d.recipient == sub and d.type == type_
                                                     for d in self.drafts):
                continue
            self.drafts.append(Draft(notification_id(self.source, sub, type_), sub, type_, self.at,
                                     self.complaint.id, self.source, {**self.base, **extra}))


def for_event(complaint: Complaint, event: Event, *, opd: str, assignee: str | None,
              staff: Staff, names: Names, claim_code: Callable[[str], str] | None = None) -> list[Draft]:
    """Drafts for one timeline event. `opd` and `assignee` are the complaint's as they were
    right after this event (the service folds the timeline: a later transfer changes both).
    `claim_code` (complaint id -> its one-time code, domain/claims.py): a person filed for at a
    desk is sent it with the filing, to take the complaint into an account of their own."""
    c, t = complaint, event.type
    fan = _Fanout(c, f"event:{c.id}#{event.seq}", event.at,
                  {**complaint_params(c, names, event.at), "opd": names.opd(opd)},
                  exclude=event.actor_id if event.actor_role != Role.CITIZEN.value else None)
    reporter = c.reporter.sub
    if t in CITIZEN_EVENTS and not reporter.startswith(FORGOTTEN):
        owner = Actor(sub=reporter, role=Role.CITIZEN)
        shown = visible_event(owner, c, event)
        if shown is not None:
            extra: dict[str, Text] = {"note": shown.note or "-"}
            if t == "transferred":
                extra["to_opd"] = names.opd(shown.data.get("to_opd"))
            if t == "forwarded":
                name, contact = names.jurisdiction(shown.data.get("jurisdiction"))
                extra.update(jurisdiction=name, jurisdiction_contact=contact)
            if t == "handed_over":      # one complaint throughout: it now lives with that government
                extra.update(jurisdiction=names.jurisdiction(shown.data.get("jurisdiction"))[0],
                             to_opd=names.opd(shown.data.get("to_opd")))
            fan.add([reporter], f"citizen.{t}", **extra)
    if t == "submitted" and claim_code is not None and claimable(c):
        fan.add([reporter], "citizen.claim_code", code=claim_code(c.id))
    note: dict[str, Text] = {"note": event.note or "-"}     # staff may read these events' words
    queue = [assignee] if assignee else staff.operators(opd)
    if t in ("submitted", "transferred", "handed_over") and not assignee:
        fan.add(staff.operators(opd), "staff.new_complaint")
    elif t == "assigned_to":
        fan.add([event.data.get("operator")], "staff.assigned")
    elif t == "citizen_replied":
        fan.add(queue, "staff.citizen_replied", **note)
    elif t == "returned":
        fan.add(queue, "staff.returned", **note)
    elif t == "reopened":
        fan.add(queue, "staff.reopened", **note)
    elif t == "followed_up":
        fan.add(staff.supervisors(opd), "staff.followed_up", **note)
    return fan.drafts


def for_sanction(s: Sanction, complaint: Complaint | None, *, staff: Staff, names: Names) -> list[Draft]:
    """Drafts for a sweep decision: a warning reaches who answers for the clock and the OPD's
    supervisors; a sanction the sanctioned operator (or, for a desk or the OPD, its head) and the
    supervisors; a report the Inspectorate and the OPD's head."""
    c = complaint
    desk = s.subject_type == "operator" and s.subject_id.endswith(f":{OPERATOR_DESK}")
    subject = "desk" if desk else s.subject_type
    base: dict[str, Text] = {
        "complaint_id": s.complaint_id, "title": c.title if c else "-",
        "category": names.category(c.category if c else None), "opd": names.opd(s.opd),
        "status": _both(STATUS_WORDS, c.status.value if c else None), "at": _wib(s.issued_at),
        "clock": _both(CLOCK_WORDS, s.clock), "due_at": _wib(s.due_at),
        "hours_late": {lang: number_text(round(s.hours_late, 1), lang) for lang in ("id", "en")},
        "late": {lang: late_text(s.hours_late, lang) for lang in ("id", "en")},
        "explanation": dict(s.summary or s.explanation), "subject": _both(SUBJECT_WORDS, subject)}
    fan = _Fanout(c or _placeholder(s), f"sanction:{s.id}", s.issued_at, base)
    person = [s.subject_id] if s.subject_type == "operator" and not desk else []
    supervisors = staff.supervisors(s.opd)
    if s.kind == "warning":
        fan.add(person or (staff.operators(s.opd) if desk else []), "staff.warning")
        fan.add(supervisors, "staff.warning")
    elif s.kind == "report":
        fan.add(staff.inspectors(government_of(s.opd)), "staff.report")
        fan.add(staff.head(s.opd), "staff.report")
    else:
        fan.add(person or staff.head(s.opd), "staff.sanction")
        fan.add(supervisors, "staff.sanction")
    return fan.drafts


def _placeholder(s: Sanction) -> Complaint:
    """The sweep always has the complaint; this only keeps the fan-out total if it is gone."""
    return Complaint(id=s.complaint_id, status=Status.CLOSED, category="", sector="", opd=s.opd,
                     title="-", description="", reporter=Reporter(sub=FORGOTTEN), created_at=s.issued_at,
                     updated_at=s.issued_at)
