"""A person filed for at a desk claims the complaint into their own account (CONTRACT.md, Intake
channels: `POST /v1/complaints/{id}/claim-ownership {"code"}`).

The one-time code is sent to the contact they left (services/notifications: `citizen.claim_code`,
with the complaint number). It is not stored anywhere: it is a keyed hash of the complaint id
(HMAC-SHA256 under the stage's claim secret, six decimal digits), so the stream can send it again
after a crash and the API can check it, and nobody without the secret can derive it. Guessing is
bounded by MAX_ATTEMPTS wrong codes per complaint; a claimed complaint is no longer claimable.
"""
from __future__ import annotations

import hashlib
import hmac
import re

from .model import CONTACT_PREFIX, Complaint

CODE_DIGITS = 6
MAX_ATTEMPTS = 5
CODE = re.compile(r"[0-9]{6}")        # ASCII digits only: "٠١٢٣٤٥" is not a code


def claim_code(secret: bytes, complaint_id: str) -> str:
    digest = hmac.new(secret, f"claim-ownership:{complaint_id}".encode(), hashlib.sha256).digest()
    return f"{int.from_bytes(digest[:8], 'big') % 10 ** CODE_DIGITS:0{CODE_DIGITS}d}"


def code_matches(secret: bytes, complaint_id: str, given: str) -> bool:
    return bool(CODE.fullmatch(given)) and hmac.compare_digest(claim_code(secret, complaint_id), given)


def claimable(complaint: Complaint) -> bool:
    """Filed by intake for a person who has not claimed it yet (the reporter is still the
    complaint's contact pseudonym)."""
    return complaint.filed_by is not None and complaint.reporter.sub == f"{CONTACT_PREFIX}{complaint.id}"
