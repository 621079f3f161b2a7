"""Compare what a case expects with what the rules decided (rules/tests/*.yaml `expect:`).

Only what a case states is compared, so a case about routing need not list deadlines; but a
list that is stated is compared whole (`sanctions: []` asserts that there are none).
"""
from __future__ import annotations

from datetime import datetime

from chalicelib.domain.times import in_wib

from .source import line_of

EXPECT_KEYS = ("routing", "deadlines", "sanctions", "warnings")


def _show(at: datetime | None) -> str:
    if at is None:
        return "null"
    return in_wib(at).strftime("%a %Y-%m-%d %H:%M WIB")


def compare(expect: dict, outcome, parse_when) -> list[tuple[int | None, str]]:
    """(line, detail) for each difference; the line is the expectation's own line in the file."""
    known = ", ".join(EXPECT_KEYS)
    problems: list[tuple[int | None, str]] = [(line_of(expect, k), f"unknown expectation '{k}' (known: {known})")
                                              for k in expect if k not in EXPECT_KEYS]
    routing = expect.get("routing") or {}
    actual = {"opd": outcome.routing.opd, "sector": outcome.routing.sector, "rule": outcome.routing.rule_id,
              "government": outcome.routing.government, "unit": outcome.routing.unit}
    for key, want in routing.items():
        if actual.get(key) != want:
            problems.append((line_of(routing, key), f"routing.{key}: expected {want}, got {actual.get(key)}"))
    if "deadlines" in expect:
        problems += _deadlines(expect["deadlines"] or [], outcome, parse_when, line_of(expect, "deadlines"))
    warnings = [(v.at, v.sanction) for v in outcome.verdicts if v.sanction.kind == "warning"]
    sanctions = [(v.at, v.sanction) for v in outcome.verdicts if v.sanction.kind != "warning"]
    for key, got in (("sanctions", sanctions), ("warnings", warnings)):
        if key in expect:
            problems += _decisions(key, expect[key] or [], got, parse_when, line_of(expect, key))
    return problems


def _deadlines(wanted: list, outcome, parse_when, line) -> list:
    problems = []
    got = outcome.clocks
    if len(wanted) != len(got):
        problems.append((line, f"deadlines: expected {len(wanted)} clocks, got {len(got)}: "
                         + "; ".join(f"{c.name} from {_show(c.started_at)}" for c in got)))
    for i, (want, clock) in enumerate(zip(wanted, got, strict=False), start=1):
        line = line_of(wanted, i - 1, line)
        checks = {"clock": clock.name, "started": clock.started_at, "due": clock.due_at,
                  "stopped": clock.ended_at if clock.state == "stopped" else None, "opd": clock.opd,
                  "government": clock.policy.calendar, "hours": clock.policy.hours, "mode": clock.policy.mode}
        for key, want_value in want.items():
            have = checks.get(key, "?")
            if key in ("started", "due", "stopped"):
                want_at = None if want_value is None else parse_when(want_value)[0]
                if want_at != have:
                    problems.append((line, f"deadline {i} ({clock.name}) {key}: expected {_show(want_at)}, "
                                           f"got {_show(have)}"))
            elif have != want_value:
                problems.append((line, f"deadline {i} {key}: expected {want_value}, got {have}"))
    return problems


def _decisions(kind: str, wanted: list, got: list, parse_when, line) -> list:
    problems = []
    if len(wanted) != len(got):
        listed = "; ".join(f"{d.rule_id} ({d.level}) at {_show(at)}" for at, d in got) or "none"
        problems.append((line, f"{kind}: expected {len(wanted)}, got {len(got)}: {listed}"))
    for i, (want, (at, decision)) in enumerate(zip(wanted, got, strict=False), start=1):
        line = line_of(wanted, i - 1, line)
        actual = {"rule": decision.rule_id, "level": decision.level, "subject": decision.subject_type,
                  "notify": decision.notify[0] if decision.notify else None, "at": at, "opd": decision.opd,
                  "subject_id": decision.subject_id}
        for key, want_value in want.items():
            if key == "at":
                want_at = parse_when(want_value)[0]
                if want_at != at:
                    problems.append((line, f"{kind} {i} at: expected {_show(want_at)}, got {_show(at)}"))
            elif actual.get(key, "?") != want_value:
                problems.append((line, f"{kind} {i} {key}: expected {want_value}, got {actual.get(key, '?')}"))
    return problems
