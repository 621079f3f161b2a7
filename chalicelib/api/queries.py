"""The one parsing layer for what a request carries besides its body: every query parameter,
header and path part is read here (through `http.Call` and `http.endpoint`), and refused with the
contract's 4xx when it cannot be meant, before any service or store sees it.

ASCII-only and bounded on purpose: `str.isdigit()` is true for "²", which `int()` refuses, and
`int()` refuses more than 4,300 digits; times go through domain/times.parse_iso, which refuses
years near datetime's edges (arithmetic on them overflows); a value longer than any key the
tables hold never reaches DynamoDB (whose key limits are errors, not absences).
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime

from ..domain.times import WIB, parse_iso
from ..services.paging import MAX_CURSOR_CHARS, MAX_LIMIT
from .errors import ApiError, invalid

DEFAULT_LIMIT = 20
MAX_PARAM_CHARS = MAX_CURSOR_CHARS     # the longest value a parameter has: a page cursor
MAX_HEADER_CHARS = 8192                # Authorization (a Cognito ID token) is the longest read
MAX_PATH_PART_CHARS = 128
_DIGITS = re.compile(r"[0-9]{1,3}")
_VERSION = re.compile(r"[0-9]{1,9}")


def _printable_ascii(text: str, max_len: int) -> bool:
    return 0 < len(text) <= max_len and text.isascii() and text.isprintable()


# --- what every route reads through http.Call and http.endpoint ------------------------------------
def query_value(params: Mapping | None, name: str) -> str | None:
    """A query parameter as text, or None when absent: printable ASCII of at most MAX_PARAM_CHARS
    (an empty value is passed on, for the parameter's own parser to judge), else 422."""
    value = (params or {}).get(name)
    if value is None or value == "":
        return value
    if not isinstance(value, str) or not _printable_ascii(value, MAX_PARAM_CHARS):
        if name == "cursor":         # as every listing answers a cursor it did not make
            raise ApiError(400, "bad_cursor")
        raise invalid(name, "invalid")
    return value


def header_value(headers: Mapping | None, name: str) -> str | None:
    """A request header, or None: at most MAX_HEADER_CHARS, else 400 (naming the header, never
    repeating its value)."""
    value = (headers or {}).get(name)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > MAX_HEADER_CHARS:
        raise ApiError(400, "invalid_header", header=name)
    return value


def plausible_path_part(value: object) -> bool:
    """A path part names something we issued (a complaint id, a notification id): printable ASCII
    without a slash, bounded. Anything else cannot exist: the route answers 404 for it."""
    return isinstance(value, str) and _printable_ascii(value, MAX_PATH_PART_CHARS) and "/" not in value


# --- typed parameters ------------------------------------------------------------------------------
def page_limit(call) -> int:
    text = call.query("limit") or str(DEFAULT_LIMIT)
    if not _DIGITS.fullmatch(text) or not 1 <= int(text) <= MAX_LIMIT:
        raise invalid("limit", "out_of_range")
    return int(text)


def parse_time(text: str | None, field: str) -> datetime | None:
    """An ISO-8601 time or date; without an offset it is read in WIB (a bare date is a WIB day)."""
    if text is None:
        return None
    try:
        return parse_iso(text, naive_tz=WIB)
    except ValueError:
        raise invalid(field, "invalid") from None


def parse_bool(call, field: str) -> bool | None:
    text = call.query(field)
    if text not in (None, "true", "false"):
        raise invalid(field, "not_allowed_value", expected="true, false")
    return None if text is None else text == "true"


def choice(call, field: str, allowed) -> str | None:
    """One of `allowed` (strings), or None when absent; 422 naming the choices otherwise."""
    allowed = [str(a) for a in allowed]
    text = call.query(field)
    if text is not None and text not in allowed:
        raise invalid(field, "not_allowed_value", expected=", ".join(allowed))
    return text


# --- typed headers ---------------------------------------------------------------------------------
def if_match(call) -> int | None:
    """`If-Match: 3` (or `"3"`, `W/"3"`): act only on version 3 of the complaint, else 409.
    ASCII digits only ("²".isdigit() is true), at most 9 of them."""
    text = call.header("if-match")
    if text is None:
        return None
    text = text.strip().removeprefix("W/").strip('"')
    if not _VERSION.fullmatch(text):
        raise ApiError(400, "invalid_if_match")
    return int(text)


def idempotency_key(call) -> str | None:
    """`Idempotency-Key`: 1–128 visible ASCII characters, else 400."""
    key = call.header("idempotency-key")
    if key is not None and not _printable_ascii(key, 128):
        raise ApiError(400, "invalid_idempotency_key")
    return key
