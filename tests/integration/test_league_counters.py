"""The league table's day counters (issue 16; domain/league.py, adapters/dynamo/league.py), one
contract against the fakes and DynamoDB (moto and DynamoDB Local): every clock, sanction and
support is counted exactly once however often it is written, replayed or retried — also by
writers racing on one clock — and an OPD's window is one read of at most 90 small items."""
from __future__ import annotations

import threading
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from tests.integration.conftest import STORES, use_store
from tests.integration.test_deadline_repositories import clock, sanction

T0 = datetime(2026, 11, 27, 2, 0, tzinfo=timezone.utc)        # 09:00 WIB, 27 November
H = timedelta(hours=1)
DAY = "2026-11-27"


@pytest.fixture(params=["fake", *STORES])
def stores(request, settings):
    """(clocks, sanctions, shadow sanctions or None) sharing one league table."""
    if request.param == "fake":
        from tests.fakes_deadlines import FakeClockRepository, FakeSanctionRepository
        clocks = FakeClockRepository()
        return clocks, FakeSanctionRepository(league=clocks.league), None
    use_store(request, request.param)
    from chalicelib.adapters.dynamo.clocks import DynamoClockRepository
    from chalicelib.adapters.dynamo.sanctions import DynamoSanctionRepository
    return (DynamoClockRepository(settings), DynamoSanctionRepository(settings),
            DynamoSanctionRepository(settings, shadow=True))


def figures(clocks, opd="DINKES"):
    days = clocks.league_days(opd, "2026-08-30", DAY)
    assert len(days) <= 1
    return {k: v for k, v in (days[0] if days else {}).items() if v}


def test_a_clock_is_counted_once_through_its_life_however_often_it_is_written(stores):
    clocks, _, _ = stores
    running = clock()
    for _ in range(3):                                   # the stream's record, replayed
        clocks.put(running, basis_seq=1, next_check_at=T0 + 24 * H, rules_version="v", counts_complaint=True)
    assert figures(clocks) == {"c_app": 1}
    done = clock(state="stopped", ended=T0 + 2.5 * H)
    for _ in range(2):
        clocks.put(done, basis_seq=2, next_check_at=None, rules_version="v", counts_complaint=True)
        clocks.put(running, basis_seq=1, next_check_at=None, rules_version="v", counts_complaint=True)  # older
        clocks.mark("ADU-1", running.key, next_check_at=None)
    assert figures(clocks) == {"c_app": 1, "f_on_app": 1, "f_h25_app": 1}


def test_a_miss_the_sweep_recorded_is_late_and_stays_late_when_followed_up(stores):
    clocks, _, _ = stores
    cid = "ADU-2"
    clocks.put(clock(cid), basis_seq=1, next_check_at=T0 + 24 * H, rules_version="v",
               counts_complaint=True)
    assert figures(clocks) == {"c_app": 1}                     # running, not yet due: pending
    for _ in range(2):
        clocks.mark(cid, "followup#000001", next_check_at=None, settled_at=T0 + 24 * H)
    assert figures(clocks) == {"c_app": 1, "f_late_app": 1}
    clocks.put(clock(cid, state="stopped", ended=T0 + 30 * H), basis_seq=3, next_check_at=None,
               rules_version="v", counts_complaint=True)
    assert figures(clocks) == {"c_app": 1, "f_late_app": 1, "f_h300_app": 1}


def test_writers_racing_on_one_clock_count_it_once(stores):
    clocks, _, _ = stores
    done = replace(clock("ADU-3", state="stopped", ended=T0 + H), channel="desk")
    errors = []

    def write():
        try:
            clocks.put(done, basis_seq=2, next_check_at=None, rules_version="v", counts_complaint=True)
            clocks.mark("ADU-3", done.key, next_check_at=None)
        except Exception as exc:   # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert figures(clocks) == {"c_desk": 1, "f_on_desk": 1, "f_h10_desk": 1}


def test_a_sanction_counts_once_and_a_shadow_one_never(stores):
    clocks, sanctions, shadow = stores
    for _ in range(2):
        sanctions.add(sanction(1, due=T0 - 2 * H), channel="desk")      # issued T0 - H: the same WIB day
    sanctions.add(sanction(2, due=T0 - 2 * H, kind="warning"), channel="desk")    # warnings are not sanctions
    if shadow is not None:
        shadow.add(sanction(3, due=T0 - 2 * H), channel="desk")
    assert figures(clocks) == {"s_desk": 1}


def test_the_day_is_the_wib_date_and_the_window_one_read(stores):
    clocks, _, _ = stores
    late_evening = replace(clock("ADU-4"), started_at=datetime(2026, 11, 26, 17, 30, tzinfo=timezone.utc))
    clocks.put(late_evening, basis_seq=1, next_check_at=None, rules_version="v", counts_complaint=True)
    days = clocks.league_days("DINKES", "2026-11-27", "2026-11-27")      # 00:30 WIB on the 27th
    assert [{k: v for k, v in d.items() if v} for d in days] == [{"c_app": 1}]
    assert clocks.league_days("DINKES", "2026-11-26", "2026-11-26") == []
    assert clocks.league_days("DISDIK", "2026-08-30", DAY) == []


def test_a_support_counts_once_for_the_complaints_opd(stores, settings):
    clocks, _, shadow = stores
    if shadow is None:
        from tests.fakes import FakeComplaintRepository
        supports = FakeComplaintRepository()
        supports.league = clocks.league
        add = supports.support
    else:
        from chalicelib.adapters.dynamo.support import DynamoSupportStore
        add = DynamoSupportStore(settings).add
    for _ in range(2):
        add("ADU-5", "warga-a", T0, league=("DINKES", "web"))
    add("ADU-5", "warga-b", T0, league=("DINKES", "web"))
    add("ADU-5", "warga-c", T0)                          # without a league: not counted
    assert figures(clocks) == {"u_web": 2}


@pytest.mark.parametrize("store", STORES)
def test_counting_after_a_write_reads_nothing(request, settings, store, monkeypatch):
    """A clock write and its count are the UpdateItem and the counters' transaction: the count
    takes the item UpdateItem returned (ALL_NEW), no GetItem of it (issue 16: one call less per
    clock the stream writes and per due clock the sweep marks). Before, a consistent GetItem
    followed every write."""
    use_store(request, store)
    import botocore.client

    from chalicelib.adapters.dynamo.clocks import DynamoClockRepository
    clocks = DynamoClockRepository(settings)
    made: list[str] = []
    original = botocore.client.BaseClient._make_api_call

    def counted(client, operation, params):
        if client.meta.service_model.service_name == "dynamodb":
            made.append(operation)
        return original(client, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", counted)
    clocks.put(clock("ADU-9"), basis_seq=1, next_check_at=T0 + 24 * H, rules_version="v", counts_complaint=True)
    assert made == ["UpdateItem", "TransactWriteItems"]
    made.clear()
    clocks.mark("ADU-9", "followup#000001", next_check_at=None, settled_at=T0 + 24 * H)
    assert made == ["UpdateItem", "TransactWriteItems"]
    made.clear()
    clocks.put(clock("ADU-9"), basis_seq=0, next_check_at=None, rules_version="v")      # older: not written
    assert made == ["UpdateItem", "GetItem"]             # read to check; nothing changed, nothing added
    assert figures(clocks) == {"c_app": 1, "f_late_app": 1}


def test_the_dated_days_are_the_same_counters_with_their_wib_day(stores):
    """GET /v1/stats/opds/monthly groups the counters by month: the same items as league_days,
    each with its day (the clock's WIB start date, the sanction's issue date), in one read."""
    clocks, sanctions, _ = stores
    clocks.put(clock(), basis_seq=1, next_check_at=T0 + 24 * H, rules_version="v", counts_complaint=True)
    late_night = replace(clock("ADU-2"), started_at=datetime(2026, 11, 25, 18, 30, tzinfo=timezone.utc))
    clocks.put(late_night, basis_seq=1, next_check_at=T0, rules_version="v", counts_complaint=True)
    sanctions.add(sanction(1))
    dated = clocks.league_dated_days("DINKES", "2026-08-30", DAY)
    assert [day for day, _ in dated] == ["2026-11-26", DAY]            # 01:30 WIB on the 26th
    assert [counters for _, counters in dated] == clocks.league_days("DINKES", "2026-08-30", DAY)
    assert {k: v for k, v in dated[1][1].items() if v} == {"c_app": 1, "s_app": 1}
    assert clocks.league_dated_days("DINKES", "2026-11-27", "2026-11-27") == [dated[1]]
    assert clocks.league_dated_days("DISDIK", "2026-08-30", DAY) == []
