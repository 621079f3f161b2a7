"""The bundle's parameters and working calendar seen as the domain's `Schedule` protocol
(chalicelib/domain/clocks.py): a clock's policy as it started, and time counted per mode."""
from __future__ import annotations

from datetime import datetime, timedelta

from ..domain.clocks import ClockPolicy

WIB_OFFSET = timedelta(hours=7)


class BundleSchedule:
    def __init__(self, bundle):
        self._bundle = bundle
        self._actions: dict = {}

    def clock_actions(self, event: str, from_status: str | None, to_status: str | None,
                      at: datetime) -> list[tuple[str, str]]:
        """What this event does to the clocks, by the rules in rules/clocks in force at `at`.
        Memoised per WIB day: a timeline replay asks the same few questions again and again."""
        key = (event, from_status, to_status, (at + WIB_OFFSET).date())
        if key not in self._actions:
            facts = {"event": event, "from_status": from_status or "", "to_status": to_status or "",
                     "at": at}
            self._actions[key] = [(a.clock, a.action) for a in self._bundle.clock_actions(facts)]
        return self._actions[key]

    def clock_policy(self, clock: str, started_at: datetime) -> ClockPolicy:
        p = self._bundle.clock_policy(clock, started_at)
        return ClockPolicy(hours=p.hours, mode=p.mode, pause_in=frozenset(p.pause_in),
                           warn_at_percent=p.warn_at_percent, references={"hours": p.reference},
                           since=p.params_version)

    def add_time(self, start: datetime, seconds: float, mode: str) -> datetime:
        """The instant `seconds` of counted time after `start`."""
        if mode == "calendar":
            return start + timedelta(seconds=seconds)
        left = timedelta(seconds=seconds)
        if left <= timedelta(0):
            return start
        for lo, hi in self._bundle.calendar.counted_spans(start, mode):
            if hi - lo >= left:
                return (lo + left).astimezone(start.tzinfo)
            left -= hi - lo
        raise AssertionError("unreachable: counted_spans is endless or raises")

    def time_between(self, start: datetime, end: datetime, mode: str) -> float:
        """Seconds of counted time in [start, end)."""
        if end <= start:
            return 0.0
        if mode == "calendar":
            return (end - start).total_seconds()
        used = timedelta(0)
        for lo, hi in self._bundle.calendar.counted_spans(start, mode):
            if lo >= end:
                break
            used += min(hi, end) - lo
        return used.total_seconds()
