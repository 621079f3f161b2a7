"""AttachmentStore on DynamoDB (tables.py `attachments`): one partition per complaint holding its
attachments and one slots item (`id` tables.ATTACHMENT_SLOTS_ID).

The count limit is conditional writes, never check-then-write: a reservation takes slot `s<i>`
only if it is absent or its hold has passed, in the same transaction as the attachment's put, so
two racing uploads can never both hold one slot and an eleventh can never be stored. A slot holds
"<held until, UTC ISO>#<attachment id>" while pending and "~kept#<id>" once processed ('~' sorts
after every time, so a kept slot is never free); being ready or rejected is conditional on the
attachment still being pending, so at-least-once processing changes it once. The slots item
also names the complaint's photo (`photo`): its reporter's first processed image, set in the same
transaction that keeps it, so a list of complaints learns which have one in one batch read.
"""
from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from ...domain.attachments import MAX_PER_COMPLAINT, Attachment, State, is_complaint_photo, slot_held_until
from .batch import MAX_KEYS, batch_get
from .conditional import update_if
from .models import UTCTimeAttribute, to_iso
from .tables import ATTACHMENT_SLOTS_ID

CONTENDED = frozenset({"ConditionalCheckFailed", "TransactionConflict"})
KEPT = "~kept"
MAX_LISTED = 200           # attachments read per complaint (10 kept, the rest pending or rejected)
FIELDS = ("filename", "content_type", "uploaded_by", "uploaded_by_role", "state", "served_type", "phash",
          "reason")


@cache
def attachment_models(prefix: str, region: str) -> tuple[Any, Any]:
    """(attachment model, slots model) of the `attachments` table for a table prefix and region."""
    meta = type("Meta", (), {"table_name": f"{prefix}attachments", "region": region})

    def keys() -> dict:
        return {"complaint_id": UnicodeAttribute(hash_key=True), "id": UnicodeAttribute(range_key=True)}

    item = type("AttachmentItem", (Model,), {
        "Meta": meta, **keys(), "size": NumberAttribute(), "slot": NumberAttribute(),
        "created_at": UTCTimeAttribute(), "expires_at": UTCTimeAttribute(),
        "served_size": NumberAttribute(null=True), "processed_at": UTCTimeAttribute(null=True),
        **{name: UnicodeAttribute(null=name in ("served_type", "phash", "reason")) for name in FIELDS}})
    slots = type("AttachmentSlotsItem", (Model,), {
        "Meta": meta, **keys(), **{f"s{i}": UnicodeAttribute(null=True) for i in range(MAX_PER_COMPLAINT)},
        "photo": UnicodeAttribute(null=True)})
    return item, slots


def _hold(a: Attachment) -> str:
    return f"{to_iso(slot_held_until(a))}#{a.id}"


def _from_item(i) -> Attachment:
    return Attachment(id=i.id, complaint_id=i.complaint_id, filename=i.filename, content_type=i.content_type,
                      size=int(i.size), uploaded_by=i.uploaded_by, uploaded_by_role=i.uploaded_by_role,
                      created_at=i.created_at, expires_at=i.expires_at, slot=int(i.slot), state=State(i.state),
                      served_type=i.served_type, served_size=None if i.served_size is None else int(i.served_size),
                      phash=i.phash, reason=i.reason, processed_at=i.processed_at)


def _codes(exc: TransactWriteError) -> set[str | None]:
    return {r.code if r else None for r in exc.cancellation_reasons}


class DynamoAttachmentStore:
    def __init__(self, settings):
        self._M, self._S = attachment_models(settings.table_prefix, settings.region)
        self._connection = Connection(region=settings.region)   # TransactWrite: see complaints.py

    def held_slots(self, complaint_id: str, at) -> set[int]:
        try:
            item = self._S.get(complaint_id, ATTACHMENT_SLOTS_ID, consistent_read=True)
        except self._S.DoesNotExist:
            return set()
        now = to_iso(at)
        return {i for i in range(MAX_PER_COMPLAINT) if (v := getattr(item, f"s{i}")) is not None and v >= now}

    def reserve(self, a: Attachment, at) -> bool:
        slot = getattr(self._S, f"s{a.slot}")
        item = self._M(a.complaint_id, a.id, filename=a.filename, content_type=a.content_type, size=a.size,
                       uploaded_by=a.uploaded_by, uploaded_by_role=a.uploaded_by_role, created_at=a.created_at,
                       expires_at=a.expires_at, slot=a.slot, state=a.state.value)
        try:
            with TransactWrite(connection=self._connection) as tx:
                tx.update(self._S(a.complaint_id, ATTACHMENT_SLOTS_ID), actions=[slot.set(_hold(a))],
                          condition=slot.does_not_exist() | (slot < to_iso(at)))
                tx.save(item, condition=self._M.id.does_not_exist())
        except TransactWriteError as exc:
            if _codes(exc) & CONTENDED:
                return False
            raise
        return True

    def get_many(self, complaint_id: str, ids: list[str]) -> dict[str, Attachment]:
        unique = list(dict.fromkeys(ids))[:MAX_KEYS]
        keys = [{"complaint_id": {"S": complaint_id}, "id": {"S": x}} for x in unique]
        items, left = batch_get(self._M, keys, consistent_read=True) if keys else ([], [])
        found = {i.id: _from_item(i) for i in items}
        for key in left:                      # throttled: one by one
            try:
                found[key["id"]["S"]] = _from_item(self._M.get(complaint_id, key["id"]["S"], consistent_read=True))
            except self._M.DoesNotExist:
                pass
        return found

    def list(self, complaint_id: str) -> list[Attachment]:
        items = self._M.query(complaint_id, self._M.id.startswith("att-"), consistent_read=True, limit=MAX_LISTED)
        return sorted((_from_item(i) for i in items), key=lambda a: (a.created_at, a.id))

    def mark_ready(self, a: Attachment, at) -> bool:
        M, slot = self._M, getattr(self._S, f"s{a.slot}")
        try:
            with TransactWrite(connection=self._connection) as tx:
                tx.update(M(a.complaint_id, a.id), actions=[
                    M.state.set(State.READY.value), M.served_type.set(a.served_type),
                    M.served_size.set(a.served_size), M.processed_at.set(at),
                    *([M.phash.set(a.phash)] if a.phash else [])], condition=M.state == State.PENDING.value)
                photo = self._S.photo
                tx.update(self._S(a.complaint_id, ATTACHMENT_SLOTS_ID), actions=[
                    slot.set(f"{KEPT}#{a.id}"), *([photo.set(photo | a.id)] if is_complaint_photo(a) else [])],
                    condition=slot == _hold(a))
        except TransactWriteError as exc:
            if _codes(exc) & CONTENDED:
                return False
            raise
        return True

    def photos(self, complaint_ids: Iterable[str]) -> dict[str, str]:
        """complaint id -> the id of its photo, for those that have one (a batch read per 100)."""
        out: dict[str, str] = {}
        unique: list[str] = [*dict.fromkeys(complaint_ids)]
        for start in range(0, len(unique), MAX_KEYS):
            keys = [{"complaint_id": {"S": c}, "id": {"S": ATTACHMENT_SLOTS_ID}}
                    for c in unique[start:start + MAX_KEYS]]
            items, left = batch_get(self._S, keys)
            for key in left:                  # throttled: one by one
                try:
                    items.append(self._S.get(key["complaint_id"]["S"], ATTACHMENT_SLOTS_ID))
                except self._S.DoesNotExist:
                    pass
            out.update({i.complaint_id: i.photo for i in items if i.photo})
        return out

    def reject(self, a: Attachment, reason: str, at) -> bool:
        M, slot = self._M, getattr(self._S, f"s{a.slot}")
        done = update_if(M(a.complaint_id, a.id), [M.state.set(State.REJECTED.value), M.reason.set(reason),
                                                   M.processed_at.set(at)], M.state == State.PENDING.value)
        update_if(self._S(a.complaint_id, ATTACHMENT_SLOTS_ID), [slot.remove()], slot == _hold(a))
        return done
