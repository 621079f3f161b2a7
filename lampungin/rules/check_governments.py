"""`rules check` for governments as tenants: each folder rules/governments/<CODE>/ (an onboarded
kabupaten/kota) and the province's `by_region` rows that lead into them.

Why so strict: a government's table may only send complaints to its OWN OPDs (a row naming the
province's BMBK in Bandar Lampung's table would hand the city's roads to the province), to units
that exist, in regions that exist and lie inside that government; its parameter overrides may only
change what the province already defines, with values of the right type. Everything is reported as
`file:line: message` in the policy officer's words (messages.py), like the province's checks.
"""
from __future__ import annotations

from datetime import date, timedelta

from chalicelib.domain.governments import PROVINCE, SEPARATOR
from chalicelib.rules.routing import contains

from . import check_files as F
from .dated import compile_parameter_files
from .durable import params_used
from .messages import Problem
from .region_lookup import region_known
from .schema import Ctx, check_file, display_name, list_of, name_en, name_id, one_of, record, text
from .source import Sources, display_path, line_of

LAPSE_DAYS = 90
PARTS = ("government.yaml", "opds.yaml", "categories.yaml", "calendar", "parameters")
UNIT = F.UNIT
GOVERNMENT_FILE = record({"code": text, "name": display_name, "kind": one_of("kabupaten", "kota"),
                          "region": F.region_code, "inspectorate": text})
OPDS_FILE = record({"opds": list_of(record({"code": text, "name": display_name, "sectors": list_of(one_of(*F.SECTORS))},
                                           {"units": list_of(UNIT)}, where="opd"))})
ROW = record({"category": text, "opd": text}, {"unit": text, "region": F.region_code, "reference": text},
             where="category")
CATEGORIES_FILE = record({"hit_policy": one_of("unique"), "default": text, "categories": list_of(ROW)})
FILES = {"government.yaml": GOVERNMENT_FILE, "opds.yaml": OPDS_FILE, "categories.yaml": CATEGORIES_FILE}


def folder_rel(sources: Sources, code: str) -> str:
    return display_path(sources.root / "governments" / code)


# --- shapes ---------------------------------------------------------------------------------------
def shapes(sources: Sources) -> list[Problem]:
    """Each government folder has its three files, in shape; calendar/ and parameters/ likewise."""
    problems: list[Problem] = []
    for code in sources.government_codes():
        for name, validator in FILES.items():
            source = sources.government_file(code, name)
            if source is None:
                problems.append(Problem(folder_rel(sources, code), 1, "missing_file",
                                        {"name": f"governments/{code}/{name}"}))
            else:
                problems += check_file(source, validator)
        for source in sources.of_government(code, "calendar"):
            if source.path.name == "regional.yaml" and source.path.parent.name == "calendar":
                problems += check_file(source, F.REGIONAL_FILE)
            else:
                problems.append(Problem(source.rel, 1, "government_unknown_file", {"name": source.rel}))
        problems += F.parameter_files(sources.of_government(code, "parameters"))
        for source in sources.of("governments"):
            part = source.path.relative_to(sources.root).parts
            if part[1] == code and part[2] not in PARTS:
                problems.append(Problem(source.rel, 1, "government_unknown_file", {"name": source.rel}))
    return problems


# --- across files ---------------------------------------------------------------------------------
def cross(sources: Sources, today: date, rule_params: dict[str, list[str]]) -> list[Problem]:
    """Everything that needs more than one file: run after `shapes` found nothing."""
    places = {j["code"]: j for j in sources.one("routing", "jurisdictions.yaml").data["jurisdictions"]}
    catalog = {c["code"]: c for c in sources.one("routing", "categories.yaml").data["categories"]}
    province_opds = {o["code"] for o in sources.one("routing", "opds.yaml").data["opds"]}
    owners = {code: {o["code"] for o in sources.government_one(code, "opds.yaml").data["opds"]}
              for code in sources.government_codes() if code in places}
    problems: list[Problem] = []
    for code in sources.government_codes():
        if code not in places:
            problems.append(Problem(folder_rel(sources, code), 1, "government_unknown",
                                    {"code": code, "known": ", ".join(places)}))
            continue
        place = places[code]
        problems += _government(sources, code, place)
        problems += _opds(sources, code, place)
        problems += _table(sources, code, place, catalog, province_opds, owners)
        problems += _parameters(sources, code, today, rule_params)
    problems += _province(sources, places, province_opds)
    return problems


def _government(sources: Sources, code: str, place: dict) -> list[Problem]:
    source = sources.government_one(code, "government.yaml")
    ctx, info = Ctx(source.rel), source.data
    for key, want in (("code", code), ("name", place["name"]), ("kind", place["kind"]), ("region", place["region"])):
        if key == "name" and (name_id(info[key]), name_en(info[key])) == (name_id(want), name_en(want)):
            continue                        # the same name, written as a text or as {id, en}
        if info[key] != want:
            ctx.add(line_of(info, key), "government_mismatch", key=key, got=info[key], want=want)
    opds = {o["code"] for o in sources.government_one(code, "opds.yaml").data["opds"]}
    if info["inspectorate"] not in opds:
        ctx.add(line_of(info, "inspectorate"), "government_inspectorate", opd=info["inspectorate"], government=code)
    return ctx.problems


def _opds(sources: Sources, code: str, place: dict) -> list[Problem]:
    source = sources.government_one(code, "opds.yaml")
    ctx, items, seen = Ctx(source.rel), source.data["opds"], dict[str, int]()
    for i, opd in enumerate(items):
        line = line_of(items, i)
        if opd["code"] in seen:
            ctx.add(line, "duplicate_code", code=opd["code"], first=seen[opd["code"]])
        elif SEPARATOR in opd["code"]:
            ctx.add(line_of(opd, "code"), "bad_value", key="code", got=opd["code"], allowed="A-Z, 0-9, - (tanpa titik)")
        seen.setdefault(opd["code"], line)
        check_units(ctx, sources, opd, place)
    return ctx.problems


def check_units(ctx: Ctx, sources: Sources, opd: dict, place: dict) -> None:
    """An OPD's units (disposisi; the province's too): codes unique within the OPD, each region a
    real Kemendagri code inside the government's area."""
    units = opd.get("units") or []
    unit_seen: dict[str, int] = {}
    for j, unit in enumerate(units):
        if unit["code"] in unit_seen:
            ctx.add(line_of(units, j), "duplicate_code", code=unit["code"], first=unit_seen[unit["code"]])
        unit_seen.setdefault(unit["code"], line_of(units, j))
        if unit.get("region") is not None:
            _region(ctx, sources, line_of(unit, "region"), unit["region"], place)


def _region(ctx: Ctx, sources: Sources, line: int, region: str, place: dict) -> bool:
    """The code exists (Kemendagri data, when rules/regions/ has it) and lies in the government."""
    if not region_known(sources.root, region):
        ctx.add(line, "unknown_region", region=region)
        return False
    if not contains(place["region"], region):
        ctx.add(line, "region_outside", region=region, name=name_id(place["name"]), outer=place["region"])
        return False
    return True


def _table(sources: Sources, code: str, place: dict, catalog: dict, province_opds: set[str],
           owners: dict[str, set[str]]) -> list[Problem]:
    source, opd_file = sources.government_one(code, "categories.yaml"), sources.government_one(code, "opds.yaml")
    opds = {o["code"]: o for o in opd_file.data["opds"]}
    ctx, table = Ctx(source.rel), source.data
    _opd_ref(ctx, line_of(table, "default"), table["default"], code, opds, province_opds, owners)
    seen: dict[str, list[tuple[str | None, int]]] = {}
    for i, row in enumerate(table["categories"]):
        line = line_of(table["categories"], i)
        category = catalog.get(row["category"])
        if category is None:
            ctx.add(line_of(row, "category"), "unknown_category", code=row["category"])
        opd = _opd_ref(ctx, line_of(row, "opd"), row["opd"], code, opds, province_opds, owners)
        if opd is not None and category is not None and category["sector"] not in opd["sectors"]:
            ctx.add(line_of(row, "opd"), "opd_sector", opd=row["opd"], sector=category["sector"])
        if opd is not None and row.get("unit") is not None:
            known = [u["code"] for u in opd.get("units") or []]
            if row["unit"] not in known:
                ctx.add(line_of(row, "unit"), "unknown_unit", unit=row["unit"], opd=row["opd"],
                        known=", ".join(known) or "-")
        region = row.get("region")
        if region is not None and not _region(ctx, sources, line_of(row, "region"), region, place):
            continue
        _overlap(ctx, seen.setdefault(row["category"], []), row["category"], region, line)
    return ctx.problems


def _opd_ref(ctx: Ctx, line: int, opd: str, code: str, opds: dict, province_opds: set[str],
             owners: dict[str, set[str]]) -> dict | None:
    """A government's own OPD by its short code; another government's is named as such."""
    if SEPARATOR in opd:
        owner, short = opd.split(SEPARATOR, 1)
        if owner == code and short in opds:
            return opds[short]
        ctx.add(line, "government_foreign_opd", opd=opd, owner=owner, government=code)
        return None
    if opd in opds:
        return opds[opd]
    whose = PROVINCE if opd in province_opds else next((g for g, s in owners.items() if g != code and opd in s), None)
    if whose is not None:
        ctx.add(line, "government_foreign_opd", opd=opd, owner=whose, government=code)
    else:
        ctx.add(line, "government_unknown_opd", opd=opd, government=code)
    return None


def _overlap(ctx: Ctx, rows: list[tuple[str | None, int]], category: str, region: str | None, line: int) -> None:
    """Unique hit policy: one row per (category, region), and no region row nested in another."""
    for other, first in rows:
        same = other == region
        nested = region is not None and other is not None and (contains(other, region) or contains(region, other))
        if same or nested:
            ctx.add(line, "region_overlap", code=category, region=region or "-", other=other or "-", first=first)
            break
    rows.append((region, line))


def _parameters(sources: Sources, code: str, today: date, rule_params: dict[str, list[str]]) -> list[Problem]:
    problems = []
    files = sources.of_government(code, "parameters")
    found: dict = {}
    for source in files:
        F.check_parameter_tree(Ctx(source.rel), source.data, source.path.stem, found)
    horizon = today + timedelta(days=LAPSE_DAYS)
    for name, p in compile_parameter_files(files).items():
        file, line = found[name]
        if name not in F.KNOWN_PARAMETERS:
            problems.append(Problem(file, line, "param_override_unknown", {"name": name}))
            continue
        if name in rule_params:
            problems.append(Problem(file, line, "param_not_overridable",
                                    {"name": name, "rules": ", ".join(rule_params[name])}))
            continue
        first = date.fromisoformat(p["values"][0]["from"])
        last = p["values"][-1]
        if first > today or (last["value"] is None and date.fromisoformat(last["from"]) <= horizon):
            end = first if first > today else date.fromisoformat(last["from"])
            problems.append(Problem(file, line, "lapses", {"what": f"parameter {name} ({code})",
                                                           "end": end.isoformat(), "today": today.isoformat()}))
    return problems


def rule_parameters(sources: Sources) -> dict[str, list[str]]:
    """Parameter -> the when/then rules that compare with it (compiled into the shared rulesets,
    so they hold for every government alike)."""
    used: dict[str, list[str]] = {}
    for kind in ("clocks", "sanctions"):
        for source in sources.of(kind):
            for rule in (source.data or {}).get("rules") or [] if source.path.name != "levels.yaml" else []:
                for name in params_used(rule["when"]):
                    used.setdefault(name, []).append(rule["id"])
    return used


def _province(sources: Sources, places: dict, province_opds: set[str]) -> list[Problem]:
    """The province's by_region rows, its inspectorate, and the jurisdictions' regions."""
    places_file = sources.one("routing", "jurisdictions.yaml")
    ctx = Ctx(places_file.rel)
    province = places_file.data["province"]
    if province["inspectorate"] not in province_opds:
        ctx.add(line_of(province, "inspectorate"), "government_inspectorate", opd=province["inspectorate"],
                government=province["code"])
    for place in places_file.data["jurisdictions"]:
        if not contains(province["region"], place["region"]) or place["region"].count(".") != 1:
            ctx.add(line_of(place, "region"), "region_outside", region=place["region"], name=name_id(province["name"]),
                    outer=province["region"])
        elif not region_known(sources.root, place["region"]):
            ctx.add(line_of(place, "region"), "unknown_region", region=place["region"])
    table = sources.one("routing", "categories.yaml")
    tctx = Ctx(table.rel)
    for row in table.data["categories"]:
        entries = row.get("by_region") or []
        seen: list[tuple[str | None, int]] = []
        for j, entry in enumerate(entries):
            line = line_of(entries, j)
            if "government" in entry and entry["government"] not in places:
                tctx.add(line_of(entry, "government"), "unknown_government", code=entry["government"],
                         known=", ".join(places))
                continue
            if "opd" in entry and entry["opd"] not in province_opds:
                tctx.add(line_of(entry, "opd"), "unknown_opd", opd=entry["opd"])
            outer = places[entry["government"]] if "government" in entry else province
            if not _region(tctx, sources, line_of(entry, "region"), entry["region"], outer):
                continue
            _overlap(tctx, seen, row["code"], entry["region"], line)
    return ctx.problems + tctx.problems
