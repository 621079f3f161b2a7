"""mySociety's `servicerequestupdates` (the FixMyStreet extension of Open311): what happened to
public requests in a time window, one update per public-safe timeline event.

Why through the audit trail: an update is a timeline event, and events of an old complaint happen
long after it was filed, so the complaints' `feed` (ordered by filing time) cannot find them
without reading every complaint ever filed. The audit trail holds one entry per timeline event,
ordered by when it happened (its `feed` index, newest first), written by the stream a moment after
the change: it names the complaints that changed in the window. Those are read in one batch, only
the public ones kept, their timelines read, and each event in the window is cut by domain/policy
for the PUBLIC audience (`visible_event(None, …)`: no staff note, no citizen reply, no note text,
no actor id). Nothing of the trail itself (actors, addresses) reaches the answer.

Bounds: at most MAX_TRAIL_PAGES pages of the trail and MAX_COMPLAINTS complaints per request; at
most open311.MAX_RECORDS updates, the oldest first (a poller continues from the last one it got).
"""
from __future__ import annotations

from dataclasses import dataclass

from ..domain import lifecycle, policy
from ..domain.model import Complaint, Event, Status
from .complaints import Deps
from .open311 import MAX_RECORDS, Window, published
from .paging import MAX_LIMIT
from .ports import AuditLog

MAX_TRAIL_PAGES = 20           # 2,000 trail entries read per request at most
MAX_COMPLAINTS = 200           # complaints whose timelines one request reads
# the status each timeline event leaves a complaint in (None: unchanged), from the lifecycle table
STATUS_AFTER: dict[str, Status] = {"submitted": Status.ASSIGNED, **{
    t.event: t.target for t in lifecycle.TRANSITIONS.values() if t.target is not None}}


@dataclass(frozen=True)
class Update:
    complaint: Complaint
    event: Event                # already cut for the public (policy.visible_event)
    status: Status              # the complaint's status right after the event
    photo: str | None = None    # the attachment id of the photo it shows (policy.followup_photo)

    @property
    def update_id(self) -> str:
        return f"{self.complaint.id}-{self.event.seq}"


def changed_complaints(audit: AuditLog, w: Window) -> list[str]:
    """Ids of complaints with a timeline event in the window, by the trail (newest change first)."""
    ids: dict[str, None] = {}
    cursor = None
    for _ in range(MAX_TRAIL_PAGES):
        page = audit.list(complaint=None, actor=None, since=w.start, limit=MAX_LIMIT, cursor=cursor)
        for entry in page.items:
            if entry.complaint_id and entry.action in policy.EVENTS and w.holds(entry.at):
                ids.setdefault(entry.complaint_id, None)
        if len(ids) >= MAX_COMPLAINTS or page.next is None:
            break
        cursor = page.next
    return list(ids)[:MAX_COMPLAINTS]


def updates(deps: Deps, audit: AuditLog, w: Window) -> list[Update]:
    """The public-safe updates in the window, oldest first."""
    ids = changed_complaints(audit, w)
    found: dict[str, Complaint] = {}
    for i in range(0, len(ids), MAX_LIMIT):
        found.update(deps.repo.get_many(ids[i:i + MAX_LIMIT]))
    out: list[Update] = []
    for complaint in (found[i] for i in ids if i in found):
        if published(complaint):
            out += _updates_of(complaint, deps.repo.timeline(complaint.id), w)
    out.sort(key=lambda u: (u.event.at, u.complaint.id, u.event.seq))
    return out[:MAX_RECORDS]


def _updates_of(complaint: Complaint, events: list[Event], w: Window) -> list[Update]:
    out, status = [], Status.ASSIGNED
    for n, event in enumerate(events):
        # the last event left the complaint as it is stored (the table cannot know, say, a forward
        # that made it `assigned` to another government)
        status = complaint.status if n == len(events) - 1 else STATUS_AFTER.get(event.type, status)
        if not w.holds(event.at):
            continue
        shown = policy.visible_event(None, complaint, event)
        if shown is not None:
            out.append(Update(complaint, shown, status, policy.followup_photo(complaint, event)))
    return out
