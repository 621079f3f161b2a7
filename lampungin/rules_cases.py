"""`lampungin rules test`: the example cases under rules/tests/, written as complaint timelines.

A case says, in the policy vocabulary, what happened ("Jumat 2026-01-09 16:00 diajukan") and what
the rules must decide (routing, deadlines, sanctions, warnings); see rules/README.md. The same
cases are collected by pytest (tests/rules/test_rules_cases.py), so `make test` runs them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone
from functools import lru_cache
from pathlib import Path

from .rules_messages import Problem
from .rules_source import RULES_DIR, Sources, line_of, load_sources
from .rules_timeline import play

WIB = timezone(timedelta(hours=7))
DAYS = {"senin": 0, "selasa": 1, "rabu": 2, "kamis": 3, "jumat": 4, "sabtu": 5, "minggu": 6,
        "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
EVENT_WORDS = {"diajukan": "submitted", "diklaim": "claimed", "ditindaklanjuti": "followed_up",
               "disetujui": "approved", "dikembalikan": "returned", "dipindahkan": "transferred",
               "diteruskan": "forwarded", "ditolak": "rejected", "minta-info": "info_requested",
               "dijawab-warga": "citizen_replied", "dinilai": "rated", "dibuka-kembali": "reopened"}
WHEN = re.compile(r"^(?:(?P<day>[A-Za-z]+),?\s+)?(?P<date>\d{4}-\d{2}-\d{2})[ T](?P<hm>\d{1,2}:\d{2})(?::\d{2})?"
                  r"(?:\s+(?P<rest>.+))?$")


class CaseError(ValueError):
    pass


def parse_when(text) -> tuple[datetime, str | None]:
    """'Jumat 2026-01-09 16:00 diajukan' -> (aware datetime in WIB, 'submitted')."""
    if isinstance(text, datetime):
        return (text if text.tzinfo else text.replace(tzinfo=WIB)), None
    match = WHEN.match(str(text).strip())
    if not match:
        raise CaseError(f"cannot read time {text!r} (write e.g. 'Jumat 2026-01-09 16:00')")
    hours, minutes = (int(x) for x in match["hm"].split(":"))
    at = datetime.combine(datetime.fromisoformat(match["date"]).date(), time(hours, minutes), WIB)
    day = (match["day"] or "").lower()
    if day and (day not in DAYS or DAYS[day] != at.weekday()):
        raise CaseError(f"{match['date']} is not a {match['day']} (it is weekday {at.strftime('%A')})")
    rest = match["rest"]
    return at, (EVENT_WORDS.get(rest.strip().lower(), rest.strip()) if rest else None)


@dataclass
class Case:
    name: str
    file: str
    line: int
    data: dict

    @property
    def id(self) -> str:
        return f"{Path(self.file).stem}:{self.line}"


@dataclass
class Result:
    case: Case
    failures: list = field(default_factory=list)
    fired: set = field(default_factory=set)
    outcome: object = None

    @property
    def ok(self) -> bool:
        return not self.failures


def collect(sources: Sources) -> list[Case]:
    cases = []
    for source in sources.of("tests"):
        items = (source.data or {}).get("cases") or [] if isinstance(source.data, dict) else []
        for i, item in enumerate(items):
            name = item.get("name", f"#{i + 1}") if isinstance(item, dict) else f"#{i + 1}"
            cases.append(Case(str(name), source.rel, line_of(items, i), item))
    return cases


@lru_cache(maxsize=4)
def _bundle_for(root: str, version: str):
    from chalicelib.rules.bundle import RulesBundle
    from .rules_compile import compile_bundle
    return RulesBundle(compile_bundle(load_sources(Path(root))))


def compiled_bundle(rules_dir: Path = RULES_DIR):
    """The bundle compiled in memory from the files as they are now (never a stale build)."""
    from chalicelib.rules.sourcehash import source_hash
    return _bundle_for(str(rules_dir), source_hash(rules_dir))


def run_case(bundle, case: Case) -> Result:
    from .rules_expect import compare
    result = Result(case)
    try:
        data = case.data
        timeline = [parse_when(entry) for entry in data["timeline"]]
        if any(event is None for _, event in timeline):
            raise CaseError("every timeline line needs an event after its time")
        given = data.get("given") or {}
        if data.get("parameters"):
            bundle = with_parameters(bundle, data["parameters"])
        outcome = play(bundle, data["category"], timeline,
                       operator_misses=int(given.get("operator_misses", 0)),
                       opd_misses=int(given.get("opd_misses", 0)))
    except Exception as exc:                 # a broken case is a failure, not a crash
        result.failures.append(Problem(case.file, case.line, "case_error",
                                       {"case": case.name, "detail": f"{type(exc).__name__}: {exc}"}))
        return result
    result.outcome, result.fired = outcome, outcome.fired
    for line, detail in compare(data.get("expect") or {}, outcome, parse_when):
        result.failures.append(Problem(case.file, line or case.line, "case_failed",
                                       {"case": case.name, "detail": detail}))
    return result


OVERRIDABLE = re.compile(r"^clocks\.(followup|approval)\.(hours|mode)$")


def with_parameters(bundle, overrides: dict):
    """The bundle as if these parameters had always had these values ("what if 3 working days?").
    Only clock lengths and modes: they are not compiled into the rulesets."""
    import copy
    from chalicelib.rules.bundle import RulesBundle
    data = copy.deepcopy(bundle.data)
    for name, value in overrides.items():
        if not OVERRIDABLE.match(name):
            raise CaseError(f"a case may only set clocks.<clock>.hours or .mode, not {name!r}")
        first = data["parameters"][name]["values"][0]["from"]
        data["parameters"][name]["values"] = [{"from": first, "value": value, "reference": "case"}]
    return RulesBundle(data)


def run_sources(sources: Sources, select: str | None = None) -> list[Result]:
    bundle = compiled_bundle(sources.root)
    return [run_case(bundle, c) for c in collect(sources) if not select or select.lower() in c.name.lower()]


def fired_rules(sources: Sources) -> tuple[set[str], list[Problem]]:
    """Rule ids that fired in some case, and the YAML problems of the test files themselves."""
    problems = [Problem(s.rel, s.error[0], "yaml", {"detail": s.error[1]}) for s in sources.of("tests") if s.error]
    fired: set[str] = set()
    for result in run_sources(sources):
        fired |= result.fired
    return fired, problems


def run_all(rules_dir: Path, select: str | None = None, verbose: bool = False, lang: str = "id") -> int:
    sources = load_sources(rules_dir)
    from .rules_check import static_errors
    problems = static_errors(sources)
    if problems:
        for p in problems:
            print(p.render(lang))
        return 1
    results = run_sources(sources, select)
    for r in results:
        if verbose or not r.ok:
            mark = ("LULUS" if lang == "id" else "PASS") if r.ok else ("GAGAL" if lang == "id" else "FAIL")
            print(f"{mark} {r.case.file}:{r.case.line} {r.case.name}")
        for failure in r.failures:
            print(failure.render(lang))
    failed = sum(not r.ok for r in results)
    summary = (f"{len(results)} contoh, {failed} gagal" if lang == "id" else f"{len(results)} cases, {failed} failed")
    print(summary)
    return 1 if failed or not results else 0
