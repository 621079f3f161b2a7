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


class WorkingCalendar:
    def __init__(self, data: dict):
        self.first_year, self.last_year = data["years"]
        self.working_days = frozenset(data["working_days"])          # 0 = Monday
        self.working_hours = {int(k): tuple(v) for k, v in data["working_hours"].items()}
        self.holidays = {date.fromisoformat(d): h for d, h in data["holidays"].items()}
        self.reference = data.get("reference")

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
        start, end = self.working_hours[day.weekday()]
        return [(_at(day, start), _at(day, end))]

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
