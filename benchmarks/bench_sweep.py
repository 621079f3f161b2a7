"""Sweep cost against the number of open complaints (issue 4). Not a test: prints figures.

Fills DynamoDB (in-process moto) with N open complaints' followup clocks, 1 % of them due, and
runs one sweep. The sweep must read items in proportion to the clocks due, not to N: it queries
the sparse `due` index shard by shard and never scans. Prints, per N: clocks due, index items
read, DynamoDB calls made, sanctions issued and wall time.

    .venv/bin/python benchmarks/bench_sweep.py            # N = 1,000 / 10,000 / 100,000
    .venv/bin/python benchmarks/bench_sweep.py 1000 5000  # other sizes
"""
from __future__ import annotations

import os
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.update(AWS_ACCESS_KEY_ID="x", AWS_SECRET_ACCESS_KEY="x", AWS_DEFAULT_REGION="ap-southeast-3",
                  AWS_ACCOUNT_ID_ENDPOINT_MODE="disabled")

import boto3  # noqa: E402
from moto import mock_aws  # noqa: E402

from chalicelib.adapters.dynamo.audit import DynamoAuditLog  # noqa: E402
from chalicelib.adapters.dynamo.clocks import DynamoClockRepository  # noqa: E402
from chalicelib.adapters.dynamo.complaints import DynamoComplaintRepository  # noqa: E402
from chalicelib.adapters.dynamo.models import models_for, to_iso  # noqa: E402
from chalicelib.adapters.dynamo.sanctions import DynamoSanctionRepository  # noqa: E402
from chalicelib.adapters.dynamo.sharding import shard_key, shard_of  # noqa: E402
from chalicelib.adapters.dynamo.tables import create_tables  # noqa: E402
from chalicelib.adapters.notify import LogNotifier  # noqa: E402
from chalicelib.config import from_env  # noqa: E402
from chalicelib.domain.lifecycle import file_complaint  # noqa: E402
from chalicelib.domain.model import Actor, Role  # noqa: E402
from chalicelib.rules.bundle import load_bundle  # noqa: E402
from chalicelib.rules.schedule import BundleSchedule  # noqa: E402
from chalicelib.services.clocks import reconcile  # noqa: E402
from chalicelib.services.sweep import SweepDeps, sweep  # noqa: E402

T0 = datetime(2026, 11, 2, 2, 0, tzinfo=timezone.utc)


class CallCounter:
    """Counts DynamoDB API calls made through botocore (any client, PynamoDB's included)."""

    def __init__(self):
        import botocore.client
        self.calls, self._cls = 0, botocore.client.BaseClient
        self._original = self._cls._make_api_call
        counter = self

        def counting(client, operation, params):
            counter.calls += 1
            return counter._original(client, operation, params)
        self._cls._make_api_call = counting

    def stop(self):
        self._cls._make_api_call = self._original


def fill(settings, n: int, due_share: float = 0.01):
    """N open clocks: the due ones belong to real complaints (the sweep re-reads their timeline);
    the rest are clock items whose next check lies in the future, as they would in production."""
    bundle = load_bundle()
    deps = sweep_deps(settings, bundle)
    due = max(1, int(n * due_share))
    citizen = Actor("warga-bench", Role.CITIZEN)
    for i in range(due):
        c, e = file_complaint(complaint_id=f"ADU-DUE-{i:06d}", actor=citizen, at=T0,
                              category="pajak-kendaraan",
                              sector="pajak", opd="BAPENDA", title="Bench", description="Bench complaint",
                              location=None, visibility="private", anonymous=False, routing_rule="r",
                              rules_version=bundle.version)
        deps.complaints.add(c, e)
        reconcile(deps, c.id)
    Clock: Any = models_for(settings).Clock          # a PynamoDB model class built at run time
    later = to_iso(T0 + timedelta(days=30))
    with Clock.batch_write() as batch:
        for i in range(n - due):
            cid = f"ADU-OPEN-{i:07d}"
            batch.save(Clock(cid, "followup#000001", name="followup", opd="BAPENDA",
                             started_at=later, state="running", remaining_seconds=86400.0,
                             policy={"hours": 24, "mode": "calendar", "pause_in": [], "warn_at_percent": 75},
                             basis_seq=1, rules_version=bundle.version,
                             sweep_shard=shard_key(shard_of(cid)), next_check_at=later))
    return due


def sweep_deps(settings, bundle):
    return SweepDeps(complaints=DynamoComplaintRepository(settings), clocks=DynamoClockRepository(settings),
                     schedule=BundleSchedule(bundle), rules_version=bundle.version,
                     now=lambda: T0, sanctions=DynamoSanctionRepository(settings), notifier=LogNotifier(),
                     rules=bundle, audit=DynamoAuditLog(settings))


def run(n: int) -> dict:
    settings = from_env({"STAGE": "bench", "TABLE_PREFIX": f"bench-{uuid.uuid4().hex[:8]}-"})
    with mock_aws():
        client = boto3.client("dynamodb", region_name="ap-southeast-3")
        create_tables(client, settings)
        t = time.perf_counter()
        due = fill(settings, n)
        fill_s = time.perf_counter() - t
        counter = CallCounter()
        t = time.perf_counter()
        report = sweep(sweep_deps(settings, load_bundle()), T0 + timedelta(hours=25))
        wall = time.perf_counter() - t
        counter.stop()
    return {"n": n, "due": due, "index_items_read": report.items_read, "dynamodb_calls": counter.calls,
            "sanctions": report.sanctions_issued, "sweep_s": round(wall, 3), "fill_s": round(fill_s, 1)}


def main(argv):
    sizes = [int(a) for a in argv] or [1_000, 10_000, 100_000]
    print(f"{'N':>8} {'due':>6} {'index items':>12} {'DynamoDB calls':>15} {'sanctions':>10} {'sweep s':>9}")
    for n in sizes:
        r = run(n)
        print(f"{r['n']:>8} {r['due']:>6} {r['index_items_read']:>12} {r['dynamodb_calls']:>15} "
              f"{r['sanctions']:>10} {r['sweep_s']:>9}   (fill {r['fill_s']} s)", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
