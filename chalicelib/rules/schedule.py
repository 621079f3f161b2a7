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
        return self._bundle.add_time(start, seconds, mode)

    def time_between(self, start: datetime, end: datetime, mode: str) -> float:
        return self._bundle.time_between(start, end, mode)
