"""Keeping clocks in step with complaints (the stream handler's use case), and reading them back.

For each change the handler re-reads the complaint's timeline (stream images can be stale),
replays it into clocks and stores them, with one summary of the open clocks per complaint; since
the result depends only on the timeline, duplicate, late or out-of-order records are harmless.

Reads: one complaint (GET, POST, actions) replays its timeline, so what a user just did shows at
once. A list reads the stored summaries of its whole page in one batch and replays only the
complaints the stream has not caught up with yet (normally none): bounded calls per page.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ..domain import policy
from ..domain.clocks import Clock, Schedule, replay
from ..domain.deadline_summary import NO_OPEN_CLOCKS, summarise, summary_deadlines
from ..domain.league import first_followups
from ..domain.model import Complaint, Event, Status
from ..domain.sanctions import next_check
from ..domain.times import iso_utc
from .paging import MAX_LIMIT, check_limit, decode_cursor, encode_cursor
from .ports import ClockFlags, ClockRepository, ComplaintRepository, Page


@dataclass
class ClockDeps:
    complaints: ComplaintRepository
    clocks: ClockRepository
    schedule: Schedule                 # deadline arithmetic and clock rules (the bundle's)
    rules_version: str
    now: Callable[[], datetime]


@dataclass(frozen=True)
class Listed:
    """A complaint as a list shows it: with its `deadlines` and `overdue` fields."""

    complaint: Complaint
    deadlines: dict


def current_clocks(deps: ClockDeps, complaint_id: str, events: list[Event] | None = None
                   ) -> tuple[list[Clock], int]:
    if events is None:
        events = deps.complaints.timeline(complaint_id)
    basis = max((e.seq for e in events), default=0)
    return replay(complaint_id, events, deps.schedule), basis


def reconcile(deps: ClockDeps, complaint_id: str, events: list[Event] | None = None) -> list[Clock]:
    """Store the complaint's clocks, and their summary, as its timeline (`events`, else read
    now) implies."""
    clocks, basis = current_clocks(deps, complaint_id, events)
    flags = deps.clocks.flags(complaint_id)
    firsts = first_followups(clocks)           # the clocks that count their complaint for an OPD
    for clock in clocks:
        f = flags.get(clock.key, ClockFlags())
        deps.clocks.put(clock, basis_seq=basis,
                        next_check_at=next_check(clock, f.warned_at is not None, f.settled_at is not None),
                        rules_version=deps.rules_version, counts_complaint=clock.key in firsts)
    deps.clocks.put_summary(complaint_id, summarise(clocks, basis), rules_version=deps.rules_version)
    return clocks


CLOSED = frozenset({Status.RESOLVED, Status.CLOSED, Status.FORWARDED, Status.REJECTED})


def complaint_deadlines(deps: ClockDeps, complaint: Complaint, events: list[Event] | None = None) -> dict:
    """`deadlines` and `overdue` of one complaint, from its timeline (never stale): `events` when
    the caller has just written the whole of it (a filing), else read. A complaint in a status
    where no clock runs costs no read."""
    if complaint.status in CLOSED:
        return summary_deadlines(NO_OPEN_CLOCKS, deps.now())
    clocks, basis = current_clocks(deps, complaint.id, events)
    return summary_deadlines(summarise(clocks, basis), deps.now())


def with_deadlines(deps: ClockDeps, complaints: list[Complaint]) -> list[Listed]:
    """A page of complaints with their deadlines: one batch read of the stored summaries; a
    complaint whose summary is missing or older than the complaint is replayed (correctness
    first: right after a change the stream may not have run yet)."""
    now = deps.now()
    open_ids = [c.id for c in complaints if c.status not in CLOSED]
    stored = deps.clocks.summaries(open_ids) if open_ids else {}
    out = []
    for c in complaints:
        summary = NO_OPEN_CLOCKS if c.status in CLOSED else stored.get(c.id)
        if summary is None or (c.status not in CLOSED and not summary.is_current_for(c.version)):
            clocks, basis = current_clocks(deps, c.id)
            summary = summarise(clocks, basis)
        out.append(Listed(c, summary_deadlines(summary, now)))
    return out


QUEUE_CURSOR = {"due": re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z"),
                "id": str}
MAX_QUEUE_READS = 5                    # batch reads of complaints per overdue-queue request


def overdue_queue(deps: ClockDeps, actor, *, opds: list[str], status: str | None, limit: int,
                  cursor: str | None) -> Page:
    """`GET /v1/complaints?overdue=true` for staff and oversight: the complaints of `opds` whose
    clock ran out, most overdue first, from the sparse index of open clocks (the queue an
    operator works from). Cost: one index query per OPD, then one batch read of the page's
    complaints and one of their summaries (a few more when entries drop out: at most
    MAX_QUEUE_READS rounds). The cursor is the queue position (due time, id) of the last entry
    examined, so entries that leave the queue meanwhile do not shift the next page."""
    check_limit(limit)
    after = None
    if cursor is not None:
        pos = decode_cursor(cursor, QUEUE_CURSOR)
        after = (pos["due"], pos["id"])
    now, seen, queue = deps.now(), set(), []
    entries = sorted((iso_utc(d), cid) for opd in opds for cid, d in deps.clocks.overdue_in(opd, now))
    for due, cid in entries:
        if cid not in seen and (after is None or (due, cid) > after):
            queue.append((due, cid))
        seen.add(cid)                  # a complaint stays at its most overdue position
    taken: list[Listed] = []
    examined = 0
    for _ in range(MAX_QUEUE_READS):
        chunk = queue[examined:examined + min(MAX_LIMIT, limit - len(taken))]
        if not chunk:                  # the page is full, or the queue is exhausted
            break
        found = deps.complaints.get_many([cid for _, cid in chunk])
        visible = [c for c in (found.get(cid) for _, cid in chunk) if c is not None
                   and policy.can_see(actor, c) and (status is None or c.status.value == status)]
        # the index can be a change behind (followed up a moment ago): show only what is overdue
        taken += [item for item in with_deadlines(deps, visible) if item.deadlines["overdue"]]
        examined += len(chunk)
    nxt = queue[examined - 1] if examined < len(queue) else None
    return Page(taken, encode_cursor({"due": nxt[0], "id": nxt[1]}) if nxt else None)
