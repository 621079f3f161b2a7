"""An in-memory evidence index with the DynamoDB adapter's behaviour (filing overwrites the same
items; a lookup reads only the exact keys it is given)."""
from __future__ import annotations

from chalicelib.domain.evidence import Evidence


class FakeEvidenceIndex:
    def __init__(self):
        self.items: dict[str, dict[str, Evidence]] = {}

    def file(self, evidence: Evidence) -> int:
        keys = evidence.keys(filing=True)
        for key in keys:
            self.items.setdefault(key, {})[f"{evidence.complaint_id}#{evidence.ref}"] = evidence
        return len(keys)

    def candidates(self, evidence: Evidence) -> list[Evidence]:
        found: dict[str, Evidence] = {}
        for key in evidence.keys(filing=False):
            found.update(self.items.get(key, {}))
        return list(found.values())
