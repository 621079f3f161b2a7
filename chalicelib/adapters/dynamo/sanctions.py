"""Sanctions on DynamoDB: one item per decision under its deterministic id (conditional put)."""
from __future__ import annotations

import re
from dataclasses import asdict
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from ...domain.league import day_of, sanction_tally
from ...domain.sanctions import Sanction
from ...services.paging import check_limit, decode_cursor, encode_cursor, query_tag
from ...services.ports import Page
from .batch import batch_get
from .clocks import STORED_TIME
from .conditional import save_if
from .league import partition
from .models import from_iso, models_for, shadow_models_for, to_iso

ISSUED_KEY = re.compile(STORED_TIME.pattern + r"#[ -~]{1,200}")
HASH_ATTR = {"by_complaint": "complaint_id", "by_opd": "opd", "feed": "kind"}


def sanction_body(s: Sanction) -> dict:
    body = asdict(s)
    for name in ("due_at", "issued_at"):
        body[name] = to_iso(body[name])
    body["notify"] = list(s.notify)
    return body


def sanction_from_body(b: dict) -> Sanction:
    b = dict(b)
    b["due_at"], b["issued_at"] = from_iso(b["due_at"]), from_iso(b["issued_at"])
    b["notify"] = tuple(b.get("notify", ()))
    return Sanction(**b)


class DynamoSanctionRepository:
    def __init__(self, settings, *, shadow: bool = False):
        models: Any = shadow_models_for(settings) if shadow else models_for(settings)
        self._M = models.Sanction
        # the league table counts real sanctions only, never the shadow rules' decisions
        self._Day = None if shadow else models.LeagueDay
        self._connection = Connection(region=settings.region)     # TransactWrite ignores Meta.host

    def add(self, s: Sanction, *, channel: str = "app") -> bool:
        M = self._M
        item = M(s.id, kind=s.kind, complaint_id=s.complaint_id, subject=s.subject, opd=s.opd,
                 subject_type=s.subject_type, issued_key=f"{to_iso(s.issued_at)}#{s.id}",
                 due_key=f"{to_iso(s.due_at)}#{s.id}", body=sanction_body(s))
        counts = sanction_tally(s.kind, channel) if self._Day is not None else {}
        if not counts:
            return save_if(item, M.id.does_not_exist())
        # stored and counted together, or neither (a repeat is refused whole: counted once)
        D: Any = self._Day
        try:
            with TransactWrite(connection=self._connection) as tx:
                tx.save(item, condition=M.id.does_not_exist())
                for figure, n in counts.items():
                    tx.update(D(partition(s.opd), day_of(s.issued_at)), actions=[getattr(D, figure).add(n)])
        except TransactWriteError as exc:
            codes = [r.code if r else None for r in exc.cancellation_reasons]
            if codes and codes[0] == "ConditionalCheckFailed":
                return False
            raise
        return True

    def get(self, sanction_id: str) -> dict | None:
        try:
            item = self._M.get(sanction_id, consistent_read=True)
        except self._M.DoesNotExist:
            return None
        return {**item.body, "notified_at": item.notified_at}

    def existing(self, sanction_ids: list[str]) -> set[str]:
        """Which of these ids (a page's worth, at most 100) are stored: one BatchGetItem of keys
        only. A key left unprocessed after the bounded retry is asked for with a GetItem."""
        keys = [{"id": {"S": i}} for i in dict.fromkeys(sanction_ids)]
        if not keys:
            return set()
        items, unprocessed = batch_get(self._M, keys, projection="id")
        found = {i.id for i in items}
        return found | {k["id"]["S"] for k in unprocessed if self.get(k["id"]["S"]) is not None}

    def count_misses(self, subject: str, since, before) -> int:
        M = self._M
        # one Query (Select=COUNT) on the narrow index: read units grow by one per ≈ 25 misses
        return M.by_subject_index.count(
            subject, M.due_key.between(to_iso(since), to_iso(before)), filter_condition=M.kind == "sanction")

    def mark_notified(self, sanction_id: str, at) -> None:
        M = self._M
        M(sanction_id).update(actions=[M.notified_at.set(at)])

    def list(self, *, complaint=None, opd=None, subject_type=None, since=None, kind="sanction",
             limit=20, cursor=None, subject=None, government=None) -> Page:
        """Newest first on the narrowest index; a cursor names the last item shown and is good
        only for the query that made it."""
        M = self._M
        check_limit(limit)
        if complaint:
            index, hash_value, filters = M.by_complaint_index, complaint, {"opd": opd}
        elif opd:
            index, hash_value, filters = M.by_opd_index, opd, {}
        else:
            index, hash_value, filters = M.feed_index, kind, {}
        filters.update(subject_type=subject_type, kind=kind if index is not M.feed_index else None,
                       subject=subject)
        condition = None
        for attr, value in filters.items():
            if value is not None:
                term = getattr(M, attr) == value
                condition = term if condition is None else condition & term
        if government is not None:      # a kabupaten/kota's OPDs: their codes carry its prefix
            term = M.opd.startswith(f"{government}.")
            condition = term if condition is None else condition & term
        since_key = to_iso(since) if since else None
        range_condition = M.issued_key >= since_key if since_key else None
        name = index.Meta.index_name
        tag = query_tag(name, hash_value, sorted(filters.items()), since_key, *([government] if government else []))
        start = None
        if cursor:
            pos = decode_cursor(cursor, {"q": tag, "id": str, "issued_key": ISSUED_KEY})
            start = {"id": {"S": pos["id"]}, "issued_key": {"S": pos["issued_key"]},
                     HASH_ATTR[name]: {"S": hash_value}}
        results = index.query(hash_value, range_condition, filter_condition=condition,
                              scan_index_forward=False, limit=limit + 1, page_size=100,
                              last_evaluated_key=start)
        items = [*results]
        page = items[:limit]
        nxt = None
        if len(items) > limit:
            nxt = encode_cursor({"q": tag, "id": page[-1].id, "issued_key": page[-1].issued_key})
        return Page([sanction_from_body(i.body) for i in page], nxt)
