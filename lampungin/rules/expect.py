"""What a case expects (rules/tests/*.yaml `expect:`): its shape, checked before the case runs, and
the comparison with what the rules decided.

Only what a case states is compared, so a case about routing need not list deadlines; but a
list that is stated is compared whole (`sanctions: []` asserts that there are none). A key that is
not known is an error with a suggestion, never ignored: `sanction: []` would otherwise prove nothing.
Every difference is worded twice (`*_id`, `*_en` parameters of messages.py), one language shown.
"""
from __future__ import annotations

import difflib
from datetime import datetime

from chalicelib.domain.times import day_name, in_wib

from .source import line_of

EXPECT_KEYS = ("routing", "deadlines", "sanctions", "warnings")
ROUTING_KEYS = ("government", "opd", "unit", "sector", "rule")
DEADLINE_KEYS = ("clock", "started", "due", "stopped", "opd", "government", "hours", "mode")
DECISION_KEYS = ("rule", "level", "subject", "subject_id", "opd", "notify", "at")
TIME_KEYS = ("started", "due", "stopped", "at")
CLOCK_WORDS = {"followup": ("tindak lanjut", "follow-up"), "approval": ("persetujuan", "approval")}
KIND_WORDS = {"sanctions": (("sanksi", "sanction"), ("jumlah sanksi ('sanctions')", "number of sanctions")),
              "warnings": (("peringatan", "warning"), ("jumlah peringatan ('warnings')", "number of warnings"))}
TYPE_WORDS = {"mapping": ("pasangan kunci: nilai", "a mapping of key: value"),
              "list": ("daftar", "a list"), "text": ("teks", "text"),
              "list_of_mappings": ("daftar berisi pasangan kunci: nilai", "a list of mappings of key: value"),
              "count": ("bilangan bulat 0 atau lebih", "a whole number, 0 or more"),
              "mode": ("calendar, working_days atau working_hours", "calendar, working_days or working_hours"),
              "texts": ("daftar teks", "a list of texts"),
              "region": ("teks bertanda kutip (\"18.71\"; YAML membaca 18.10 sebagai angka 18.1)",
                         "quoted text (\"18.71\"; YAML reads 18.10 as the number 18.1)")}


def hint(word, choices) -> dict:
    """`hint_id`/`hint_en` message parameters: "; maksudnya 'expect'?" for the closest known name."""
    found = difflib.get_close_matches(str(word).lower(), [str(c).lower() for c in choices], n=1, cutoff=0.6)
    if not found:
        return {"hint_id": "", "hint_en": ""}
    name = next(str(c) for c in choices if str(c).lower() == found[0])
    return {"hint_id": f"; mungkin maksudnya '{name}'?", "hint_en": f"; did you mean '{name}'?"}


def unknown_keys(node, allowed, where: tuple[str, str]) -> list[tuple[int, str, dict]]:
    """(line, code, params) for every key of `node` that is not allowed."""
    return [(line_of(node, key), "case_unknown_key",
             {"key": key, "where_id": where[0], "where_en": where[1], "allowed": ", ".join(allowed),
              **hint(key, allowed)})
            for key in node if key not in allowed]


def wrong_type(node, key, expected: str, got) -> tuple[int, str, dict]:
    words = TYPE_WORDS[expected]
    return (line_of(node, key), "case_wrong_type",
            {"key": key, "expected_id": words[0], "expected_en": words[1], "got": repr(got)[:60]})


def expects_something(expect) -> bool:
    """A case proves something only if it states a routing fact or a list to compare."""
    if not isinstance(expect, dict):
        return False
    return bool(expect.get("routing")) or any(key in expect for key in ("deadlines", "sanctions", "warnings"))


def check_expect(expect, parse_when) -> list[tuple[int, str, dict]]:
    """The shape of `expect:`: known keys only (in it, in routing, in every listed entry), lists
    where lists belong, times that exist. `parse_when` raises cases.CaseError (code, params)."""
    if not isinstance(expect, dict):
        return []                                    # the case's own check reports the type
    problems = unknown_keys(expect, EXPECT_KEYS, ("expect", "expect"))
    routing = expect.get("routing")
    if "routing" in expect and not isinstance(routing, dict):
        problems.append(wrong_type(expect, "routing", "mapping", routing))
    elif routing:
        problems += unknown_keys(routing, ROUTING_KEYS, ("expect.routing", "expect.routing"))
    for key, allowed in (("deadlines", DEADLINE_KEYS), ("sanctions", DECISION_KEYS), ("warnings", DECISION_KEYS)):
        if key not in expect:
            continue
        entries = expect[key]
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            problems.append(wrong_type(expect, key, "list_of_mappings", entries))
            continue
        for i, entry in enumerate(entries, start=1):
            where = (f"expect.{key} ke-{i}", f"expect.{key} entry {i}")
            problems += unknown_keys(entry, allowed, where)
            for time_key in TIME_KEYS:
                value = entry.get(time_key)
                if time_key in entry and time_key in allowed and (value is not None or time_key == "at"):
                    problems += _time_problem(entry, time_key, parse_when)
    return problems


def _time_problem(entry, key, parse_when) -> list[tuple[int, str, dict]]:
    try:
        parse_when(entry[key])
    except ValueError as error:
        return [(line_of(entry, key), getattr(error, "code", "case_bad_time"),
                 getattr(error, "params", {"text": str(entry[key])[:60]}))]
    return []


# --- the comparison ------------------------------------------------------------------------------

def show(value, lang: str) -> str:
    """A value as the reader reads it: times in WIB with the day name of their language."""
    if value is None:
        return "tidak ada" if lang == "id" else "none"
    if isinstance(value, datetime):
        local = in_wib(value)
        day = day_name(local.date(), "id") if lang == "id" else day_name(local.date(), "en")[:3]
        return f"{day} {local:%Y-%m-%d %H:%M} WIB"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _difference(line, what: tuple[str, str], want, got) -> tuple[int | None, str, dict]:
    return (line, "case_expected", {"what_id": what[0], "what_en": what[1], "want_id": show(want, "id"),
                                    "want_en": show(want, "en"), "got_id": show(got, "id"), "got_en": show(got, "en")})


def compare(expect: dict, outcome, parse_when) -> list[tuple[int | None, str, dict]]:
    """(line, code, params) for each difference; the line is the expectation's own line."""
    problems: list[tuple[int | None, str, dict]] = []
    routing = expect.get("routing") or {}
    actual = {"opd": outcome.routing.opd, "sector": outcome.routing.sector, "rule": outcome.routing.rule_id,
              "government": outcome.routing.government, "unit": outcome.routing.unit}
    for key, want in routing.items():
        if actual.get(key) != want:
            problems.append(_difference(line_of(routing, key), (f"'routing.{key}'", f"routing.{key}"),
                                        want, actual.get(key)))
    if "deadlines" in expect:
        problems += _deadlines(expect["deadlines"] or [], outcome, parse_when, line_of(expect, "deadlines"))
    warnings = [(v.at, v.sanction) for v in outcome.verdicts if v.sanction.kind == "warning"]
    sanctions = [(v.at, v.sanction) for v in outcome.verdicts if v.sanction.kind != "warning"]
    for key, got in (("sanctions", sanctions), ("warnings", warnings)):
        if key in expect:
            problems += _decisions(key, expect[key] or [], got, parse_when, line_of(expect, key))
    return problems


def _clock_word(name: str) -> tuple[str, str]:
    return CLOCK_WORDS.get(name, (name, name))


def _deadlines(wanted: list, outcome, parse_when, line) -> list:
    problems = []
    got = outcome.clocks
    if len(wanted) != len(got):
        listed = [("; ".join(f"{_clock_word(c.name)[i]} {word} {show(c.started_at, lang)}" for c in got)
                   or ("tidak ada" if lang == "id" else "none"))
                  for i, (lang, word) in enumerate((("id", "mulai"), ("en", "from")))]
        problems.append((line, "case_expected_count", {
            "what_id": "jumlah clock ('deadlines')", "what_en": "number of clocks (deadlines)",
            "want": len(wanted), "got": len(got), "listed_id": listed[0], "listed_en": listed[1]}))
    for i, (want, clock) in enumerate(zip(wanted, got, strict=False), start=1):
        line = line_of(wanted, i - 1, line)
        word = _clock_word(clock.name)
        checks = {"clock": clock.name, "started": clock.started_at, "due": clock.due_at,
                  "stopped": clock.ended_at if clock.state == "stopped" else None, "opd": clock.opd,
                  "government": clock.policy.calendar, "hours": clock.policy.hours, "mode": clock.policy.mode}
        for key, want_value in want.items():
            have = checks.get(key)
            what = (f"tenggat ke-{i} ({word[0]}) '{key}'", f"deadline {i} ({word[1]}) {key}")
            if key in ("started", "due", "stopped"):
                want_value = None if want_value is None else parse_when(want_value)[0]
            if have != want_value:
                problems.append(_difference(line, what, want_value, have))
    return problems


def _decisions(kind: str, wanted: list, got: list, parse_when, line) -> list:
    problems = []
    (one_id, one_en), (count_id, count_en) = KIND_WORDS[kind]
    if len(wanted) != len(got):
        listed = [("; ".join(f"{d.rule_id} ({d.level}) {word} {show(at, lang)}" for at, d in got)
                   or ("tidak ada" if lang == "id" else "none"))
                  for lang, word in (("id", "pada"), ("en", "at"))]
        problems.append((line, "case_expected_count", {"what_id": count_id, "what_en": count_en,
                                                       "want": len(wanted), "got": len(got),
                                                       "listed_id": listed[0], "listed_en": listed[1]}))
    for i, (want, (at, decision)) in enumerate(zip(wanted, got, strict=False), start=1):
        line = line_of(wanted, i - 1, line)
        actual = {"rule": decision.rule_id, "level": decision.level, "subject": decision.subject_type,
                  "notify": decision.notify[0] if decision.notify else None, "at": at, "opd": decision.opd,
                  "subject_id": decision.subject_id}
        for key, want_value in want.items():
            if key == "at":
                want_value = parse_when(want_value)[0]
            if actual.get(key) != want_value:
                problems.append(_difference(line, (f"{one_id} ke-{i} '{key}'", f"{one_en} {i} {key}"),
                                            want_value, actual.get(key)))
    return problems
