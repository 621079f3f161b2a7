"""Notifications: what happened becomes stored notifications and queued channel deliveries.

Driven by the complaints stream (timeline events) and the sweep (warnings, sanctions, reports),
never by an API request. domain/notifications.py decides who hears what; this module renders the
policy staff's templates (rules/notifications/) in both languages, stores each notification once
(its id is deterministic: a conditional put), and puts one delivery per channel the recipient
chose on that channel's queue (services/delivery.py sends them). Every step is idempotent, so a
repeated stream record or two sweeps at once tell each person once.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from ..domain.governments import PROVINCE
from ..domain.model import Complaint, Event
from ..domain.notifications import Draft, for_event, for_sanction
from ..domain.sanctions import Sanction
from .ports import (
    Delivery,
    DeliveryLog,
    DeliveryQueue,
    NotificationStore,
    PeopleStore,
    StaffDirectory,
    StoredNotification,
)

log = logging.getLogger("lampungin.notifications")
LANGS = ("id", "en")
IN_APP = "in_app"


@dataclass(kw_only=True)
class NotifyDeps:
    notifications: NotificationStore
    staff: StaffDirectory
    people: PeopleStore
    queue: DeliveryQueue
    log: DeliveryLog
    rules: Any                      # the bundle: .templates, .opds, .category(), .jurisdictions
    channels: frozenset[str]        # the channels configured in this stage (adapters/channels)
    now: Callable[[], datetime]
    claim_code: Callable[[str], str] | None = None   # intake: a complaint's one-time code (domain/claims)


class StaffLookup:
    """The directory as the domain asks it: subs of the people in a role."""

    def __init__(self, directory: StaffDirectory):
        self._d = directory

    def _subs(self, role: str, opd: str | None) -> list[str]:
        return [m.sub for m in self._d.members(role=role, opd=opd)]

    def operators(self, opd: str) -> list[str]:
        return self._subs("operator", opd)

    def supervisors(self, opd: str) -> list[str]:
        return [s for s in self._subs("supervisor", opd) if not self._is_head(s)]

    def head(self, opd: str) -> list[str]:
        head = self._d.head(opd)
        return [head.sub] if head else []

    def inspectors(self, government: str = PROVINCE) -> list[str]:
        """The inspectors of that government's Inspectorate; a kabupaten/kota without any in the
        directory is overseen by the province's, so a report never reaches nobody."""
        everyone = self._d.members(role="inspector", opd=None)
        own = [m.sub for m in everyone if (m.government or PROVINCE) == government]
        return own or [m.sub for m in everyone if (m.government or PROVINCE) == PROVINCE]

    def _is_head(self, sub: str) -> bool:
        member = self._d.get(sub)
        return bool(member and member.head)


class BundleNames:
    """Names people read, from the rules bundle (rules/routing)."""

    def __init__(self, rules):
        self._rules = rules

    def opd(self, code: str | None) -> dict | str:
        opd = self._rules.opds.get(code or "")
        return _both(opd) if opd else (code or "-")

    def category(self, code: str | None) -> dict | str:
        category = self._rules.category(code or "")
        return _both(category) if category else (code or "-")

    def jurisdiction(self, code: str | None) -> tuple[dict | str, dict]:
        j = self._rules.governments.get(code or "") or self._rules.jurisdictions.get(code or "")
        if j is None:
            return code or "-", {"id": "-", "en": "-"}
        return _both(j), dict(getattr(j, "contact", None) or {"id": "-", "en": "-"})


def _both(named) -> dict:
    """A name in each language: the English one where the rules give it, else the Indonesian."""
    return {"id": named.name, "en": named.name_in("en")}


def positions(events: list[Event]) -> list[tuple[str, str | None]]:
    """(OPD, assignee) right after each event, folded over the timeline (lifecycle.decide's
    effects: a claim, an assignment or a follow-up sets the assignee, a transfer clears it)."""
    opd, assignee, out = "", None, []
    for e in events:
        if e.type == "submitted":
            opd = e.data.get("opd", opd)
        elif e.type in ("transferred", "handed_over"):
            opd, assignee = e.data.get("to_opd", opd), None
        elif e.type == "disposed":
            assignee = None
        elif e.type == "claimed" or (e.type == "followed_up" and assignee is None):
            assignee = e.actor_id
        elif e.type == "assigned_to":
            assignee = e.data.get("operator", assignee)
        out.append((opd, assignee))
    return out


def notify_timeline(deps: NotifyDeps, complaint: Complaint, events: list[Event], done: int | None = None) -> int:
    """Notifications for the events the complaint's progress marker has not reached yet (`done`:
    the marker, when the caller has read it already); the marker moves only after they are all
    stored and queued (a crash repeats, never skips)."""
    if done is None:
        done = deps.notifications.progress(complaint.id)
    fresh = [(e, pos) for e, pos in zip(events, positions(events), strict=True) if e.seq > done]
    if not fresh:
        return 0
    staff, names = StaffLookup(deps.staff), BundleNames(deps.rules)
    drafts = [d for e, (opd, assignee) in fresh
              for d in for_event(complaint, e, opd=opd or complaint.opd, assignee=assignee,
                                 staff=staff, names=names, claim_code=deps.claim_code)]
    send(deps, drafts)
    deps.notifications.advance(complaint.id, fresh[-1][0].seq)
    return len(drafts)


def notify_sanction(deps: NotifyDeps, sanction: Sanction, complaint: Complaint | None) -> int:
    drafts = for_sanction(sanction, complaint, staff=StaffLookup(deps.staff), names=BundleNames(deps.rules))
    send(deps, drafts)
    return len(drafts)


def render(templates, draft: Draft) -> StoredNotification:
    texts = {lang: templates.render(draft.type, lang, draft.params_in(lang)) for lang in LANGS}
    return StoredNotification(id=draft.id, recipient=draft.recipient, at=draft.at, type=draft.type,
                              complaint_id=draft.complaint_id, source=draft.source,
                              title={lang: texts[lang][0] for lang in LANGS},
                              body={lang: texts[lang][1] for lang in LANGS})


def send(deps: NotifyDeps, drafts: list[Draft]) -> None:
    """Store each draft once, then queue its channel deliveries unless that was done before
    (a repeat of a half-finished run queues them again; the delivery worker drops doubles).
    A notification with nothing to deliver beyond the app (its person gave no address for any
    channel) is stored as queued already: one write, not a write and an update."""
    if not drafts:
        return
    prefs = deps.people.get_many(sorted({d.recipient for d in drafts}))
    for draft in drafts:
        n = render(deps.rules.templates, draft)
        person = prefs.get(n.recipient)
        deliveries = [Delivery(channel=channel, recipient=n.recipient, notification_id=n.id)
                      for channel in sorted(deps.channels) if person is not None and person.address(channel)]
        if not deliveries:
            n = replace(n, queued_at=deps.now())
        if deps.notifications.add(n):
            lang = _language(person)
            deps.log.record(channel=IN_APP, recipient=n.recipient, address=None, notification_id=n.id,
                            type=n.type, complaint_id=n.complaint_id,
                            language=lang, title=n.title[lang], body=n.body[lang], at=n.at)
            if not deliveries:
                continue                 # stored as queued: nothing more to do
        else:
            stored = deps.notifications.get(n.recipient, n.id)
            if stored is None or stored.queued_at is not None:
                continue
        for delivery in deliveries:
            deps.queue.enqueue(delivery)
        deps.notifications.mark_queued(n.recipient, n.id, deps.now())


def _language(person) -> str:
    return getattr(person, "language", None) or "id"
