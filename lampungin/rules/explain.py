"""`lampungin rules explain`: for one case (or one set of facts), which rules matched, with which
facts and parameter values, and what the hit policy made of them - the "why" behind a decision."""
from __future__ import annotations

import json
import re
import sys
from datetime import datetime, timedelta
from pathlib import Path

from chalicelib.domain.times import day_name, in_wib, parse_iso
from chalicelib.rules.clock_time import describe_length
from chalicelib.rules.model import RulesError
from chalicelib.rules.vocabulary import SANCTION_FIELDS

from .cases import EVENT_WORDS, CaseError, collect, compiled_bundle, run_case
from .source import load_sources

WORDS = {"id": {"event": "kejadian", "matched": "aturan cocok", "none": "tidak ada", "clock": "clock",
                "starts": "mulai", "due": "tenggat", "params": "parameter", "decision": "keputusan",
                "result": "hasil", "facts": "fakta", "notfound": "contoh tidak ditemukan: {0}"},
         "en": {"event": "event", "matched": "rules matched", "none": "none", "clock": "clock",
                "starts": "starts", "due": "due", "params": "parameters", "decision": "decision",
                "result": "result", "facts": "facts", "notfound": "no such case: {0}"}}


CLOCK_NAMES = {"followup": ("tindak lanjut", "follow-up"), "approval": ("persetujuan", "approval")}


def _label(step, lang: str) -> str:
    """What happened, in the reader's language: the case's own event word, or the sweep's act."""
    i = 0 if lang == "id" else 1
    if step.kind == "event":
        return next((w for w, e in EVENT_WORDS.items() if e == step.label), step.label) if i == 0 else step.label
    clock = CLOCK_NAMES.get(step.label.split()[0], (step.label, step.label))[i]
    if step.kind == "warning":
        return f"peringatan {clock}" if i == 0 else f"{clock} warning"
    return f"tenggat {clock} terlewat" if i == 0 else f"{clock} deadline missed"


def _wib(at: datetime | None, lang: str = "id") -> str:
    if at is None:
        return "-"
    local = in_wib(at)
    return f"{day_name(local.date(), lang)} {local:%Y-%m-%d %H:%M} WIB"


_NUMBER = re.compile(r"[0-9]{1,6}")       # ASCII: "²".isdigit() is true and int("²") fails


def find_case(cases, wanted: str):
    """By FILE[:N] (N = the case's line or its 1-based position in the file) or by name."""
    file, _, number = wanted.partition(":")
    in_file = [c for c in cases if Path(c.file).name in (file, f"{file}.yaml") or c.file == file]
    if in_file and _NUMBER.fullmatch(number):
        n = int(number)
        return next((c for c in in_file if c.line == n), in_file[n - 1] if 0 < n <= len(in_file) else None)
    if in_file and not number:
        return in_file[0]
    return next((c for c in cases if wanted.lower() in c.name.lower()), None)


class FactsError(ValueError):
    """`--facts` that cannot be one sanction evaluation: the one line to show, exit 2."""


def parse_facts(text: str) -> dict:
    """`--facts` as the engine takes them: a JSON object of strings, numbers and booleans with an
    ISO 8601 `at` (FactsError otherwise: bad JSON, NaN, another type, an impossible time)."""
    try:
        facts = json.loads(text, parse_constant=lambda name: _refuse(f"{name} is not a number JSON allows"))
    except (ValueError, RecursionError) as exc:
        raise FactsError(f"not JSON ({str(exc)[:80]}); e.g. "
                         '\'{"event": "missed", "clock": "followup", "at": "2026-01-10T09:00:00+00:00"}\'') from None
    if not isinstance(facts, dict):
        raise FactsError("must be a JSON object of facts")
    for name, value in facts.items():
        if value is not None and not isinstance(value, (str, int, float, bool)):
            raise FactsError(f"fact {name[:40]!r} must be a string, a number or true/false")
    if not isinstance(facts.get("at"), str):
        raise FactsError('facts need "at", e.g. "2026-01-10T09:00:00+00:00"')
    try:
        parse_iso(facts["at"])
    except ValueError as why:
        raise FactsError(f'"at": {why}') from None
    return facts


def _refuse(message: str):
    raise ValueError(message)


def _usage_error(message: str) -> int:
    print(f"lampungin rules explain: --facts: {message}", file=sys.stderr)
    return 2


def explain(rules_dir: Path, case: str | None = None, facts: str | None = None, lang: str = "id") -> int:
    w = WORDS[lang]
    parsed = None
    if facts is not None:
        try:
            parsed = parse_facts(facts)
        except FactsError as why:
            return _usage_error(str(why))
    sources = load_sources(rules_dir)
    bundle = compiled_bundle(sources.root)
    print(f"rules {bundle.version}")
    if parsed is not None:
        try:
            return _explain_facts(bundle, parsed, lang)
        except (RulesError, CaseError) as why:
            return _usage_error(str(why).splitlines()[0][:200])
    found = find_case(collect(sources), case or "")
    if found is None:
        print(w["notfound"].format(case))
        return 1
    result = run_case(bundle, found)
    print(f"{found.file}:{found.line} {found.name}")
    out = result.outcome
    if out is not None:
        print(f"  routing: {out.routing.explanation[lang]}")
        for step in out.steps:
            print(f"  {_wib(step.at, lang)}  {w['event']}: {_label(step, lang)}")
            print(f"    {w['matched']}: {', '.join(step.fired) or w['none']}")
            for item in step.detail:
                if isinstance(item, tuple):
                    clock, action, rule_id = item
                    print(f"    {w['clock']} {clock}: {action} ({rule_id})")
                else:
                    print(f"    {w['decision']}: {item.rule_id} [{item.level}] {item.explanation[lang]}")
        for clock in out.clocks:
            p = clock.policy
            length = describe_length(p.hours, p.mode)[0 if lang == "id" else 1]
            print(f"  {w['clock']} {clock.name}: {w['starts']} {_wib(clock.started_at, lang)}, {w['due']} "
                  f"{_wib(clock.due_at, lang)}; {length} "
                  f"({p.params_version}; {p.reference})")
            for line in days_off(bundle, clock, lang):
                print(f"    {line}")
    for failure in result.failures:
        print(failure.render(lang))
    return 0 if result.ok else 1


DAY_KINDS = {"national": ("libur nasional", "national holiday"), "cuti_bersama": ("cuti bersama", "cuti bersama "
                                                                                               "(collective leave)"),
             "regional": ("libur daerah", "regional day off")}


def days_off(bundle, clock, lang: str) -> list[str]:
    """The days off a clock counted in working days or hours skipped between its start and its
    deadline, each in words with its kind (national holiday, cuti bersama, regional) and reference."""
    if clock.policy.mode == "calendar" or clock.due_at is None:
        return []
    calendar = bundle.calendar_of(clock.policy.calendar)
    day, last = in_wib(clock.started_at).date(), in_wib(clock.due_at).date()
    said = []
    i = 0 if lang == "id" else 1
    while day <= last:
        entry = calendar.day_off(day) if calendar.covers(day) else None
        if entry is not None:
            kind = DAY_KINDS.get(entry.get("source"), (entry.get("source"), entry.get("source")))[i]
            reference = f"; {entry['reference']}" if entry.get("reference") else ""
            skipped = "tidak dihitung" if i == 0 else "not counted"
            said.append(f"{skipped}: {day_name(day, lang)} {day.isoformat()} {kind}: {entry['name']}{reference}")
        day += timedelta(days=1)
    return said


def _explain_facts(bundle, facts: dict, lang: str) -> int:
    w = WORDS[lang]
    if "at" not in facts:
        raise CaseError('facts need "at", e.g. "2026-01-10T09:00:00+00:00"')
    engine = bundle.engine
    fact, moment = engine.fact(facts, SANCTION_FIELDS)
    fired = engine.match("sanctions", fact)
    print(f"  {w['facts']}: {json.dumps(fact, ensure_ascii=False)}")
    print(f"  {w['matched']}: {', '.join(fired) or w['none']}")
    for rule_id in fired:
        rule = engine.sanction_rules[rule_id]
        params = engine.params_of(rule, moment)
        shown = "; ".join(f"{p.name}={p.value} ({p.since}, {p.reference})" for p in params)
        print(f"    {rule_id} [{rule['table']}: {engine.tables[rule['table']]['hit_policy']}] "
              f"{w['params']}: {shown or w['none']}")
    for decision in engine.evaluate(facts):
        print(f"  {w['result']}: {decision.rule_id} [{decision.level}] {decision.explanation[lang]}")
    return 0
