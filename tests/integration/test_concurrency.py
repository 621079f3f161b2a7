"""Races on one complaint, with real threads against DynamoDB (moto, serialized as DynamoDB is, and
DynamoDB Local, which needs no help): exactly one action wins, every other gets Conflict (409),
and nothing is lost."""
from __future__ import annotations

import threading
from datetime import datetime, timezone
from functools import partial
from types import SimpleNamespace

import pytest

from chalicelib.domain.errors import Conflict
from chalicelib.domain.lifecycle import Action, decide, file_complaint
from chalicelib.domain.model import Actor, Role, Status
from chalicelib.services import complaints as service
from chalicelib.services.complaints import Deps
from tests.integration.conftest import STORES, use_store
from tests.races import all_at_once

T0 = datetime(2026, 11, 27, 2, 0, tzinfo=timezone.utc)
CITIZEN = Actor("warga-1", Role.CITIZEN)
OPERATOR = Actor("op-1", Role.OPERATOR, "DINKES")
SUPERVISORS = [Actor(f"spv-{i}", Role.SUPERVISOR, "DINKES") for i in range(6)]
RULES = SimpleNamespace(opds={"DINKES": None, "RSUDAM": None}, jurisdictions={"METRO": None})


@pytest.fixture(params=STORES)
def dynamo_repo(request, settings):
    from chalicelib.adapters.dynamo.complaints import DynamoComplaintRepository
    if request.param == "dynamo":
        request.getfixturevalue("serializable_moto")
    use_store(request, request.param)
    return DynamoComplaintRepository(settings)


def followed_up(repo, n: int = 1) -> str:
    complaint, event = file_complaint(
        complaint_id=f"ADU-261127-RACE{n:03d}", actor=CITIZEN, at=T0, category="rs-layanan",
        sector="kesehatan", opd="DINKES", title="Antrean", description="Antrean terlalu lama",
        location=None, visibility="private", anonymous=False, routing_rule="r", rules_version="v")
    repo.add(complaint, event)
    complaint, event = decide(complaint, Action.FOLLOW_UP, OPERATOR, T0, {"message": "ditangani"})
    repo.save(complaint, event)
    return complaint.id


class ReadTogether:
    """Wraps a repository so every racer has read the complaint before anyone writes: the worst
    interleaving, every time (a plain thread start leaves it to luck)."""

    def __init__(self, repo, parties: int):
        self._repo, self._barrier = repo, threading.Barrier(parties)

    def get(self, complaint_id):
        complaint = self._repo.get(complaint_id)
        self._barrier.wait(timeout=30)
        return complaint

    def __getattr__(self, name):
        return getattr(self._repo, name)


def run(repo, cid, attempts):
    """Run each (actor, action, payload) in its own thread; return the result or error of each."""
    deps = Deps(repo=ReadTogether(repo, len(attempts)), rules=RULES, now=lambda: T0,
                new_id=lambda at: "unused")
    return all_at_once([partial(service.act, deps, actor, cid, action, payload)
                        for actor, action, payload in attempts], timeout=60)


def test_supervisors_approving_at_once_one_wins(dynamo_repo):
    cid = followed_up(dynamo_repo)
    results = run(dynamo_repo, cid, [(s, Action.APPROVE, {}) for s in SUPERVISORS])
    winners = [r for r in results if not isinstance(r, Exception)]
    assert len(winners) == 1 and winners[0].status == Status.RESOLVED
    assert all(isinstance(r, Conflict) for r in results if r is not winners[0])
    stored = dynamo_repo.get(cid)
    assert stored.version == 3 and stored.status == Status.RESOLVED
    assert [e.type for e in dynamo_repo.timeline(cid)] == ["submitted", "followed_up", "approved"]


def test_approval_racing_a_transfer_one_wins_nothing_lost(dynamo_repo):
    for round_ in range(5):
        cid = followed_up(dynamo_repo, round_ + 1)
        transfer = {"opd": "RSUDAM", "reason": "RS"}
        results = run(dynamo_repo, cid, [(SUPERVISORS[0], Action.APPROVE, {}),
                                          (SUPERVISORS[1], Action.TRANSFER, transfer)])
        winners = [r for r in results if not isinstance(r, Exception)]
        assert len(winners) == 1
        assert [type(r) for r in results if r is not winners[0]] == [Conflict]
        stored = dynamo_repo.get(cid)
        assert stored == winners[0]
        events = dynamo_repo.timeline(cid)
        assert len(events) == 3 and events[-1].type in ("approved", "transferred")



# --- the daily limit under a race -----------------------------------------------------------------

FILING_STORES = ["fake", *STORES]
NEW = {"category": "izin-berusaha", "title": "NIB belum terbit", "description": "Sudah tiga minggu."}


@pytest.fixture(params=FILING_STORES)
def filing_repo(request, settings):
    if request.param == "fake":
        from tests.fakes import FakeComplaintRepository
        return FakeComplaintRepository()
    from chalicelib.adapters.dynamo.complaints import DynamoComplaintRepository
    if request.param == "dynamo":
        request.getfixturevalue("serializable_moto")
    use_store(request, request.param)
    return DynamoComplaintRepository(settings)


def file_at_once(repo, n: int, limit: int) -> list:
    """`n` filings by one citizen, released together from a barrier; the result or error of each."""
    from itertools import count

    from chalicelib.domain.commands import FileComplaint
    from chalicelib.rules.bundle import load_bundle

    serial = count(1)
    deps = Deps(repo=repo, rules=load_bundle(), now=lambda: T0, daily_limit=limit,
                new_id=lambda at: f"ADU-261127-{next(serial):07d}")
    command = FileComplaint.from_request(NEW)
    # Warm the store's clients first (PynamoDB creates them lazily, and 50 threads would each make
    # one at once): the race is between the filings, not between client constructors.
    service.submit(deps, Actor("warga-lain", Role.CITIZEN), command)
    return all_at_once([lambda: service.submit(deps, CITIZEN, command)] * n)


def test_fifty_parallel_filings_by_one_citizen_store_at_most_the_daily_limit(filing_repo):
    """Finding: forty parallel filings by one citizen all got 201 (the limit was read, then
    written). Now the limit is a condition of the filing's own transaction."""
    from chalicelib.domain.errors import RateLimited
    from chalicelib.services.ports import ListQuery

    limit = 20
    results = file_at_once(filing_repo, 50, limit)
    created = [r for r in results if isinstance(r, tuple)]
    limited = [r for r in results if isinstance(r, RateLimited)]
    contended = [r for r in results if isinstance(r, Conflict)]
    print(f"\n50 parallel filings, limit {limit}: {len(created)} × 201, {len(limited)} × 429, "
          f"{len(contended)} × 409")
    assert len(created) + len(limited) + len(contended) == 50, [r for r in results if not isinstance(
        r, (tuple, RateLimited, Conflict))]
    stored = filing_repo.list(ListQuery(reporter=CITIZEN.sub, limit=100)).items
    assert 1 <= len(created) == len(stored) <= limit
    assert {c.id for c, _ in created} == {c.id for c in stored}
    assert len(filing_repo.quota(service.quota_key(CITIZEN.sub)).slots) == len(created)
    assert all(e.code == "filing_contended" for e in contended)
    assert all(0 < e.details["retry_after"] <= 24 * 3600 for e in limited)
