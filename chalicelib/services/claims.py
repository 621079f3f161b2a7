"""`POST /v1/complaints/{id}/claim-ownership {"code"}`: a person filed for at a desk (services/
intake.py) takes the complaint into their new citizen account with the one-time code sent to the
contact they left (domain/claims.py). Then it is theirs like any complaint they filed: in their
own list, their notifications through their own preferences; the contact kept for them is
deleted (nothing of it is needed any more).

Refusals: a complaint that does not exist or cannot be claimed (not filed for a person, or
claimed already) is 404 to the caller, who cannot see it either way; a wrong code is 422
`wrong_code` with the attempts left; after MAX_ATTEMPTS wrong codes 409 `claim_locked` (the
desk can help); a stage without a claim secret 409 `claim_unavailable`. Two people claiming at
once: the optimistic version lets one win, the other gets 409 `conflict`.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ..domain import lifecycle
from ..domain.claims import MAX_ATTEMPTS, claimable, code_matches
from ..domain.errors import Conflict, Forbidden, Invalid, NotFound
from ..domain.ids import plausible_id
from ..domain.model import Actor, Complaint, Role
from .ports import ComplaintRepository, PeopleStore


class ClaimAttempts(Protocol):
    def wrong_codes(self, complaint_id: str) -> int: ...

    def add_wrong_code(self, complaint_id: str) -> int:
        """One more wrong code; the count after it (atomic)."""


@dataclass
class ClaimDeps:
    repo: ComplaintRepository
    people: Callable[[], PeopleStore]    # a factory: only a successful claim needs the store
    attempts: ClaimAttempts
    secret: bytes | None
    now: Callable[[], datetime]


def claim_ownership(deps: ClaimDeps, actor: Actor, complaint_id: str, code: str) -> Complaint:
    if actor.role != Role.CITIZEN:
        raise Forbidden("forbidden", action="claim_ownership")
    complaint = deps.repo.get(complaint_id) if plausible_id(complaint_id) else None
    if complaint is None or not claimable(complaint):
        raise NotFound("not_found")
    if deps.secret is None:
        raise Conflict("claim_unavailable")
    if deps.attempts.wrong_codes(complaint.id) >= MAX_ATTEMPTS:
        raise Conflict("claim_locked")
    if not code_matches(deps.secret, complaint.id, code.strip()):
        left = max(0, MAX_ATTEMPTS - deps.attempts.add_wrong_code(complaint.id))
        if left == 0:
            raise Conflict("claim_locked")
        raise Invalid("wrong_code", field="code", attempts_left=left)
    contact = complaint.reporter.sub
    new, event = lifecycle.claim_ownership(complaint, actor, deps.now())
    deps.repo.save(new, event)
    deps.people().delete(contact)
    return new
