"""API latency and throughput against the raw store call, on DynamoDB Local (issue 16). Not a test.

The app is served over HTTP as `make run` serves it (benchstack.py: the in-repo ApiServer, DynamoDB
Local in memory, moto for the rest, throttling off); a load generator in its own interpreter
(loadgen.py) sends the requests with 1 and with 16 concurrent clients. Four operations:

* filing        POST /v1/complaints (a new citizen each time)   floor: one PutItem of the stored
                complaint item into a copy of the complaints table (the same keys and indexes
                from tables.py, without the stream, so the app never sees the floor's items)
* GET           GET /v1/complaints/{id} by its owner            floor: one consistent GetItem
* queue page    GET /v1/complaints?limit=20 by an operator      floor: one Query of 21 on by_opd
                                                                (a page and one more, as the app asks)
* follow-up     POST /v1/complaints/{id}/followups              floor: one conditional UpdateItem

Each floor is the least the store must do for that request, called with boto3 from this process
with the same concurrency, in the same round as the API run. Every figure is the median over
`--rounds` rounds of that round's p50, p99 and requests/s; errors (any status other than the
expected one, or a broken connection) are summed over all rounds. The stream is drained after the
filings, so the queue pages read the clock summaries as they would in production.

    .venv/bin/python benchmarks/bench_api.py                    # 3 rounds, 40 + 16×12 requests
    .venv/bin/python benchmarks/bench_api.py --rounds 1 --requests 10 --per-client 3 --json out.json
"""
from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from benchlib import Figure, latency_figures, section, table, write_json  # noqa: E402
from benchstack import BenchStack, Meter  # noqa: E402

WORDS = ("jalan", "diperbaiki", "petugas", "lubang", "ditutup", "aspal", "baru", "dinas", "sudah",
         "mengecek", "lokasi", "warga", "puas", "laporan", "selesai", "drainase", "dibersihkan",
         "lampu", "diganti", "antrean", "dipercepat", "berkas", "diproses", "izin", "terbit")
OPERATOR = "op-bench"


def load(url: str, requests: list[dict], concurrency: int) -> dict:
    """Run `requests` through loadgen.py with `concurrency` clients; latencies, wall time,
    errors (statuses other than each request's `expect`), and kept bodies."""
    plan = json.dumps({"url": url, "concurrency": concurrency, "requests": requests})
    out = subprocess.run([sys.executable, str(HERE / "loadgen.py")], input=plan, capture_output=True,
                         text=True, check=True, timeout=1800)
    result = json.loads(out.stdout)
    errors = sum(1 for r, s in zip(requests, result["status"], strict=True) if s != r["expect"])
    return {"ms": result["ms"], "wall_s": result["wall_s"], "errors": errors,
            "bodies": {int(k): v for k, v in result["bodies"].items()},
            "statuses": sorted({s for r, s in zip(requests, result["status"], strict=True) if s != r["expect"]})}


def raw(calls: list, concurrency: int) -> dict:
    """The floor: each zero-argument callable timed, `concurrency` at a time."""
    ms: list[float] = [0.0] * len(calls)
    errors, lock, position = [0], threading.Lock(), [0]

    def worker() -> None:
        while True:
            with lock:
                i = position[0]
                position[0] += 1
            if i >= len(calls):
                return
            started = time.perf_counter()
            try:
                calls[i]()
            except Exception:           # a failed floor call is counted, never hidden
                with lock:
                    errors[0] += 1
            ms[i] = (time.perf_counter() - started) * 1000
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"ms": ms, "wall_s": time.perf_counter() - started, "errors": errors[0]}


class Bench:
    def __init__(self, stack: BenchStack, args):
        import boto3
        from botocore.config import Config
        self.stack, self.args = stack, args
        self.url = stack.serve()
        self.db = boto3.client("dynamodb", config=Config(max_pool_connections=64))
        self.app_table = stack.settings.table_name("complaints")
        self.table = self.floor_table()
        cats = json.loads(self.get_json("/v1/categories"))
        self.category = cats[0]
        self.opd = self.category["opd"]
        self.rng = random.Random(16)  # noqa: S311  (generated benchmark text, nothing secret)
        self.filed: list[tuple[str, str]] = []        # (complaint id, owner sub), oldest first
        self.raw_ids: list[str] = []                  # the floor's own complaint items
        self.template: dict = {}

    def get_json(self, path: str) -> str:
        import urllib.request
        with urllib.request.urlopen(self.url + path, timeout=30) as r:  # noqa: S310  (our loopback server)
            return r.read().decode()

    # -- request plans --------------------------------------------------------------------------------
    def filings(self, n: int) -> list[dict]:
        out = []
        for _ in range(n):
            sub = f"warga-{uuid.uuid4().hex[:12]}"
            body = {"category": self.category["code"], "title": "Pelayanan izin lambat",
                    "description": " ".join(self.rng.choice(WORDS) for _ in range(20)), "anonymous": False}
            out.append({"method": "POST", "path": "/v1/complaints", "headers": self.stack.headers(sub, "citizen"),
                        "body": json.dumps(body), "expect": 201, "keep": True, "sub": sub})
        return out

    def gets(self, pairs: list[tuple[str, str]]) -> list[dict]:
        return [{"method": "GET", "path": f"/v1/complaints/{cid}", "headers": self.stack.headers(sub, "citizen"),
                 "expect": 200} for cid, sub in pairs]

    def queue_pages(self, n: int) -> list[dict]:
        who = self.stack.headers(OPERATOR, "operator", self.opd)
        return [{"method": "GET", "path": "/v1/complaints?limit=20", "headers": who, "expect": 200}
                for _ in range(n)]

    def follow_ups(self, ids: list[str]) -> list[dict]:
        who = self.stack.headers(OPERATOR, "operator", self.opd)
        return [{"method": "POST", "path": f"/v1/complaints/{cid}/followups", "headers": who, "expect": 200,
                 "body": json.dumps({"message": " ".join(self.rng.choice(WORDS) for _ in range(12))})}
                for cid in ids]

    # -- floors -------------------------------------------------------------------------------------
    def floor_table(self) -> str:
        """The complaints table's definition (tables.py) under another name, without its stream."""
        from chalicelib.adapters.dynamo.tables import table_definitions
        spec = table_definitions(self.stack.settings)["complaints"]
        spec.pop("StreamSpecification", None)
        spec["TableName"] = self.stack.settings.table_name("floor-complaints")
        self.db.create_table(**spec)
        self.db.get_waiter("table_exists").wait(TableName=spec["TableName"])
        return spec["TableName"]

    def raw_puts(self, n: int) -> list:
        def put(cid: str):
            item = {**self.template, "id": {"S": cid}}
            if "created_key" in item:
                item["created_key"] = {"S": item["created_key"]["S"].rsplit("#", 1)[0] + "#" + cid}
            return lambda: self.db.put_item(TableName=self.table, Item=item,
                                            ConditionExpression="attribute_not_exists(id)")
        ids = [f"RAW-{uuid.uuid4().hex[:16]}" for _ in range(n)]
        self.raw_ids += ids
        return [put(cid) for cid in ids]

    def raw_gets(self, ids: list[str]) -> list:
        return [lambda cid=cid: self.db.get_item(TableName=self.table, Key={"id": {"S": cid}}, ConsistentRead=True)
                for cid in ids]

    def raw_queries(self, n: int) -> list:
        return [lambda: self.db.query(TableName=self.table, IndexName="by_opd", Limit=21, ScanIndexForward=False,
                                      KeyConditionExpression="opd = :o",
                                      ExpressionAttributeValues={":o": {"S": self.opd}})
                for _ in range(n)]

    def raw_updates(self, ids: list[str]) -> list:
        version = self.template["version"]["N"]
        return [lambda cid=cid: self.db.update_item(
            TableName=self.table, Key={"id": {"S": cid}},
            UpdateExpression="SET #s = :s, version = :n", ConditionExpression="version = :v",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":s": {"S": "followed_up"}, ":v": {"N": version},
                                       ":n": {"N": str(int(version) + 1)}}) for cid in ids]

    # -- the run ------------------------------------------------------------------------------------
    def sizes(self, concurrency: int) -> int:
        return self.args.requests if concurrency == 1 else concurrency * self.args.per_client

    def warm_up(self) -> None:
        first = load(self.url, self.filings(3), 1)
        created = [json.loads(b)["id"] for b in first["bodies"].values()]
        stored = self.db.get_item(TableName=self.app_table, Key={"id": {"S": created[0]}}, ConsistentRead=True)
        self.template = stored["Item"]
        raw(self.raw_puts(3), 1)
        raw(self.raw_gets(self.raw_ids[-3:]) + self.raw_queries(3), 1)      # the floor warm too

    def store_calls(self, n: int = 5) -> dict:
        """DynamoDB calls and request units per request of each operation (1 client, untimed)."""
        meter = Meter(self.stack.settings.table_prefix)
        out = {}
        try:
            plans = {"filing": self.filings(n)}
            meter.reset("filing")
            made = load(self.url, plans["filing"], 1)
            ids = [(json.loads(made["bodies"][i])["id"], plans["filing"][i]["sub"]) for i in sorted(made["bodies"])]
            out["filing"] = self._per_request(meter, "filing", n)
            self.stack.drain_stream()
            for op, plan in (("get", self.gets(ids)), ("queue", self.queue_pages(n)),
                             ("followup", self.follow_ups([cid for cid, _ in ids]))):
                meter.reset(op)
                load(self.url, plan, 1)
                out[op] = self._per_request(meter, op, n)
        finally:
            meter.stop()
        return out

    @staticmethod
    def _per_request(meter: Meter, step: str, n: int) -> dict:
        t = meter.ledger.total([step])
        ops = {k: round(v / n, 2) for k, v in meter.ledger.operations[step].items()}
        return {"dynamodb_calls": round(t["calls"] / n, 2), "rcu": round(t["rcu"] / n, 2),
                "wcu": round(t["wcu"] / n, 2), "operations": ops,
                "other_aws_calls": round(meter.other_calls() / n, 2)}

    def measure(self) -> tuple[list, dict]:
        rounds, levels = self.args.rounds, self.args.concurrency
        runs: dict[tuple[str, int], list] = {}
        floors: dict[tuple[str, int], list] = {}

        def book(op, c, api, floor):
            runs.setdefault((op, c), []).append(api)
            floors.setdefault((op, c), []).append(floor)

        pools: dict[int, list[list[tuple[str, str]]]] = {c: [] for c in levels}
        raw_pools: dict[int, list[list[str]]] = {c: [] for c in levels}
        for _ in range(rounds):
            for c in levels:
                plan = self.filings(self.sizes(c))
                api = load(self.url, plan, c)
                made = [(json.loads(api["bodies"][i])["id"], plan[i]["sub"]) for i in sorted(api["bodies"])
                        if plan[i]["expect"] == 201 and '"id"' in api["bodies"][i]]
                pools[c].append(made)
                puts = self.raw_puts(self.sizes(c))
                raw_pools[c].append(self.raw_ids[-len(puts):])
                book("filing", c, api, raw(puts, c))
        started = time.perf_counter()
        drained = self.stack.drain_stream()       # the queue pages then read stored summaries
        stream_s = time.perf_counter() - started
        records = self.stack.stream_records_processed()
        for r in range(rounds):
            for c in levels:
                book("get", c, load(self.url, self.gets(pools[c][r]), c), raw(self.raw_gets(raw_pools[c][r]), c))
                n = self.sizes(c)
                book("queue", c, load(self.url, self.queue_pages(n), c), raw(self.raw_queries(n), c))
                book("followup", c, load(self.url, self.follow_ups([cid for cid, _ in pools[c][r]]), c),
                     raw(self.raw_updates(raw_pools[c][r]), c))
        names = {"filing": ("filing POST /v1/complaints", "PutItem", 3.0),
                 "get": ("GET a complaint", "GetItem", 1.5),
                 "queue": ("queue page (20)", "Query by_opd", 1.5),
                 "followup": ("follow-up POST", "UpdateItem", None)}
        figures = []
        for op, c in sorted(runs, key=lambda k: (list(names).index(k[0]), k[1])):
            api_runs = runs[(op, c)]
            label, floor, goal = names[op]
            figures += latency_figures(f"api.{op}.c{c}", f"{label}, {c} client{'s' if c > 1 else ''}",
                                       api_runs, floors[(op, c)], floor_name=f"raw {floor}", goal_p50=goal)
        figures += stream_batch_figures(stream_s, records)
        bad = {f"{op}.c{c}": sorted({s for r in rs for s in r.get("statuses", [])})
               for (op, c), rs in runs.items() if any(r["errors"] for r in rs)}
        floor_errors = {f"{op}.c{c}": sum(r["errors"] for r in rs) for (op, c), rs in floors.items()}
        return figures, {"stream_invocations_drained": drained, "stream_dead_lettered": self.stack.stream_failures(),
                         "unexpected_statuses": bad, "floor_errors": floor_errors,
                         "requests_per_round": {str(c): self.sizes(c) for c in levels}, "rounds": rounds}


def stream_batch_figures(seconds: float, records: int) -> list[Figure]:
    """The stream handler's time per record (the filings' records, drained as the mapping delivers
    them) and what a full batch of the mapping's size takes, against a quarter of the stream
    Lambda's timeout: the room the batch size is chosen for (a throttled table's retries, a cold
    start, one bisected half run again; docs/performance.md, "Stream batches")."""
    from app import app  # lazy: the app is imported by the stack this benchmark started

    if not records:
        return []
    (source,) = [s for s in app.event_sources if getattr(s, "stream_arn", None) is not None]
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    timeout = min(stage["lambda_functions"]["complaint_changes"]["lambda_timeout"]
                  for stage in config["stages"].values())
    per_record, batch_size = seconds / records, int(getattr(source, "batch_size"))  # noqa: B009
    return [Figure("stream.ms_per_record", "stream handler per record", "ms", [per_record * 1000],
                   extra={"records": records}),
            Figure("stream.full_batch_s", f"stream batch of {batch_size} records", "s",
                   [per_record * batch_size], goal_value=timeout / 4,
                   note=f"goal: a quarter of the stream Lambda's {timeout} s timeout")]


def silence_access_log() -> None:
    """chalice.local prints one access-log line per request on stderr; not in the figures' way."""
    from lampungin.localstack.httpserver import ContractRequestHandler
    ContractRequestHandler.log_message = lambda self, *args: None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=40, help="requests per round with 1 client")
    parser.add_argument("--per-client", type=int, default=12, help="requests per client per round with >1 client")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 16])
    parser.add_argument("--json", help="write this section of bench/results.json here")
    args = parser.parse_args(argv)
    with BenchStack() as stack:
        silence_access_log()
        bench = Bench(stack, args)
        bench.warm_up()
        per_request = bench.store_calls()
        figures, details = bench.measure()
        details["store_calls_per_request"] = per_request
    result = section("api", figures, details)
    print(table(result["figures"]))
    for op, c in per_request.items():
        print(f"{op}: {c['dynamodb_calls']} DynamoDB calls per request {c['operations']}, "
              f"{c['rcu']} RCU + {c['wcu']} WCU")
    if details["unexpected_statuses"]:
        print(f"unexpected statuses: {details['unexpected_statuses']}")
    if args.json:
        write_json(args.json, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
