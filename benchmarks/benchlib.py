"""The pure parts of `make bench`: medians and percentiles, figures with their floors, summing
DynamoDB's ConsumedCapacity, the on-demand cost arithmetic and the table. No I/O, no AWS, no
clock: tests/unit/test_bench_lib.py checks them.

A *figure* is one measured quantity: the median over repeated runs (`runs` samples) of what the
product does, beside its *floor* (the least the same work can cost, measured in the same run), the
ratio of the two and, where issue 16 sets one, the goal for that ratio (or for the value itself).
"""
from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

READ_OPERATIONS = frozenset({"GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems"})
WRITE_OPERATIONS = frozenset({"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"})


# --- statistics -----------------------------------------------------------------------------------
def median(values: Iterable[float]) -> float:
    """The middle value (the mean of the two middle ones for an even count)."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("median of no values")
    mid = len(ordered) // 2
    return float(ordered[mid]) if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def percentile(values: Iterable[float], p: float) -> float:
    """The p-th percentile (0..100) by linear interpolation between closest ranks (numpy's
    default), so p50 is the median and p99 of 100 samples lies between the two largest."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("percentile of no values")
    if not 0 <= p <= 100:
        raise ValueError(f"percentile {p} is not within 0..100")
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def ratio(value: float, floor: float, *, higher_is_better: bool = False) -> float | None:
    """How many times worse than its floor a figure is (1.0: at the floor). For a throughput
    (higher is better) that is floor / value; for a latency or a cost, value / floor."""
    if higher_is_better:
        return floor / value if value else None
    return value / floor if floor else None


@dataclass
class Figure:
    """One row of the results: name, unit, the median of `samples`, its floor and the goal."""
    key: str
    name: str
    unit: str
    samples: list[float]
    floor_name: str | None = None
    floor_samples: list[float] | None = None
    higher_is_better: bool = False
    goal_ratio: float | None = None          # the goal as a ratio to the floor (≤)
    goal_value: float | None = None          # ... or as a bound on the value itself (≤)
    note: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def value(self) -> float:
        return median(self.samples)

    @property
    def floor(self) -> float | None:
        return median(self.floor_samples) if self.floor_samples else None

    @property
    def ratio(self) -> float | None:
        floor = self.floor
        return None if floor is None else ratio(self.value, floor, higher_is_better=self.higher_is_better)

    @property
    def meets_goal(self) -> bool | None:
        if self.goal_ratio is not None:
            r = self.ratio
            return None if r is None else r <= self.goal_ratio
        if self.goal_value is not None:
            return self.value <= self.goal_value
        return None

    def as_dict(self) -> dict:
        out: dict[str, object] = {"key": self.key, "name": self.name, "unit": self.unit, "median": _round(self.value),
               "runs": len(self.samples), "samples": [_round(s) for s in self.samples]}
        if self.floor_samples:
            out["floor"] = {"name": self.floor_name, "median": _round(self.floor),
                            "samples": [_round(s) for s in self.floor_samples]}
            out["ratio"] = _round(self.ratio)
        if self.goal_ratio is not None:
            out["goal"] = {"max_ratio": self.goal_ratio}
        elif self.goal_value is not None:
            out["goal"] = {"max_value": self.goal_value}
        if self.meets_goal is not None:
            out["meets_goal"] = self.meets_goal
        if self.note:
            out["note"] = self.note
        out.update(self.extra)
        return out


def _round(x: float | None, digits: int = 4) -> float | None:
    if x is None:
        return None
    return round(x, digits) if abs(x) < 1e6 else round(x, 1)


# --- DynamoDB consumed capacity ---------------------------------------------------------------------
def capacity_entries(consumed) -> list[dict]:
    """ConsumedCapacity as DynamoDB returns it: one dict (single-table calls), a list of them
    (batch and transaction calls), or absent (a call made without ReturnConsumedCapacity, or a
    failed conditional write, which consumes capacity but reports none)."""
    if not consumed:
        return []
    return list(consumed) if isinstance(consumed, list) else [consumed]


def units_of(consumed) -> float:
    """The request units one response reports: the sum of each entry's CapacityUnits (the total
    over the table and its indexes, what on-demand bills)."""
    return sum(float(e.get("CapacityUnits", 0) or 0) for e in capacity_entries(consumed))


def items_of(operation: str, response: Mapping) -> int:
    """How many items a read response carries (0 for writes)."""
    if operation in ("Query", "Scan"):
        return int(response.get("Count", 0))
    if operation in ("BatchGetItem", "TransactGetItems"):
        found = response.get("Responses", {})
        return sum(len(v) for v in found.values()) if isinstance(found, Mapping) else len(found)
    if operation == "GetItem":
        return 1 if response.get("Item") else 0
    return 0


def index_units_of(consumed) -> dict[str, float]:
    """With ReturnConsumedCapacity=INDEXES: units per table and per index ("table" or
    "table/index"), so a report can say where the writes go."""
    out: dict[str, float] = defaultdict(float)
    for entry in capacity_entries(consumed):
        table = entry.get("TableName", "?")
        if "Table" in entry:
            out[table] += float(entry["Table"].get("CapacityUnits", 0) or 0)
        for kind in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
            for name, units in (entry.get(kind) or {}).items():
                out[f"{table}/{name}"] += float(units.get("CapacityUnits", 0) or 0)
    return dict(out)


class CapacityLedger:
    """Request units and calls per step: reads (RRU) for read operations, writes (WRU) for write
    operations. `add` is what a botocore hook calls with each DynamoDB response. `writes_to` and
    `reads_from` book the units per table and index (their names without `strip_prefix`)."""

    def __init__(self, strip_prefix: str = "") -> None:
        self.strip_prefix = strip_prefix
        self.step = "setup"
        self.steps: dict[str, dict[str, float]] = defaultdict(lambda: {"rcu": 0.0, "wcu": 0.0, "calls": 0,
                                                                        "items": 0})
        self.operations: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.writes_to: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        self.reads_from: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))

    def add(self, operation: str, consumed, step: str | None = None, items: int = 0) -> None:
        step = self.step if step is None else step
        bucket = self.steps[step]
        bucket["rcu" if operation in READ_OPERATIONS else "wcu"] += units_of(consumed)
        bucket["calls"] += 1
        bucket["items"] += items
        self.operations[step][operation] += 1
        where = self.reads_from if operation in READ_OPERATIONS else self.writes_to
        for name, units in index_units_of(consumed).items():
            if self.strip_prefix and name.startswith(self.strip_prefix):
                name = name[len(self.strip_prefix):]
            where[step][name] += units

    def total(self, steps: Iterable[str] | None = None) -> dict[str, float]:
        chosen = self.steps.keys() if steps is None else steps
        out = {"rcu": 0.0, "wcu": 0.0, "calls": 0.0, "items": 0.0}
        for step in chosen:
            for k in out:
                out[k] += self.steps[step][k] if step in self.steps else 0.0
        return out

    def reset(self) -> None:
        self.steps.clear()
        self.operations.clear()
        self.writes_to.clear()
        self.reads_from.clear()


# --- on-demand cost -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Prices:
    region: str
    usd_per_million_wru: float
    usd_per_million_rru: float
    usd_per_gb_month: float
    source: str


# DynamoDB Standard table class, on-demand. us-east-1 since the price cut of 1 November 2024
# (aws.amazon.com/dynamodb/pricing/on-demand). ap-southeast-3 (Jakarta): see docs/performance.md,
# the figure used is stated there with its source and can be overridden on the command line.
PRICES = {
    "us-east-1": Prices("us-east-1", 0.625, 0.125, 0.25,
                        "aws.amazon.com/dynamodb/pricing/on-demand, Standard table class, from 2024-11-01"),
    "ap-southeast-3": Prices("ap-southeast-3", 0.7116, 0.1423, 0.285,
                             "ASSUMED: half of the pre-cut Asia Pacific list prices ($1.4231 / $0.2846 per "
                             "million), not verified for Jakarta offline; check the AWS Price List API"),
}
DAYS_PER_MONTH = 30.4375          # 365.25 / 12


def monthly_cost(per_day: float, rru_each: float, wru_each: float, prices: Prices, *,
                 extra_rru_per_day: float = 0.0, extra_wru_per_day: float = 0.0) -> dict[str, float]:
    """Request cost of a month of `per_day` complaints, each costing `rru_each` read and
    `wru_each` write request units, plus fixed daily units (the sweep's 288 runs, say)."""
    rru = (per_day * rru_each + extra_rru_per_day) * DAYS_PER_MONTH
    wru = (per_day * wru_each + extra_wru_per_day) * DAYS_PER_MONTH
    reads = rru / 1e6 * prices.usd_per_million_rru
    writes = wru / 1e6 * prices.usd_per_million_wru
    return {"rru_per_month": rru, "wru_per_month": wru, "usd_reads": reads, "usd_writes": writes,
            "usd_requests": reads + writes}


def storage_cost(items_bytes: float, months_kept: float, per_day: float, prices: Prices) -> float:
    """Storage per month once `months_kept` months of complaints are stored (each `items_bytes`
    over its items and index copies; DynamoDB adds 100 bytes an item, included by the caller)."""
    gb = items_bytes * per_day * DAYS_PER_MONTH * months_kept / 1e9
    return gb * prices.usd_per_gb_month


# --- partitions -----------------------------------------------------------------------------------
def busiest_share(counts: Mapping[str, float]) -> float:
    """The share of all writes that the busiest key takes (1.0: one key takes everything)."""
    total = sum(counts.values())
    return max(counts.values()) / total if total else 0.0


def per_second_peak(per_day: float, peak_factor: float) -> float:
    """The mean write rate of `per_day` events a day times the peak-hour factor."""
    return per_day / 86_400 * peak_factor


# --- the table ------------------------------------------------------------------------------------
def fmt(x: float | None, unit: str = "") -> str:
    """A figure for the table: whole numbers without decimals, small ones with two."""
    if x is None:
        return "-"
    if float(x).is_integer() and unit not in ("ms", "s"):
        return f"{x:,.0f}"
    if abs(x) < 10:
        return f"{x:,.2f}"
    return f"{x:,.1f}" if abs(x) < 100 else f"{x:,.0f}"


def table(figures: Sequence[dict]) -> str:
    """The results as a plain-text table: figure, median, floor, ratio, goal, met."""
    rows = [("figure", "median", "unit", "floor", "ratio", "goal", "met", "runs")]
    for f in figures:
        goal = f.get("goal") or {}
        goal_text = (f"≤{goal['max_ratio']}×" if "max_ratio" in goal else
                     f"≤{fmt(goal['max_value'], f['unit'])}" if "max_value" in goal else "")
        met = {True: "yes", False: "NO", None: ""}[f.get("meets_goal")]
        floor = f.get("floor") or {}
        rows.append((f["name"], fmt(f["median"], f["unit"]), f["unit"], fmt(floor.get("median"), f["unit"]),
                     f"{f['ratio']:.2f}×" if f.get("ratio") is not None else "", goal_text, met,
                     str(f.get("runs", ""))))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for n, r in enumerate(rows):
        cells = [r[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(r[1:], widths[1:], strict=True)]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


# --- results ----------------------------------------------------------------------------------------
def section(name: str, figures: Sequence[Figure], details: dict | None = None) -> dict:
    """One benchmark's part of bench/results.json."""
    return {"section": name, "figures": [f.as_dict() for f in figures], "details": details or {}}


def latency_figures(key: str, name: str, runs: Sequence[dict], floor_runs: Sequence[dict], *,
                    floor_name: str, goal_p50: float | None = None) -> list[Figure]:
    """p50, p99 and requests/s of an API operation against its raw store call, from repeated
    runs (each a dict of `ms` latencies, `wall_s` and `errors`), each figure the median of the
    runs' own figure; plus the errors (all runs summed; the goal is none)."""
    def per_run(rs, what):
        if what == "rps":
            return [len(r["ms"]) / r["wall_s"] for r in rs]
        return [percentile(r["ms"], 50 if what == "p50" else 99) for r in rs]
    out = [Figure(f"{key}.p50", f"{name} p50", "ms", per_run(runs, "p50"), floor_name,
                  per_run(floor_runs, "p50"), goal_ratio=goal_p50),
           Figure(f"{key}.p99", f"{name} p99", "ms", per_run(runs, "p99"), floor_name, per_run(floor_runs, "p99")),
           Figure(f"{key}.rps", f"{name} req/s", "req/s", per_run(runs, "rps"), floor_name,
                  per_run(floor_runs, "rps"), higher_is_better=True),
           Figure(f"{key}.errors", f"{name} errors", "count", [float(sum(r["errors"] for r in runs))],
                  goal_value=0, extra={"requests": sum(len(r["ms"]) for r in runs)})]
    return out


def write_json(path, data: dict) -> None:
    import json
    from pathlib import Path
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
