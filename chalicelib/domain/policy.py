"""Who sees what. One module decides it, so privacy is not scattered across handlers.

Complaints are private unless the reporter made them public; an anonymous reporter's identity is
never shown to staff. A caller who may not see a complaint is told it does not exist (404).
"""
from __future__ import annotations

from .model import Actor, Complaint, Event, Role

OVERSIGHT = frozenset({Role.INSPECTOR, Role.ADMIN})


def is_owner(actor: Actor, complaint: Complaint) -> bool:
    return actor.role == Role.CITIZEN and actor.sub == complaint.reporter.sub


def is_opd_staff(actor: Actor, complaint: Complaint) -> bool:
    return actor.role in (Role.OPERATOR, Role.SUPERVISOR) and actor.opd == complaint.opd


def can_see(actor: Actor | None, complaint: Complaint) -> bool:
    if actor is None:
        return False
    if is_owner(actor, complaint) or is_opd_staff(actor, complaint) or actor.role in OVERSIGHT:
        return True
    return complaint.visibility == "public" and actor.role == Role.CITIZEN


def shows_reporter(actor: Actor, complaint: Complaint) -> bool:
    """The owner always sees themselves; staff and oversight only when not anonymous."""
    if is_owner(actor, complaint):
        return True
    if complaint.anonymous:
        return False
    return is_opd_staff(actor, complaint) or actor.role in OVERSIGHT


def shows_actor_ids(actor: Actor, complaint: Complaint, event: Event) -> bool:
    """Timeline actor ids: staff ids are shown to staff and oversight; a citizen's id only when
    the reporter would be shown. Citizens never see staff ids (they see the role)."""
    if event.actor_role == Role.CITIZEN.value:
        return shows_reporter(actor, complaint)
    return actor.role != Role.CITIZEN


def listing_scope(actor: Actor) -> dict:
    """What `GET /v1/complaints` may return to this caller, as a filter the service applies."""
    if actor.role == Role.CITIZEN:
        return {"reporter": actor.sub}
    if actor.role in (Role.OPERATOR, Role.SUPERVISOR):
        return {"opd": actor.opd}
    return {}


def sanction_scope(actor: Actor) -> dict | None:
    """What `GET /v1/sanctions` may return: a supervisor their own OPD's, inspectors and admins
    everything; None for everyone else (operators and citizens see no sanctions list)."""
    if actor.role == Role.SUPERVISOR:
        return {"opd": actor.opd}
    if actor.role in OVERSIGHT:
        return {}
    return None
