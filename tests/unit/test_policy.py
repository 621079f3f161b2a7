"""Who sees what: the privacy policy, per complaint, per timeline event and per field."""
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain import policy
from chalicelib.domain.lifecycle import STATUS_AFTER
from chalicelib.domain.model import Actor, Event, Role
from tests.unit.test_lifecycle import (
    ADMIN,
    CITIZEN,
    INSPECTOR,
    OPERATOR,
    OPERATOR_2,
    OTHER_CITIZEN,
    OTHER_OPERATOR,
    OTHER_SUPERVISOR,
    SUPERVISOR,
    T0,
    filed,
)


def test_private_complaint_is_seen_by_owner_opd_staff_and_oversight_only():
    c = filed()
    assert [policy.can_see(a, c) for a in (CITIZEN, OPERATOR, SUPERVISOR, INSPECTOR, ADMIN)] == [True] * 5
    assert not policy.can_see(OTHER_CITIZEN, c)
    assert not policy.can_see(OTHER_OPERATOR, c)
    assert not policy.can_see(None, c)


def test_public_complaint_is_seen_by_other_citizens_without_the_reporter():
    c = filed(visibility="public")
    assert policy.can_see(OTHER_CITIZEN, c)
    assert not policy.shows_reporter(OTHER_CITIZEN, c)
    assert not policy.can_see(OTHER_OPERATOR, c)


def test_anonymous_reporter_is_never_shown_to_staff():
    c = filed(anonymous=True)
    assert policy.shows_reporter(CITIZEN, c)
    assert not any(policy.shows_reporter(a, c) for a in (OPERATOR, SUPERVISOR, INSPECTOR, ADMIN))
    assert policy.shows_reporter(OPERATOR, filed())


def test_listing_scope():
    assert policy.listing_scope(CITIZEN) == {"reporter": "warga-1"}
    assert policy.listing_scope(OPERATOR) == {"opd": "DINKES"}
    assert policy.listing_scope(INSPECTOR) == {}


def test_sanction_scope():
    assert policy.sanction_scope(SUPERVISOR) == {"opd": "DINKES"}
    assert policy.sanction_scope(INSPECTOR) == {} and policy.sanction_scope(ADMIN) == {}
    assert policy.sanction_scope(OPERATOR) == {"opd": "DINKES", "subject": "operator#op-1"}   # their own
    assert policy.sanction_scope(CITIZEN) is None


# --- per event: who gets which event and which of its fields (domain/policy.EVENTS) --------------
ALL_CALLERS = [CITIZEN, OTHER_CITIZEN, OPERATOR, OPERATOR_2, SUPERVISOR, OTHER_OPERATOR, OTHER_SUPERVISOR,
               INSPECTOR, ADMIN, None]
CITIZEN_WORDS = ("citizen_replied", "rated", "reopened")     # what the reporter wrote in the timeline
STAFF_ONLY_NOTES = ("staff_note", "returned", "approved")


def event(kind, actor_role="operator", actor_id="op-1", note="kata-kata rahasia", **data):
    return Event("ADU-261127-0000001", 2, T0, kind, actor_role, actor_id, note, data)


def test_every_event_type_the_system_records_has_a_row_in_the_table():
    assert set(STATUS_AFTER) | {"staff_note"} == set(policy.EVENTS)


def test_audiences():
    c = filed()
    got = [policy.audience(a, c) for a in ALL_CALLERS]
    assert got == ["owner", "other_citizen", "opd_staff", "opd_staff", "opd_staff", "other_staff",
                   "other_staff", "oversight", "oversight", "public"]


def test_a_citizens_reply_reaches_the_owner_the_opds_staff_and_oversight_only():
    c = filed(visibility="public", anonymous=True)
    reply = event("citizen_replied", "citizen", "warga-1", "NIK 1871")
    for who in (CITIZEN, OPERATOR, SUPERVISOR, INSPECTOR, ADMIN):
        assert policy.visible_event(who, c, reply).note == "NIK 1871"
    for who in (OTHER_CITIZEN, OTHER_OPERATOR, None):
        assert policy.visible_event(who, c, reply) is None            # not even that there was one
    assert policy.visible_event(OPERATOR, c, reply).actor_id is None    # anonymous: no identity
    assert policy.visible_event(CITIZEN, c, reply).actor_id == "warga-1"
    assert policy.visible_event(OPERATOR, replace(c, anonymous=False), reply).actor_id == "warga-1"


def test_the_return_reason_and_staff_notes_are_for_staff_only():
    c = filed(visibility="public")
    for kind in ("returned", "staff_note"):
        e = event(kind)
        for who in (OPERATOR, SUPERVISOR, INSPECTOR, ADMIN):
            assert policy.visible_event(who, c, e).note == "kata-kata rahasia"
        owner_view = policy.visible_event(CITIZEN, c, e)
        assert owner_view is None if kind == "staff_note" else owner_view.note is None
    assert policy.visible_event(OTHER_CITIZEN, c, event("returned")).note is None


def test_data_fields_are_an_allow_list():
    c = filed(visibility="public")
    moved = event("transferred", from_opd="DINKES", to_opd="RSUDAM", decides_approval=True, secret="x")
    assert policy.visible_event(OTHER_CITIZEN, c, moved).data == {"from_opd": "DINKES", "to_opd": "RSUDAM",
                                                                 "decides_approval": True}
    assert "secret" not in policy.visible_event(ADMIN, c, moved).data        # unlisted: nobody
    assigned = event("assigned_to", actor_role="supervisor", operator="op-2")
    assert policy.visible_event(SUPERVISOR, c, assigned).data == {"operator": "op-2"}
    assert policy.visible_event(CITIZEN, c, assigned).data == {}
    assert policy.visible_event(CITIZEN, c, assigned).actor_id is None       # citizens see roles
    rated = event("rated", "citizen", "warga-1", "kasar", stars=2)
    assert policy.visible_event(OTHER_CITIZEN, c, rated).data == {} and policy.visible_event(
        OTHER_CITIZEN, c, rated).note is None
    assert policy.visible_event(CITIZEN, c, rated).data == {"stars": 2}


def test_an_event_type_nobody_decided_about_reaches_nobody():
    for who in ALL_CALLERS:
        assert policy.visible_event(who, filed(), event("something_new")) is None


def test_the_complaint_view_is_an_allow_list_too():
    public = filed(visibility="public", anonymous=True)
    other = policy.complaint_fields(OTHER_CITIZEN, public)
    assert {"title", "description", "location", "status", "deadlines"} <= other
    assert not other & {"reporter", "rating", "assignee"}
    assert "title" not in policy.complaint_fields(None, filed())           # private: not its words
    assert "reporter" not in policy.complaint_fields(OPERATOR, public)     # anonymous
    assert {"reporter", "rating"} <= policy.complaint_fields(CITIZEN, public)
    assert "assignee" not in policy.complaint_fields(CITIZEN, public)
    assert {"reporter", "rating", "assignee"} <= policy.complaint_fields(SUPERVISOR, filed())


# Properties over every event type, every caller relation and every complaint setting.
KINDS = st.sampled_from([*policy.EVENTS, "other", ""])
CALLERS = st.sampled_from(ALL_CALLERS) | st.builds(
    Actor, st.sampled_from(["warga-1", "warga-9", "op-1", "x"]), st.sampled_from(list(Role)),
    st.sampled_from([None, "DINKES", "BAPENDA"]))
COMPLAINTS = st.builds(lambda vis, anon: filed(visibility=vis, anonymous=anon),
                       st.sampled_from(["private", "public"]), st.booleans())
ROLES = st.sampled_from([r.value for r in Role])


@settings(max_examples=500, deadline=None)
@given(kind=KINDS, caller=CALLERS, complaint=COMPLAINTS, actor_role=ROLES,
       data=st.dictionaries(st.sampled_from(["opd", "operator", "stars", "to_opd", "x"]), st.text(max_size=3)))
def test_nobody_outside_the_case_reads_a_citizens_words_or_a_staff_note(kind, caller, complaint, actor_role, data):
    e = event(kind, actor_role, "warga-1" if actor_role == "citizen" else "staff-1", "WORDS", **data)
    shown = policy.visible_event(caller, complaint, e)
    who = policy.audience(caller, complaint)
    outside = who in (policy.Audience.OTHER_CITIZEN, policy.Audience.PUBLIC, policy.Audience.OTHER_STAFF)
    if shown is None:
        return
    if outside:
        assert shown.note is None                    # no words at all reach outsiders
        assert kind not in ("citizen_replied", "staff_note")
        assert shown.actor_id is None
        assert "operator" not in shown.data and "stars" not in shown.data
    if who == policy.Audience.OWNER and kind in STAFF_ONLY_NOTES:
        assert shown.note is None
    if kind == "staff_note":
        assert who in (policy.Audience.OPD_STAFF, policy.Audience.OVERSIGHT)
    if actor_role == "citizen" and complaint.anonymous and who != policy.Audience.OWNER:
        assert shown.actor_id is None                # an anonymous reporter is nobody's to know
    if actor_role != "citizen" and caller is not None and caller.role == Role.CITIZEN:
        assert shown.actor_id is None                # citizens see staff roles, not staff ids
    assert set(shown.data) <= set(e.data) and shown.source_ip is None
    assert (shown.at, shown.type, shown.seq, shown.actor_role) == (e.at, e.type, e.seq, e.actor_role)
