"""Checks of the when/then rules (rules/clocks, rules/sanctions): ids, facts, comparisons,
parameters, levels, effective dates, and that each rule compiles to durable_rules JSON."""
from __future__ import annotations

from chalicelib.rules.vocabulary import CLOCK_FIELDS, OPERATORS, SANCTION_FIELDS

from .compiler import compile_parameters
from .durable import CompileError, compile_rule, engine_rejects
from .messages import Problem
from .schema import Ctx
from .source import Sources, line_of


def rule_files(sources: Sources):
    for kind, fields in (("clocks", CLOCK_FIELDS), ("sanctions", SANCTION_FIELDS)):
        for source in sources.of(kind):
            if source.path.name != "levels.yaml":
                yield source, fields


def rules(sources: Sources) -> list[Problem]:
    params = compile_parameters(sources)
    levels = {lv["code"] for lv in sources.one("sanctions", "levels.yaml").data["levels"]}
    opds = {o["code"] for o in sources.one("routing", "opds.yaml").data["opds"]}
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for source, fields in rule_files(sources):
        ctx, items = Ctx(source.rel), source.data["rules"]
        for i, rule in enumerate(items):
            line = line_of(items, i)
            if rule["id"] in seen:
                ctx.add(line_of(rule, "id"), "duplicate_code", code=rule["id"], first=seen[rule["id"]])
            seen.setdefault(rule["id"], f"{source.rel}:{line}")
            then = rule["then"]
            if "level" in then and then["level"] not in levels:
                ctx.add(line_of(then, "level"), "unknown_level", level=then["level"])
            if then.get("notify") and then["notify"] not in opds:
                ctx.add(line_of(then, "notify"), "unknown_opd", opd=then["notify"])
            eff = rule["effective"]
            if eff.get("until") and eff["until"] <= eff["from"]:
                ctx.add(line_of(eff, "until"), "effective_order", since=eff["from"], until=eff["until"])
            before = len(ctx.problems)
            check_when(ctx, rule["when"], fields, params)
            if len(ctx.problems) == before:
                try:
                    rejected = engine_rejects(compile_rule(rule, params, fields))
                except CompileError as exc:
                    rejected = exc.detail
                if rejected:
                    ctx.add(line, "compile", rule=rule["id"], detail=rejected)
        problems += ctx.problems
    return problems


def check_when(ctx: Ctx, when: dict, fields: dict, params: dict) -> None:
    for field, spec in when.items():
        line = line_of(when, field)
        if field not in fields or field == "at":
            ctx.add(line, "unknown_field", key=field, allowed=", ".join(f for f in fields if f != "at"))
            continue
        kind = fields[field][0]
        if not isinstance(spec, dict):
            spec = {"in": spec} if isinstance(spec, list) else {"equals": spec}
        for op, operand in spec.items():
            if op not in OPERATORS:
                ctx.add(line_of(spec, op, line), "bad_value", key=field, got=op, allowed=", ".join(OPERATORS))
                continue
            if isinstance(operand, dict):
                name = operand.get("param")
                if set(operand) != {"param"} or name not in params:
                    ctx.add(line_of(operand, "param", line), "unknown_param", name=name or operand)
                continue
            _check_operand(ctx, line, field, kind, op, operand)


def _check_operand(ctx, line, field, kind, op, operand) -> None:
    many = op in ("in", "not_in")
    values = operand if many and isinstance(operand, list) else [operand]
    if many and not isinstance(operand, list):
        ctx.add(line, "wrong_type", key=field, expected="daftar / a list", got=operand)
        return
    for value in values:
        ok = isinstance(value, str) if kind == "text" else (
            isinstance(value, (int, float)) and not isinstance(value, bool))
        if not ok or (kind == "text" and op not in ("equals", "not_equals", "in", "not_in")):
            expected = "teks / text" if kind == "text" else "angka / a number"
            ctx.add(line, "wrong_type", key=field, expected=expected, got=value)
            return


def unfired(sources: Sources, fired: set[str]) -> list[Problem]:
    """Rules that fired in no case under rules/tests/ (a rule nobody has tried is a guess)."""
    problems = []
    for source, _ in rule_files(sources):
        items = source.data["rules"]
        for rule in items:
            if rule["id"] not in fired:
                problems.append(Problem(source.rel, line_of(rule, "id"), "never_fires", {"rule": rule["id"]}))
    return problems
