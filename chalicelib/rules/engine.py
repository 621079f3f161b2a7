"""RulesEngine: evaluate facts against the compiled clock and sanction rules of one bundle.

Why an adapter: durable_rules is a stateless evaluator for us (DynamoDB is the source of truth).
It only tells which rules a fact matches; this class prepares the fact (numbers and strings only,
`at` as epoch seconds for effective dates), applies each table's hit policy in Python (durable's
`assert_fact` fires every match, `post` only the first), and builds Decisions that name their
rule, reference, facts and rules version.
"""
from __future__ import annotations

from datetime import date, datetime

from ..domain.governments import PROVINCE, government_of
from .explanations import explain_rule, summarise
from .matchers import Matcher, durable_matcher
from .model import ClockAction, Decision, RulesError
from .vocabulary import CLOCK_ACTIONS, CLOCK_FIELDS, SANCTION_FIELDS, plain_number
from .working_calendar import local_date


class RulesEngine:
    def __init__(self, bundle, matcher: Matcher | None = None):
        self.bundle = bundle
        self.matcher = matcher or durable_matcher()
        data = bundle.data
        suffix = bundle.manifest["content_hash"][:16]
        self.rulesets = {kind: (f"lampungin_{kind}_{suffix}", data["rulesets"][kind])
                         for kind in ("clocks", "sanctions")}
        self.sanction_rules = {r["id"]: r for r in data["sanction_rules"]}
        self.clock_rules = {r["id"]: r for r in data["clock_rules"]}
        self.tables = data["tables"]
        self.levels = {lv["code"]: lv for lv in data["levels"]}
        self._position = {rule_id: i for i, rule_id in enumerate(self.sanction_rules)}

    # --- the two questions the services ask ----------------------------------------------------
    def evaluate(self, facts: dict, *, at: datetime | None = None) -> list[Decision]:
        """Sanctions and warnings for one missed or progressing clock, after the hit policies."""
        fact, moment = self.fact(facts, SANCTION_FIELDS, at)
        fired = self.match("sanctions", fact)
        return [self._decision(self.sanction_rules[rule_id], facts, fact, moment)
                for rule_id in self.hit_policy(fired)]

    def clock_actions(self, facts: dict, *, at: datetime | None = None) -> list[ClockAction]:
        """What one timeline event does to the clocks (every matching rule applies)."""
        fact, _ = self.fact(facts, CLOCK_FIELDS, at)
        actions = [ClockAction(r["then"]["clock"], r["then"]["action"], r["id"], dict(facts))
                   for r in (self.clock_rules[i] for i in self.match("clocks", fact))]
        return sorted(actions, key=lambda a: (CLOCK_ACTIONS.index(a.action), a.clock))

    # --- parts, public for `rules explain` and the tests ---------------------------------------
    def match(self, kind: str, fact: dict) -> list[str]:
        name, definition = self.rulesets[kind]
        return list(dict.fromkeys(self.matcher.match(name, definition, fact)))

    @staticmethod
    def fact(facts: dict, fields: dict, at: datetime | None = None) -> tuple[dict, datetime]:
        """The fact durable_rules sees: known fields only, numbers and strings, `at` in epoch s."""
        moment = at if at is not None else facts.get("at")
        if isinstance(moment, str):
            moment = datetime.fromisoformat(moment.replace("Z", "+00:00"))
        if not isinstance(moment, datetime) or moment.tzinfo is None:
            raise RulesError("facts need 'at': an aware datetime (the due time of a missed clock, "
                             "or the time of the event)")
        fact = {"at": plain_number(moment.timestamp())}
        for name, value in facts.items():
            spec = fields.get(name)
            if spec is None or value is None or name == "at":
                continue
            if spec[0] == "number":
                if isinstance(value, bool) or not isinstance(value, (int, float)):
                    raise RulesError(f"fact {name!r} must be a number, not {value!r}")
                if value != value or value in (float("inf"), float("-inf")):
                    raise RulesError(f"fact {name!r} must be a finite number, not {value!r}")
                fact[name] = plain_number(value)
            else:
                fact[name] = value.value if hasattr(value, "value") else str(value)
        return fact, moment

    def hit_policy(self, fired: list[str]) -> list[str]:
        """Apply each sanctions table's hit policy; result in table then file order."""
        position = self._position
        by_table: dict[str, list[str]] = {}
        for rule_id in sorted(fired, key=position.__getitem__):
            by_table.setdefault(self.sanction_rules[rule_id]["table"], []).append(rule_id)
        chosen = []
        for table, ids in by_table.items():
            policy = self.tables[table]["hit_policy"]
            if policy == "priority":        # heaviest level wins; on a tie, the earlier rule
                rank = lambda i: self.levels[self.sanction_rules[i]["then"]["level"]]["rank"]
                chosen.append(max(ids, key=lambda i: (rank(i), -position[i])))
            elif policy == "first":
                chosen.append(ids[0])
            else:
                chosen.extend(ids)
        return sorted(chosen, key=position.__getitem__)

    def params_of(self, rule: dict, moment: datetime | date) -> list:
        on = local_date(moment)
        return [self.bundle.parameters.at(name, on) for name in rule.get("params", [])]

    def _decision(self, rule: dict, facts: dict, fact: dict, moment: datetime) -> Decision:
        shown = {k: v for k, v in facts.items() if k != "at"}
        level = self.levels.get(rule["then"]["level"], {})
        explanation = explain_rule(rule, {**fact, **shown}, self.params_of(rule, moment),
                                   level.get("name"), self.bundle.version)
        return Decision(rule_id=rule["id"], table=rule["table"], level=rule["then"]["level"],
                        subject_type=rule["then"]["subject"], reference=rule["reference"],
                        explanation=explanation, summary=summarise(rule, {**fact, **shown}),
                        facts={**shown, "at": moment.isoformat()},
                        rules_version=self.bundle.version,
                        notify=self.notified(rule["then"].get("notify"), facts.get("opd")))

    def notified(self, notify: str | None, opd) -> str | None:
        """Whom a rule's `notify` reaches for this OPD: a rule naming the province's inspectorate
        means the inspectorate of the complaint's government (rules/governments/<CODE>/
        government.yaml), so a city's repeat misses reach the city's Inspektorat."""
        governments = self.bundle.governments
        if not notify or notify != governments[PROVINCE].inspectorate:
            return notify
        own = governments.get(government_of(str(opd or "")))
        return own.inspectorate if own is not None and own.inspectorate else notify
