"""Deadline clocks, derived from a complaint's timeline.

A clock is never "ticked": it is recomputed from the events, so a stream record delivered twice or
out of order, or a sweep that runs before the stream caught up, always reaches the same clocks.

* followup — starts when the complaint is assigned to an OPD (filed, transferred, returned,
  reopened); runs while the complaint is `assigned` or `waiting_citizen`, paused in the statuses
  its parameters name (default `waiting_citizen`), resuming with the time it had left.
* approval — starts at a follow-up; runs while `followed_up`.

Which events start a clock is the CLOCK_TRIGGERS table below; lengths, counting mode and pauses
are parameters from the rules bundle, taken as in force when the clock started.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from .lifecycle import TRANSITIONS
from .model import Event, Status

CLOCK_TRIGGERS = {
    "followup": {"starts_on": frozenset({"submitted", "transferred", "returned", "reopened"}),
                 "runs_in": frozenset({Status.ASSIGNED, Status.WAITING_CITIZEN})},
    "approval": {"starts_on": frozenset({"followed_up"}),
                 "runs_in": frozenset({Status.FOLLOWED_UP})},
}
EVENT_TARGET = {t.event: t.target for t in TRANSITIONS.values()}
EVENT_TARGET["submitted"] = Status.ASSIGNED


@dataclass(frozen=True)
class ClockPolicy:
    """The parameters a clock started with (and keeps, whatever changes later)."""

    hours: float
    mode: str                      # calendar | working_days | working_hours
    pause_in: frozenset[str]
    warn_at_percent: float | None
    references: dict               # parameter name -> legal reference
    since: str                     # the date the governing values came into force


class Schedule(Protocol):
    """Deadline arithmetic from the rules bundle (working days, holidays); pure."""

    def clock_policy(self, clock: str, started_at: datetime) -> ClockPolicy: ...

    def add_time(self, start: datetime, seconds: float, mode: str) -> datetime: ...

    def time_between(self, start: datetime, end: datetime, mode: str) -> float: ...


@dataclass(frozen=True)
class Clock:
    complaint_id: str
    name: str                      # followup | approval
    seq: int                       # the event that started it: with name, its identity
    opd: str                       # the OPD accountable while it ran
    started_at: datetime
    policy: ClockPolicy
    state: str                     # running | paused | stopped
    due_at: datetime | None        # when its time runs (or ran) out; None while paused in time
    remaining_seconds: float       # budget left when it paused or stopped (negative: overran)
    ended_at: datetime | None      # stopped or paused at
    ended_by: str | None           # the event type that stopped or paused it
    holder: str | None = None      # the operator holding the complaint when it ended (or now)

    @property
    def key(self) -> str:
        return f"{self.name}#{self.seq:06d}"

    @property
    def missed(self) -> bool:
        """Its time ran out before it was stopped or paused (or is still running past due)."""
        return self.due_at is not None and (self.ended_at is None or self.due_at <= self.ended_at)

    def overdue_at(self, now: datetime) -> bool:
        return self.missed and self.due_at <= now

    def warn_at(self) -> datetime | None:
        """When the warning-before-deadline is due (only while it runs)."""
        if self.state != "running" or self.policy.warn_at_percent is None or self.due_at is None:
            return None
        budget = self.policy.hours * 3600
        return self.due_at - timedelta(seconds=budget * (1 - self.policy.warn_at_percent / 100))


class _Run:
    def __init__(self, name, seq, opd, started_at, policy, budget):
        self.name, self.seq, self.opd, self.started_at, self.policy = name, seq, opd, started_at, policy
        self.remaining = budget            # seconds of (mode) time left
        self.running_since = started_at    # None while paused
        self.overran_at = None             # when the budget ran out, if it did
        self.ended_at = self.ended_by = None
        self.stopped = False
        self.holder = None


def replay(complaint_id: str, events: list[Event], schedule: Schedule) -> list[Clock]:
    """All clocks a complaint has had, oldest first, from its timeline (events in seq order)."""
    runs: list[_Run] = []
    current: dict[str, _Run] = {}
    opd = holder = None
    for event in sorted(events, key=lambda e: e.seq):
        status = EVENT_TARGET.get(event.type)
        if event.type == "submitted":
            opd = event.data.get("opd")
        elif event.type == "transferred":
            opd, holder = event.data.get("to_opd", opd), None
        elif event.type == "claimed" or (event.type == "followed_up" and holder is None):
            holder = event.actor_id
            for run in current.values():       # a claim makes the claimer answer for open clocks
                run.holder = holder
        for name, trig in CLOCK_TRIGGERS.items():
            run = current.get(name)
            if run and (event.type in trig["starts_on"] or (status is not None and status not in trig["runs_in"])):
                _end(run, event, schedule, stop=True)
                del current[name]
                run = None
            if event.type in trig["starts_on"]:
                policy = schedule.clock_policy(name, event.at)
                run = _Run(name, event.seq, opd, event.at, policy, policy.hours * 3600)
                run.holder = holder
                runs.append(run)
                current[name] = run
            elif run and status is not None:
                if status.value in run.policy.pause_in and run.running_since is not None:
                    _end(run, event, schedule, stop=False)
                elif status.value not in run.policy.pause_in and run.running_since is None:
                    run.running_since, run.ended_at, run.ended_by = event.at, None, None
    return [_clock(complaint_id, r, schedule) for r in runs]


def _end(run: _Run, event: Event, schedule: Schedule, *, stop: bool) -> None:
    if run.running_since is not None:
        used = schedule.time_between(run.running_since, event.at, run.policy.mode)
        if run.overran_at is None and used >= run.remaining:
            run.overran_at = schedule.add_time(run.running_since, run.remaining, run.policy.mode)
        run.remaining -= used
        run.running_since = None
    run.ended_at, run.ended_by, run.stopped = event.at, event.type, stop or run.stopped


def _clock(complaint_id: str, run: _Run, schedule: Schedule) -> Clock:
    if run.overran_at is not None:
        due = run.overran_at
    elif run.running_since is not None:
        due = schedule.add_time(run.running_since, run.remaining, run.policy.mode)
    else:
        due = None
    state = "stopped" if run.stopped else ("running" if run.running_since is not None else "paused")
    return Clock(complaint_id, run.name, run.seq, run.opd, run.started_at, run.policy, state, due,
                 run.remaining, run.ended_at if state != "running" else None, run.ended_by, run.holder)


def deadlines(clocks: list[Clock], now: datetime) -> dict:
    """The complaint's `deadlines` and `overdue` fields: the open clocks' due times."""
    out = {"followup_due": None, "approval_due": None, "overdue": False}
    for clock in clocks:
        if clock.state != "stopped":
            out[f"{clock.name}_due"] = clock.due_at
            out["overdue"] = out["overdue"] or clock.overdue_at(now)
    return out
