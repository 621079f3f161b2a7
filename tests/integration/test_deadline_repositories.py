"""One contract suite for the clock and sanction repositories, run against the in-memory fakes and
against DynamoDB (moto and DynamoDB Local): conditional writes, the sparse sharded due index,
counting and listing."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.domain.clocks import Clock, ClockPolicy
from chalicelib.domain.deadline_summary import DeadlineSummary, OpenDeadline
from chalicelib.domain.sanctions import Sanction
from tests.integration.conftest import STORES, use_store

T0 = datetime(2026, 11, 27, 2, 0, tzinfo=timezone.utc)
H = timedelta(hours=1)
POLICY = ClockPolicy(24.0, "calendar", frozenset({"waiting_citizen"}), 75.0, {"hours": "Pasal 7"},
                     "followup@2025-01-01")


def clock(cid="ADU-1", seq=1, state="running", due=T0 + 24 * H, ended=None, opd="DINKES"):
    return Clock(cid, "followup", seq, opd, T0, POLICY, state, due, 24 * 3600.0, ended,
                 "followed_up" if ended else None, "op-1")


def sanction(n, *, subject="op-1", due=T0, kind="sanction", opd="DINKES", cid=None):
    return Sanction(id=f"S{n:03d}", kind=kind, complaint_id=cid or f"ADU-{n}", subject_type="operator",
                    subject_id=subject, opd=opd, rule_id="sanction.operator.miss", level="teguran-lisan",
                    clock="followup", clock_key="followup#000001", due_at=due, issued_at=due + H * n,
                    hours_late=1.0, rules_version="v1", reference="PP 94/2021",
                    explanation={"id": "x", "en": "y"}, facts={"misses": 1})


@pytest.fixture(params=["fake", *STORES])
def repos(request, settings):
    if request.param == "fake":
        from tests.fakes_deadlines import FakeClockRepository, FakeSanctionRepository
        return FakeClockRepository(), FakeSanctionRepository()
    use_store(request, request.param)
    from chalicelib.adapters.dynamo.clocks import DynamoClockRepository
    from chalicelib.adapters.dynamo.sanctions import DynamoSanctionRepository
    return DynamoClockRepository(settings), DynamoSanctionRepository(settings)


def due_all(clocks, until):
    out = []
    for shard in range(16):
        cursor = None
        while True:
            page = clocks.due(shard, until, cursor, 2)
            out += page.items
            cursor = page.next
            if not cursor:
                break
    return sorted((d.complaint_id, d.clock_key) for d in out)


def stored(clocks, complaint_id: str, clock_key: str):
    """The clock as the repository stored it (what the league table counts from)."""
    if hasattr(clocks, "items"):                                        # the fake
        return clocks.items[(complaint_id, clock_key)]["clock"]
    from chalicelib.adapters.dynamo.clocks import clock_from_item
    return clock_from_item(clocks._M.get(complaint_id, clock_key, consistent_read=True))


def test_clock_round_trip_and_due_index(repos):
    clocks, _ = repos
    for i in range(7):
        assert clocks.put(clock(f"ADU-{i}"), basis_seq=1, next_check_at=T0 + i * H, rules_version="v1")
    assert due_all(clocks, T0 + 3 * H) == [(f"ADU-{i}", "followup#000001") for i in range(4)]
    assert clocks.flags("ADU-1")["followup#000001"].basis_seq == 1
    got = stored(clocks, "ADU-3", "followup#000001")
    assert got.policy == POLICY and got.holder == "op-1" and got.channel == "app" and got.opd == "DINKES"


def test_a_clock_keeps_the_channel_its_complaint_came_in_by(repos):
    from dataclasses import replace
    clocks, _ = repos
    assert clocks.put(replace(clock("ADU-D"), channel="desk"), basis_seq=1, next_check_at=None, rules_version="v1")
    assert stored(clocks, "ADU-D", "followup#000001").channel == "desk"


def test_a_clock_from_a_shorter_timeline_never_overwrites(repos):
    clocks, _ = repos
    assert clocks.put(clock(state="stopped", ended=T0 + 5 * H), basis_seq=5, next_check_at=None,
                      rules_version="v")
    assert not clocks.put(clock(), basis_seq=3, next_check_at=T0, rules_version="v")
    assert due_all(clocks, T0 + 100 * H) == []


def test_marks_leave_the_index_and_keep_flags(repos):
    clocks, _ = repos
    clocks.put(clock(), basis_seq=1, next_check_at=T0, rules_version="v")
    clocks.mark("ADU-1", "followup#000001", next_check_at=T0 + 24 * H, warned_at=T0 + 18 * H)
    assert due_all(clocks, T0 + 20 * H) == []
    clocks.mark("ADU-1", "followup#000001", next_check_at=None, settled_at=T0 + 25 * H)
    flags = clocks.flags("ADU-1")["followup#000001"]
    assert flags.warned_at == T0 + 18 * H and flags.settled_at == T0 + 25 * H
    assert due_all(clocks, T0 + 1000 * H) == []
    clocks.put(clock(), basis_seq=2, next_check_at=None, rules_version="v")    # the stream again
    assert clocks.flags("ADU-1")["followup#000001"].settled_at == T0 + 25 * H


def test_sanction_put_is_conditional(repos):
    _, sanctions = repos
    assert sanctions.add(sanction(1)) is True
    assert sanctions.add(sanction(1)) is False
    stored = sanctions.get("S001")
    assert stored["rule_id"] == "sanction.operator.miss" and stored["notified_at"] is None
    sanctions.mark_notified("S001", T0)
    assert sanctions.get("S001")["notified_at"] == T0
    assert sanctions.get("nope") is None


def test_count_misses_counts_primary_sanctions_in_the_window(repos):
    _, sanctions = repos
    for n, days in enumerate([0, 10, 29, 31]):
        sanctions.add(sanction(n, due=T0 - timedelta(days=days)))
    sanctions.add(sanction(9, due=T0 - timedelta(days=1), kind="report"))
    sanctions.add(sanction(8, due=T0 - timedelta(days=1), subject="op-2"))
    assert sanctions.count_misses("operator#op-1", T0 - timedelta(days=30), T0) == 2   # 10 and 29 days
    assert sanctions.count_misses("operator#op-1", T0 - timedelta(days=30), T0 + H) == 3


def test_listing_filters_and_pages(repos):
    _, sanctions = repos
    for n in range(5):
        sanctions.add(sanction(n, opd="DINKES" if n % 2 else "BAPENDA", cid="ADU-X" if n < 2 else None))
    seen, cursor = [], None
    while True:
        page = sanctions.list(limit=2, cursor=cursor)
        seen += [s.id for s in page.items]
        cursor = page.next
        if not cursor:
            break
    assert seen == ["S004", "S003", "S002", "S001", "S000"]
    assert [s.id for s in sanctions.list(opd="DINKES").items] == ["S003", "S001"]
    assert [s.id for s in sanctions.list(complaint="ADU-X").items] == ["S001", "S000"]
    assert [s.id for s in sanctions.list(since=T0 + 3 * H).items] == ["S004", "S003"]
    assert sanctions.list(subject_type="opd").items == []


def test_overdue_queue_of_an_opd(repos):
    clocks, _ = repos
    clocks.put(clock("ADU-A", due=T0 + 2 * H), basis_seq=1, next_check_at=None, rules_version="v")
    clocks.put(clock("ADU-B", due=T0 + 1 * H), basis_seq=1, next_check_at=None, rules_version="v")
    clocks.put(clock("ADU-C", due=T0 + 9 * H), basis_seq=1, next_check_at=None, rules_version="v")
    clocks.put(clock("ADU-D", due=T0 + H, opd="BAPENDA"), basis_seq=1, next_check_at=None, rules_version="v")
    assert clocks.overdue_in("DINKES", T0 + 5 * H) == [("ADU-B", T0 + H), ("ADU-A", T0 + 2 * H)]
    clocks.put(clock("ADU-B", state="stopped", due=T0 + H, ended=T0 + 3 * H), basis_seq=2,
               next_check_at=None, rules_version="v")                     # followed up late
    assert [cid for cid, _ in clocks.overdue_in("DINKES", T0 + 5 * H)] == ["ADU-A"]


def summary(basis, *due_hours):
    return DeadlineSummary(basis, tuple(OpenDeadline("followup", T0 + h * H if h is not None else None, True)
                                        for h in due_hours))


def test_summaries_round_trip_in_one_batch_and_never_roll_back(repos):
    clocks, _ = repos
    assert clocks.put_summary("ADU-1", summary(2, 24), rules_version="v1")
    assert clocks.put_summary("ADU-2", summary(1, None), rules_version="v1")
    assert clocks.put_summary("ADU-3", DeadlineSummary(4), rules_version="v1")
    assert not clocks.put_summary("ADU-1", summary(1, 5), rules_version="v1")     # a late record
    assert clocks.put_summary("ADU-1", summary(2, 24), rules_version="v2")        # the same again
    got = clocks.summaries(["ADU-1", "ADU-2", "ADU-3", "ADU-NONE", "ADU-1"])
    assert got == {"ADU-1": summary(2, 24), "ADU-2": summary(1, None), "ADU-3": DeadlineSummary(4)}
    assert clocks.summaries([]) == {}


def test_the_summary_is_not_a_clock(repos):
    """The sweep's flags, its due index, the overdue queue and the statistics never see it."""
    clocks, _ = repos
    clocks.put(clock("ADU-1"), basis_seq=1, next_check_at=T0, rules_version="v")
    clocks.put_summary("ADU-1", summary(1, 24), rules_version="v")
    assert set(clocks.flags("ADU-1")) == {"followup#000001"}
    assert due_all(clocks, T0 + 100 * H) == [("ADU-1", "followup#000001")]
    assert [cid for cid, _ in clocks.overdue_in("DINKES", T0 + 100 * H)] == ["ADU-1"]


def test_a_page_of_summaries_is_one_batch_of_at_most_100(repos):
    clocks, _ = repos
    ids = [f"ADU-{i:03d}" for i in range(101)]
    for cid in ids[:90]:
        clocks.put_summary(cid, summary(1, 24), rules_version="v")
    assert set(clocks.summaries(ids[:100])) == set(ids[:90])
    with pytest.raises(ValueError):
        clocks.summaries(ids)


def test_existing_tells_which_ids_are_stored_in_one_batch(repos):
    _, sanctions = repos
    for n in range(3):
        sanctions.add(sanction(n))
    assert sanctions.existing(["S000", "S002", "S999", "S000"]) == {"S000", "S002"}
    assert sanctions.existing([]) == set()


@pytest.mark.parametrize("store", STORES)
def test_shadow_tables_are_apart_from_the_rules_in_force(request, settings, store):
    """Shadow mode's clocks and decisions (services/shadow.py) live in tables of their own: the
    active sweep, queue and miss counts never see them, and the other way round."""
    use_store(request, store)
    from chalicelib.adapters.dynamo.clocks import DynamoClockRepository
    from chalicelib.adapters.dynamo.sanctions import DynamoSanctionRepository
    active_clocks, shadow_clocks = DynamoClockRepository(settings), DynamoClockRepository(settings, shadow=True)
    active, shadow = DynamoSanctionRepository(settings), DynamoSanctionRepository(settings, shadow=True)
    shadow_clocks.put(clock(due=T0 + 12 * H), basis_seq=1, next_check_at=T0 + 12 * H, rules_version="draft")
    shadow.add(sanction(1, due=T0))
    assert due_all(shadow_clocks, T0 + 13 * H) == [("ADU-1", "followup#000001")]
    assert due_all(active_clocks, T0 + 100 * H) == [] and active_clocks.overdue_in("DINKES", T0 + 100 * H) == []
    assert active.get("S001") is None and active.count_misses("operator#op-1", T0 - 10 * H, T0 + H) == 0
    assert shadow.count_misses("operator#op-1", T0 - 10 * H, T0 + H) == 1
    assert shadow.existing(["S001"]) == {"S001"} and active.existing(["S001"]) == set()


@pytest.mark.parametrize("store", STORES)
def test_counting_repeat_misses_is_one_query_of_a_few_read_units_however_many_there_are(
        request, settings, monkeypatch, store):
    """GIVEN an operator with 0, 10 or 60 misses in the window (each sanction ≈ 3.6 KB with its
    explanation), WHEN the sweep counts them for the next decision, THEN it is one Query whose
    read units stay at most 2 — the index carries keys and `kind` only; before (ALL projected)
    10 misses cost 5.5 read units on DynamoDB Local, and each one more another ≈ 0.5."""
    import botocore.client

    use_store(request, store)
    from chalicelib.adapters.dynamo.sanctions import DynamoSanctionRepository
    sanctions = DynamoSanctionRepository(settings)
    bulky = {"id": "x" * 1800, "en": "y" * 1800}           # an explanation of a real size
    calls: list[tuple[str, float | None]] = []
    original = botocore.client.BaseClient._make_api_call

    def counted(client, operation, params):
        if operation == "Query":
            params = {**params, "ReturnConsumedCapacity": "TOTAL"}
        answer = original(client, operation, params)
        if client.meta.service_model.service_name == "dynamodb":
            calls.append((operation, (answer.get("ConsumedCapacity") or {}).get("CapacityUnits")))
        return answer

    made = 0
    for k in (0, 10, 60):
        while made < k:
            s = sanction(made, due=T0 - timedelta(days=1 + made % 28))
            sanctions.add(type(s)(**{**s.__dict__, "explanation": bulky}))
            made += 1
        monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", counted)
        calls.clear()
        assert sanctions.count_misses("operator#op-1", T0 - timedelta(days=30), T0) == k
        monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", original)
        ((operation, units),) = calls
        assert operation == "Query"
        assert units is not None and units <= 2, (k, units)    # DynamoDB Local: 0, 0.5 and 1.0
