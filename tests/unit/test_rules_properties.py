"""Property tests: for random valid complaint timelines the deadlines the one clock engine computes
(`rules test`'s simulator = the lifecycle + durable_rules clock rules + domain.clocks.replay, as in
the Lambdas) equal those of a plain-Python reference that counts minute by minute from the same
parameters and calendar data; a parameter change dated in
the future never changes a clock started before it; durable_rules and the plain-Python reading of
the same compiled rules agree on every fact."""
from __future__ import annotations

import copy
from datetime import date, datetime, time, timedelta, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.domain.times import WIB
from chalicelib.rules.bundle import RulesBundle
from chalicelib.rules.engine import RulesEngine
from chalicelib.rules.matchers import PythonMatcher
from chalicelib.rules.vocabulary import SANCTION_FIELDS
from lampungin.rules.cases import compiled_bundle, with_parameters
from lampungin.rules.simulate import play
from lampungin.rules.source import RULES_DIR

MINUTE = timedelta(minutes=1)
BUNDLE = compiled_bundle(RULES_DIR)

# the lifecycle in CONTRACT.md: status -> events possible from it
NEXT = {"assigned": ["claimed", "followed_up", "followed_up", "info_requested", "transferred",
                     "forwarded", "rejected"],
        "waiting_citizen": ["citizen_replied", "citizen_replied", "transferred", "forwarded", "rejected"],
        "followed_up": ["approved", "approved", "returned", "transferred", "forwarded", "rejected"],
        "resolved": ["rated", "reopened"]}
AFTER = {"claimed": None, "followed_up": "followed_up", "info_requested": "waiting_citizen",
         "transferred": "assigned", "forwarded": None, "rejected": None, "citizen_replied": "assigned",
         "approved": "resolved", "returned": "assigned", "rated": None, "reopened": "assigned"}


@st.composite
def timelines(draw):
    start = datetime(2025, 1, 1, tzinfo=WIB) + timedelta(minutes=draw(st.integers(0, 60 * 24 * 365 * 5)))
    at, status, events = start, "assigned", [(start, "submitted")]
    for _ in range(draw(st.integers(0, 6))):
        event = draw(st.sampled_from(NEXT[status]))
        at += timedelta(minutes=draw(st.integers(1, 60 * 24 * 4)))
        events.append((at, event))
        status = AFTER[event] if AFTER[event] else (status if event == "claimed" else "final")
        if status == "final":
            break
    return [(at, event, None) for at, event in events]


# ---- the plain-Python reference: minute by minute, straight from the bundle's data ---------------
def counts(data: dict, minute: datetime, mode: str) -> bool:
    if mode == "calendar":
        return True
    local = minute.astimezone(WIB)
    cal = data["calendar"]
    if local.weekday() not in cal["working_days"] or local.date().isoformat() in cal["holidays"]:
        return False
    if mode == "working_days":
        return True
    day = local.date().isoformat()
    spans = [e for e in cal["ramadan"] if e["from"] <= day <= e["until"]] or \
        [e for e in cal["office_hours"] if e["from"] <= day][-1:]
    lo, hi = spans[0]["hours"][str(local.weekday())]
    return lo <= local.strftime("%H:%M") < hi


def param(data: dict, name: str, on: date):
    value = None
    for entry in data["parameters"][name]["values"]:
        if date.fromisoformat(entry["from"]) <= on:
            value = entry["value"]
    return value


def reference_deadlines(data: dict, events) -> list:
    """(clock, started, due) for every clock, by the rules of CONTRACT.md, counted per minute."""
    starts = {"followup": {"submitted", "transferred", "returned", "reopened"}, "approval": {"followed_up"}}
    stops = {"followup": {"followed_up", "forwarded", "rejected"},
             "approval": {"approved", "returned", "transferred", "forwarded", "rejected"}}
    clocks: list[dict] = []
    open_: dict[str, dict] = {}
    status = None
    for at, event, _ in events:
        new_status = AFTER.get(event, "assigned") if event != "submitted" else "assigned"
        new_status = new_status or status
        for name in ("followup", "approval"):
            clock = open_.get(name)
            if clock:       # a pause is the time spent in a pausing status, whatever ends the clock
                pause_in = param(data, f"clocks.{name}.pause_in", clock["start"].astimezone(WIB).date())
                if new_status in pause_in and status not in pause_in:
                    clock["pauses"].append([at, None])
                elif status in pause_in and new_status not in pause_in and clock["pauses"]:
                    clock["pauses"][-1][1] = at
            if clock and (event in stops[name] or event in starts[name]):
                del open_[name]
            if event in starts[name]:
                open_[name] = {"name": name, "start": at, "pauses": []}
                clocks.append(open_[name])
        status = new_status
    out = []
    for clock in clocks:
        # a pause never ended (the clock was stopped or the timeline ends while it waits): no
        # deadline, unless the time had already run out before the pause began (then it is missed)
        open_from = clock["pauses"][-1][0] if clock["pauses"] and clock["pauses"][-1][1] is None else None
        closed = [(lo, hi) for lo, hi in clock["pauses"] if hi is not None]
        on = clock["start"].astimezone(WIB).date()
        mode = param(data, f"clocks.{clock['name']}.mode", on)
        left = round(param(data, f"clocks.{clock['name']}.hours", on) * 60)
        minute: datetime | None = clock["start"]
        while left > 0 and minute is not None:
            if open_from is not None and minute >= open_from:
                minute = None
                break
            if counts(data, minute, mode) and not any(lo <= minute < hi for lo, hi in closed):
                left -= 1
            minute += MINUTE
        out.append((clock["name"], clock["start"], minute))
    return out


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(events=timelines(), mode=st.sampled_from(["calendar", "working_days", "working_hours"]),
       hours=st.integers(1, 40), approval_hours=st.integers(1, 80))
def test_engine_deadlines_equal_the_plain_python_reference(events, mode, hours, approval_hours):
    bundle = with_parameters(BUNDLE, {"clocks.followup.mode": mode, "clocks.followup.hours": hours,
                                      "clocks.approval.hours": approval_hours})
    outcome = play(bundle, "jalan-provinsi", events)
    engine = [(c.name, c.started_at, c.due_at) for c in outcome.clocks]
    assert engine == reference_deadlines(bundle.data, events)


@SETTINGS
@given(events=timelines(), change_in_days=st.integers(1, 400), new_hours=st.integers(1, 200),
       mode=st.sampled_from(["calendar", "working_days"]))
def test_a_future_dated_change_never_moves_a_clock_started_before_it(events, change_in_days, new_hours, mode):
    base = with_parameters(BUNDLE, {"clocks.followup.mode": mode, "clocks.approval.mode": mode})
    last = max(at for at, _, _ in events)
    change = (last + timedelta(days=change_in_days)).astimezone(WIB).date()
    data = copy.deepcopy(base.data)
    for name in ("clocks.followup.hours", "clocks.approval.hours", "clocks.followup.mode"):
        value = new_hours if name.endswith("hours") else "working_hours"
        data["parameters"][name]["values"].append({"from": change.isoformat(), "value": value, "reference": "x"})
    changed = RulesBundle(data)
    before = [(c.name, c.started_at, c.due_at) for c in play(base, "bencana", events).clocks]
    after = [(c.name, c.started_at, c.due_at) for c in play(changed, "bencana", events).clocks]
    assert after == before
    started_later = datetime.combine(change, time(9), WIB)
    assert changed.clock_policy("followup", started_later).hours == new_hours


FACTS = st.fixed_dictionaries({
    "event": st.sampled_from(["missed", "progress", "other"]),
    "clock": st.sampled_from(["followup", "approval", "x"]),
    "subject_type": st.sampled_from(["operator", "opd"]),
    "misses": st.integers(0, 6), "opd_misses": st.integers(0, 6),
    "hours_late": st.floats(0, 500, allow_nan=False), "used_percent": st.floats(0, 150, allow_nan=False),
    "at": st.datetimes(datetime(2024, 6, 1), datetime(2030, 12, 31), timezones=st.just(timezone.utc)),
})


@settings(max_examples=300, deadline=None)
@given(facts=FACTS)
def test_durable_rules_and_the_python_reading_agree(facts):
    durable, python = BUNDLE.engine, RulesEngine(BUNDLE, matcher=PythonMatcher())
    fact, _ = durable.fact(facts, SANCTION_FIELDS)
    assert sorted(durable.match("sanctions", fact)) == sorted(python.match("sanctions", fact))
    assert [d.rule_id for d in durable.evaluate(facts)] == [d.rule_id for d in python.evaluate(facts)]


def test_a_clock_that_ran_out_before_a_pause_that_never_ends_keeps_its_due_time():
    """Found by the property above: the reference said "no deadline" for a paused clock, the
    engine said "missed at 10:00". The engine is right (the time ran out before the pause)."""
    bundle = with_parameters(BUNDLE, {"clocks.followup.hours": 1})
    start = datetime(2026, 3, 2, 9, 0, tzinfo=WIB)
    events = [(start, "submitted", None), (start + timedelta(hours=2), "info_requested", None)]
    [clock] = play(bundle, "jalan-provinsi", events).clocks
    assert (clock.state, clock.due_at, clock.missed) == ("paused", start + timedelta(hours=1), True)
    assert reference_deadlines(bundle.data, events) == [("followup", start, start + timedelta(hours=1))]
