"""`lampungin rules check`: everything under rules/ that can be wrong, as `file:line: message`.

Static checks (shape, unknown keys, types, undated/unreferenced values, routing overlaps and gaps,
lapsing parameters and calendar, rules that do not compile, notification templates: fields,
placeholders, missing and duplicate types) run before every build; `rules check`
adds the dynamic one: every when/then rule must fire in at least one case under rules/tests/.
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
from .messages import Problem
from .region_lookup import regions_problems
from .schema import Ctx, check_file
from .source import OTHER_FOLDERS, SOURCE_KINDS, Sources, line_of, load_sources

LAPSE_DAYS = 90
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
REQUIRED = {("routing", "opds.yaml"): F.OPD_FILE, ("routing", "jurisdictions.yaml"): F.JURISDICTION_FILE,
            ("routing", "categories.yaml"): F.CATEGORY_FILE, ("calendar", "calendar.yaml"): F.CALENDAR_FILE,
            ("sanctions", "levels.yaml"): F.LEVELS_FILE}
OPTIONAL = {("calendar", "regional.yaml"): F.REGIONAL_FILE}


def static_errors(sources: Sources, today: date | None = None) -> list[Problem]:
    problems = shapes(sources)
    if problems:
        return problems                     # the cross-file checks need well-formed files
    problems += routing(sources)
    problems += check_governments.cross(sources, today or date.today(), check_governments.rule_parameters(sources))
    problems += check_notifications.cross(sources)
    problems += parameters(sources, today or date.today())
    problems += calendar_lapse(sources, today or date.today())
    problems += rules(sources)
    return problems


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
    for source in sources.of("parameters"):
        ctx = Ctx(source.rel)
        if source.error:
            ctx.add(source.error[0], "yaml", detail=source.error[1])
        else:
            F.check_parameter_tree(ctx, source.data, source.path.stem, {})
        problems += ctx.problems
    return (problems + check_notifications.shapes(sources) + check_governments.shapes(sources)
            + regions_problems(sources.root))


def routing(sources: Sources) -> list[Problem]:
    opd_file, table_file = sources.one("routing", "opds.yaml"), sources.one("routing", "categories.yaml")
    problems = _duplicates(opd_file, "opds") + _duplicates(sources.one("routing", "jurisdictions.yaml"),
                                                           "jurisdictions")
    opds = {o["code"]: o for o in opd_file.data["opds"]}
    unit_ctx, province = Ctx(opd_file.rel), sources.one("routing", "jurisdictions.yaml").data["province"]
    for opd in opd_file.data["opds"]:
        check_governments.check_units(unit_ctx, sources, opd, {"region": str(province["region"]),
                                                               "name": province["name"]})
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
            ctx.add(line_of(row, "opd"), "unknown_opd", opd=row["opd"])
        elif row["sector"] not in opds[row["opd"]]["sectors"]:
            ctx.add(line_of(row, "opd"), "opd_sector", opd=row["opd"], sector=row["sector"])
    for sector in SECTORS:
        if not any(r["sector"] == sector for r in rows):
            ctx.add(line_of(table_file.data, "categories"), "routing_gap", sector=sector)
    if table_file.data["default"] not in seen:
        ctx.add(line_of(table_file.data, "default"), "default_missing", code=table_file.data["default"])
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
    horizon = today + timedelta(days=LAPSE_DAYS)
    for name, p in compile_parameters(sources).items():
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


def full_check(rules_dir, today: date | None = None) -> list[Problem]:
    """Static checks, then every rule must fire in some case under rules/tests/."""
    sources = load_sources(rules_dir)
    problems = static_errors(sources, today)
    if problems:
        return problems
    fired, case_problems = fired_rules(sources)
    return case_problems + unfired(sources, fired)
