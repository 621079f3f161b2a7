"""`lampungin rules check`: everything under rules/ that can be wrong, as `file:line: message`.

Static checks (shape, unknown keys, types, undated/unreferenced values, routing overlaps and gaps,
lapsing parameters and calendar, rules that do not compile, notification templates: fields,
placeholders, missing and duplicate types) run before every build; `rules check`
adds the dynamic one: every when/then rule must fire in at least one case under rules/tests/.

What a careful reviewer catches is among the static checks too (issue 14): a day that does not
exist, wherever it is written (source.py notes it as the file is read); a number outside the range
ranges.py declares for its parameter, or a numeric parameter with no declared range; a name that
refers to nothing (with "did you mean ...?" when a known one is close); holidays outside the
compiled years, on days that are not working days anyway, or both added and removed. So a tree that
fails them can neither be tested nor built (build.py runs `static_errors`).
"""
from __future__ import annotations

import re
from datetime import date, timedelta

from chalicelib.rules.model import SECTORS

from . import check_files as F
from . import check_governments, check_notifications
from .cases import fired_rules
from .check_rules import rules, unfired
from .compiler import compile_parameters
from .messages import Problem, Words, did_you_mean
from .region_lookup import regions_problems
from .schema import Ctx, check_file, name_id
from .source import OTHER_FOLDERS, SOURCE_KINDS, Sources, impossible_date, line_of, load_sources

LAPSE_DAYS = 90
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
REQUIRED = {("routing", "opds.yaml"): F.OPD_FILE, ("routing", "jurisdictions.yaml"): F.JURISDICTION_FILE,
            ("routing", "categories.yaml"): F.CATEGORY_FILE, ("calendar", "calendar.yaml"): F.CALENDAR_FILE,
            ("sanctions", "levels.yaml"): F.LEVELS_FILE}
OPTIONAL = {("calendar", "regional.yaml"): F.REGIONAL_FILE}


def static_errors(sources: Sources, today: date | None = None) -> list[Problem]:
    problems = shapes(sources)
    if problems:                            # the cross-file checks need well-formed files: the calendar's
        calendar = _calendar_files(sources)  # days are said too when its own files are
        if calendar[0] is not None and not {p.file for p in problems} & {f.rel for f in calendar if f}:
            problems += calendar_days(sources)
        return suggest(problems, sources)
    problems += routing(sources)
    problems += check_governments.cross(sources, today or date.today(), check_governments.rule_parameters(sources))
    problems += check_notifications.cross(sources)
    problems += parameters(sources, today or date.today())
    problems += calendar_lapse(sources, today or date.today())
    problems += calendar_days(sources)
    problems += rules(sources)
    return suggest(problems, sources)


def shapes(sources: Sources) -> list[Problem]:
    problems = []
    for folder in sorted(p.name for p in sources.root.iterdir() if p.is_dir()):
        if folder not in SOURCE_KINDS + OTHER_FOLDERS:
            problems.append(Problem(f"rules/{folder}", 1, "unknown_folder", {"name": folder,
                                    "known": ", ".join(SOURCE_KINDS + OTHER_FOLDERS)}))
    for (kind, name), validator in {**REQUIRED, **OPTIONAL}.items():
        source = sources.find(kind, name)
        if source is None and (kind, name) in REQUIRED:
            problems.append(Problem(f"rules/{kind}/{name}", 1, "missing_file", {"name": f"{kind}/{name}"}))
        elif source is not None:
            problems += check_file(source, validator)
    for kind, validator in (("clocks", F.CLOCK_RULES_FILE), ("sanctions", F.SANCTION_RULES_FILE)):
        problems += [p for s in sources.of(kind) if s.path.name != "levels.yaml"
                     for p in check_file(s, validator)]
    problems += F.parameter_files(sources.of("parameters"))
    return (bad_dates(sources) + problems + check_notifications.shapes(sources) + check_governments.shapes(sources)
            + regions_problems(sources.root))


def bad_dates(sources: Sources) -> list[Problem]:
    """Every day that does not exist, in any file (tests too): YAML itself could not read it."""
    return [Problem(s.rel, line, "bad_date", {"text": text, "why": impossible_date(text) or Words(
                "jam atau zona waktunya tidak ada", "its time or time zone does not exist")})
            for s in sources.all() for line, text in s.bad_dates]


def routing(sources: Sources) -> list[Problem]:
    opd_file, table_file = sources.one("routing", "opds.yaml"), sources.one("routing", "categories.yaml")
    problems = _duplicates(opd_file, "opds") + _duplicates(sources.one("routing", "jurisdictions.yaml"),
                                                           "jurisdictions")
    opds = {o["code"]: o for o in opd_file.data["opds"]}
    unit_ctx, province = Ctx(opd_file.rel), sources.one("routing", "jurisdictions.yaml").data["province"]
    for opd in opd_file.data["opds"]:
        check_governments.check_units(unit_ctx, sources, opd, {"region": str(province["region"]),
                                                               "name": name_id(province["name"])})
    problems += unit_ctx.problems
    ctx, rows, seen = Ctx(table_file.rel), table_file.data["categories"], dict[str, int]()
    for i, row in enumerate(rows):
        line = line_of(rows, i)
        if row["code"] in seen:
            ctx.add(line, "routing_overlap", code=row["code"], first=seen[row["code"]])
        seen.setdefault(row["code"], line)
        if not SLUG.match(row["code"]):
            ctx.add(line_of(row, "code"), "bad_value", key="code", got=row["code"], allowed="a-z, 0-9, -")
        if row["opd"] not in opds:
            ctx.add(line_of(row, "opd"), "unknown_opd", opd=row["opd"], suggestion=did_you_mean(row["opd"], opds))
        elif row["sector"] not in opds[row["opd"]]["sectors"]:
            ctx.add(line_of(row, "opd"), "opd_sector", opd=row["opd"], sector=row["sector"])
    for sector in SECTORS:
        if not any(r["sector"] == sector for r in rows):
            ctx.add(line_of(table_file.data, "categories"), "routing_gap", sector=sector)
    if table_file.data["default"] not in seen:
        ctx.add(line_of(table_file.data, "default"), "default_missing", code=table_file.data["default"],
                suggestion=did_you_mean(table_file.data["default"], seen))
    return problems + ctx.problems


def _duplicates(source, key: str) -> list[Problem]:
    ctx, seen, items = Ctx(source.rel), dict[str, int](), source.data[key]
    for i, item in enumerate(items):
        if item["code"] in seen:
            ctx.add(line_of(items, i), "duplicate_code", code=item["code"], first=seen[item["code"]])
        seen.setdefault(item["code"], line_of(items, i))
    return ctx.problems


def parameters(sources: Sources, today: date) -> list[Problem]:
    found: dict = {}
    for source in sources.of("parameters"):
        F.check_parameter_tree(Ctx(source.rel), source.data, source.path.stem, found)
    problems = [Problem("rules/parameters", 1, "missing_param", {"name": n})
                for n in F.KNOWN_PARAMETERS if n not in found]
    compiled = compile_parameters(sources)
    for name, (file, line) in found.items():
        if name not in F.KNOWN_PARAMETERS:       # no code reads it, and a number in it has no range
            numeric = any(isinstance(v["value"], (int, float)) and not isinstance(v["value"], bool)
                          for v in compiled[name]["values"])
            problems.append(Problem(file, line, "param_no_range" if numeric else "param_unknown",
                                    {"name": name, "suggestion": did_you_mean(name, F.KNOWN_PARAMETERS)}))
    horizon = today + timedelta(days=LAPSE_DAYS)
    for name, p in compiled.items():
        values = [(date.fromisoformat(v["from"]), v["value"]) for v in p["values"]]
        for i, (since, value) in enumerate(values):
            end = values[i + 1][0] if i + 1 < len(values) else None
            gap = value is None and since <= horizon and (end is None or end > today)
            if gap or (i == 0 and since > today):
                problems.append(Problem(found[name][0], found[name][1], "lapses", {
                    "what": f"parameter {name}", "end": (since if gap else today).isoformat(),
                    "today": today.isoformat()}))
                break
    return problems


def calendar_lapse(sources: Sources, today: date) -> list[Problem]:
    source = sources.one("calendar", "calendar.yaml")
    years = source.data["years"]
    end = date(years["until"], 12, 31)
    if end < today + timedelta(days=LAPSE_DAYS) or years["from"] > today.year:
        return [Problem(source.rel, line_of(years, "until"), "lapses",
                        {"what": "calendar", "end": end.isoformat(), "today": today.isoformat()})]
    return []


def _calendar_files(sources: Sources) -> list:
    """calendar.yaml, then the province's and each government's regional.yaml (None when absent)."""
    return [sources.find("calendar", "calendar.yaml"), sources.find("calendar", "regional.yaml")] + [
        f for code in sources.government_codes() for f in sources.of_government(code, "calendar")
        if f.path.name == "regional.yaml"]


def calendar_days(sources: Sources) -> list[Problem]:
    """Office hours for every working day; the province's and each government's regional days."""
    calendar, *files = _calendar_files(sources)
    ctx = Ctx(calendar.rel)
    F.calendar_hours(ctx, calendar.data)
    problems = ctx.problems
    for source in files:
        if source is not None and isinstance(source.data, dict):
            ctx = Ctx(source.rel)
            F.regional_days(ctx, calendar.data, source.data)
            problems += ctx.problems
    return problems


# Problems of the checks in other modules that name something unknown: the parameter holding the
# word, and where the known names are (their `known` parameter, else the sources).
SUGGESTED = {"unknown_opd": "opd", "government_unknown_opd": "opd", "unknown_category": "code",
             "unknown_government": "code", "government_unknown": "code", "unknown_unit": "unit",
             "param_override_unknown": "name", "template_unknown_type": "type"}


def suggest(problems: list[Problem], sources: Sources) -> list[Problem]:
    """Each problem that names something unknown, with the closest known name ("did you mean")."""
    result = []
    for problem in problems:
        word = problem.params.get(SUGGESTED.get(problem.code, ""))
        if word is not None and "suggestion" not in problem.params:
            close = did_you_mean(word, _known(problem, sources))
            problem = Problem(problem.file, problem.line, problem.code, {**problem.params, "suggestion": close})
        result.append(problem)
    return result


def _known(problem: Problem, sources: Sources) -> list[str]:
    params = problem.params
    if isinstance(params.get("known"), str):
        return params["known"].split(", ")
    if problem.code == "unknown_opd":
        return [o["code"] for o in sources.one("routing", "opds.yaml").data["opds"]]
    if problem.code == "government_unknown_opd":
        opds = sources.government_file(str(params.get("government")), "opds.yaml")
        return [o["code"] for o in opds.data["opds"]] if opds is not None else []
    if problem.code == "unknown_category":
        return [c["code"] for c in sources.one("routing", "categories.yaml").data["categories"]]
    if problem.code == "param_override_unknown":
        return list(F.KNOWN_PARAMETERS)
    return []


def full_check(rules_dir, today: date | None = None) -> list[Problem]:
    """Static checks, then every rule must fire in some case under rules/tests/."""
    sources = load_sources(rules_dir)
    problems = static_errors(sources, today)
    if problems:
        return problems
    fired, case_problems = fired_rules(sources)
    return case_problems + unfired(sources, fired)
