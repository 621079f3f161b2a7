"""What the services need from the outside world, as protocols. Adapters implement them;
tests use hand-written fakes (tests/fakes.py). The same contract suite runs against both.

Reads are bounded per page: a listing costs one query, and whatever it needs per item comes
from one batch read of the whole page (`get_many`, `summaries`), never one call per item."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from ..domain.deadline_summary import DeadlineSummary
from ..domain.errors import Conflict
from ..domain.model import Complaint, Event


@dataclass(frozen=True)
class Page:
    items: list
    next: str | None = None      # opaque cursor for the next page, None on the last page


@dataclass(frozen=True)
class ListQuery:
    """A listing request after the caller's scope has been applied."""

    opd: str | None = None
    reporter: str | None = None
    filed_by: str | None = None       # intake staff: the complaints they filed
    status: str | None = None
    government: str | None = None     # a kabupaten/kota's inspector: that government's complaints
    unit: str | None = None           # an operator of one unit: the complaints disposed to it
    limit: int = 20
    cursor: str | None = None


class DuplicateRequest(Exception):
    """An Idempotency-Key was used before: carries the first complaint's id and request hash."""

    def __init__(self, complaint_id: str, request_hash: str | None):
        super().__init__(complaint_id)
        self.complaint_id = complaint_id
        self.request_hash = request_hash


@dataclass(frozen=True)
class FirstRequest:
    """What an Idempotency-Key was first used for: the complaint it created and the request's hash."""

    complaint_id: str
    request_hash: str | None


@dataclass(frozen=True)
class Quota:
    """One citizen's daily limit as numbered slots (0 .. limit-1), stored under an opaque `key`
    (services/complaints.quota_key): each slot holds the time of the filing that last took it.
    A slot whose time has left the 24-hour window is free again."""

    key: str
    slots: Mapping[int, datetime] = field(default_factory=dict)


@dataclass(frozen=True)
class QuotaClaim:
    """A filing's claim on one slot of a quota: stored (as `at`) only if the slot is empty or
    holds a time at or before `free_before`, the start of the window."""

    key: str
    slot: int
    at: datetime
    free_before: datetime


class FilingContended(Conflict):
    """A filing's transaction was cancelled because a concurrent one took the same quota slot or
    used the same idempotency item first: nothing was stored. Re-read and decide again
    (services/complaints.submit does, a bounded number of times)."""


class BadCursor(Exception):
    """The cursor was not one this listing produced (tampered, truncated, other query): 400.
    services/paging.py is the one codec that raises it."""


class ComplaintRepository(Protocol):
    def add(self, complaint: Complaint, event: Event, idempotency_key: str | None = None,
            request_hash: str | None = None, quota: QuotaClaim | None = None) -> None:
        """Store a new complaint and its first event atomically. With an idempotency key (already
        scoped to the caller), a second use raises DuplicateRequest and stores nothing.

        With `quota`, the claimed slot is written in the same transaction, only if it is still
        free (see QuotaClaim); otherwise nothing is stored and FilingContended is raised, as it is
        when a concurrent transaction on the quota or the idempotency item cancelled this one.
        DuplicateRequest wins over both."""

    def first_request(self, idempotency_key: str) -> FirstRequest | None:
        """What the (scoped) key was first used for, read consistently; None when unused."""

    def quota(self, key: str) -> Quota:
        """The quota stored under `key`, read consistently (no slots taken when none is stored)."""

    def get(self, complaint_id: str) -> Complaint | None: ...

    def get_many(self, complaint_ids: list[str]) -> dict[str, Complaint]:
        """The complaints that exist among up to a page of ids, read in one batch (consistent)."""

    def save(self, complaint: Complaint, event: Event) -> None:
        """Store the complaint and one new event atomically, only if the stored version is
        `complaint.version - 1`; otherwise raise domain.errors.Conflict and store nothing."""

    def timeline(self, complaint_id: str) -> list[Event]:
        """Events oldest first."""

    def list(self, query: ListQuery) -> Page:
        """Newest first, `query.limit` (1..100) at most, one store query for an unfiltered index.
        Raises BadCursor for a cursor it did not produce for this query."""

    def cursor_after(self, query: ListQuery, complaint: Complaint) -> str:
        """A cursor for `query` that continues right after `complaint` (an item it listed), so a
        caller that filters a page can stop in the middle of it."""

    def deidentify_reporter(self, complaint_id: str, sub: str, pseudonym: str, *, at: datetime) -> bool:
        """The right to be forgotten, for one complaint `sub` filed: the reporter becomes
        `pseudonym` (the complaint leaves `sub`'s listing), the reporter's name is removed, and
        every timeline event whose actor_id is `sub` gets `pseudonym` instead and loses its
        source IP. Like every change it is a new version with its own event (REPORTER_FORGOTTEN
        at seq = the new version, shown to nobody by domain/policy), stored only if the version
        read is still the stored one: a concurrent change is re-read and retried, never lost,
        and a concurrent save of the old version fails (409) instead of restoring the reporter.
        False when the complaint does not exist or is not (any longer) `sub`'s."""


REPORTER_FORGOTTEN = "reporter_forgotten"    # the event type of deidentify_reporter


@dataclass(frozen=True)
class ClockFlags:
    """What the sweep has already done for a stored clock."""

    warned_at: object = None       # datetime | None
    settled_at: object = None      # datetime | None: its sanctions were issued
    basis_seq: int = 0             # the timeline length it was derived from


@dataclass(frozen=True)
class DueClock:
    complaint_id: str
    clock_key: str
    next_check_at: object          # datetime


class ClockRepository(Protocol):
    shards: int                    # the due index is spread over this many shards

    def flags(self, complaint_id: str) -> dict[str, ClockFlags]:
        """Flags of the complaint's stored clocks, by clock key."""

    def put(self, clock, *, basis_seq: int, next_check_at, rules_version: str,
            counts_complaint: bool = False) -> bool:
        """Store a clock derived from the timeline up to `basis_seq`. Ignored (returns False)
        when a clock derived from a longer timeline is already stored: late or replayed stream
        records never roll a clock back. The sweep flags are never touched here. After each write
        (of a clock or its flags) the league table's counters follow the clock as stored, once
        (domain/league.py; `counts_complaint`: it is its complaint's first follow-up clock at its
        OPD)."""

    def mark(self, complaint_id: str, clock_key: str, *, next_check_at, warned_at=None,
             settled_at=None) -> None:
        """Record what the sweep did and when to look next (None: leave the sweep's index)."""

    def due(self, shard: int, until, cursor: str | None, limit: int) -> Page:
        """Clocks of one index shard whose next check is at or before `until` (DueClock items)."""

    def overdue_in(self, opd: str, now, limit: int = 500) -> list[tuple[str, datetime]]:
        """(complaint id, due time) of the OPD's open clocks past due, most overdue first."""

    def league_days(self, opd: str, since: str, until: str) -> list[dict[str, int]]:
        """The OPD's league-table counters of each WIB day since..until (YYYY-MM-DD, inclusive):
        what its clocks, sanctions and supports added (domain/league.py); one store read."""

    def league_dated_days(self, opd: str, since: str, until: str) -> list[tuple[str, dict[str, int]]]:
        """The same counters, each with its WIB day ("YYYY-MM-DD"): what the figures per month
        group by; one store read (paged) of at most one small item per day."""

    def put_summary(self, complaint_id: str, summary: DeadlineSummary, *, rules_version: str) -> bool:
        """Store the complaint's open-clock summary (the stream handler). Ignored (False) when one
        from a longer timeline is stored. It is not a clock: flags, due and overdue_in never
        see it."""

    def summaries(self, complaint_ids: list[str]) -> dict[str, DeadlineSummary]:
        """Stored summaries of up to a page of complaints in one batch read; a complaint whose
        summary is missing (not streamed yet, or unreadable) is absent from the result."""


class MissCounter(Protocol):
    """What escalation needs of the sanctions table (the sweep; `rules test` counts its own)."""

    def count_misses(self, subject: str, since, before) -> int:
        """Primary sanctions (one per missed clock) against `subject` due in [since, before)."""


class SanctionRepository(MissCounter, Protocol):
    def add(self, sanction, *, channel: str = "app") -> bool:
        """Store a sanction under its deterministic id; False when it already existed. A primary
        sanction adds itself to its OPD's league-table counters of its day, in the same write
        (`channel`: its complaint's)."""

    def get(self, sanction_id: str): ...

    def mark_notified(self, sanction_id: str, at) -> None: ...

    def existing(self, sanction_ids: list[str]) -> set[str]:
        """Which of these ids are stored (a page's worth, one batch read)."""

    def list(self, *, complaint: str | None, opd: str | None, subject_type: str | None,
             since, kind: str, limit: int, cursor: str | None, subject: str | None = None,
             government: str | None = None) -> Page:
        """Newest first; `subject` ("operator#<sub>") narrows to the decisions naming one person,
        `government` (a kabupaten/kota's code) to its OPDs' ("BANDARLAMPUNG.…")."""


class Notifier(Protocol):
    def publish(self, message: dict, dedup_id: str) -> None:
        """Deliver a notification at least once; `dedup_id` lets receivers drop repeats."""


class RoutingRules(Protocol):
    """What the complaint services ask of the rules bundle: routing, the known OPDs (of every
    onboarded government, with their units), kabupaten/kota and governments (rules/routing,
    rules/governments) and the Kemendagri regions (rules/regions)."""

    @property
    def opds(self) -> Mapping[str, Any]: ...

    @property
    def jurisdictions(self) -> Mapping[str, Any]: ...

    @property
    def governments(self) -> Mapping[str, Any]: ...

    @property
    def regions(self) -> Any: ...

    def route(self, category_code: str, *, government: str = ..., region: str | None = None) -> Any: ...


class AuditLog(Protocol):
    """The append-only audit trail (adapters/dynamo/audit.py; tests/fakes_audit.py)."""

    def append(self, entry) -> bool:
        """Store an entry under its id; False when that id is already there (nothing changes)."""

    def existing(self, ids: list[str]) -> set[str]: ...

    def list(self, *, complaint: str | None, actor: str | None, since, limit: int,
             cursor: str | None) -> Page: ...


# --- people around a complaint: staff, preferences, notifications (issue 11) -----------------------
class StaffDirectory(Protocol):
    """Who works where (domain/staff.py): Cognito in production, a seeded file locally."""

    def get(self, sub: str): ...

    def members(self, *, role: str, opd: str | None = None) -> list:
        """StaffMembers of `role` (of `opd` when given), in a stable order."""

    def head(self, opd: str):
        """The OPD's head (a StaffMember with head=True), or None when the directory has none."""


class PeopleStore(Protocol):
    """Preferences (domain/people.py), one per person; personal fields encrypted by the adapter."""

    def get(self, sub: str): ...

    def get_many(self, subs: list[str]) -> dict: ...

    def put(self, prefs) -> None: ...

    def delete(self, sub: str) -> bool:
        """Remove the person's preferences; False when there were none."""


@dataclass(frozen=True)
class StoredNotification:
    """One notification to one person, as stored (both languages rendered at creation)."""

    id: str
    recipient: str
    at: datetime
    type: str
    complaint_id: str | None
    title: Mapping[str, str]           # {"id": ..., "en": ...}
    body: Mapping[str, str]
    source: str                        # what it is about: "event:<complaint>#<seq>", "sanction:<id>"
    read_at: datetime | None = None
    queued_at: datetime | None = None  # when its channel deliveries were enqueued
    delivered: Mapping[str, datetime] = field(default_factory=dict)    # channel -> when


class NotificationStore(Protocol):
    def add(self, n: StoredNotification) -> bool:
        """Conditional put under (recipient, id): False when it is already stored (a repeat)."""

    def get(self, recipient: str, notification_id: str) -> StoredNotification | None: ...

    def list(self, recipient: str, *, limit: int, cursor: str | None) -> Page:
        """Newest first. Raises BadCursor for a cursor it did not produce for this recipient."""

    def mark_read(self, recipient: str, notification_id: str, at: datetime) -> StoredNotification | None:
        """Set read_at (once: a second call keeps the first time); None when there is no such one."""

    def mark_queued(self, recipient: str, notification_id: str, at: datetime) -> None: ...

    def lease(self, recipient: str, notification_id: str, channel: str, *, now: datetime,
              until: datetime) -> bool:
        """Take the right to deliver on `channel` until `until`: False when it was delivered
        already or another worker holds an unexpired lease (so one delivery, not two)."""

    def delivered(self, recipient: str, notification_id: str, channel: str, at: datetime) -> None:
        """Record the delivery on `channel` (and drop the lease)."""

    def release(self, recipient: str, notification_id: str, channel: str) -> None:
        """Drop the lease after a failed attempt, so the retry may take it."""

    def progress(self, complaint_id: str) -> int:
        """The last timeline seq whose notifications were made for this complaint (0: none)."""

    def advance(self, complaint_id: str, seq: int) -> None:
        """Raise the complaint's progress marker to `seq` (never lowers it)."""

    def delete_all(self, recipient: str) -> int:
        """Remove every notification of a person (the right to be forgotten); how many."""


@dataclass(frozen=True)
class Delivery:
    """One channel delivery of one stored notification: a message on the channel's queue."""

    channel: str
    recipient: str
    notification_id: str


class DeliveryQueue(Protocol):
    def enqueue(self, delivery: Delivery) -> None:
        """Put it on the channel's queue (SQS; at least once, the worker dedups by lease)."""


class DeliveryLog(Protocol):
    def record(self, *, channel: str, recipient: str, address: str | None, notification_id: str,
               type: str, complaint_id: str | None, language: str, title: str, body: str,
               at: datetime) -> None:
        """Note a delivery that happened (locally the outbox file `lampungin outbox` reads;
        in production a log line without the address or the text)."""


# --- delivery channels (adapters/channels/ implement Channel) --------------------------------------
@dataclass(frozen=True)
class OutgoingMessage:
    notification_id: str          # deterministic; channels that can pass an idempotency key do
    language: str                 # "id" | "en": the text below is already in it
    title: str
    body: str
    type: str | None = None       # the notification type (citizen.followed_up …): LAPOR! maps it to a status


class DeliveryFailed(Exception):
    """The channel could not deliver now. `retryable` False: it never will (a malformed address,
    a number the provider refuses); the message goes to the dead-letter queue without retrying."""

    def __init__(self, message: str, *, retryable: bool = True):
        super().__init__(message)
        self.retryable = retryable


class Channel(Protocol):
    name: str                     # "email" | "sms" | "whatsapp" | "push"

    def send(self, to: str, message: OutgoingMessage) -> str | None:
        """Deliver `message` to the address `to` (an e-mail address, an E.164 phone number, a
        push device token). Returns the provider's message id when it gives one; raises
        DeliveryFailed on any failure (never another exception type)."""


# --- public tracking, the public list and support (issue 12) ---------------------------------------
@dataclass(frozen=True)
class PublicRead:
    """One store request over the sparse public indexes (tables.py `public_feed`, `public_by_cell`):
    services/public_reads.py merges several into a page. The store evaluates at most `size` index
    items (DynamoDB's Limit, before the filters), newest first, only below `before`."""

    cell: str | None = None           # a geohash cell (domain/geo.CELL_PRECISION); None: the whole feed
    before: str | None = None         # a created_key: only complaints that sort below it
    category: str | None = None
    opd: str | None = None
    statuses: tuple[str, ...] = ()    # any of these; empty: every status
    size: int = 100


@dataclass(frozen=True)
class PublicChunk:
    items: list                       # the matching Complaints, newest first
    frontier: str | None              # created_key of the last item evaluated; None: nothing is left


class PublicComplaints(Protocol):
    """What public reads and support need of the complaint repository. Supports are the complaint's
    (so one repository answers for them) but live in their own table (`supports`): every save puts
    the whole complaint item, which would lose a counter kept on it."""

    def public_chunk(self, read: PublicRead) -> PublicChunk:
        """Exactly one store request (a query of one index partition)."""

    def support(self, complaint_id: str, supporter: str, at: datetime,
                league: tuple[str, str] | None = None) -> int:
        """Count `supporter` (an opaque key) for the complaint once: the support and the counter
        change in one transaction, a repeat changes nothing. Returns the supporters after it.
        With `league` (the complaint's OPD and channel), the OPD's league-table counters of the
        day count it in the same transaction.
        Raises domain.errors.Conflict when concurrent supports kept it from committing."""

    def supporters(self, complaint_ids: list[str]) -> dict[str, int]:
        """The supporters of any number of complaints (one batch read per 100); a complaint nobody
        supported is absent."""


# --- SP4N-LAPOR! (services/lapor.py, adapters/lapor.py, docs/lapor.md) -----------------------------
@dataclass(frozen=True)
class LaporComplaint:
    """One complaint LAPOR! disposed to the province (the interface's `items[]`, docs/lapor.md)."""

    tracking_id: str
    title: str
    description: str
    category: str | None = None           # our category code, when LAPOR!'s maps to one
    anonymous: bool = False
    reporter_name: str | None = None


@dataclass(frozen=True)
class LaporPage:
    items: list[LaporComplaint]
    cursor: str | None                    # where the next read goes on from (None: nothing new yet)
    problems: list[str] = field(default_factory=list)    # items the adapter could not read


class LaporInbox(Protocol):
    def disposed(self, cursor: str | None) -> LaporPage:
        """Complaints disposed to us after `cursor` (None: from the start), oldest first."""


class LaporCursor(Protocol):
    def get(self) -> str | None: ...

    def put(self, cursor: str) -> None: ...


