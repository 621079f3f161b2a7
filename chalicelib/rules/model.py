"""Values the rules hand out: routing decisions, clock policies, sanction decisions.

Every decision carries the rules version (the content hash of `rules/`) and an explanation in
Indonesian (`id`) and English (`en`) naming the rule, its reference and the facts, because DESIGN.md
requires every sanction and routing to say which rule produced it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..domain.governments import PROVINCE

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


class NotOnboarded(RulesError):
    """Asked to route (or to time a clock) within a government that has no folder under
    rules/governments/: it is a `forward` target only, whose complaints end in `forwarded`."""

    def __init__(self, government: str):
        super().__init__(government)
        self.government = government

    def __str__(self) -> str:
        return f"government {self.government!r} is not onboarded (no rules/governments/{self.government}/)"


class StaleBundle(RulesError):
    """The bundle does not match the files under rules/ (or is missing): never use it."""


class ParameterLapsed(RulesError):
    """No value of a parameter is in force on the date asked for."""


class CalendarLapsed(RulesError):
    """A working-time deadline reaches past the years compiled into the calendar."""


class RuleActionFailed(RulesError):
    """An action inside the rules engine raised; durable_rules would have swallowed it."""


class Named:
    """A thing with a name people read: `name` in Indonesian, `name_en` in English when the rules
    give one (rules/README.md, "Nama dalam bahasa Inggris")."""

    name: str
    name_en: str | None

    def name_in(self, lang: str | None) -> str:
        """The name in `lang` ("en"), else the Indonesian one: also when there is no English name."""
        return self.name_en if (lang or "id").lower()[:2] == "en" and self.name_en else self.name


@dataclass(frozen=True)
class Unit(Named):
    """A unit inside an OPD that a supervisor may dispose a complaint to (a UPT per region, a
    bidang). `code` is short, unique within its OPD; `region` the Kemendagri code of its area."""

    code: str
    name: str
    region: str | None = None
    name_en: str | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Opd(Named):
    """An OPD of some government. `code` is the full code: the province's plain (`DINKES`), a
    kabupaten/kota's prefixed with its government and a dot (`BANDARLAMPUNG.DINKES`)."""

    code: str
    name: str
    sectors: tuple[str, ...] = ()
    government: str = PROVINCE
    units: tuple[Unit, ...] = ()
    name_en: str | None = field(default=None, compare=False)

    def unit(self, code: str) -> Unit | None:
        return next((u for u in self.units if u.code == code), None)


@dataclass(frozen=True)
class Government(Named):
    """The province or a kabupaten/kota (CONTRACT.md Additions, "Governments"). `onboarded`: it has
    its own OPDs, routing and clocks on the platform (rules/governments/<code>/); `inspectorate`: the
    full code of its OPD that receives reports (None when not onboarded); `contact` {"id", "en"}."""

    code: str
    name: str
    kind: str                  # provinsi | kabupaten | kota
    region: str                # Kemendagri code: "18" (the province), "18.71" (Kota Bandar Lampung)
    onboarded: bool
    contact: dict[str, str] = field(default_factory=dict, hash=False)
    inspectorate: str | None = None
    name_en: str | None = field(default=None, compare=False)

    def contact_in(self, lang: str | None) -> str:
        code = (lang or "id").lower()[:2]
        return self.contact.get(code) or self.contact.get("id") or ""


@dataclass(frozen=True)
class Jurisdiction(Named):
    """A kabupaten/kota: a `forward` target. `contact` is {"id": ..., "en": ...}: where a citizen
    turns to (rules/routing/jurisdictions.yaml), the `jurisdiction_contact` of citizen.forwarded."""

    code: str
    name: str
    contact: dict[str, str] = field(default_factory=dict, hash=False)
    kind: str = "kabupaten"    # kabupaten | kota
    region: str = ""           # Kemendagri code of the kabupaten/kota ("18.71")
    name_en: str | None = field(default=None, compare=False)

    def contact_in(self, lang: str | None) -> str:
        """The contact text in `lang` (`en`), else in Indonesian; "" when there is none."""
        code = (lang or "id").lower()[:2]
        return self.contact.get(code) or self.contact.get("id") or ""


@dataclass(frozen=True)
class Category(Named):
    code: str
    name: str
    sector: str
    opd: str
    rule_id: str
    reference: str | None = None
    name_en: str | None = field(default=None, compare=False)


@dataclass(frozen=True)
class RoutingDecision:
    category: str
    opd: str
    sector: str
    rule_id: str
    rules_version: str
    explanation: dict          # {"id": ..., "en": ...}
    government: str = PROVINCE    # whose OPD `opd` is (its code's prefix, domain/governments.py)
    unit: str | None = None       # the OPD's unit that takes it directly (a region row), if any


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
