"""The evidence index on DynamoDB (tables.py `evidence`): what each follow-up showed, filed under
its locality-sensitive keys (domain/evidence.py). Filing is idempotent (the same keys and refs
again overwrite the same items); a lookup is one Query per key, bounded."""
from __future__ import annotations

from functools import cache
from typing import Any

from pynamodb.attributes import UnicodeAttribute
from pynamodb.models import Model

from ...domain.evidence import PHOTO, TEXT, Evidence

PER_KEY = 200              # candidates read per key: a band shared by more is not informative
WORDS_MAX = 3000           # characters of a text's words kept for the exact comparison


@cache
def evidence_model(prefix: str, region: str) -> Any:
    meta = type("Meta", (), {"table_name": f"{prefix}evidence", "region": region})
    return type("EvidenceItem", (Model,), {
        "Meta": meta, "key": UnicodeAttribute(hash_key=True), "ref": UnicodeAttribute(range_key=True),
        "kind": UnicodeAttribute(), "complaint_id": UnicodeAttribute(), "what": UnicodeAttribute(),
        "photo_hash": UnicodeAttribute(null=True), "words": UnicodeAttribute(null=True)})


def _item_values(e: Evidence) -> dict:
    if e.kind == PHOTO:
        return {"photo_hash": f"{e.photo_hash:016x}"}
    return {"words": "\n".join(sorted(e.grams))[:WORDS_MAX]}


class DynamoEvidenceIndex:
    def __init__(self, settings):
        self._M = evidence_model(settings.table_prefix, settings.region)

    def file(self, evidence: Evidence) -> int:
        M, keys = self._M, evidence.keys(filing=True)
        with M.batch_write() as batch:
            for key in keys:
                batch.save(M(key, f"{evidence.complaint_id}#{evidence.ref}", kind=evidence.kind,
                             complaint_id=evidence.complaint_id, what=evidence.ref, **_item_values(evidence)))
        return len(keys)

    def candidates(self, evidence: Evidence) -> list[Evidence]:
        M, found = self._M, {}
        for key in evidence.keys(filing=False):
            for item in M.query(key, limit=PER_KEY, page_size=PER_KEY):
                found[(item.complaint_id, item.what)] = _evidence(item)
        return list(found.values())


def _evidence(item) -> Evidence:
    if item.kind == PHOTO:
        return Evidence(PHOTO, item.complaint_id, item.what, photo_hash=int(item.photo_hash, 16))
    return Evidence(TEXT, item.complaint_id, item.what, grams=frozenset((item.words or "").split("\n")) - {""})
