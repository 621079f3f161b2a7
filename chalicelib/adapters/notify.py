"""The outbox of sanctions and warnings: SNS in production; locally a log line and a JSON-lines
file under .local/. Delivery is at least once; each message carries its dedup id."""
from __future__ import annotations

import json
import logging
import threading
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


class FileNotifier:
    """Local stand-in: one JSON object per line, appended; and a log line without personal data."""

    def __init__(self, path: str):
        self._path, self._lock = path, threading.Lock()

    def publish(self, message: dict, dedup_id: str) -> None:
        line = json.dumps({"dedup_id": dedup_id, **message}, ensure_ascii=False)
        with self._lock, open(self._path, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")
        log.info("outbox %s %s %s -> %s", message.get("type"), message.get("rule_id"),
                 message.get("complaint_id"), ",".join(message.get("recipients", [])))


class LogNotifier:
    def publish(self, message: dict, dedup_id: str) -> None:
        log.info("outbox %s %s %s", message.get("type"), message.get("rule_id"), dedup_id)
