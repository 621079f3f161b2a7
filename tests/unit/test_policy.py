"""Who sees what: the privacy policy."""
from chalicelib.domain import policy
from tests.unit.test_lifecycle import (
    ADMIN,
    CITIZEN,
    INSPECTOR,
    OPERATOR,
    OTHER_CITIZEN,
    OTHER_OPERATOR,
    SUPERVISOR,
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
    assert policy.sanction_scope(OPERATOR) is None and policy.sanction_scope(CITIZEN) is None
