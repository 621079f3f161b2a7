"""POST requests' form (application/x-www-form-urlencoded, as the spec and FixMyStreet send it),
read and validated before any service runs.

The complaint a request becomes is validated by the very schema POST /v1/complaints uses
(schemas.NewComplaint: lengths, coordinates DynamoDB can store), with the errors named by the
Open311 fields the client sent. What Open311 carries that Lampung In does not keep is checked for
shape and then dropped: email, first_name, last_name, phone (the application is the reporter of
record and keeps its users' contact details), device_id, account_id, address_id, attribute[…],
and media_url (photos of a complaint are not published yet). Every value is bounded, and the
body is at most Settings.max_body_bytes; a field given twice is refused (which one was meant?).
"""
from __future__ import annotations

import re
from typing import cast
from urllib.parse import parse_qsl

from ..services.open311 import NewRequest, title_of
from .errors import ApiError, field_error
from .schemas import NewComplaint, parse

FORM = "application/x-www-form-urlencoded"
MAX_FIELDS = 60
MAX_VALUE_CHARS = 8000          # a description's 5,000 characters, with room for the client's markup
_NUMBER = re.compile(r"[+-]?[0-9]{1,3}(?:\.[0-9]{1,20})?")
_URL = re.compile(r"https?://[!-~]{1,2040}", re.IGNORECASE)
CHECKED_ONLY = {"email": 254, "first_name": 100, "last_name": 100, "phone": 32, "device_id": 200,
                "account_id": 200, "address_id": 200, "jurisdiction_id": 100}
# our schema's field -> the Open311 field it came from, for the error's description
OPEN311_NAMES = {"category": "service_code", "title": "description", "location.lat": "lat",
                 "location.lon": "long", "location.address": "address_string", "location": "lat"}


def read_form(request, max_bytes: int) -> dict[str, str]:
    """The form's fields (first and only value each), or ApiError (413, 415, 400)."""
    raw = request.raw_body or b""
    if len(raw) > max_bytes:
        raise ApiError(413, "body_too_large", limit=max_bytes)
    ctype = ((request.headers or {}).get("content-type") or "").split(";")[0].strip().lower()
    if ctype != FORM:
        raise ApiError(415, "open311_form_required")
    try:
        pairs = parse_qsl(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=False,
                          encoding="utf-8", errors="strict", max_num_fields=MAX_FIELDS)
    except (UnicodeDecodeError, ValueError):
        raise ApiError(400, "open311_form_invalid", limit=MAX_FIELDS) from None
    form: dict[str, str] = {}
    for name, value in pairs:
        if name in form:
            raise ApiError(422, "validation_failed", [field_error(name[:40], "duplicate", value=name[:40])])
        if len(value) > MAX_VALUE_CHARS:
            raise ApiError(422, "validation_failed", [field_error(name[:40], "too_long", limit=MAX_VALUE_CHARS)])
        form[name] = value
    return form


def _number(form: dict, name: str) -> float | None:
    text = form.get(name, "").strip()
    if not text:
        return None
    if not _NUMBER.fullmatch(text):
        raise ApiError(422, "validation_failed", [field_error(name, "open311_not_a_number")])
    return float(text)


def _checked(form: dict) -> None:
    for name, limit in CHECKED_ONLY.items():
        if len(form.get(name, "")) > limit:
            raise ApiError(422, "validation_failed", [field_error(name, "too_long", limit=limit)])
    media = form.get("media_url", "").strip()
    if media and not _URL.fullmatch(media):
        raise ApiError(422, "validation_failed", [field_error("media_url", "open311_invalid_url")])


def new_request(form: dict, rules) -> NewRequest:
    """The request as a complaint would be filed, or ApiError 422 naming the Open311 fields. Its
    title comes from the description (services/open311.title_of) and is checked like a citizen's."""
    code = form.get("service_code", "").strip()
    if not code:
        raise ApiError(422, "validation_failed", [field_error("service_code", "required")])
    category = rules.category(code)
    if category is None:
        raise ApiError(422, "validation_failed", [field_error("service_code", "open311_unknown_service",
                                                              value=code[:64])])
    description = form.get("description", "")
    lat, lon = _number(form, "lat"), _number(form, "long")
    address = form.get("address_string", "").strip() or None
    if (lat is None) != (lon is None):
        raise ApiError(422, "validation_failed", [field_error("lat" if lat is None else "long",
                                                              "open311_lat_long_pair")])
    if lat is None and address is None:
        raise ApiError(422, "validation_failed", [field_error("lat", "open311_location_required")])
    _checked(form)
    location = {k: v for k, v in (("lat", lat), ("lon", lon), ("address", address)) if v is not None}
    try:
        parsed = cast(NewComplaint, parse(NewComplaint, {
            "category": code, "title": title_of(description, category.name), "description": description,
            "location": location, "visibility": "public"}))
    except ApiError as err:
        for d in err.details:
            d["field"] = OPEN311_NAMES.get(d["field"], d["field"])
        raise
    loc = parsed.location
    return NewRequest(service_code=parsed.category, title=parsed.title, description=parsed.description,
                      lat=loc.lat if loc else None, lon=loc.lon if loc else None, address=loc.address if loc else None)
