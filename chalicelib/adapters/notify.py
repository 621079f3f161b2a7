"""The decisions feed: every sanction, warning and report as one SNS message (for systems that
subscribe, such as a personnel system), or a log line where no topic is configured. People are
told through services/notifications.py, not through this. At least once; each message carries
its dedup id."""
from __future__ import annotations

import json
import logging
from typing import Any

log = logging.getLogger("lampungin.outbox")


class SnsNotifier:
    def __init__(self, topic_arn: str, region: str):
        self._topic_arn, self._region = topic_arn, region
        self._client: Any = None          # a boto3 SNS client, made on first use

    def publish(self, message: dict, dedup_id: str) -> None:
        if self._client is None:
            import boto3  # lazy: only the Lambdas that notify pay boto3's ~150 ms at cold start
            self._client = boto3.client("sns", region_name=self._region)
        self._client.publish(
            TopicArn=self._topic_arn, Message=json.dumps(message, ensure_ascii=False),
            MessageAttributes={"dedup_id": {"DataType": "String", "StringValue": dedup_id},
                               "type": {"DataType": "String", "StringValue": message.get("type", "")}})


class LogNotifier:
    def publish(self, message: dict, dedup_id: str) -> None:
        log.info("outbox %s %s %s", message.get("type"), message.get("rule_id"), dedup_id)
