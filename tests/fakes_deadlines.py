"""Hand-written in-memory fakes of the clock and sanction repositories and the notifier."""
from __future__ import annotations

import json
import threading
from datetime import datetime
from dataclasses import asdict

from chalicelib.services.ports import BadCursor, ClockFlags, DueClock, Page


def _offset(cursor) -> int:
    if not cursor:
        return 0
    if not str(cursor).isdigit():
        raise BadCursor(cursor)
    return int(cursor)


def shard_of(complaint_id: str, shards: int = 16) -> int:
    from chalicelib.adapters.dynamo.sharding import shard_of as real
    return real(complaint_id, shards)


class FakeClockRepository:
    shards = 16

    def __init__(self):
        self.items: dict[tuple[str, str], dict] = {}
        self._lock = threading.Lock()

    def flags(self, complaint_id):
        return {k: ClockFlags(v.get("warned_at"), v.get("settled_at"), v.get("basis_seq", 0))
                for (cid, k), v in self.items.items() if cid == complaint_id}

    def put(self, clock, *, basis_seq, next_check_at, rules_version):
        with self._lock:
            item = self.items.get((clock.complaint_id, clock.key), {})
            if item.get("basis_seq", 0) > basis_seq:
                return False
            item.update(clock=clock, basis_seq=basis_seq, rules_version=rules_version,
                        next_check_at=next_check_at if item.get("settled_at") is None else None)
            self.items[(clock.complaint_id, clock.key)] = item
            return True

    def mark(self, complaint_id, clock_key, *, next_check_at, warned_at=None, settled_at=None):
        with self._lock:
            item = self.items.setdefault((complaint_id, clock_key), {})
            item["next_check_at"] = next_check_at
            if warned_at is not None:
                item["warned_at"] = warned_at
            if settled_at is not None:
                item["settled_at"] = settled_at

    def due(self, shard, until, cursor, limit):
        """Keyset pagination, as DynamoDB's LastEvaluatedKey: continue after the last key seen,
        so clocks that left the index meanwhile do not shift the page."""
        hits = sorted((v["next_check_at"].isoformat(), cid, k) for (cid, k), v in self.items.items()
                      if v.get("next_check_at") is not None and v["next_check_at"] <= until
                      and shard_of(cid) == shard)
        if cursor:
            try:
                after = tuple(json.loads(cursor))
            except ValueError:
                raise BadCursor(cursor) from None
            hits = [h for h in hits if h > after]
        page = hits[:limit]
        items = [DueClock(cid, k, datetime.fromisoformat(at)) for at, cid, k in page]
        return Page(items, json.dumps(list(page[-1])) if len(hits) > limit else None)

    def overdue_in(self, opd, now, limit=500):
        rows = sorted((v["clock"].due_at, cid) for (cid, k), v in self.items.items()
                      if "clock" in v and v["clock"].opd == opd and v["clock"].state != "stopped"
                      and v["clock"].due_at is not None and v["clock"].due_at < now)
        return [(cid, due) for due, cid in rows[:limit]]

    def for_opd(self, opd, since):
        return [v["clock"] for v in self.items.values() if "clock" in v and v["clock"].opd == opd
                and v["clock"].started_at >= since]


class FakeSanctionRepository:
    def __init__(self):
        self.items: dict[str, dict] = {}
        self._lock = threading.Lock()

    def add(self, sanction):
        with self._lock:
            if sanction.id in self.items:
                return False
            self.items[sanction.id] = {"sanction": sanction, "notified_at": None}
            return True

    def get(self, sanction_id):
        item = self.items.get(sanction_id)
        return None if item is None else {**asdict(item["sanction"]), "notified_at": item["notified_at"]}

    def count_misses(self, subject, since, before):
        return sum(1 for v in self.items.values() if v["sanction"].kind == "sanction"
                   and v["sanction"].subject == subject and since <= v["sanction"].due_at < before)

    def mark_notified(self, sanction_id, at):
        self.items[sanction_id]["notified_at"] = at

    def list(self, *, complaint=None, opd=None, subject_type=None, since=None, kind="sanction",
             limit=20, cursor=None):
        rows = [v["sanction"] for v in self.items.values()]
        rows = [s for s in rows if s.kind == kind or kind == "all"]
        rows = [s for s in rows if (complaint is None or s.complaint_id == complaint)
                and (opd is None or s.opd == opd) and (subject_type is None or s.subject_type == subject_type)
                and (since is None or s.issued_at >= since)]
        rows.sort(key=lambda s: (s.issued_at, s.id), reverse=True)
        start = _offset(cursor)
        return Page(rows[start:start + limit], str(start + limit) if start + limit < len(rows) else None)

    def all(self):
        return [v["sanction"] for v in self.items.values()]


class RecordingNotifier:
    def __init__(self):
        self.sent: list[tuple[str, dict]] = []

    def publish(self, message, dedup_id):
        self.sent.append((dedup_id, message))
