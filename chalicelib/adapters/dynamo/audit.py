"""The audit trail on DynamoDB: conditional puts only (append, never overwrite), no update or
delete anywhere in this module; reads newest first on the narrowest index."""
from __future__ import annotations

import re

from ...domain.audit import AuditEntry
from ...services.paging import check_limit, decode_cursor, encode_cursor, query_tag
from ...services.ports import Page
from .batch import MAX_KEYS, batch_get
from .conditional import save_if
from .models import models_for, to_iso
from .tables import FEED_ALL

AT_KEY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z#[ -~]{1,200}")
HASH_ATTR = {"feed": "feed", "by_complaint": "complaint_id", "by_actor": "actor_id"}


def entry_from_item(i) -> AuditEntry:
    return AuditEntry(id=i.id, at=i.at, actor_role=i.actor_role, actor_id=i.actor_id, action=i.action,
                      complaint_id=i.complaint_id, source_ip=i.source_ip)


class DynamoAuditLog:
    def __init__(self, settings):
        self._M = models_for(settings).Audit

    def append(self, entry: AuditEntry) -> bool:
        """False when an entry with this id is already there (a repeat: nothing changes)."""
        M = self._M
        item = M(entry.id, at=entry.at, at_key=f"{to_iso(entry.at)}#{entry.id}", feed=FEED_ALL,
                 actor_role=entry.actor_role, actor_id=entry.actor_id, action=entry.action,
                 complaint_id=entry.complaint_id, source_ip=entry.source_ip)
        return save_if(item, M.id.does_not_exist())

    def existing(self, ids: list[str]) -> set[str]:
        """Which of these ids are already in the trail (one BatchGetItem per 100; a key left
        unprocessed counts as absent, so the caller's conditional put settles it)."""
        found: set[str] = set()
        unique = list(dict.fromkeys(ids))
        for i in range(0, len(unique), MAX_KEYS):
            keys = [{"id": {"S": x}} for x in unique[i:i + MAX_KEYS]]
            items, _ = batch_get(self._M, keys)
            found.update(item.id for item in items)
        return found

    def list(self, *, complaint: str | None = None, actor: str | None = None, since=None,
             limit: int = 20, cursor: str | None = None) -> Page:
        M = self._M
        check_limit(limit)
        if complaint:
            index, hash_value = M.by_complaint_index, complaint
            condition = (M.actor_id == actor) if actor else None
        elif actor:
            index, hash_value, condition = M.by_actor_index, actor, None
        else:
            index, hash_value, condition = M.feed_index, FEED_ALL, None
        since_key = to_iso(since) if since else None
        name = index.Meta.index_name
        tag = query_tag("audit", name, hash_value, actor, since_key)
        start = None
        if cursor:
            pos = decode_cursor(cursor, {"q": tag, "id": str, "at_key": AT_KEY})
            start = {"id": {"S": pos["id"]}, "at_key": {"S": pos["at_key"]}, HASH_ATTR[name]: {"S": hash_value}}
        results = index.query(hash_value, M.at_key >= since_key if since_key else None,
                              filter_condition=condition, scan_index_forward=False, limit=limit + 1,
                              page_size=100, last_evaluated_key=start)
        items = [*results]
        page = items[:limit]
        nxt = encode_cursor({"q": tag, "id": page[-1].id, "at_key": page[-1].at_key}) if len(items) > limit else None
        return Page([entry_from_item(i) for i in page], nxt)
