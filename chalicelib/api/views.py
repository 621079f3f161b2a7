"""Response shapes: what each caller is shown of a complaint, its timeline and reference data."""
from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from ..domain import policy
from ..domain.lifecycle import Action, allowed_actions
from ..domain.model import Actor, Complaint, Event
from ..domain.times import to_utc
from .messages import EVENT_LABELS

# The URL segment of each action: POST /v1/complaints/{id}/<segment>
ACTION_PATHS = {
    Action.CLAIM: "claim", Action.FOLLOW_UP: "followups", Action.APPROVE: "approve",
    Action.RETURN: "return", Action.TRANSFER: "transfer", Action.FORWARD: "forward",
    Action.REJECT: "reject", Action.REQUEST_INFO: "request-info", Action.REPLY: "replies",
    Action.RATE: "rating", Action.REOPEN: "reopen", Action.ASSIGN: "assign", Action.NOTE: "notes",
    Action.DISPOSE: "dispose",
}   # Action.HAND_OVER has no path of its own: it is taken through `forward` (lifecycle.TAKEN_VIA)


def iso(at: datetime | None) -> str | None:
    """What the API shows: UTC with a Z and no needless microseconds (`2026-11-28T02:00:00Z`);
    frontends render it in WIB. Storage uses domain/times.iso_utc (fixed width) instead."""
    if at is None:
        return None
    return to_utc(at).isoformat().replace("+00:00", "Z")


def complaint_view(c: Complaint, actor: Actor | None, deadlines: dict | None = None) -> dict:
    """The contract's Complaint. `deadlines` comes from the clocks: {"followup_due",
    "approval_due", "overdue"}; absent clocks mean null deadlines and not overdue. Every field
    is null unless domain/policy.COMPLAINT_FIELDS lets this caller read it (an allow-list)."""
    deadlines = deadlines or {}
    allowed = policy.complaint_fields(actor, c)
    full = {
        "id": c.id,
        "status": c.status.value,
        "category": c.category,
        "sector": c.sector,
        "opd": c.opd,
        "title": c.title,
        "description": c.description,
        "location": asdict(c.location) if c.location else None,
        "visibility": c.visibility,
        "anonymous": c.anonymous,
        "assignee": c.assignee,
        "created_at": iso(c.created_at),
        "updated_at": iso(c.updated_at),
        "deadlines": {"followup_due": iso(deadlines.get("followup_due")),
                      "approval_due": iso(deadlines.get("approval_due"))},
        "overdue": bool(deadlines.get("overdue", False)),
        "reporter": {"id": c.reporter.sub, "name": c.reporter.name},
        "version": c.version,
        "jurisdiction": c.jurisdiction,
        "government": c.government,
        "unit": c.unit,
        "channel": c.channel,
        "filed_by": c.filed_by,
        "lapor_id": c.lapor_id,
        "rating": asdict(c.rating) if c.rating else None,
        "routing": {"rule_id": c.routing_rule, "rules_version": c.rules_version},
        "flags": [dict(f) for f in c.flags],
        "actions": [ACTION_PATHS[a] for a in allowed_actions(actor, c)] if actor else [],
    }
    return {name: value if name in allowed else None for name, value in full.items()}


def timeline_view(events: list[Event], actor: Actor | None, c: Complaint, lang: str) -> list[dict]:
    """The timeline as this caller may see it: only the events and fields domain/policy allows."""
    return [event_view(shown, lang) for e in events
            if (shown := policy.visible_event(actor, c, e)) is not None]


def event_view(e: Event, lang: str) -> dict:
    """One event already cut to what its reader may see (domain/policy.visible_event)."""
    view: dict = {"at": iso(e.at), "type": e.type, "label": event_label(e, lang),
                  "actor_role": e.actor_role, "note": e.note}
    if e.actor_id is not None:
        view["actor_id"] = e.actor_id
    data = {k: v for k, v in e.data.items() if v is not None}
    if data:
        view["data"] = data
    return view


def event_label(e: Event, lang: str) -> str:
    """The event's human name in the reader's language (a code never appears in it)."""
    key = f"{e.type}.decides_approval" if e.data.get("decides_approval") else e.type
    pair = EVENT_LABELS.get(key) or EVENT_LABELS.get(e.type) or EVENT_LABELS[""]
    return pair[1] if lang == "en" else pair[0]


def sanction_view(s) -> dict:
    """The contract's Sanction (plus kind, reference and the facts the rule saw)."""
    return {"id": s.id, "kind": s.kind, "complaint_id": s.complaint_id, "subject_type": s.subject_type,
            "subject_id": s.subject_id, "opd": s.opd, "rule_id": s.rule_id, "level": s.level,
            "clock": s.clock, "due_at": iso(s.due_at), "issued_at": iso(s.issued_at),
            "hours_late": s.hours_late, "rules_version": s.rules_version,
            "explanation": s.explanation, "reference": s.reference, "facts": s.facts}
