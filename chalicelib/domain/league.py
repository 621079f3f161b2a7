"""The league table's counters, as pure arithmetic: what one clock, sanction or support adds to
its OPD's counters of one day, and the table's figures from a window of such days (issue 16).

A day's counters are a flat map of whole numbers, `<figure>_<channel>`:

* `c`  complaints (a complaint counts once per OPD: at the first follow-up clock it had there);
* `f_on`, `f_late`, `a_on`, `a_late`  follow-up / approval clocks decided on time or late;
* `f_h<t>`, `a_h<t>`  clocks that ended by a follow-up / an approval after `t` tenths of an
  hour (the durations' histogram: below 24 hours the median comes out exactly to the tenth it is
  shown in, above to the hour — so an item's size is bounded by the range of durations, not by
  the number of complaints);
* `s`  sanctions issued (the primary ones, as the table always counted);
* `u`  supports given to the OPD's complaints.

A clock's day is the WIB date it started; a sanction's the WIB date it was issued; a support's
the WIB date it was given. A clock's contribution changes as it runs (started, then decided):
the store keeps the contribution it last counted beside the clock and adds only the difference,
in one transaction with that record, so replays and retries never count twice.

Late here is what the table always called late, on stored state alone: a clock that ended after
its time ran out, or a running one whose miss the sweep has recorded (`settled`).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime

from .model import CHANNELS
from .times import local_date

ON_TIME_ENDINGS = ("followed_up", "approved", "returned")
TIMED_ENDINGS = ("followed_up", "approved")
PREFIX = {"followup": "f", "approval": "a"}
EXACT_HOURS = 24          # durations shorter than this are kept to the tenth of an hour


def day_of(at: datetime) -> str:
    """The counters' day of an instant: its WIB date, YYYY-MM-DD."""
    return local_date(at).isoformat()


def clock_tally(clock, *, counts_complaint: bool, settled: bool) -> dict[str, int]:
    """What one clock adds to the counters of (its OPD, the day it started)."""
    prefix = PREFIX.get(clock.name)
    if prefix is None:
        return {}
    ch = clock.channel
    out: dict[str, int] = {}
    if counts_complaint and clock.name == "followup":
        out[f"c_{ch}"] = 1
    late = clock.missed and (clock.ended_at is not None or settled)
    if late:
        out[f"{prefix}_late_{ch}"] = 1
    elif clock.state == "stopped" and clock.ended_by in ON_TIME_ENDINGS:
        out[f"{prefix}_on_{ch}"] = 1
    if clock.state == "stopped" and clock.ended_by in TIMED_ENDINGS and clock.ended_at is not None:
        out[f"{prefix}_h{duration_bucket((clock.ended_at - clock.started_at).total_seconds())}_{ch}"] = 1
    return out


def duration_bucket(seconds: float) -> int:
    """A duration's histogram bucket, in tenths of an hour: exact to the tenth below
    EXACT_HOURS, to the whole hour above (so a day's item has at most EXACT_HOURS × 10 + one
    bucket per longer hour, whatever the volume)."""
    hours = max(0.0, seconds / 3600)
    return round(hours * 10) if hours < EXACT_HOURS else round(hours) * 10


def sanction_tally(kind: str, channel: str) -> dict[str, int]:
    return {f"s_{channel}": 1} if kind == "sanction" else {}


def support_tally(channel: str) -> dict[str, int]:
    return {f"u_{channel}": 1}


def difference(new: Mapping[str, int], old: Mapping[str, int]) -> dict[str, int]:
    """new − old, without the zeros."""
    keys = set(new) | set(old)
    return {k: new.get(k, 0) - old.get(k, 0) for k in sorted(keys) if new.get(k, 0) != old.get(k, 0)}


def first_followups(clocks: Iterable) -> set[str]:
    """The keys of the clocks that count their complaint for an OPD: its first follow-up clock
    at each OPD it was with."""
    first: dict[str, object] = {}
    for c in sorted((c for c in clocks if c.name == "followup"), key=lambda c: c.seq):
        first.setdefault(c.opd, c)
    return {c.key for c in first.values()}  # type: ignore[attr-defined]


# --- the figures of a window ----------------------------------------------------------------------
def _split(key: str) -> tuple[str, str]:
    figure, _, channel = key.rpartition("_")
    return figure, channel


def _median_tenths(histogram: Counter) -> float | None:
    n = sum(histogram.values())
    if not n:
        return None
    ordered = sorted(histogram.items())

    def at(index: int) -> int:
        seen = 0
        for tenths, count in ordered:
            seen += count
            if index < seen:
                return tenths
        raise IndexError(index)

    middle = (at((n - 1) // 2) + at(n // 2)) / 2
    return round(middle / 10, 1)


def clock_figures(total: Counter, prefix: str) -> dict:
    on_time, late = total[f"{prefix}_on"], total[f"{prefix}_late"]
    histogram = Counter({int(k[len(prefix) + 2:]): v for k, v in total.items()
                         if k.startswith(f"{prefix}_h") and v})
    n = on_time + late
    return {"decided": n, "on_time": on_time, "late": late,
            "on_time_rate": round(on_time / n, 3) if n else None,
            "median_hours": _median_tenths(histogram)}


def window_figures(days: Iterable[Mapping[str, int]], channel: str | None = None) -> dict:
    """One OPD's figures from its days' counters: `channels` (its complaints per channel, always
    all of them) and — of every channel, or of `channel` only — complaints, follow-up and approval
    figures, sanctions and supports."""
    total: Counter = Counter()
    channels: Counter = Counter()
    for day in days:
        for key, value in day.items():
            figure, ch = _split(key)
            if ch not in CHANNELS or not value:
                continue
            if figure == "c":
                channels[ch] += int(value)
            if channel is None or ch == channel:
                total[figure] += int(value)
    return {"complaints": total["c"], "channels": {ch: channels[ch] for ch in CHANNELS if channels[ch]},
            "followup": clock_figures(total, "f"), "approval": clock_figures(total, "a"),
            "sanctions": total["s"], "supporters": total["u"]}


# --- the same figures per month (GET /v1/stats/opds/monthly) --------------------------------------
def last_months(today: date, count: int) -> list[str]:
    """The `count` months up to and including `today`'s (a WIB date), oldest first, "YYYY-MM"."""
    index = today.year * 12 + today.month - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - count + 1, index + 1)]


def monthly_figures(dated_days: Iterable[tuple[str, Mapping[str, int]]], months: Sequence[str],
                    channel: str | None = None) -> list[dict]:
    """Per month of `months` ("YYYY-MM", in order), the window figures (window_figures) of the
    days ("YYYY-MM-DD", WIB) that fall in it, over every (day, counters) given — several OPDs'
    days add up, histograms too, so a month's median is the median of all its durations. A
    month without a day has zeros and null rates; days outside `months` are ignored."""
    by_month: dict[str, list[Mapping[str, int]]] = {m: [] for m in months}
    for day, counters in dated_days:
        bucket = by_month.get(day[:7])
        if bucket is not None:
            bucket.append(counters)
    return [{"month": m, **window_figures(by_month[m], channel)} for m in months]
