"""The rules bundle seen as the domain's `Schedule` protocol (chalicelib/domain/clocks.py): what
each event does to the clocks (rules/clocks), a clock's policy as it started, and time counted per
mode. The one adapter between the clock engine and the rules; the Lambdas and `rules test` use it."""
from __future__ import annotations

from datetime import datetime

from ..domain.clocks import ClockPolicy
from ..domain.governments import PROVINCE
from ..domain.times import local_date


class BundleSchedule:
    def __init__(self, bundle):
        self._bundle = bundle
        self._actions: dict = {}

    def clock_actions(self, event: str, from_status: str | None, to_status: str | None,
                      at: datetime) -> list[tuple[str, str, str]]:
        """(clock, action, rule id) for this event, by the rules in rules/clocks in force at `at`.
        Memoised per WIB day: a timeline replay asks the same few questions again and again."""
        key = (event, from_status, to_status, local_date(at))
        if key not in self._actions:
            facts = {"event": event, "from_status": from_status or "", "to_status": to_status or "",
                     "at": at}
            self._actions[key] = [(a.clock, a.action, a.rule_id) for a in self._bundle.clock_actions(facts)]
        return self._actions[key]

    def clock_policy(self, clock: str, started_at: datetime, government: str = PROVINCE) -> ClockPolicy:
        return self._bundle.clock_policy(clock, started_at, government=government)

    def add_time(self, start: datetime, seconds: float, mode: str, calendar: str = PROVINCE) -> datetime:
        return self._bundle.add_time(start, seconds, mode, calendar=calendar)

    def time_between(self, start: datetime, end: datetime, mode: str, calendar: str = PROVINCE) -> float:
        return self._bundle.time_between(start, end, mode, calendar=calendar)
