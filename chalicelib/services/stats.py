"""The public league table of OPDs: how fast each follows up and approves, and how often it misses.

Fairness: an OPD with three complaints must not top (or bottom) the table by chance, so the
ranking uses the Wilson lower bound of its on-time rate (95 %), which is low when the evidence is
thin; OPDs with fewer than MIN_EVIDENCE decided clocks are listed but marked, not ranked first.

The figures come from counters per OPD per WIB day that the stream, the sweep and supports keep
(domain/league.py), so one computation reads at most WINDOW_DAYS small items per OPD, whatever the
volume (issue 16). The window is the WINDOW_DAYS WIB days up to today.

Where complaints come from (issue 18): each row counts its complaints per channel (`channels`: app,
web, desk, phone, social, email, lapor), and the table totals them; `channel` ranks the OPDs on the
complaints of that one channel only (how fast the P4 desk's complaints are followed up).
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Mapping
from datetime import date, datetime, time, timedelta

from ..domain.league import last_months, monthly_figures, window_figures
from ..domain.model import CHANNELS
from ..domain.policy import public_month
from ..domain.times import WIB, local_date
from .ports import ClockRepository

Z95 = 1.96
MIN_EVIDENCE = 10
WINDOW_DAYS = 90


def wilson_lower(successes: int, n: int, z: float = Z95) -> float:
    if n == 0:
        return 0.0
    p = successes / n
    centre = p + z * z / (2 * n)
    margin = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - margin) / (1 + z * z / n)


def opd_table(opds: Mapping, days_for: Callable[[str, str, str], list], now: datetime,
              window_days: int = WINDOW_DAYS, channel: str | None = None) -> dict:
    """Every OPD's row from its league-table counters of the window's WIB days (domain/league.py):
    `days_for(opd, first day, last day)`. With `channel`, only that channel's complaints count,
    their sanctions and supports too; `channels` always shows them all."""
    last = local_date(now)
    first = last - timedelta(days=window_days - 1)
    since = datetime.combine(first, time(0), WIB)
    rows = []
    totals: Counter = Counter()
    for code, opd in opds.items():
        figures = window_figures(days_for(code, first.isoformat(), last.isoformat()), channel)
        totals.update(figures["channels"])
        followup, approval = figures["followup"], figures["approval"]
        decided = followup["decided"] + approval["decided"]
        on_time = followup["on_time"] + approval["on_time"]
        rows.append({
            "opd": code, "name": opd.name, "government": getattr(opd, "government", "LAMPUNG"),
            "complaints": figures["complaints"], "channels": figures["channels"],
            "followup": followup, "approval": approval, "sanctions": figures["sanctions"],
            "score": round(wilson_lower(on_time, decided), 3),
            "enough_data": decided >= MIN_EVIDENCE, "supporters": figures["supporters"],
        })
    rows.sort(key=lambda r: (not r["enough_data"], -r["score"], r["opd"]))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank if row["enough_data"] else None
    return {"window_days": window_days, "since": since.isoformat(), "channel": channel,
            "channels": {ch: totals[ch] for ch in CHANNELS if totals[ch]}, "method":
            "rank by the 95% Wilson lower bound of the on-time rate of decided clocks; "
            f"OPDs with fewer than {MIN_EVIDENCE} decided clocks are not ranked", "opds": rows}


def league_table(opds: Mapping[str, object], clocks: ClockRepository, now: datetime,
                 window_days: int = WINDOW_DAYS, channel: str | None = None) -> dict:
    """`GET /v1/stats/opds`: one read of each OPD's counters (at most `window_days` small items),
    whatever the number of complaints."""
    return opd_table(opds, clocks.league_days, now, window_days, channel)


MAX_MONTHS = 24              # two years of days: at most ~731 small items per OPD per computation
DEFAULT_MONTHS = 12


def monthly_table(opds: Mapping[str, object], clocks: ClockRepository, now: datetime,
                  months: int = DEFAULT_MONTHS) -> dict:
    """`GET /v1/stats/opds/monthly`: the league table's figures per WIB month, over the OPDs given
    (a government's, or one), for the `months` months up to this one (the current one so far).

    One read of each OPD's day counters from the first day of the first month to the last day
    of this one (one Query: at most one small item per day), whatever the volume — a sweep run
    as if later this month (`lampungin sweep --at`) shows in it too; a month counts the clocks that
    started in it (a counter's day is its clock's start), the sanctions issued in it. What a
    month shows is the public allow-list's (domain/policy.public_month)."""
    today = local_date(now)
    names = last_months(today, months)
    first = date.fromisoformat(f"{names[0]}-01")
    last = (today.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)   # its last day
    days = [d for code in opds for d in clocks.league_dated_days(code, first.isoformat(), last.isoformat())]
    return {"months": [public_month(m) for m in monthly_figures(days, names)], "window_months": months,
            "since": datetime.combine(first, time(0), WIB).isoformat(), "until": last.isoformat(),
            "timezone": "Asia/Jakarta", "opd_count": len(opds)}
