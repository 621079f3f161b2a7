"""An SQS event-source mapping, done the way Lambda does it, for the local stack's delivery
queues (moto's SQS): receive one message, hand the function the event Lambda would send, delete
the message when the function returns, leave it when it raises (it comes back after its
visibility timeout, which the handler may have set to a backoff). moto applies each queue's
redrive policy itself: after `maxReceiveCount` receives the message moves to the dead-letter queue.
"""
from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger("lampungin.dev.queues")


def sqs_event(message: dict, queue_arn: str, region: str) -> dict:
    """The event Lambda's SQS integration hands a function for one message."""
    return {"Records": [{
        "messageId": message["MessageId"], "receiptHandle": message["ReceiptHandle"],
        "body": message.get("Body", ""), "attributes": message.get("Attributes", {}),
        "messageAttributes": message.get("MessageAttributes", {}), "md5OfBody": message.get("MD5OfBody"),
        "eventSource": "aws:sqs", "eventSourceARN": queue_arn, "awsRegion": region}]}


class QueuePoller:
    def __init__(self, client, queue_url: str, handler: Callable[[dict], Any], *, region: str,
                 wait_seconds: int = 1, on_stats: Callable[[dict], None] | None = None):
        self.client, self.queue_url, self.handler, self.region = client, queue_url, handler, region
        self.wait_seconds, self.on_stats = wait_seconds, on_stats
        self.queue_arn = client.get_queue_attributes(
            QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        self.stats: dict[str, Any] = {"queue": queue_url.rsplit("/", 1)[-1], "invocations": 0,
                                      "failed_invocations": 0, "last_error": None}

    def poll_once(self, wait_seconds: int | None = None) -> int:
        """Receive and handle at most one message; how many were handled (0: the queue was idle)."""
        got = self.client.receive_message(
            QueueUrl=self.queue_url, MaxNumberOfMessages=1, AttributeNames=["All"],
            MessageAttributeNames=["All"],
            WaitTimeSeconds=self.wait_seconds if wait_seconds is None else wait_seconds)
        messages = got.get("Messages", [])
        for message in messages:
            self.stats["invocations"] += 1
            try:
                self.handler(sqs_event(message, self.queue_arn, self.region))
            except Exception as exc:      # the message stays; SQS (moto) redelivers or dead-letters it
                self.stats["failed_invocations"] += 1
                self.stats["last_error"] = f"{type(exc).__name__}: {exc}"[:300]
                log.info("delivery handler failed on %s: %s", self.stats["queue"], self.stats["last_error"])
            else:
                self.client.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])
        if messages and self.on_stats is not None:
            self.on_stats(dict(self.stats))
        return len(messages)

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                self.poll_once()
            except Exception:             # moto stopping under us at shutdown, or a blip: go on
                if stop.wait(1.0):
                    return


def provision_delivery_queues(sqs, settings, channels, *, visibility_seconds: int = 30,
                              max_receives: int = 3) -> dict[str, str]:
    """Each channel's queue with its dead-letter queue, as infra/ creates them (idempotent)."""
    urls = {}
    for channel in channels:
        name = settings.queue_name(channel)
        dlq_url = sqs.create_queue(QueueName=f"{name}-dlq",
                                   Attributes={"MessageRetentionPeriod": "1209600"})["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        urls[channel] = sqs.create_queue(QueueName=name, Attributes={
            "VisibilityTimeout": str(visibility_seconds),
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(max_receives)}),
        })["QueueUrl"]
    return urls
