"""The local stand-in for the attachments bucket's events: moto's S3 sends no notifications, so
this polls uploads/ and hands each new object to the app's `process_upload` handler as the event
EventBridge would send in production ("Object Created", adapters/s3_uploads.py).

Why a poller and not a hook in the upload: the upload is the browser's POST straight to moto
(the presigned form), which the stack never sees. An object is handed over once per (key, ETag):
the handler deletes what it processed or rejected, so what stays listed is new, or failed. A
failing object is retried `attempts` times and then left alone (as Lambda gives up on an event).
"""
from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from datetime import datetime, timezone

from chalicelib.adapters.s3_uploads import OBJECT_CREATED
from chalicelib.domain.attachments import UPLOADS

log = logging.getLogger("lampungin.uploads")


def object_created(bucket: str, key: str, *, size: int, etag: str = "", region: str = "ap-southeast-3",
                   at: datetime | None = None) -> dict:
    """The EventBridge event of one created object, as S3 sends it."""
    when = (at or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"version": "0", "id": str(uuid.uuid4()), "detail-type": OBJECT_CREATED, "source": "aws.s3",
            "account": "000000000000", "time": when, "region": region,
            "resources": [f"arn:aws:s3:::{bucket}"],
            "detail": {"version": "0", "bucket": {"name": bucket},
                       "object": {"key": key, "size": size, "etag": etag.strip('"')},
                       "request-id": "local", "requester": "local", "reason": "PostObject"}}


class UploadPoller:
    def __init__(self, client, bucket: str, invoke: Callable[[dict], object], *, region: str = "ap-southeast-3",
                 period: float = 1.0, attempts: int = 3, on_stats: Callable[[dict], None] | None = None):
        self.client, self.bucket, self.invoke, self.region = client, bucket, invoke, region
        self.period, self.attempts, self.on_stats = period, attempts, on_stats
        self._done: set[tuple[str, str]] = set()
        self._failures: dict[tuple[str, str], int] = {}
        self.stats: dict[str, int] = {"handed_over": 0, "failed": 0, "given_up": 0}

    def poll_once(self) -> int:
        """Hand every new object under uploads/ to the handler; returns how many were handed over."""
        listed, handed = set(), 0
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=UPLOADS)
        for obj in (o for page in pages for o in page.get("Contents", [])):
            seen = (obj["Key"], obj.get("ETag", ""))
            listed.add(seen)
            if seen in self._done:
                continue
            try:
                self.invoke(object_created(self.bucket, obj["Key"], size=int(obj.get("Size", 0)),
                                           etag=obj.get("ETag", ""), region=self.region))
            except Exception:          # the handler's own failure: retried on the next poll
                log.exception("processing %s failed", obj["Key"])
                self.stats["failed"] += 1
                self._failures[seen] = self._failures.get(seen, 0) + 1
                if self._failures[seen] < self.attempts:
                    continue
                self.stats["given_up"] += 1
            self._done.add(seen)
            handed += 1
        self._done &= listed                     # forget what is gone: memory stays bounded
        self._failures = {k: v for k, v in self._failures.items() if k in listed}
        self.stats["handed_over"] += handed
        return handed

    def run(self, stop: threading.Event) -> None:
        while not stop.wait(self.period):
            try:
                if self.poll_once() and self.on_stats:
                    self.on_stats({"bucket": self.bucket, **self.stats})
            except Exception:          # moto unreachable for a moment: try again on the next tick
                log.exception("listing %s failed", self.bucket)
