"""The complaint lifecycle: the transition table, who may act, and what each action records."""
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain.errors import DomainError, Forbidden, Invalid, WrongState
from chalicelib.domain.lifecycle import TRANSITIONS, Action, allowed_actions, decide, file_complaint
from chalicelib.domain.model import FINAL_STATUSES, Actor, Role, Status

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=timezone.utc)
CITIZEN = Actor("warga-1", Role.CITIZEN, name="Siti")
OTHER_CITIZEN = Actor("warga-2", Role.CITIZEN)
OPERATOR = Actor("op-1", Role.OPERATOR, "DINKES")
SUPERVISOR = Actor("spv-1", Role.SUPERVISOR, "DINKES")
OTHER_OPERATOR = Actor("op-9", Role.OPERATOR, "BAPENDA")
OTHER_SUPERVISOR = Actor("spv-9", Role.SUPERVISOR, "BAPENDA")
INSPECTOR = Actor("insp-1", Role.INSPECTOR)
ADMIN = Actor("adm-1", Role.ADMIN)
ACTORS = [CITIZEN, OTHER_CITIZEN, OPERATOR, SUPERVISOR, OTHER_OPERATOR, OTHER_SUPERVISOR, INSPECTOR, ADMIN]

PAYLOADS = {
    Action.CLAIM: {}, Action.FOLLOW_UP: {"message": "Sudah kami cek"}, Action.APPROVE: {},
    Action.RETURN: {"reason": "kurang lengkap"}, Action.TRANSFER: {"opd": "RSUDAM", "reason": "rumah sakit"},
    Action.FORWARD: {"jurisdiction": "METRO", "reason": "kewenangan kota"},
    Action.REJECT: {"reason": "bukan aduan"}, Action.REQUEST_INFO: {"question": "Di mana?"},
    Action.REPLY: {"message": "Di Metro"}, Action.RATE: {"stars": 4}, Action.REOPEN: {"reason": "belum beres"},
}


def filed(**kw):
    complaint, _ = file_complaint(
        complaint_id="ADU-261127-0000001", actor=CITIZEN, at=T0, category="rs-layanan",
        sector="kesehatan", opd="DINKES", title="Antrean lama", description="Antrean RS terlalu lama",
        location=None, visibility="private", anonymous=False, routing_rule="r1", rules_version="v1")
    return complaint.evolve(**kw) if kw else complaint


def test_every_status_and_action_of_the_contract_is_in_the_table():
    assert {a.value for a in Action} == {"claim", "follow_up", "approve", "return", "transfer", "forward",
                                         "reject", "request_info", "reply", "rate", "reopen"}
    reachable = {Status.ASSIGNED} | {t.target for t in TRANSITIONS.values() if t.target}
    assert reachable == set(Status)
    sources = set().union(*(t.sources for t in TRANSITIONS.values()))
    assert sources == set(Status) - FINAL_STATUSES      # final statuses have no way out


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


def test_allowed_actions_lists_what_decide_accepts():
    c = filed()
    for actor in ACTORS:
        for action in Action:
            ok = True
            try:
                decide(c, action, actor, T0, PAYLOADS[action])
            except DomainError:
                ok = False
            assert ok == (action in allowed_actions(actor, c)), (actor, action)


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
        assert new.version == c.version + 1 == event.seq
        assert event.type == rule.event and event.actor_role == actor.role.value
        timeline.append(event)
        c = new
    assert c.version == 1 + len(timeline)
    assert [e.seq for e in timeline] == list(range(2, 2 + len(timeline)))
