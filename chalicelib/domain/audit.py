"""The audit trail: who did what to which complaint, from where — append-only.

Why derived, not written beside each action: a state change is an immutable timeline event, so
its audit entry is a pure function of the event (deterministic id), and the stream writes it at
least once without ever writing it twice. What no event records — a staff member reading a
private complaint, a sanction the sweep issued — gets its entry from the functions below too.
Nothing in the API edits or deletes an entry; the repository only appends.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .model import Actor, Complaint, Event, Role
from .sanctions import Sanction
from .times import iso_utc

SYSTEM = "system"           # the actor role of what the sweep does
READ_PRIVATE = "read_private"


@dataclass(frozen=True)
class AuditEntry:
    id: str                          # deterministic where the thing audited has an identity
    at: datetime
    actor_role: str
    actor_id: str | None
    action: str                      # a timeline event type, read_private, <kind>_issued
    complaint_id: str | None
    source_ip: str | None = None


def of_event(event: Event) -> AuditEntry:
    """A state change (or a staff note): one entry per timeline event. A citizen is named by role
    only: the trail holds staff to account, and an anonymous reporter's identity never reaches
    staff (oversight included), wherever it is shown."""
    actor_id = None if event.actor_role == Role.CITIZEN.value else event.actor_id
    return AuditEntry(id=f"event:{event.complaint_id}:{event.seq:08d}", at=event.at,
                      actor_role=event.actor_role, actor_id=actor_id, action=event.type,
                      complaint_id=event.complaint_id, source_ip=event.source_ip)


def is_audited_read(actor: Actor, complaint: Complaint) -> bool:
    """Staff and oversight reading a private complaint (its owner reading it is not audited)."""
    return complaint.visibility != "public" and actor.role != Role.CITIZEN


def of_read(actor: Actor, complaint: Complaint, at: datetime, what: str = READ_PRIVATE) -> AuditEntry:
    return AuditEntry(id=f"read:{complaint.id}:{iso_utc(at)}:{actor.sub}", at=at,
                      actor_role=actor.role.value, actor_id=actor.sub, action=what,
                      complaint_id=complaint.id, source_ip=actor.source_ip)


def of_sanction(sanction: Sanction) -> AuditEntry:
    return AuditEntry(id=f"sanction:{sanction.id}", at=sanction.issued_at, actor_role=SYSTEM,
                      actor_id="sweep", action=f"{sanction.kind}_issued",
                      complaint_id=sanction.complaint_id)
