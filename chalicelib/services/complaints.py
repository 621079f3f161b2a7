"""Use cases on complaints. Each takes its dependencies as arguments (a `Deps`), so tests pass
fakes and the Lambda passes DynamoDB; none reads the clock or the environment itself."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from ..domain import lifecycle, policy
from ..domain.commands import FileComplaint
from ..domain.errors import Conflict, Forbidden, Invalid, NotFound, RateLimited
from ..domain.ids import plausible_id
from ..domain.lifecycle import Action
from ..domain.model import Actor, Complaint, Event, Role
from .clocks import ClockDeps, overdue_queue, with_deadlines
from .paging import fill_page
from .ports import ComplaintRepository, DuplicateRequest, ListQuery, Page, RoutingRules


@dataclass
class Deps:
    repo: ComplaintRepository
    rules: RoutingRules                  # the rules bundle (chalicelib.rules.bundle.RulesBundle)
    now: Callable[[], datetime]          # aware UTC
    new_id: Callable[[datetime], str]
    daily_limit: int = 20                # complaints one citizen may file in 24 hours


def check_daily_limit(deps: Deps, actor: Actor, at: datetime) -> None:
    """Refuse the (limit+1)-th complaint within 24 hours: one query of at most `limit` items on
    the citizen's own index, newest first."""
    recent = deps.repo.list(ListQuery(reporter=actor.sub, limit=deps.daily_limit)).items
    if len(recent) >= deps.daily_limit and recent[-1].created_at > at - timedelta(hours=24):
        retry_after = recent[-1].created_at + timedelta(hours=24) - at
        raise RateLimited("rate_limited", retry_after=int(retry_after.total_seconds()) + 1)


class IdempotencyKeyReused(Exception):
    """The same Idempotency-Key came with a different request body."""


def request_hash(request: dict) -> str:
    return hashlib.sha256(json.dumps(request, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def submit(deps: Deps, actor: Actor, command: FileComplaint, idempotency_key: str | None = None
           ) -> tuple[Complaint, bool]:
    """File a complaint and route it at once. Returns (complaint, created); created is False when
    the Idempotency-Key was seen before and the first complaint is returned instead."""
    if actor.role != Role.CITIZEN:
        raise Forbidden("forbidden", action="submit")
    scoped_key = f"{actor.sub}#{idempotency_key}" if idempotency_key else None
    digest = request_hash(command.as_request())
    try:
        decision = deps.rules.route(command.category)
    except LookupError:
        raise Invalid("unknown_category", field="category", value=command.category) from None
    at = deps.now()
    check_daily_limit(deps, actor, at)
    complaint, event = lifecycle.file_complaint(
        complaint_id=deps.new_id(at), actor=actor, at=at, category=command.category,
        sector=decision.sector, opd=decision.opd, title=command.title,
        description=command.description, location=command.location,
        visibility=command.visibility, anonymous=command.anonymous,
        routing_rule=decision.rule_id, rules_version=decision.rules_version,
        routing_explanation=decision.explanation,
    )
    try:
        deps.repo.add(complaint, event, scoped_key, digest)
    except DuplicateRequest as dup:
        if dup.request_hash != digest:
            raise IdempotencyKeyReused() from None
        first = deps.repo.get(dup.complaint_id)
        if first is None:            # cannot happen: both were written in one transaction
            raise NotFound("not_found") from None
        return first, False
    return complaint, True


def get(deps: Deps, actor: Actor, complaint_id: str) -> Complaint:
    if not plausible_id(complaint_id):
        raise NotFound("not_found")
    complaint = deps.repo.get(complaint_id)
    if complaint is None or not policy.can_see(actor, complaint):
        raise NotFound("not_found")
    return complaint


def act(deps: Deps, actor: Actor, complaint_id: str, action: Action, payload: dict,
        expected_version: int | None = None) -> Complaint:
    """Take one lifecycle action. A concurrent change makes this raise Conflict (409), never a
    silent overwrite; a wrong state raises WrongState (409) and changes nothing. With
    `expected_version` (If-Match), the action applies only to the version the caller looked at."""
    complaint = get(deps, actor, complaint_id)
    if expected_version is not None and expected_version != complaint.version:
        raise Conflict("conflict", expected=expected_version, current=complaint.version)
    new, event = lifecycle.decide(complaint, action, actor, deps.now(), payload)
    if action == Action.TRANSFER and new.opd not in deps.rules.opds:
        raise Invalid("unknown_opd", field="opd", value=new.opd)
    if action == Action.FORWARD and new.jurisdiction not in deps.rules.jurisdictions:
        raise Invalid("unknown_jurisdiction", field="jurisdiction", value=new.jurisdiction)
    deps.repo.save(new, event)
    return new


def timeline(deps: Deps, actor: Actor, complaint_id: str) -> tuple[Complaint, list[Event]]:
    complaint = get(deps, actor, complaint_id)
    return complaint, deps.repo.timeline(complaint_id)


def list_complaints(deps: Deps, clock_deps: ClockDeps, actor: Actor, *, status: str | None,
                    opd: str | None, overdue: bool | None = None, limit: int,
                    cursor: str | None) -> Page:
    """Citizens see their own, OPD staff their OPD's, inspectors and admins everything; each item
    a `deadlines.Listed` (the complaint with its deadlines), in bounded store calls per page.

    `overdue` filters before paging: full pages of the complaints that are (or are not) overdue,
    newest first. For staff and oversight `overdue=True` is the queue of the open-clocks index,
    most overdue first; a citizen's own few complaints are filtered like `overdue=False`."""
    opds = listing_opds(deps, actor, opd)          # refuses another OPD's or an unknown one
    scope = policy.listing_scope(actor)
    if overdue is True and "reporter" not in scope:
        return overdue_queue(clock_deps, actor, opds=opds, status=status, limit=limit, cursor=cursor)
    query = ListQuery(opd=scope.get("opd", opd), reporter=scope.get("reporter"), status=status,
                      limit=limit)

    def fetch(after: str | None) -> Page:
        page = deps.repo.list(replace(query, cursor=after))
        return Page(with_deadlines(clock_deps, page.items), page.next)

    keep = None if overdue is None else (lambda item: item.deadlines["overdue"] is overdue)
    return fill_page(fetch, limit=limit, cursor=cursor, keep=keep,
                     cursor_after=lambda item: deps.repo.cursor_after(query, item.complaint))


def listing_opds(deps: Deps, actor: Actor, opd: str | None) -> list[str]:
    """The OPDs a listing may cover: staff their own, oversight the one asked for or all."""
    scope = policy.listing_scope(actor)
    if "opd" in scope and opd not in (None, scope["opd"]):
        raise Forbidden("forbidden_scope")
    if opd is not None and opd not in deps.rules.opds:
        raise Invalid("unknown_opd", field="opd", value=opd[:64])
    if "opd" in scope:
        return [scope["opd"]]
    return [opd] if opd else list(deps.rules.opds)
