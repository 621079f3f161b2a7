"""Dated parameters (rules/parameters/*.yaml), OpenFisca style.

A value is in force from its date (00:00 WIB) until the next dated value of the same parameter; a
`null` value ends the parameter. Every value carries the `reference` (regulation and article) that
sets it, so a decision can cite the law behind each number it used.
"""
from __future__ import annotations

from bisect import bisect_right
from datetime import date

from .model import ParameterLapsed, ParameterValue


class Parameters:
    def __init__(self, data: dict):
        # name -> sorted [(since, value, reference)]
        self._values = {
            name: [(date.fromisoformat(v["from"]), v["value"], v["reference"]) for v in p["values"]]
            for name, p in data.items()
        }
        self._dates = {name: [since for since, _, _ in values] for name, values in self._values.items()}
        self.descriptions = {name: p.get("description", {}) for name, p in data.items()}
        self.units = {name: p.get("unit") for name, p in data.items()}
        # a deadline written "3 hari kerja" is compiled to 72 hours counted in working days
        self._counted = {name: [v.get("counted") for v in p["values"]] for name, p in data.items()}
        self._written = {name: [v.get("written") for v in p["values"]] for name, p in data.items()}

    def names(self) -> list[str]:
        return sorted(self._values)

    def at(self, name: str, on: date) -> ParameterValue:
        """The value of `name` in force on `on` (a WIB calendar date)."""
        try:
            values = self._values[name]
        except KeyError:
            raise ParameterLapsed(f"unknown parameter {name!r}") from None
        i = bisect_right(self._dates[name], on) - 1
        if i < 0 or values[i][1] is None:
            raise ParameterLapsed(f"parameter {name!r} has no value in force on {on.isoformat()}")
        since, value, reference = values[i]
        return ParameterValue(name, value, since, reference)

    def counted(self, name: str, on: date) -> str | None:
        """How the value of `name` in force on `on` says it is counted ("working_days" for a deadline
        written in hari kerja), or None when the `mode` parameter decides."""
        i = bisect_right(self._dates.get(name, []), on) - 1
        return self._counted[name][i] if i >= 0 else None

    def written(self, name: str, on: date) -> str | None:
        """The value of `name` in force on `on` as the policy file wrote it ("3 hari kerja"), if text."""
        i = bisect_right(self._dates.get(name, []), on) - 1
        return self._written[name][i] if i >= 0 else None

    def value(self, name: str, on: date):
        return self.at(name, on).value

    def history(self, name: str) -> list[ParameterValue]:
        return [ParameterValue(name, v, s, r) for s, v, r in self._values[name]]
