"""ComplaintRepository on DynamoDB (see services/ports.py for the contract).

Every write is one TransactWrite: the complaint, its timeline event and, on filing, the
idempotency record and the citizen's daily quota succeed or fail together, so a lost update, an
orphan event or a filing beyond the daily limit cannot happen (a filing takes one slot of the
citizen's quota item, on condition that the slot is still free).
Listing picks the narrowest index for the filters (tables.py explains the indexes) and returns
an opaque cursor that names the item to continue after and the query it belongs to; any item of a
page can be such a position (`cursor_after`), so a filtering caller may stop mid-page.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from ...domain.errors import Conflict
from ...domain.model import Complaint, Event, Role
from ...services.paging import check_limit, decode_cursor, encode_cursor, query_tag
from ...services.ports import (
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
from .batch import batch_get
from .clocks import STORED_TIME
from .conditional import update_if
from .models import (
    QUOTA_SLOTS,
    complaint_from_item,
    complaint_item,
    created_key,
    event_from_item,
    event_item,
    from_iso,
    models_for,
    quota_slot,
    to_iso,
)
from .support import DynamoSupportStore
from .tables import COMPLAINT_INDEXES, FEED_ALL, PUBLIC_FEED

FAILED = "ConditionalCheckFailed"
CONTENDED = frozenset({FAILED, "TransactionConflict"})   # another filing got there first
CURSOR_VERSION = 1
CREATED_KEY = re.compile(STORED_TIME.pattern + r"#[!-\"$-~]{1,64}")    # time#id, no '#' in the id
TRANSACTION_ITEMS = 25        # DynamoDB takes 100 per transaction; DynamoDB Local's older builds 25
DEIDENTIFY_ATTEMPTS = 5       # re-reads of a complaint that changed while it was being de-identified


class DynamoComplaintRepository:
    def __init__(self, settings):
        self._m = models_for(settings)
        # One connection per repository, reused on warm starts. TransactWrite ignores Meta.host;
        # endpoints (local stack, moto server) come from AWS_ENDPOINT_URL_DYNAMODB.
        self._connection = Connection(region=settings.region)
        self._supports = DynamoSupportStore(settings)     # a complaint's supporters (support.py)

    def add(self, complaint: Complaint, event: Event, idempotency_key: str | None = None,
            request_hash: str | None = None, quota: QuotaClaim | None = None) -> None:
        if complaint.version != 1:
            raise ValueError("a new complaint starts at version 1")
        m = self._m
        slots = ["complaint", "event"]        # the transaction's items, in order
        try:
            with TransactWrite(connection=self._connection) as tx:
                tx.save(complaint_item(m, complaint, None), condition=m.Complaint.id.does_not_exist())
                tx.save(event_item(m, event), condition=m.Event.complaint_id.does_not_exist())
                if idempotency_key is not None:
                    slots.append("idempotency")
                    tx.save(m.Idempotency(idempotency_key, complaint_id=complaint.id,
                                          request_hash=request_hash, created_at=complaint.created_at),
                            condition=m.Idempotency.key.does_not_exist())
                if quota is not None:         # the slot, only if it is still free
                    slots.append("quota")
                    slot = getattr(m.Quota, quota_slot(quota.slot))
                    tx.update(m.Quota(quota.key), actions=[slot.set(to_iso(quota.at))],
                              condition=slot.does_not_exist() | (slot <= to_iso(quota.free_before)))
        except TransactWriteError as exc:
            codes = _codes(exc)
            reasons = dict(zip(slots, codes, strict=False))   # no reasons: not a cancellation
            if reasons.get("idempotency") == FAILED and idempotency_key is not None:
                first = self.first_request(idempotency_key)
                if first is not None:
                    raise DuplicateRequest(first.complaint_id, first.request_hash) from None
            if CONTENDED & {reasons.get("idempotency"), reasons.get("quota")}:
                raise FilingContended("filing_contended", complaint_id=complaint.id) from None
            if any(codes):
                raise Conflict("conflict", complaint_id=complaint.id) from None
            raise

    def first_request(self, idempotency_key: str) -> FirstRequest | None:
        try:
            item = self._m.Idempotency.get(idempotency_key, consistent_read=True)
        except self._m.Idempotency.DoesNotExist:
            return None
        return FirstRequest(item.complaint_id, item.request_hash)

    def quota(self, key: str) -> Quota:
        try:
            item = self._m.Quota.get(key, consistent_read=True)
        except self._m.Quota.DoesNotExist:
            return Quota(key)
        taken = {i: getattr(item, quota_slot(i)) for i in range(QUOTA_SLOTS)}
        return Quota(key, {i: from_iso(at) for i, at in taken.items() if at is not None})

    def get(self, complaint_id: str) -> Complaint | None:
        try:
            return complaint_from_item(self._m.Complaint.get(complaint_id, consistent_read=True))
        except self._m.Complaint.DoesNotExist:
            return None

    def save(self, complaint: Complaint, event: Event) -> None:
        """Put the whole complaint if the stored version is `version - 1`. PynamoDB's
        VersionAttribute adds that condition and writes `version`; we never set it ourselves."""
        m = self._m
        try:
            with TransactWrite(connection=self._connection) as tx:
                tx.save(complaint_item(m, complaint, complaint.version - 1))
                tx.save(event_item(m, event), condition=m.Event.complaint_id.does_not_exist())
        except TransactWriteError as exc:
            if any(_codes(exc)):   # a failed condition, or a concurrent transaction on the item
                raise Conflict("conflict", complaint_id=complaint.id) from None
            raise

    def timeline(self, complaint_id: str) -> list[Event]:
        items = self._m.Event.query(complaint_id, scan_index_forward=True, consistent_read=True)
        return [event_from_item(i) for i in items]   # the iterator follows every page

    def get_many(self, complaint_ids: list[str]) -> dict[str, Complaint]:
        """Consistent reads of a page of complaints (at most 100) in one BatchGetItem; what
        stays unprocessed after the bounded retry is read one by one (correctness first)."""
        keys = [{"id": {"S": cid}} for cid in dict.fromkeys(complaint_ids)]
        if not keys:
            return {}
        items, unprocessed = batch_get(self._m.Complaint, keys, consistent_read=True)
        found = {i.id: complaint_from_item(i) for i in items}
        for key in unprocessed:
            complaint = self.get(key["id"]["S"])
            if complaint is not None:
                found[complaint.id] = complaint
        return found

    def list(self, query: ListQuery) -> Page:
        check_limit(query.limit)
        index_name, hash_value, filters = _plan(query)
        m = self._m
        condition = None
        for attr, value in filters.items():
            term = getattr(m.Complaint, attr) == value
            condition = term if condition is None else condition & term
        start = None
        if query.cursor is not None:
            after = _decode(query.cursor, query)
            start = {"id": {"S": after.split("#", 1)[1]},
                     COMPLAINT_INDEXES[index_name]: {"S": hash_value}, "created_key": {"S": after}}
        # Ask for one more than a page: if it comes, there is a next page (no empty last page).
        results = m.indexes[index_name].query(
            hash_value, filter_condition=condition, scan_index_forward=False,
            limit=query.limit + 1, page_size=100 if filters else query.limit + 1,
            last_evaluated_key=start)
        items = [*results]
        page = [complaint_from_item(i) for i in items[:query.limit]]
        more = len(items) > query.limit
        return Page(page, self.cursor_after(query, page[-1]) if more else None)

    def cursor_after(self, query: ListQuery, complaint: Complaint) -> str:
        return encode_cursor({"v": CURSOR_VERSION, "q": _tag(query), "after": created_key(complaint)})

    def deidentify_reporter(self, complaint_id: str, sub: str, pseudonym: str, *, at) -> bool:
        """See ports.py. One transaction moves the reporter (condition: the version read, which
        PynamoDB adds and increments, and the reporter still `sub`), adds the REPORTER_FORGOTTEN
        event and relabels the reporter's events; events beyond one transaction's size are
        relabelled first, each on condition, so a retry after a crash finds the rest to do."""
        m = self._m
        relabel = [m.Event.actor_id.set(pseudonym), m.Event.source_ip.remove()]
        for _ in range(DEIDENTIFY_ATTEMPTS):
            try:
                item = m.Complaint.get(complaint_id, consistent_read=True)
            except m.Complaint.DoesNotExist:
                return False
            if item.reporter_sub != sub:
                return False
            version = int(item.version)       # events after it belong to a change not seen: next attempt
            own = [e.seq for e in self.timeline(complaint_id) if e.actor_id == sub and e.seq <= version]
            early, last = own[:-(TRANSACTION_ITEMS - 2)], own[-(TRANSACTION_ITEMS - 2):]
            for seq in early:
                update_if(m.Event(complaint_id, seq), list(relabel), m.Event.actor_id == sub)
            event = Event(complaint_id=complaint_id, seq=version + 1, at=at, type=REPORTER_FORGOTTEN,
                          actor_role=Role.CITIZEN.value, actor_id=pseudonym)
            try:
                with TransactWrite(connection=self._connection) as tx:
                    moved = [m.Complaint.reporter_sub.set(pseudonym), m.Complaint.reporter_name.remove(),
                             m.Complaint.updated_at.set(at)]
                    tx.update(item, actions=moved, condition=m.Complaint.reporter_sub == sub)
                    tx.save(event_item(m, event), condition=m.Event.complaint_id.does_not_exist())
                    for seq in last:
                        tx.update(m.Event(complaint_id, seq), list(relabel), condition=m.Event.actor_id == sub)
            except TransactWriteError as exc:
                if any(_codes(exc)):      # changed meanwhile (or a concurrent transaction): read again
                    continue
                raise
            return True
        raise Conflict("conflict", complaint_id=complaint_id)

    # --- public reads and supports (issue 12; services/ports.PublicComplaints) -------------------
    def public_chunk(self, read: PublicRead) -> PublicChunk:
        """One query of a sparse public index: the feed, or one geohash cell; newest first, below
        `read.before`. Filters apply after DynamoDB's Limit (`read.size` items evaluated), so the
        frontier (the LastEvaluatedKey's created_key) is how far this request looked."""
        m = self._m
        index, hash_value = ("public_feed", PUBLIC_FEED) if read.cell is None else ("public_by_cell", read.cell)
        terms = [getattr(m.Complaint, a) == v for a, v in (("category", read.category), ("opd", read.opd)) if v]
        if read.statuses:
            terms.append(m.Complaint.status.is_in(*read.statuses))
        condition = None
        for term in terms:
            condition = term if condition is None else condition & term
        results = m.indexes[index].query(
            hash_value, range_key_condition=m.Complaint.created_key < read.before if read.before else None,
            filter_condition=condition, scan_index_forward=False, page_size=read.size)
        page = next(results.page_iter)                     # exactly one request
        items = [complaint_from_item(m.Complaint.from_raw_data(raw)) for raw in page.get("Items", [])]
        last = page.get("LastEvaluatedKey")
        return PublicChunk(items, last["created_key"]["S"] if last else None)

    def support(self, complaint_id: str, supporter: str, at, league: tuple[str, str] | None = None) -> int:
        return self._supports.add(complaint_id, supporter, at, league)

    def supporters(self, complaint_ids: Sequence[str]) -> dict[str, int]:
        return self._supports.counts(complaint_ids)


def _codes(exc: TransactWriteError) -> list[str | None]:
    return [r.code if r else None for r in exc.cancellation_reasons]


def _plan(q: ListQuery) -> tuple[str, str, dict]:
    """The narrowest index for the filters; what the index cannot key on becomes a filter.
    A reporter has few complaints, so their partition wins over an OPD's, and an OPD's over its
    government's."""
    unit = {"unit": q.unit} if q.unit else {}      # an operator of one unit: within the OPD's partition
    if q.reporter:
        return "by_reporter", q.reporter, {k: v for k, v in (("opd", q.opd), ("status", q.status)) if v}
    if q.filed_by:            # intake staff: what they filed (a sparse index)
        return "by_filer", q.filed_by, {k: v for k, v in (("opd", q.opd), ("status", q.status)) if v}
    if q.opd and q.status:
        return "by_opd_status", f"{q.opd}#{q.status}", unit
    if q.opd:
        return "by_opd", q.opd, unit
    if q.government:          # a kabupaten/kota's inspector: that government's partition
        return "by_government", q.government, {"status": q.status} if q.status else {}
    if q.status:
        return "by_status", q.status, {}
    return "feed", FEED_ALL, {}


def _tag(q: ListQuery) -> str:
    return query_tag(*_plan(q))


def _decode(cursor: str, query: ListQuery) -> str:
    """The `created_key` to continue after. A cursor is only good for the query that made it:
    the partition is always the current query's, so a cursor can never widen what is read."""
    pos = decode_cursor(cursor, {"v": CURSOR_VERSION, "q": _tag(query), "after": CREATED_KEY})
    return pos["after"]
