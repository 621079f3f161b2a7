"""Clocks derived from timelines, with a plain 24-hours-a-day schedule."""
from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain.clocks import ClockPolicy, replay
from chalicelib.domain.deadline_summary import summarise, summary_deadlines
from chalicelib.domain.lifecycle import TRANSITIONS
from chalicelib.domain.model import Event
from chalicelib.rules.bundle import load_bundle
from chalicelib.rules.schedule import BundleSchedule

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=timezone.utc)
H = timedelta(hours=1)


# This test's own clock triggers, as CONTRACT.md states the default rules (the engine takes its
# triggers from whatever schedule it is given; production's come from rules/clocks only).
TRIGGERS = {
    "followup": {"start": {"submitted", "transferred", "returned", "reopened"},
                 "stop": {"followed_up", "forwarded", "rejected"}},
    "approval": {"start": {"followed_up"},
                 "stop": {"approved", "returned", "transferred", "forwarded", "rejected"}},
}


class CalendarSchedule:
    def __init__(self, followup=24, approval=72):
        self.hours = {"followup": followup, "approval": approval}

    def clock_actions(self, event, from_status, to_status, at):
        actions = []
        for clock, trig in TRIGGERS.items():
            if event in trig["stop"]:
                actions.append((clock, "stop"))
            if event in trig["start"]:
                actions.append((clock, "start"))
        if to_status == "waiting_citizen":
            actions.append(("followup", "pause"))
        elif from_status == "waiting_citizen" and to_status != "waiting_citizen":
            actions.append(("followup", "resume"))
        return actions

    def clock_policy(self, clock, started_at, government="LAMPUNG"):
        pause = frozenset({"waiting_citizen"}) if clock == "followup" else frozenset()
        return ClockPolicy(self.hours[clock], "calendar", pause, 75, {}, "2025-01-01")

    def add_time(self, start, seconds, mode, calendar="LAMPUNG"):
        return start + timedelta(seconds=seconds)

    def time_between(self, start, end, mode, calendar="LAMPUNG"):
        return (end - start).total_seconds()


def timeline(*steps):
    """steps: (hours after T0, event type[, data])"""
    events = [Event("C1", 1, T0, "submitted", "citizen", data={"opd": "DINKES"})]
    for i, (hours, kind, *data) in enumerate(steps, start=2):
        events.append(Event("C1", i, T0 + hours * H, kind, "operator", data=data[0] if data else {}))
    return events


def clocks(*steps, now_hours=None):
    return replay("C1", timeline(*steps), CalendarSchedule())


def test_new_complaint_has_a_running_followup_clock_due_in_24h():
    [c] = clocks()
    assert (c.name, c.state, c.due_at, c.opd) == ("followup", "running", T0 + 24 * H, "DINKES")
    assert not c.overdue_at(T0 + 24 * H) and c.overdue_at(T0 + 25 * H)
    assert c.warn_at() == T0 + 18 * H


def test_every_clock_carries_the_channel_the_complaint_came_in_by():
    assert {c.channel for c in clocks((5, "followed_up"))} == {"app"}        # before issue 18: app
    desk = [Event("C1", 1, T0, "submitted", "intake", data={"opd": "DINKES", "channel": "desk"}),
            Event("C1", 2, T0 + H, "followed_up", "operator"),
            Event("C1", 3, T0 + 2 * H, "returned", "supervisor")]
    assert [(c.name, c.channel) for c in replay("C1", desk, CalendarSchedule())] == [
        ("followup", "desk"), ("approval", "desk"), ("followup", "desk")]


def test_follow_up_in_time_stops_followup_and_starts_approval():
    f, a = clocks((5, "followed_up"))
    assert f.state == "stopped" and not f.missed
    assert a.name == "approval" and a.state == "running" and a.due_at == T0 + 77 * H


def test_late_follow_up_is_still_a_miss():
    f, _ = clocks((30, "followed_up"))
    assert f.state == "stopped" and f.missed and f.due_at == T0 + 24 * H


def test_pause_keeps_the_time_left():
    [f] = clocks((10, "info_requested"))
    assert f.state == "paused" and f.remaining_seconds == 14 * 3600 and not f.missed
    [f] = clocks((10, "info_requested"), (50, "citizen_replied"))
    assert f.state == "running" and f.due_at == T0 + 64 * H


def test_return_and_transfer_restart_the_followup_clock():
    cs = clocks((5, "followed_up"), (6, "returned"))
    assert [(c.name, c.state) for c in cs] == [("followup", "stopped"), ("approval", "stopped"),
                                                ("followup", "running")]
    assert cs[-1].due_at == T0 + 30 * H
    cs = clocks((5, "transferred", {"from_opd": "DINKES", "to_opd": "RSUDAM"}))
    assert [(c.state, c.opd) for c in cs] == [("stopped", "DINKES"), ("running", "RSUDAM")]


def test_forward_and_reject_stop_everything():
    for end in ("forwarded", "rejected"):
        assert all(c.state == "stopped" and not c.missed for c in clocks((2, "info_requested"), (3, end)))
        assert summary_deadlines(summarise(clocks((5, "followed_up"), (6, end)), 7), T0 + 100 * H) == {
            "followup_due": None, "approval_due": None, "overdue": False}


def test_duplicate_and_out_of_order_events_give_the_same_clocks():
    events = timeline((5, "followed_up"), (6, "returned"), (8, "info_requested"))
    s = CalendarSchedule()
    assert replay("C1", list(reversed(events)), s) == replay("C1", events, s)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 40), st.sampled_from(
    ["info_requested", "citizen_replied", "claimed"])), max_size=8))
def test_followup_budget_is_conserved_across_pauses(steps):
    """Running time + time left always equals the 24-hour budget while nothing overran."""
    hours, state_paused, events = 0, False, []
    for gap, kind in steps:
        if kind == "info_requested" and state_paused or kind == "citizen_replied" and not state_paused:
            continue
        hours += gap
        events.append((hours, kind))
        state_paused = {"info_requested": True, "citizen_replied": False}.get(kind, state_paused)
    [c] = replay("C1", timeline(*events), CalendarSchedule())
    if c.state == "paused" and not c.missed:
        assert 0 <= c.remaining_seconds <= 24 * 3600
    if c.state == "running" and not c.missed:
        running_since = max(T0 + h * H for h, k in events if k == "citizen_replied") if any(
            k == "citizen_replied" for _, k in events) else T0
        assert c.due_at == running_since + timedelta(seconds=c.remaining_seconds)


def test_the_operator_who_held_the_complaint_answers_for_its_clock():
    events = timeline((1, "claimed"), (30, "transferred", {"from_opd": "DINKES", "to_opd": "RSUDAM"}))
    events[1] = Event("C1", 2, T0 + H, "claimed", "operator", actor_id="op-7")
    first, second = replay("C1", events, CalendarSchedule())
    assert (first.holder, first.missed, first.opd) == ("op-7", True, "DINKES")
    assert second.holder is None and second.opd == "RSUDAM"


class RulesDrivenCalendar(CalendarSchedule):
    """The same arithmetic, but the start/stop/pause/resume decisions come from rules/clocks."""

    def __init__(self):
        super().__init__()
        self.clock_actions = BundleSchedule(load_bundle()).clock_actions


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(["claimed", "followed_up", "approved", "returned", "info_requested",
                                 "citizen_replied", "transferred", "reopened", "forwarded"]),
                max_size=12))
def test_shipped_clock_rules_agree_with_the_reference_triggers(kinds):
    """rules/clocks (what policy staff edit) and the contract's default triggers give the same
    clocks for any timeline the lifecycle allows."""
    sources = {t.event: t.sources for t in TRANSITIONS.values()}
    status, steps = "assigned", []
    for i, kind in enumerate(kinds):
        if status not in {s.value for s in sources[kind]}:
            continue
        steps.append((i + 1, kind, {"to_opd": "RSUDAM"} if kind == "transferred" else {}))
        target = {t.event: t.target for t in TRANSITIONS.values()}[kind]
        status = target.value if target else status
    events = timeline(*steps)
    assert replay("C1", events, RulesDrivenCalendar()) == replay("C1", events, CalendarSchedule())


def test_a_follow_up_exactly_at_the_due_time_is_on_time():
    f, _ = clocks((24, "followed_up"))
    assert not f.missed
    [running] = clocks()
    assert not running.overdue_at(T0 + 24 * H) and running.overdue_at(T0 + 24 * H + timedelta(seconds=1))


def test_an_assigned_operator_answers_for_the_open_clock_like_a_claimer():
    events = timeline((1, "claimed"), (2, "assigned_to", {"operator": "op-9"}))
    events[1] = Event("C1", 2, T0 + H, "claimed", "operator", actor_id="op-7")
    [followup] = replay("C1", events, CalendarSchedule())
    assert followup.holder == "op-9" and followup.state == "running"
    # and keeps answering after a return restarts the clock, until a transfer clears it
    events += timeline((3, "followed_up"), (4, "returned"))[1:]
    events = [Event(e.complaint_id, i, e.at, e.type, e.actor_role, e.actor_id, e.note, e.data)
              for i, e in enumerate(events, start=1)]
    assert [c.holder for c in replay("C1", events, CalendarSchedule())] == ["op-9", "op-9", "op-9"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(["claimed", "followed_up", "approved", "returned", "info_requested",
                                 "citizen_replied", "transferred", "reopened", "staff_note",
                                 "assigned_to"]), max_size=12),
       st.sets(st.integers(0, 12)))
def test_staff_notes_move_no_clock_whatever_the_rules_say(kinds, notes_after):
    """rules/clocks start, stop, pause or resume nothing on a staff note (its only match, the
    pause rule in waiting_citizen, meets a clock already paused): a timeline with notes gives the
    clocks of the same timeline without them. The note keeps its own seq, as every event does."""
    sources = {t.event: t.sources for t in TRANSITIONS.values()}
    targets = {t.event: t.target for t in TRANSITIONS.values()}
    status, steps = "assigned", []
    for i, kind in enumerate(kinds):
        if status not in {s.value for s in sources[kind]}:
            continue
        data = {"to_opd": "RSUDAM"} if kind == "transferred" else (
            {"operator": "op-3"} if kind == "assigned_to" else {})
        steps.append((i + 1, kind, data))
        status = targets[kind].value if targets[kind] else status
    with_notes = timeline(*steps)
    for i in sorted(notes_after, reverse=True):
        if i < len(with_notes):
            at = with_notes[i].at + timedelta(minutes=1)
            with_notes.insert(i + 1, Event("C1", 0, at, "staff_note", "inspector", note="catatan"))
    with_notes = [Event(e.complaint_id, n, e.at, e.type, e.actor_role, e.actor_id, e.note, e.data)
                  for n, e in enumerate(with_notes, start=1)]
    without = [e for e in with_notes if e.type != "staff_note"]
    schedule = RulesDrivenCalendar()

    def shape(clocks):
        return [(c.name, c.opd, c.started_at, c.state, c.due_at, c.remaining_seconds, c.holder, c.ended_at,
                 c.ended_by) for c in clocks]
    assert shape(replay("C1", with_notes, schedule)) == shape(replay("C1", without, schedule))
    for e in with_notes:
        if e.type == "staff_note":
            for status in ("assigned", "followed_up", "resolved", "closed"):
                assert schedule.clock_actions("staff_note", status, status, e.at) == []
