"""Where the LAPOR! exchange goes on from (services/lapor.LaporCursor): one item on the
idempotency table under the key "lapor:cursor" (models.LaporCursor), written after each page is
filed."""
from __future__ import annotations

from .models import models_for

KEY = "lapor:cursor"


class DynamoLaporCursor:
    def __init__(self, settings):
        self._M = models_for(settings).LaporCursor

    def get(self) -> str | None:
        try:
            return self._M.get(KEY, consistent_read=True).cursor
        except self._M.DoesNotExist:
            return None

    def put(self, cursor: str) -> None:
        self._M(KEY, cursor=cursor).save()
