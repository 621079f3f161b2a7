"""Clocks on DynamoDB: derived state written by the stream handler, flags by the sweep, and one
summary item per complaint that listings read in one BatchGetItem per page."""
from __future__ import annotations

import dataclasses
import re
from datetime import datetime
from typing import Any

from ...domain.clocks import Clock, ClockPolicy
from ...domain.deadline_summary import DeadlineSummary, OpenDeadline
from ...domain.league import clock_tally, day_of
from ...services.paging import decode_cursor, encode_cursor
from ...services.ports import ClockFlags, DueClock, Page
from .batch import batch_get
from .conditional import save_if, update_if
from .league import DynamoLeague
from .models import from_iso, models_for, shadow_models_for, to_iso
from .sharding import SHARDS, shard_key, shard_of
from .tables import SUMMARY_KEY

STORED_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z")
CLOCK_KEY = re.compile(r"[A-Za-z0-9_.-]{1,64}#[0-9]{1,12}")
DUE_CURSOR = {"complaint_id": str, "clock_key": CLOCK_KEY, "next_check_at": STORED_TIME}


def _policy_json(p: ClockPolicy) -> dict:
    """Every field the policy has (rules may add some): sets become sorted lists."""
    out = {}
    for f in dataclasses.fields(p):
        value = getattr(p, f.name)
        out[f.name] = sorted(value) if isinstance(value, (set, frozenset)) else value
    return out


def _policy(d: dict) -> ClockPolicy:
    """Tolerant: keys this code does not know are ignored, older items get the defaults."""
    known = {f.name for f in dataclasses.fields(ClockPolicy)}
    values = {"warn_at_percent": None, "references": {}, "since": "",
              **{k: v for k, v in d.items() if k in known}}
    values["pause_in"] = frozenset(values.get("pause_in", ()))
    return ClockPolicy(**values)


def clock_from_item(i) -> Clock:
    name, seq = i.clock_key.split("#")
    return Clock(i.complaint_id, name, int(seq), i.opd, from_iso(i.started_at), _policy(i.policy),
                 i.state, i.due_at, float(i.remaining_seconds), i.ended_at, i.ended_by, i.holder,
                 channel=i.channel or "app")


def summary_from_item(i) -> DeadlineSummary | None:
    """None for an item this code cannot read: the listing then replays that complaint."""
    try:
        return DeadlineSummary(int(i.basis_seq), tuple(
            OpenDeadline(str(d["clock"]), from_iso(d["due_at"]) if d.get("due_at") else None,
                         bool(d["missed"])) for d in i.open))
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


class DynamoClockRepository:
    shards = SHARDS

    def __init__(self, settings, *, shadow: bool = False):
        m: Any = shadow_models_for(settings) if shadow else models_for(settings)
        self._M, self._S = m.Clock, m.ClockSummary
        # the league table counts what happens, never what the shadow rules would do
        self._league = None if shadow else DynamoLeague(settings)

    def flags(self, complaint_id: str) -> dict[str, ClockFlags]:
        return {i.clock_key: ClockFlags(i.warned_at, i.settled_at, int(i.basis_seq or 0))
                for i in self._M.query(complaint_id, consistent_read=True)
                if i.clock_key != SUMMARY_KEY}

    def put(self, clock: Clock, *, basis_seq: int, next_check_at, rules_version: str,
            counts_complaint: bool = False) -> bool:
        M = self._M
        item = M(clock.complaint_id, clock.key)
        actions = [M.name.set(clock.name), M.opd.set(clock.opd), M.started_at.set(to_iso(clock.started_at)),
                   M.state.set(clock.state), M.remaining_seconds.set(clock.remaining_seconds),
                   M.policy.set(_policy_json(clock.policy)), M.basis_seq.set(basis_seq), M.channel.set(clock.channel),
                   M.rules_version.set(rules_version), M.counts_complaint.set(counts_complaint)]
        for attr, value in ((M.due_at, clock.due_at), (M.ended_at, clock.ended_at),
                            (M.ended_by, clock.ended_by), (M.holder, clock.holder)):
            actions.append(attr.set(value) if value is not None else attr.remove())
        actions += self._index_actions(clock.complaint_id, next_check_at)
        if clock.state != "stopped" and clock.due_at is not None:
            actions += [M.open_opd.set(clock.opd), M.open_due.set(to_iso(clock.due_at))]
        else:
            actions += [M.open_opd.remove(), M.open_due.remove()]
        # False: a newer derivation is already stored
        written = update_if(item, actions, M.basis_seq.does_not_exist() | (M.basis_seq <= basis_seq))
        # written: `item` now holds the stored item (UpdateItem's ALL_NEW), no read needed to count
        self.count(clock.complaint_id, clock.key, stored=item if written else None)
        return written

    def _index_actions(self, complaint_id: str, next_check_at) -> list:
        M = self._M
        if next_check_at is None:
            return [M.sweep_shard.remove(), M.next_check_at.remove()]
        return [M.sweep_shard.set(shard_key(shard_of(complaint_id))),
                M.next_check_at.set(to_iso(next_check_at))]

    def mark(self, complaint_id: str, clock_key: str, *, next_check_at, warned_at=None,
             settled_at=None) -> None:
        M = self._M
        actions = self._index_actions(complaint_id, next_check_at)
        if warned_at is not None:
            actions.append(M.warned_at.set(warned_at))
        if settled_at is not None:
            actions.append(M.settled_at.set(settled_at))
        item = M(complaint_id, clock_key)
        if update_if(item, actions, M.complaint_id.exists()):   # gone: nothing to mark
            self.count(complaint_id, clock_key, stored=item)

    def count(self, complaint_id: str, clock_key: str, stored=None) -> bool:
        """The league table's counters in line with the clock as stored (league.py): after every
        write, and again by whoever retries one — a second run adds nothing. `stored`: the item
        as the write just returned it (UpdateItem's ALL_NEW, as consistent as a read), used for
        the first attempt; a contended attempt reads the item again."""
        if self._league is None:
            return False
        M = self._M
        given = [stored] if stored is not None else []

        def read():
            if given:
                i = given.pop()
            else:
                try:
                    i = M.get(complaint_id, clock_key, consistent_read=True)
                except M.DoesNotExist:
                    return None
            clock = clock_from_item(i)
            tally = clock_tally(clock, counts_complaint=bool(i.counts_complaint), settled=i.settled_at is not None)
            return i.counted, clock.opd, day_of(clock.started_at), tally

        return self._league.count({"complaint_id": {"S": complaint_id}, "clock_key": {"S": clock_key}}, read)

    def league_days(self, opd: str, since: str, until: str) -> list[dict[str, int]]:
        """services/ports.ClockRepository.league_days: the OPD's counters of the WIB days
        since..until (YYYY-MM-DD, inclusive), one Query."""
        return [] if self._league is None else self._league.days(opd, since, until)

    def league_dated_days(self, opd: str, since: str, until: str) -> list[tuple[str, dict[str, int]]]:
        """services/ports.ClockRepository.league_dated_days: one Query, as league_days."""
        return [] if self._league is None else self._league.dated_days(opd, since, until)

    def due(self, shard: int, until, cursor: str | None, limit: int) -> Page:
        start = None
        if cursor:
            pos = decode_cursor(cursor, DUE_CURSOR)
            start = {name: {"S": value} for name, value in pos.items()}
            start["sweep_shard"] = {"S": shard_key(shard)}      # the shard is the caller's, always
        results = self._M.due_index.query(shard_key(shard), self._M.next_check_at <= to_iso(until),
                                          limit=limit, last_evaluated_key=start)
        items = [DueClock(i.complaint_id, i.clock_key, from_iso(i.next_check_at)) for i in results]
        last = results.last_evaluated_key
        return Page(items, encode_cursor({k: last[k]["S"] for k in DUE_CURSOR}) if last else None)

    def overdue_in(self, opd: str, now, limit: int = 500) -> list[tuple[str, datetime]]:
        """(complaint id, due time) of the OPD's open clocks that ran out before `now`, most
        overdue first — one query on the sparse `open_by_opd` index."""
        M = self._M
        return [(i.complaint_id, from_iso(i.open_due)) for i in
                M.open_by_opd_index.query(opd, M.open_due < to_iso(now), limit=limit)]

    def put_summary(self, complaint_id: str, summary: DeadlineSummary, *, rules_version: str) -> bool:
        """Like `put`: a summary from a shorter timeline never replaces a newer one."""
        S = self._S
        item = S(complaint_id, SUMMARY_KEY, basis_seq=summary.basis_seq, rules_version=rules_version,
                 open=[{"clock": d.clock, "due_at": to_iso(d.due_at) if d.due_at else None,
                        "missed": d.missed} for d in summary.open])
        return save_if(item, S.basis_seq.does_not_exist() | (S.basis_seq <= summary.basis_seq))

    def summaries(self, complaint_ids: list[str]) -> dict[str, DeadlineSummary]:
        """The stored summaries of a page of complaints (at most 100): one BatchGetItem,
        eventually consistent (the caller compares basis_seq with the complaint's version
        anyway). Keys still unprocessed after the bounded retry, like unreadable items, are
        simply absent: the caller replays those complaints."""
        keys = [{"complaint_id": {"S": cid}, "clock_key": {"S": SUMMARY_KEY}}
                for cid in dict.fromkeys(complaint_ids)]
        if not keys:
            return {}
        items, _unprocessed = batch_get(self._S, keys)
        found = ((i.complaint_id, summary_from_item(i)) for i in items)
        return {cid: summary for cid, summary in found if summary is not None}
