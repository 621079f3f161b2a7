"""Where deliveries are noted. Locally: the outbox, a JSON-lines file under .local/ that
`lampungin outbox` shows (channel, recipient, address, text: what the person received). In
production: a log line with the channel and ids only, never the address or the text."""
from __future__ import annotations

import json
import logging
import threading
from datetime import datetime

from ..domain.times import iso_utc

log = logging.getLogger("lampungin.delivery")


class FileDeliveryLog:
    def __init__(self, path: str):
        self._path, self._lock = path, threading.Lock()

    def record(self, *, channel: str, recipient: str, address: str | None, notification_id: str,
               type: str, complaint_id: str | None, language: str, title: str, body: str,
               at: datetime) -> None:
        line = json.dumps({"at": iso_utc(at), "channel": channel, "recipient": recipient,
                           "address": address, "notification_id": notification_id, "type": type,
                           "complaint_id": complaint_id,
                           "language": language, "title": title, "body": body}, ensure_ascii=False)
        with self._lock, open(self._path, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")


class LogDeliveryLog:
    def record(self, *, channel: str, recipient: str, address: str | None, notification_id: str,
               type: str, complaint_id: str | None, language: str, title: str, body: str,
               at: datetime) -> None:
        log.info("delivered", extra={"channel": channel, "notification_id": notification_id, "type": type,
                                     "complaint_id": complaint_id,
                                     "recipient": recipient, "language": language})
