"""What each person is told, on DynamoDB: one partition per recipient, conditional puts under the
notification's deterministic id (a repeat changes nothing), newest first through the `by_time`
LSI. Delivery state per channel lives on the item itself: a lease (the one worker that may send
now) and the time it was delivered, both set with conditions, so two workers never both send.
"""
from __future__ import annotations

import re
from datetime import datetime

from pynamodb.exceptions import DoesNotExist

from ...domain.people import DELIVERY_CHANNELS as CHANNELS
from ...services.paging import check_limit, decode_cursor, encode_cursor, query_tag
from ...services.ports import Page, StoredNotification
from .conditional import save_if, update_if
from .models import models_for, to_iso

PROGRESS = "progress"
AT_KEY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z#ntf-[0-9a-f]{32}")
NOTIFICATION_ID = re.compile(r"ntf-[0-9a-f]{32}")


def _progress_key(complaint_id: str) -> str:
    return f"complaint:{complaint_id}"


def _from_item(i) -> StoredNotification:
    return StoredNotification(
        id=i.id, recipient=i.recipient, at=i.at, type=i.type, complaint_id=i.complaint_id,
        title=i.title or {}, body=i.body or {}, source=i.source, read_at=i.read_at,
        queued_at=i.queued_at,
        delivered={ch: getattr(i, f"delivered_{ch}") for ch in CHANNELS if getattr(i, f"delivered_{ch}")})


class DynamoNotificationStore:
    def __init__(self, settings):
        m = models_for(settings)
        self._M, self._P = m.Notification, m.NotificationProgress

    def add(self, n: StoredNotification) -> bool:
        M = self._M
        item = M(n.recipient, n.id, at=n.at, at_key=f"{to_iso(n.at)}#{n.id}", type=n.type,
                 complaint_id=n.complaint_id, title=dict(n.title), body=dict(n.body), source=n.source,
                 queued_at=n.queued_at)
        return save_if(item, M.id.does_not_exist())

    def get(self, recipient: str, notification_id: str) -> StoredNotification | None:
        if not NOTIFICATION_ID.fullmatch(notification_id or ""):
            return None
        try:
            return _from_item(self._M.get(recipient, notification_id, consistent_read=True))
        except DoesNotExist:
            return None

    def list(self, recipient: str, *, limit: int, cursor: str | None) -> Page:
        M = self._M
        check_limit(limit)
        tag = query_tag("notifications", recipient)
        start = None
        if cursor:
            pos = decode_cursor(cursor, {"q": tag, "id": NOTIFICATION_ID, "at_key": AT_KEY})
            start = {"recipient": {"S": recipient}, "id": {"S": pos["id"]}, "at_key": {"S": pos["at_key"]}}
        items = [*M.by_time_index.query(recipient, scan_index_forward=False, limit=limit + 1,
                                        page_size=limit + 1, last_evaluated_key=start)]
        page = items[:limit]
        nxt = (encode_cursor({"q": tag, "id": page[-1].id, "at_key": page[-1].at_key})
               if len(items) > limit else None)
        return Page([_from_item(i) for i in page], nxt)

    def mark_read(self, recipient: str, notification_id: str, at: datetime) -> StoredNotification | None:
        M = self._M
        if self.get(recipient, notification_id) is None:
            return None
        item = M(recipient, notification_id)
        update_if(item, [M.read_at.set(at)], M.at_key.exists() & M.read_at.does_not_exist())
        return self.get(recipient, notification_id)

    def mark_queued(self, recipient: str, notification_id: str, at: datetime) -> None:
        M = self._M
        update_if(M(recipient, notification_id), [M.queued_at.set(at)], M.at_key.exists())

    def lease(self, recipient: str, notification_id: str, channel: str, *, now: datetime,
              until: datetime) -> bool:
        M = self._M
        delivered, lease = getattr(M, f"delivered_{channel}"), getattr(M, f"lease_{channel}")
        free = lease.does_not_exist() | (lease < to_iso(now))
        return update_if(M(recipient, notification_id), [lease.set(to_iso(until))],
                         M.at_key.exists() & delivered.does_not_exist() & free)

    def delivered(self, recipient: str, notification_id: str, channel: str, at: datetime) -> None:
        M = self._M
        update_if(M(recipient, notification_id),
                  [getattr(M, f"delivered_{channel}").set(at), getattr(M, f"lease_{channel}").remove()],
                  M.at_key.exists())

    def release(self, recipient: str, notification_id: str, channel: str) -> None:
        M = self._M
        update_if(M(recipient, notification_id), [getattr(M, f"lease_{channel}").remove()], M.at_key.exists())

    def progress(self, complaint_id: str) -> int:
        try:
            return int(self._P.get(_progress_key(complaint_id), PROGRESS, consistent_read=True).seq)
        except DoesNotExist:
            return 0

    def advance(self, complaint_id: str, seq: int) -> None:
        P = self._P
        item = P(_progress_key(complaint_id), PROGRESS)
        update_if(item, [P.seq.set(seq)], P.seq.does_not_exist() | (P.seq < seq))

    def delete_all(self, recipient: str) -> int:
        """Every item of the person's partition (the base table: no index needed), in batches."""
        M, n = self._M, 0
        with M.batch_write() as batch:
            for item in M.query(recipient, attributes_to_get=["recipient", "id"]):
                batch.delete(item)
                n += 1
        return n
