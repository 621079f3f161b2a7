"""`lampungin rules explain`: for one case (or one set of facts), which rules matched, with which
facts and parameter values, and what the hit policy made of them - the "why" behind a decision."""
from __future__ import annotations

import json
import math
import re
import sys
from datetime import datetime, timedelta
from pathlib import Path

from chalicelib.domain.times import day_name, in_wib, parse_iso
from chalicelib.rules.clock_time import describe_length
from chalicelib.rules.explanations import show
from chalicelib.rules.model import RulesError
from chalicelib.rules.vocabulary import SANCTION_FIELDS

from .cases import EVENT_WORDS, collect, compiled_bundle, run_case
from .expect import hint
from .source import load_sources

WORDS = {"id": {"event": "kejadian", "matched": "aturan cocok", "none": "tidak ada", "clock": "clock {name}",
                "starts": "mulai", "due": "tenggat", "params": "parameter", "decision": "keputusan",
                "result": "hasil", "facts": "fakta", "notfound": "contoh tidak ditemukan: {0}",
                "rules": "aturan {version}", "routing": "penyaluran", "since": "berlaku sejak {since}",
                "table": "tabel {table}, kebijakan {policy}"},
         "en": {"event": "event", "matched": "rules matched", "none": "none", "clock": "{name} clock",
                "starts": "starts", "due": "due", "params": "parameters", "decision": "decision",
                "result": "result", "facts": "facts", "notfound": "no such case: {0}",
                "rules": "rules {version}", "routing": "routing", "since": "in force since {since}",
                "table": "table {table}, hit policy {policy}"}}
CLOCK_NAMES = {"followup": ("tindak lanjut", "follow-up"), "approval": ("persetujuan", "approval")}
ACTIONS = {"start": ("mulai", "starts"), "stop": ("berhenti", "stops"), "pause": ("dijeda", "pauses"),
           "resume": ("berjalan lagi", "resumes")}
HIT_POLICIES = {"priority": ("prioritas (tingkat terberat menang)", "priority (the heaviest level wins)"),
                "collect": ("kumpulkan (setiap yang cocok)", "collect (every match counts)"),
                "first": ("pertama (yang pertama cocok)", "first (the first match wins)")}


def _clock(name: str, lang: str) -> str:
    """"clock tindak lanjut" / "follow-up clock" (a clock the rules name otherwise: its name)."""
    return WORDS[lang]["clock"].format(name=CLOCK_NAMES.get(name, (name, name))[0 if lang == "id" else 1])


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


FACT_EXAMPLE = '{"event": "missed", "clock": "followup", "at": "2026-01-10T16:00:00+07:00"}'
FACT_ERRORS = {
    "not_json": ("bukan JSON yang utuh (baris {line}, kolom {column}); contoh: '{example}'",
                 "not JSON (line {line}, column {column}); e.g. '{example}'"),
    "too_deep": ("JSON-nya bersarang terlalu dalam", "the JSON is nested too deeply"),
    "long_number": ("sebuah angka di JSON-nya terlalu panjang", "a number in the JSON is too long"),
    "constant": ("{name} bukan angka yang diizinkan JSON", "{name} is not a number JSON allows"),
    "not_object": ("harus berupa objek JSON berisi fakta; contoh: '{example}'",
                   "must be a JSON object of facts; e.g. '{example}'"),
    "unknown": ("fakta {name!r} tidak dikenal (yang ada: {known}){hint_id}",
                "unknown fact {name!r} (known: {known}){hint_en}"),
    "not_number": ("fakta {name!r} harus angka, bukan {got}", "fact {name!r} must be a number, not {got}"),
    "not_text": ("fakta {name!r} harus teks, bukan {got}", "fact {name!r} must be text, not {got}"),
    "no_at": ('fakta perlu "at", waktu ISO 8601 dengan zona waktu, mis. "2026-01-10T16:00:00+07:00" (WIB)',
              'facts need "at", an ISO 8601 time with its offset, e.g. "2026-01-10T16:00:00+07:00" (WIB)'),
    "bad_at": ('"at" {text!r} bukan waktu yang ada; tulis waktu ISO 8601 dengan zona waktu, mis. '
               '"2026-01-10T16:00:00+07:00" (WIB)',
               '"at" {text!r} is not a time that exists; write an ISO 8601 time with its offset, e.g. '
               '"2026-01-10T16:00:00+07:00" (WIB)'),
}


class FactsError(ValueError):
    """`--facts` that cannot be one sanction evaluation: the one line to show (in either language), exit 2."""

    def __init__(self, code: str, **params):
        super().__init__(self._format(code, params, "en"))
        self.code, self.params = code, params

    @staticmethod
    def _format(code: str, params: dict, lang: str) -> str:
        return FACT_ERRORS[code][0 if lang == "id" else 1].format(example=FACT_EXAMPLE, **params)

    def message(self, lang: str) -> str:
        return self._format(self.code, self.params, lang)


def parse_facts(text: str) -> dict:
    """`--facts` as the engine takes them: a JSON object of the sanction rules' facts (a number where
    the fact is one, text otherwise) with an ISO 8601 `at` that has its offset (FactsError
    otherwise: bad JSON, NaN, an unknown fact, another type, an impossible time)."""
    try:
        facts = json.loads(text, parse_constant=_refuse)
    except FactsError:
        raise
    except json.JSONDecodeError as exc:
        raise FactsError("not_json", line=exc.lineno, column=exc.colno) from None
    except RecursionError:
        raise FactsError("too_deep") from None
    except ValueError:                         # int() refuses more than 4,300 digits
        raise FactsError("long_number") from None
    if not isinstance(facts, dict):
        raise FactsError("not_object")
    for name, value in facts.items():
        spec = SANCTION_FIELDS.get(name)
        if spec is None:
            raise FactsError("unknown", name=name[:40], known=", ".join(SANCTION_FIELDS),
                             **hint(name, list(SANCTION_FIELDS)))
        if name == "at" or value is None:
            continue
        if spec[0] == "number" and (isinstance(value, bool) or not isinstance(value, (int, float))
                                    or not math.isfinite(value)):
            raise FactsError("not_number", name=name, got=json.dumps(value)[:40])
        if spec[0] != "number" and not isinstance(value, str):
            raise FactsError("not_text", name=name, got=json.dumps(value)[:40])
    if not isinstance(facts.get("at"), str):
        raise FactsError("no_at")
    try:
        at = parse_iso(facts["at"])
    except ValueError:
        raise FactsError("bad_at", text=str(facts["at"])[:40]) from None
    if not _OFFSET.search(facts["at"].strip()):
        raise FactsError("no_at")
    facts["at"] = at.isoformat()
    return facts


_OFFSET = re.compile(r"T.*(Z|[+-][0-9]{2}:?[0-9]{2})$")


def _refuse(name: str):
    raise FactsError("constant", name=name)


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
            return _usage_error(why.message(lang))
    sources = load_sources(rules_dir)
    bundle = compiled_bundle(sources.root)
    print(w["rules"].format(version=bundle.version))
    if parsed is not None:
        try:
            return _explain_facts(bundle, parsed, lang)
        except RulesError as why:
            return _usage_error(str(why).splitlines()[0][:200])
    found = find_case(collect(sources), case or "")
    if found is None:
        print(w["notfound"].format(case))
        return 1
    result = run_case(bundle, found)
    print(f"{found.file}:{found.line} {found.name}")
    out = result.outcome
    i = 0 if lang == "id" else 1
    if out is not None:
        print(f"  {w['routing']}: {out.routing.explanation[lang]}")
        for step in out.steps:
            print(f"  {_wib(step.at, lang)}  {w['event']}: {_label(step, lang)}")
            print(f"    {w['matched']}: {', '.join(step.fired) or w['none']}")
            for item in step.detail:
                if isinstance(item, tuple):
                    clock, action, rule_id = item
                    print(f"    {_clock(clock, lang)}: {ACTIONS.get(action, (action, action))[i]} ({rule_id})")
                else:
                    print(f"    {w['decision']}: {item.rule_id} [{item.level}] {item.explanation[lang]}")
        for clock in out.clocks:
            p = clock.policy
            length = describe_length(p.hours, p.mode)[0 if lang == "id" else 1]
            print(f"  {_clock(clock.name, lang)}: {w['starts']} {_wib(clock.started_at, lang)}, {w['due']} "
                  f"{_wib(clock.due_at, lang)}; {length} ({w['since'].format(since=p.since)}; {p.reference})")
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
    engine = bundle.engine
    fact, moment = engine.fact(facts, SANCTION_FIELDS)
    fired = engine.match("sanctions", fact)
    print(f"  {w['facts']} ({_wib(moment, lang)}): {json.dumps(fact, ensure_ascii=False)}")
    print(f"  {w['matched']}: {', '.join(fired) or w['none']}")
    for rule_id in fired:
        rule = engine.sanction_rules[rule_id]
        params = engine.params_of(rule, moment)
        shown = "; ".join(f"{p.name}={show(p.value, lang)} ({w['since'].format(since=p.since)}, {p.reference})"
                          for p in params)
        policy = engine.tables[rule["table"]]["hit_policy"]
        policy = HIT_POLICIES.get(policy, (policy, policy))[0 if lang == "id" else 1]
        print(f"    {rule_id} [{w['table'].format(table=rule['table'], policy=policy)}] "
              f"{w['params']}: {shown or w['none']}")
    for decision in engine.evaluate(facts):
        print(f"  {w['result']}: {decision.rule_id} [{decision.level}] {decision.explanation[lang]}")
    return 0
