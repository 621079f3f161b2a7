"""Compile the when/then rules (rules/clocks, rules/sanctions) into durable_rules JSON rulesets.

Policy staff never write durable_rules JSON: this compiler does, with each rule's `run` equal to
its id so every decision names its rule. durable_rules has no dates and no parameters, so both
are resolved here: a rule that uses `{param: ...}` or has effective dates becomes one durable
rule per period in which its parameters are constant, guarded by the fact `at` (epoch seconds).
A lowest-priority catch-all is added so that no fact ever goes unmatched (STACK-NOTES.md).
"""
from __future__ import annotations

import json
from datetime import date, datetime, time

from chalicelib.domain.times import WIB
from chalicelib.rules.vocabulary import (
    CATCH_ALL,
    CLOCK_FIELDS,
    OPERATORS,
    SANCTION_FIELDS,
    TABLE_HIT_POLICIES,
    plain_number,
)

RULE_PRIORITY, CATCH_ALL_PRIORITY = 1, 1000


class CompileError(Exception):
    def __init__(self, rule_id: str, detail: str):
        super().__init__(f"{rule_id}: {detail}")
        self.rule_id, self.detail = rule_id, detail


def epoch(day: date) -> int:
    """00:00 WIB of a date, as epoch seconds: the instant a dated value comes into force."""
    return int(datetime.combine(day, time(0), WIB).timestamp())


def params_used(when: dict) -> list[str]:
    names = []
    for spec in when.values():
        inner = spec if isinstance(spec, dict) else {}
        for operand in inner.values():
            if isinstance(operand, dict) and "param" in operand:
                names.append(operand["param"])
    return sorted(set(names))


def periods(rule: dict, parameters: dict) -> list[tuple[date, date | None, dict]]:
    """Split the rule's effective span into periods with constant parameter values."""
    start, until = rule["effective"]["from"], rule["effective"].get("until")
    names = params_used(rule["when"])
    dates = {start}
    for name in names:
        if name not in parameters:
            raise CompileError(rule["id"], f"unknown parameter {name!r}")
        dates.update(date.fromisoformat(v["from"]) for v in parameters[name]["values"])
    cuts = sorted(c for c in dates if c >= start and (until is None or c < until))
    result = []
    for i, lo in enumerate(cuts):
        hi = cuts[i + 1] if i + 1 < len(cuts) else until
        values = {name: _value_on(parameters[name], lo) for name in names}
        if all(v is not None for v in values.values()):
            result.append((lo, hi, values))
    return result


def _value_on(parameter: dict, day: date):
    current = None
    for entry in parameter["values"]:
        if date.fromisoformat(entry["from"]) <= day:
            current = entry["value"]
    return current


def condition(field: str, spec, values: dict) -> list[dict] | None:
    """durable_rules JSON for one `field: spec` of a `when`; None when it can never match."""
    if not isinstance(spec, dict):
        spec = {"in": spec} if isinstance(spec, list) else {"equals": spec}
    terms: list[dict] = []
    for op, operand in spec.items():          # several comparisons on one fact: all must hold
        if isinstance(operand, dict):
            operand = values[operand["param"]]
        operand = [plain_number(v) for v in operand] if isinstance(operand, list) else plain_number(operand)
        if op == "in":
            if not operand:
                return None
            alternatives = [{field: v} for v in operand]
            terms += alternatives if len(alternatives) == 1 else [{"$or": alternatives}]
        elif op == "not_in":
            terms += [{"$neq": {field: v}} for v in operand]
        elif op == "equals":
            terms.append({field: operand})
        else:
            terms.append({OPERATORS[op]: {field: operand}})
    return terms


def compile_rule(rule: dict, parameters: dict, fields: dict) -> dict[str, dict]:
    """One durable rule per period: name `id#n`, `run` = id."""
    compiled = {}
    for n, (lo, hi, values) in enumerate(periods(rule, parameters), start=1):
        terms = [{"$gte": {"at": epoch(lo)}}]
        if hi is not None:
            terms.append({"$lt": {"at": epoch(hi)}})
        alive = True
        for field, spec in rule["when"].items():
            if field not in fields:
                raise CompileError(rule["id"], f"unknown fact {field!r}")
            part = condition(field, spec, values)
            if part is None:
                alive = False
                break
            terms.extend(part)
        if alive:
            compiled[f"{rule['id']}#{n}"] = {"all": [{"m": {"$and": terms}}],
                                             "pri": RULE_PRIORITY, "run": rule["id"]}
    if not compiled:
        raise CompileError(rule["id"], "it can never apply: its parameters are not in force while it "
                                       "is effective, or a condition is an empty list")
    return compiled


def engine_rejects(definition: dict) -> str | None:
    """Ask durable_rules itself whether it accepts this ruleset (None: accepted)."""
    try:
        import durable_rules_engine  # lazy: optional here (no engine: the JSON checks still run)
    except ImportError:          # no engine on this machine: the JSON checks above still ran
        return None
    body = {name: {k: v for k, v in rule.items() if k != "run"} for name, rule in definition.items()}
    try:
        handle = durable_rules_engine.create_ruleset("lampungin_check", json.dumps(body))
    except Exception as exc:     # the engine reports only an error code
        return str(exc)
    durable_rules_engine.delete_ruleset(handle)
    return None


def ruleset(rules: list[dict], parameters: dict, fields: dict) -> dict:
    definition = {}
    for rule in rules:
        definition.update(compile_rule(rule, parameters, fields))
    definition[CATCH_ALL] = {"all": [{"m": {"$ex": {"at": 1}}}], "pri": CATCH_ALL_PRIORITY,
                             "run": CATCH_ALL}
    return definition


def _meta(rule: dict, table: str, file: str) -> dict:
    effective = rule["effective"]
    return {"id": rule["id"], "table": table, "file": file,
            "description": dict(rule.get("description") or {}), "reference": rule["reference"],
            "effective": {"from": effective["from"].isoformat(),
                          "until": effective["until"].isoformat() if effective.get("until") else None},
            "when": rule["when"], "then": dict(rule["then"]), "params": params_used(rule["when"])}


def compile_rules(sources, parameters: dict) -> dict:
    """The clock and sanction parts of the bundle: rule metadata, levels, tables, rulesets."""
    clock_rules, sanction_rules, tables, levels = [], [], {}, []
    for source in sources.of("clocks"):
        tables[f"clocks/{source.path.stem}"] = {"hit_policy": source.data.get("hit_policy", "collect")}
        clock_rules += [_meta(r, f"clocks/{source.path.stem}", source.rel) for r in source.data["rules"]]
    for source in sources.of("sanctions"):
        if source.path.stem == "levels":
            levels = [{"code": lv["code"], "rank": rank, "name": dict(lv["name"])}
                      for rank, lv in enumerate(source.data["levels"])]
            continue
        policy = source.data["hit_policy"]
        if policy not in TABLE_HIT_POLICIES:       # `rules check` refuses it first; never skipped by -O
            raise ValueError(f"{source.rel}: unknown hit_policy {policy!r}")
        tables[source.path.stem] = {"hit_policy": policy}
        sanction_rules += [_meta(r, source.path.stem, source.rel) for r in source.data["rules"]]
    raw = {r["id"]: r for r in _raw_rules(sources)}
    return {
        "clock_rules": clock_rules, "sanction_rules": sanction_rules, "levels": levels,
        "tables": tables,
        "rulesets": {"clocks": ruleset([raw[r["id"]] for r in clock_rules], parameters, CLOCK_FIELDS),
                     "sanctions": ruleset([raw[r["id"]] for r in sanction_rules], parameters,
                                          SANCTION_FIELDS)},
    }


def _raw_rules(sources):
    for kind in ("clocks", "sanctions"):
        for source in sources.of(kind):
            if source.path.stem != "levels":
                yield from source.data["rules"]
