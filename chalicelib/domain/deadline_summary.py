"""What a complaint list shows of a complaint's clocks, and how to read it at any time.

Why it exists: a list of 100 complaints must not replay 100 timelines. The stream handler already
replays each change; it stores this summary beside the clocks, and a listing reads the summaries
of a whole page at once. It holds only what does not change with time (which clocks are open,
when each is due, whether it runs or ran past due), so it stays right until the next change; the
`overdue` flag is computed from it when the list is read, with `now` as an argument.

The single-complaint paths compute the same summary from a fresh replay, so every complaint the
API shows gets its `deadlines` and `overdue` from `summary_deadlines` alone.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from .clocks import Clock


@dataclass(frozen=True)
class OpenDeadline:
    clock: str                   # the clock's name: followup | approval
    due_at: datetime | None      # None while paused with time left
    missed: bool                 # Clock.missed: it runs (so misses unless stopped) or ended late


@dataclass(frozen=True)
class DeadlineSummary:
    basis_seq: int               # the timeline length (= complaint version) it was derived from
    open: tuple[OpenDeadline, ...] = ()

    def is_current_for(self, version: int) -> bool:
        """False while the stream has not caught up with the complaint (right after a change)."""
        return self.basis_seq >= version


NO_OPEN_CLOCKS = DeadlineSummary(0)


def summarise(clocks: Iterable[Clock], basis_seq: int) -> DeadlineSummary:
    """The open (not stopped) clocks, in the order the timeline started them."""
    return DeadlineSummary(basis_seq, tuple(OpenDeadline(c.name, c.due_at, c.missed)
                                            for c in clocks if c.state != "stopped"))


def summary_deadlines(summary: DeadlineSummary, now: datetime) -> dict:
    """The complaint's `deadlines` and `overdue` fields: each open clock's due time, and whether
    one of them ran out before `now` (stopping exactly at the due time is on time)."""
    out: dict = {"followup_due": None, "approval_due": None, "overdue": False}
    for d in summary.open:
        out[f"{d.clock}_due"] = d.due_at
        out["overdue"] = out["overdue"] or (d.missed and d.due_at is not None and d.due_at < now)
    return out
