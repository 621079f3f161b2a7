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
    bundle.opds: dict[str, Opd]                  # Opd(code, name, sectors)
    bundle.categories: list[Category]            # Category(code, name, sector, opd, rule_id, reference)
    bundle.jurisdictions: dict[str, Jurisdiction]   # Jurisdiction(code, name, contact): `forward`
                                                 #   targets; contact {"id", "en"}, .contact_in(lang)
    bundle.default_category                      # "lainnya" (BIRO-ORG intake desk)
    bundle.category(code) -> Category | None
    bundle.route(category_code) -> RoutingDecision(category, opd, sector, rule_id, rules_version,
                                                   explanation)      # raises UnknownCategory
    bundle.service_levels(at: datetime) -> dict  # GET /v1/rules: {"rules_version", "at", "timezone",
                                                 #   "clocks": [{clock, hours, mode, pause_in, warn_at_percent,
                                                 #   in_force_since, reference, description{id,en}}],
                                                 #   "sanctions": [{rule_id, level, subject_type, reference,
                                                 #   description}], "calendar_years"}

    # notifications (rules/notifications; types and placeholders: domain/notification_types.py)
    bundle.templates.render(type, lang, params: dict[str, str]) -> (title, body)
                                                 # lang falls back to "id"; a missing param is "-"
                                                 # UnknownTemplate for a type with no template

    # clocks: the parameters in force when the clock STARTED apply for its whole life
    bundle.clock_policy(clock, started_at) -> domain.clocks.ClockPolicy(hours, mode, pause_in,
                                         warn_at_percent, references, since, clock)
    bundle.due_at(clock | policy, started_at) -> datetime    # a clock that never pauses
    bundle.add_time(start, seconds, mode) -> datetime          # domain.clocks.Schedule protocol
    bundle.time_between(start, end, mode) -> float             # seconds of counted clock time
    bundle.parameter(name, on: date | datetime) -> value     # e.g. "sanctions.window_days"
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

Errors: UnknownCategory (422 for the API), StaleBundle, ParameterLapsed, CalendarLapsed,
UnknownTemplate, TemplateError (a template `rules check` refuses), RuleActionFailed (an action
raised inside durable_rules), RulesError (bad facts). The engine behind evaluate/clock_actions is
chalicelib.rules.engine.RulesEngine(bundle, matcher=...): DurableMatcher by default,
PythonMatcher (same compiled JSON, plain Python) for comparison.

All times are aware datetimes (UTC stored, WIB dates: chalicelib/domain/times.py); nothing here calls now().
"""
from ..domain.clocks import ClockPolicy
from .bundle import RulesBundle, clear_cache, load_bundle
from .model import (
                    CalendarLapsed,
                    Category,
                    ClockAction,
                    Decision,
                    Jurisdiction,
                    Opd,
                    ParameterLapsed,
                    RoutingDecision,
                    RuleActionFailed,
                    RulesError,
                    StaleBundle,
                    UnknownCategory,
)
from .templates import TemplateError, Templates, UnknownTemplate

__all__ = ["RulesBundle", "load_bundle", "clear_cache", "CalendarLapsed", "Category", "ClockAction",
           "ClockPolicy", "Decision", "Jurisdiction", "Opd", "ParameterLapsed", "RoutingDecision",
           "RuleActionFailed", "RulesError", "StaleBundle", "TemplateError", "Templates", "UnknownCategory",
           "UnknownTemplate"]
