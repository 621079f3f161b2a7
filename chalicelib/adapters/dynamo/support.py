"""Supports of public complaints on DynamoDB (`supports`, tables.py): exactly once per citizen.

One transaction puts the citizen's support item, on condition that it does not exist yet, and adds
one to the complaint's counter item: both or neither, so the counter is the number of support
items whatever runs at once. A repeat fails the condition and counts nothing. Concurrent supports
of one complaint contend for its counter (DynamoDB cancels all but one with TransactionConflict):
those are retried with jittered backoff, a bounded number of times, and then answered 409.

The complaint repository (complaints.py) owns this store: a complaint's supporters are part of it,
but its item is put whole on every save, which would lose a counter kept there.
"""
from __future__ import annotations

import random
import time
from collections.abc import Sequence
from functools import cache
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from ...domain.errors import Conflict
from ...domain.league import day_of, support_tally
from .batch import MAX_KEYS, batch_get
from .league import partition
from .models import UTCTimeAttribute, models_for
from .tables import SUPPORT_COUNT_KEY

ATTEMPTS = 12                     # transactions tried per support while others hold the counter
BACKOFF_BASE, BACKOFF_CAP = 0.01, 0.4      # seconds: jittered pause before attempt n
REPEAT, CONTENDED = "ConditionalCheckFailed", frozenset({"TransactionConflict", "ThrottlingError"})


def support_models(prefix: str, region: str) -> tuple[Any, Any]:
    """(support item model, counter item model) of the `supports` table; cached per prefix."""
    return _build(prefix, region)


@cache
def _build(prefix: str, region: str) -> tuple[Any, Any]:
    def model(name: str, **attrs: Any) -> Any:
        meta = type("Meta", (), {"table_name": f"{prefix}supports", "region": region})
        return type(name, (Model,), {"Meta": meta, "complaint_id": UnicodeAttribute(hash_key=True),
                                     "supporter": UnicodeAttribute(range_key=True), **attrs})
    return (model("SupportItem", at=UTCTimeAttribute()),
            model("SupportCountItem", supporters=NumberAttribute(default=0)))


class DynamoSupportStore:
    def __init__(self, settings, *, sleep=time.sleep):
        self._Support, self._Count = support_models(settings.table_prefix, settings.region)
        self._Day = models_for(settings).LeagueDay
        self._connection = Connection(region=settings.region)     # TransactWrite ignores Meta.host
        self._sleep = sleep

    def add(self, complaint_id: str, supporter: str, at, league: tuple[str, str] | None = None) -> int:
        """services/ports.PublicComplaints.support (`league`: the complaint's OPD and channel,
        whose league-table counters of the day count the support in the same transaction)."""
        if supporter == SUPPORT_COUNT_KEY:
            raise ValueError("not a supporter key")
        S, C = self._Support, self._Count
        for attempt in range(ATTEMPTS):
            if attempt:
                self._sleep(random.uniform(0, min(BACKOFF_CAP, BACKOFF_BASE * 2 ** attempt)))  # noqa: S311 jitter, not secrecy
            try:
                with TransactWrite(connection=self._connection) as tx:
                    tx.save(S(complaint_id, supporter, at=at), condition=S.supporter.does_not_exist())
                    tx.update(C(complaint_id, SUPPORT_COUNT_KEY), actions=[C.supporters.add(1)])
                    if league is not None:
                        opd, channel = league
                        for figure, n in support_tally(channel).items():
                            tx.update(self._Day(partition(opd), day_of(at)),
                                      actions=[getattr(self._Day, figure).add(n)])
            except TransactWriteError as exc:
                codes = [r.code if r else None for r in exc.cancellation_reasons]
                if codes and codes[0] == REPEAT:        # this citizen's support is stored already
                    break
                if CONTENDED & set(codes):
                    continue
                raise
            break
        else:
            raise Conflict("support_contended", complaint_id=complaint_id)
        return self.count(complaint_id)

    def count(self, complaint_id: str) -> int:
        try:
            return int(self._Count.get(complaint_id, SUPPORT_COUNT_KEY, consistent_read=True).supporters)
        except self._Count.DoesNotExist:
            return 0

    def counts(self, complaint_ids: Sequence[str]) -> dict[str, int]:
        """services/ports.PublicComplaints.supporters: one BatchGetItem per 100 complaints; what
        stays unprocessed after batch.py's bounded retry is read one by one."""
        unique, found = list(dict.fromkeys(complaint_ids)), {}
        for start in range(0, len(unique), MAX_KEYS):
            keys = [{"complaint_id": {"S": cid}, "supporter": {"S": SUPPORT_COUNT_KEY}}
                    for cid in unique[start:start + MAX_KEYS]]
            items, unprocessed = batch_get(self._Count, keys)
            found.update({i.complaint_id: int(i.supporters) for i in items})
            for key in unprocessed:
                found[key["complaint_id"]["S"]] = self.count(key["complaint_id"]["S"])
        return {cid: n for cid, n in found.items() if n > 0}
