"""The delivery queues as Lambda and SQS run them (moto's SQS, the local stack's QueuePoller, the
app's own handler, Twilio's API faked over HTTP, e-mail to the SMTP sink): a channel that fails
three times ends in its own dead-letter queue, the other channel of the same notification is
delivered meanwhile, and the in-app notification is there throughout."""
from __future__ import annotations

import dataclasses
from datetime import datetime, timezone

import boto3
import pytest
from moto import mock_aws

from chalicelib.adapters.channels.email import SmtpEmail
from chalicelib.adapters.channels.twilio import TwilioMessages
from chalicelib.adapters.delivery_queue import SqsDeliveryQueue
from chalicelib.adapters.dynamo.notifications import DynamoNotificationStore
from chalicelib.adapters.dynamo.tables import create_tables
from chalicelib.domain.people import Preferences
from chalicelib.handlers import deliver
from chalicelib.services.ports import Delivery, StoredNotification
from chalicelib.wiring import container
from lampungin.localstack.queues import QueuePoller, provision_delivery_queues
from lampungin.localstack.sinks import FakeTwilio, SmtpSink
from tests.fakes_notifications import FakeDeliveryLog, FakePeople

T0 = datetime(2026, 11, 27, 2, 0, tzinfo=timezone.utc)
PHONE = "+6281234567890"
N = StoredNotification(id="ntf-" + "c" * 32, recipient="warga-1", at=T0, type="citizen.followed_up",
                       complaint_id="ADU-1", source="event:ADU-1#3",
                       title={"id": "Aduan Anda sudah ditindaklanjuti", "en": "Your complaint was followed up"},
                       body={"id": "Jalan sudah diperbaiki.", "en": "The road was repaired."})


@pytest.fixture
def world(settings, tmp_path):
    twilio, smtp = FakeTwilio(tmp_path / "twilio", "AC" + "1" * 32, "secret"), SmtpSink(tmp_path / "mail")
    base_url, (host, port) = twilio.start(), smtp.start()
    with mock_aws():
        create_tables(boto3.client("dynamodb", region_name=settings.region), settings)
        sqs = boto3.client("sqs", region_name=settings.region)
        urls = provision_delivery_queues(sqs, settings, ["sms", "email"], visibility_seconds=0)
        store = DynamoNotificationStore(settings)
        store.add(N)
        container.override(
            settings=dataclasses.replace(settings, delivery_retry_seconds=0), notifications=store,
            people=FakePeople(Preferences(sub="warga-1", channels=("sms", "email"), phone=PHONE,
                                          email="warga@example.id")),
            channels={"sms": TwilioMessages("sms", "AC" + "1" * 32, "secret", "+6272100000001", base_url),
                      "email": SmtpEmail(host, port, "Lampung In <noreply@lampungin.local>")},
            delivery_queue=SqsDeliveryQueue(settings, sqs), delivery_log=FakeDeliveryLog(), now=lambda: T0)
        pollers = {ch: QueuePoller(sqs, url, lambda e, ch=ch: deliver(ch, e), region=settings.region,
                                   wait_seconds=0) for ch, url in urls.items()}
        yield sqs, urls, pollers, twilio, smtp, store
        container.reset()
    twilio.stop()
    smtp.stop()


def dead_letters(sqs, url):
    got = sqs.receive_message(QueueUrl=url + "-dlq", MaxNumberOfMessages=10, WaitTimeSeconds=0)
    return got.get("Messages", [])


def test_a_channel_failing_three_times_ends_in_its_dead_letter_queue_and_blocks_nothing(world):
    sqs, urls, pollers, twilio, smtp, store = world
    twilio.fail_numbers.add(PHONE)
    queue = container.delivery_queue
    queue.enqueue(Delivery("sms", "warga-1", N.id))
    queue.enqueue(Delivery("email", "warga-1", N.id))
    for _ in range(3):
        assert pollers["sms"].poll_once() == 1                 # received, failed, back on the queue
    assert pollers["sms"].stats["failed_invocations"] == 3
    assert pollers["email"].poll_once() == 1                   # e-mail was never held up
    pollers["sms"].poll_once()                                 # the fourth receive: SQS redrives it
    [dead] = dead_letters(sqs, urls["sms"])
    assert N.id in dead["Body"] and twilio.messages() == []
    [mail] = smtp.messages()
    assert mail["subject"] == "Aduan Anda sudah ditindaklanjuti"
    stored = store.get("warga-1", N.id)
    assert set(stored.delivered) == {"email"} and store.list("warga-1", limit=5, cursor=None).items


def test_a_delivery_handed_out_twice_is_sent_once(world):
    sqs, urls, pollers, twilio, smtp, store = world
    for _ in range(2):
        container.delivery_queue.enqueue(Delivery("sms", "warga-1", N.id))
    while pollers["sms"].poll_once():
        pass
    assert len(twilio.messages()) == 1 and dead_letters(sqs, urls["sms"]) == []


def test_a_number_twilio_refuses_is_dead_lettered_at_once(world):
    sqs, urls, pollers, twilio, smtp, store = world
    container.people.put(Preferences(sub="warga-1", channels=("sms",), phone="+62"))   # not a number
    container.delivery_queue.enqueue(Delivery("sms", "warga-1", N.id))
    assert pollers["sms"].poll_once() == 1 and pollers["sms"].stats["failed_invocations"] == 0
    assert len(dead_letters(sqs, urls["sms"])) == 1
