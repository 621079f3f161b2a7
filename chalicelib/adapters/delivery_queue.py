"""The channels' delivery queues on SQS: one queue per channel (settings.queue_name), each with
its own dead-letter queue (infra/), so a failing SMS provider never holds up e-mail or push."""
from __future__ import annotations

import json
import threading
from typing import Any

from ..services.ports import Delivery


def delivery_body(d: Delivery) -> str:
    return json.dumps({"channel": d.channel, "recipient": d.recipient, "notification_id": d.notification_id},
                      ensure_ascii=False, separators=(",", ":"))


def delivery_from_body(text: str) -> Delivery:
    """The delivery a queue message carries; ValueError when it is not one."""
    data = json.loads(text)
    if not isinstance(data, dict) or not all(isinstance(data.get(k), str) and data.get(k)
                                             for k in ("channel", "recipient", "notification_id")):
        raise ValueError("not a delivery message")
    return Delivery(channel=data["channel"], recipient=data["recipient"], notification_id=data["notification_id"])


class SqsDeliveryQueue:
    def __init__(self, settings, client=None):
        self._settings, self._client = settings, client
        self._urls: dict[str, str] = {}
        self._lock = threading.Lock()

    def _sqs(self) -> Any:
        if self._client is None:
            import boto3  # lazy: boto3 is ~150 ms of cold start, paid only by Lambdas that enqueue
            self._client = boto3.client("sqs", region_name=self._settings.region)
        return self._client

    def url(self, channel: str) -> str:
        with self._lock:
            if channel not in self._urls:
                name = self._settings.queue_name(channel)
                self._urls[channel] = self._sqs().get_queue_url(QueueName=name)["QueueUrl"]
            return self._urls[channel]

    def enqueue(self, delivery: Delivery) -> None:
        self._sqs().send_message(QueueUrl=self.url(delivery.channel), MessageBody=delivery_body(delivery))

    def dead_letter(self, delivery: Delivery, reason: str) -> None:
        """Straight to the channel's dead-letter queue (a delivery that can never succeed)."""
        name = self._settings.queue_name(delivery.channel) + "-dlq"
        url = self._sqs().get_queue_url(QueueName=name)["QueueUrl"]
        self._sqs().send_message(QueueUrl=url, MessageBody=delivery_body(delivery),
                                 MessageAttributes={"reason": {"DataType": "String", "StringValue": reason[:500]}})

    def retry_after(self, channel: str, receipt_handle: str, seconds: int) -> None:
        """Make a failed message visible again only after `seconds` (the backoff)."""
        self._sqs().change_message_visibility(QueueUrl=self.url(channel), ReceiptHandle=receipt_handle,
                                              VisibilityTimeout=max(0, min(seconds, 43_200)))
