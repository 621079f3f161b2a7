"""Honest follow-ups: look for the follow-up's text and photos on other complaints before the
supervisor decides, and file them so later follow-ups are compared with them.

The lookup runs when the follow-up is recorded (a few bounded queries: the photos were hashed on
upload, off the request path); what it finds is kept on the complaint (`flags`, staff only) for
the supervisor's view and approval queue. Filing runs in the stream, after the follow-up is
stored (idempotent), so a follow-up that failed to save leaves nothing behind. The thresholds and
whether a flag also refuses approval are rules (rules/parameters/evidence.yaml).
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

from ..domain.evidence import PHOTO, TEXT, Evidence, Flag, Thresholds, flags, shingles
from ..domain.model import Event

REFUSE = "refuse"


class EvidenceIndex(Protocol):
    def file(self, evidence: Evidence) -> int: ...

    def candidates(self, evidence: Evidence) -> list[Evidence]: ...


def thresholds(rules: Any, at: datetime) -> Thresholds:
    return Thresholds(photo_max_distance=int(rules.parameter("evidence.photo_max_distance", at)),
                      text_min_similarity=int(rules.parameter("evidence.text_min_similarity", at)))


def refuses_approval(rules: Any, at: datetime) -> bool:
    return str(rules.parameter("evidence.action", at)) == REFUSE


def evidence_of(complaint_id: str, message: str | None, photos: Mapping[str, int]) -> list[Evidence]:
    """The follow-up's evidence: its words (when there are enough) and each photo's hash."""
    out = [Evidence(PHOTO, complaint_id, attachment_id, photo_hash=h) for attachment_id, h in sorted(photos.items())]
    grams = shingles(message or "")
    if grams:
        out.insert(0, Evidence(TEXT, complaint_id, "text", grams=grams))
    return out


def check(index: EvidenceIndex, rules: Any, complaint_id: str, message: str | None,
          photos: Mapping[str, int], at: datetime) -> list[Flag]:
    """Flags for a follow-up about to be recorded: near copies used on other complaints."""
    mine = evidence_of(complaint_id, message, photos)
    candidates = [c for e in mine for c in index.candidates(e)]
    return flags(mine, candidates, thresholds(rules, at))


def file_follow_ups(index: EvidenceIndex, events: list[Event]) -> int:
    """File every follow-up of a timeline (the stream: repeats overwrite the same items)."""
    filed = 0
    for e in events:
        if e.type != "followed_up":
            continue
        photos = {a: int(h, 16) for a, h in (e.data.get("photo_hashes") or {}).items()
                  if isinstance(h, str) and len(h) == 16}
        for evidence in evidence_of(e.complaint_id, e.note, photos):
            filed += index.file(evidence)
    return filed
