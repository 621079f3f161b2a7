"""The OpenAPI descriptions of the public tracking, public list and support routes (api/public.py),
registered with chalicelib/api/spec.py at import, beside the routes. The response models are
`defer_build`: their schemas are built with the spec, never on a cold start."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..domain.model import Status
from ..services.public import DEFAULT_RADIUS_M, MAX_RADIUS_M, MIN_RADIUS_M, SIMILAR_LIMIT
from . import schemas
from .spec import PAGING, Param, choice_query, describe, text_query

StatusCode = Literal["assigned", "waiting_citizen", "followed_up", "resolved", "closed", "forwarded", "rejected"]


class _Out(BaseModel):
    model_config = ConfigDict(defer_build=True)


class TrackEvent(_Out):
    at: str = Field(description="ISO-8601, UTC")
    type: str = Field(description="submitted, claimed, followed_up, ...: only events the public may know of")
    label: str = Field(description="the event's human name in the caller's language (Accept-Language)")


class TrackOut(_Out):
    """A complaint as anyone with its number may see it (domain/policy.TRACK_FIELDS)."""

    id: str
    status: StatusCode
    status_label: str = Field(description="the status in the caller's language")
    category: str
    sector: str
    opd: str
    visibility: Literal["private", "public"]
    created_at: str
    deadlines: schemas.Deadlines
    overdue: bool
    title: str | None = Field(description="null unless the reporter made the complaint public")
    description: str | None
    location: schemas.LocationOut | None
    supporters: int | None = Field(description="citizens who support it; null for a private complaint")
    timeline: list[TrackEvent] = Field(description="oldest first; never a note, a reply or a person")


class PublicItemOut(_Out):
    """A public complaint in the public list and in a filing's `similar` (policy.PUBLIC_ITEM_FIELDS):
    no reporter, no assignee, nothing the citizen wrote after filing."""

    id: str
    status: StatusCode
    category: str
    sector: str
    opd: str
    title: str
    description: str
    location: schemas.LocationOut | None
    created_at: str
    updated_at: str
    deadlines: schemas.Deadlines
    overdue: bool
    supporters: int
    distance_m: int | None = Field(description="metres from `near` (the new complaint, for `similar`)")


class PublicPage(_Out):
    items: list[PublicItemOut]
    next: str | None = Field(description="the cursor of the next page, or null")


class SupportOut(_Out):
    supporters: int = Field(ge=1, description="the complaint's supporters after this one")


ITEM = {"id": "ADU-261127-D9BEVXG", "status": "assigned", "category": "jalan-provinsi", "sector": "lainnya",
        "opd": "BMBK", "title": "Jalan berlubang", "description": "Lubang besar di depan pasar.",
        "location": {"lat": -5.43, "lon": 105.26, "address": "Jl. Soekarno-Hatta"},
        "created_at": "2026-11-27T02:00:00Z", "updated_at": "2026-11-27T02:00:00Z",
        "deadlines": {"followup_due": "2026-11-28T02:00:00Z", "approval_due": None}, "overdue": False,
        "supporters": 12, "distance_m": 140}
TRACK = {"id": "ADU-261127-D9BEVXG", "status": "assigned", "status_label": "menunggu tindak lanjut",
         "category": "jkn-faskes", "sector": "kesehatan", "opd": "DINKES", "visibility": "private",
         "created_at": "2026-11-27T02:00:00Z",
         "deadlines": {"followup_due": "2026-11-28T02:00:00Z", "approval_due": None}, "overdue": False,
         "title": None, "description": None, "location": None, "supporters": None,
         "timeline": [{"at": "2026-11-27T02:00:00Z", "type": "submitted", "label": "Aduan diajukan"}]}
NEAR = Param("near", {"type": "string", "maxLength": 32,
                      "pattern": r"^-?[0-9]{1,3}(\.[0-9]{1,12})?,-?[0-9]{1,3}(\.[0-9]{1,12})?$"},
             "`lat,lon` in decimal degrees (ASCII digits): only complaints within `radius_m` of it, each with "
             "its `distance_m`, still newest first", example="-5.43,105.26")
RADIUS = Param("radius_m", {"type": "integer", "minimum": MIN_RADIUS_M, "maximum": MAX_RADIUS_M,
                            "default": DEFAULT_RADIUS_M},
               f"whole metres, {MIN_RADIUS_M}–{MAX_RADIUS_M} (default {DEFAULT_RADIUS_M}); only with `near`",
               example=500)
TAG = "Public"

describe("GET", "/v1/track/{complaint_id}", tag=TAG, roles=None, summary="Track a complaint by its number",
         ringkasan="Lacak aduan dengan nomornya", response=TrackOut, example=TRACK,
         description="Any complaint, no token (a citizen tracks by number, as on JAKI): status, OPD, category, "
                     "filing date, deadlines and the labels of its public-safe timeline; title, description and "
                     "location only when the reporter made it public. Case does not matter, and I/L read as 1, "
                     "O as 0. An unknown or malformed number is 404; the per-address throttle is in front (429).")
describe("GET", "/v1/public/complaints", tag=TAG, roles=None, summary="Public complaints",
         ringkasan="Aduan publik", response=PublicPage, errors=(400,),
         example={"items": [ITEM], "next": None},
         description="Complaints their reporters made public, newest first, without the reporter, the "
                     "assignee or anything the citizen wrote after filing. A page is shorter than `limit` "
                     "only at the end or when the reads it may take ran out (then `next` continues there).",
         params=(text_query("category", "only this category (GET /v1/categories)", 64),
                 text_query("opd", "only this OPD's", 64), choice_query("status", Status, "only in this status"),
                 NEAR, RADIUS, *PAGING))
describe("GET", "/v1/public/complaints/{complaint_id}/photos/{attachment_id}", tag=TAG, roles=None,
         summary="A public complaint's photo", ringkasan="Foto aduan publik", status=302, content={},
         response_headers=("Location", "Cache-Control"),
         description="302 to a 5-minute download URL of the cleaned copy (EXIF and GPS removed) of a processed "
                     "image of a public complaint: the reporter's photos and the OPD's photos of the work done. "
                     "Open311's `media_url` points here. Every URL handed out is in the audit trail (actor_role "
                     "`public`). A private complaint, a document, an upload not processed yet and anything "
                     "else is 404, alike.")
describe("POST", "/v1/complaints/{complaint_id}/support", tag=TAG, roles=("citizen",),
         summary="Support a public complaint", ringkasan="Dukung aduan publik", body=schemas.Empty,
         response=SupportOut, errors=(409,), example={"supporters": 13},
         description="Once per citizen: supporting again answers the same number and counts nothing. Its "
                     "reporter is refused (403 `own_complaint`), staff too (403); a private complaint is 404 to "
                     f"everyone but those who may see it. `POST /v1/complaints` offers up to {SIMILAR_LIMIT} "
                     "such complaints nearby in `similar` (PublicItem) to support instead of filing again; "
                     "many supports at the same instant may answer 409 `support_contended` (retry).")
