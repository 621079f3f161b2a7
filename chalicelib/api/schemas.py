"""Request shapes, declared once: used to validate and (later) to describe the API in OpenAPI.

Strict types: `"anonymous": "yes"` is an error, not a truthy string. Strings are trimmed before
their length is checked, so a title of spaces is too short.
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, ValidationError

from .errors import ApiError, field_error

TITLE_MAX = 200
TEXT_MAX = 5000
REASON_MAX = 2000


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, strict=True)


def _text(min_length: int, max_length: int):
    return Field(min_length=min_length, max_length=max_length)


class LocationIn(_Body):
    lat: StrictFloat | StrictInt | None = Field(default=None, ge=-90, le=90)
    lon: StrictFloat | StrictInt | None = Field(default=None, ge=-180, le=180)
    address: str | None = Field(default=None, max_length=300)


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


_PYDANTIC_CODES = {
    "missing": "required", "string_too_short": "too_short", "string_too_long": "too_long",
    "extra_forbidden": "unknown_field", "literal_error": "not_allowed_value",
    "greater_than_equal": "out_of_range", "less_than_equal": "out_of_range",
}
_EXPECTED = {"string_type": "string", "bool_type": "boolean", "int_type": "integer",
             "float_type": "number", "model_type": "object", "dict_type": "object"}


def parse(model: type[_Body], data) -> _Body:
    """Validate `data` (already decoded JSON) against `model`; raise ApiError 422 with one
    detail per offending field."""
    if not isinstance(data, dict):
        raise ApiError(422, "validation_failed", [field_error("", "wrong_type", expected="object")])
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
