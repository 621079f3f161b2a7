"""Rules as code: the Lambda side of rules/ (routing, deadlines, sanctions), read from the bundle.

Policy staff edit YAML under rules/; `lampungin rules build` compiles it into
chalicelib/rules/bundle/bundle.json (generated, gitignored); this package reads only that JSON.
No AWS imports, no PyYAML, no `holidays`; durable_rules is imported only when the engine is used.
Every decision carries `rules_version` (the content hash of rules/) and an explanation
{"id": ..., "en": ...} naming the rule, its reference and the facts.

Public interface
----------------
    from chalicelib.rules import load_bundle, UnknownCategory, StaleBundle

    bundle = load_bundle()                       # cached per process; StaleBundle if rules/ changed
    bundle.version                               # "66c33917bdd1" (short content hash)
    bundle.opds: dict[str, Opd]                  # every OPD of every onboarded government, by full code
                                                 #   Opd(code, name, sectors, government, units):
                                                 #   "DINKES" (province), "BANDARLAMPUNG.DINKES"; units
                                                 #   (Unit(code, name, region)), opd.unit(code)
    bundle.opds_of(government) -> list[Opd]
    bundle.categories: list[Category]            # Category(code, name, sector, opd, rule_id, reference)
    bundle.jurisdictions: dict[str, Jurisdiction]   # Jurisdiction(code, name, contact, kind, region): the
                                                 #   15 kabupaten/kota; contact {"id", "en"}, .contact_in(lang)
    bundle.governments: dict[str, Government]    # LAMPUNG first, then jurisdictions.yaml order:
                                                 #   Government(code, name, kind: provinsi|kabupaten|kota,
                                                 #   region "18.71", onboarded, contact, inspectorate: full
                                                 #   OPD code | None)
    bundle.default_category                      # "lainnya" (BIRO-ORG intake desk)
    bundle.category(code) -> Category | None
    bundle.route(category_code, *, government="LAMPUNG", region=None)
        -> RoutingDecision(category, opd, sector, rule_id, rules_version, explanation, government, unit)
           # the province's table, whose by_region rows send a complaint located (Kemendagri code)
           # in an onboarded kabupaten/kota to that government's table (the explanation names both
           # rules); or a government's own table: its rows (most specific region row first), then
           # its default OPD. Raises UnknownCategory, NotOnboarded (a government with no folder).
    bundle.service_levels(at: datetime, government="LAMPUNG") -> dict  # GET /v1/rules: {"rules_version",
                                                 #   "at", "timezone", "government",
                                                 #   "clocks": [{clock, hours, mode, pause_in, warn_at_percent,
                                                 #   in_force_since, reference, references, description{id,en}}],
                                                 #   "sanctions": [{rule_id, level, subject_type, reference,
                                                 #   description}], "calendar_years"}

    # notifications (rules/notifications; types and placeholders: domain/notification_types.py)
    bundle.templates.render(type, lang, params: dict[str, str]) -> (title, body)
                                                 # lang falls back to "id"; a missing param is "-"
                                                 # UnknownTemplate for a type with no template

    # clocks: the parameters in force when the clock STARTED apply for its whole life; a
    # government's own series of a parameter (rules/governments/<CODE>/parameters) replaces the
    # province's for it; its calendar = national + cuti bersama + ITS regional days, province hours
    bundle.clock_policy(clock, started_at, government="LAMPUNG") -> domain.clocks.ClockPolicy(hours,
                     mode, pause_in, warn_at_percent, references, since, clock, calendar=government)
    bundle.due_at(clock | policy, started_at, government="LAMPUNG") -> datetime  # never pausing
    bundle.add_time(start, seconds, mode, calendar="LAMPUNG") -> datetime   # domain.clocks.Schedule
    bundle.time_between(start, end, mode, calendar="LAMPUNG") -> float      # seconds counted
    bundle.parameter(name, on: date | datetime, government="LAMPUNG") -> value  # "sanctions.window_days"
    bundle.parameters_of(government), bundle.calendar_of(government)   # NotOnboarded without a folder
    bundle.calendar.is_working_day(date) -> bool             # WIB dates; CalendarLapsed outside years

    # rules engine (durable_rules behind RulesEngine; the hit policy is applied in Python)
    bundle.evaluate(facts: dict, *, at: datetime | None = None) -> list[Decision]
        facts: {"event": "missed" | "progress", "clock": "followup" | "approval",
                "at": datetime (or the `at` keyword; the due time for a miss, the sweep time for
                      progress: it selects the rules and parameter values in force),
                "subject_type": "operator" | "opd", "misses": int, "opd_misses": int,
                "hours_late": float, "used_percent": float, "opd", "sector", "category", ...}
        Decision(rule_id, table, level, subject_type, reference, explanation, facts,
                 rules_version, notify)
    bundle.clock_actions(facts: dict, *, at=None) -> list[ClockAction(clock, action, rule_id, facts)]
        facts: {"event": timeline event type, "from_status", "to_status", "at": datetime, ...}
        action in "stop" | "pause" | "resume" | "start" (applied in that order)

Errors: UnknownCategory (422 for the API), NotOnboarded (routing or timing within a government that
is only a `forward` target), StaleBundle, ParameterLapsed, CalendarLapsed,
UnknownTemplate, TemplateError (a template `rules check` refuses), RuleActionFailed (an action
raised inside durable_rules), RulesError (bad facts). The engine behind evaluate/clock_actions is
chalicelib.rules.engine.RulesEngine(bundle, matcher=...): DurableMatcher by default,
PythonMatcher (same compiled JSON, plain Python) for comparison.

All times are aware datetimes (UTC stored, WIB dates: chalicelib/domain/times.py); nothing here calls now().
"""
from typing import TYPE_CHECKING

from ..domain.clocks import ClockPolicy
from .model import (
                    CalendarLapsed,
                    Category,
                    ClockAction,
                    Decision,
                    Government,
                    Jurisdiction,
                    NotOnboarded,
                    Opd,
                    ParameterLapsed,
                    RoutingDecision,
                    RuleActionFailed,
                    RulesError,
                    StaleBundle,
                    Unit,
                    UnknownCategory,
)
from .templates import TemplateError, Templates, UnknownTemplate

if TYPE_CHECKING:
    from .bundle import RulesBundle, clear_cache, load_bundle

_FROM_BUNDLE = ("RulesBundle", "clear_cache", "load_bundle")


def __getattr__(name: str):
    """The bundle's names on first use: importing `chalicelib.rules.model` (an exception class
    the API catches) must not load the bundle module, its source hashing and importlib.metadata
    (~25 ms of every Lambda's cold start)."""
    if name in _FROM_BUNDLE:
        from . import bundle  # lazy: see above
        return getattr(bundle, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = ["RulesBundle", "load_bundle", "clear_cache", "CalendarLapsed", "Category", "ClockAction",
           "ClockPolicy", "Decision", "Government", "Jurisdiction", "NotOnboarded", "Opd", "ParameterLapsed",
           "RoutingDecision", "RuleActionFailed", "RulesError", "StaleBundle", "TemplateError", "Templates",
           "UnknownCategory", "UnknownTemplate", "Unit"]
