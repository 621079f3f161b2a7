"""Hand-written in-memory fakes of the clock and sanction repositories and the notifier.

Like tests/fakes.py they count their calls (`calls`, by method name; one call = one store
request), and page with the one cursor codec (services/paging.py) as the DynamoDB adapters do.
"""
from __future__ import annotations

import threading
from collections import Counter
from dataclasses import asdict

from chalicelib.adapters.dynamo.sharding import shard_of
from chalicelib.domain.league import clock_tally, day_of, difference, sanction_tally
from chalicelib.domain.times import from_storage, iso_utc
from chalicelib.services.paging import check_limit, decode_cursor, encode_cursor, query_tag
from chalicelib.services.ports import ClockFlags, DueClock, Page
from tests.fakes import counted


class FakeLeague:
    """The league table's day counters (adapters/dynamo/league.py) without DynamoDB: (opd, day)
    -> figure -> count, and a clock's contribution recorded beside it so it is added once."""

    def __init__(self):
        self.days: dict[tuple[str, str], Counter] = {}
        self._lock = threading.RLock()

    def add(self, opd: str, day: str, tally) -> None:
        with self._lock:
            self.days.setdefault((opd, day), Counter()).update(tally)

    def count_clock(self, item: dict) -> None:
        """`item` (a fake clock item) as stored now: add what its tally changed since counted."""
        clock = item.get("clock")
        if clock is None:
            return
        with self._lock:
            tally = clock_tally(clock, counts_complaint=item.get("counts_complaint", False),
                                settled=item.get("settled_at") is not None)
            key = (clock.opd, day_of(clock.started_at))
            old_key, old = item.get("counted", (key, {}))
            if old_key != key:
                self.add(old_key[0], old_key[1], {k: -v for k, v in old.items()})
                old = {}
            self.add(key[0], key[1], difference(tally, old))
            item["counted"] = (key, tally)

    def between(self, opd: str, since: str, until: str) -> list[dict]:
        with self._lock:
            return [dict(c) for (o, day), c in sorted(self.days.items()) if o == opd and since <= day <= until]

    def dated_between(self, opd: str, since: str, until: str) -> list[tuple[str, dict]]:
        with self._lock:
            return [(day, dict(c)) for (o, day), c in sorted(self.days.items()) if o == opd and since <= day <= until]


class FakeClockRepository:
    shards = 16

    def __init__(self):
        self.items: dict[tuple[str, str], dict] = {}       # the clocks, by (complaint, clock key)
        self.summary_items: dict[str, dict] = {}          # the per-complaint summaries
        self.league = FakeLeague()                        # the league table's day counters
        self.calls: Counter = Counter()
        self._lock = threading.Lock()

    @counted
    def flags(self, complaint_id):
        return {k: ClockFlags(v.get("warned_at"), v.get("settled_at"), v.get("basis_seq", 0))
                for (cid, k), v in self.items.items() if cid == complaint_id}

    @counted
    def put(self, clock, *, basis_seq, next_check_at, rules_version, counts_complaint=False):
        with self._lock:
            item = self.items.get((clock.complaint_id, clock.key), {})
            if item.get("basis_seq", 0) > basis_seq:
                self.league.count_clock(item)
                return False
            item.update(clock=clock, basis_seq=basis_seq, rules_version=rules_version,
                        counts_complaint=counts_complaint,
                        next_check_at=next_check_at if item.get("settled_at") is None else None)
            self.items[(clock.complaint_id, clock.key)] = item
            self.league.count_clock(item)
            return True

    @counted
    def mark(self, complaint_id, clock_key, *, next_check_at, warned_at=None, settled_at=None):
        with self._lock:
            item = self.items.setdefault((complaint_id, clock_key), {})
            item["next_check_at"] = next_check_at
            if warned_at is not None:
                item["warned_at"] = warned_at
            if settled_at is not None:
                item["settled_at"] = settled_at
            self.league.count_clock(item)

    @counted
    def league_days(self, opd, since, until):
        return self.league.between(opd, since, until)

    @counted
    def league_dated_days(self, opd, since, until):
        return self.league.dated_between(opd, since, until)

    @counted
    def due(self, shard, until, cursor, limit):
        """Keyset pagination, as DynamoDB's LastEvaluatedKey: continue after the last key seen,
        so clocks that left the index meanwhile do not shift the page."""
        hits = sorted((iso_utc(v["next_check_at"]), cid, k) for (cid, k), v in self.items.items()
                      if v.get("next_check_at") is not None and v["next_check_at"] <= until
                      and shard_of(cid) == shard)
        if cursor:
            pos = decode_cursor(cursor, {"next_check_at": str, "complaint_id": str, "clock_key": str})
            hits = [h for h in hits if h > (pos["next_check_at"], pos["complaint_id"], pos["clock_key"])]
        page = hits[:limit]
        items = [DueClock(cid, k, from_storage(at)) for at, cid, k in page]
        nxt = None
        if len(hits) > limit:
            at, cid, k = page[-1]
            nxt = encode_cursor({"next_check_at": at, "complaint_id": cid, "clock_key": k})
        return Page(items, nxt)

    @counted
    def overdue_in(self, opd, now, limit=500):
        rows = sorted((v["clock"].due_at, cid) for (cid, k), v in self.items.items()
                      if "clock" in v and v["clock"].opd == opd and v["clock"].state != "stopped"
                      and v["clock"].due_at is not None and v["clock"].due_at < now)
        return [(cid, due) for due, cid in rows[:limit]]

    @counted
    def put_summary(self, complaint_id, summary, *, rules_version):
        with self._lock:
            stored = self.summary_items.get(complaint_id)
            if stored is not None and stored["summary"].basis_seq > summary.basis_seq:
                return False
            self.summary_items[complaint_id] = {"summary": summary, "rules_version": rules_version}
            return True

    @counted
    def summaries(self, complaint_ids):
        if len(set(complaint_ids)) > 100:
            raise ValueError("at most 100 keys per batch read")
        return {cid: self.summary_items[cid]["summary"] for cid in complaint_ids
                if cid in self.summary_items}


class FakeSanctionRepository:
    def __init__(self, league: FakeLeague | None = None):
        self.league = league        # the clocks fake's, to count primary sanctions in its table
        self.items: dict[str, dict] = {}
        self.calls: Counter = Counter()
        self._lock = threading.Lock()

    @counted
    def add(self, sanction, *, channel="app"):
        with self._lock:
            if sanction.id in self.items:
                return False
            self.items[sanction.id] = {"sanction": sanction, "notified_at": None}
            if self.league is not None:
                self.league.add(sanction.opd, day_of(sanction.issued_at), sanction_tally(sanction.kind, channel))
            return True

    @counted
    def get(self, sanction_id):
        item = self.items.get(sanction_id)
        return None if item is None else {**asdict(item["sanction"]), "notified_at": item["notified_at"]}

    @counted
    def existing(self, sanction_ids):
        return {i for i in sanction_ids if i in self.items}

    @counted
    def count_misses(self, subject, since, before):
        return sum(1 for v in self.items.values() if v["sanction"].kind == "sanction"
                   and v["sanction"].subject == subject and since <= v["sanction"].due_at < before)

    @counted
    def mark_notified(self, sanction_id, at):
        self.items[sanction_id]["notified_at"] = at

    @counted
    def list(self, *, complaint=None, opd=None, subject_type=None, since=None, kind="sanction",
             limit=20, cursor=None, subject=None, government=None):
        check_limit(limit)
        rows = [v["sanction"] for v in self.items.values()]
        rows = [s for s in rows if government is None or s.opd.startswith(f"{government}.")]
        rows = [s for s in rows if s.kind == kind or kind == "all"]
        rows = [s for s in rows if (complaint is None or s.complaint_id == complaint)
                and (opd is None or s.opd == opd) and (subject_type is None or s.subject_type == subject_type)
                and (since is None or s.issued_at >= since) and (subject is None or s.subject == subject)]
        keys = sorted(((f"{iso_utc(s.issued_at)}#{s.id}", s) for s in rows), key=lambda r: r[0],
                      reverse=True)
        tag = query_tag(complaint, opd, subject_type, since and iso_utc(since), kind, subject, government)
        if cursor:
            after = decode_cursor(cursor, {"q": tag, "issued_key": str})["issued_key"]
            keys = [r for r in keys if r[0] < after]
        page = keys[:limit]
        nxt = encode_cursor({"q": tag, "issued_key": page[-1][0]}) if len(keys) > limit else None
        return Page([s for _, s in page], nxt)

    def all(self):
        return [v["sanction"] for v in self.items.values()]


class RecordingNotifier:
    def __init__(self):
        self.sent: list[tuple[str, dict]] = []

    def publish(self, message, dedup_id):
        self.sent.append((dedup_id, message))
