"""`lampungin rules test`: the example cases under rules/tests/, written as complaint timelines.

A case says, in the policy vocabulary, what happened ("Jumat 2026-01-09 16:00 diajukan") and what
the rules must decide (routing, deadlines, sanctions, warnings); see rules/README.md. The same
cases are collected by pytest (tests/rules/test_rules_cases.py), so `make test` runs them.

Why strict: a case that cannot fail proves nothing. A key nobody reads (`expct:`), a misspelt
event, a day that does not exist or a case with nothing to compare would all have "passed"; each
is now a failure at its `file:line`, with the closest known word suggested. The shape is checked
before the case is played, the timeline as production would take it (times never run backwards,
events only where the lifecycle allows them), and a case that played but states no expectation
fails last ("proves nothing").
"""
from __future__ import annotations

import copy
import re
import time as timer
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import lru_cache
from pathlib import Path

from chalicelib.domain.governments import PROVINCE
from chalicelib.domain.lifecycle import EVENT_ACTION, TRANSITIONS, Action
from chalicelib.domain.times import WIB, day_name
from chalicelib.rules.bundle import RulesBundle
from chalicelib.rules.sourcehash import source_hash

from .compiler import compile_bundle
from .dated import compiled_value, read_duration
from .expect import EXPECT_KEYS, check_expect, compare, expects_something, hint, show, unknown_keys, wrong_type
from .messages import MESSAGES, Problem
from .ranges import RANGES
from .simulate import HANDED_OVER, Outcome, Refused, play
from .source import RULES_DIR, LineDict, Sources, government_of_case_file, line_of, load_sources

DAYS = {"senin": 0, "selasa": 1, "rabu": 2, "kamis": 3, "jumat": 4, "sabtu": 5, "minggu": 6,
        "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
EVENT_WORDS = {"diajukan": "submitted", "diklaim": "claimed", "ditindaklanjuti": "followed_up",
               "disetujui": "approved", "dikembalikan": "returned", "dipindahkan": "transferred",
               "diteruskan": "forwarded", "diserahkan": "handed_over", "ditolak": "rejected",
               "minta-info": "info_requested",
               "dijawab-warga": "citizen_replied", "dinilai": "rated", "dibuka-kembali": "reopened",
               "ditugaskan": "assigned_to", "dicatat-staf": "staff_note", "didisposisikan": "disposed"}
EVENT_CODES = tuple(EVENT_WORDS.values())            # the English codes are accepted too
TARGETED = ("transferred", "forwarded", "handed_over", "assigned_to", "disposed")   # take "ke TARGET"
WHEN = re.compile(r"^(?:(?P<day>[^\s,0-9]+),?\s+)?(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})[ T]"
                  r"(?P<hm>[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?)(?:\s+(?P<rest>.+))?$")
CASE_KEYS = ("name", "category", "government", "region", "keywords", "given", "parameters", "timeline", "expect")
FILE_KEYS = ("cases", "government", "region", "keywords")
GIVEN_KEYS = ("operator_misses", "opd_misses")
CONTEXT = ("government", "region")     # file-level keys a case inherits unless it sets its own
OVERRIDABLE = re.compile(r"^clocks\.(followup|approval)\.(hours|mode)$")
OVERRIDABLE_NAMES = [f"clocks.{c}.{p}" for c in ("followup", "approval") for p in ("hours", "mode")]
MODES = ("calendar", "working_days", "working_hours")


class CaseError(ValueError):
    """A case (or a part of it) that cannot be read; `code` and `params` word it in both
    languages (messages.py), `str()` is the English one."""

    def __init__(self, message: str, code: str = "case_error", params: dict | None = None):
        super().__init__(message)
        self.code, self.params = code, dict(params or {"detail": message})


def _error(code: str, **params) -> CaseError:
    return CaseError(MESSAGES[code][1].format(case="-", **params), code, params)


def parse_when(text) -> tuple[datetime, str | None]:
    """'Jumat 2026-01-09 16:00 diajukan' -> (aware datetime in WIB, 'submitted')."""
    at, event, _ = parse_entry(text)
    return at, event


def parse_entry(text) -> tuple[datetime, str | None, str | None]:
    """'Selasa 2026-04-07 15:00 dipindahkan ke RSUDAM' -> (time in WIB, 'transferred', 'RSUDAM').
    The target (after the event, `ke` optional) names the OPD of a transfer, the kabupaten/kota
    of a forward, the government a complaint is handed over to (`diserahkan ke BANDARLAMPUNG`),
    the operator of an assignment or the unit of a disposition; without it the first other OPD,
    or the first kabupaten/kota not onboarded, is taken. CaseError for a time that does not exist,
    a day name that is not that date's, an unknown event word or words nobody reads."""
    if isinstance(text, datetime):
        return (text if text.tzinfo else text.replace(tzinfo=WIB)), None, None
    written = str(text).strip()
    match = WHEN.match(written)
    if not match:
        raise _error("case_bad_time", text=written[:60])
    hour, minute, second = ([int(x) for x in match["hm"].split(":")] + [0])[:3]
    try:
        at = datetime.combine(datetime.strptime(match["date"], "%Y-%m-%d").date(), time(hour, minute, second), WIB)
    except ValueError:
        raise _error("case_no_such_time", when=f"{match['date']} {match['hm']}") from None
    day = match["day"]
    if day and day.lower() not in DAYS:
        raise _error("case_unknown_day", day=day, **hint(day, [d.capitalize() for d in DAYS]))
    if day and DAYS[day.lower()] != at.weekday():
        raise _error("case_wrong_day", date=match["date"], day=day, actual_id=day_name(at.date(), "id"),
                     actual_en=day_name(at.date(), "en"))
    words = (match["rest"] or "").split()
    if not words:
        return at, None, None
    event = _event(words[0])
    rest = words[2:] if len(words) > 1 and words[1].lower() == "ke" else words[1:]
    if rest and event not in TARGETED:
        raise _error("case_no_target", event=words[0], extra=" ".join(words[1:])[:60])
    if len(rest) > 1:
        raise _error("case_extra_words", event=words[0], extra=" ".join(rest[1:])[:60])
    return at, event, (rest[0] if rest else None)


def _event(word: str) -> str:
    lowered = word.lower()
    if lowered in EVENT_WORDS:
        return EVENT_WORDS[lowered]
    if lowered in EVENT_CODES:
        return lowered
    raise _error("case_unknown_event_word", event=word[:40], known=", ".join(EVENT_WORDS),
                 **hint(word, list(EVENT_WORDS) + list(EVENT_CODES)))


@dataclass
class Case:
    name: str
    file: str
    line: int
    data: dict

    @property
    def id(self) -> str:
        return f"{Path(self.file).stem}:{self.line}"

    @property
    def keywords(self) -> list[str]:
        words = self.data.get("keywords") if isinstance(self.data, dict) else None
        return [str(w) for w in words] if isinstance(words, list) else []


@dataclass
class Result:
    case: Case
    failures: list = field(default_factory=list)
    fired: set = field(default_factory=set)
    outcome: Outcome | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failures


def collect(sources: Sources) -> list[Case]:
    """Every case; a case in governments/<CODE>/tests/ is filed in that government, and a file's
    own `government:` / `region:` apply to each of its cases that does not say otherwise (its
    `keywords:` are added to each case's own)."""
    cases = []
    for source in sources.of("tests"):
        data = source.data if isinstance(source.data, dict) else {}
        items: list = data["cases"] if isinstance(data.get("cases"), list) else []
        context = {k: data[k] for k in CONTEXT if data.get(k) is not None}
        implied = government_of_case_file(source.path, sources.root)
        if implied and "government" not in context:
            context["government"] = implied
        file_words: list = data["keywords"] if isinstance(data.get("keywords"), list) else []
        for i, item in enumerate(items):
            name = item.get("name", f"#{i + 1}") if isinstance(item, dict) else f"#{i + 1}"
            merged = _merged(context, file_words, item) if isinstance(item, dict) else item
            cases.append(Case(str(name), source.rel, line_of(items, i), merged))
    return cases


def _merged(context: dict, file_words: list, item: dict) -> dict:
    """The case with what its file says for all of them, keeping the case's own line numbers."""
    merged = LineDict({**context, **item})
    merged.line = getattr(item, "line", 0)
    merged.key_lines, merged.duplicates = dict(getattr(item, "key_lines", {})), list(getattr(item, "duplicates", []))
    if file_words:
        own = item.get("keywords")
        merged["keywords"] = [*file_words, *own] if isinstance(own, list) else (file_words if own is None else own)
    return merged


def file_problems(sources: Sources) -> list[Problem]:
    """What is wrong with the case files themselves: broken YAML, no `cases:` list, unknown keys."""
    problems = []
    for s in sources.of("tests"):
        if s.error:
            problems.append(Problem(s.rel, s.error[0], "yaml", {"detail": s.error[1]}))
            continue
        data = s.data
        if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
            problems.append(Problem(s.rel, line_of(data, "cases"), "case_file_shape"))
        if not isinstance(data, dict):
            continue
        for key in data:
            if key not in FILE_KEYS:
                problems.append(Problem(s.rel, line_of(data, key), "case_file_unknown_key",
                                        {"key": key, "allowed": ", ".join(FILE_KEYS), **hint(key, FILE_KEYS)}))
        for key, expected in (("government", "text"), ("region", "region"), ("keywords", "texts")):
            if key in data and not _is(data[key], expected):
                _, _, params = wrong_type(data, key, expected, data[key])
                problems.append(Problem(s.rel, line_of(data, key), "case_file_wrong_type", params))
        for key, line in getattr(data, "duplicates", []):
            problems.append(Problem(s.rel, line, "duplicate_key", {"key": key}))
    return problems


def _is(value, expected: str) -> bool:
    if expected in ("text", "region"):
        return isinstance(value, str) and bool(value.strip())
    if expected == "texts":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if expected == "count":
        return isinstance(value, int) and not isinstance(value, bool) and value >= 0
    if expected == "mapping":
        return isinstance(value, dict)
    return True


def _shape(bundle, data: dict) -> list[tuple[int, str, dict]]:
    """(line, code, params) for keys nobody reads, missing or mistyped values, unknown names."""
    problems = unknown_keys(data, CASE_KEYS, ("contoh", "the case"))
    problems += _duplicates(data)
    for key in ("name", "category", "timeline"):
        if data.get(key) in (None, "", []):
            problems.append((line_of(data, key), "case_missing_key", {"key": key, "where_id": "contoh",
                                                                      "where_en": "the case"}))
    for key, expected in (("name", "text"), ("category", "text"), ("government", "text"), ("region", "region"),
                          ("keywords", "texts"), ("given", "mapping"), ("parameters", "mapping"),
                          ("expect", "mapping")):
        if data.get(key) is not None and not _is(data[key], expected):
            problems.append(wrong_type(data, key, expected, data[key]))
    if data.get("timeline") is not None and not isinstance(data["timeline"], list):
        problems.append(wrong_type(data, "timeline", "list", data["timeline"]))
    given = data.get("given")
    if isinstance(given, dict):
        problems += unknown_keys(given, GIVEN_KEYS, ("given", "given"))
        problems += [wrong_type(given, k, "count", v) for k, v in given.items() if k in GIVEN_KEYS
                     and not _is(v, "count")]
    if isinstance(data.get("parameters"), dict):
        problems += _parameter_problems(bundle, data)
    if isinstance(data.get("expect"), dict):
        problems += check_expect(data["expect"], parse_when)
    category = data.get("category")
    if isinstance(category, str) and category and bundle.routing.category(category) is None:
        codes = [c.code for c in bundle.routing.categories]
        problems.append((line_of(data, "category"), "case_unknown_category",
                         {"category": category, **hint(category, codes)}))
    region = data.get("region")
    if isinstance(region, str) and "regions" in bundle.data and not bundle.regions.valid(region):
        problems.append((line_of(data, "region"), "case_unknown_region", {"region": region[:20]}))
    return problems


def _duplicates(node) -> list[tuple[int, str, dict]]:
    found = [(line, "case_duplicate_key", {"key": key}) for key, line in getattr(node, "duplicates", [])]
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else []
    for child in children:
        found += _duplicates(child)
    return found


def _parameter_problems(bundle, data: dict) -> list[tuple[int, str, dict]]:
    """`parameters:` as the parameter files are read: a deadline length through the same parser
    ("24 jam", "3 hari kerja", a bare number only where the parameter says `unit: hour`) and inside
    the same range (ranges.py); a mode from the known ones, and not one that contradicts a length
    written in hari kerja."""
    overrides, government = data["parameters"], str(data.get("government") or PROVINCE)
    problems = []
    for name, value in overrides.items():
        line = line_of(overrides, name)
        if not isinstance(name, str) or not OVERRIDABLE.match(name):
            problems.append((line, "case_bad_parameter", {"name": str(name)[:60], **hint(name, OVERRIDABLE_NAMES)}))
        elif name.endswith(".hours"):
            problem = _duration_problem(name, value, _unit(bundle, name, government))
            if problem is not None:
                problems.append((line, *problem))
        elif value not in MODES:
            problems.append(wrong_type(overrides, name, "mode", value))
    for clock in ("followup", "approval"):
        hours, mode = f"clocks.{clock}.hours", f"clocks.{clock}.mode"
        read = read_duration(overrides.get(hours), _unit(bundle, hours, government)) if hours in overrides else None
        if read is not None and read[1] == "working_days" and overrides.get(mode) in MODES \
                and overrides[mode] != "working_days":
            problems.append((line_of(overrides, mode), "case_days_against_mode",
                             {"hours_name": hours, "got": overrides[hours], "mode_name": mode,
                              "mode": overrides[mode]}))
    return problems


def _unit(bundle, name: str, government: str):
    """The `unit` the series in force for the case's government declares (its own, else the province's)."""
    own = bundle.data.get("governments", {}).get(government, {}).get("parameters", {})
    series = own.get(name) or bundle.data["parameters"].get(name) or {}
    return series.get("unit")


def _duration_problem(name: str, value, unit) -> tuple[str, dict] | None:
    """What is wrong with a deadline length a case writes, or None (dated.read_duration, ranges.RANGES)."""
    read = read_duration(value, unit)
    if read is None:
        bare = isinstance(value, (int, float)) and not isinstance(value, bool)
        return ("case_parameter_unit" if bare else "case_parameter_bad"), {"name": name, "got": value}
    if not RANGES[name].allows(read[0]):
        return "case_parameter_range", {"name": name, "got": value, "allowed": RANGES[name].describe()}
    return None


def _timeline(case: Case) -> tuple[list[tuple[int, str, dict]], list[tuple[datetime, str, str | None]]]:
    """The timeline read as production would take it, or the problems at their own lines."""
    lines = case.data["timeline"]
    problems: list[tuple[int, str, dict]] = []
    timeline: list[tuple[datetime, str, str | None]] = []
    for i, entry in enumerate(lines):
        line = line_of(lines, i, case.line)
        try:
            at, event, target = parse_entry(entry)
        except CaseError as error:
            problems.append((line, error.code, error.params))
            continue
        if event is None:
            problems.append((line, "case_no_event", {}))
            continue
        if timeline and at < timeline[-1][0]:
            before = timeline[-1][0]
            problems.append((line, "case_time_backwards", {"at_id": show(at, "id"), "at_en": show(at, "en"),
                                                           "before_id": show(before, "id"),
                                                           "before_en": show(before, "en")}))
        timeline.append((at, event, target))
    return problems, timeline


@lru_cache(maxsize=4)
def _bundle_for(root: str, version: str):
    return RulesBundle(compile_bundle(load_sources(Path(root))))


def compiled_bundle(rules_dir: Path = RULES_DIR):
    """The bundle compiled in memory from the files as they are now (never a stale build)."""
    return _bundle_for(str(rules_dir), source_hash(rules_dir))


def run_case(bundle, case: Case) -> Result:
    """Check the case's shape, play it through the engine the Lambdas run (simulate.py), compare."""
    started = timer.perf_counter()
    result = Result(case)
    try:
        _run(bundle, case, result)
    finally:
        result.seconds = timer.perf_counter() - started
    return result


def _fail(result: Result, line: int | None, code: str, params: dict | None = None) -> None:
    case = result.case
    result.failures.append(Problem(case.file, line or case.line, code, {"case": case.name, **(params or {})}))


def _run(bundle, case: Case, result: Result) -> None:
    data = case.data
    if not isinstance(data, dict):
        result.failures.append(Problem(case.file, case.line, "case_not_mapping", {"n": case.name.lstrip("#")}))
        return
    problems = _shape(bundle, data)
    timeline: list = []
    if isinstance(data.get("timeline"), list) and data["timeline"]:
        more, timeline = _timeline(case)
        problems += more
    for line, code, params in sorted(problems, key=lambda p: p[0] or 0):
        _fail(result, line, code, params)
    if problems:
        return
    try:
        given = data.get("given") or {}
        if data.get("parameters"):
            bundle = with_parameters(bundle, data["parameters"], str(data.get("government") or PROVINCE))
        region = data.get("region")
        outcome = play(bundle, data["category"], timeline,
                       operator_misses=int(given.get("operator_misses", 0)),
                       opd_misses=int(given.get("opd_misses", 0)),
                       government=str(data.get("government") or PROVINCE),
                       region=str(region) if region is not None else None)
    except Refused as refused:
        _fail(result, line_of(data.get("timeline"), refused.index, case.line), *_refusal_message(bundle, refused))
        return
    except Exception as exc:                 # a broken case is a failure, not a crash
        _fail(result, case.line, "case_error", {"detail": f"{type(exc).__name__}: {exc}"})
        return
    result.outcome, result.fired = outcome, outcome.fired
    for at_line, code, params in compare(data.get("expect") or {}, outcome, parse_when):
        _fail(result, at_line, code, params)
    if not expects_something(data.get("expect")):
        _fail(result, line_of(data, "expect", case.line), "case_no_expect", {"known": ", ".join(EXPECT_KEYS)})



STATUS_WORDS = {"assigned": ("ditugaskan ke OPD", "assigned to an OPD"),
                "waiting_citizen": ("menunggu jawaban warga", "waiting for the citizen"),
                "followed_up": ("sudah ditindaklanjuti", "followed up"),
                "resolved": ("selesai", "resolved"), "closed": ("ditutup", "closed"),
                "forwarded": ("diteruskan", "forwarded"), "rejected": ("ditolak", "rejected")}
WHY = {"already_claimed": ("aduan sudah diklaim operator; pimpinan menugaskannya ulang dengan "
                           "'ditugaskan ke OPERATOR'", "the complaint is already claimed; the supervisor "
                           "reassigns it with 'ditugaskan ke OPERATOR'"),
       "same_opd": ("aduan sudah dipegang OPD itu", "the complaint is already with that OPD"),
       "same_government": ("aduan sudah berada di pemerintah itu", "the complaint is already in that government"),
       "transfer_other_government": ("'dipindahkan' hanya ke OPD lain di pemerintah yang sama; ke pemerintah lain "
                                     "pakai 'diserahkan ke KODE'", "'dipindahkan' moves it within one government "
                                     "only; to another government write 'diserahkan ke CODE'"),
       "forbidden": ("yang melakukannya tidak berwenang atas aduan ini pada saat itu",
                     "whoever takes it may not act on this complaint at that point")}
TARGET_WHERE = {"unknown_opd": ("OPD lain di pemerintah yang sama, routing/opds.yaml atau governments/KODE/opds.yaml",
                                "another OPD of the same government, routing/opds.yaml or governments/CODE/opds.yaml"),
                "unknown_jurisdiction": ("kabupaten/kota di routing/jurisdictions.yaml",
                                         "a kabupaten/kota of routing/jurisdictions.yaml"),
                "unknown_unit": ("unit OPD yang memegang aduan, 'units' di opds.yaml",
                                 "a unit of the OPD that holds it, 'units' in opds.yaml")}


def word_of(event: str) -> str:
    """The case's own word for an event code (`approved` -> `disetujui`)."""
    return next((w for w, e in EVENT_WORDS.items() if e == event), event)


def _refusal_message(bundle, refused: Refused) -> tuple[str, dict]:
    """Why production would refuse the event, worded for the case's author (in both languages)."""
    code, details = refused.error.code, refused.error.details
    word = word_of(refused.event)
    if code == "unknown_event":
        return "case_unknown_event_word", {"event": word, "known": ", ".join(EVENT_WORDS), "hint_id": "", "hint_en": ""}
    if code == "unknown_government":
        return "case_unknown_government", {"government": details.get("value", ""), "known": details.get("known", "-")}
    if code in TARGET_WHERE:
        target = str(details.get("value", ""))
        names = (list(bundle.opds) + [o.split(".", 1)[-1] for o in bundle.opds] if code == "unknown_opd"
                 else list(bundle.jurisdictions) if code == "unknown_jurisdiction"
                 else [u.code for o in bundle.opds.values() for u in o.units])
        where = TARGET_WHERE[code]
        return "case_target_unknown", {"event": word, "target": target, "where_id": where[0], "where_en": where[1],
                                       **hint(target, names)}
    if code == "first_event_not_submitted":
        return "case_first_event", {"event": word}
    if code == "wrong_state":
        status_id, status_en = STATUS_WORDS.get(refused.status, (refused.status, refused.status))
        action = Action.HAND_OVER if refused.event == HANDED_OVER else EVENT_ACTION.get(refused.event)
        allowed = sorted(TRANSITIONS[action].sources) if action is not None else []
        words = [STATUS_WORDS.get(s.value, (s.value, s.value)) for s in allowed]
        return "case_refused_status", {"event": word, "status_id": status_id, "status_en": status_en,
                                       "allowed_id": " atau ".join(w[0] for w in words) or "-",
                                       "allowed_en": " or ".join(w[1] for w in words) or "-"}
    why_id, why_en = WHY.get(code, (f"kode {code}", f"code {code}"))
    return "case_refused_why", {"event": word, "why_id": why_id, "why_en": why_en}


def with_parameters(bundle, overrides: dict, government: str = PROVINCE):
    """The bundle as if these parameters had always had these values ("what if 3 working days?"),
    for the province and for every government that sets its own series. Only clock lengths and
    modes: they are not compiled into the rulesets. A length is read with the unit the case's
    government's series declares and compiled as the parameter files' are (dated.compiled_value:
    hours, and `counted: working_days` for "N hari kerja")."""
    data = copy.deepcopy(bundle.data)
    for name, value in overrides.items():
        if not isinstance(name, str) or not OVERRIDABLE.match(name):
            raise _error("case_bad_parameter", name=str(name)[:60], **hint(name, OVERRIDABLE_NAMES))
        entry = {"value": value, "reference": "case"}
        if name.endswith(".hours"):
            entry = compiled_value(name, date.min, entry, _unit(bundle, name, government))
        owners = [data["parameters"], *(g["parameters"] for g in data.get("governments", {}).values())]
        for parameters in owners:
            if name in parameters:
                series = parameters[name]
                series["values"] = [{**entry, "from": series["values"][0]["from"]}]
    return RulesBundle(data)


def matches(case: Case, selectors) -> bool:
    """`-k` (repeatable): a case is chosen when any selector occurs in its name or a keyword."""
    if not selectors:
        return True
    texts = [case.name.lower(), *(k.lower() for k in case.keywords)]
    return any(s.lower() in text for s in selectors for text in texts)


def run_sources(sources: Sources, select: str | list[str] | None = None) -> list[Result]:
    selectors = [select] if isinstance(select, str) else list(select or [])
    bundle = compiled_bundle(sources.root)
    return [run_case(bundle, c) for c in collect(sources) if matches(c, selectors)]


def fired_rules(sources: Sources) -> tuple[set[str], list[Problem]]:
    """Rule ids that fired in some case, and the problems of the test files themselves."""
    fired: set[str] = set()
    for result in run_sources(sources):
        fired |= result.fired
    return fired, file_problems(sources)
