"""Deadline clocks, derived from a complaint's timeline.

A clock is never "ticked": it is recomputed from the events, so a stream record delivered twice or
out of order, or a sweep that runs before the stream caught up, always reaches the same clocks.

* followup — starts when the complaint is assigned to an OPD (filed, transferred, returned,
  reopened); runs while the complaint is `assigned` or `waiting_citizen`, paused in the statuses
  its parameters name (default `waiting_citizen`), resuming with the time it had left.
* approval — starts at a follow-up; runs while `followed_up`.

What each event does to the clocks (start, stop, pause, resume) comes only from the rules in
rules/clocks, through `Schedule.clock_actions`; lengths, counting mode and pauses are parameters
from the rules bundle, taken as in force when the clock started. This is the only clock engine:
the stream handler, the sweep, the API and `lampungin rules test` all run `replay`.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from .governments import PROVINCE, government_of
from .lifecycle import STATUS_AFTER
from .model import Event, Status

ORDER = ("stop", "pause", "resume", "start")     # within one event: a restart stops first
# Events after which one operator holds the complaint and answers for its open clocks: their own
# claim, or the supervisor's assignment (the operator named in its data), exactly alike.
TAKES = ("claimed", "assigned_to")
# Events that give the complaint to another OPD (named `to_opd` in their data): a transfer within a
# government, and a forward that lands in an onboarded kabupaten/kota (or back in the province).
MOVES = ("transferred", "handed_over")


@dataclass(frozen=True)
class ClockPolicy:
    """The parameters a clock started with (and keeps, whatever changes later). The rules bundle
    hands out this very type (rules/parameters/clocks.yaml), with every value's legal reference."""

    hours: float
    mode: str                      # calendar | working_days | working_hours
    pause_in: frozenset[str]
    warn_at_percent: float | None
    references: dict               # parameter name (e.g. clocks.followup.hours) -> legal reference
    since: str                     # ISO date the governing values came into force
    clock: str = ""                # followup | approval
    calendar: str = PROVINCE       # whose working calendar counts its time (the government's code)

    @property
    def reference(self) -> str:
        """The legal reference of the clock's length (what a sanction cites first)."""
        for name, ref in self.references.items():
            if name.endswith("hours"):
                return ref
        return next(iter(self.references.values()), "")

    @property
    def effective_from(self) -> date:
        return date.fromisoformat(self.since)

    @property
    def params_version(self) -> str:
        """e.g. "followup@2025-01-01": which dated values governed the clock."""
        return f"{self.clock}@{self.since}"


class Schedule(Protocol):
    """The rules bundle as the clock engine sees it (rules/clocks, parameters, calendar); pure."""

    def clock_actions(self, event: str, from_status: str | None, to_status: str | None,
                      at: datetime) -> list[tuple]:
        """What this event does to the clocks: (clock, action[, rule id]) with action one of
        start, stop, pause, resume, by the rules in force at `at`."""

    def clock_policy(self, clock: str, started_at: datetime, government: str = PROVINCE) -> ClockPolicy:
        """The clock's parameters in force at `started_at` for that government (its own values
        where it sets them, the province's otherwise), `calendar` naming its working calendar."""

    def add_time(self, start: datetime, seconds: float, mode: str, calendar: str = PROVINCE) -> datetime: ...

    def time_between(self, start: datetime, end: datetime, mode: str, calendar: str = PROVINCE) -> float: ...


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
    warning_at: datetime | None = None   # when warn_at_percent of its time is used (if running)
    channel: str = "app"           # how the complaint came in (the figures split by it, issue 18)

    @property
    def key(self) -> str:
        return f"{self.name}#{self.seq:06d}"

    @property
    def missed(self) -> bool:
        """It was stopped or paused after its time ran out, or it still runs (and will be missed
        unless stopped in time). Stopping exactly at the due time is on time: "within 24 hours"."""
        return self.due_at is not None and (self.ended_at is None or self.due_at < self.ended_at)

    def overdue_at(self, now: datetime) -> bool:
        return self.due_at is not None and self.missed and self.due_at < now

    @property
    def deadline(self) -> datetime:
        """`due_at` where the caller knows there is one (a missed or running clock)."""
        if self.due_at is None:
            raise ValueError(f"clock {self.key} of {self.complaint_id} has no deadline (paused)")
        return self.due_at

    def warn_at(self) -> datetime | None:
        """When the warning-before-deadline is due (only while it runs)."""
        return self.warning_at if self.state == "running" else None


class _Run:
    def __init__(self, name, seq, opd, started_at, policy, budget):
        self.name, self.seq, self.opd, self.started_at, self.policy = name, seq, opd, started_at, policy
        self.remaining = budget            # seconds of (mode) time left
        self.running_since = started_at    # None while paused
        self.overran_at = None             # when the budget ran out, if it did
        self.ended_at = self.ended_by = None
        self.stopped = False
        self.holder = None
        self.deadline = None               # the due time it had when it stopped in time
        self.channel = "app"


def replay(complaint_id: str, events: list[Event], schedule: Schedule,
           on_event: Callable[[Event, list[tuple]], None] | None = None) -> list[Clock]:
    """All clocks a complaint has had, oldest first, from its timeline (any order, duplicates ok).

    `on_event(event, actions)` is told what each event did to the clocks (`rules explain`)."""
    runs: list[_Run] = []
    current: dict[str, _Run] = {}
    opd: str | None = None
    holder: str | None = None
    status: Status | None = None
    channel = "app"
    for event in sorted({e.seq: e for e in events}.values(), key=lambda e: e.seq):
        before, status = status, STATUS_AFTER.get(event.type) or status
        if event.type == "submitted":
            opd, channel = event.data.get("opd"), event.data.get("channel") or "app"
        elif event.type in MOVES:
            opd, holder = event.data.get("to_opd", opd), None
        elif event.type in TAKES or (event.type == "followed_up" and holder is None):
            holder = event.data.get("operator") if event.type == "assigned_to" else event.actor_id
            for run in current.values():       # a claim makes the claimer answer for open clocks
                run.holder = holder
        b, a = (before.value if before else None), (status.value if status else None)
        actions = schedule.clock_actions(event.type, b, a, event.at)
        if on_event is not None:
            on_event(event, actions)
        for name, action, *_ in sorted(actions, key=lambda x: ORDER.index(x[1])):
            run = current.get(name)  # type: ignore[assignment]
            if action == "stop" and run:
                _end(run, event, schedule, stop=True)
                del current[name]
            elif action == "pause" and run and run.running_since is not None:
                _end(run, event, schedule, stop=False)
            elif action == "resume" and run and run.running_since is None:
                run.running_since, run.ended_at, run.ended_by = event.at, None, None
            elif action == "start":
                if run:
                    _end(run, event, schedule, stop=True)
                policy = schedule.clock_policy(name, event.at, government_of(opd))
                run = current[name] = _Run(name, event.seq, opd, event.at, policy, policy.hours * 3600)
                run.holder, run.channel = holder, channel
                runs.append(run)
    return [_clock(complaint_id, r, schedule) for r in runs]


def _add(schedule: Schedule, run: _Run, start: datetime, seconds: float) -> datetime:
    """`start` plus `seconds` of the run's clock time (its mode, its government's calendar)."""
    return schedule.add_time(start, seconds, run.policy.mode, run.policy.calendar)


def _end(run: _Run, event: Event, schedule: Schedule, *, stop: bool) -> None:
    if run.running_since is not None:
        used = schedule.time_between(run.running_since, event.at, run.policy.mode, run.policy.calendar)
        if run.overran_at is None and used > run.remaining:
            run.overran_at = _add(schedule, run, run.running_since, run.remaining)
        elif stop and run.overran_at is None:      # stopped in time: keep the deadline it had
            run.deadline = _add(schedule, run, run.running_since, run.remaining)
        run.remaining -= used
        run.running_since = None
    run.ended_at, run.ended_by, run.stopped = event.at, event.type, stop or run.stopped


def _clock(complaint_id: str, run: _Run, schedule: Schedule) -> Clock:
    if run.overran_at is not None:
        due = run.overran_at
    elif run.running_since is not None:
        due = _add(schedule, run, run.running_since, run.remaining)
    else:
        due = run.deadline if run.stopped else None
    state = "stopped" if run.stopped else ("running" if run.running_since is not None else "paused")
    return Clock(complaint_id, run.name, run.seq, run.opd, run.started_at, run.policy, state, due,
                 run.remaining, run.ended_at if state != "running" else None, run.ended_by, run.holder,
                 _warning_at(run, schedule) if state == "running" else None, run.channel)


def _warning_at(run: _Run, schedule: Schedule) -> datetime | None:
    """The instant warn_at_percent of the budget is used, counted in the clock's own mode (in
    working hours, 75 % of 8 hours is 6 working hours, not "due minus 2 hours")."""
    pct = run.policy.warn_at_percent
    if pct is None:
        return None
    budget = run.policy.hours * 3600
    used = budget - run.remaining                 # before the current running stretch
    left_to_warning = budget * pct / 100 - used
    if left_to_warning <= 0:
        return run.running_since
    return _add(schedule, run, run.running_since, left_to_warning)
