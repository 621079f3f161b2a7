"""The working calendar of the province (rules/calendar/), compiled into the bundle.

Why compiled: the Lambda must not import `holidays`, and a deadline must not move because a
package was upgraded in production. The build writes the national holidays, the cuti bersama
(collective leave) and the regional overrides for a range of years into the bundle; a working-time
deadline that reaches past that range raises CalendarLapsed instead of guessing.

Asia/Jakarta (WIB) has been UTC+7 without daylight saving since 1964, so a fixed offset is exact
and needs no tz database in the Lambda. Modelled on FixMyStreet's small working-days helper with
injected holidays, not on code with holidays and now() buried in logic.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from ..domain.times import WIB, local_date
from .model import CalendarLapsed

DAY = timedelta(days=1)


def _at(day: date, hhmm: str) -> datetime:
    hours, minutes = (int(x) for x in hhmm.split(":"))
    if hours == 24:
        return datetime.combine(day + DAY, time(0), WIB)
    return datetime.combine(day, time(hours, minutes), WIB)


def _hours(hours: dict) -> dict[int, tuple[str, str]]:
    return {int(k): (v[0], v[1]) for k, v in hours.items()}


class WorkingCalendar:
    def __init__(self, data: dict):
        self.first_year, self.last_year = data["years"]
        self.working_days = frozenset(data["working_days"])          # 0 = Monday
        # office hours: a dated series (from-date -> hours per weekday), and Ramadan spans (from/until,
        # both inclusive) whose hours replace them on those days; each with its reference
        self.office_hours = [(date.fromisoformat(e["from"]), _hours(e["hours"]), e.get("reference"))
                             for e in sorted(data["office_hours"], key=lambda e: e["from"])]
        self.ramadan = [(date.fromisoformat(e["from"]), date.fromisoformat(e["until"]), _hours(e["hours"]),
                         e.get("reference")) for e in data.get("ramadan") or []]
        self.holidays = {date.fromisoformat(d): h for d, h in data["holidays"].items()}
        self.reference = data.get("reference")

    def hours_on(self, day: date) -> tuple[tuple[str, str] | None, str | None]:
        """((start, end) WIB, reference) of the office hours in force on `day`: that year's Ramadan
        hours inside its span, else the office hours dated last on or before it (a span of None: that
        weekday has no office hours). Before the first dated office hours: CalendarLapsed."""
        for since, until, hours, reference in self.ramadan:
            if since <= day <= until:
                return hours.get(day.weekday()), reference
        current = None
        for since, hours, reference in self.office_hours:
            if since <= day:
                current = (hours.get(day.weekday()), reference)
        if current is None:
            raise CalendarLapsed(f"the office hours start on {self.office_hours[0][0].isoformat()}, "
                                 f"not before; {day.isoformat()} has none (rules/calendar/calendar.yaml)")
        return current

    def day_off(self, day: date) -> dict | None:
        """The holiday entry of `day` ({name, source: national | cuti_bersama | regional, reference?})."""
        return self.holidays.get(day)

    def covers(self, day: date) -> bool:
        return self.first_year <= day.year <= self.last_year

    def is_working_day(self, day: date) -> bool:
        if not self.covers(day):
            raise CalendarLapsed(f"the working calendar covers {self.first_year}-{self.last_year}, "
                                 f"not {day.isoformat()}; extend rules/calendar/calendar.yaml")
        return day.weekday() in self.working_days and day not in self.holidays

    def windows(self, day: date, mode: str) -> list[tuple[datetime, datetime]]:
        """The stretches of `day` (WIB) during which a clock in `mode` runs."""
        if mode == "calendar":
            return [(_at(day, "00:00"), _at(day, "24:00"))]
        if not self.is_working_day(day):
            return []
        if mode == "working_days":
            return [(_at(day, "00:00"), _at(day, "24:00"))]
        span, _ = self.hours_on(day)
        if span is None:
            return []
        return [(_at(day, span[0]), _at(day, span[1]))]

    def counted_spans(self, start: datetime, mode: str):
        """Yield (from, to) spans after `start` in which a clock in `mode` runs (endless, until
        the compiled years run out: then CalendarLapsed)."""
        day = local_date(start)
        while True:
            for lo, hi in self.windows(day, mode):
                lo = max(lo, start)
                if lo < hi:
                    yield lo, hi
            day += DAY
