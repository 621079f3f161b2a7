"""Store calls and milliseconds per listed page of open complaints, on AWS's DynamoDB Local. Not a test.

Files N open complaints (default 100) through the services, then lists them as an inspector with
page sizes 10, 50 and 100, three ways:

* replay per item — what every listing did before issue 9 (and what a listing still does for the
  few complaints the stream has not caught up with): one list Query, then one timeline Query and
  a replay per complaint;
* stream behind — the same listing before the stream handler ran (no summaries yet): the
  listing falls back to the replay, item by item, so it is as correct and as costly as before;
* summaries — after the stream handler stored each complaint's clocks and clock summary: one
  list Query and one BatchGetItem per page, whatever its size.

Every DynamoDB request gets ReturnConsumedCapacity=TOTAL and is counted at botocore's one door;
read units are what on-demand tables bill (DynamoDB Local computes them as DynamoDB does).

    .venv/bin/python benchmarks/bench_listing.py              # N=100, 20 repetitions per figure
    .venv/bin/python benchmarks/bench_listing.py 300 --repeat 5
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

T0 = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)       # Tuesday 09:00 WIB
NEW = {"category": "izin-berusaha", "title": "NIB belum terbit", "description": "Sudah tiga minggu."}
PAGE_SIZES = (10, 50, 100)


class Meter:
    """Counts DynamoDB requests and sums their read capacity (ReturnConsumedCapacity=TOTAL)."""

    def __init__(self):
        import botocore.client
        self.calls: Counter = Counter()
        self.rcu = 0.0
        cls, original, meter = botocore.client.BaseClient, botocore.client.BaseClient._make_api_call, self

        def metered(client, operation, params):
            model = client.meta.service_model
            if model.service_name != "dynamodb":
                return original(client, operation, params)
            shape = model.operation_model(operation).input_shape
            if shape is not None and "ReturnConsumedCapacity" in shape.members:
                params = {**params, "ReturnConsumedCapacity": "TOTAL"}
            response = original(client, operation, params)
            meter.calls[operation] += 1
            consumed = response.get("ConsumedCapacity")
            entries = consumed if isinstance(consumed, list) else [consumed] if consumed else []
            meter.rcu += sum(float(e.get("CapacityUnits", 0)) for e in entries)
            return response
        cls._make_api_call = metered

    def reset(self) -> None:
        self.calls.clear()
        self.rcu = 0.0


def start_dynamodb_local(home: Path):
    from lampungin.localstack import dynamodb_local as ddbl
    try:
        java, install = ddbl.find_java(), ddbl.ensure_installed()
    except ddbl.Unavailable as why:
        print(f"bench_listing: skipped, DynamoDB Local cannot run here: {why}")
        raise SystemExit(0) from None
    server = ddbl.DynamoDBLocal(java, install, db_path=None, log_path=home / "dynamodb-local.log")
    return server, server.start()


def setup(endpoint: str, n: int):
    for name, value in {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
                        "AWS_REGION": "ap-southeast-3", "AWS_DEFAULT_REGION": "ap-southeast-3",
                        "AWS_ENDPOINT_URL_DYNAMODB": endpoint}.items():
        os.environ[name] = value
    import boto3

    from chalicelib.adapters.dynamo.clocks import DynamoClockRepository
    from chalicelib.adapters.dynamo.complaints import DynamoComplaintRepository
    from chalicelib.adapters.dynamo.tables import create_tables
    from chalicelib.config import from_env
    from chalicelib.domain.commands import FileComplaint
    from chalicelib.domain.model import Actor, Role
    from chalicelib.rules.bundle import load_bundle
    from chalicelib.rules.schedule import BundleSchedule
    from chalicelib.services import complaints as service
    from chalicelib.services.clocks import ClockDeps

    settings = from_env({"STAGE": "bench", "AWS_REGION": "ap-southeast-3",
                         "TABLE_PREFIX": f"bench-{uuid.uuid4().hex[:8]}-"})
    create_tables(boto3.client("dynamodb"), settings)
    bundle, clock = load_bundle(), {"now": T0}
    repo = DynamoComplaintRepository(settings)
    deps = service.Deps(repo=repo, rules=bundle, now=lambda: clock["now"],
                        new_id=lambda at: f"ADU-261124-{int((at - T0).total_seconds()):07d}")
    clock_deps = ClockDeps(repo, DynamoClockRepository(settings), BundleSchedule(bundle),
                           bundle.version, lambda: clock["now"])
    ids = []
    for i in range(n):
        clock["now"] = T0 + timedelta(seconds=i)
        complaint, _ = service.submit(deps, Actor(f"warga-{i}", Role.CITIZEN), FileComplaint.from_request(NEW))
        ids.append(complaint.id)
    clock["now"] = T0 + timedelta(hours=2)
    return deps, clock_deps, ids


def measure(meter: Meter, list_page, repeat: int) -> dict:
    times, calls, rcu = [], [], []
    for _ in range(repeat):
        meter.reset()
        started = time.perf_counter()
        list_page()
        times.append((time.perf_counter() - started) * 1000)
        calls.append(sum(meter.calls.values()))
        rcu.append(meter.rcu)
    return {"calls": max(calls), "ms": statistics.median(times), "rcu": statistics.median(rcu)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=100, help="open complaints to list")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    from chalicelib.domain.model import Actor, Role
    from chalicelib.services import complaints as service
    from chalicelib.services.clocks import complaint_deadlines, reconcile
    from chalicelib.services.ports import ListQuery

    with tempfile.TemporaryDirectory(prefix="bench-listing-") as home:
        server, endpoint = start_dynamodb_local(Path(home))
        try:
            deps, clock_deps, ids = setup(endpoint, args.n)
            meter, inspector = Meter(), Actor("insp-1", Role.INSPECTOR)

            def per_item(limit):          # the listing as it was: one replay per complaint
                page = deps.repo.list(ListQuery(limit=limit))
                return [complaint_deadlines(clock_deps, c) for c in page.items]

            def service_page(limit):
                return service.list_complaints(deps, clock_deps, inspector, status=None, opd=None,
                                               limit=limit, cursor=None)
            rows = {}
            for size in PAGE_SIZES:
                rows[("replay per item", size)] = measure(meter, lambda s=size: per_item(s), args.repeat)
                rows[("stream behind", size)] = measure(meter, lambda s=size: service_page(s), args.repeat)
            for cid in ids:
                reconcile(clock_deps, cid)
            for size in PAGE_SIZES:
                rows[("summaries", size)] = measure(meter, lambda s=size: service_page(s), args.repeat)
        finally:
            server.stop()

    print(f"Listing {args.n} open complaints on DynamoDB Local, median of {args.repeat} per figure")
    print(f"{'listing':<18}{'page':>6}{'requests':>10}{'ms/page':>10}{'RCU/page':>10}")
    for (how, size), r in rows.items():
        if size <= args.n:
            print(f"{how:<18}{size:>6}{r['calls']:>10}{r['ms']:>10.1f}{r['rcu']:>10.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
