"""The quota and idempotency part of the ComplaintRepository contract (services/ports.py), run
against the fake, moto and DynamoDB Local: a filing takes one slot of the citizen's quota in its
own transaction, only if the slot is free; otherwise nothing at all is stored."""
from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.services.ports import DuplicateRequest, FilingContended, FirstRequest, QuotaClaim
from tests.integration.test_complaint_repository import T0, filed

DAY = timedelta(hours=24)
KEY = "quota:warga-1"


def claim(slot: int, at=T0) -> QuotaClaim:
    return QuotaClaim(KEY, slot, at, at - DAY)


def nothing_stored(repo, complaint, idempotency_key=None) -> bool:
    return (repo.get(complaint.id) is None and repo.timeline(complaint.id) == []
            and (idempotency_key is None or repo.first_request(idempotency_key) is None))


def test_an_unknown_quota_has_no_slots_taken(repo):
    quota = repo.quota(KEY)
    assert (quota.key, dict(quota.slots)) == (KEY, {})


def test_a_filing_takes_its_slot_in_the_same_transaction(repo):
    c, e = filed()
    repo.add(c, e, "idem:1", "h", quota=claim(7))
    assert repo.get(c.id) == c
    assert dict(repo.quota(KEY).slots) == {7: T0}
    assert repo.first_request("idem:1") == FirstRequest(c.id, "h")
    assert repo.first_request("idem:2") is None


def test_a_taken_slot_refuses_the_filing_and_stores_nothing(repo):
    repo.add(*filed(), quota=claim(0))
    c, e = filed(at=T0 + timedelta(minutes=5))
    with pytest.raises(FilingContended):
        repo.add(c, e, "idem:late", "h", quota=claim(0, T0 + timedelta(minutes=5)))
    assert nothing_stored(repo, c, "idem:late")
    assert dict(repo.quota(KEY).slots) == {0: T0}
    repo.add(c, e, "idem:late", "h", quota=claim(1, T0 + timedelta(minutes=5)))   # another slot
    assert dict(repo.quota(KEY).slots) == {0: T0, 1: T0 + timedelta(minutes=5)}


def test_a_slot_that_left_the_window_is_free_again(repo):
    repo.add(*filed(), quota=claim(0))
    later = T0 + DAY                   # the first filing is exactly 24 hours old
    c, e = filed(at=later)
    repo.add(c, e, quota=claim(0, later))
    assert dict(repo.quota(KEY).slots) == {0: later}


def test_a_repeated_key_wins_over_a_taken_slot(repo):
    first, first_event = filed()
    repo.add(first, first_event, "idem:k", "h1", quota=claim(0))
    second, second_event = filed()
    with pytest.raises(DuplicateRequest) as dup:
        repo.add(second, second_event, "idem:k", "h2", quota=claim(0))
    assert (dup.value.complaint_id, dup.value.request_hash) == (first.id, "h1")
    assert nothing_stored(repo, second)


def test_quota_slots_are_bounded(repo):
    c, e = filed()
    with pytest.raises(ValueError):
        repo.add(c, e, quota=claim(100))
    assert nothing_stored(repo, c)


def test_the_quota_shares_the_idempotency_table_under_the_same_key(settings):
    from chalicelib.adapters.dynamo.models import models_for

    m = models_for(settings)
    quota, idempotency = m.Quota._get_schema(), m.Idempotency._get_schema()
    assert m.Quota.Meta.table_name == m.Idempotency.Meta.table_name
    assert quota["key_schema"] == idempotency["key_schema"]
    assert quota["attribute_definitions"] == idempotency["attribute_definitions"]
