"""GIVEN any timeline, WHEN a list reads a complaint's deadlines from the summary the stream
stored instead of replaying the timeline, THEN it shows exactly what the replay shows, at any
time afterwards (the summary holds nothing that changes with time)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain.clocks import Clock, replay
from chalicelib.domain.deadline_summary import (
    NO_OPEN_CLOCKS,
    DeadlineSummary,
    OpenDeadline,
    summarise,
    summary_deadlines,
)
from chalicelib.domain.lifecycle import TRANSITIONS
from chalicelib.domain.model import Event, Status
from chalicelib.rules.bundle import load_bundle
from chalicelib.rules.schedule import BundleSchedule

T0 = datetime(2026, 11, 27, 2, 0, tzinfo=timezone.utc)       # Friday 09:00 WIB
H = timedelta(hours=1)
SCHEDULE = BundleSchedule(load_bundle())


def deadlines(clocks: list[Clock], now: datetime) -> dict:
    """The reference, straight from the replayed clocks: each open clock's due time, overdue
    when one of them ran out before `now`."""
    out: dict = {"followup_due": None, "approval_due": None, "overdue": False}
    for clock in clocks:
        if clock.state != "stopped":
            out[f"{clock.name}_due"] = clock.due_at
            out["overdue"] = out["overdue"] or clock.overdue_at(now)
    return out


def timeline(steps):
    """A timeline the lifecycle allows: each step takes one of the actions the current status
    permits (its index picks which), `gap` hours after the previous one."""
    events = [Event("C1", 1, T0, "submitted", "citizen", data={"opd": "DINKES"})]
    status, hours = Status.ASSIGNED, 0
    for gap, pick in steps:
        allowed = [t for t in TRANSITIONS.values() if status in t.sources]
        if not allowed:
            break
        t = allowed[pick % len(allowed)]
        hours += gap
        data = {"from_opd": "DINKES", "to_opd": "DISDIK"} if t.event == "transferred" else {}
        events.append(Event("C1", len(events) + 1, T0 + hours * H, t.event, "operator",
                            actor_id="op-1", data=data))
        status = t.target or status
    return events


@settings(max_examples=200, deadline=None)
@given(steps=st.lists(st.tuples(st.integers(0, 60), st.integers(0, 10)), max_size=8),
       later=st.integers(0, 400))
def test_the_summary_shows_what_the_replay_shows(steps, later):
    events = timeline(steps)
    clocks = replay("C1", events, SCHEDULE)
    summary = summarise(clocks, len(events))
    now = T0 + later * H
    assert summary_deadlines(summary, now) == deadlines(clocks, now)
    assert summary.basis_seq == len(events) and summary.is_current_for(len(events))
    assert not summary.is_current_for(len(events) + 1)


def test_overdue_is_strictly_after_the_due_time_and_paused_clocks_have_no_due_time():
    due = T0 + 24 * H
    running = DeadlineSummary(1, (OpenDeadline("followup", due, True),))
    assert summary_deadlines(running, due)["overdue"] is False
    assert summary_deadlines(running, due + timedelta(seconds=1)) == {
        "followup_due": due, "approval_due": None, "overdue": True}
    paused = DeadlineSummary(2, (OpenDeadline("followup", None, False),))
    assert summary_deadlines(paused, due + 100 * H) == {"followup_due": None, "approval_due": None,
                                                         "overdue": False}
    assert summary_deadlines(NO_OPEN_CLOCKS, due) == {"followup_due": None, "approval_due": None,
                                                      "overdue": False}
