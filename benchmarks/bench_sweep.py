"""Sweep cost against the number of open complaints, on DynamoDB Local (issues 4 and 16). Not a test.

For each N (ascending, in one store: each size tops the last one up) there are N open followup
clocks: N − 1 % clocks whose next check lies a year ahead (written straight into the clocks table,
25 per BatchWriteItem, as the stream would have stored them) and 1 % due: real complaints filed
through the domain, a few seconds apart, their clocks stored by the stream's own `reconcile`. The
app's scheduled `sweep` handler then runs 28 hours later, as EventBridge would call it, and each
due clock becomes a missed deadline and a sanction. Each round files a new 1 % five weeks after
the last one (always a Monday, outside the last round's 30-day window of repeat misses), so the
rounds are alike; every figure is the median over the rounds.

Figures per N: DynamoDB calls per due clock (and the other AWS calls: delivery queues), time per
due clock, index items read. The floor, timed in the same round right after the sweep: what any
sweep must do on this key design — one page of the `due` index per shard, then per due clock one
conditional PutItem of its sanction (a copy of the one the sweep wrote, under a new id) and one
UpdateItem of the clock that takes it off the index: 2 calls per due clock + 16 per sweep.

    .venv/bin/python benchmarks/bench_sweep.py                 # N = 1,000 and 10,000, 3 rounds
    .venv/bin/python benchmarks/bench_sweep.py --big           # also N = 100,000
    .venv/bin/python benchmarks/bench_sweep.py --sizes 500 --rounds 1 --json out.json
"""
from __future__ import annotations

import argparse
import copy
import dataclasses
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from benchlib import Figure, section, table, write_json  # noqa: E402
from benchstack import BenchStack, Meter  # noqa: E402

T0 = datetime(2026, 1, 5, 2, 0, tzinfo=timezone.utc)       # a Monday, 09:00 WIB
ROUND_EVERY = timedelta(weeks=5)          # > the 30-day window of repeat misses: rounds alike
SWEEP_AFTER = timedelta(hours=28)
DUE_SPACING = timedelta(seconds=7)
CATEGORY, SECTOR, OPD = "pajak-kendaraan", "pajak", "BAPENDA"


def batch_put(db, table: str, items: list[dict], workers: int = 6) -> None:
    """Items into `table`, 25 per BatchWriteItem, retrying what comes back unprocessed."""
    def write(chunk: list[dict]) -> None:
        requests = [{"PutRequest": {"Item": i}} for i in chunk]
        while requests:
            out = db.batch_write_item(RequestItems={table: requests})
            requests = out.get("UnprocessedItems", {}).get(table, [])
    chunks = [items[i:i + 25] for i in range(0, len(items), 25)]
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(write, chunks))


class Sweeps:
    def __init__(self, stack: BenchStack):
        import boto3
        from botocore.config import Config

        from chalicelib.wiring import container
        self.stack, self.container = stack, container
        self.db = boto3.client("dynamodb", config=Config(max_pool_connections=16))
        self.clocks_table = stack.settings.table_name("clocks")
        self.sanctions_table = stack.settings.table_name("sanctions")
        self.filler = 0
        self.round = 0
        self.template: dict | None = None

    def deps(self, at: datetime):
        return dataclasses.replace(self.container.sweep_deps(), now=lambda: at)

    def file_due(self, n: int, at: datetime) -> list[str]:
        """`n` real complaints filed from `at`, DUE_SPACING apart, their clocks stored."""
        from chalicelib.domain.lifecycle import file_complaint
        from chalicelib.domain.model import Actor, Role
        from chalicelib.services.clocks import reconcile
        rules = self.container.rules
        ids = []
        for i in range(n):
            filed = at + DUE_SPACING * i
            deps = self.deps(filed)
            cid = f"ADU-R{self.round:02d}-{i:06d}"
            c, e = file_complaint(complaint_id=cid, actor=Actor(f"warga-sweep-{i}", Role.CITIZEN), at=filed,
                                  category=CATEGORY, sector=SECTOR, opd=OPD, title="Pajak kendaraan",
                                  description="Pembayaran sudah, status belum berubah.", location=None,
                                  visibility="private", anonymous=False, routing_rule="bench",
                                  rules_version=rules.version)
            deps.complaints.add(c, e)
            reconcile(deps, cid)
            ids.append(cid)
        return ids

    def top_up(self, filler: int) -> float:
        """Open clocks that are not due (next check a year ahead), up to `filler` of them."""
        if self.template is None:
            raise RuntimeError("file one round of due complaints first: the filler copies their clock")
        from chalicelib.adapters.dynamo.sharding import shard_key, shard_of
        later = (T0 + timedelta(days=365)).strftime("%Y-%m-%dT%H:%M:%S.000000Z")
        items = []
        for i in range(self.filler, filler):
            cid = f"ADU-OPEN-{i:07d}"
            item = copy.deepcopy(self.template)
            item.update(complaint_id={"S": cid}, sweep_shard={"S": shard_key(shard_of(cid))},
                        next_check_at={"S": later}, started_at={"S": later}, due_at={"S": later},
                        open_due={"S": later})
            items.append(item)
        started = time.perf_counter()
        batch_put(self.db, self.clocks_table, items)
        self.filler = max(self.filler, filler)
        return time.perf_counter() - started

    def clock_item(self, cid: str) -> dict:
        out = self.db.query(TableName=self.clocks_table, KeyConditionExpression="complaint_id = :c",
                            ExpressionAttributeValues={":c": {"S": cid}})
        return next(i for i in out["Items"] if i["clock_key"]["S"].startswith("followup#"))

    def sanctions_of(self, ids: set[str]) -> list[dict]:
        items, start = [], None
        while True:
            kwargs: dict = {"ExclusiveStartKey": start} if start else {}
            out = self.db.scan(TableName=self.sanctions_table, **kwargs)
            items += [i for i in out["Items"] if i.get("complaint_id", {}).get("S") in ids
                      and i.get("kind", {}).get("S") == "sanction"]
            start = out.get("LastEvaluatedKey")
            if not start:
                return items

    def floor(self, due_ids: list[str], sanctions: list[dict], at: datetime) -> tuple[float, int]:
        """The least a sweep must do for these due clocks (see the module): seconds, calls."""
        from chalicelib.adapters.dynamo.sharding import SHARDS, shard_key
        until = at.strftime("%Y-%m-%dT%H:%M:%S.000000Z")
        copies = []
        for s in sanctions:
            item = copy.deepcopy(s)
            item["id"] = {"S": f"floor-{uuid.uuid4().hex}"}
            copies.append(item)
        calls = 0
        started = time.perf_counter()
        for shard in range(SHARDS):
            self.db.query(TableName=self.clocks_table, IndexName="due", Limit=100,
                          KeyConditionExpression="sweep_shard = :s AND next_check_at <= :t",
                          ExpressionAttributeValues={":s": {"S": shard_key(shard)}, ":t": {"S": until}})
            calls += 1
        for cid, item in zip(due_ids, copies, strict=False):
            self.db.put_item(TableName=self.sanctions_table, Item=item, ConditionExpression="attribute_not_exists(id)")
            self.db.update_item(TableName=self.clocks_table,
                                Key={"complaint_id": {"S": cid}, "clock_key": {"S": "followup#000001"}},
                                UpdateExpression="REMOVE sweep_shard, next_check_at SET settled_at = :t",
                                ExpressionAttributeValues={":t": {"S": until}})
            calls += 2
        return time.perf_counter() - started, calls

    def one_round(self, n: int, meter: Meter) -> dict:
        from lampungin.localstack.scheduler import scheduled_event
        at = T0 + ROUND_EVERY * self.round
        due = max(1, n // 100)
        ids = self.file_due(due, at)
        if self.template is None:
            self.template = self.clock_item(ids[0])
        fill_s = self.top_up(n - due)
        sweep_at = at + SWEEP_AFTER
        meter.reset("sweep")
        started = time.perf_counter()
        report = self.stack.handler("sweep")(scheduled_event("sweep", sweep_at))
        wall = time.perf_counter() - started
        calls = meter.dynamodb_calls()
        others = meter.other_calls()
        ops = dict(meter.ledger.operations["sweep"])
        units = meter.ledger.total(["sweep"])
        meter.enabled = False
        sanctions = self.sanctions_of(set(ids))
        floor_s, floor_calls = self.floor(ids, sanctions, sweep_at)
        meter.enabled = True
        self.round += 1
        return {"n": n, "due": due, "sweep_s": wall, "calls": calls, "other_calls": others, "operations": ops,
                "rcu": units["rcu"], "wcu": units["wcu"], "sanctions": report["sanctions_issued"],
                "clocks_due": report["clocks_due"], "items_read": report["items_read"],
                "errors": len(report.get("errors", [])), "floor_s": floor_s, "floor_calls": floor_calls,
                "fill_s": round(fill_s, 1)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--big", action="store_true", help="also N = 100,000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    sizes = sorted(set(args.sizes + ([100_000] if args.big else [])))
    results: dict[int, list[dict]] = {}
    with BenchStack() as stack:
        sweeps, meter = Sweeps(stack), Meter(stack.settings.table_prefix)
        for n in sizes:
            for _ in range(args.rounds):
                r = sweeps.one_round(n, meter)
                results.setdefault(n, []).append(r)
                print(f"N={n:,}: {r['due']} due, {r['sanctions']} sanctions, {r['calls']} DynamoDB calls, "
                      f"{r['sweep_s']:.1f} s (floor {r['floor_s']:.2f} s, {r['floor_calls']} calls); "
                      f"filler written in {r['fill_s']} s", flush=True)
        meter.stop()
    figures = []
    for n, rs in results.items():
        figures += [
            Figure(f"sweep.calls_per_due.n{n}", f"sweep store calls per due clock, N={n:,}", "calls",
                   [r["calls"] / r["due"] for r in rs], "due-index page + put + update",
                   [r["floor_calls"] / r["due"] for r in rs], goal_value=4.0,
                   extra={"other_aws_calls_per_due": round(rs[0]["other_calls"] / rs[0]["due"], 2),
                          "operations_round_1": rs[0]["operations"]}),
            Figure(f"sweep.ms_per_due.n{n}", f"sweep time per due clock, N={n:,}", "ms",
                   [r["sweep_s"] * 1000 / r["due"] for r in rs], "due-index page + put + update",
                   [r["floor_s"] * 1000 / r["due"] for r in rs]),
            Figure(f"sweep.rcu_per_due.n{n}", f"sweep RCU per due clock, N={n:,}", "RCU",
                   [r["rcu"] / r["due"] for r in rs]),
            Figure(f"sweep.wcu_per_due.n{n}", f"sweep WCU per due clock, N={n:,}", "WCU",
                   [r["wcu"] / r["due"] for r in rs]),
            Figure(f"sweep.items_read_per_due.n{n}", f"due-index items read per due clock, N={n:,}", "items",
                   [r["items_read"] / r["due"] for r in rs], "1 per due clock", [1.0] * len(rs)),
        ]
    details = {str(n): [{k: (round(v, 3) if isinstance(v, float) else v) for k, v in r.items()} for r in rs]
               for n, rs in results.items()}
    result = section("sweep", figures, {"rounds": details, "note": "1 % of N due; sweep 28 h after filing"})
    print(table(result["figures"]))
    bad = [r for rs in results.values() for r in rs if r["sanctions"] != r["due"] or r["errors"]]
    if bad:
        print(f"WARNING: rounds where sanctions != due clocks or with errors: {bad}")
    if args.json:
        write_json(args.json, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
