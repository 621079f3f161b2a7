"""Hand-written in-memory fakes of the ports in chalicelib/services/ports.py.

The same contract suite (tests/integration/test_complaint_repository.py) runs against these and
against DynamoDB, so services can be unit-tested here and trusted there. Every fake counts its
calls (`calls`, by method name): one call stands for one store request, which is how tests show
that a listing costs a bounded number of them per page.
"""
from __future__ import annotations

import base64
import functools
import json
import os
import re
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timezone

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from chalicelib.adapters.kms_cipher import CipherError
from chalicelib.domain import geo, policy
from chalicelib.domain.errors import Conflict
from chalicelib.domain.league import day_of, support_tally
from chalicelib.domain.model import Complaint, Event, Reporter, Role
from chalicelib.domain.times import iso_utc
from chalicelib.services.paging import check_limit, decode_cursor, encode_cursor, query_tag
from chalicelib.services.ports import (
    REPORTER_FORGOTTEN,
    DuplicateRequest,
    FilingContended,
    FirstRequest,
    ListQuery,
    Page,
    PublicChunk,
    PublicRead,
    Quota,
    QuotaClaim,
)

# the position, as DynamoDB's `created_key`: "<created_at, fixed-width UTC>#<id>"
CREATED_KEY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z#[^#\s]{1,64}")
POSITION = {"v": 1, "q": str, "after": CREATED_KEY}


def counted(method):
    """Count a call to a store method in `self.calls` (one call = one store request)."""
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        self.calls[method.__name__] += 1
        return method(self, *args, **kwargs)
    return wrapper


def _utc(value):
    """Stored times read back as aware UTC, as they do from DynamoDB."""
    if isinstance(value, Event):
        return replace(value, at=value.at.astimezone(timezone.utc), data=dict(value.data))
    return value.evolve(created_at=value.created_at.astimezone(timezone.utc),
                        updated_at=value.updated_at.astimezone(timezone.utc))


def _order(c: Complaint) -> str:
    """Newest first means descending (created_at, id): the same total order as DynamoDB's
    `created_key`, and the same string."""
    return f"{iso_utc(c.created_at)}#{c.id}"


class FakeComplaintRepository:
    def __init__(self):
        self.complaints: dict[str, Complaint] = {}
        self.events: dict[str, dict[int, Event]] = {}
        self.idempotency: dict[str, tuple[str, str | None]] = {}
        self.quotas: dict[str, dict[int, datetime]] = {}     # key -> slot -> time
        self.supports: dict[str, dict[str, datetime]] = {}   # complaint -> supporter key -> when
        self.league = None      # a FakeLeague (fakes_deadlines.py) shared with the clocks fake, if any
        self.calls: Counter = Counter()
        self._lock = threading.Lock()   # the contract's atomicity, also under threads

    @counted
    def add(self, complaint: Complaint, event: Event, idempotency_key: str | None = None,
            request_hash: str | None = None, quota: QuotaClaim | None = None) -> None:
        if complaint.version != 1:
            raise ValueError("a new complaint starts at version 1")
        if quota is not None and not 0 <= quota.slot < 100:      # as the DynamoDB model's slots
            raise ValueError(f"quota slot {quota.slot} out of range")
        with self._lock:
            if idempotency_key is not None and idempotency_key in self.idempotency:
                raise DuplicateRequest(*self.idempotency[idempotency_key])
            if quota is not None and not self._slot_free(quota):
                raise FilingContended("filing_contended", complaint_id=complaint.id)
            if complaint.id in self.complaints or event.seq in self.events.get(event.complaint_id, {}):
                raise Conflict("conflict", complaint_id=complaint.id)
            self.complaints[complaint.id] = _utc(complaint)
            self.events.setdefault(event.complaint_id, {})[event.seq] = _utc(event)
            if idempotency_key is not None:
                self.idempotency[idempotency_key] = (complaint.id, request_hash)
            if quota is not None:
                taken = self.quotas.setdefault(quota.key, {})
                taken[quota.slot] = quota.at.astimezone(timezone.utc)

    @counted
    def first_request(self, idempotency_key: str) -> FirstRequest | None:
        first = self.idempotency.get(idempotency_key)
        return FirstRequest(*first) if first is not None else None

    @counted
    def quota(self, key: str) -> Quota:
        with self._lock:
            return Quota(key, dict(self.quotas.get(key, {})))

    def _slot_free(self, claim: QuotaClaim) -> bool:
        taken = self.quotas.get(claim.key, {}).get(claim.slot)
        return taken is None or taken <= claim.free_before

    @counted
    def get(self, complaint_id: str) -> Complaint | None:
        return self.complaints.get(complaint_id)

    @counted
    def get_many(self, complaint_ids: list[str]) -> dict[str, Complaint]:
        if len(set(complaint_ids)) > 100:
            raise ValueError("at most 100 keys per batch read")
        return {cid: self.complaints[cid] for cid in complaint_ids if cid in self.complaints}

    @counted
    def save(self, complaint: Complaint, event: Event) -> None:
        with self._lock:
            stored = self.complaints.get(complaint.id)
            if (stored is None or stored.version != complaint.version - 1
                    or event.seq in self.events.get(event.complaint_id, {})):
                raise Conflict("conflict", complaint_id=complaint.id)
            self.complaints[complaint.id] = _utc(complaint)
            self.events.setdefault(event.complaint_id, {})[event.seq] = _utc(event)

    @counted
    def timeline(self, complaint_id: str) -> list[Event]:
        events = self.events.get(complaint_id, {})
        return [events[seq] for seq in sorted(events)]

    @counted
    def list(self, query: ListQuery) -> Page:
        check_limit(query.limit)
        matching = sorted(
            (c for c in self.complaints.values()
             if (query.opd is None or c.opd == query.opd)
             and (query.reporter is None or c.reporter.sub == query.reporter)
             and (query.filed_by is None or c.filed_by == query.filed_by)
             and (query.status is None or c.status.value == query.status)
             and (query.government is None or c.government == query.government)
             and (query.unit is None or c.unit == query.unit)),
            key=_order, reverse=True)
        if query.cursor is not None:
            after = decode_cursor(query.cursor, {**POSITION, "q": _tag(query)})["after"]
            matching = [c for c in matching if _order(c) < after]
        page = matching[:query.limit]
        more = len(matching) > query.limit
        return Page(page, self.cursor_after(query, page[-1]) if more else None)

    def cursor_after(self, query: ListQuery, complaint: Complaint) -> str:
        """Not a store call: the position is the complaint's own key."""
        return encode_cursor({"v": 1, "q": _tag(query), "after": _order(complaint)})

    @counted
    def deidentify_reporter(self, complaint_id: str, sub: str, pseudonym: str, *, at: datetime) -> bool:
        with self._lock:
            stored = self.complaints.get(complaint_id)
            if stored is None or stored.reporter.sub != sub:
                return False
            events = self.events.setdefault(complaint_id, {})
            for seq, e in list(events.items()):
                if e.actor_id == sub:
                    events[seq] = replace(e, actor_id=pseudonym, source_ip=None)
            version = stored.version + 1
            self.complaints[complaint_id] = _utc(stored.evolve(reporter=Reporter(pseudonym), version=version,
                                                               updated_at=at))
            events[version] = _utc(Event(complaint_id, version, at, REPORTER_FORGOTTEN, Role.CITIZEN.value,
                                         actor_id=pseudonym))
            return True

    # --- public reads and supports (issue 12): as adapters/dynamo/complaints.py and support.py ---
    @counted
    def public_chunk(self, read: PublicRead) -> PublicChunk:
        """One "query" of the sparse public indexes: evaluates at most `read.size` index items
        (DynamoDB's Limit) below `read.before`, then filters, and says how far it looked."""
        with self._lock:
            indexed = sorted((c for c in self.complaints.values() if policy.in_public_list(c)
                              and (read.cell is None or geo.cell_of(c.location) == read.cell)
                              and (read.before is None or _order(c) < read.before)), key=_order, reverse=True)
        evaluated = indexed[:read.size]
        kept = [c for c in evaluated if (read.category is None or c.category == read.category)
                and (read.opd is None or c.opd == read.opd)
                and (not read.statuses or c.status.value in read.statuses)]
        return PublicChunk(kept, _order(evaluated[-1]) if len(indexed) > read.size else None)

    @counted
    def support(self, complaint_id: str, supporter: str, at: datetime, league=None) -> int:
        with self._lock:
            supporters = self.supports.setdefault(complaint_id, {})
            if supporter not in supporters and league is not None and self.league is not None:
                opd, channel = league
                self.league.add(opd, day_of(at), support_tally(channel))
            supporters.setdefault(supporter, at)
            return len(supporters)

    @counted
    def supporters(self, complaint_ids: Sequence[str]) -> dict[str, int]:
        return {cid: len(self.supports[cid]) for cid in complaint_ids if self.supports.get(cid)}


def _tag(query: ListQuery) -> str:
    return query_tag(query.opd, query.reporter, query.status, query.government, query.unit)


class FakeCipher:
    """The KMS cipher's contract without KMS: AES-GCM under a key of its own, the (sub, field)
    context as associated data, so a value copied to another person or field does not decrypt
    (adapters/kms_cipher.CipherError), as with KMS's encryption context."""

    def __init__(self):
        self._aead = AESGCM(AESGCM.generate_key(bit_length=256))

    @staticmethod
    def _context(sub: str, field: str) -> bytes:
        return json.dumps({"sub": sub, "field": field}, sort_keys=True).encode()

    def encrypt(self, plaintext: str, *, sub: str, field: str) -> str:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, plaintext.encode("utf-8"), self._context(sub, field))
        return base64.b64encode(nonce + sealed).decode("ascii")

    def decrypt(self, ciphertext: str, *, sub: str, field: str) -> str:
        raw = base64.b64decode(ciphertext)
        try:
            return self._aead.decrypt(raw[:12], raw[12:], self._context(sub, field)).decode("utf-8")
        except (InvalidTag, ValueError):
            raise CipherError(field) from None
