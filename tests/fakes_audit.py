"""A hand-written fake of the audit trail (services.ports.AuditLog), with the repository's paging."""
from __future__ import annotations

import threading

from chalicelib.domain.audit import AuditEntry
from chalicelib.domain.times import iso_utc
from chalicelib.services.paging import check_limit, decode_cursor, encode_cursor, query_tag
from chalicelib.services.ports import Page


class FakeAuditLog:
    def __init__(self):
        self._entries: dict[str, AuditEntry] = {}
        self._lock = threading.Lock()
        self.calls = 0

    def append(self, entry: AuditEntry) -> bool:
        with self._lock:
            self.calls += 1
            if entry.id in self._entries:
                return False
            self._entries[entry.id] = entry
            return True

    def existing(self, ids: list[str]) -> set[str]:
        self.calls += 1
        return {i for i in ids if i in self._entries}

    def all(self) -> list[AuditEntry]:
        return sorted(self._entries.values(), key=lambda e: (iso_utc(e.at), e.id), reverse=True)

    def list(self, *, complaint=None, actor=None, since=None, limit=20, cursor=None) -> Page:
        self.calls += 1
        check_limit(limit)
        tag = query_tag("fake-audit", complaint, actor, iso_utc(since) if since else None)
        rows = [e for e in self.all() if (complaint is None or e.complaint_id == complaint)
                and (actor is None or e.actor_id == actor) and (since is None or e.at >= since)]
        if cursor:
            pos = decode_cursor(cursor, {"q": tag, "key": str})
            rows = [e for e in rows if f"{iso_utc(e.at)}#{e.id}" < pos["key"]]
        page = rows[:limit]
        nxt = encode_cursor({"q": tag, "key": f"{iso_utc(page[-1].at)}#{page[-1].id}"}) if len(rows) > limit else None
        return Page(page, nxt)
