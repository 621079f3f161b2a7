"""Keeping clocks in step with complaints (the stream handler's use case).

For each change the handler re-reads the complaint's timeline (stream images can be stale),
replays it into clocks and stores them; since the result depends only on the timeline, duplicate,
late or out-of-order records are harmless.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from ..domain import policy
from ..domain.clocks import Clock, deadlines, replay
from ..domain.model import Status
from ..domain.sanctions import next_check
from .ports import BadCursor, ClockFlags, ClockRepository, ComplaintRepository, ListQuery, Page


@dataclass
class ClockDeps:
    complaints: ComplaintRepository
    clocks: ClockRepository
    schedule: object                   # domain.clocks.Schedule
    rules_version: str
    now: Callable[[], datetime]


def current_clocks(deps: ClockDeps, complaint_id: str) -> tuple[list[Clock], int]:
    events = deps.complaints.timeline(complaint_id)
    basis = max((e.seq for e in events), default=0)
    return replay(complaint_id, events, deps.schedule), basis


def reconcile(deps: ClockDeps, complaint_id: str) -> list[Clock]:
    """Store the complaint's clocks as its timeline now implies. Returns them."""
    clocks, basis = current_clocks(deps, complaint_id)
    flags = deps.clocks.flags(complaint_id)
    for clock in clocks:
        f = flags.get(clock.key, ClockFlags())
        deps.clocks.put(clock, basis_seq=basis,
                        next_check_at=next_check(clock, f.warned_at is not None, f.settled_at is not None),
                        rules_version=deps.rules_version)
    return clocks


NO_OPEN_CLOCKS = frozenset({Status.RESOLVED, Status.CLOSED, Status.FORWARDED, Status.REJECTED})


def complaint_deadlines(deps: ClockDeps, complaint) -> dict:
    """`deadlines` and `overdue` for the API, computed from the timeline (never stale). A complaint
    in a status where no clock runs costs no read (most of any long list)."""
    if complaint.status in NO_OPEN_CLOCKS:
        return deadlines([], deps.now())
    clocks, _ = current_clocks(deps, complaint.id)
    return deadlines(clocks, deps.now())


def overdue_queue(deps: ClockDeps, actor, *, opds: list[str], status: str | None, limit: int,
                  cursor: str | None) -> Page:
    """`GET /v1/complaints?overdue=true`: the caller's complaints whose clock ran out, most
    overdue first, from the sparse index of open clocks (the queue an operator works from).
    Citizens' own complaints are few: their newest are checked one by one instead."""
    start = _offset(cursor)
    if policy.listing_scope(actor).get("reporter"):
        mine = deps.complaints.list(ListQuery(reporter=actor.sub, status=status, limit=100)).items
        late = [c for c in mine if complaint_deadlines(deps, c)["overdue"]]
    else:
        due = sorted((d, cid) for opd in opds for cid, d in deps.clocks.overdue_in(opd, deps.now()))
        late, seen = [], set()
        for _, cid in due:
            c = deps.complaints.get(cid) if cid not in seen else None
            seen.add(cid)
            if c and policy.can_see(actor, c) and (status is None or c.status.value == status):
                late.append(c)
    page = late[start:start + limit]
    return Page(page, str(start + limit) if start + limit < len(late) else None)


def _offset(cursor: str | None) -> int:
    if cursor is None:
        return 0
    if not cursor.isdigit() or len(cursor) > 9:
        raise BadCursor(cursor)
    return int(cursor)
