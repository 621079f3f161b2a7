"""Use cases on complaints. Each takes its dependencies as arguments (a `Deps`), so tests pass
fakes and the Lambda passes DynamoDB; none reads the clock or the environment itself."""
from __future__ import annotations

import hashlib
import json
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from ..domain import lifecycle, policy
from ..domain.attachments import plausible_attachment_id, usable_for_followup
from ..domain.commands import FileComplaint
from ..domain.errors import Conflict, Forbidden, Invalid, NotFound, RateLimited, WrongState
from ..domain.governments import PROVINCE, government_of
from ..domain.ids import plausible_id
from ..domain.lifecycle import Action
from ..domain.model import Actor, Complaint, Event, Location, Role
from .attachments import AttachmentStore
from .audit import record_read
from .clocks import ClockDeps, overdue_queue, with_deadlines
from .evidence import EvidenceIndex, refuses_approval
from .evidence import check as check_evidence
from .intake import filing_for
from .paging import fill_page
from .ports import (
    AuditLog,
    ComplaintRepository,
    DuplicateRequest,
    FilingContended,
    FirstRequest,
    ListQuery,
    Page,
    PeopleStore,
    QuotaClaim,
    RoutingRules,
    StaffDirectory,
)

DAY = timedelta(hours=24)       # the daily limit's window: the last 24 hours, not a calendar day
BACKOFF_BASE, BACKOFF_CAP = 0.02, 0.25     # seconds: jittered pause before filing attempt n


@dataclass
class Deps:
    repo: ComplaintRepository
    rules: RoutingRules                  # the rules bundle (chalicelib.rules.bundle.RulesBundle)
    now: Callable[[], datetime]          # aware UTC
    new_id: Callable[[datetime], str]
    daily_limit: int = 20                # complaints one citizen may file in 24 hours
    sleep: Callable[[float], None] = time.sleep     # the pause between contended filing attempts
    filing_attempts: int = 8             # tries of one filing when the citizen's quota is contended
    staff: StaffDirectory | None = None  # who works where: `assign` names an operator of the OPD
    evidence: EvidenceIndex | None = None   # follow-ups' texts and photos (services/evidence.py)
    # intake: where the contact of a person filed for is kept (services/intake.py); a factory, so
    # that only an intake filing needs the store (and its KMS key) to exist
    people: Callable[[], PeopleStore] | None = None


def scoped_key(sub: str, idempotency_key: str) -> str:
    """The stored form of (caller, Idempotency-Key): a hash of the JSON pair, so ("a#b", "c") and
    ("a", "b#c") stay two keys (a plain "sub#key" made them one, and replayed one citizen's
    complaint to another)."""
    return "idem:" + _digest(["idempotency-key", sub, idempotency_key])


def quota_key(sub: str) -> str:
    """The key of the citizen's quota item (beside the idempotency records, under another prefix
    so the two can never meet; hashed, so no key carries a subject in clear)."""
    return "quota:" + _digest(["daily-quota", sub])


def _digest(parts: list[str]) -> str:
    return hashlib.sha256(json.dumps(parts).encode("ascii")).hexdigest()   # ASCII JSON: any str


def check_daily_limit(deps: Deps, actor: Actor, at: datetime) -> QuotaClaim:
    """A claim on a free slot of the citizen's quota for a filing at `at`, for the filing's own
    transaction (which stores it only if the slot is still free then); RateLimited when
    `daily_limit` filings are already inside the last 24 hours, with `retry_after` the seconds
    until the oldest of them leaves the window.

    Why slots and not a list with a version: filings that read the same quota conflict only when
    they pick the same slot (a random free one), so a burst costs few retried transactions. Every
    slot counts towards the limit, so a lowered limit holds at once; a raised one adds slots."""
    quota = deps.repo.quota(quota_key(actor.sub))
    start = at - DAY
    recent = sorted(t for t in quota.slots.values() if t > start)
    if len(recent) >= deps.daily_limit:
        frees_at = recent[len(recent) - deps.daily_limit] + DAY
        raise RateLimited("rate_limited", retry_after=max(1, math.ceil((frees_at - at).total_seconds())))
    free = [i for i in range(deps.daily_limit) if not quota.slots.get(i, start) > start]
    return QuotaClaim(quota.key, random.choice(free), at, start)   # free: fewer than limit are taken


class IdempotencyKeyReused(Exception):
    """The same Idempotency-Key came with a different request body."""


def request_hash(request: dict) -> str:
    """What an Idempotency-Key is bound to. ASCII JSON, so any string (even a lone surrogate that
    JSON can carry) hashes instead of failing to encode."""
    return hashlib.sha256(json.dumps(request, sort_keys=True).encode("ascii")).hexdigest()


@dataclass(frozen=True)
class Filed:
    """What a filing did: the complaint, whether this request made it (False: an Idempotency-Key
    replay answered with the first complaint) and, when it did, the timeline it wrote (its one
    event), so the answer's deadlines need no read-back."""
    complaint: Complaint
    created: bool
    timeline: list[Event] | None = None


def submit(deps: Deps, actor: Actor, command: FileComplaint, idempotency_key: str | None = None
           ) -> tuple[Complaint, bool]:
    """`file` as (complaint, created)."""
    filed = file(deps, actor, command, idempotency_key)
    return filed.complaint, filed.created


def file(deps: Deps, actor: Actor, command: FileComplaint, idempotency_key: str | None = None) -> Filed:
    """File a complaint and route it at once. `created` is False when the Idempotency-Key was used
    before and the first complaint is returned instead.

    A replay is answered before routing and before the daily limit: a citizen at the limit who
    retries gets their complaint back, not 429. The limit is a condition of the filing's own
    transaction (the quota, `check_daily_limit`): when a concurrent filing by the same citizen
    wins, this one re-reads and decides again, at most `filing_attempts` times with jittered
    backoff, and then answers 409 filing_contended; it never stores a filing beyond the limit."""
    if actor.role not in (Role.CITIZEN, Role.INTAKE):
        raise Forbidden("forbidden", action="submit")
    key = scoped_key(actor.sub, idempotency_key) if idempotency_key else None
    digest = request_hash(command.as_request())
    if (first := _replayed(deps, key, digest)) is not None:
        return Filed(first, False)
    at = deps.now()
    complaint_id = deps.new_id(at)
    filing = filing_for(actor, command, complaint_id)
    location = located(deps, command.location)
    try:       # intake staff file into their own government's table (a city's desk: the city's OPDs)
        decision = deps.rules.route(command.category, region=location.region if location else None,
                                    **({"government": actor.government} if actor.role == Role.INTAKE else {}))
    except LookupError:
        raise Invalid("unknown_category", field="category", value=command.category) from None
    complaint, event = lifecycle.file_complaint(
        complaint_id=complaint_id, actor=actor, at=at, category=command.category,
        sector=decision.sector, opd=decision.opd, unit=decision.unit, title=command.title,
        description=command.description, location=location,
        visibility=command.visibility, anonymous=command.anonymous,
        routing_rule=decision.rule_id, rules_version=decision.rules_version,
        routing_explanation=decision.explanation, channel=filing.channel, reporter=filing.reporter,
        lapor_id=command.lapor_id if filing.channel == "lapor" else None,
    )
    if filing.contact is not None:       # before the complaint: the stream tells them of its filing
        if deps.people is None:
            raise RuntimeError("intake filing needs the people store (Deps.people)")
        deps.people().put(replace(filing.contact, updated_at=at))
    for attempt in range(deps.filing_attempts):
        if attempt:
            deps.sleep(random.uniform(0, min(BACKOFF_CAP, BACKOFF_BASE * 2 ** attempt)))
            if (first := _replayed(deps, key, digest)) is not None:   # the winner had our key
                return Filed(first, False)
        quota = check_daily_limit(deps, actor, at) if actor.role == Role.CITIZEN else None
        try:
            deps.repo.add(complaint, event, key, digest, quota)
        except DuplicateRequest as dup:
            return Filed(_first_complaint(deps, FirstRequest(dup.complaint_id, dup.request_hash), digest), False)
        except FilingContended:
            continue
        return Filed(complaint, True, [event])
    raise FilingContended("filing_contended")


def located(deps: Deps, location: Location | None) -> Location | None:
    """The location with its Kemendagri region: the one given, in dotted form ("1871" -> "18.71"),
    422 `unknown_region` when no such region exists; else the kabupaten/kota whose boundary holds
    lat/lon, where the rules bundle ships boundaries (rules/regions: none is shippable today)."""
    if location is None:
        return None
    if location.region is not None:
        region = deps.rules.regions.get(location.region)
        if region is None:
            raise Invalid("unknown_region", field="location.region", value=str(location.region)[:16])
        return replace(location, region=region.code)
    if location.lat is not None and location.lon is not None:
        return replace(location, region=deps.rules.regions.locate(location.lat, location.lon))
    return location


def _replayed(deps: Deps, key: str | None, digest: str) -> Complaint | None:
    """The first complaint filed under `key`, if any (IdempotencyKeyReused for another body)."""
    first = deps.repo.first_request(key) if key is not None else None
    return _first_complaint(deps, first, digest) if first is not None else None


def _first_complaint(deps: Deps, first: FirstRequest, digest: str) -> Complaint:
    if first.request_hash != digest:
        raise IdempotencyKeyReused()
    complaint = deps.repo.get(first.complaint_id)
    if complaint is None:            # cannot happen: both were written in one transaction
        raise NotFound("not_found")
    return complaint


def get(deps: Deps, actor: Actor, complaint_id: str) -> Complaint:
    if not plausible_id(complaint_id):
        raise NotFound("not_found")
    complaint = deps.repo.get(complaint_id)
    if complaint is None or not policy.can_see(actor, complaint):
        raise NotFound("not_found")
    return complaint


def read(deps: Deps, audit: AuditLog, actor: Actor, complaint_id: str) -> Complaint:
    """`get` for a person looking at the complaint (GET one, its timeline): a staff or oversight
    read of a private complaint goes into the audit trail before the content is returned."""
    complaint = get(deps, actor, complaint_id)
    record_read(audit, actor, complaint, deps.now())
    return complaint


def act(deps: Deps, actor: Actor, complaint_id: str, action: Action, payload: dict,
        expected_version: int | None = None) -> Complaint:
    """Take one lifecycle action. A concurrent change makes this raise Conflict (409), never a
    silent overwrite; a wrong state raises WrongState (409) and changes nothing. With
    `expected_version` (If-Match), the action applies only to the version the caller looked at.
    An action that changes nothing (re-claiming one's own claim) returns the complaint as stored."""
    return record(deps, actor, complaint_id, action, payload, expected_version)[0]


def record(deps: Deps, actor: Actor, complaint_id: str, action: Action, payload: dict,
           expected_version: int | None = None, event_data: dict | None = None) -> tuple[Complaint, Event | None]:
    """`act`, also returning the timeline event it recorded (None when nothing changed);
    `event_data` is added to the event's data (a follow-up's photos)."""
    complaint = get(deps, actor, complaint_id)
    if expected_version is not None and expected_version != complaint.version:
        raise Conflict("conflict", expected=expected_version, current=complaint.version)
    if action == Action.FORWARD:
        new, event = decide_forward(deps.rules, complaint, actor, deps.now(), payload)
    else:
        new, event = lifecycle.decide(complaint, action, actor, deps.now(), payload)
    if event_data:
        event = replace(event, data={**event.data, **event_data})
    if action == Action.FOLLOW_UP:
        new = new.evolve(flags=tuple((event_data or {}).get("flags") or ()))
    if lifecycle.changes_nothing(complaint, action, actor, payload):
        return complaint, None
    if action == Action.TRANSFER and new.opd not in deps.rules.opds:
        raise Invalid("unknown_opd", field="opd", value=new.opd)
    if action == Action.DISPOSE:
        opd = deps.rules.opds.get(complaint.opd)
        if opd is None or opd.unit(new.unit) is None:
            raise Invalid("unknown_unit", field="unit", value=str(new.unit)[:64], opd=complaint.opd)
    if action == Action.APPROVE and complaint.flags and refuses_approval(deps.rules, deps.now()):
        raise WrongState("flagged_follow_up", action=action.value, status=complaint.status.value)
    if action == Action.ASSIGN and deps.staff is not None:
        member = deps.staff.get(new.assignee or "")     # a complaint is held by a real operator
        if member is None or member.role != "operator" or member.opd != complaint.opd:
            raise Invalid("unknown_operator", field="operator", value=str(new.assignee)[:64], opd=complaint.opd)
    deps.repo.save(new, event)
    return new, event


def decide_forward(rules: RoutingRules, complaint: Complaint, actor: Actor, at: datetime,
                   payload: dict) -> tuple[Complaint, Event]:
    """`forward` as the lifecycle takes it: who may and when first (403/409 before any routing),
    then a plain forward or a hand-over (`forwarding`)."""
    lifecycle.decide(complaint, Action.FORWARD, actor, at, payload)
    action, payload = forwarding(rules, complaint, payload)
    return lifecycle.decide(complaint, action, actor, at, payload)


def forwarding(rules: RoutingRules, complaint: Complaint, payload: dict) -> tuple[Action, dict]:
    """What `forward` does (CONTRACT.md Additions, "Governments"): to a kabupaten/kota that is not
    on the platform, it ends in `forwarded` (as always); to an onboarded government — the province
    too, from a kabupaten/kota — it is a hand-over: routed through that government's own table (by
    the complaint's region within it; back to the province without, so its by_region rows cannot
    send it straight back) and assigned to its OPD, whose clocks start afresh. `rules check`'s
    cases (lampungin/rules/simulate.py) take the same decision."""
    target = payload["jurisdiction"]
    government = rules.governments.get(target)
    if government is None or (target == PROVINCE and complaint.government == PROVINCE):
        raise Invalid("unknown_jurisdiction", field="jurisdiction", value=str(target)[:64])
    if target == complaint.government:
        raise Invalid("same_government", field="jurisdiction", value=target)
    if not government.onboarded:
        return Action.FORWARD, payload
    region = complaint.location.region if complaint.location and target != PROVINCE else None
    decision = rules.route(complaint.category, government=target, region=region)
    return Action.HAND_OVER, {**payload, "to_opd": decision.opd, "to_unit": decision.unit}


def follow_up(deps: Deps, photos: AttachmentStore | None, actor: Actor, complaint_id: str, payload: dict,
              expected_version: int | None = None) -> Complaint:
    """POST …/followups: `act`, and with `attachments` (photos of the work done) each must be the
    follower's own processed upload to this complaint (422 `attachment_not_usable` naming the
    first that is not). Who may follow up, and when, is decided first (403, 409), as without
    photos. The event carries the ids and, for the reused-photo check, their hashes."""
    ids = list(payload.get("attachments") or [])
    if not ids:
        return record(deps, actor, complaint_id, Action.FOLLOW_UP, payload, expected_version,
                      event_data=_flags(deps, complaint_id, payload, {}))[0]
    lifecycle.decide(get(deps, actor, complaint_id), Action.FOLLOW_UP, actor, deps.now(), payload)   # refuses first
    asked = [i for i in ids if plausible_attachment_id(i)]      # nothing else is worth a read
    found = photos.get_many(complaint_id, asked) if photos is not None and asked else {}
    for i, att_id in enumerate(ids):
        if att_id in ids[:i]:
            raise Invalid("duplicate", field=f"attachments.{i}", value=att_id[:64])
        if att_id not in found or not usable_for_followup(found[att_id], actor):
            raise Invalid("attachment_not_usable", field=f"attachments.{i}")
    hashes = {i: found[i].phash for i in ids if found[i].phash}
    return record(deps, actor, complaint_id, Action.FOLLOW_UP, payload, expected_version,
                  event_data={"attachments": ids, **({"photo_hashes": hashes} if hashes else {}),
                              **_flags(deps, complaint_id, payload, hashes)})[0]


def _flags(deps: Deps, complaint_id: str, payload: dict, hashes: dict) -> dict:
    """Honest follow-ups: near copies of this follow-up's text or photos on other complaints,
    looked up before it is recorded (a few bounded queries; the photos were hashed on upload),
    so the supervisor sees them on the complaint and in the approval queue before deciding."""
    if deps.evidence is None:
        return {}
    photos = {i: int(h, 16) for i, h in hashes.items() if isinstance(h, str) and len(h) == 16}
    found = check_evidence(deps.evidence, deps.rules, complaint_id, payload.get("message"), photos, deps.now())
    return {"flags": [f.as_dict() for f in found]} if found else {}


def add_note(deps: Deps, actor: Actor, complaint_id: str, note: str,
             expected_version: int | None = None) -> tuple[Complaint, Event]:
    """A staff note (POST /v1/complaints/{id}/notes): an event of the complaint's timeline with
    its own seq, like every other, so the complaint's version moves by one; its status does not
    and no clock does (rules/clocks start, stop, pause or resume nothing on a `staff_note`)."""
    complaint, event = record(deps, actor, complaint_id, Action.NOTE, {"note": note}, expected_version)
    if event is None:                  # cannot happen: a note always changes the timeline
        raise Conflict("conflict")
    return complaint, event


def timeline(deps: Deps, actor: Actor, complaint_id: str) -> tuple[Complaint, list[Event]]:
    """The events this caller may see, oldest first (domain/policy decides per event type); a
    caller who may not see an event does not learn it exists."""
    complaint = get(deps, actor, complaint_id)
    return complaint, [e for e in deps.repo.timeline(complaint_id) if policy.sees_event(actor, complaint, e)]


def read_timeline(deps: Deps, audit: AuditLog, actor: Actor, complaint_id: str
                  ) -> tuple[Complaint, list[Event]]:
    """`timeline` for a person, audited like `read`."""
    complaint, events = timeline(deps, actor, complaint_id)
    record_read(audit, actor, complaint, deps.now())
    return complaint, events


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
    if overdue is True and "reporter" not in scope and "filed_by" not in scope:
        return overdue_queue(clock_deps, actor, opds=opds, status=status, limit=limit, cursor=cursor)
    query = ListQuery(opd=scope.get("opd", opd), reporter=scope.get("reporter"), status=status,
                      filed_by=scope.get("filed_by"),
                      government=scope.get("government"), unit=scope.get("unit"), limit=limit)

    def fetch(after: str | None) -> Page:
        page = deps.repo.list(replace(query, cursor=after))
        return Page(with_deadlines(clock_deps, page.items), page.next)

    keep = None if overdue is None else (lambda item: item.deadlines["overdue"] is overdue)
    return fill_page(fetch, limit=limit, cursor=cursor, keep=keep,
                     cursor_after=lambda item: deps.repo.cursor_after(query, item.complaint))


def listing_opds(deps: Deps, actor: Actor, opd: str | None) -> list[str]:
    """The OPDs a listing may cover: staff their own, oversight the one asked for or all (a
    kabupaten/kota's inspectors: of their government)."""
    scope = policy.listing_scope(actor)
    if "opd" in scope and opd not in (None, scope["opd"]):
        raise Forbidden("forbidden_scope")
    if opd is not None and opd not in deps.rules.opds:
        raise Invalid("unknown_opd", field="opd", value=opd[:64])
    if "government" in scope and opd is not None and government_of(opd) != scope["government"]:
        raise Forbidden("forbidden_scope")
    if "opd" in scope:
        return [scope["opd"]]
    if opd:
        return [opd]
    return [o for o in deps.rules.opds if "government" not in scope or government_of(o) == scope["government"]]
