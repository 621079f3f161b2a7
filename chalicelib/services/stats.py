"""The public league table of OPDs: how fast each follows up and approves, and how often it misses.

Fairness: an OPD with three complaints must not top (or bottom) the table by chance, so the
ranking uses the Wilson lower bound of its on-time rate (95 %), which is low when the evidence is
thin; OPDs with fewer than MIN_EVIDENCE decided clocks are listed but marked, not ranked first.

Where complaints come from (issue 18): each row counts its complaints per channel (`channels`: app,
web, desk, phone, social, email, lapor), and the table totals them; `channel` ranks the OPDs on the
complaints of that one channel only (how fast the P4 desk's complaints are followed up).
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from statistics import median

from ..domain.model import CHANNELS
from .paging import MAX_LIMIT, all_pages
from .ports import ClockRepository, PublicComplaints, SanctionRepository

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


def clock_summary(clocks, name: str, now: datetime) -> dict:
    """Decided clocks only: stopped (on time or late) or running past due; pending ones wait."""
    on_time = late = 0
    durations = []
    for c in clocks:
        if c.name != name:
            continue
        if c.state == "stopped" and c.ended_by in ("followed_up", "approved"):
            durations.append((c.ended_at - c.started_at).total_seconds() / 3600)
        if c.missed and c.due_at <= now:
            late += 1
        elif c.state == "stopped" and c.ended_by in ("followed_up", "approved", "returned"):
            on_time += 1
    n = on_time + late
    return {"decided": n, "on_time": on_time, "late": late,
            "on_time_rate": round(on_time / n, 3) if n else None,
            "median_hours": round(median(durations), 1) if durations else None}


def channel_counts(clocks) -> dict[str, int]:
    """Complaints per channel, counted once each (by their follow-up clocks), in CHANNELS order."""
    seen = Counter({c.complaint_id: c.channel for c in clocks if c.name == "followup"}.values())
    return {ch: seen[ch] for ch in CHANNELS if seen[ch]}


def opd_table(opds: Mapping, clocks_for, sanctions_for, now: datetime, window_days: int = WINDOW_DAYS,
              supporters_for: Callable[[list[str]], int] | None = None, channel: str | None = None) -> dict:
    """With `supporters_for` (complaint ids -> their supporters in all), each row also has
    `supporters`: how many citizens supported the OPD's complaints of the window (issue 12).
    With `channel`, only that channel's complaints count, their sanctions too; `sanctions_for(opd,
    since[, only])` counts the OPD's sanctions of the window, of the complaints in `only` if given."""
    since = now - timedelta(days=window_days)
    rows = []
    totals: Counter = Counter()
    for code, opd in opds.items():
        clocks = clocks_for(code, since)
        channels = channel_counts(clocks)
        totals.update(channels)
        if channel is not None:
            clocks = [c for c in clocks if c.channel == channel]
        followup, approval = clock_summary(clocks, "followup", now), clock_summary(clocks, "approval", now)
        decided = followup["decided"] + approval["decided"]
        on_time = followup["on_time"] + approval["on_time"]
        complaint_ids = sorted({c.complaint_id for c in clocks if c.name == "followup"})
        rows.append({
            "opd": code, "name": opd.name, "government": getattr(opd, "government", "LAMPUNG"),
            "complaints": len(complaint_ids), "channels": channels,
            "followup": followup, "approval": approval,
            "sanctions": sanctions_for(code, since) if channel is None else
                         sanctions_for(code, since, {c.complaint_id for c in clocks}),
            "score": round(wilson_lower(on_time, decided), 3),
            "enough_data": decided >= MIN_EVIDENCE,
            **({"supporters": supporters_for(complaint_ids)} if supporters_for is not None else {}),
        })
    rows.sort(key=lambda r: (not r["enough_data"], -r["score"], r["opd"]))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank if row["enough_data"] else None
    return {"window_days": window_days, "since": since.isoformat(), "channel": channel,
            "channels": {ch: totals[ch] for ch in CHANNELS if totals[ch]}, "method":
            "rank by the 95% Wilson lower bound of the on-time rate of decided clocks; "
            f"OPDs with fewer than {MIN_EVIDENCE} decided clocks are not ranked", "opds": rows}


def league_table(opds: Mapping[str, object], clocks: ClockRepository, sanctions: SanctionRepository,
                 now: datetime, window_days: int = WINDOW_DAYS, supports: PublicComplaints | None = None,
                 channel: str | None = None) -> dict:
    """`GET /v1/stats/opds`: every OPD's recent clocks (one index query each) and its primary
    sanctions in the window, counted page by page; with `supports` (the complaint repository), the
    supporters of those complaints (one batch read per 100 complaints)."""
    def sanctions_for(opd: str, since: datetime, only: set[str] | None = None) -> int:
        return sum(1 for s in all_pages(lambda cursor: sanctions.list(
            complaint=None, opd=opd, subject_type=None, since=since, kind="sanction",
            limit=MAX_LIMIT, cursor=cursor)) if only is None or s.complaint_id in only)
    def supporters_for(complaint_ids: list[str]) -> int:
        return sum(supports.supporters(complaint_ids).values()) if supports is not None and complaint_ids else 0
    return opd_table(opds, clocks.for_opd, sanctions_for, now, window_days,
                     supporters_for if supports is not None else None, channel)
