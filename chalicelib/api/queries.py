"""Query-string parameters shared by the list routes: parsed here, 422 on nonsense.

ASCII-only and bounded on purpose: `str.isdigit()` is true for "²", which `int()` refuses, and
`int()` refuses more than 4,300 digits; times go through domain/times.parse_iso, which refuses
years near datetime's edges (arithmetic on them overflows).
"""
from __future__ import annotations

import re
from datetime import datetime

from ..domain.times import WIB, parse_iso
from ..services.paging import MAX_LIMIT
from .errors import invalid

DEFAULT_LIMIT = 20
_DIGITS = re.compile(r"[0-9]{1,3}")


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
