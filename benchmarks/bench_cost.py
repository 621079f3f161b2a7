"""DynamoDB capacity per complaint, measured on AWS's DynamoDB Local (issue 6). Not a test.

Files N complaints through the real app (chalice.test.Client: the routes, auth, idempotency and
deadline views Lambda runs) and works each one through its whole life: file, claim, follow up,
approve, rate, and the citizen reading it back with its timeline. After every change the
complaints stream is read from DynamoDB Local into the app's stream handler, as Lambda would
(one record per invocation: the worst case; Lambda batches). Then M more complaints are left
alone and the sweep runs 25 hours later, issuing one sanction each.

Every DynamoDB call (PynamoDB's included) gets ReturnConsumedCapacity=TOTAL added and its
ConsumedCapacity summed: read units for reads, write units for writes, per step. These are the
request units on-demand tables bill (DynamoDB Local computes them as DynamoDB does; moto does
not: it counts no index writes and no transaction premium). A failed conditional write consumes
capacity but returns no figure, so contention would be undercounted; this run has none. Stream
reads by Lambda are free and not counted.

    .venv/bin/python benchmarks/bench_cost.py                # N=20 complaints, M=5 misses
    .venv/bin/python benchmarks/bench_cost.py 100 20 --store disk  # data on disk, as `make run`
    .venv/bin/python benchmarks/bench_cost.py 20 5 --usd-per-million-wru 0.625 --usd-per-million-rru 0.125
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from datetime import timedelta
from pathlib import Path
from typing import Protocol

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from chalicelib.domain.times import from_storage  # noqa: E402  (pure: reads no environment)

READS = {"GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems"}
MISSED, SWEEP = "file (to be missed)", "sweep (25 h later)"


class CapacityMeter:
    """Adds ReturnConsumedCapacity=TOTAL to every DynamoDB call that accepts it and sums what
    comes back under the current step; also times each operation."""

    def __init__(self):
        import botocore.client
        self._cls = botocore.client.BaseClient
        self._original = self._cls._make_api_call
        self.step = "setup"
        self.units = defaultdict(lambda: {"rcu": 0.0, "wcu": 0.0, "calls": 0})
        self.latency = defaultdict(list)
        meter = self

        def metered(client, operation, params):
            model = client.meta.service_model
            if model.service_name != "dynamodb":
                return meter._original(client, operation, params)
            shape = model.operation_model(operation).input_shape
            if shape is not None and "ReturnConsumedCapacity" in shape.members:
                params = {**params, "ReturnConsumedCapacity": params.get("ReturnConsumedCapacity", "TOTAL")}
            started = time.perf_counter()
            response = meter._original(client, operation, params)
            meter.latency[operation].append(time.perf_counter() - started)
            meter.add(operation, response.get("ConsumedCapacity"))
            return response
        self._cls._make_api_call = metered

    def add(self, operation: str, consumed) -> None:
        entries = consumed if isinstance(consumed, list) else [consumed] if consumed else []
        total = sum(float(e.get("CapacityUnits", 0)) for e in entries)
        bucket = self.units[self.step]
        bucket["rcu" if operation in READS else "wcu"] += total
        bucket["calls"] += 1

    def stop(self) -> None:
        self._cls._make_api_call = self._original


class Server(Protocol):
    def start(self) -> str: ...
    def stop(self) -> None: ...


def start_store(store: str, home: Path) -> tuple[Server, str, float]:
    started = time.monotonic()
    if store == "moto":                     # for comparison only: its capacity figures are wrong
        from lampungin.localstack.aws import MotoServer, serialize_moto_dynamodb
        serialize_moto_dynamodb()
        server: Server = MotoServer()
        return server, server.start(), time.monotonic() - started
    from lampungin.localstack import dynamodb_local as ddbl
    try:
        java, install = ddbl.find_java(), ddbl.ensure_installed()
    except ddbl.Unavailable as why:
        raise SystemExit(f"bench_cost: {why}") from None
    server = ddbl.DynamoDBLocal(java, install, log_path=home / "dynamodb-local.log",
                                db_path=home / "dynamodb" if store == "disk" else None)
    started = time.monotonic()
    endpoint = server.start()
    return server, endpoint, time.monotonic() - started


def environment(endpoint: str, home: Path) -> dict:
    from lampungin.localstack import aws, keys
    auth = keys.ensure_keys(home)
    env = aws.aws_env("http://127.0.0.1:9", dynamodb_endpoint=endpoint,   # nothing else is called
                      table_prefix=f"bench-{uuid.uuid4().hex[:8]}-")
    env.update(AUTH_JWKS_PATH=auth["jwks_path"], AUTH_ISSUER=auth["issuer"],
               OUTBOX_PATH=str(home / "outbox.jsonl"))
    aws.apply_env(env)
    return env


class Lifecycle:
    def __init__(self, home: Path, meter: CapacityMeter):
        import boto3
        from chalice.test import Client

        from chalicelib.adapters.dynamo.tables import create_tables
        from chalicelib.config import from_env
        from lampungin.localstack.stream import StreamPoller
        settings = from_env()
        dynamodb = boto3.client("dynamodb")
        create_tables(dynamodb, settings)
        os.environ["COMPLAINTS_STREAM_ARN"] = dynamodb.describe_table(
            TableName=settings.table_name("complaints"))["Table"]["LatestStreamArn"]
        from app import app  # only now: it reads the environment
        from chalicelib.handlers import on_complaint_changes, run_sweep
        self.app, self.home, self.meter, self.run_sweep = app, home, meter, run_sweep
        self.client = Client(app).__enter__()
        self.poller = StreamPoller(boto3.client("dynamodbstreams"), os.environ["COMPLAINTS_STREAM_ARN"],
                                   on_complaint_changes, batch_size=1, retry_delay=0,
                                   region=settings.region)
        self.category = json.loads(self.client.http.get("/v1/categories").body)[0]

    def token(self, sub, role, opd=None):
        from lampungin.localstack import keys
        claims = {"sub": sub, "role": role, **({"opd": opd} if opd else {})}
        return {"Authorization": f"Bearer {keys.mint_token(self.home, claims, 3600)}",
                "Content-Type": "application/json"}

    def call(self, step, method, path, who, body=None, expect=200):
        self.meter.step = step
        response = getattr(self.client.http, method)(path, headers=who,
                                                     body=json.dumps(body) if body is not None else None)
        assert response.status_code == expect, (step, response.status_code, response.body)
        return json.loads(response.body)

    def stream(self, step):
        self.meter.step = step
        for _ in range(100):
            if not self.poller.poll_once():
                return
        raise RuntimeError("the stream never went idle")

    def file(self, n: int, step: str = "file") -> tuple[dict, dict]:
        citizen = self.token(f"warga-bench-{n}", "citizen")
        body = {"category": self.category["code"], "title": f"Keluhan bench {n}",
                "description": "Antrean pelayanan terlalu lama.", "anonymous": False}
        created = self.call(step, "post", "/v1/complaints",
                            {**citizen, "Idempotency-Key": uuid.uuid4().hex}, body, expect=201)
        self.stream(f"stream: {step}")
        return created, citizen

    def work(self, n: int) -> None:
        created, citizen = self.file(n)
        opd, path = self.category["opd"], f"/v1/complaints/{created['id']}"
        operator = self.token("op-bench", "operator", opd)
        supervisor = self.token("spv-bench", "supervisor", opd)
        for step, who, action, body in (("claim", operator, "claim", {}),
                                        ("follow up", operator, "followups", {"message": "Sudah ditangani."}),
                                        ("approve", supervisor, "approve", {"note": "Sesuai."}),
                                        ("rate", citizen, "rating", {"stars": 5})):
            self.call(step, "post", f"{path}/{action}", who, body)
            self.stream(f"stream: {step}")
        self.call("read back", "get", path, citizen)
        self.call("read back", "get", f"{path}/timeline", citizen)


def report(meter: CapacityMeter, n: int, misses: int, sanctions: int, args) -> None:
    lifecycle = [s for s in meter.units if s not in ("setup", SWEEP) and MISSED not in s]
    print(f"\nCapacity per complaint (mean of {n}; request units as on-demand bills them)")
    print(f"{'step':<22}{'RCU':>8}{'WCU':>8}{'calls':>7}")
    total_r = total_w = 0.0
    for step in lifecycle:
        u = meter.units[step]
        total_r, total_w = total_r + u["rcu"] / n, total_w + u["wcu"] / n
        print(f"{step:<22}{u['rcu'] / n:>8.1f}{u['wcu'] / n:>8.1f}{u['calls'] / n:>7.1f}")
    print(f"{'whole life':<22}{total_r:>8.1f}{total_w:>8.1f}")
    sweep = meter.units.get(SWEEP)
    if sweep and sanctions:
        print(f"\nMissed follow-up deadline: {misses} complaints ignored, {sanctions} sanctions;"
              f" the sweep used {sweep['rcu']:.1f} RCU + {sweep['wcu']:.1f} WCU "
              f"= {sweep['rcu'] / sanctions:.1f} RCU + {sweep['wcu'] / sanctions:.1f} WCU per sanction")
    if args.usd_per_million_wru is not None and args.usd_per_million_rru is not None:
        usd = total_r * args.usd_per_million_rru / 1e6 + total_w * args.usd_per_million_wru / 1e6
        print(f"At the prices given: ${usd * 1e6:,.2f} per million complaints (requests only; "
              "storage, streams, Lambda and API Gateway not included)")
    print(f"\nMedian latency per operation on {args.store} (ms): " + ", ".join(
        f"{op} {statistics.median(t) * 1000:.1f} (n={len(t)})"
        for op, t in sorted(meter.latency.items())))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", nargs="?", type=int, default=20, help="complaints worked end to end")
    parser.add_argument("misses", nargs="?", type=int, default=5, help="complaints left to miss")
    parser.add_argument("--store", choices=("memory", "disk", "moto"), default="memory",
                        help="DynamoDB Local -inMemory (default) or -dbPath (as `make run`); "
                             "moto only to compare (it counts no index or transaction units)")
    parser.add_argument("--usd-per-million-wru", type=float)
    parser.add_argument("--usd-per-million-rru", type=float)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-cost-") as tmp:
        home = Path(tmp)
        server, endpoint, startup = start_store(args.store, home)
        try:
            print(f"store {args.store} answered {startup:.1f} s after start")
            environment(endpoint, home)
            meter = CapacityMeter()
            life = Lifecycle(home, meter)
            started = time.monotonic()
            for n in range(args.n):
                life.work(n)
            print(f"{args.n} lifecycles in {time.monotonic() - started:.1f} s")
            created = [life.file(10_000 + m, MISSED)[0] for m in range(args.misses)]
            sanctions = 0
            if created:
                at = max(from_storage(c["created_at"]) for c in created)
                meter.step = SWEEP
                from lampungin.localstack.scheduler import scheduled_event
                result = life.run_sweep(scheduled_event("sweep", at + timedelta(hours=25)))
                sanctions = result["sanctions_issued"]
            meter.stop()
            report(meter, args.n, args.misses, sanctions, args)
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
