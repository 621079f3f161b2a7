"""Values the rules hand out: routing decisions, clock policies, sanction decisions.

Every decision carries the rules version (the content hash of `rules/`) and an explanation in
Indonesian (`id`) and English (`en`) naming the rule, its reference and the facts, because DESIGN.md
requires every sanction and routing to say which rule produced it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

SECTORS = ("perizinan", "pendidikan", "kesehatan", "pajak", "lainnya")   # fixed by CONTRACT.md
CLOCKS = ("followup", "approval")
MODES = ("calendar", "working_days", "working_hours")
SUBJECT_TYPES = ("operator", "opd")


class RulesError(Exception):
    """Base of the errors this package raises."""


class UnknownCategory(RulesError, KeyError):
    """The category code is not in rules/routing/categories.yaml."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code

    def __str__(self) -> str:
        return f"unknown category: {self.code!r}"


class StaleBundle(RulesError):
    """The bundle does not match the files under rules/ (or is missing): never use it."""


class ParameterLapsed(RulesError):
    """No value of a parameter is in force on the date asked for."""


class CalendarLapsed(RulesError):
    """A working-time deadline reaches past the years compiled into the calendar."""


class RuleActionFailed(RulesError):
    """An action inside the rules engine raised; durable_rules would have swallowed it."""


@dataclass(frozen=True)
class Opd:
    code: str
    name: str
    sectors: tuple[str, ...] = ()


@dataclass(frozen=True)
class Jurisdiction:
    """A kabupaten/kota: a `forward` target. `contact` is {"id": ..., "en": ...}: where a citizen
    turns to (rules/routing/jurisdictions.yaml), the `jurisdiction_contact` of citizen.forwarded."""

    code: str
    name: str
    contact: dict[str, str] = field(default_factory=dict, hash=False)

    def contact_in(self, lang: str | None) -> str:
        """The contact text in `lang` (`en`), else in Indonesian; "" when there is none."""
        code = (lang or "id").lower()[:2]
        return self.contact.get(code) or self.contact.get("id") or ""


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    sector: str
    opd: str
    rule_id: str
    reference: str | None = None


@dataclass(frozen=True)
class RoutingDecision:
    category: str
    opd: str
    sector: str
    rule_id: str
    rules_version: str
    explanation: dict          # {"id": ..., "en": ...}


@dataclass(frozen=True)
class ParameterValue:
    name: str
    value: object
    since: date
    reference: str


@dataclass(frozen=True)
class Decision:
    """One sanction-rule outcome after the hit policy: who gets what, by which rule and why."""

    rule_id: str
    table: str                 # the sanctions file the rule lives in (one hit policy each)
    level: str
    subject_type: str          # "operator" | "opd"
    reference: str
    explanation: dict          # {"id": ..., "en": ...}
    facts: dict
    rules_version: str
    notify: str | None = None  # e.g. "INSPEKTORAT" for a report rule
    summary: dict = field(default_factory=dict)   # the rule's own sentence, filled in (notifications)


@dataclass(frozen=True)
class ClockAction:
    """What a lifecycle event does to a clock (rules/parameters clock triggers)."""

    clock: str
    action: str                # "start" | "stop" | "pause" | "resume"
    rule_id: str
    facts: dict = field(default_factory=dict)
