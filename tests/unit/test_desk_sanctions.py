"""A desk is not a person: GIVEN follow-up clocks nobody claimed (the OPD's operator desk answers),
WHEN they are missed again and again, THEN the shipped rules never give the desk a personal
written reprimand; the escalation is a decision against the OPD (its head answers), while a named
operator's repeat misses still escalate to their own written reprimand. The `answering` fact that
tells the two apart comes from the one domain function, `sanction_facts`."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain.clocks import Clock, ClockPolicy
from chalicelib.domain.lifecycle import Action
from chalicelib.domain.sanctions import MISSED, sanction_facts
from lampungin.rules.cases import compiled_bundle
from tests.unit.test_sweep import OPERATOR, World

AT = datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)
POLICY = ClockPolicy(24, "calendar", frozenset(), 75, {}, "2025-01-01", "followup")


def clock(name="followup", holder=None):
    return Clock("C1", name, 1, "DINKES", AT - timedelta(hours=30), POLICY, "running",
                 AT - timedelta(hours=6), -6 * 3600, None, None, holder)


@pytest.fixture(scope="module")
def bundle():
    return compiled_bundle()


def test_the_answering_fact_says_person_desk_or_opd():
    def facts(c):
        return sanction_facts(c, event=MISSED, at=AT, sector="kesehatan", category="c",
                              earlier_misses=0, earlier_opd_misses=0)
    assert facts(clock(holder="op-1"))["answering"] == "person"
    assert facts(clock())["answering"] == "desk"
    assert facts(clock("approval"))["answering"] == "opd"
    assert facts(clock())["subject_type"] == "operator"          # the desk still answers the clock


@settings(max_examples=60, deadline=None)
@given(earlier=st.integers(0, 12), holder=st.sampled_from([None, "op-1"]))
def test_a_desk_never_gets_a_personal_written_reprimand(bundle, earlier, holder):
    c = clock(holder=holder)
    facts = sanction_facts(c, event=MISSED, at=AT, sector="kesehatan", category="c",
                           earlier_misses=earlier, earlier_opd_misses=0)
    decisions = bundle.evaluate(facts, at=c.deadline)
    personal = [d for d in decisions if d.subject_type == "operator" and d.level == "teguran-tertulis"]
    threshold = int(bundle.parameter("sanctions.operator_written_warning_after", c.deadline))
    if holder is None:
        assert not personal
        opd = [d for d in decisions if d.subject_type == "opd"]
        assert bool(opd) == (earlier + 1 >= threshold)
        assert all(d.rule_id == "sanction.desk.repeat" for d in opd)
    else:
        assert bool(personal) == (earlier + 1 >= threshold)
    assert len(decisions) == 1                                   # one decision per miss either way


def test_through_the_sweep_the_desks_third_miss_is_the_opds():
    world = World()
    for day in range(3):
        world.file(day * 48)
        world.sweep(day * 48 + 30)
    assert world.issued() == sorted([
        ("operator", "DPMPTSP:desk", "followup", "teguran-lisan", "sanction.operator.miss"),
        ("operator", "DPMPTSP:desk", "followup", "teguran-lisan", "sanction.operator.miss"),
        ("opd", "DPMPTSP", "followup", "teguran-tertulis", "sanction.desk.repeat")])
    cid = world.file(200)                                        # claimed: the person answers
    world.act(cid, OPERATOR, Action.CLAIM, 201)
    world.sweep(230)
    assert ("operator", "op-1", "followup", "teguran-lisan", "sanction.operator.miss") in world.issued()


def test_the_opd_answers_for_its_desk_escalations_as_for_its_own_misses():
    """A desk escalation is a sanction against the OPD, so the Inspectorate hears of an OPD whose
    desk keeps missing and which then misses an approval (rules/sanctions/reports.yaml)."""
    world = World()
    for day in range(4):                                         # 2 desk reprimands, 2 escalations
        world.file(day * 30)
        world.sweep(day * 30 + 25)
    cid = world.file(130)
    world.act(cid, OPERATOR, Action.FOLLOW_UP, 131, message="sudah")
    world.sweep(131 + 73)                                        # the approval is missed too
    approval = [s.rule_id for s in world.sanctions.all() if s.clock == "approval"]
    assert sorted(approval) == ["report.opd.repeat", "sanction.opd.miss"]
