"""Wrong claim-ownership codes per complaint (domain/claims.MAX_ATTEMPTS bounds the guessing), on
the idempotency table under keys "claim:<complaint id>": one small item per complaint that anyone
tried to claim, counted with an atomic ADD, so parallel guesses cannot slip past the bound."""
from __future__ import annotations

from functools import cache
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

PREFIX = "claim:"


@cache
def claim_model(prefix: str, region: str) -> Any:
    meta = type("Meta", (), {"table_name": f"{prefix}idempotency", "region": region})
    return type("ClaimAttemptsItem", (Model,), {"Meta": meta, "key": UnicodeAttribute(hash_key=True),
                                                "wrong_codes": NumberAttribute(null=True)})


class DynamoClaimAttempts:
    def __init__(self, settings):
        self._M = claim_model(settings.table_prefix, settings.region)

    def wrong_codes(self, complaint_id: str) -> int:
        try:
            return int(self._M.get(f"{PREFIX}{complaint_id}", consistent_read=True).wrong_codes or 0)
        except self._M.DoesNotExist:
            return 0

    def add_wrong_code(self, complaint_id: str) -> int:
        """One more wrong code; the count after it."""
        item = self._M(f"{PREFIX}{complaint_id}")
        item.update(actions=[self._M.wrong_codes.add(1)])
        return int(item.wrong_codes or 0)
