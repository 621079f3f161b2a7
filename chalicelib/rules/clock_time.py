"""Clock time: the policy a clock starts with, time counted per mode over the working calendar,
and the service levels the province publishes.

Why pure: the clock engine (domain.clocks.replay) asks this for "start plus N hours of clock time"
and "clock time between two instants"; none of it may call now(). A clock uses the parameters in
force on the WIB date it started (rules/parameters/clocks.yaml); a later dated change applies only
to clocks started later. Pauses are the engine's business: it counts the stretches that ran.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from ..domain.clocks import ClockPolicy
from ..domain.governments import PROVINCE
from ..domain.times import local_date
from .explanations import number_text

HOURS_A_WORKING_DAY = 24            # mode working_days counts a working day whole (00:00-24:00 WIB)
MODE_NAMES = {"calendar": ("jam kalender", "calendar hours"),
              "working_days": ("hari kerja", "working days"),
              "working_hours": ("jam kerja", "working hours")}
POLICY_PARAMETERS = ("hours", "mode", "pause_in", "warn_at_percent")


def clock_policy(parameters, clock: str, on: date) -> ClockPolicy:
    """The domain's ClockPolicy from the values in force on `on`, keeping every reference."""
    values = {name: parameters.at(f"clocks.{clock}.{name}", on) for name in POLICY_PARAMETERS}
    references = {v.name: v.reference for v in values.values()}
    counted = parameters.counted(f"clocks.{clock}.hours", on)
    if counted:                      # "3 hari kerja": the length itself says how it is counted
        mode = counted
        references[f"clocks.{clock}.mode"] = values["hours"].reference
        since = max(values[n].since for n in POLICY_PARAMETERS if n != "mode")
    else:
        mode = values["mode"].value
        since = max(v.since for v in values.values())
    return ClockPolicy(hours=float(values["hours"].value), mode=mode,
                       pause_in=frozenset(values["pause_in"].value),
                       warn_at_percent=float(values["warn_at_percent"].value),
                       references=references, since=since.isoformat(), clock=clock)


def describe_length(hours: float, mode: str) -> tuple[str, str]:
    """A clock's length as policy staff write it: "3 hari kerja" for 72 hours counted in working
    days (whole days), else "24 jam kalender" / "8 jam kerja" (Indonesian, English)."""
    if mode == "working_days" and hours % HOURS_A_WORKING_DAY == 0:
        days = hours / HOURS_A_WORKING_DAY
        return f"{number_text(days, 'id')} hari kerja", f"{number_text(days)} working day{'' if days == 1 else 's'}"
    if mode == "working_days":
        return f"{number_text(hours, 'id')} jam pada hari kerja", f"{number_text(hours)} hours on working days"
    mode_id, mode_en = MODE_NAMES[mode]
    return f"{number_text(hours, 'id')} {mode_id}", f"{number_text(hours)} {mode_en}"


def add_time(calendar, start: datetime, seconds: float, mode: str) -> datetime:
    """`start` plus `seconds` of clock time counted in `mode`."""
    local_date(start)                           # rejects naive datetimes
    budget = timedelta(seconds=seconds)
    if mode == "calendar":
        return start + budget
    if budget <= timedelta(0):
        return start
    for lo, hi in calendar.counted_spans(start, mode):
        if hi - lo >= budget:
            return (lo + budget).astimezone(start.tzinfo)
        budget -= hi - lo
    raise AssertionError("unreachable: counted_spans is endless or raises CalendarLapsed")


def time_between(calendar, start: datetime, end: datetime, mode: str) -> float:
    """Seconds of clock time counted in `mode` from `start` to `end` (0 if end <= start)."""
    if end <= start:
        return 0.0
    if mode == "calendar":
        return (end - start).total_seconds()
    used = timedelta(0)
    for lo, hi in calendar.counted_spans(start, mode):
        if lo >= end:
            break
        used += min(hi, end) - lo
    return used.total_seconds()


def service_levels(bundle, at: datetime, government: str = PROVINCE) -> dict:
    """The published service levels (`GET /v1/rules`): one entry per clock, in force at `at` for
    that government (its own values and references where it sets them)."""
    on = local_date(at)
    parameters = bundle.parameters_of(government)
    clocks = []
    for clock in ("followup", "approval"):
        p = clock_policy(parameters, clock, on)
        length_id, length_en = describe_length(p.hours, p.mode)
        clocks.append({"clock": clock, "hours": p.hours, "mode": p.mode,
                       "pause_in": sorted(p.pause_in), "warn_at_percent": p.warn_at_percent,
                       "in_force_since": p.effective_from.isoformat(), "reference": p.reference,
                       "references": dict(p.references),
                       "description": {"id": length_id, "en": length_en}})
    sanctions = [{"rule_id": r["id"], "level": r["then"]["level"], "subject_type": r["then"]["subject"],
                  "reference": r["reference"],
                  "description": {lang: published_text(text) for lang, text in r["description"].items()}}
                 for r in bundle.data.get("sanction_rules", [])
                 if r["effective"]["from"] <= on.isoformat()
                 and (r["effective"]["until"] is None or on.isoformat() < r["effective"]["until"])]
    calendar = bundle.calendar_of(government)
    return {"rules_version": bundle.version, "at": on.isoformat(), "timezone": "Asia/Jakarta",
            "government": government, "clocks": clocks, "sanctions": sanctions,
            "calendar_years": [calendar.first_year, calendar.last_year]}


_LATE = re.compile(r"\s*\(\{late\}\)")
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def published_text(template: str) -> str:
    """A sanction rule's description as the public reads it in GET /v1/rules, where no case fills
    its placeholders: "(how late)" is left out, any other fact (`{misses}`, `{opd}`,
    `{used_percent}`) reads as "…" — never a raw `{name}` on a public page."""
    return _PLACEHOLDER.sub("…", _LATE.sub("", template))

