"""GIVEN 100 open complaints on DynamoDB (moto, and AWS's DynamoDB Local) whose clocks the stream
handler stored, WHEN an inspector lists them, THEN every page costs one Query and one
BatchGetItem whatever its size (10, 50 or 100), counted on the real botocore requests; before
this, a page cost one timeline Query per complaint (N + 1)."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.domain.commands import FileComplaint
from chalicelib.domain.model import Actor, Role
from chalicelib.rules.bundle import load_bundle
from chalicelib.rules.schedule import BundleSchedule
from chalicelib.services import complaints as service
from chalicelib.services.clocks import ClockDeps, complaint_deadlines, reconcile
from tests.integration.conftest import STORES, use_store

T0 = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)
INSPECTOR = Actor("insp-1", Role.INSPECTOR)
NEW = {"category": "izin-berusaha", "title": "NIB belum terbit", "description": "Sudah tiga minggu."}


class Requests:
    """Counts DynamoDB requests by operation, at botocore's one door for every client."""

    def __init__(self, monkeypatch):
        import botocore.client
        self.ops: Counter = Counter()
        original = botocore.client.BaseClient._make_api_call

        def counted(client, operation, params):
            if client.meta.service_model.service_name == "dynamodb":
                self.ops[operation] += 1
            return original(client, operation, params)
        monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", counted)


@pytest.fixture(params=STORES)
def world(request, settings, monkeypatch):
    use_store(request, request.param)
    from chalicelib.adapters.dynamo.clocks import DynamoClockRepository
    from chalicelib.adapters.dynamo.complaints import DynamoComplaintRepository
    bundle, now = load_bundle(), [T0]
    repo = DynamoComplaintRepository(settings)
    deps = service.Deps(repo=repo, rules=bundle, now=lambda: now[0],
                        new_id=lambda at: f"ADU-261124-{int((at - T0).total_seconds() // 60):07d}")
    clock_deps = ClockDeps(repo, DynamoClockRepository(settings), BundleSchedule(bundle), bundle.version,
                           lambda: now[0])
    for i in range(100):
        now[0] = T0 + timedelta(minutes=i)
        complaint, _ = service.submit(deps, Actor(f"warga-{i}", Role.CITIZEN), FileComplaint.from_request(NEW))
        reconcile(clock_deps, complaint.id)
    now[0] = T0 + timedelta(hours=2)
    return deps, clock_deps, Requests(monkeypatch)


def listing(world, **query):
    deps, clock_deps, requests = world
    requests.ops.clear()
    page = service.list_complaints(deps, clock_deps, INSPECTOR, **{"status": None, "opd": None,
                                                                  "cursor": None, **query})
    return page, dict(requests.ops)


@pytest.mark.parametrize("limit", [10, 50, 100])
def test_a_page_is_one_query_and_one_batch_read(world, limit):
    page, ops = listing(world, limit=limit)
    assert len(page.items) == limit
    assert ops == {"Query": 1, "BatchGetItem": 1}
    _, clock_deps, _ = world
    for item in page.items[:5]:       # what the summaries say is what a replay says
        assert item.deadlines == complaint_deadlines(clock_deps, item.complaint)


def test_paging_through_all_100_costs_two_requests_a_page(world):
    seen, cursor, costs = [], None, []
    while True:
        page, ops = listing(world, limit=30, cursor=cursor)
        costs.append(sum(ops.values()))
        seen += [i.complaint.id for i in page.items]
        cursor = page.next
        if cursor is None:
            break
    assert len(set(seen)) == 100 and costs == [2, 2, 2, 2]


class ThrottledTable:
    """A stand-in PynamoDB model whose BatchGetItem leaves keys unprocessed, as DynamoDB does
    under throttling: `answers` says how many keys each call processes."""

    class Meta:
        table_name = "t"

    def __init__(self, answers):
        self.answers, self.requests = list(answers), []

    def _get_connection(self):
        return self

    def batch_get_item(self, keys, consistent_read=None, attributes_to_get=None):
        self.requests.append(len(keys))
        done = self.answers.pop(0) if self.answers else 0
        return {"Responses": {"t": keys[:done]},
                "UnprocessedKeys": {"t": {"Keys": keys[done:]}} if keys[done:] else {}}

    @staticmethod
    def from_raw_data(raw):
        return raw["id"]["S"]


def test_unprocessed_keys_are_retried_a_bounded_number_of_times():
    from chalicelib.adapters.dynamo.batch import RETRIES, batch_get
    keys = [{"id": {"S": f"k{i}"}} for i in range(10)]
    naps: list[float] = []
    table = ThrottledTable([4, 3])
    items, left = batch_get(table, keys, sleep=naps.append)
    assert items == [f"k{i}" for i in range(7)] and left == keys[7:]
    assert table.requests == [10, 6, 3, 3][:RETRIES + 1] and len(naps) == RETRIES
    assert naps == sorted(naps)                               # backing off
    table = ThrottledTable([10])
    assert batch_get(table, keys, sleep=naps.append) == ([f"k{i}" for i in range(10)], [])
    assert table.requests == [10]
    with pytest.raises(ValueError):
        batch_get(table, keys * 11)


def test_a_summary_lost_to_throttling_is_replayed_not_missing(world, monkeypatch):
    """Correctness first: when DynamoDB leaves summaries unprocessed, those complaints are
    replayed, and the page still shows every complaint's deadlines."""
    from chalicelib.adapters.dynamo import batch
    real = batch.batch_get

    def throttled(model, keys, **kw):
        items, _ = real(model, keys[:3], **kw)
        return items, keys[3:]
    monkeypatch.setattr("chalicelib.adapters.dynamo.clocks.batch_get", throttled)
    page, ops = listing(world, limit=10)
    assert ops == {"Query": 1 + 7, "BatchGetItem": 1}
    _, clock_deps, _ = world
    assert [i.deadlines for i in page.items] == [complaint_deadlines(clock_deps, i.complaint)
                                                for i in page.items]
