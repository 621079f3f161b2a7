"""The pure parts of `make bench` (benchmarks/benchlib.py): medians and percentiles, figures with
their floors and goals, summing DynamoDB's ConsumedCapacity, the on-demand cost arithmetic and the
partition shares. The benchmarks print figures; these check the arithmetic behind them. (No
timings are asserted here.) benchlib is a script folder, not a package: loaded by its path."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

PATH = Path(__file__).resolve().parents[2] / "benchmarks" / "benchlib.py"


def _load():
    spec = importlib.util.spec_from_file_location("benchlib", PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("benchlib", module)
    spec.loader.exec_module(module)
    return module


bl = _load()


# --- statistics -----------------------------------------------------------------------------------
def test_median_of_odd_and_even_counts_and_unsorted_input():
    assert bl.median([3, 1, 2]) == 2
    assert bl.median([4, 1, 3, 2]) == 2.5
    assert bl.median([7]) == 7
    with pytest.raises(ValueError):
        bl.median([])


def test_percentile_interpolates_between_closest_ranks():
    values = list(range(1, 101))            # 1..100
    assert bl.percentile(values, 50) == pytest.approx(50.5)     # the median
    assert bl.percentile(values, 99) == pytest.approx(99.01)
    assert bl.percentile(values, 0) == 1 and bl.percentile(values, 100) == 100
    assert bl.percentile([5.0], 99) == 5.0
    with pytest.raises(ValueError):
        bl.percentile(values, 101)
    with pytest.raises(ValueError):
        bl.percentile([], 50)


def test_ratio_is_times_worse_than_the_floor_for_latencies_and_throughputs():
    assert bl.ratio(25.0, 5.0) == 5.0                              # latency: value / floor
    assert bl.ratio(50.0, 200.0, higher_is_better=True) == 4.0     # req/s: floor / value
    assert bl.ratio(1.0, 0.0) is None
    assert bl.ratio(0.0, 10.0, higher_is_better=True) is None


def test_figure_is_the_median_of_its_runs_against_the_median_of_its_floor():
    f = bl.Figure("api.filing.p50", "filing p50", "ms", [30.0, 10.0, 20.0], "raw PutItem", [4.0, 5.0, 6.0],
                  goal_ratio=3.0)
    assert f.value == 20.0 and f.floor == 5.0 and f.ratio == 4.0
    assert f.meets_goal is False
    d = f.as_dict()
    assert d["median"] == 20.0 and d["runs"] == 3 and d["floor"]["median"] == 5.0
    assert d["ratio"] == 4.0 and d["goal"] == {"max_ratio": 3.0} and d["meets_goal"] is False
    assert bl.Figure("k", "n", "calls", [3.0], goal_value=4.0).meets_goal is True
    assert bl.Figure("k", "n", "calls", [3.0]).meets_goal is None
    assert "floor" not in bl.Figure("k", "n", "calls", [3.0]).as_dict()


def test_latency_figures_take_each_runs_own_percentile_then_the_median():
    runs = [{"ms": [10.0] * 99 + [100.0], "wall_s": 2.0, "errors": 0},
            {"ms": [20.0] * 100, "wall_s": 4.0, "errors": 1},
            {"ms": [30.0] * 100, "wall_s": 1.0, "errors": 0}]
    floors = [{"ms": [5.0] * 100, "wall_s": 0.5, "errors": 0}] * 3
    p50, p99, rps, errors = bl.latency_figures("api.x", "x", runs, floors, floor_name="raw", goal_p50=3.0)
    assert p50.samples == [10.0, 20.0, 30.0] and p50.value == 20.0 and p50.ratio == 4.0
    assert p99.samples[0] == pytest.approx(10.0 + 90.0 * 0.01)     # between the two largest of run 1
    assert rps.samples == [50.0, 25.0, 100.0] and rps.value == 50.0
    assert rps.floor == 200.0 and rps.ratio == 4.0                   # throughput: floor / value
    assert errors.value == 1 and errors.meets_goal is False and errors.extra["requests"] == 300


# --- consumed capacity ------------------------------------------------------------------------------
def test_units_of_sums_single_list_and_absent_consumed_capacity():
    assert bl.units_of({"TableName": "t", "CapacityUnits": 2.5}) == 2.5
    assert bl.units_of([{"TableName": "a", "CapacityUnits": 4.0}, {"TableName": "b", "CapacityUnits": 1.5}]) == 5.5
    assert bl.units_of(None) == 0 and bl.units_of([]) == 0
    assert bl.units_of({"TableName": "t"}) == 0          # no CapacityUnits: nothing counted


def test_index_units_split_table_and_index_units_per_name():
    consumed = [{"TableName": "p-complaints", "CapacityUnits": 6.0, "Table": {"CapacityUnits": 2.0},
                 "GlobalSecondaryIndexes": {"feed": {"CapacityUnits": 2.0}, "by_opd": {"CapacityUnits": 2.0}}},
                {"TableName": "p-notifications", "CapacityUnits": 2.0, "Table": {"CapacityUnits": 1.0},
                 "LocalSecondaryIndexes": {"by_time": {"CapacityUnits": 1.0}}}]
    assert bl.index_units_of(consumed) == {"p-complaints": 2.0, "p-complaints/feed": 2.0,
                                           "p-complaints/by_opd": 2.0, "p-notifications": 1.0,
                                           "p-notifications/by_time": 1.0}


def test_ledger_books_reads_and_writes_per_step_and_per_table_without_the_prefix():
    ledger = bl.CapacityLedger(strip_prefix="p-")
    ledger.step = "file"
    ledger.add("TransactWriteItems", [{"TableName": "p-complaints", "CapacityUnits": 4.0,
                                       "Table": {"CapacityUnits": 4.0}}])
    ledger.add("GetItem", {"TableName": "p-idempotency", "CapacityUnits": 1.0, "Table": {"CapacityUnits": 1.0}},
               items=1)
    ledger.add("Query", {"TableName": "p-complaints", "CapacityUnits": 0.5}, step="read back", items=3)
    ledger.add("PutItem", None)                # a failed conditional write reports nothing
    assert ledger.steps["file"] == {"rcu": 1.0, "wcu": 4.0, "calls": 3, "items": 1}
    assert ledger.steps["read back"] == {"rcu": 0.5, "wcu": 0.0, "calls": 1, "items": 3}
    assert ledger.total() == {"rcu": 1.5, "wcu": 4.0, "calls": 4, "items": 4}
    assert ledger.total(["read back", "never"]) == {"rcu": 0.5, "wcu": 0.0, "calls": 1, "items": 3}
    assert dict(ledger.writes_to["file"]) == {"complaints": 4.0}
    assert dict(ledger.reads_from["file"]) == {"idempotency": 1.0}
    assert dict(ledger.operations["file"]) == {"TransactWriteItems": 1, "GetItem": 1, "PutItem": 1}
    ledger.reset()
    assert ledger.total() == {"rcu": 0.0, "wcu": 0.0, "calls": 0.0, "items": 0.0}


def test_items_of_counts_what_each_read_returned():
    assert bl.items_of("Query", {"Count": 7, "Items": []}) == 7
    assert bl.items_of("BatchGetItem", {"Responses": {"a": [{}, {}], "b": [{}]}}) == 3
    assert bl.items_of("GetItem", {"Item": {"id": {"S": "x"}}}) == 1
    assert bl.items_of("GetItem", {}) == 0
    assert bl.items_of("PutItem", {}) == 0


# --- cost -----------------------------------------------------------------------------------------
def test_monthly_cost_multiplies_units_by_volume_days_and_price():
    prices = bl.Prices("test", usd_per_million_wru=1.0, usd_per_million_rru=0.5, usd_per_gb_month=0.25, source="t")
    cost = bl.monthly_cost(1_000, rru_each=20, wru_each=100, prices=prices)
    days = bl.DAYS_PER_MONTH
    assert cost["wru_per_month"] == pytest.approx(100_000 * days)
    assert cost["rru_per_month"] == pytest.approx(20_000 * days)
    assert cost["usd_writes"] == pytest.approx(0.1 * days)           # 100,000 WRU a day at $1 per million
    assert cost["usd_reads"] == pytest.approx(0.01 * days)
    assert cost["usd_requests"] == pytest.approx(0.11 * days)
    fixed = bl.monthly_cost(0, 20, 100, prices, extra_rru_per_day=2_000_000, extra_wru_per_day=1_000_000)
    assert fixed["usd_reads"] == pytest.approx(1.0 * days) and fixed["usd_writes"] == pytest.approx(1.0 * days)


def test_monthly_cost_at_the_stated_us_east_1_prices():
    """$0.625 per million WRU, $0.125 per million RRU (on-demand since 2024-11-01)."""
    p = bl.PRICES["us-east-1"]
    assert (p.usd_per_million_wru, p.usd_per_million_rru) == (0.625, 0.125)
    cost = bl.monthly_cost(1_000_000, rru_each=1, wru_each=1, prices=p)
    assert cost["usd_requests"] == pytest.approx((0.625 + 0.125) * bl.DAYS_PER_MONTH)
    assert bl.PRICES["ap-southeast-3"].source.startswith("ASSUMED")    # said so wherever it is used


def test_storage_cost_of_months_kept():
    p = bl.Prices("t", 1.0, 1.0, usd_per_gb_month=0.25, source="t")
    # 1 KB a complaint, 1,000,000 a day, 12 months kept: 365.25 GB at $0.25
    assert bl.storage_cost(1_000, 12, 1_000_000, p) == pytest.approx(365.25 * 0.25)


# --- partitions and the table -------------------------------------------------------------------------
def test_busiest_share_and_peak_rate():
    assert bl.busiest_share({"a": 30, "b": 10}) == 0.75
    assert bl.busiest_share({}) == 0.0
    assert bl.per_second_peak(86_400, peak_factor=3.0) == 3.0


def test_table_lists_every_figure_with_floor_ratio_and_goal():
    figures = [bl.Figure("a", "filing p50", "ms", [20.0], "raw", [5.0], goal_ratio=3.0).as_dict(),
               bl.Figure("b", "errors", "count", [0.0], goal_value=0).as_dict()]
    lines = bl.table(figures).splitlines()
    assert lines[0].split()[:2] == ["figure", "median"] and len(lines) == 4
    assert "4.00×" in lines[2] and "≤3.0×" in lines[2] and lines[2].split()[-2] == "NO"
    assert lines[3].split()[-2] == "yes"


def test_section_and_json_round_trip(tmp_path):
    import json
    out = bl.section("rules", [bl.Figure("r", "rate", "eval/s", [10.0, 12.0], "raw", [20.0],
                                         higher_is_better=True)], {"n": 1})
    bl.write_json(tmp_path / "x" / "rules.json", out)
    back = json.loads((tmp_path / "x" / "rules.json").read_text(encoding="utf-8"))
    assert back["section"] == "rules" and back["details"] == {"n": 1}
    assert back["figures"][0]["median"] == 11.0 and back["figures"][0]["ratio"] == pytest.approx(20 / 11, abs=1e-4)


def test_meter_asks_every_dynamodb_call_for_its_capacity_and_books_it(monkeypatch):
    """benchstack.Meter, the one door of every DynamoDB request (PynamoDB's too): it adds
    ReturnConsumedCapacity=INDEXES and books the units the response reports; other services are
    counted only. botocore's Stubber answers, so no store is involved."""
    import boto3
    from botocore.stub import Stubber
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    spec = importlib.util.spec_from_file_location("benchstack", PATH.with_name("benchstack.py"))
    assert spec is not None and spec.loader is not None
    benchstack = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(benchstack)
    client = boto3.client("dynamodb", region_name="ap-southeast-3")
    sqs = boto3.client("sqs", region_name="ap-southeast-3")
    meter = benchstack.Meter(table_prefix="p-")
    try:
        with Stubber(client) as stub, Stubber(sqs) as sqs_stub:
            stub.add_response("get_item", {"Item": {"id": {"S": "A"}}, "ConsumedCapacity": {
                "TableName": "p-complaints", "CapacityUnits": 1.0, "Table": {"CapacityUnits": 1.0}}},
                expected_params={"TableName": "p-complaints", "Key": {"id": {"S": "A"}},
                                 "ReturnConsumedCapacity": "INDEXES"})
            stub.add_response("put_item", {"ConsumedCapacity": {
                "TableName": "p-clocks", "CapacityUnits": 3.0, "Table": {"CapacityUnits": 1.0},
                "GlobalSecondaryIndexes": {"due": {"CapacityUnits": 1.0}, "by_opd": {"CapacityUnits": 1.0}}}},
                expected_params={"TableName": "p-clocks", "Item": {"complaint_id": {"S": "A"}},
                                 "ReturnConsumedCapacity": "INDEXES"})
            sqs_stub.add_response("send_message", {"MessageId": "m", "MD5OfMessageBody": "x"},
                                  expected_params={"QueueUrl": "https://q", "MessageBody": "b"})
            meter.ledger.step = "sweep"
            client.get_item(TableName="p-complaints", Key={"id": {"S": "A"}})
            client.put_item(TableName="p-clocks", Item={"complaint_id": {"S": "A"}})
            sqs.send_message(QueueUrl="https://q", MessageBody="b")
            stub.assert_no_pending_responses()
    finally:
        meter.stop()
    assert meter.ledger.steps["sweep"] == {"rcu": 1.0, "wcu": 3.0, "calls": 2, "items": 1}
    assert dict(meter.ledger.writes_to["sweep"]) == {"clocks": 1.0, "clocks/due": 1.0, "clocks/by_opd": 1.0}
    assert meter.dynamodb_calls() == 2 and meter.other_calls() == 1
    client2 = boto3.client("dynamodb", region_name="ap-southeast-3")      # stopped: no longer metered
    with Stubber(client2) as stub:
        stub.add_response("get_item", {}, expected_params={"TableName": "t", "Key": {"id": {"S": "B"}}})
        client2.get_item(TableName="t", Key={"id": {"S": "B"}})
    assert meter.dynamodb_calls() == 2
