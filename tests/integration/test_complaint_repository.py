"""The ComplaintRepository contract, run against the in-memory fake and DynamoDB (moto and AWS's
DynamoDB Local).

Whatever passes here for both is what services may rely on: atomic writes, optimistic locking,
idempotent filing, newest-first listing with opaque cursors, timelines oldest first.
"""
from __future__ import annotations

import base64
import itertools
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.domain.errors import Conflict
from chalicelib.domain.lifecycle import Action, decide, file_complaint
from chalicelib.domain.model import Actor, Location, Role
from chalicelib.domain.times import WIB
from chalicelib.services.ports import BadCursor, DuplicateRequest, ListQuery

T0 = datetime(2026, 11, 2, 1, 0, tzinfo=timezone.utc)
_serial = itertools.count(1)


def citizen(sub="warga-1", name="Siti Rahayu"):
    return Actor(sub=sub, role=Role.CITIZEN, name=name)


def operator(opd="DINKES", sub="op-1"):
    return Actor(sub=sub, role=Role.OPERATOR, opd=opd)


def supervisor(opd="DINKES", sub="spv-1"):
    return Actor(sub=sub, role=Role.SUPERVISOR, opd=opd)


def filed(*, at=T0, reporter=None, opd="DINKES", **overrides):
    """A freshly filed complaint and its `submitted` event, made by the domain itself."""
    fields = dict(category="puskesmas", sector="kesehatan", title="Antrean puskesmas",
                  description="Antrean tiga jam.", location=None, visibility="private",
                  anonymous=False, routing_rule="route-kesehatan", rules_version="v1")
    fields.update(overrides)
    return file_complaint(complaint_id=f"ADU-261102-{next(_serial):07d}",
                          actor=reporter or citizen(), at=at, opd=opd, **fields)


def act(repo, complaint, action, actor, at, **payload):
    new, event = decide(complaint, action, actor, at, payload)
    repo.save(new, event)
    return new, event


# --- round trips ---------------------------------------------------------------------------------

def test_every_field_round_trips_through_a_whole_life(repo):
    c, e = filed(at=datetime(2026, 11, 2, 8, 30, 15, 123456, tzinfo=WIB), visibility="public",
                 anonymous=True, location=Location(-5.4292, 105.2610, "Jl. Wolter Monginsidi"))
    repo.add(c, e)
    events = [e]
    got = repo.get(c.id)
    assert got == c
    assert got.created_at.tzinfo == timezone.utc and got.updated_at.tzinfo == timezone.utc
    steps = [(Action.CLAIM, operator(), {}),
             (Action.FOLLOW_UP, operator(), {"message": "Sudah ditambah loket."}),
             (Action.APPROVE, supervisor(), {"note": "Baik."}),
             (Action.RATE, citizen(), {"stars": 4, "comment": "Cepat"})]
    for hours, (action, actor, payload) in enumerate(steps, start=1):
        c, event = act(repo, c, action, actor, T0 + timedelta(hours=hours), **payload)
        events.append(event)
        assert repo.get(c.id) == c
        assert repo.timeline(c.id) == events
    assert (c.status, c.assignee, c.rating.stars, c.version) == ("closed", "op-1", 4, 5)
    assert all(ev.at.tzinfo == timezone.utc for ev in repo.timeline(c.id))


def test_sparse_fields_and_forwarding_round_trip(repo):
    c, e = filed(reporter=citizen(name=None), description="", location=Location(address="Metro"),
                 routing_rule=None, rules_version=None)
    repo.add(c, e)
    assert repo.get(c.id) == c
    c, forwarded = act(repo, c, Action.FORWARD, supervisor(), T0 + timedelta(hours=1),
                       jurisdiction="Kota Metro", reason="Jalan kota")
    assert repo.get(c.id) == c and c.jurisdiction == "Kota Metro"
    assert repo.timeline(c.id) == [e, forwarded]


def test_unknown_complaint_is_none_with_empty_timeline(repo):
    assert repo.get("ADU-000000-NOTHERE") is None
    assert repo.timeline("ADU-000000-NOTHERE") == []


# --- optimistic locking --------------------------------------------------------------------------

def test_stale_save_conflicts_and_writes_nothing(repo):
    c, e = filed()
    repo.add(c, e)
    won, won_event = act(repo, c, Action.CLAIM, operator(sub="op-1"), T0 + timedelta(minutes=1))
    stale = decide(c, Action.CLAIM, operator(sub="op-2"), T0 + timedelta(minutes=2))
    with pytest.raises(Conflict):
        repo.save(*stale)
    assert repo.get(c.id) == won
    assert repo.timeline(c.id) == [e, won_event]


def test_version_mismatch_writes_no_event(repo):
    """The event is new but the complaint's condition fails: the event must not appear."""
    c, e = filed()
    repo.add(c, e)
    new, event = decide(c, Action.CLAIM, operator(), T0)
    with pytest.raises(Conflict):
        repo.save(new.evolve(version=3), replace(event, seq=3))
    assert repo.get(c.id) == c
    assert repo.timeline(c.id) == [e]


def test_existing_event_blocks_the_complaint_update(repo):
    """The complaint's condition holds but its event already exists: the complaint stays."""
    c, e = filed()
    repo.add(c, e)
    new, event = decide(c, Action.CLAIM, operator(), T0)
    with pytest.raises(Conflict):
        repo.save(new, replace(event, seq=1))
    assert repo.get(c.id) == c
    assert repo.timeline(c.id) == [e]


def test_saving_an_unknown_complaint_conflicts(repo):
    c, _ = filed()
    new, event = decide(c, Action.CLAIM, operator(), T0)
    with pytest.raises(Conflict):
        repo.save(new, event)
    assert repo.get(c.id) is None and repo.timeline(c.id) == []


def test_add_never_overwrites_an_existing_complaint(repo):
    c, e = filed()
    repo.add(c, e)
    with pytest.raises(Conflict):
        repo.add(c.evolve(title="Lain"), e, idempotency_key="warga-1:k2", request_hash="h")
    assert repo.get(c.id) == c
    other, other_event = filed()   # the failed add did not use up its idempotency key
    repo.add(other, other_event, idempotency_key="warga-1:k2", request_hash="h")
    assert repo.get(other.id) == other


def test_add_requires_version_1(repo):
    c, e = filed()
    with pytest.raises(ValueError):
        repo.add(c.evolve(version=2), e)


def test_concurrent_saves_exactly_one_wins(repo, serializable_moto):
    """Eight operators load the same version and claim it at once, in real threads."""
    c, e = filed()
    repo.add(c, e)
    for round_ in range(3):
        barrier = threading.Barrier(8)

        def attempt(i, round_=round_, barrier=barrier):
            # each round claims afresh (the lifecycle refuses a claim over a claim: 409)
            loaded = repo.get(c.id).evolve(assignee=None)
            new, event = decide(loaded, Action.CLAIM, operator(sub=f"op-{round_}-{i}"), T0)
            barrier.wait()
            try:
                repo.save(new, event)
                return new.assignee
            except Conflict:
                return None

        with ThreadPoolExecutor(8) as pool:
            winners = [w for w in pool.map(attempt, range(8)) if w]
        assert len(winners) == 1
        stored = repo.get(c.id)
        assert (stored.version, stored.assignee) == (round_ + 2, winners[0])
        timeline = repo.timeline(c.id)
        assert [ev.seq for ev in timeline] == list(range(1, round_ + 3))
        assert timeline[-1].actor_id == winners[0]


# --- idempotent filing ---------------------------------------------------------------------------

def test_a_repeated_idempotency_key_stores_nothing(repo):
    first, first_event = filed()
    repo.add(first, first_event, idempotency_key="warga-1:abc", request_hash="h1")
    second, second_event = filed()
    with pytest.raises(DuplicateRequest) as dup:
        repo.add(second, second_event, idempotency_key="warga-1:abc", request_hash="h2")
    assert (dup.value.complaint_id, dup.value.request_hash) == (first.id, "h1")
    assert repo.get(second.id) is None and repo.timeline(second.id) == []
    assert [x.id for x in repo.list(ListQuery()).items] == [first.id]


def test_idempotency_key_without_hash_and_distinct_keys(repo):
    a, a_event = filed()
    b, b_event = filed()
    repo.add(a, a_event, idempotency_key="warga-1:a")
    repo.add(b, b_event, idempotency_key="warga-2:a")
    with pytest.raises(DuplicateRequest) as dup:
        repo.add(*filed(), idempotency_key="warga-1:a")
    assert (dup.value.complaint_id, dup.value.request_hash) == (a.id, None)


# --- listing -------------------------------------------------------------------------------------

def _newest_first(complaints):
    return sorted(complaints, key=lambda x: (x.created_at, x.id), reverse=True)


@pytest.fixture
def world(repo):
    """Fourteen complaints over two OPDs, two reporters and three statuses, some filed in the
    same second (ties are broken by id), stored through the repository."""
    stored = []
    for i in range(14):
        reporter = citizen("warga-1" if i % 3 else "warga-2")
        opd = "DINKES" if i % 2 else "DISDIK"
        at = T0 + timedelta(minutes=i // 3)          # three filings share each minute
        c, e = filed(at=at, reporter=reporter, opd=opd)
        repo.add(c, e)
        later = at + timedelta(hours=1)
        if i % 4 == 1:
            c, _ = act(repo, c, Action.CLAIM, operator(opd), later)
            c, _ = act(repo, c, Action.FOLLOW_UP, operator(opd), later, message="Ditangani")
        elif i % 4 == 2:
            c, _ = act(repo, c, Action.REQUEST_INFO, operator(opd), later, question="Alamat?")
        stored.append(c)
    return stored


QUERIES = [
    {}, {"opd": "DINKES"}, {"opd": "DISDIK", "status": "assigned"},
    {"opd": "DINKES", "status": "followed_up"}, {"status": "waiting_citizen"},
    {"reporter": "warga-1"}, {"reporter": "warga-2", "status": "assigned"},
    {"reporter": "warga-1", "opd": "DISDIK"},
    {"reporter": "warga-1", "opd": "DINKES", "status": "followed_up"},
    {"opd": "NOPE"}, {"reporter": "nobody"}, {"status": "closed"},
]


def _expected(world, opd=None, reporter=None, status=None):
    return _newest_first(c for c in world if (opd is None or c.opd == opd)
                         and (reporter is None or c.reporter.sub == reporter)
                         and (status is None or c.status == status))


def _query_id(q: dict) -> str:
    return ",".join(f"{k}={v}" for k, v in q.items()) or "all"


@pytest.mark.parametrize("filters", QUERIES, ids=_query_id)
def test_each_listing_is_newest_first_and_complete(repo, world, filters):
    page = repo.list(ListQuery(**filters, limit=100))
    assert page.items == _expected(world, **filters)
    assert page.next is None


@pytest.mark.parametrize("limit", [1, 4, 5])
@pytest.mark.parametrize("filters", [{}, {"opd": "DINKES"}, {"reporter": "warga-1", "status": "assigned"},
                                     {"opd": "DISDIK", "status": "assigned"}])
def test_pages_have_no_duplicates_or_gaps(repo, world, filters, limit):
    expected, seen, cursor = _expected(world, **filters), [], None
    while True:
        page = repo.list(ListQuery(**filters, limit=limit, cursor=cursor))
        assert 1 <= len(page.items) <= limit
        seen += page.items
        if page.next is None:
            break
        assert len(page.items) == limit
        cursor = page.next
    assert seen == expected


def test_last_full_page_has_no_next(repo):
    for i in range(10):
        repo.add(*filed(at=T0 + timedelta(seconds=i)))
    first = repo.list(ListQuery(limit=5))
    second = repo.list(ListQuery(limit=5, cursor=first.next))
    assert (len(first.items), len(second.items), second.next) == (5, 5, None)


def test_a_complaint_moves_between_listings_as_it_changes(repo):
    c, e = filed(opd="DINKES")
    repo.add(c, e)
    c, _ = act(repo, c, Action.TRANSFER, operator("DINKES"), T0, opd="DISDIK", reason="Sekolah")
    assert repo.list(ListQuery(opd="DINKES")).items == []
    assert repo.list(ListQuery(opd="DISDIK", status="assigned")).items == [c]
    c, _ = act(repo, c, Action.FOLLOW_UP, operator("DISDIK"), T0, message="Ok")
    assert repo.list(ListQuery(opd="DISDIK", status="assigned")).items == []
    assert repo.list(ListQuery(status="followed_up")).items == [c]


@pytest.mark.parametrize("limit", [0, 101])
def test_limit_is_1_to_100(repo, limit):
    with pytest.raises(ValueError):
        repo.list(ListQuery(limit=limit))


def _b64(obj) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode()


def _tampered(cursor: str) -> str:
    """Keep the query part of a real cursor, break the position."""
    data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    return _b64({k: (v if k in ("q", "v") else "2026-13-99") for k, v in data.items()})


def test_bad_cursors_are_rejected(repo, world):
    good = repo.list(ListQuery(opd="DINKES", limit=2)).next
    bad = ["", "not a cursor", "!!!!", _b64([]), _b64({"v": 1}), _b64("x"), good[:-6],
           good + "A", _tampered(good)]
    for cursor in bad:
        with pytest.raises(BadCursor):
            repo.list(ListQuery(opd="DINKES", limit=2, cursor=cursor))


@pytest.mark.parametrize("other", [{"opd": "DISDIK"}, {"opd": "DINKES", "status": "assigned"}, {}])
def test_a_cursor_only_works_for_its_own_query(repo, world, other):
    cursor = repo.list(ListQuery(opd="DINKES", limit=2)).next
    with pytest.raises(BadCursor):
        repo.list(ListQuery(**other, limit=2, cursor=cursor))


def test_timeline_is_oldest_first(repo):
    c, e = filed()
    repo.add(c, e)
    events = [e]
    for i in range(6):   # request info / reply, back and forth
        c, ev = act(repo, c, Action.REQUEST_INFO, operator(), T0 + timedelta(hours=2 * i), question=f"q{i}")
        events.append(ev)
        c, ev = act(repo, c, Action.REPLY, citizen(), T0 + timedelta(hours=2 * i + 1), message=f"a{i}")
        events.append(ev)
    assert repo.timeline(c.id) == events
    assert [ev.seq for ev in events] == list(range(1, 14))


def test_a_cursor_after_any_listed_item_resumes_right_after_it(repo, world):
    """What a caller that filters a page relies on: it may stop in the middle of a page."""
    query = ListQuery(opd="DINKES", limit=5)
    expected = _expected(world, opd="DINKES")
    for i, complaint in enumerate(expected[:5]):
        rest = repo.list(replace(query, cursor=repo.cursor_after(query, complaint)))
        assert rest.items == expected[i + 1:i + 6]
    with pytest.raises(BadCursor):       # a position made for one query is refused by another
        repo.list(ListQuery(opd="DISDIK", limit=5, cursor=repo.cursor_after(query, expected[0])))


def test_get_many_reads_a_page_of_complaints_at_once(repo, world):
    ids = [c.id for c in world] + ["ADU-000000-NOPE"]
    assert repo.get_many(ids) == {c.id: c for c in world}
    assert repo.get_many([]) == {}
    with pytest.raises(ValueError):
        repo.get_many([f"ADU-{i}" for i in range(101)])


# --- governments and units (issue 13) -----------------------------------------------------------

def test_a_handed_over_and_disposed_complaint_round_trips_and_lists_by_government_and_unit(repo):
    """A kabupaten/kota's inspectors list their government's complaints (the by_government index),
    an operator of one unit the complaints disposed to it; the region and the unit are kept."""
    province, e1 = filed(location=Location(-5.39, 105.26, "Jl. Kartini", "18.71.01"))
    city, e2 = filed(at=T0 + timedelta(minutes=1))
    repo.add(province, e1)
    repo.add(city, e2)
    city, _ = act(repo, city, Action.HAND_OVER, supervisor(), T0 + timedelta(hours=1), jurisdiction="BANDARLAMPUNG",
                  reason="kota", to_opd="BANDARLAMPUNG.DINKES", to_unit="P2P")
    assert repo.get(province.id).location.region == "18.71.01"
    got = repo.get(city.id)
    assert (got.opd, got.government, got.unit, got.status) == ("BANDARLAMPUNG.DINKES", "BANDARLAMPUNG", "P2P",
                                                               "assigned")
    assert [c.id for c in repo.list(ListQuery(government="BANDARLAMPUNG")).items] == [city.id]
    assert [c.id for c in repo.list(ListQuery(government="BANDARLAMPUNG", status="assigned")).items] == [city.id]
    assert repo.list(ListQuery(government="BANDARLAMPUNG", status="closed")).items == []
    assert repo.list(ListQuery(government="PESAWARAN")).items == []
    city_supervisor = supervisor(opd="BANDARLAMPUNG.DINKES")
    city, _ = act(repo, city, Action.DISPOSE, city_supervisor, T0 + timedelta(hours=2), unit="PKM-KEDATON")
    unit = ListQuery(opd="BANDARLAMPUNG.DINKES", unit="PKM-KEDATON")
    assert [c.id for c in repo.list(unit).items] == [city.id]
    assert [c.id for c in repo.list(replace(unit, status="assigned")).items] == [city.id]
    assert repo.list(replace(unit, unit="P2P")).items == []
    assert [c.id for c in repo.list(ListQuery(opd="DINKES")).items] == [province.id]
