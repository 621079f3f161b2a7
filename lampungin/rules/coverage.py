"""`lampungin rules test --coverage`: what the cases exercise, and what no case ever tried.

Why: a rule, a routing row or a dated parameter value that no case exercises is a guess (OPA's
`opa test --coverage` is the model). The items are every clock rule and sanction rule
(rules/clocks, rules/sanctions), every routing row (the province's categories and their
`by_region` entries, each onboarded government's rows and its default) and every dated parameter
value (`name@from`, the province's and each government's `<CODE>/name@from`), each with its
`file:line`. Nothing is guessed from names: what a case exercised is read off its simulation
outcome (simulate.Outcome) -- the rules that matched, the routing decision, the parameters in force
when each clock started (domain ClockPolicy.references) and when each sweep step was decided.

Parameters that timeline cases never read (evidence.*, similar.*: the follow-up checks of the API)
and `value: null` entries (a parameter's end) are listed but not counted in the percentage.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime

from chalicelib.domain.governments import PROVINCE, government_of
from chalicelib.domain.times import local_date
from chalicelib.rules.clock_time import POLICY_PARAMETERS
from chalicelib.rules.routing import most_specific

from .cases import Result, parse_entry
from .compile_governments import rule_id as government_rule_id
from .dated import parameter_leaves
from .messages import Problem
from .simulate import HANDED_OVER, SWEEP_LAG
from .source import Sources, line_of

KINDS = ("clock_rule", "sanction_rule", "routing", "parameter")
KIND_WORDS = {"clock_rule": ("aturan clock", "clock rule"), "sanction_rule": ("aturan sanksi", "sanction rule"),
              "routing": ("baris routing", "routing row"), "parameter": ("nilai parameter", "parameter value")}
WINDOW = "sanctions.window_days"      # read by the sweep for every miss (services/sweep.earlier_misses)
WORDS = {"id": {"title": "Cakupan contoh ({n} contoh)", "of": "dari", "by": "dijalankan oleh",
                "uncovered": "Belum dijalankan contoh mana pun:",
                "uncounted": "Tidak dibaca contoh linimasa (tidak dihitung):", "total": "Cakupan",
                "more": "lagi", "none": "semuanya sudah dijalankan"},
         "en": {"title": "Case coverage ({n} cases)", "of": "of", "by": "exercised by",
                "uncovered": "Exercised by no case:", "uncounted": "Not read by timeline cases (not counted):",
                "total": "Coverage", "more": "more", "none": "every item is exercised"}}
SHOWN_CASES = 5


@dataclass
class Item:
    kind: str
    id: str
    file: str
    line: int
    counted: bool = True
    cases: list[str] = field(default_factory=list)

    @property
    def covered(self) -> bool:
        return bool(self.cases)


@dataclass
class Coverage:
    items: list[Item]
    cases: int

    def counted(self, kind: str | None = None) -> list[Item]:
        return [i for i in self.items if i.counted and (kind is None or i.kind == kind)]

    def figures(self, kind: str | None = None) -> tuple[int, int, float]:
        """(covered, total, percent) of the counted items (of one kind)."""
        items = self.counted(kind)
        covered = sum(i.covered for i in items)
        return covered, len(items), (100.0 * covered / len(items) if items else 100.0)

    @property
    def percent(self) -> float:
        return self.figures()[2]

    def uncovered(self) -> list[Problem]:
        return [Problem(i.file, i.line, "coverage_uncovered", {"kind_id": KIND_WORDS[i.kind][0],
                                                               "kind_en": KIND_WORDS[i.kind][1], "item": i.id})
                for i in self.items if i.counted and not i.covered]

    def as_dict(self) -> dict:
        covered, total, percent = self.figures()
        return {"percent": round(percent, 2), "covered": covered, "total": total, "cases": self.cases,
                "by_kind": {k: dict(zip(("covered", "total", "percent"), self._rounded(k), strict=True))
                            for k in KINDS},
                "items": [{"kind": i.kind, "id": i.id, "file": i.file, "line": i.line, "counted": i.counted,
                           "cases": i.cases} for i in self.items]}

    def _rounded(self, kind: str) -> tuple[int, int, float]:
        covered, total, percent = self.figures(kind)
        return covered, total, round(percent, 2)


def shown(percent: float, lang: str = "en") -> str:
    """One decimal, rounded down: 79.96 % is not shown as 80.0 % when the minimum is 80; with the
    decimal mark of `lang` (Indonesian 38,0, English 38.0)."""
    text = f"{math.floor(percent * 10) / 10:.1f}"
    return text.replace(".", ",") if lang == "id" else text


# --- the items -----------------------------------------------------------------------------------

def items_of(sources: Sources, bundle) -> list[Item]:
    return _rules(sources) + _routing(sources, bundle) + _parameters(sources, bundle)


def _rules(sources: Sources) -> list[Item]:
    items = []
    for kind, folder in (("clock_rule", "clocks"), ("sanction_rule", "sanctions")):
        for source in sources.of(folder):
            rules = source.data.get("rules") if isinstance(source.data, dict) else None
            for i, rule in enumerate(rules or []):
                items.append(Item(kind, str(rule["id"]), source.rel, line_of(rules, i)))
    return items


def _routing(sources: Sources, bundle) -> list[Item]:
    items = []
    table = sources.one("routing", "categories.yaml")
    compiled = {c["code"]: c for c in bundle.data["routing"]["categories"]}
    rows = table.data["categories"]
    for i, row in enumerate(rows):
        items.append(Item("routing", compiled[row["code"]]["rule_id"], table.rel, line_of(rows, i)))
        entries = row.get("by_region") or []
        for j, entry in enumerate(compiled[row["code"]]["by_region"]):
            items.append(Item("routing", entry["rule_id"], table.rel, line_of(entries, j)))
    for code, government in bundle.data["governments"].items():
        source = sources.government_one(code, "categories.yaml")
        own = source.data["categories"]
        items.append(Item("routing", government["routing"]["default_rule_id"], source.rel,
                          line_of(source.data, "default")))
        for i, row in enumerate(own):
            items.append(Item("routing", government_rule_id(code, row["category"], row.get("region")),
                              source.rel, line_of(own, i)))
    return items


def _parameters(sources: Sources, bundle) -> list[Item]:
    read = engine_parameters(bundle)
    owners = [("", sources.of("parameters"))] + [(f"{code}/", sources.of_government(code, "parameters"))
                                                 for code in bundle.data["governments"]]
    items = []
    for prefix, files in owners:
        for source in files:
            for name, leaf in parameter_leaves(source.data, source.path.stem):
                values = leaf["values"]
                for since, entry in values.items():
                    ends = isinstance(entry, dict) and entry.get("value") is None
                    items.append(Item("parameter", f"{prefix}{name}@{_iso(since)}", source.rel,
                                      line_of(values, since), counted=name in read and not ends))
    return items


def engine_parameters(bundle) -> set[str]:
    """The parameters a case's engine reads: every clock's policy, the sweep's window, and every
    `{param: ...}` of a when/then rule."""
    clocks = {n.split(".")[1] for n in bundle.parameters.names() if n.startswith("clocks.") and n.count(".") == 2}
    names = {f"clocks.{c}.{p}" for c in clocks for p in POLICY_PARAMETERS} | {WINDOW}
    for rule in bundle.data["sanction_rules"] + bundle.data["clock_rules"]:
        names.update(rule.get("params") or [])
    return names


def _iso(value) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


# --- what one case exercised ---------------------------------------------------------------------

def exercised(bundle, result: Result) -> set[tuple[str, str]]:
    """(kind, id) of every item the case's outcome shows it used; nothing for a case that did not play."""
    outcome, data = result.outcome, result.case.data
    if outcome is None:
        return set()
    rules = {("clock_rule", r) for r in outcome.fired} | {("sanction_rule", r) for r in outcome.fired}
    return rules | {("routing", r) for r in _routes(bundle, data, outcome)} | {
        ("parameter", p) for p in _values(bundle, data, outcome)}


def _routes(bundle, data: dict, outcome) -> set[str]:
    """The filing's rule (and the province's by_region entry it went through), and every hand-over's."""
    category, region = data["category"], data.get("region")
    found = {outcome.routing.rule_id}
    if (data.get("government") or PROVINCE) == PROVINCE and region is not None:
        row = next(c for c in bundle.data["routing"]["categories"] if c["code"] == category)
        entry = most_specific(row.get("by_region") or [], str(region))
        if entry is not None:
            found.add(entry["rule_id"])
    governments = bundle.governments
    for text in data["timeline"]:
        _, event, target = parse_entry(text)
        lands = target in governments and governments[target].onboarded
        if event == HANDED_OVER or (event == "forwarded" and lands):
            within = None if target == PROVINCE else (str(region) if region is not None else None)
            found.add(bundle.route(category, government=target, region=within).rule_id)
    return found


def _values(bundle, data: dict, outcome) -> set[str]:
    """`[CODE/]name@from` of each dated value a clock started with or a sweep step was decided by
    (a case's own `parameters:` replace the file's values, so those are not the file's)."""
    overridden = set(data.get("parameters") or {})
    found: set[str] = set()
    for clock in outcome.clocks:
        government = clock.policy.calendar
        for name in clock.policy.references:
            if name not in overridden:
                found.add(_value_id(bundle, name, clock.started_at, government))
    rules = {r["id"]: r for r in bundle.data["sanction_rules"]}
    for step in outcome.steps:
        if step.kind not in ("missed", "warning") or not step.detail:
            continue
        sanction = step.detail[0]
        moment = sanction.due_at if step.kind == "missed" else step.at + SWEEP_LAG
        for rule_id in step.fired:
            for name in rules.get(rule_id, {}).get("params") or []:
                found.add(_value_id(bundle, name, moment, PROVINCE))      # when/then values hold for all
        if step.kind == "missed":
            found.add(_value_id(bundle, WINDOW, sanction.due_at, government_of(sanction.opd)))
    return found


def _value_id(bundle, name: str, at: datetime, government: str) -> str:
    since = bundle.parameters_of(government).at(name, local_date(at)).since
    own = government != PROVINCE and name in bundle.data["governments"][government]["parameters"]
    return f"{government}/{name}@{since.isoformat()}" if own else f"{name}@{since.isoformat()}"


def measure(sources: Sources, bundle, results: list[Result]) -> Coverage:
    items = items_of(sources, bundle)
    index = {(i.kind, i.id): i for i in items}
    for result in results:
        for key in sorted(exercised(bundle, result)):
            if key in index:
                index[key].cases.append(result.case.id)
    return Coverage(items, len(results))


# --- the report ----------------------------------------------------------------------------------

def render(coverage: Coverage, lang: str) -> list[str]:
    """Every item with the cases that exercise it, the uncovered ones as `file:line: message`."""
    w, i = WORDS[lang], 0 if lang == "id" else 1
    lines = [w["title"].format(n=coverage.cases)]
    for kind in KINDS:
        covered, total, percent = coverage.figures(kind)
        lines.append(f"{KIND_WORDS[kind][i]}: {covered} {w['of']} {total} ({shown(percent, lang)}%)")
        for item in coverage.counted(kind):
            if item.covered:
                more = len(item.cases) - SHOWN_CASES
                cases = ", ".join(item.cases[:SHOWN_CASES]) + (f", +{more} {w['more']}" if more > 0 else "")
                lines.append(f"  {item.file}:{item.line}  {item.id}  {w['by']} {cases}")
    uncounted = [item for item in coverage.items if not item.counted]
    if uncounted:
        lines.append(w["uncounted"])
        lines += [f"  {item.file}:{item.line}  {item.id}" for item in uncounted]
    lines.append(w["uncovered"])
    lines += [p.render(lang) for p in coverage.uncovered()] or [f"  {w['none']}"]
    covered, total, percent = coverage.figures()
    lines.append(f"{w['total']}: {covered} {w['of']} {total} ({shown(percent, lang)}%)")
    return lines
