"""The complaint lifecycle: the transition table, who may act, and what each action records."""
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain.errors import Conflict, DomainError, Forbidden, Invalid, WrongState
from chalicelib.domain.lifecycle import (
    TAKEN_VIA,
    TRANSITIONS,
    Action,
    allowed_actions,
    changes_nothing,
    decide,
    file_complaint,
)
from chalicelib.domain.model import FINAL_STATUSES, Actor, Role, Status

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=timezone.utc)
CITIZEN = Actor("warga-1", Role.CITIZEN, name="Siti")
OTHER_CITIZEN = Actor("warga-2", Role.CITIZEN)
OPERATOR = Actor("op-1", Role.OPERATOR, "DINKES")
OPERATOR_2 = Actor("op-2", Role.OPERATOR, "DINKES")
SUPERVISOR = Actor("spv-1", Role.SUPERVISOR, "DINKES")
OTHER_OPERATOR = Actor("op-9", Role.OPERATOR, "BAPENDA")
OTHER_SUPERVISOR = Actor("spv-9", Role.SUPERVISOR, "BAPENDA")
INSPECTOR = Actor("insp-1", Role.INSPECTOR)
ADMIN = Actor("adm-1", Role.ADMIN)
ACTORS = [CITIZEN, OTHER_CITIZEN, OPERATOR, OPERATOR_2, SUPERVISOR, OTHER_OPERATOR, OTHER_SUPERVISOR,
          INSPECTOR, ADMIN]

PAYLOADS = {
    Action.CLAIM: {}, Action.FOLLOW_UP: {"message": "Sudah kami cek"}, Action.APPROVE: {},
    Action.RETURN: {"reason": "kurang lengkap"}, Action.TRANSFER: {"opd": "RSUDAM", "reason": "rumah sakit"},
    Action.FORWARD: {"jurisdiction": "METRO", "reason": "kewenangan kota"},
    Action.REJECT: {"reason": "bukan aduan"}, Action.REQUEST_INFO: {"question": "Di mana?"},
    Action.REPLY: {"message": "Di Metro"}, Action.RATE: {"stars": 4}, Action.REOPEN: {"reason": "belum beres"},
    Action.ASSIGN: {"operator": "op-2"}, Action.NOTE: {"note": "Pelapor menelepon ulang"},
    Action.HAND_OVER: {"jurisdiction": "BANDARLAMPUNG", "reason": "kewenangan kota",
                       "to_opd": "BANDARLAMPUNG.DINKES"},
    Action.DISPOSE: {"unit": "UPT-METRO"},
}


def filed(**kw):
    complaint, _ = file_complaint(
        complaint_id="ADU-261127-0000001", actor=CITIZEN, at=T0, category="rs-layanan",
        sector="kesehatan", opd="DINKES", title="Antrean lama", description="Antrean RS terlalu lama",
        location=None, visibility="private", anonymous=False, routing_rule="r1", rules_version="v1")
    return complaint.evolve(**kw) if kw else complaint


def test_every_status_and_action_of_the_contract_is_in_the_table():
    assert {a.value for a in Action} == {"claim", "follow_up", "approve", "return", "transfer", "forward",
                                         "reject", "request_info", "reply", "rate", "reopen", "assign",
                                         "note", "dispose", "hand_over"}
    reachable = {Status.ASSIGNED} | {t.target for t in TRANSITIONS.values() if t.target}
    assert reachable == set(Status)
    sources = set().union(*(t.sources for t in TRANSITIONS.values() if t.target))
    assert sources == set(Status) - FINAL_STATUSES      # final statuses have no way out
    assert [a for a, t in TRANSITIONS.items() if t.sources & FINAL_STATUSES] == [Action.NOTE]


def test_filing_assigns_and_records_submitted():
    complaint, event = file_complaint(
        complaint_id="X", actor=CITIZEN, at=T0, category="c", sector="kesehatan", opd="DINKES",
        title="t", description="d", location=None, visibility="public", anonymous=True,
        routing_rule="r", rules_version="v")
    assert complaint.status == Status.ASSIGNED and complaint.version == 1
    assert (event.type, event.seq, event.actor_role) == ("submitted", 1, "citizen")
    with pytest.raises(Forbidden):
        file_complaint(complaint_id="X", actor=OPERATOR, at=T0, category="c", sector="s", opd="DINKES",
                       title="t", description="d", location=None, visibility="private",
                       anonymous=False, routing_rule=None, rules_version=None)


def test_happy_path_to_closed():
    c = filed()
    steps = [(OPERATOR, Action.CLAIM, Status.ASSIGNED), (OPERATOR, Action.FOLLOW_UP, Status.FOLLOWED_UP),
             (SUPERVISOR, Action.APPROVE, Status.RESOLVED), (CITIZEN, Action.RATE, Status.CLOSED)]
    for i, (actor, action, status) in enumerate(steps, start=2):
        c, e = decide(c, action, actor, T0 + timedelta(hours=i), PAYLOADS[action])
        assert c.status == status and c.version == i and e.seq == i
    assert c.assignee == "op-1" and c.rating.stars == 4


@pytest.mark.parametrize("actor", [OTHER_OPERATOR, OTHER_SUPERVISOR, INSPECTOR, ADMIN, OTHER_CITIZEN, CITIZEN])
def test_only_the_opds_operator_may_follow_up(actor):
    with pytest.raises(Forbidden):
        decide(filed(), Action.FOLLOW_UP, actor, T0, PAYLOADS[Action.FOLLOW_UP])


def test_wrong_state_is_refused():
    with pytest.raises(WrongState):
        decide(filed(), Action.APPROVE, SUPERVISOR, T0, {})


def test_transfer_moves_to_the_other_opd_and_clears_the_assignee():
    c = filed(assignee="op-1")
    new, e = decide(c, Action.TRANSFER, SUPERVISOR, T0, PAYLOADS[Action.TRANSFER])
    assert (new.opd, new.assignee, new.status) == ("RSUDAM", None, Status.ASSIGNED)
    assert e.data == {"from_opd": "DINKES", "to_opd": "RSUDAM"}
    with pytest.raises(Invalid):
        decide(c, Action.TRANSFER, SUPERVISOR, T0, {"opd": "DINKES", "reason": "x"})


def test_rating_must_be_one_to_five():
    c = filed(status=Status.RESOLVED)
    for stars in (0, 6, True, "5"):
        with pytest.raises(Invalid):
            decide(c, Action.RATE, CITIZEN, T0, {"stars": stars})


@pytest.mark.parametrize("complaint", [
    filed(), filed(assignee="op-1"), filed(status=Status.WAITING_CITIZEN, assignee="op-1"),
    filed(status=Status.FOLLOWED_UP, assignee="op-1"), filed(status=Status.RESOLVED), filed(status=Status.CLOSED),
], ids=["new", "claimed", "waiting", "followed-up", "resolved", "closed"])
def test_allowed_actions_lists_what_decide_accepts_and_would_change(complaint):
    for actor in ACTORS:
        for action in Action:
            ok = True
            try:
                decide(complaint, action, actor, T0, PAYLOADS[action])
            except DomainError:
                ok = False
            if action == Action.ASSIGN and ok:       # which operator is the caller's choice
                assert action in allowed_actions(actor, complaint)
                continue
            if action in TAKEN_VIA:                  # offered as the route it is taken through
                assert action not in allowed_actions(actor, complaint)
                assert ok == (TAKEN_VIA[action] in allowed_actions(actor, complaint)), (actor, action)
                continue
            ok = ok and not changes_nothing(complaint, action, actor, PAYLOADS[action])
            assert ok == (action in allowed_actions(actor, complaint)), (actor, action)


@pytest.mark.parametrize("action", [Action.APPROVE, Action.RETURN, Action.TRANSFER, Action.FORWARD,
                                    Action.REJECT])
def test_in_followed_up_only_the_supervisor_moves_the_complaint(action):
    c = filed(status=Status.FOLLOWED_UP, assignee="op-1")
    for actor in (OPERATOR, OPERATOR_2, INSPECTOR, ADMIN, CITIZEN):
        with pytest.raises(Forbidden):
            decide(c, action, actor, T0, PAYLOADS[action])
        assert action not in allowed_actions(actor, c)
    new, _ = decide(c, action, SUPERVISOR, T0, PAYLOADS[action])
    assert new.status != Status.FOLLOWED_UP
    assert Action.TRANSFER in allowed_actions(OPERATOR, filed())     # before the follow-up it may


def test_a_supervisors_transfer_in_followed_up_records_that_it_decides_the_approval():
    _, event = decide(filed(status=Status.FOLLOWED_UP), Action.TRANSFER, SUPERVISOR, T0, PAYLOADS[Action.TRANSFER])
    assert event.data == {"from_opd": "DINKES", "to_opd": "RSUDAM", "decides_approval": True}
    _, event = decide(filed(), Action.TRANSFER, SUPERVISOR, T0, PAYLOADS[Action.TRANSFER])
    assert "decides_approval" not in event.data


def test_a_claim_is_exclusive_and_reclaiming_ones_own_changes_nothing():
    claimed, _ = decide(filed(), Action.CLAIM, OPERATOR, T0, {})
    with pytest.raises(Conflict) as err:
        decide(claimed, Action.CLAIM, OPERATOR_2, T0, {})
    assert err.value.code == "already_claimed"
    decide(claimed, Action.CLAIM, OPERATOR, T0, {})                  # accepted ...
    assert changes_nothing(claimed, Action.CLAIM, OPERATOR)          # ... and changes nothing
    assert not changes_nothing(filed(), Action.CLAIM, OPERATOR)
    with pytest.raises(Forbidden):                                   # the OPD decides, not others
        decide(claimed, Action.CLAIM, OTHER_OPERATOR, T0, {})


def test_the_supervisor_assigns_an_operator():
    claimed, _ = decide(filed(), Action.CLAIM, OPERATOR, T0, {})
    new, event = decide(claimed, Action.ASSIGN, SUPERVISOR, T0, {"operator": "op-2"})
    assert new.assignee == "op-2" and (event.type, event.data) == ("assigned_to", {"operator": "op-2"})
    assert new.status == claimed.status and new.version == claimed.version + 1
    assert changes_nothing(new, Action.ASSIGN, SUPERVISOR, {"operator": "op-2"})
    for actor in (OPERATOR, INSPECTOR, OTHER_SUPERVISOR, CITIZEN):
        with pytest.raises(Forbidden):
            decide(claimed, Action.ASSIGN, actor, T0, {"operator": "op-2"})
    with pytest.raises(Invalid):
        decide(claimed, Action.ASSIGN, SUPERVISOR, T0, {})
    with pytest.raises(WrongState):
        decide(filed(status=Status.RESOLVED), Action.ASSIGN, SUPERVISOR, T0, {"operator": "op-2"})


@pytest.mark.parametrize("status", list(Status))
def test_a_staff_note_changes_nothing_but_the_version_in_any_status(status):
    c = filed(status=status, assignee="op-1")
    for actor in (OPERATOR, OPERATOR_2, SUPERVISOR, INSPECTOR):
        new, event = decide(c, Action.NOTE, actor, T0 + timedelta(hours=1), PAYLOADS[Action.NOTE])
        assert new == c.evolve(version=c.version + 1, updated_at=T0 + timedelta(hours=1))
        assert (event.type, event.seq, event.note) == ("staff_note", c.version + 1, "Pelapor menelepon ulang")
    for actor in (CITIZEN, OTHER_CITIZEN, ADMIN, OTHER_OPERATOR):
        with pytest.raises(Forbidden):
            decide(c, Action.NOTE, actor, T0, PAYLOADS[Action.NOTE])


steps = st.lists(st.tuples(st.sampled_from(ACTORS), st.sampled_from(list(Action)), st.booleans()),
                 max_size=40)


@settings(max_examples=300, deadline=None)
@given(steps)
def test_random_action_sequences_stay_inside_the_table(sequence):
    """No sequence reaches a state the table does not allow; every accepted action leaves exactly
    one event; a rejected action changes nothing."""
    c, timeline = filed(), []
    for i, (actor, action, with_payload) in enumerate(sequence):
        at = T0 + timedelta(minutes=i)
        payload = PAYLOADS[action] if with_payload else {}
        before = c
        try:
            new, event = decide(c, action, actor, at, payload)
        except DomainError:
            assert c == before
            continue
        rule = TRANSITIONS[action]
        assert c.status in rule.sources
        assert new.status == (rule.target or c.status)
        if c.status == Status.FOLLOWED_UP and new.status != c.status:
            assert actor == SUPERVISOR                   # only the supervisor decides there
        if action == Action.CLAIM:
            assert c.assignee in (None, actor.sub)       # nobody claims over a claim
        if new.assignee != c.assignee:
            assert action in (Action.CLAIM, Action.ASSIGN, Action.FOLLOW_UP, Action.TRANSFER, Action.HAND_OVER,
                              Action.DISPOSE)
        assert new.version == c.version + 1 == event.seq
        assert event.type == rule.event and event.actor_role == actor.role.value
        timeline.append(event)
        c = new
    assert c.version == 1 + len(timeline)
    assert [e.seq for e in timeline] == list(range(2, 2 + len(timeline)))
