"""One delivery on one channel (services/delivery.py and handlers.deliver): sent once however
often the queue hands it out, retried with backoff when the channel fails, dead-lettered when it
never can succeed; the in-app notification is untouched by any of it."""
from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.domain.people import Preferences
from chalicelib.handlers import deliver as deliver_handler
from chalicelib.services.delivery import DeliveryDeps, Outcome, RetryLater, Undeliverable, backoff_seconds, deliver
from chalicelib.services.ports import Delivery, DeliveryFailed, StoredNotification
from chalicelib.wiring import container
from tests.fakes_notifications import FakeDeliveryLog, FakeDeliveryQueue, FakeNotificationStore, FakePeople

T0 = datetime(2026, 11, 27, 2, 0, tzinfo=timezone.utc)
N = StoredNotification(id="ntf-" + "a" * 32, recipient="warga-1", at=T0, type="citizen.claimed",
                       complaint_id="ADU-1", source="event:ADU-1#2",
                       title={"id": "Aduan Anda ditangani", "en": "Your complaint is being handled"},
                       body={"id": "Petugas menangani aduan ADU-1.", "en": "An officer handles ADU-1."})
PERSON = Preferences(sub="warga-1", language="en", channels=("email", "sms"), email="warga@example.id",
                     phone="+6281234567890")


class Channel:
    def __init__(self, name="email", fail=None, delay=0.0):
        self.name, self.fail, self.delay, self.sent = name, fail, delay, []

    def send(self, to, message):
        time.sleep(self.delay)
        if self.fail is not None:
            raise self.fail
        self.sent.append((to, message))
        return "msg-1"


def world(channel=None, person=PERSON):
    store = FakeNotificationStore()
    store.add(N)
    channel = channel or Channel()
    deps = DeliveryDeps(notifications=store, people=FakePeople(*([person] if person else [])),
                        channels={channel.name: channel}, log=FakeDeliveryLog(), now=lambda: T0)
    return deps, channel


D = Delivery(channel="email", recipient="warga-1", notification_id=N.id)


def test_it_sends_in_the_persons_language_records_it_and_drops_every_later_copy():
    deps, channel = world()
    assert deliver(deps, D) == Outcome.SENT
    [(to, message)] = channel.sent
    assert to == "warga@example.id" and message.title == "Your complaint is being handled"
    assert deps.notifications.get("warga-1", N.id).delivered == {"email": T0}
    assert deps.log.lines[0]["channel"] == "email" and deps.log.lines[0]["address"] == "warga@example.id"
    assert deliver(deps, D) == Outcome.DUPLICATE and len(channel.sent) == 1


def test_two_workers_with_the_same_delivery_send_it_once():
    deps, channel = world(Channel(delay=0.05))
    outcomes, errors = [], []

    def work():
        try:
            outcomes.append(deliver(deps, D))
        except RetryLater as why:
            errors.append(why)
    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(channel.sent) == 1
    assert outcomes.count(Outcome.SENT) == 1 and len(outcomes) + len(errors) == 8


def test_a_failure_releases_the_lease_so_the_retry_can_send():
    deps, channel = world(Channel(fail=DeliveryFailed("503 from provider")))
    with pytest.raises(RetryLater):
        deliver(deps, D)
    channel.fail = None
    assert deliver(deps, D) == Outcome.SENT


def test_a_refused_address_is_undeliverable_and_nothing_else_is_tried():
    deps, _ = world(Channel(fail=DeliveryFailed("invalid number", retryable=False)))
    with pytest.raises(Undeliverable):
        deliver(deps, D)


def test_an_adapter_bug_is_a_retry_not_a_stuck_lease():
    deps, channel = world(Channel(fail=KeyError("oops")))
    with pytest.raises(RetryLater):
        deliver(deps, D)
    assert deps.notifications.leases == {}


def test_nothing_is_sent_without_an_address_a_channel_or_the_notification():
    deps, channel = world(person=Preferences(sub="warga-1", channels=()))
    assert deliver(deps, D) == Outcome.NO_ADDRESS
    assert deliver(deps, Delivery("push", "warga-1", N.id)) == Outcome.NO_CHANNEL
    assert deliver(deps, Delivery("email", "warga-1", "ntf-" + "b" * 32)) == Outcome.GONE
    assert channel.sent == []


def test_backoff_doubles_and_is_capped():
    assert [backoff_seconds(a, base=30) for a in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff_seconds(50, base=30) == 900


def sqs_record(delivery_body, receive_count=1):
    return {"Records": [{"body": delivery_body, "receiptHandle": "rh-1",
                         "attributes": {"ApproximateReceiveCount": str(receive_count)}}]}


def test_the_handler_backs_off_on_failure_dead_letters_the_undeliverable_and_drops_garbage():
    import json
    deps, channel = world(Channel(fail=DeliveryFailed("timeout")))
    queue = FakeDeliveryQueue()
    container.override(notifications=deps.notifications, people=deps.people, channels=deps.channels,
                       delivery_log=deps.log, delivery_queue=queue, now=lambda: T0)
    try:
        body = json.dumps({"channel": "email", "recipient": "warga-1", "notification_id": N.id})
        for attempt in (1, 2):
            with pytest.raises(RetryLater):
                deliver_handler("email", sqs_record(body, attempt))
        assert [d for _, _, d in queue.delays] == [30, 60]
        channel.fail = DeliveryFailed("bad address", retryable=False)
        assert deliver_handler("email", sqs_record(body, 3)) == {"outcomes": ["dead_letter"]}
        assert [d.notification_id for d, _ in queue.dead] == [N.id]
        assert deliver_handler("email", sqs_record("{not json")) == {"outcomes": ["malformed"]}
        assert deps.notifications.get("warga-1", N.id) is not None      # the in-app one stays
    finally:
        container.reset()


def test_a_lease_expires_so_a_crashed_worker_does_not_block_forever():
    deps, channel = world()
    assert deps.notifications.lease("warga-1", N.id, "email", now=T0, until=T0 + timedelta(minutes=2))
    deps.now = lambda: T0 + timedelta(minutes=1)
    with pytest.raises(RetryLater):
        deliver(deps, D)
    deps.now = lambda: T0 + timedelta(minutes=3)
    assert deliver(deps, D) == Outcome.SENT
