"""Request shapes, declared once: used to validate and (later) to describe the API in OpenAPI.

Strict types: `"anonymous": "yes"` is an error, not a truthy string. Strings are trimmed before
their length is checked, so a title of spaces is too short.
"""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from ..domain.people import CHANNELS
from ..services.people import EMAIL_MAX, PHONE_MAX, PUSH_TOKEN_MAX
from .errors import ApiError, field_error

TITLE_MAX = 200
TEXT_MAX = 5000
REASON_MAX = 2000


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, strict=True)


def _text(min_length: int, max_length: int):
    return Field(min_length=min_length, max_length=max_length)


# What DynamoDB can store (STACK-NOTES): a non-zero magnitude below 1E-130 is "Number underflow",
# a 500 if it reaches the store. 1e-200 is a valid latitude to pydantic; not to the table.
DYNAMO_MIN_MAGNITUDE = 1e-130


DYNAMO_MAX_MAGNITUDE = 1e126           # and at most 38 significant digits: integers below 10**38
DYNAMO_MAX_INT = 10 ** 38


def storable(value):
    if value is not None and value != 0 and abs(value) < DYNAMO_MIN_MAGNITUDE:
        raise PydanticCustomError("number_underflow", "magnitude below {limit}", {"limit": "1e-130"})
    return value


def _fits_dynamodb(value) -> bool:
    if isinstance(value, bool):
        return True
    if isinstance(value, int):
        return abs(value) < DYNAMO_MAX_INT
    if isinstance(value, float):
        return value == 0 or DYNAMO_MIN_MAGNITUDE <= abs(value) < DYNAMO_MAX_MAGNITUDE
    return True


def unstorable_number(data) -> str | None:
    """The path (`a.b.0`) of the first number in decoded JSON that DynamoDB could not store, for
    every body whatever its model: a field added later is covered without a validator of its own."""
    stack = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            stack.extend((f"{path}.{k}" if path else str(k), v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((f"{path}.{i}" if path else str(i), v) for i, v in enumerate(value))
        elif not _fits_dynamodb(value):
            return path
    return None


class LocationIn(_Body):
    lat: StrictFloat | StrictInt | None = Field(default=None, ge=-90, le=90)
    lon: StrictFloat | StrictInt | None = Field(default=None, ge=-180, le=180)
    address: str | None = Field(default=None, max_length=300)

    @field_validator("lat", "lon")
    @classmethod
    def _storable(cls, value):
        return storable(value)


class NewComplaint(_Body):
    category: str = _text(1, 64)
    title: str = _text(5, TITLE_MAX)
    description: str = _text(10, TEXT_MAX)
    location: LocationIn | None = None
    visibility: Literal["private", "public"] = "private"
    anonymous: StrictBool = False


class Empty(_Body):
    pass


class FollowUp(_Body):
    message: str = _text(1, TEXT_MAX)


class Approve(_Body):
    note: str | None = Field(default=None, max_length=REASON_MAX)


class Reason(_Body):
    reason: str = _text(1, REASON_MAX)


class Transfer(_Body):
    opd: str = _text(1, 64)
    reason: str = _text(1, REASON_MAX)


class Forward(_Body):
    jurisdiction: str = _text(1, 64)
    reason: str = _text(1, REASON_MAX)


class RequestInfo(_Body):
    question: str = _text(1, TEXT_MAX)


class Reply(_Body):
    message: str = _text(1, TEXT_MAX)


class RatingIn(_Body):
    stars: StrictInt = Field(ge=1, le=5)
    comment: str | None = Field(default=None, max_length=REASON_MAX)


class Assign(_Body):
    """POST /v1/complaints/{id}/assign (the OPD's supervisor): the operator's `sub` (token claim)
    becomes the assignee, and answers for the open follow-up clock as a claimer would. 200 with
    the complaint; assigning the operator who already has it changes nothing (same version)."""

    operator: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9][A-Za-z0-9._@+-]*$")


class Note(_Body):
    """POST /v1/complaints/{id}/notes (operator or supervisor of the OPD, inspector): a staff
    note. 201 with the new timeline event (TimelineEvent: type `staff_note`), `ETag` the
    complaint's new version and `Location` its timeline; status and deadlines do not change.
    Only staff and oversight ever read it (domain/policy.py)."""

    note: str = _text(1, TEXT_MAX)


class TimelineEvent(BaseModel):
    """One element of GET /v1/complaints/{id}/timeline (response shape, for the OpenAPI): only
    the events and fields domain/policy.py lets the caller see. `note` is null when the caller
    may not read it; `actor_id` and `data` appear only when the caller may read them."""

    at: str                                  # ISO-8601 UTC
    type: str                                # submitted, claimed, assigned_to, ..., staff_note
    label: str = Field(description="the event's human name in the caller's language (Accept-Language)")
    actor_role: str
    note: str | None = None
    actor_id: str | None = None
    data: dict | None = Field(default=None, description="per type: transferred {from_opd, to_opd, "
                              "decides_approval?}, assigned_to {operator}, forwarded {jurisdiction}, ...")


_PYDANTIC_CODES = {
    "missing": "required", "string_too_short": "too_short", "string_too_long": "too_long",
    "extra_forbidden": "unknown_field", "literal_error": "not_allowed_value",
    "greater_than_equal": "out_of_range", "less_than_equal": "out_of_range",
    "number_underflow": "out_of_range",
}
_EXPECTED = {"string_type": "string", "bool_type": "boolean", "int_type": "integer",
             "float_type": "number", "model_type": "object", "dict_type": "object"}


def parse(model: type[_Body], data) -> _Body:
    """Validate `data` (already decoded JSON) against `model`; raise ApiError 422 with one
    detail per offending field."""
    if not isinstance(data, dict):
        raise ApiError(422, "validation_failed", [field_error("", "wrong_type", expected="object")])
    bad = unstorable_number(data)
    if bad is not None:
        raise ApiError(422, "validation_failed", [field_error(bad, "out_of_range")])
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ApiError(422, "validation_failed", _details(exc)) from None


def _details(exc: ValidationError) -> list[dict]:
    details, seen = [], set()
    for err in exc.errors(include_url=False):
        loc = [str(p) for p in err["loc"] if not str(p).startswith(("function-", "constrained-"))]
        # unions report one error per member type: keep the first per field
        loc = [p for p in loc if p not in ("float", "int", "str", "bool", "none", "LocationIn")]
        field = ".".join(loc)
        if field in seen:
            continue
        seen.add(field)
        kind, ctx = err["type"], err.get("ctx") or {}
        if kind in _PYDANTIC_CODES:
            code = _PYDANTIC_CODES[kind]
            params = {"limit": ctx.get("min_length", ctx.get("max_length", ctx.get("ge", ctx.get("le")))),
                      "expected": ctx.get("expected")}
        elif kind in _EXPECTED or kind.endswith("_type"):
            code, params = "wrong_type", {"expected": _EXPECTED.get(kind, kind.removesuffix("_type"))}
        else:
            code, params = "invalid", {}
        details.append(field_error(field, code, **{k: v for k, v in params.items() if v is not None}))
    return details


# --- a person's own preferences (CONTRACT.md, People: /v1/me/preferences) --------------------------
class PreferencesIn(_Body):
    """PUT /v1/me/preferences (any signed-in caller; only ever their own): replaces the caller's
    preferences whole, so a field left out or null (or "") is removed. 200 with the stored
    preferences (PreferencesOut). Types and sizes are checked here; what the values must be, in
    services/people.py (every bad field named in one 422): `email` an address with a dotted
    domain (IDNA), `phone` an Indonesian mobile number (08…, 628…, +628…, spaces and dashes
    allowed; stored as +628…), `push_token` printable ASCII, `channels` each of email, sms,
    whatsapp, push at most once and each with its address (sms and whatsapp need `phone`),
    `language` id or en."""

    email: str | None = Field(default=None, max_length=EMAIL_MAX)
    phone: str | None = Field(default=None, max_length=PHONE_MAX)
    push_token: str | None = Field(default=None, max_length=PUSH_TOKEN_MAX)
    channels: list[Annotated[str, Field(max_length=16)]] = Field(max_length=len(CHANNELS))
    language: str = Field(max_length=8, description="id | en")


class PreferencesOut(BaseModel):
    """GET, PUT and DELETE /v1/me/preferences (response shape, for the OpenAPI): the caller's
    stored preferences, or the defaults (language id, no channels) when none are stored (DELETE
    answers the defaults now in force). Never anyone else's: there is no route by sub."""

    email: str | None = None
    phone: str | None = Field(default=None, description="E.164, +628…")
    push_token: str | None = None
    channels: list[str] = Field(description="besides the in-app list (always on): email, sms, whatsapp, push")
    language: str = Field(description="id | en: the language of notifications")
    updated_at: str | None = Field(default=None, description="ISO-8601 UTC; null for the defaults")
