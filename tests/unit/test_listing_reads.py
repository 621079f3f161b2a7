"""GIVEN 100 open complaints whose clocks the stream has stored, WHEN staff list them through the
services, THEN a page costs the same few store calls whatever its size (one list query, one batch
read of the page's clock summaries), never one per complaint; `overdue` filters before paging.

The fakes count their calls; tests/integration/test_listing_store_calls.py shows the same on
DynamoDB (moto and DynamoDB Local), counting the real requests."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.domain.commands import FileComplaint
from chalicelib.domain.lifecycle import Action
from chalicelib.domain.model import Actor, Role
from chalicelib.rules.bundle import load_bundle
from chalicelib.rules.schedule import BundleSchedule
from chalicelib.services import complaints as service
from chalicelib.services.clocks import ClockDeps, complaint_deadlines, reconcile
from tests.fakes import FakeComplaintRepository
from tests.fakes_deadlines import FakeClockRepository

T0 = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)     # Tuesday 09:00 WIB
INSPECTOR = Actor("insp-1", Role.INSPECTOR)
OPERATOR = Actor("op-1", Role.OPERATOR, "DPMPTSP")
NEW = {"category": "izin-berusaha", "title": "NIB belum terbit", "description": "Sudah tiga minggu."}


class World:
    def __init__(self):
        self.now = T0
        bundle = load_bundle()
        self.complaints, self.clocks = FakeComplaintRepository(), FakeClockRepository()
        self.deps = service.Deps(repo=self.complaints, rules=bundle, now=lambda: self.now,
                                 new_id=lambda at: f"ADU-TEST-{len(self.complaints.complaints) + 1:04d}")
        self.clock_deps = ClockDeps(self.complaints, self.clocks, BundleSchedule(bundle), bundle.version,
                                    lambda: self.now)

    def file(self, n: int, *, stream: bool = True) -> list[str]:
        ids = []
        for i in range(n):
            self.now = T0 + timedelta(minutes=i)
            c, _ = service.submit(self.deps, Actor(f"warga-{i}", Role.CITIZEN), FileComplaint.from_request(NEW))
            if stream:
                reconcile(self.clock_deps, c.id)
            ids.append(c.id)
        return ids

    def calls(self) -> int:
        return sum(self.complaints.calls.values()) + sum(self.clocks.calls.values())

    def list(self, actor=INSPECTOR, **query):
        query = {"status": None, "opd": None, "limit": 20, "cursor": None, **query}
        before = self.calls()
        page = service.list_complaints(self.deps, self.clock_deps, actor, **query)
        return page, self.calls() - before


@pytest.fixture
def world():
    return World()


@pytest.mark.parametrize("limit", [10, 50, 100])
def test_a_page_costs_two_store_calls_whatever_its_size(world, limit):
    world.file(100)
    world.now = T0 + timedelta(hours=2)
    world.complaints.calls.clear()
    world.clocks.calls.clear()
    page, calls = world.list(limit=limit)
    assert len(page.items) == limit and calls <= 3
    assert (world.complaints.calls["list"], world.clocks.calls["summaries"]) == (1, 1)
    assert world.complaints.calls["timeline"] == 0          # nothing replayed
    # and the deadlines are those a replay gives
    for item in page.items:
        assert item.deadlines == complaint_deadlines(world.clock_deps, item.complaint)


def test_paging_through_100_complaints_costs_the_same_per_page(world):
    ids = world.file(100)
    costs, seen, cursor = [], [], None
    while True:
        page, calls = world.list(limit=10, cursor=cursor)
        costs.append(calls)
        seen += [i.complaint.id for i in page.items]
        cursor = page.next
        if cursor is None:
            break
    assert seen == list(reversed(ids)) and costs == [2] * 10


def test_complaints_the_stream_has_not_caught_up_with_are_replayed_alone(world):
    ids = world.file(20)
    fresh = world.file(1, stream=False)[0]                       # just filed: no summary yet
    service.act(world.deps, OPERATOR, ids[0], Action.FOLLOW_UP, {"message": "sudah"})  # stale summary
    world.complaints.calls.clear()
    page, calls = world.list(limit=100)
    assert world.complaints.calls["timeline"] == 2 and calls == 2 + 2
    shown = {i.complaint.id: i.deadlines for i in page.items}
    assert shown[ids[0]]["followup_due"] is None and shown[ids[0]]["approval_due"] is not None
    assert shown[fresh]["followup_due"] is not None


def test_overdue_false_returns_full_pages_of_complaints_not_overdue(world):
    ids = world.file(30)                                         # filed a minute apart
    world.now = T0 + timedelta(hours=24, minutes=14, seconds=30)  # the first 15 ran out
    late, on_time = set(ids[:15]), list(reversed(ids[15:]))
    seen, cursor, sizes = [], None, []
    while True:
        page, calls = world.list(overdue=False, limit=4, cursor=cursor)
        assert calls <= 2 * 5 and all(not i.deadlines["overdue"] for i in page.items)
        sizes.append(len(page.items))
        seen += [i.complaint.id for i in page.items]
        cursor = page.next
        if cursor is None:
            break
    assert seen == on_time and sizes == [4, 4, 4, 3]
    overdue, _ = world.list(overdue=True, limit=100)
    assert {i.complaint.id for i in overdue.items} == late


def test_a_filtered_request_reads_at_most_five_store_pages_then_continues(world):
    ids = world.file(40)
    world.now = T0 + timedelta(hours=24, minutes=35, seconds=30)     # all but the newest 4 late
    page, calls = world.list(overdue=False, limit=2)
    assert [i.complaint.id for i in page.items] == [ids[39], ids[38]] and page.next
    page, calls = world.list(overdue=False, limit=2, cursor=page.next)
    assert [i.complaint.id for i in page.items] == [ids[37], ids[36]]
    page, calls = world.list(overdue=False, limit=2, cursor=page.next)
    assert page.items == [] and page.next is not None and calls == 2 * 5      # the cap, then on
    while page.next:
        page, _ = world.list(overdue=False, limit=2, cursor=page.next)
        assert page.items == []


def test_the_overdue_queue_costs_one_index_query_per_opd_and_two_batch_reads(world):
    world.file(30)
    world.now = T0 + timedelta(hours=30)
    page, calls = world.list(actor=OPERATOR, overdue=True, limit=25)
    assert len(page.items) == 25 and page.next and calls == 3
    assert (world.clocks.calls["overdue_in"], world.complaints.calls["get_many"],
            world.clocks.calls["summaries"]) == (1, 1, 1)
    rest, _ = world.list(actor=OPERATOR, overdue=True, limit=25, cursor=page.next)
    assert len(rest.items) == 5 and rest.next is None
    due = [i.deadlines["followup_due"] for i in page.items + rest.items]
    assert due == sorted(due)                                    # most overdue first
