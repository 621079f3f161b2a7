"""Public tracking, the public list and support (CONTRACT.md Additions, "Evidence, public tracking
and support"). The first two need no token; what they show is domain/policy.py's allow-lists.

Complaint numbers can be guessed at (35 random bits): the API-wide per-IP throttle
(api/throttle.py) stands in front of `GET /v1/track/{id}`, and a malformed number is answered like
an unknown one, 404, without a read.
"""
from __future__ import annotations

import re
from dataclasses import asdict

from chalice import Blueprint, Response

from ..domain import policy
from ..domain.model import Status
from ..domain.words import STATUS_WORDS, word
from ..services import attachments as attachment_service
from ..services import public as service
from ..services.support import support as support_service
from ..wiring import container
from . import schemas
from .errors import invalid
from .http import JSON_CONTENT_TYPES, endpoint, source_ip
from .queries import choice, page_limit
from .views import event_label, iso

api = Blueprint(__name__)
_COORD = r"-?[0-9]{1,3}(?:\.[0-9]{1,12})?"         # ASCII digits, bounded: always a storable number
_NEAR = re.compile(rf"({_COORD}),({_COORD})")
_RADIUS = re.compile(r"[0-9]{1,5}")
PHOTO_CACHE = "public, max-age=240"     # shorter than the 5 minutes the URL it redirects to lives


@api.route("/v1/track/{complaint_id}", methods=["GET"])
@endpoint(api, auth=False)
def track(call, complaint_id):
    """Any complaint by its number, as the public may see it (no token read)."""
    return track_view(service.track(container.public_deps(), complaint_id), call.lang)


@api.route("/v1/public/complaints", methods=["GET"])
@endpoint(api, auth=False)
def public_complaints(call):
    category, opd = call.query("category"), call.query("opd")
    if category is not None and container.rules.category(category) is None:
        raise invalid("category", "unknown_category", value=category[:64])
    if opd is not None and opd not in container.rules.opds:
        raise invalid("opd", "unknown_opd", value=opd[:64])
    status = choice(call, "status", [s.value for s in Status])
    page = service.list_public(container.public_deps(), category=category, opd=opd, status=status,
                               near=parse_near(call), limit=page_limit(call), cursor=call.query("cursor"))
    return {"items": [public_item_view(i) for i in page.items], "next": page.next}


@api.route("/v1/public/complaints/{complaint_id}/photos/{attachment_id}", methods=["GET"])
@endpoint(api, auth=False)
def public_photo(call, complaint_id, attachment_id):
    """A photo of a public complaint anyone may see (Open311's `media_url` points here): 302 to a
    5-minute download URL of its cleaned copy, each one handed out audited."""
    url = attachment_service.public_photo(container.attachment_deps(), complaint_id, attachment_id,
                                          source_ip(call.request))
    return Response(body="", status_code=302, headers={"Location": url, "Cache-Control": PHOTO_CACHE})


@api.route("/v1/complaints/{complaint_id}/support", methods=["POST"], content_types=JSON_CONTENT_TYPES)
@endpoint(api, body_model=schemas.Empty)
def support(call, complaint_id):
    """A citizen who did not file it supports a public complaint, once: `{"supporters": N}`; the
    reporter is refused with 403 `own_complaint` (domain/policy.support_refusal)."""
    return {"supporters": support_service(container.support_deps(), call.actor, complaint_id)}


def photo_path(complaint_id: str, attachment_id: str) -> str:
    """The public photo route's path (Open311 builds `media_url` from it)."""
    return f"/v1/public/complaints/{complaint_id}/photos/{attachment_id}"


def parse_near(call) -> service.Near | None:
    """`near=lat,lon` (decimal degrees) with `radius_m` (whole metres, default 1000), else 422."""
    text, radius_text = call.query("near"), call.query("radius_m")
    if text is None:
        if radius_text is not None:
            raise invalid("radius_m", "requires_near")
        return None
    match = _NEAR.fullmatch(text)
    if match is None:
        raise invalid("near", "invalid_near")
    lat, lon = float(match[1]), float(match[2])
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise invalid("near", "out_of_range")
    radius = service.DEFAULT_RADIUS_M
    if radius_text is not None:
        if not _RADIUS.fullmatch(radius_text) or not service.MIN_RADIUS_M <= int(radius_text) <= service.MAX_RADIUS_M:
            raise invalid("radius_m", "radius_range", min=service.MIN_RADIUS_M, max=service.MAX_RADIUS_M)
        radius = int(radius_text)
    return service.Near(lat, lon, radius)


def _deadlines(d: dict) -> dict:
    return {"followup_due": iso(d.get("followup_due")), "approval_due": iso(d.get("approval_due"))}


def track_view(t: service.Tracked, lang: str) -> dict:
    """GET /v1/track/{id}: policy.TRACK_FIELDS (the rest null); the timeline as at, type, label."""
    c, allowed = t.complaint, policy.track_fields(t.complaint)
    full = {
        "id": c.id, "status": c.status.value, "status_label": word(STATUS_WORDS, c.status.value, lang),
        "category": c.category, "sector": c.sector, "opd": c.opd, "visibility": c.visibility,
        "created_at": iso(c.created_at), "deadlines": _deadlines(t.deadlines),
        "overdue": bool(t.deadlines.get("overdue", False)),
        "title": c.title, "description": c.description,
        "location": asdict(c.location) if c.location else None, "supporters": t.supporters,
        "timeline": [dict(zip(policy.TRACK_EVENT_FIELDS, (iso(e.at), e.type, event_label(e, lang)), strict=True))
                     for e in t.events],
    }
    return {name: value if name in allowed else None for name, value in full.items()}


def public_item_view(item: service.PublicItem) -> dict:
    """An item of the public list and of `similar`: policy.PUBLIC_ITEM_FIELDS only."""
    c, allowed = item.complaint, policy.public_item_fields(item.complaint)
    full = {
        "id": c.id, "status": c.status.value, "category": c.category, "sector": c.sector, "opd": c.opd,
        "title": c.title, "description": c.description,
        "location": asdict(c.location) if c.location else None,
        "created_at": iso(c.created_at), "updated_at": iso(c.updated_at),
        "deadlines": _deadlines(item.deadlines), "overdue": bool(item.deadlines.get("overdue", False)),
        "supporters": item.supporters,
        "distance_m": round(item.distance_m) if item.distance_m is not None else None,
    }
    return {name: value for name, value in full.items() if name in allowed}


from . import public_spec  # noqa: E402, F401  (registers these routes' OpenAPI descriptions: spec.describe)
