"""ApiKeyStore on DynamoDB (services/open311_keys.py): the `open311_keys` table of tables.py.

One item per issued key under its key id, holding the salt and the HMAC of the secret (never the
key). Adding is a conditional put (a key id is never overwritten); revoking a conditional update
(once: the first revocation time stays). The model is built per (table prefix, region) and cached,
as models.py does for the other tables.
"""
from __future__ import annotations

from functools import cache
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

from ...services.open311_keys import KEY_ID, ApiKey
from .conditional import save_if, update_if
from .models import UTCTimeAttribute

SHORT = "open311_keys"


def api_key_model(settings) -> Any:
    """The PynamoDB model of the `open311_keys` table for these settings (a Model class)."""
    return _build(settings.table_prefix, settings.region)


@cache
def _build(prefix: str, region: str) -> Any:
    meta = type("Meta", (), {"table_name": f"{prefix}{SHORT}", "region": region})
    return type("Open311KeyItem", (Model,), {
        "Meta": meta,
        "key_id": UnicodeAttribute(hash_key=True),
        "client": UnicodeAttribute(),
        "salt": UnicodeAttribute(),
        "digest": UnicodeAttribute(),
        "created_at": UTCTimeAttribute(),
        "daily_limit": NumberAttribute(),
        "revoked_at": UTCTimeAttribute(null=True),
    })


def _from_item(i) -> ApiKey:
    return ApiKey(key_id=i.key_id, client=i.client, salt=i.salt, digest=i.digest,
                  created_at=i.created_at, daily_limit=int(i.daily_limit), revoked_at=i.revoked_at)


class DynamoApiKeyStore:
    def __init__(self, settings):
        self._M = api_key_model(settings)

    def add(self, key: ApiKey) -> bool:
        M = self._M
        item = M(key.key_id, client=key.client, salt=key.salt, digest=key.digest,
                 created_at=key.created_at, daily_limit=key.daily_limit, revoked_at=key.revoked_at)
        return save_if(item, M.key_id.does_not_exist())

    def get(self, key_id: str) -> ApiKey | None:
        if not KEY_ID.fullmatch(key_id or ""):       # never a key DynamoDB would refuse
            return None
        try:
            return _from_item(self._M.get(key_id, consistent_read=True))
        except self._M.DoesNotExist:
            return None

    def all(self) -> list[ApiKey]:
        """The whole table (an admin's listing of a few dozen keys), oldest first."""
        return sorted((_from_item(i) for i in self._M.scan()), key=lambda k: (k.created_at, k.key_id))

    def revoke(self, key_id: str, at) -> bool:
        M = self._M
        if not KEY_ID.fullmatch(key_id or ""):
            return False
        return update_if(M(key_id), [M.revoked_at.set(at)], M.key_id.exists() & M.revoked_at.does_not_exist())
