"""Checks of the when/then rules (rules/clocks, rules/sanctions): ids, facts, comparisons,
parameters, levels, effective dates, and that each rule compiles to durable_rules JSON.

Every word a rule compares a fact with is checked against what that fact can be (`event: terlambat`
matches nothing the engine is ever given, so the rule would silently never apply): timeline events
and statuses for clock rules, missed/progress, clocks, subjects and who answers for sanction rules,
and for both the sectors, the catalog's categories and the OPDs of every government. A misspelt
name gets the closest known one ("did you mean ...?").
"""
from __future__ import annotations

from chalicelib.domain.governments import opd_code
from chalicelib.domain.sanctions import AGENCY, DESK, PERSON
from chalicelib.rules.model import CLOCKS, SECTORS, SUBJECT_TYPES
from chalicelib.rules.vocabulary import (
    CLOCK_FIELDS,
    OPERATORS,
    SANCTION_EVENTS,
    SANCTION_FIELDS,
    STATUSES,
    TIMELINE_EVENTS,
)

from .compiler import compile_parameters
from .durable import CompileError, compile_rule, engine_rejects
from .messages import Problem, Words, did_you_mean
from .schema import Ctx
from .source import Sources, line_of

NUMBER, TEXT, TEXTS = Words("angka", "a number"), Words("teks", "text"), Words("daftar teks", "a list of text")


def vocabularies(sources: Sources) -> dict[str, dict[str, tuple[str, ...]]]:
    """The values each text fact can take, per kind of rule (clocks/, sanctions/)."""
    opds = [o["code"] for o in sources.one("routing", "opds.yaml").data["opds"]]
    for code in sources.government_codes():
        own = sources.government_file(code, "opds.yaml")
        if own is not None and isinstance(own.data, dict):
            opds += [opd_code(code, o["code"]) for o in own.data.get("opds") or []]
    categories = tuple(c["code"] for c in sources.one("routing", "categories.yaml").data["categories"])
    common = {"sector": SECTORS, "category": categories, "opd": tuple(opds)}
    return {"clocks": {**common, "event": TIMELINE_EVENTS, "from_status": STATUSES, "to_status": STATUSES},
            "sanctions": {**common, "event": SANCTION_EVENTS, "clock": CLOCKS, "subject_type": SUBJECT_TYPES,
                          "answering": (PERSON, DESK, AGENCY)}}


def rule_files(sources: Sources):
    for kind, fields in (("clocks", CLOCK_FIELDS), ("sanctions", SANCTION_FIELDS)):
        for source in sources.of(kind):
            if source.path.name != "levels.yaml":
                yield source, fields


def rules(sources: Sources) -> list[Problem]:
    params = compile_parameters(sources)
    levels = [lv["code"] for lv in sources.one("sanctions", "levels.yaml").data["levels"]]
    opds = [o["code"] for o in sources.one("routing", "opds.yaml").data["opds"]]
    words = vocabularies(sources)
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
                ctx.add(line_of(then, "level"), "unknown_level", level=then["level"],
                        suggestion=did_you_mean(then["level"], levels))
            if then.get("notify") and then["notify"] not in opds:
                ctx.add(line_of(then, "notify"), "unknown_opd", opd=then["notify"],
                        suggestion=did_you_mean(then["notify"], opds))
            eff = rule["effective"]
            if eff.get("until") and eff["until"] <= eff["from"]:
                ctx.add(line_of(eff, "until"), "effective_order", since=eff["from"], until=eff["until"])
            before = len(ctx.problems)
            kind = "clocks" if fields is CLOCK_FIELDS else "sanctions"
            check_when(ctx, rule["when"], fields, params, words[kind])
            if len(ctx.problems) == before:
                try:
                    rejected = engine_rejects(compile_rule(rule, params, fields))
                except CompileError as exc:
                    rejected = exc.detail
                if rejected:
                    ctx.add(line, "compile", rule=rule["id"], detail=rejected)
        problems += ctx.problems
    return problems


def check_when(ctx: Ctx, when: dict, fields: dict, params: dict, words: dict | None = None) -> None:
    """Each `fact: spec`: a known fact, known comparisons, operands of the fact's type (a text fact's
    words from its vocabulary), parameters that exist and hold what the comparison needs."""
    words = words or {}
    for field, spec in when.items():
        line = line_of(when, field)
        if field not in fields or field == "at":
            known = [f for f in fields if f != "at"]
            ctx.add(line, "unknown_field", key=field, allowed=", ".join(known), suggestion=did_you_mean(field, known))
            continue
        kind = fields[field][0]
        if not isinstance(spec, dict):
            spec = {"in": spec} if isinstance(spec, list) else {"equals": spec}
        for op, operand in spec.items():
            if op not in OPERATORS:
                ctx.add(line_of(spec, op, line), "bad_value", key=field, got=op, allowed=", ".join(OPERATORS),
                        suggestion=did_you_mean(op, OPERATORS))
                continue
            if isinstance(operand, dict):
                name = operand.get("param")
                if set(operand) != {"param"} or name not in params:
                    ctx.add(line_of(operand, "param", line), "unknown_param", name=name or operand,
                            suggestion=did_you_mean(name, params))
                else:
                    _check_param(ctx, line_of(operand, "param", line), field, kind, op, name, params[name])
                continue
            if _check_operand(ctx, line, field, kind, op, operand) and field in words:
                _check_words(ctx, line, field, operand, words[field])


def _check_operand(ctx, line, field, kind, op, operand) -> bool:
    many = op in ("in", "not_in")
    values = operand if many and isinstance(operand, list) else [operand]
    if many and not isinstance(operand, list):
        ctx.add(line, "wrong_type", key=field, expected=Words("daftar", "a list"), got=operand)
        return False
    for value in values:
        ok = isinstance(value, str) if kind == "text" else (
            isinstance(value, (int, float)) and not isinstance(value, bool))
        if not ok or (kind == "text" and op not in ("equals", "not_equals", "in", "not_in")):
            expected = Words("teks", "text") if kind == "text" else Words("angka", "a number")
            ctx.add(line, "wrong_type", key=field, expected=expected, got=value)
            return False
    return True


def _check_words(ctx, line, field, operand, known) -> None:
    """A text fact compared with words it can never hold: the rule would silently never apply."""
    for value in operand if isinstance(operand, list) else [operand]:
        if value in known:
            continue
        suggestion = did_you_mean(value, known)
        if field == "opd":
            ctx.add(line, "unknown_opd", opd=value, suggestion=suggestion)
        elif field == "category":
            ctx.add(line, "unknown_category", code=value, suggestion=suggestion)
        else:
            ctx.add(line, "bad_value", key=field, got=value, allowed=", ".join(known), suggestion=suggestion)


def _check_param(ctx, line, field, kind, op, name, parameter) -> None:
    """The parameter's values (every dated one) fit the comparison: numbers for a number fact, a list
    of text for `in`/`not_in` on a text fact, text for `equals`/`not_equals`."""
    many = op in ("in", "not_in")
    for entry in parameter["values"]:
        value = entry["value"]
        if value is None:
            continue
        if kind == "text":
            fits = (isinstance(value, list) and all(isinstance(v, str) for v in value)) if many \
                else isinstance(value, str)
            expected = TEXTS if many else TEXT
        else:
            fits, expected = isinstance(value, (int, float)) and not isinstance(value, bool), NUMBER
        if not fits:
            ctx.add(line, "param_kind", name=name, got=value, op=op, key=field, expected=expected)
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
