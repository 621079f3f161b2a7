"""The complaint lifecycle as an explicit transition table.

Every action a person can take on a complaint is one row: from which statuses, to which status,
who (relative to the complaint) may take it, which payload field it needs and which timeline
event it records. `decide` is the only way a complaint changes after it is filed; it either
returns the new complaint and exactly one event, or raises and changes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from .errors import Conflict, Forbidden, Invalid, WrongState
from .governments import PROVINCE, government_of
from .model import Actor, Complaint, Event, Location, Rating, Reporter, Role, Status

S = Status


class Action(StrEnum):
    CLAIM = "claim"
    FOLLOW_UP = "follow_up"
    APPROVE = "approve"
    RETURN = "return"
    TRANSFER = "transfer"
    FORWARD = "forward"
    HAND_OVER = "hand_over"      # a forward that lands: to an onboarded government's OPD (payload `to_opd`)
    REJECT = "reject"
    REQUEST_INFO = "request_info"
    REPLY = "reply"
    RATE = "rate"
    REOPEN = "reopen"
    ASSIGN = "assign"            # the supervisor gives the complaint to one of the OPD's operators
    NOTE = "note"                # staff write a note on the timeline (nothing else changes)
    DISPOSE = "dispose"          # disposisi: the supervisor gives the complaint to a unit of the OPD


class Party(StrEnum):
    """Who the caller is *to this complaint* (roles alone are not enough: OPD and ownership count)."""

    OWNER = "owner"
    OPERATOR = "operator"
    SUPERVISOR = "supervisor"
    INSPECTOR = "inspector"      # province-wide oversight: reads, and may write staff notes


@dataclass(frozen=True)
class Transition:
    sources: frozenset[Status]
    target: Status | None          # None: the status does not change
    parties: frozenset[Party]
    event: str                     # timeline event type
    note_field: str | None = None  # the payload field that becomes the event's note (required)


def _t(sources, target, parties, event, note_field=None) -> Transition:
    return Transition(frozenset(sources), target, frozenset(parties), event, note_field)


OPEN_FOR_OPD = (S.ASSIGNED, S.WAITING_CITIZEN, S.FOLLOWED_UP)
P = Party

TRANSITIONS: dict[Action, Transition] = {
    Action.CLAIM:        _t((S.ASSIGNED, S.WAITING_CITIZEN), None, (P.OPERATOR,), "claimed"),
    Action.FOLLOW_UP:    _t((S.ASSIGNED,), S.FOLLOWED_UP, (P.OPERATOR,), "followed_up", "message"),
    Action.APPROVE:      _t((S.FOLLOWED_UP,), S.RESOLVED, (P.SUPERVISOR,), "approved", "note"),
    Action.RETURN:       _t((S.FOLLOWED_UP,), S.ASSIGNED, (P.SUPERVISOR,), "returned", "reason"),
    Action.TRANSFER:     _t(OPEN_FOR_OPD, S.ASSIGNED, (P.OPERATOR, P.SUPERVISOR), "transferred", "reason"),
    Action.FORWARD:      _t(OPEN_FOR_OPD, S.FORWARDED, (P.SUPERVISOR,), "forwarded", "reason"),
    Action.HAND_OVER:    _t(OPEN_FOR_OPD, S.ASSIGNED, (P.SUPERVISOR,), "handed_over", "reason"),
    Action.REJECT:       _t(OPEN_FOR_OPD, S.REJECTED, (P.SUPERVISOR,), "rejected", "reason"),
    Action.REQUEST_INFO: _t((S.ASSIGNED,), S.WAITING_CITIZEN, (P.OPERATOR,), "info_requested", "question"),
    Action.REPLY:        _t((S.WAITING_CITIZEN,), S.ASSIGNED, (P.OWNER,), "citizen_replied", "message"),
    Action.RATE:         _t((S.RESOLVED,), S.CLOSED, (P.OWNER,), "rated", "comment"),
    Action.REOPEN:       _t((S.RESOLVED,), S.ASSIGNED, (P.OWNER,), "reopened", "reason"),
    Action.ASSIGN:       _t(OPEN_FOR_OPD, None, (P.SUPERVISOR,), "assigned_to"),
    Action.NOTE:         _t(tuple(S), None, (P.OPERATOR, P.SUPERVISOR, P.INSPECTOR), "staff_note", "note"),
    Action.DISPOSE:      _t((S.ASSIGNED, S.WAITING_CITIZEN), None, (P.SUPERVISOR,), "disposed"),
}

# Taken through another action's route, never offered on its own: `forward` becomes a hand-over
# when the government it names is onboarded (services/complaints.forwarding decides which).
TAKEN_VIA: dict[Action, Action] = {Action.HAND_OVER: Action.FORWARD}

# In `followed_up` the follow-up waits for the OPD's approval, and only the supervisor decides it:
# whatever moves the complaint on from there (approve, return, transfer, forward, reject) is the
# supervisor's alone, so nobody can end the approval clock around them. Actions that move nothing
# (a staff note) stay open to their parties.
DECIDED_BY: dict[Status, frozenset[Party]] = {S.FOLLOWED_UP: frozenset({P.SUPERVISOR})}

# The status each timeline event leads to (None: unchanged) — the one event → status map.
STATUS_AFTER: dict[str, Status | None] = {"submitted": S.ASSIGNED,
                                         **{t.event: t.target for t in TRANSITIONS.values()},
                                         "ownership_claimed": None}    # claim_ownership: whose it is, not where
EVENT_ACTION: dict[str, Action] = {t.event: a for a, t in TRANSITIONS.items()}

# Fields an action cannot do without (beyond its note field being optional for approve/rate).
REQUIRED_FIELDS: dict[Action, tuple[str, ...]] = {
    Action.FOLLOW_UP: ("message",),
    Action.RETURN: ("reason",),
    Action.TRANSFER: ("opd", "reason"),
    Action.FORWARD: ("jurisdiction", "reason"),
    Action.HAND_OVER: ("jurisdiction", "reason", "to_opd"),
    Action.REJECT: ("reason",),
    Action.REQUEST_INFO: ("question",),
    Action.REPLY: ("message",),
    Action.RATE: ("stars",),
    Action.REOPEN: ("reason",),
    Action.ASSIGN: ("operator",),
    Action.NOTE: ("note",),
    Action.DISPOSE: ("unit",),
}


def parties_of(actor: Actor, complaint: Complaint) -> frozenset[Party]:
    """What the actor is to this complaint: owner, operator/supervisor of *its* OPD (an operator of
    one unit only while the complaint is disposed to that unit), inspector of its government."""
    parties = set()
    if actor.role == Role.CITIZEN and actor.sub == complaint.reporter.sub:
        parties.add(Party.OWNER)
    if actor.role == Role.OPERATOR and actor.opd == complaint.opd and actor.unit in (None, complaint.unit):
        parties.add(Party.OPERATOR)
    if actor.role == Role.SUPERVISOR and actor.opd == complaint.opd:
        parties.add(Party.SUPERVISOR)
    if actor.role == Role.INSPECTOR and oversees(actor, complaint):
        parties.add(Party.INSPECTOR)
    return frozenset(parties)


def oversees(actor: Actor, complaint: Complaint) -> bool:
    """Oversight per level: the province's inspectors and admins every government, a kabupaten/
    kota's inspectors their own government's complaints."""
    return actor.government in (PROVINCE, complaint.government)


def parties_for(action: Action, status: Status) -> frozenset[Party]:
    """Who may take `action` in `status`: the table's parties, narrowed by DECIDED_BY when the
    action moves the complaint."""
    rule = TRANSITIONS[action]
    if rule.target is not None and status in DECIDED_BY:
        return rule.parties & DECIDED_BY[status]
    return rule.parties


def changes_nothing(complaint: Complaint, action: Action, actor: Actor, payload: dict | None = None) -> bool:
    """Claiming one's own claim again, or assigning the operator who already has it, changes
    nothing (CONTRACT.md, Additions): no new version, no event. Ask after `decide` accepted it."""
    if action == Action.CLAIM:
        return complaint.assignee == actor.sub
    if action == Action.ASSIGN:
        return complaint.assignee == (payload or {}).get("operator")
    if action == Action.DISPOSE:
        return complaint.unit == (payload or {}).get("unit")
    return False


def allowed_actions(actor: Actor, complaint: Complaint) -> list[Action]:
    """The actions this actor could take now (for frontends: which buttons to show). A claimed
    complaint offers no claim: to another operator it is 409, to its holder it changes nothing."""
    mine = parties_of(actor, complaint)
    return [a for a, t in TRANSITIONS.items()
            if a not in TAKEN_VIA and complaint.status in t.sources and parties_for(a, complaint.status) & mine
            and not (a == Action.CLAIM and complaint.assignee is not None)]


def decide(complaint: Complaint, action: Action, actor: Actor, at: datetime,
           payload: dict | None = None) -> tuple[Complaint, Event]:
    """Apply one action. Returns the new complaint (version + 1) and its timeline event.

    Raises Forbidden when the actor is not a party that may take the action (in this status),
    WrongState when the complaint's status does not allow it, Invalid when the payload lacks what
    the action needs, Conflict `already_claimed` when another operator holds the complaint.
    """
    payload = payload or {}
    rule = TRANSITIONS[action]
    may = parties_for(action, complaint.status) if complaint.status in rule.sources else rule.parties
    if not may & parties_of(actor, complaint):
        raise Forbidden("forbidden", action=action.value)
    if complaint.status not in rule.sources:
        raise WrongState("wrong_state", action=action.value, status=complaint.status.value)
    for name in REQUIRED_FIELDS.get(action, ()):
        if payload.get(name) in (None, ""):
            raise Invalid("required", field=name)
    if action == Action.CLAIM and complaint.assignee not in (None, actor.sub):
        raise Conflict("already_claimed")      # the supervisor reassigns with `assign`

    changes: dict = {"updated_at": at, "version": complaint.version + 1}
    if rule.target is not None:
        changes["status"] = rule.target
    data: dict = {}
    if action in (Action.RETURN, Action.TRANSFER, Action.HAND_OVER, Action.REOPEN):
        changes["flags"] = ()            # the next follow-up is checked afresh (domain/evidence)
    if action == Action.CLAIM:
        changes["assignee"] = actor.sub
    elif action == Action.ASSIGN:
        changes["assignee"] = payload["operator"]
        data = {"operator": payload["operator"]}
    elif action == Action.TRANSFER:
        if payload["opd"] == complaint.opd:
            raise Invalid("same_opd", field="opd")
        if government_of(payload["opd"]) != complaint.government:     # that is a forward
            raise Invalid("transfer_other_government", field="opd", value=str(payload["opd"])[:64])
        changes.update(opd=payload["opd"], assignee=None, unit=None)
        data = {"from_opd": complaint.opd, "to_opd": payload["opd"]}
        if complaint.status == S.FOLLOWED_UP:    # the supervisor's decision on the follow-up
            data["decides_approval"] = True
    elif action == Action.FORWARD:
        changes["jurisdiction"] = payload["jurisdiction"]
        data = {"jurisdiction": payload["jurisdiction"]}
    elif action == Action.HAND_OVER:
        to_opd = payload["to_opd"]
        if government_of(to_opd) == complaint.government:
            raise Invalid("same_government", field="jurisdiction", value=str(payload["jurisdiction"])[:64])
        changes.update(opd=to_opd, assignee=None, unit=payload.get("to_unit"), jurisdiction=None)
        data = {"jurisdiction": payload["jurisdiction"], "from_opd": complaint.opd, "to_opd": to_opd,
                "government": government_of(to_opd)}
        if payload.get("to_unit"):
            data["unit"] = payload["to_unit"]
        if complaint.status == S.FOLLOWED_UP:    # the supervisor's decision on the follow-up
            data["decides_approval"] = True
    elif action == Action.DISPOSE:
        changes.update(unit=payload["unit"], assignee=None)
        data = {"unit": payload["unit"], "from_unit": complaint.unit}
    elif action == Action.RATE:
        stars = payload["stars"]
        if not isinstance(stars, int) or isinstance(stars, bool) or not 1 <= stars <= 5:
            raise Invalid("stars_range", field="stars")
        changes["rating"] = Rating(stars, payload.get("comment"))
        data = {"stars": stars}
    elif action == Action.FOLLOW_UP and complaint.assignee is None:
        changes["assignee"] = actor.sub   # whoever follows up owns it from now on

    new = complaint.evolve(**changes)
    event = Event(
        complaint_id=complaint.id,
        seq=new.version,
        at=at,
        type=rule.event,
        actor_role=actor.role.value,
        actor_id=actor.sub,
        note=payload.get(rule.note_field) if rule.note_field else None,
        data=data,
        source_ip=actor.source_ip,
    )
    return new, event


def file_complaint(*, complaint_id: str, actor: Actor, at: datetime, category: str, sector: str,
                   opd: str, unit: str | None = None, title: str, description: str, location: Location | None,
                   visibility: str, anonymous: bool, routing_rule: str | None,
                   rules_version: str | None, routing_explanation: dict | None = None,
                   channel: str = "app", reporter: Reporter | None = None,
                   lapor_id: str | None = None) -> tuple[Complaint, Event]:
    """A citizen files a complaint, or intake staff file it for a person (`reporter`: the person,
    who has no account); it is routed at once, so it starts life `assigned`."""
    if actor.role not in (Role.CITIZEN, Role.INTAKE) or (actor.role == Role.INTAKE) != (reporter is not None):
        raise Forbidden("forbidden", action="submit")
    complaint = Complaint(
        id=complaint_id, status=S.ASSIGNED, category=category, sector=sector, opd=opd,
        title=title, description=description, reporter=reporter or Reporter(actor.sub, actor.name),
        created_at=at, updated_at=at, version=1, location=location, visibility=visibility,
        anonymous=anonymous, routing_rule=routing_rule, rules_version=rules_version, unit=unit,
        channel=channel, filed_by=actor.sub if actor.role == Role.INTAKE else None, lapor_id=lapor_id,
    )
    event = Event(complaint_id=complaint_id, seq=1, at=at, type="submitted",
                  actor_role=actor.role.value, actor_id=actor.sub,
                  data={"opd": opd, "category": category, "routing_rule": routing_rule,
                        "rules_version": rules_version, "explanation": routing_explanation,
                        "channel": channel, **({"unit": unit} if unit else {}),
                        **({"lapor_id": lapor_id} if lapor_id else {})},
                  source_ip=actor.source_ip)
    return complaint, event


def claim_ownership(complaint: Complaint, actor: Actor, at: datetime) -> tuple[Complaint, Event]:
    """The person filed for at a desk takes the complaint into their own account (domain/claims.py
    checked the code): they become its reporter; its status and clocks do not change."""
    if actor.role != Role.CITIZEN:
        raise Forbidden("forbidden", action="claim_ownership")
    name = actor.name or complaint.reporter.name
    new = complaint.evolve(reporter=Reporter(actor.sub, name), version=complaint.version + 1, updated_at=at)
    event = Event(complaint_id=complaint.id, seq=new.version, at=at, type="ownership_claimed",
                  actor_role=actor.role.value, actor_id=actor.sub, source_ip=actor.source_ip)
    return new, event
