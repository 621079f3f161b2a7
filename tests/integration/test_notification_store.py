"""One contract suite for the notification store, on the fake, moto and DynamoDB Local: a
repeat of a notification changes nothing, a person's list is theirs alone and newest first with
forgery-proof cursors, read marks are set once, a channel lease lets exactly one worker deliver,
and the per-complaint progress marker only moves forward (and no list ever shows it)."""
from __future__ import annotations

import threading
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.services.ports import BadCursor, StoredNotification
from tests.integration.conftest import STORES, use_store

T0 = datetime(2026, 11, 27, 2, 0, tzinfo=timezone.utc)


@pytest.fixture(params=["fake", *STORES])
def store(request, settings):
    if request.param == "fake":
        from tests.fakes_notifications import FakeNotificationStore
        return FakeNotificationStore()
    use_store(request, request.param)
    if request.param == "dynamo":
        request.getfixturevalue("serializable_moto")
    from chalicelib.adapters.dynamo.notifications import DynamoNotificationStore
    return DynamoNotificationStore(settings)


def note(n, recipient="warga-1", minutes=None):
    return StoredNotification(id=f"ntf-{n:032x}", recipient=recipient,
                              at=T0 + timedelta(minutes=n if minutes is None else minutes),
                              type="citizen.claimed", complaint_id="ADU-1", source=f"event:ADU-1#{n}",
                              title={"id": f"Judul {n} — ✓", "en": f"Title {n}"},
                              body={"id": "Isi", "en": "Body"})


def test_a_repeat_changes_nothing_and_lists_are_per_person_newest_first(store):
    for n in range(5):
        assert store.add(note(n))
    assert not store.add(replace(note(3), title={"id": "lain", "en": "other"}))
    store.add(note(9, recipient="warga-2"))
    store.advance("ADU-1", 4)                     # the marker lives in the same table
    first = store.list("warga-1", limit=2, cursor=None)
    assert [n.id for n in first.items] == [note(4).id, note(3).id] and first.next
    assert first.items[1].title["id"] == "Judul 3 — ✓"
    rest = store.list("warga-1", limit=10, cursor=first.next)
    assert [n.id for n in rest.items] == [note(2).id, note(1).id, note(0).id] and rest.next is None
    assert [n.id for n in store.list("warga-2", limit=10, cursor=None).items] == [note(9).id]
    with pytest.raises(BadCursor):
        store.list("warga-2", limit=10, cursor=first.next)       # another person's cursor
    for forged in ("²", "x" * 2000, "eyJxIjpudWxsfQ"):
        with pytest.raises(BadCursor):
            store.list("warga-1", limit=10, cursor=forged)


def test_read_is_marked_once_and_only_by_the_recipient(store):
    store.add(note(1))
    assert store.mark_read("warga-2", note(1).id, T0) is None
    assert store.mark_read("warga-1", "ntf-" + "f" * 32, T0) is None
    assert store.mark_read("warga-1", note(1).id, T0).read_at == T0
    assert store.mark_read("warga-1", note(1).id, T0 + timedelta(hours=1)).read_at == T0


def test_one_lease_at_a_time_none_after_delivery_and_release_frees_it(store):
    store.add(note(1))
    nid, later = note(1).id, T0 + timedelta(minutes=2)
    assert store.lease("warga-1", nid, "email", now=T0, until=later)
    assert not store.lease("warga-1", nid, "email", now=T0 + timedelta(minutes=1), until=later)
    assert store.lease("warga-1", nid, "sms", now=T0, until=later)          # channels are apart
    assert store.lease("warga-1", nid, "email", now=T0 + timedelta(minutes=3), until=T0 + timedelta(minutes=5))
    store.release("warga-1", nid, "email")
    assert store.lease("warga-1", nid, "email", now=T0, until=later)
    store.delivered("warga-1", nid, "email", T0)
    assert store.get("warga-1", nid).delivered == {"email": T0}
    assert not store.lease("warga-1", nid, "email", now=T0 + timedelta(days=1), until=T0 + timedelta(days=2))
    assert not store.lease("warga-1", "ntf-" + "e" * 32, "email", now=T0, until=later)   # no such one


def test_parallel_leases_have_one_winner(store):
    store.add(note(1))
    wins = []

    def take():
        wins.append(store.lease("warga-1", note(1).id, "email", now=T0, until=T0 + timedelta(minutes=2)))
    threads = [threading.Thread(target=take) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert wins.count(True) == 1


def test_progress_only_moves_forward(store):
    assert store.progress("ADU-1") == 0
    store.advance("ADU-1", 3)
    store.advance("ADU-1", 2)
    assert store.progress("ADU-1") == 3 and store.progress("ADU-2") == 0


def test_queued_and_delete_all(store):
    for n in range(3):
        store.add(note(n))
    store.add(note(7, recipient="warga-2"))
    store.mark_queued("warga-1", note(0).id, T0)
    assert store.get("warga-1", note(0).id).queued_at == T0
    assert store.get("warga-1", note(1).id).queued_at is None
    assert store.add(replace(note(9), queued_at=T0))               # nothing to deliver: stored as queued
    assert store.get("warga-1", note(9).id).queued_at == T0
    assert store.delete_all("warga-1") == 4
    assert store.list("warga-1", limit=10, cursor=None).items == []
    assert store.get("warga-2", note(7).id) is not None
