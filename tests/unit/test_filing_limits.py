"""Filing a complaint under the daily limit (services/complaints.submit) on the fake store:
GIVEN a citizen's quota WHEN they file (again, at the limit, against a concurrent filing) THEN
the limit holds, a replay wins over the limit, and Idempotency-Keys are scoped unambiguously."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from itertools import count

import pytest

from chalicelib.domain.commands import FileComplaint
from chalicelib.domain.errors import Conflict, RateLimited
from chalicelib.domain.model import Actor, Role
from chalicelib.rules.bundle import load_bundle
from chalicelib.services import complaints as service
from chalicelib.services.complaints import IdempotencyKeyReused, quota_key, request_hash, scoped_key
from chalicelib.services.ports import FilingContended
from tests.fakes import FakeComplaintRepository

T0 = datetime(2026, 11, 27, 2, 0, tzinfo=timezone.utc)
CITIZEN = Actor("warga-1", Role.CITIZEN)
NEW = FileComplaint.from_request({"category": "izin-berusaha", "title": "NIB belum terbit",
                                  "description": "Sudah tiga minggu."})


class World:
    def __init__(self, limit: int = 3):
        self.now, self.slept = T0, list[float]()
        self.repo = FakeComplaintRepository()
        serial = count(1)
        self.deps = service.Deps(repo=self.repo, rules=load_bundle(), now=lambda: self.now,
                                 new_id=lambda at: f"ADU-261127-{next(serial):07d}", daily_limit=limit,
                                 sleep=self.slept.append)

    def file(self, who=CITIZEN, key=None, command=NEW, minutes=1):
        result = service.submit(self.deps, who, command, key)
        self.now += timedelta(minutes=minutes)
        return result


@pytest.fixture
def world():
    return World()


def test_keys_of_different_callers_never_collide():
    """Finding: f"{sub}#{key}" stored ("a#b", "c") and ("a", "b#c") as the same key."""
    assert scoped_key("a#b", "c") != scoped_key("a", "b#c")
    assert scoped_key("a", "b") != scoped_key("a", "b ") != scoped_key("a ", "b")
    assert scoped_key("warga-1", "k") == scoped_key("warga-1", "k")
    assert quota_key("warga-1") not in {scoped_key("warga-1", ""), scoped_key("", "warga-1")}
    assert scoped_key("\ud800", "k")            # any string a token can carry, even a lone surrogate


def test_a_colliding_key_files_a_second_complaint_not_a_replay_of_anothers(world):
    first, created_first = world.file(Actor("a#b", Role.CITIZEN), key="c")
    second, created_second = world.file(Actor("a", Role.CITIZEN), key="b#c")
    assert created_first and created_second and first.id != second.id
    assert second.reporter.sub == "a"


def test_the_limit_holds_and_retry_after_counts_to_the_oldest_leaving_the_window(world):
    for _ in range(3):
        world.file()
    with pytest.raises(RateLimited) as limited:
        world.file()
    # filed at T0, T0+1, T0+2 min; now T0+3 min: the first leaves the window at T0+24 h
    assert limited.value.details["retry_after"] == 24 * 3600 - 3 * 60
    world.now = T0 + timedelta(hours=24)             # exactly 24 h after the first: free again
    complaint, created = world.file()
    assert created and len(world.repo.complaints) == 4
    assert sorted(world.repo.quota(quota_key(CITIZEN.sub)).slots) == [0, 1, 2]     # a slot reused


def test_the_limit_is_per_citizen(world):
    for _ in range(3):
        world.file()
    assert world.file(Actor("warga-2", Role.CITIZEN))[1]


def test_a_replay_at_the_limit_returns_the_first_complaint(world):
    first, _ = world.file(key="k-1")
    world.file()
    world.file()
    with pytest.raises(RateLimited):
        world.file(key="k-2")
    again, created = world.file(key="k-1")
    assert (again.id, created) == (first.id, False)
    with pytest.raises(IdempotencyKeyReused):
        world.file(key="k-1", command=FileComplaint("izin-berusaha", "Lain", "Lain"))


def test_a_replay_is_answered_before_routing(world):
    first, _ = world.file(key="k-1")
    world.deps.rules = None              # routing would fail: a replay never gets that far
    assert world.file(key="k-1")[0].id == first.id


def test_a_lowered_limit_holds_at_once(world):
    for _ in range(3):
        world.file()
    world.deps.daily_limit = 2
    with pytest.raises(RateLimited) as limited:
        world.file()
    assert limited.value.details["retry_after"] == 24 * 3600 - 2 * 60    # the second must leave


class Contended:
    """The fake store, with the next `times` filings losing to a concurrent one (`winner` files
    first, with the same Idempotency-Key, when given)."""

    def __init__(self, repo, times: int, winner=None):
        self._repo, self.times, self.winner, self.adds = repo, times, winner, 0

    def add(self, *args, **kwargs):
        self.adds += 1
        if self.times:
            self.times -= 1
            if self.winner:
                self.winner()
            raise FilingContended("filing_contended")
        return self._repo.add(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._repo, name)


def test_a_contended_filing_re_reads_and_retries_with_bounded_jittered_pauses(world):
    world.deps.repo = Contended(world.repo, times=3)
    complaint, created = world.file()
    assert created and world.repo.get(complaint.id) is not None
    assert len(world.slept) == 3 and all(0 <= s <= service.BACKOFF_CAP for s in world.slept)
    assert world.repo.calls["quota"] == 4                         # re-read before every attempt


def test_retries_are_bounded_then_409_and_nothing_is_stored(world):
    world.deps.repo = repo = Contended(world.repo, times=100)
    with pytest.raises(Conflict) as conflict:
        world.file()
    assert conflict.value.code == "filing_contended" and repo.adds == world.deps.filing_attempts
    assert world.repo.complaints == {} and len(world.slept) == world.deps.filing_attempts - 1


def test_losing_to_a_filing_with_the_same_key_replays_it(world):
    def winner():
        world.deps.repo = world.repo          # the winner files through the plain store
        try:
            service.submit(world.deps, CITIZEN, NEW, "k-1")
        finally:
            world.deps.repo = contended
    contended = Contended(world.repo, times=1, winner=winner)
    world.deps.repo = contended
    complaint, created = world.file(key="k-1")
    assert not created and len(world.repo.complaints) == 1
    assert complaint.id == next(iter(world.repo.complaints))


def test_losing_the_last_slot_to_a_same_key_filing_is_a_replay_not_429():
    """One slot left, two identical requests at once: both get the one complaint."""
    world = World(limit=1)

    def winner():
        world.deps.repo = world.repo
        try:
            service.submit(world.deps, CITIZEN, NEW, "k-1")
        finally:
            world.deps.repo = contended
    contended = Contended(world.repo, times=1, winner=winner)
    world.deps.repo = contended
    complaint, created = world.file(key="k-1")
    assert not created and complaint.id in world.repo.complaints


def test_the_request_hash_takes_any_string_json_can_carry():
    assert request_hash({"title": "\ud800"}) != request_hash({"title": "\ud801"})
    assert request_hash({"a": 1, "b": 2}) == request_hash({"b": 2, "a": 1})
