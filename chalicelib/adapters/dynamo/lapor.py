"""Where the LAPOR! exchange goes on from (services/lapor.LaporCursor): one item on the
idempotency table under the key "lapor:cursor", written after each page is filed."""
from __future__ import annotations

from functools import cache
from typing import Any

from pynamodb.attributes import UnicodeAttribute
from pynamodb.models import Model

KEY = "lapor:cursor"


@cache
def cursor_model(prefix: str, region: str) -> Any:
    meta = type("Meta", (), {"table_name": f"{prefix}idempotency", "region": region})
    return type("LaporCursorItem", (Model,), {"Meta": meta, "key": UnicodeAttribute(hash_key=True),
                                              "cursor": UnicodeAttribute(null=True)})


class DynamoLaporCursor:
    def __init__(self, settings):
        self._M = cursor_model(settings.table_prefix, settings.region)

    def get(self) -> str | None:
        try:
            return self._M.get(KEY, consistent_read=True).cursor
        except self._M.DoesNotExist:
            return None

    def put(self, cursor: str) -> None:
        self._M(KEY, cursor=cursor).save()
