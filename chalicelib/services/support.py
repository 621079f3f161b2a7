"""A citizen supports a public complaint (POST /v1/complaints/{id}/support), once.

"Me too" is how a complaint many people share shows its weight without a pile of duplicates (the
filing answer offers `similar` ones to support instead). Exactly once per citizen, by the store's
transaction (ports.PublicComplaints.support); who may is domain/policy.support_refusal's: a private
complaint is invisible to other citizens (404), its reporter and staff may not (403).

The supporter is stored as a hash of the citizen's `sub`, never the `sub`: the table says how many
and that a given citizen did, not who.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ..domain import policy
from ..domain.errors import Forbidden, NotFound
from ..domain.ids import plausible_id
from ..domain.model import Actor
from .public import PublicStore


@dataclass
class SupportDeps:
    repo: PublicStore
    now: Callable[[], datetime]


def supporter_key(sub: str) -> str:
    """The stored form of a supporter: a digest of the JSON pair, like services/complaints.quota_key
    (hex, so it never meets the counter's key)."""
    return hashlib.sha256(json.dumps(["support", sub]).encode("ascii")).hexdigest()


def support(deps: SupportDeps, actor: Actor, complaint_id: str) -> int:
    """The complaint's supporters after this citizen's support (the same number again on a repeat,
    unless others supported meanwhile)."""
    complaint = deps.repo.get(complaint_id) if plausible_id(complaint_id) else None
    if complaint is None:
        raise NotFound("not_found")
    refusal = policy.support_refusal(actor, complaint)
    if refusal == "not_found":
        raise NotFound("not_found")
    if refusal is not None:
        raise Forbidden(refusal, action="support")
    return deps.repo.support(complaint.id, supporter_key(actor.sub), deps.now(),
                             league=(complaint.opd, complaint.channel))
