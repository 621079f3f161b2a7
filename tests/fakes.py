"""Hand-written in-memory fakes of the ports in chalicelib/services/ports.py.

The same contract suite (tests/integration/test_complaint_repository.py) runs against these and
against DynamoDB, so services can be unit-tested here and trusted there.
"""
from __future__ import annotations

import base64
import binascii
import json
import threading
from dataclasses import replace
from datetime import datetime, timezone

from chalicelib.domain.errors import Conflict
from chalicelib.domain.model import Complaint, Event
from chalicelib.services.ports import BadCursor, DuplicateRequest, ListQuery, Page


def _utc(value):
    """Stored times read back as aware UTC, as they do from DynamoDB."""
    if isinstance(value, Event):
        return replace(value, at=value.at.astimezone(timezone.utc), data=dict(value.data))
    return value.evolve(created_at=value.created_at.astimezone(timezone.utc),
                        updated_at=value.updated_at.astimezone(timezone.utc))


def _order(c: Complaint) -> tuple:
    """Newest first means descending (created_at, id): the same total order as DynamoDB's keys."""
    return c.created_at.astimezone(timezone.utc), c.id


class FakeComplaintRepository:
    def __init__(self):
        self.complaints: dict[str, Complaint] = {}
        self.events: dict[str, dict[int, Event]] = {}
        self.idempotency: dict[str, tuple[str, str | None]] = {}
        self._lock = threading.Lock()   # the contract's atomicity, also under threads

    def add(self, complaint: Complaint, event: Event, idempotency_key: str | None = None,
            request_hash: str | None = None) -> None:
        if complaint.version != 1:
            raise ValueError("a new complaint starts at version 1")
        with self._lock:
            if idempotency_key is not None and idempotency_key in self.idempotency:
                raise DuplicateRequest(*self.idempotency[idempotency_key])
            if complaint.id in self.complaints or event.seq in self.events.get(event.complaint_id, {}):
                raise Conflict("conflict", complaint_id=complaint.id)
            self.complaints[complaint.id] = _utc(complaint)
            self.events.setdefault(event.complaint_id, {})[event.seq] = _utc(event)
            if idempotency_key is not None:
                self.idempotency[idempotency_key] = (complaint.id, request_hash)

    def get(self, complaint_id: str) -> Complaint | None:
        return self.complaints.get(complaint_id)

    def save(self, complaint: Complaint, event: Event) -> None:
        with self._lock:
            stored = self.complaints.get(complaint.id)
            if (stored is None or stored.version != complaint.version - 1
                    or event.seq in self.events.get(event.complaint_id, {})):
                raise Conflict("conflict", complaint_id=complaint.id)
            self.complaints[complaint.id] = _utc(complaint)
            self.events.setdefault(event.complaint_id, {})[event.seq] = _utc(event)

    def timeline(self, complaint_id: str) -> list[Event]:
        events = self.events.get(complaint_id, {})
        return [events[seq] for seq in sorted(events)]

    def list(self, query: ListQuery) -> Page:
        if not 1 <= query.limit <= 100:
            raise ValueError("limit must be 1..100")
        signature = [query.opd, query.reporter, query.status]
        matching = sorted(
            (c for c in self.complaints.values()
             if (query.opd is None or c.opd == query.opd)
             and (query.reporter is None or c.reporter.sub == query.reporter)
             and (query.status is None or c.status.value == query.status)),
            key=_order, reverse=True)
        if query.cursor is not None:
            after = _decode(query.cursor, signature)
            matching = [c for c in matching if _order(c) < after]
        page = matching[:query.limit]
        more = len(matching) > query.limit
        return Page(page, _encode(_order(page[-1]), signature) if more else None)


def _encode(after: tuple, signature: list) -> str:
    raw = json.dumps({"q": signature, "at": after[0].isoformat(), "id": after[1]})
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _decode(cursor: str, signature: list) -> tuple:
    try:
        data = json.loads(base64.b64decode(cursor, altchars=b"-_", validate=True))
        if data["q"] != signature:
            raise BadCursor("cursor from another query")
        at = datetime.fromisoformat(data["at"])
        if at.tzinfo is None or not isinstance(data["id"], str):
            raise BadCursor("bad position")
        return at.astimezone(timezone.utc), data["id"]
    except (ValueError, TypeError, KeyError, binascii.Error):
        raise BadCursor("unreadable cursor") from None
