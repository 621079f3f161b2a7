"""Storing and queueing notifications (services/notifications.send): a notification whose person
gave no address for any channel is stored as queued already — one write, no update after it
(issue 16: at ≈ 3 KB and with its copy in the `by_time` index, each such update cost ≈ 6 write
units) — while one with an address is stored, its deliveries queued, then marked queued; a
repeated run queues nothing twice and leaves a half-finished one finished."""
from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import datetime, timezone

import pytest

from chalicelib.domain.notifications import Draft
from chalicelib.domain.people import Preferences
from chalicelib.rules.bundle import load_bundle
from chalicelib.services.notifications import NotifyDeps, send
from tests.fakes_notifications import (
    FakeDeliveryLog,
    FakeDeliveryQueue,
    FakeNotificationStore,
    FakePeople,
    FakeStaffDirectory,
)

T0 = datetime(2026, 11, 27, 2, 0, tzinfo=timezone.utc)
T1 = datetime(2026, 11, 27, 2, 5, tzinfo=timezone.utc)


class CountingStore(FakeNotificationStore):
    def __init__(self):
        super().__init__()
        self.calls: Counter = Counter()

    def add(self, n):
        self.calls["add"] += 1
        return super().add(n)

    def mark_queued(self, recipient, notification_id, at):
        self.calls["mark_queued"] += 1
        return super().mark_queued(recipient, notification_id, at)


@pytest.fixture(scope="module")
def bundle():
    return load_bundle()


def deps(bundle, *people):
    return NotifyDeps(notifications=CountingStore(), staff=FakeStaffDirectory(), people=FakePeople(*people),
                      queue=FakeDeliveryQueue(), log=FakeDeliveryLog(), rules=bundle,
                      channels=frozenset({"email", "sms"}), now=lambda: T1)


def draft(recipient):
    return Draft(id=f"ntf-{recipient:0<32}"[:36], recipient=recipient, type="citizen.claimed", at=T0,
                 complaint_id="ADU-1", source="event:ADU-1#2",
                 params={"complaint_id": "ADU-1", "opd": {"id": "Dinas Kesehatan", "en": "Health Office"}})


def test_without_an_address_it_is_one_write_stored_as_queued(bundle):
    d = deps(bundle)                                          # nobody gave preferences
    send(d, [draft("warga-1")])
    assert d.notifications.calls == {"add": 1}
    [stored] = d.notifications.items.values()
    assert stored.queued_at == T1 and d.queue.queued == []
    assert [line["channel"] for line in d.log.lines] == ["in_app"]
    send(d, [draft("warga-1")])                               # the stream's record, replayed
    assert d.notifications.calls == {"add": 2} and d.queue.queued == []


def test_with_an_address_its_deliveries_are_queued_then_it_is_marked(bundle):
    person = Preferences(sub="warga-2", language="id", channels=("email",), email="w2@example.id")
    d = deps(bundle, person)
    send(d, [draft("warga-2")])
    assert d.notifications.calls == {"add": 1, "mark_queued": 1}
    assert [(q.channel, q.recipient) for q in d.queue.queued] == [("email", "warga-2")]
    [stored] = d.notifications.items.values()
    assert stored.queued_at == T1
    send(d, [draft("warga-2")])                               # replayed: queued before, not again
    assert len(d.queue.queued) == 1 and d.notifications.calls["mark_queued"] == 1


def test_a_run_that_stopped_before_queueing_is_finished_by_the_next(bundle):
    person = Preferences(sub="warga-3", language="id", channels=("sms",), phone="+6281234567890")
    d = deps(bundle, person)
    send(d, [draft("warga-3")])
    key = next(iter(d.notifications.items))
    d.notifications.items[key] = replace(d.notifications.items[key], queued_at=None)   # died before the mark
    d.queue.queued.clear()
    send(d, [draft("warga-3")])
    assert [(q.channel, q.recipient) for q in d.queue.queued] == [("sms", "warga-3")]
    assert d.notifications.items[key].queued_at == T1
