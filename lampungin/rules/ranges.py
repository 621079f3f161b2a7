"""The values each numeric parameter may take: declared here, in ONE place, for every number in
rules/parameters/ and rules/governments/*/parameters/ (and the calendar's years).

Why: a follow-up deadline of 0 hours (or -24) compiles and deploys, and then every complaint is late
the moment it is filed; `warn_at_percent: 240` warns long after the deadline has passed; a
`window_days` of 0 counts no repeated miss at all. Nothing in the shape of the files says so: only a
declared range does. `rules check` and `rules build` refuse a value outside its range
(check_files.py), and a numeric parameter that has no range here is refused too (check.py), so that
adding one means deciding what it may be. The bounds follow what the code can honour (the evidence
index, the API's radius clamp) and what a rule could sensibly say (a deadline of at most a year).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from .messages import Words

HOURS = Words("jam", "hours")
PERCENT = Words("persen", "percent")
DAYS = Words("hari", "days")
MISSES = Words("pelanggaran", "misses")
METRES = Words("meter", "metres")
BITS = Words("bit", "bits")
NO_UNIT = Words("", "")


@dataclass(frozen=True)
class Range:
    low: float
    high: float
    unit: Words
    whole: bool = False            # a whole number (counts, days, metres)
    above_low: bool = False        # `low` itself is not allowed (hours > 0)
    also: tuple = ()               # values outside [low, high] that still mean something
    also_means: Words | None = None   # what they mean (similar.radius_m: 0 turns the offer off)

    def allows(self, value) -> bool:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        if value in self.also:
            return True
        if isinstance(value, float) and (math.isnan(value) or math.isinf(value) or (self.whole and not
                                                                                    value.is_integer())):
            return False
        return (self.low < value if self.above_low else self.low <= value) and value <= self.high

    def describe(self) -> Words:
        low, high = _plain(self.low), _plain(self.high)
        if self.above_low:
            text = Words(f"lebih dari {low} sampai {high} {self.unit.id}".strip(),
                         f"more than {low} up to {high} {self.unit.en}".strip())
        else:
            text = Words(f"{low} sampai {high} {self.unit.id}".strip(), f"{low} to {high} {self.unit.en}".strip())
        if self.whole:
            text = Words(f"bilangan bulat {text.id}", f"a whole number, {text.en}")
        if self.also:
            values = ", ".join(_plain(v) for v in self.also)
            means = self.also_means or Words("", "")
            text = Words(f"{values} ({means.id}) atau {text.id}", f"{values} ({means.en}) or {text.en}")
        return text


def _plain(value) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


A_YEAR_OF_HOURS = 365 * 24       # no deadline in the rules is longer than a year

RANGES: dict[str, Range] = {
    # rules/parameters/clocks.yaml (and governments' overrides): a deadline of no time is no deadline
    "clocks.followup.hours": Range(0, A_YEAR_OF_HOURS, HOURS, above_low=True),
    "clocks.approval.hours": Range(0, A_YEAR_OF_HOURS, HOURS, above_low=True),
    # a warning at 0 % is sent when the clock starts, at 100 % or more it comes with (or after) the miss
    "clocks.followup.warn_at_percent": Range(1, 99, PERCENT),
    "clocks.approval.warn_at_percent": Range(1, 99, PERCENT),
    # rules/parameters/sanctions.yaml: misses are counted within at least a day, at most a year
    "sanctions.window_days": Range(1, 365, DAYS, whole=True),
    "sanctions.operator_written_warning_after": Range(1, 100, MISSES, whole=True),
    "sanctions.opd_report_after": Range(1, 100, MISSES, whole=True),
    # rules/parameters/similar.yaml: the API clamps a radius to 50..10000 m; 0 turns the offer off
    "similar.radius_m": Range(50, 10_000, METRES, whole=True, also=(0,),
                              also_means=Words("tidak ditawarkan", "not offered")),
    # rules/parameters/evidence.yaml: chalicelib/domain/evidence.py's index finds photos up to 7 bits apart
    "evidence.photo_max_distance": Range(0, 7, BITS, whole=True),
    "evidence.text_min_similarity": Range(1, 100, PERCENT, whole=True),
}

# rules/calendar/calendar.yaml `years`: what the `holidays` package and the clocks can work with
CALENDAR_YEARS = Range(2000, 2100, NO_UNIT, whole=True)


def out_of_range(name: str, value) -> Words | None:
    """What `name` may be, when `value` is not that; None when it fits (or `name` has no range)."""
    declared = RANGES.get(name)
    if declared is None or declared.allows(value):
        return None
    return declared.describe()
