"""The audit trail's use cases: what gets written (by the stream, the sweep and the reads that
must be audited) and who may read it (inspectors and admins: domain/policy.can_read_audit).

Writes are at least once and idempotent: a state change's entry is derived from its timeline
event (deterministic id), so the stream may deliver a change twice and the trail still holds it
once. The trail is append-only: nothing here updates or deletes an entry.
"""
from __future__ import annotations

from datetime import datetime

from ..domain import policy
from ..domain.audit import is_audited_read, of_event, of_read, of_sanction
from ..domain.errors import Forbidden, Invalid
from ..domain.ids import plausible_id
from ..domain.model import Actor, Complaint, Event
from ..domain.sanctions import Sanction
from .paging import check_limit
from .ports import AuditLog, Page

MAX_ACTOR_CHARS = 128


def record_timeline(log: AuditLog, events: list[Event]) -> int:
    """Append the entries of these events that the trail does not hold yet (one batch read, then
    one conditional put per new event). Returns how many were appended."""
    entries = [of_event(e) for e in events]
    have = log.existing([e.id for e in entries]) if entries else set()
    return sum(1 for e in entries if e.id not in have and log.append(e))


def record_read(log: AuditLog, actor: Actor, complaint: Complaint, at: datetime) -> bool:
    """A staff or oversight read of a private complaint is audited; any other read is not."""
    if not is_audited_read(actor, complaint):
        return False
    return log.append(of_read(actor, complaint, at))


def record_sanction(log: AuditLog, sanction: Sanction) -> bool:
    return log.append(of_sanction(sanction))


def list_audit(log: AuditLog, actor: Actor, *, complaint: str | None = None, actor_id: str | None = None,
               since: datetime | None = None, limit: int = 20, cursor: str | None = None) -> Page:
    """Newest first; inspectors and admins only (Forbidden otherwise)."""
    if not policy.can_read_audit(actor):
        raise Forbidden("forbidden")
    if complaint is not None and not plausible_id(complaint):
        raise Invalid("invalid", field="complaint")
    if actor_id is not None and not (0 < len(actor_id) <= MAX_ACTOR_CHARS and actor_id.isascii()
                                     and actor_id.isprintable()):
        raise Invalid("invalid", field="actor")
    check_limit(limit)
    return log.list(complaint=complaint, actor=actor_id, since=since, limit=limit, cursor=cursor)

