"""Deadline arithmetic: pure functions of a clock policy, the calendar and explicit times.

Why pure: the sweep, the stream handler, `rules test` and the property test must all agree on a
deadline, and none of them may call now(). A clock uses the parameters in force on the WIB date it
started (rules/parameters/clocks.yaml); a later dated change applies only to clocks started later.

Pauses (the complaint waits for the citizen) are intervals [from, to); an open pause (to=None)
means there is no deadline until the clock resumes, with the time it had left.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from .model import ClockPolicy
from .working_calendar import local_date

MODE_NAMES = {"calendar": ("jam kalender", "calendar hours"),
              "working_days": ("hari kerja", "working days"),
              "working_hours": ("jam kerja", "working hours")}


def clock_policy(parameters, clock: str, on: date) -> ClockPolicy:
    hours = parameters.at(f"clocks.{clock}.hours", on)
    mode = parameters.at(f"clocks.{clock}.mode", on)
    pause = parameters.at(f"clocks.{clock}.pause_in", on)
    warn = parameters.at(f"clocks.{clock}.warn_at_percent", on)
    since = max(p.since for p in (hours, mode, pause, warn))
    return ClockPolicy(clock=clock, hours=float(hours.value), mode=mode.value,
                       pause_in=tuple(pause.value), warn_at_percent=float(warn.value),
                       reference=hours.reference, params_version=f"{clock}@{since.isoformat()}",
                       effective_from=since,
                       references={p.name: p.reference for p in (hours, mode, pause, warn)})


def _pauses(pauses) -> list[tuple[datetime, datetime]] | None:
    """Sorted closed pauses, or None when one is still open."""
    closed = []
    for lo, hi in pauses:
        if hi is None:
            return None
        if hi > lo:
            closed.append((lo, hi))
    return sorted(closed)


def due_at(policy: ClockPolicy, calendar, started_at: datetime, *, pauses=(),
           paused_seconds: float = 0) -> datetime | None:
    """The instant the clock's budget (hours, counted per its mode) runs out.

    `paused_seconds` is counted clock time credited back (for callers that track a pause as a
    number rather than as intervals); in calendar mode it is plain wall-clock seconds.
    """
    local_date(started_at)                      # rejects naive datetimes
    closed = _pauses(pauses)
    if closed is None:
        return None
    budget = policy.hours * 3600 + paused_seconds
    return add_time(calendar, started_at, budget, policy.mode, pauses=closed)


def add_time(calendar, start: datetime, seconds: float, mode: str, *, pauses=()) -> datetime:
    """`start` plus `seconds` of clock time counted in `mode` (skipping `pauses`)."""
    budget = timedelta(seconds=seconds)
    if mode == "calendar" and not pauses:
        return start + budget
    if budget <= timedelta(0):
        return start
    for lo, hi in calendar.counted_spans(start, mode, sorted(pauses)):
        if hi - lo >= budget:
            return (lo + budget).astimezone(start.tzinfo)
        budget -= hi - lo
    raise AssertionError("unreachable: counted_spans is endless or raises CalendarLapsed")


def time_between(calendar, start: datetime, end: datetime, mode: str, *, pauses=()) -> float:
    """Seconds of clock time counted in `mode` from `start` to `end` (0 if end <= start)."""
    if end <= start:
        return 0.0
    if mode == "calendar" and not pauses:
        return (end - start).total_seconds()
    closed = sorted((lo, hi if hi is not None else end) for lo, hi in pauses)
    used = timedelta(0)
    for lo, hi in calendar.counted_spans(start, mode, closed):
        if lo >= end:
            break
        used += min(hi, end) - lo
    return used.total_seconds()


def used_fraction(policy: ClockPolicy, calendar, started_at: datetime, at: datetime, *, pauses=()) -> float:
    """Share of the budget used by `at` (open pauses count as ending at `at`)."""
    if policy.hours <= 0:
        return 1.0
    return time_between(calendar, started_at, at, policy.mode, pauses=pauses) / (policy.hours * 3600)


def service_levels(bundle, at: datetime) -> dict:
    """The published service levels (`GET /v1/rules`): one entry per clock, in force at `at`."""
    on = local_date(at)
    clocks = []
    for clock in ("followup", "approval"):
        p = clock_policy(bundle.parameters, clock, on)
        mode_id, mode_en = MODE_NAMES[p.mode]
        clocks.append({"clock": clock, "hours": p.hours, "mode": p.mode,
                       "pause_in": list(p.pause_in), "warn_at_percent": p.warn_at_percent,
                       "in_force_since": p.effective_from.isoformat(), "reference": p.reference,
                       "description": {"id": f"{p.hours:g} {mode_id}", "en": f"{p.hours:g} {mode_en}"}})
    sanctions = [{"rule_id": r["id"], "level": r["then"]["level"], "subject_type": r["then"]["subject"],
                  "reference": r["reference"], "description": r["description"]}
                 for r in bundle.data.get("sanction_rules", [])
                 if r["effective"]["from"] <= on.isoformat()
                 and (r["effective"]["until"] is None or on.isoformat() < r["effective"]["until"])]
    return {"rules_version": bundle.version, "at": on.isoformat(), "timezone": "Asia/Jakarta",
            "clocks": clocks, "sanctions": sanctions,
            "calendar_years": [bundle.calendar.first_year, bundle.calendar.last_year]}
