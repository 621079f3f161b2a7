"""The league table's counters on DynamoDB (domain/league.py): one small item per OPD per WIB
day in the clocks table — `complaint_id` "league#<OPD>", `clock_key` the day — so the table reads
one Query of at most 90 items per OPD, whatever the volume (issue 16).

Every count is added inside the transaction that stores its cause, so it is added exactly once
however often the cause is retried or replayed:

* a clock: its item records the contribution it last counted (`counted`), and a change of it is
  one transaction — the clock's `counted` updated on condition that it is still the old one, the
  day's counters given the difference (`count_clock`, called after every write of a clock);
* a sanction: created on condition that it does not exist, in one transaction with its count
  (sanctions.py); a support likewise (support.py).

The items carry none of the attributes the clocks table's indexes are keyed on, so no index, the
sweep or a complaint's clocks ever see them.
"""
from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Mapping

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError

from ...domain.league import difference

PARTITION = "league#"
ATTEMPTS = 8
BACKOFF_BASE, BACKOFF_CAP = 0.02, 0.5
CONTENDED = {"TransactionConflict", "ConditionalCheckFailed"}


def partition(opd: str) -> str:
    return f"{PARTITION}{opd}"


def add_counts(table: str, opd: str, day: str, delta: Mapping[str, int]) -> dict:
    """A TransactWriteItems Update that adds `delta` to (opd, day)'s counters."""
    names = {f"#n{i}": key for i, key in enumerate(delta)}
    values = {f":v{i}": {"N": str(int(v))} for i, v in enumerate(delta.values())}
    return {"TableName": table, "Key": {"complaint_id": {"S": partition(opd)}, "clock_key": {"S": day}},
            "UpdateExpression": "ADD " + ", ".join(f"#n{i} :v{i}" for i in range(len(delta))),
            "ExpressionAttributeNames": names, "ExpressionAttributeValues": values}


def record(opd: str, day: str, tally: Mapping[str, int]) -> str:
    """What a clock item keeps of the contribution it counted (`counted`)."""
    return json.dumps({"opd": opd, "day": day, "tally": dict(sorted(tally.items()))}, separators=(",", ":"))


def moves(old: str | None, opd: str, day: str, tally: Mapping[str, int]) -> list[tuple[str, str, dict]]:
    """(opd, day, delta) that turn what `old` counted into `tally` at (opd, day)."""
    before: dict = json.loads(old) if old else {"opd": opd, "day": day, "tally": {}}
    was_opd, was_day, was = str(before["opd"]), str(before["day"]), dict(before["tally"])
    if (was_opd, was_day) == (opd, day):
        delta = difference(tally, was)
        return [(opd, day, delta)] if delta else []
    out: list[tuple[str, str, dict]] = []
    if was:
        out.append((was_opd, was_day, {k: -int(v) for k, v in was.items()}))
    if tally:
        out.append((opd, day, dict(tally)))
    return out


class DynamoLeague:
    def __init__(self, settings, *, sleep: Callable[[float], None] = time.sleep):
        self._table = f"{settings.table_prefix}clocks"
        self._connection = Connection(region=settings.region)    # TransactWrite ignores Meta.host
        self._sleep = sleep

    @property
    def table(self) -> str:
        return self._table

    def days(self, opd: str, since: str, until: str) -> list[dict[str, int]]:
        """The OPD's counters of the days since..until (YYYY-MM-DD, inclusive): one Query."""
        return [counters for _day, counters in self.dated_days(opd, since, until)]

    def dated_days(self, opd: str, since: str, until: str) -> list[tuple[str, dict[str, int]]]:
        """(day, counters) of the OPD's days since..until, oldest first: one Query (paged)."""
        client = self._connection.client
        kwargs = {"TableName": self._table,
                  "KeyConditionExpression": "complaint_id = :p AND clock_key BETWEEN :a AND :b",
                  "ExpressionAttributeValues": {":p": {"S": partition(opd)}, ":a": {"S": since}, ":b": {"S": until}}}
        out: list[tuple[str, dict[str, int]]] = []
        while True:
            page = client.query(**kwargs)
            out += [(item["clock_key"]["S"], {k: int(v["N"]) for k, v in item.items() if "N" in v})
                    for item in page.get("Items", [])]
            if not page.get("LastEvaluatedKey"):
                return out
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def count(self, key: dict, read: Callable[[], tuple[str | None, str, str, dict] | None]) -> bool:
        """Bring the counters in line with one clock item (`key`): `read()` gives, from a
        consistent read, what it counted (`counted`), its (opd, day) and its tally now, or None
        when it is gone. Returns whether anything was added."""
        for attempt in range(ATTEMPTS):
            if attempt:
                self._sleep(random.uniform(0, min(BACKOFF_CAP, BACKOFF_BASE * 2 ** attempt)))  # noqa: S311 jitter, not secrecy
            now = read()
            if now is None:
                return False
            old, opd, day, tally = now
            changes = moves(old, opd, day, tally)
            new = record(opd, day, tally)
            if not changes and old == new:
                return False
            guard = ({"ConditionExpression": "counted = :old", "ExpressionAttributeValues": {
                ":old": {"S": old}, ":new": {"S": new}}} if old else
                {"ConditionExpression": "attribute_exists(complaint_id) AND attribute_not_exists(counted)",
                 "ExpressionAttributeValues": {":new": {"S": new}}})
            mark = {"TableName": self._table, "Key": key, "UpdateExpression": "SET counted = :new", **guard}
            try:
                self._connection.transact_write_items(
                    [], [], [], [mark, *(add_counts(self._table, o, d, delta) for o, d, delta in changes)])
            except TransactWriteError as exc:
                codes = {r.code for r in (exc.cancellation_reasons or []) if r}
                if codes & CONTENDED:
                    continue            # counted meanwhile by another run, or a conflict: read again
                raise
            return True
        raise RuntimeError(f"league counters of {key} stayed contended")
