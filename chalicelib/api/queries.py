"""Query-string parameters shared by the list routes: validated here, 422 on nonsense."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from .errors import invalid

WIB = timezone(timedelta(hours=7))


def page_limit(call) -> int:
    text = call.query("limit") or "20"
    if not text.isdigit() or not 1 <= int(text) <= 100:
        raise invalid("limit", "out_of_range")
    return int(text)


def parse_time(text, field):
    if text is None:
        return None
    try:
        at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise invalid(field, "invalid") from None
    return at if at.tzinfo else at.replace(tzinfo=WIB)    # a bare date means a WIB date


