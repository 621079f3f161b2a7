"""Time, once: Asia/Jakarta (WIB) for people and dates, UTC ISO-8601 for storage, strict parsing.

Why one module: the offset, the storage format and the parser were each written several times and
drifted (one accepted Unicode digits and crashed on them). Asia/Jakarta has been UTC+7 without
daylight saving since 1964, so a fixed offset is exact and the Lambda needs no tz database.
Nothing here reads the clock: "now" is always an argument.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

WIB = timezone(timedelta(hours=7), "WIB")
UTC = timezone.utc

# ASCII digits only and a bounded length: `datetime.fromisoformat` accepts "²"-free text only by
# accident of the implementation, and arithmetic near year 1 or 9999 overflows.
_ISO = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}"
                  r"(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?"
                  r"(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?$")
MIN_YEAR, MAX_YEAR = 1970, 9000    # far beyond any complaint, far from datetime's edges


def parse_iso(text: str, *, naive_tz: timezone = UTC) -> datetime:
    """An aware datetime from ISO-8601 text (`2026-03-02`, `2026-03-02T08:00+07:00`, `…Z`).

    A time without an offset is read in `naive_tz` (a bare date means midnight there). Raises
    ValueError for anything else: non-ASCII digits, over-long text, impossible dates, years outside
    MIN_YEAR..MAX_YEAR."""
    if not isinstance(text, str) or len(text) > 40 or not _ISO.match(text.strip()):
        raise ValueError(f"not an ISO 8601 time: {str(text)[:40]!r}")
    text = text.strip()
    at = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    if at.tzinfo is None:
        at = at.replace(tzinfo=naive_tz)
    if not MIN_YEAR <= at.year <= MAX_YEAR:
        raise ValueError(f"year {at.year} is outside {MIN_YEAR}..{MAX_YEAR}")
    return at


def to_utc(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError("naive datetime: the domain's times are timezone-aware")
    return at.astimezone(UTC)


def iso_utc(at: datetime) -> str:
    """The storage form: UTC with microseconds and a Z (sorts as text in time order)."""
    return to_utc(at).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def from_storage(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def local_date(at: datetime | date) -> date:
    """The WIB calendar date of an instant (parameters and holidays are dated in WIB)."""
    if isinstance(at, datetime):
        if at.tzinfo is None:
            raise ValueError("naive datetime: pass an aware (UTC) datetime")
        return at.astimezone(WIB).date()
    return at


def in_wib(at: datetime) -> datetime:
    return at.astimezone(WIB)


def format_wib(at: datetime | None, *, with_day: bool = False, lang: str = "id") -> str:
    """How a person reads an instant: `09-01-2026 16:00 WIB` (optionally with the day name in
    the reader's language)."""
    if at is None:
        return "-"
    local = in_wib(at)
    text = local.strftime("%d-%m-%Y %H:%M WIB")
    if with_day:
        text = f"{day_name(local.date(), lang)} {text}"
    return text


DAY_NAMES = {"id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
             "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")}


def day_name(day: date, lang: str = "id") -> str:
    return DAY_NAMES["en" if lang == "en" else "id"][day.weekday()]
