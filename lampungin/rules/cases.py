"""`lampungin rules test`: the example cases under rules/tests/, written as complaint timelines.

A case says, in the policy vocabulary, what happened ("Jumat 2026-01-09 16:00 diajukan") and what
the rules must decide (routing, deadlines, sanctions, warnings); see rules/README.md. The same
cases are collected by pytest (tests/rules/test_rules_cases.py), so `make test` runs them.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from datetime import datetime, time
from functools import lru_cache
from pathlib import Path

from chalicelib.domain.governments import PROVINCE
from chalicelib.domain.times import WIB, day_name
from chalicelib.rules.bundle import RulesBundle
from chalicelib.rules.sourcehash import source_hash

from .compiler import compile_bundle
from .expect import compare
from .messages import Problem
from .simulate import Outcome, Refused, play
from .source import RULES_DIR, Sources, government_of_case_file, line_of, load_sources

DAYS = {"senin": 0, "selasa": 1, "rabu": 2, "kamis": 3, "jumat": 4, "sabtu": 5, "minggu": 6,
        "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
EVENT_WORDS = {"diajukan": "submitted", "diklaim": "claimed", "ditindaklanjuti": "followed_up",
               "disetujui": "approved", "dikembalikan": "returned", "dipindahkan": "transferred",
               "diteruskan": "forwarded", "diserahkan": "handed_over", "ditolak": "rejected",
               "minta-info": "info_requested",
               "dijawab-warga": "citizen_replied", "dinilai": "rated", "dibuka-kembali": "reopened",
               "ditugaskan": "assigned_to", "dicatat-staf": "staff_note", "didisposisikan": "disposed"}
WHEN = re.compile(r"^(?:(?P<day>[A-Za-z]+),?\s+)?(?P<date>\d{4}-\d{2}-\d{2})[ T](?P<hm>\d{1,2}:\d{2})(?::\d{2})?"
                  r"(?:\s+(?P<rest>.+))?$")


class CaseError(ValueError):
    pass


def parse_when(text) -> tuple[datetime, str | None]:
    """'Jumat 2026-01-09 16:00 diajukan' -> (aware datetime in WIB, 'submitted')."""
    at, event, _ = parse_entry(text)
    return at, event


def parse_entry(text) -> tuple[datetime, str | None, str | None]:
    """'Selasa 2026-04-07 15:00 dipindahkan ke RSUDAM' -> (time in WIB, 'transferred', 'RSUDAM').
    The target (after the event, `ke` optional) names the OPD of a transfer, the kabupaten/kota
    of a forward or the government a complaint is handed over to (`diserahkan ke BANDARLAMPUNG`);
    without it the first other OPD, or the first kabupaten/kota not onboarded, is taken."""
    if isinstance(text, datetime):
        return (text if text.tzinfo else text.replace(tzinfo=WIB)), None, None
    match = WHEN.match(str(text).strip())
    if not match:
        raise CaseError(f"cannot read time {text!r} (write e.g. 'Jumat 2026-01-09 16:00')")
    hours, minutes = (int(x) for x in match["hm"].split(":"))
    try:
        at = datetime.combine(datetime.fromisoformat(match["date"]).date(), time(hours, minutes), WIB)
    except ValueError:
        raise CaseError(f"there is no {match['date']} {match['hm']}") from None
    day = (match["day"] or "").lower()
    if day and (day not in DAYS or DAYS[day] != at.weekday()):
        raise CaseError(f"{match['date']} is not a {match['day']} (it is weekday {at.strftime('%A')})")
    words = (match["rest"] or "").split()
    if not words:
        return at, None, None
    event = EVENT_WORDS.get(words[0].lower(), words[0])
    target = [w for w in words[1:] if w.lower() != "ke"]
    return at, event, (target[0] if target else None)


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
    outcome: Outcome | None = None

    @property
    def ok(self) -> bool:
        return not self.failures


CONTEXT = ("government", "region")     # file-level keys a case inherits unless it sets its own


def collect(sources: Sources) -> list[Case]:
    """Every case; a case in governments/<CODE>/tests/ is filed in that government, and a file's
    own `government:` / `region:` apply to each of its cases that does not say otherwise."""
    cases = []
    for source in sources.of("tests"):
        data = source.data if isinstance(source.data, dict) else {}
        items = data.get("cases") or []
        context = {k: data[k] for k in CONTEXT if data.get(k) is not None}
        implied = government_of_case_file(source.path, sources.root)
        if implied and "government" not in context:
            context["government"] = implied
        for i, item in enumerate(items):
            name = item.get("name", f"#{i + 1}") if isinstance(item, dict) else f"#{i + 1}"
            merged = {**context, **item} if isinstance(item, dict) and context else item
            cases.append(Case(str(name), source.rel, line_of(items, i), merged))
    return cases


@lru_cache(maxsize=4)
def _bundle_for(root: str, version: str):
    return RulesBundle(compile_bundle(load_sources(Path(root))))


def compiled_bundle(rules_dir: Path = RULES_DIR):
    """The bundle compiled in memory from the files as they are now (never a stale build)."""
    return _bundle_for(str(rules_dir), source_hash(rules_dir))


def run_case(bundle, case: Case) -> Result:
    """Play the case through the engine the Lambdas run (simulate.py) and compare."""
    result = Result(case)
    data = case.data
    try:
        entries = [parse_entry(entry) for entry in data["timeline"]]
        timeline = [(at, event, target) for at, event, target in entries if event is not None]
        if len(timeline) < len(entries):
            raise CaseError("every timeline line needs an event after its time")
        given = data.get("given") or {}
        if data.get("parameters"):
            bundle = with_parameters(bundle, data["parameters"])
        for i in range(1, len(timeline)):
            if timeline[i][0] < timeline[i - 1][0]:
                return _refusal(result, data, i, "case_time_back",
                                at=_wib(timeline[i][0]), before=_wib(timeline[i - 1][0]))
        region = data.get("region")
        outcome = play(bundle, data["category"], timeline,
                       operator_misses=int(given.get("operator_misses", 0)),
                       opd_misses=int(given.get("opd_misses", 0)),
                       government=str(data.get("government") or PROVINCE),
                       region=str(region) if region is not None else None)
    except Refused as refused:
        return _refusal(result, data, refused.index, *_refusal_message(refused))
    except Exception as exc:                 # a broken case is a failure, not a crash
        result.failures.append(Problem(case.file, case.line, "case_error",
                                       {"case": case.name, "detail": f"{type(exc).__name__}: {exc}"}))
        return result
    result.outcome, result.fired = outcome, outcome.fired
    for line, detail in compare(data.get("expect") or {}, outcome, parse_when):
        result.failures.append(Problem(case.file, line or case.line, "case_failed",
                                       {"case": case.name, "detail": detail}))
    return result


STATUS_WORDS = {"assigned": ("ditugaskan ke OPD", "assigned to an OPD"),
                "waiting_citizen": ("menunggu jawaban warga", "waiting for the citizen"),
                "followed_up": ("sudah ditindaklanjuti", "followed up"),
                "resolved": ("selesai", "resolved"), "closed": ("ditutup", "closed"),
                "forwarded": ("diteruskan", "forwarded"), "rejected": ("ditolak", "rejected")}


def _refusal_message(refused: Refused) -> tuple:
    code = refused.error.code
    word = next((w for w, e in EVENT_WORDS.items() if e == refused.event), refused.event)
    if code == "unknown_event":
        return "case_unknown_event", {"event": word, "known": ", ".join(EVENT_WORDS)}
    if code == "unknown_government":
        details = refused.error.details
        return "case_unknown_government", {"government": details.get("value", ""), "known": details.get("known", "-")}
    if code in ("unknown_opd", "unknown_jurisdiction", "same_opd"):
        return "case_unknown_target", {"event": word, "target": refused.error.details.get("value", "")}
    if code == "first_event_not_submitted":
        return "case_first_event", {"event": word}
    status_id, status_en = STATUS_WORDS.get(refused.status, (refused.status, refused.status))
    return "case_refused", {"event": word, "status_id": status_id, "status_en": status_en}


def _refusal(result: Result, data: dict, index: int, code: str, params: dict | None = None, **more) -> Result:
    """A case the lifecycle would refuse fails at the timeline line of the refused event."""
    line = line_of(data.get("timeline"), index, result.case.line)
    result.failures.append(Problem(result.case.file, line, code, {"case": result.case.name, **(params or {}), **more}))
    return result


def _wib(at: datetime) -> str:
    return f"{day_name(at.date())} {at.astimezone(WIB):%Y-%m-%d %H:%M}"


OVERRIDABLE = re.compile(r"^clocks\.(followup|approval)\.(hours|mode)$")


def with_parameters(bundle, overrides: dict):
    """The bundle as if these parameters had always had these values ("what if 3 working days?").
    Only clock lengths and modes: they are not compiled into the rulesets."""
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
