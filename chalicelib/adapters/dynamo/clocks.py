"""Clocks on DynamoDB: derived state written by the stream handler, flags by the sweep."""
from __future__ import annotations

import base64
import binascii
import json

from pynamodb.exceptions import UpdateError

from ...domain.clocks import Clock, ClockPolicy
from ...services.ports import BadCursor, ClockFlags, DueClock, Page
from .deadline_models import deadline_models
from .models import from_iso, to_iso
from .sharding import SHARDS, shard_key, shard_of

FAILED = "ConditionalCheckFailedException"


def _policy_json(p: ClockPolicy) -> dict:
    return {"hours": p.hours, "mode": p.mode, "pause_in": sorted(p.pause_in),
            "warn_at_percent": p.warn_at_percent, "references": p.references, "since": p.since}


def _policy(d: dict) -> ClockPolicy:
    return ClockPolicy(d["hours"], d["mode"], frozenset(d["pause_in"]), d.get("warn_at_percent"),
                       d.get("references", {}), d.get("since", ""))


def clock_from_item(i) -> Clock:
    name, seq = i.clock_key.split("#")
    return Clock(i.complaint_id, name, int(seq), i.opd, from_iso(i.started_at), _policy(i.policy),
                 i.state, i.due_at, float(i.remaining_seconds), i.ended_at, i.ended_by, i.holder)


class DynamoClockRepository:
    shards = SHARDS

    def __init__(self, settings):
        self._M = deadline_models(settings.table_prefix, settings.region).Clock

    def flags(self, complaint_id: str) -> dict[str, ClockFlags]:
        return {i.clock_key: ClockFlags(i.warned_at, i.settled_at, int(i.basis_seq or 0))
                for i in self._M.query(complaint_id, consistent_read=True)}

    def put(self, clock: Clock, *, basis_seq: int, next_check_at, rules_version: str) -> bool:
        M = self._M
        item = M(clock.complaint_id, clock.key)
        actions = [M.name.set(clock.name), M.opd.set(clock.opd), M.started_at.set(to_iso(clock.started_at)),
                   M.state.set(clock.state), M.remaining_seconds.set(clock.remaining_seconds),
                   M.policy.set(_policy_json(clock.policy)), M.basis_seq.set(basis_seq),
                   M.rules_version.set(rules_version)]
        for attr, value in ((M.due_at, clock.due_at), (M.ended_at, clock.ended_at),
                            (M.ended_by, clock.ended_by), (M.holder, clock.holder)):
            actions.append(attr.set(value) if value is not None else attr.remove())
        actions += self._index_actions(clock.complaint_id, next_check_at)
        if clock.state != "stopped" and clock.due_at is not None:
            actions += [M.open_opd.set(clock.opd), M.open_due.set(to_iso(clock.due_at))]
        else:
            actions += [M.open_opd.remove(), M.open_due.remove()]
        try:
            item.update(actions=actions,
                        condition=M.basis_seq.does_not_exist() | (M.basis_seq <= basis_seq))
        except UpdateError as exc:
            if exc.cause_response_code == FAILED:
                return False          # a newer derivation is already stored
            raise
        return True

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
        try:
            M(complaint_id, clock_key).update(actions=actions, condition=M.complaint_id.exists())
        except UpdateError as exc:
            if exc.cause_response_code != FAILED:
                raise

    def due(self, shard: int, until, cursor: str | None, limit: int) -> Page:
        start = _decode(cursor) if cursor else None
        results = self._M.due_index.query(shard_key(shard), self._M.next_check_at <= to_iso(until),
                                          limit=limit, last_evaluated_key=start)
        items = [DueClock(i.complaint_id, i.clock_key, from_iso(i.next_check_at)) for i in results]
        last = results.last_evaluated_key
        return Page(items, _encode(last) if last else None)

    def overdue_in(self, opd: str, now, limit: int = 500) -> list[tuple[str, object]]:
        """(complaint id, due time) of the OPD's open clocks that ran out before `now`, most
        overdue first — one query on the sparse `open_by_opd` index."""
        M = self._M
        return [(i.complaint_id, from_iso(i.open_due)) for i in
                M.open_by_opd_index.query(opd, M.open_due < to_iso(now), limit=limit)]

    def for_opd(self, opd: str, since) -> list[Clock]:
        return [clock_from_item(i) for i in
                self._M.by_opd_index.query(opd, self._M.started_at >= to_iso(since))]


def _encode(key: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(key, separators=(",", ":")).encode()).decode()


def _decode(cursor: str) -> dict:
    try:
        return json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, binascii.Error):
        raise BadCursor(cursor) from None
