"""Hot partitions at 1,000,000 complaints a day: a simulation of the write distribution over the
partition keys of every table and index (issue 16; the reasoning is in docs/performance.md).

Inputs, both measured: the write units one complaint's life puts on each table and index and those
of one missed deadline (bench_cost.py's `writes_per_life_by_table` / `writes_miss`, from DynamoDB
Local's ReturnConsumedCapacity=INDEXES), and the key design of chalicelib/adapters/dynamo/tables.py.
`--per-day` complaints are drawn (ids from the domain's own id format, categories uniformly, each
routed to its OPD by the rules bundle, `--miss-share` of them missing the follow-up deadline), and
each table's and index's units are booked on the partition key value the key design gives them:

* one value for all         complaints/feed ("all"), audit/feed ("all"), sanctions/feed (kind),
                            complaints/by_government (the government: one for the province)
* a few values              complaints/by_status (status), complaints/by_opd_status (OPD#status),
                            complaints/by_opd, clocks/by_opd, clocks/open_by_opd, sanctions/by_opd
                            (OPD), clocks/due (16 shards, crc32 of the id: sharding.py)
* one value per complaint   complaints, timeline, clocks, idempotency, audit, audit/by_complaint,
  or per citizen            sanctions, sanctions/by_complaint, complaints/by_reporter, and the
                            citizens' share of notifications (+ by_time: an LSI, same partition)
* one value per staff       audit/by_actor, sanctions/by_subject and the staff's share of
  member                    notifications (measured: bench_cost.py counts them by recipient); taken
                            at their worst here: one staff account per OPD doing all of its work

For each, the busiest key's units per second at the peak (`--peak-factor` times the day's mean)
are set against DynamoDB's per-partition limit of 1,000 WCU/s. A single partition key value
cannot be spread over partitions by DynamoDB's split for heat when its sort key only grows (every
range key here is a time), so 1,000 WCU/s is the ceiling of one key value.

    .venv/bin/python benchmarks/bench_partitions.py --cost-json bench/cost.json
    .venv/bin/python benchmarks/bench_partitions.py                 # runs a small bench_cost first
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from benchlib import Figure, busiest_share, per_second_peak, section, table, write_json  # noqa: E402

WCU_PER_PARTITION = 1_000
RCU_PER_PARTITION = 3_000
ONE_KEY = {"complaints/feed": "all", "audit/feed": "all", "sanctions/feed": "sanction",
           "complaints/by_government": "LAMPUNG"}
BY_OPD = ("complaints/by_opd", "clocks/by_opd", "clocks/open_by_opd", "sanctions/by_opd")
BY_STAFF = ("audit/by_actor", "sanctions/by_subject")          # worst case: one account per OPD
NOTIFICATIONS = ("notifications", "notifications/by_time")
BY_STATUS = ("complaints/by_status", "complaints/by_opd_status")
# a life's status-index writes: file puts `assigned`, claim rewrites it, follow up deletes it and
# puts `followed_up`, approve moves it to `resolved`, rate to `closed` (a moved key is a delete on
# the old value and a put on the new one, each a write on its own partition)
STATUS_WRITES = {"assigned": 3, "followed_up": 2, "resolved": 2, "closed": 1}


def simulate(per_day: int, life: dict[str, float], miss: dict[str, float], miss_share: float,
             routed: list[str], staff_share: float = 0.5, seed: int = 16) -> dict:
    """Units per day on each (table or index, key value); for per-complaint keys only the
    busiest one is kept (one complaint's own units), since a million of them are all alike."""
    from chalicelib.adapters.dynamo.sharding import shard_key, shard_of
    from chalicelib.domain.ids import complaint_id
    rng = random.Random(seed)  # noqa: S311  (a simulation, nothing secret)
    keyed: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    per_item: dict[str, float] = defaultdict(float)
    status_total = sum(STATUS_WRITES.values())
    start = datetime(2026, 12, 1, tzinfo=timezone.utc)
    shards: Counter = Counter()
    opd_of = rng.choices(routed, k=per_day)
    missed = [rng.random() < miss_share for _ in range(per_day)]
    for i in range(per_day):
        cid = complaint_id(start + timedelta(seconds=i * 86_400 / per_day), rng.getrandbits(35))
        shard = shard_key(shard_of(cid))
        shards[shard] += 1
        opd = opd_of[i]
        for units, share_missed in ((life, False), (miss, True)):
            if share_missed and not missed[i]:
                continue
            for name, wcu in units.items():
                if name in ONE_KEY:
                    keyed[name][ONE_KEY[name]] += wcu
                elif name in BY_OPD:
                    keyed[name][opd] += wcu
                elif name in BY_STAFF:
                    keyed[name][f"staff of {opd}"] += wcu
                elif name in NOTIFICATIONS:
                    keyed[name][f"staff of {opd}"] += wcu * staff_share
                    per_item[name] = max(per_item[name], wcu * (1 - staff_share))
                elif name in BY_STATUS:
                    for status, writes in STATUS_WRITES.items():
                        key = status if name == "complaints/by_status" else f"{opd}#{status}"
                        keyed[name][key] += wcu * writes / status_total
                elif name == "clocks/due":
                    keyed[name][shard] += wcu
                else:
                    per_item[name] = max(per_item[name], wcu)
    return {"keyed": keyed, "per_item": dict(per_item), "shards": shards}


def report(sim: dict, per_day: int, peak_factor: float) -> list[dict]:
    rows = []
    for name, counts in sim["keyed"].items():
        key, units = max(counts.items(), key=lambda kv: kv[1])
        rows.append({"index": name, "keys": len(counts), "busiest_key": key, "wcu_per_day": units,
                     "share": busiest_share(counts), "peak_wcu_per_s": per_second_peak(units, peak_factor)})
    for name, units in sim["per_item"].items():
        rows.append({"index": name, "keys": per_day, "busiest_key": "(one complaint or person)",
                     "wcu_per_day": units, "share": 1 / per_day, "peak_wcu_per_s": per_second_peak(units, peak_factor)})
    for r in rows:
        r["of_limit"] = r["peak_wcu_per_s"] / WCU_PER_PARTITION
        r["per_day_at_limit"] = (per_day / r["of_limit"]) if r["of_limit"] else None
    return sorted(rows, key=lambda r: -r["peak_wcu_per_s"])


def cost_inputs(path: str | None) -> tuple[dict, dict, float]:
    if path is None:
        from bench_cost import main as cost_main
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "cost.json"
            cost_main(["3", "2", "--json", str(out)])
            data = json.loads(out.read_text())
    else:
        data = json.loads(Path(path).read_text())
    d = data["details"]
    counts = d.get("notification_items_by_recipient") or {"citizen": 1, "staff": 1}
    staff_share = counts["staff"] / max(1, counts["staff"] + counts["citizen"])
    return d["writes_per_life_by_table"], dict(d["writes_miss"]), staff_share


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-day", type=int, default=1_000_000)
    parser.add_argument("--peak-factor", type=float, default=3.0,
                        help="the busiest second's rate over the day's mean (assumed; office hours)")
    parser.add_argument("--miss-share", type=float, default=0.1)
    parser.add_argument("--cost-json", help="bench_cost.py's --json output (else a small one is run)")
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    life, miss, staff_share = cost_inputs(args.cost_json)
    from chalicelib.rules.bundle import load_bundle
    rules = load_bundle()
    routed = [rules.route(c.code).opd for c in rules.categories]
    sim = simulate(args.per_day, life, miss, args.miss_share, routed, staff_share)
    rows = report(sim, args.per_day, args.peak_factor)
    shards = sim["shards"]
    figures = [Figure(f"partitions.peak_wcu.{r['index']}", f"busiest key, {r['index']} ({r['busiest_key']})",
                      "WCU/s", [r["peak_wcu_per_s"]], goal_value=WCU_PER_PARTITION,
                      extra={"keys": r["keys"], "share_of_index": round(r["share"], 4),
                             "per_day_at_limit": round(r["per_day_at_limit"]) if r["per_day_at_limit"] else None})
               for r in rows if r["keys"] < args.per_day]
    figures.append(Figure("partitions.due_shard_spread", "due index: busiest / mean shard", "ratio",
                          [max(shards.values()) / (sum(shards.values()) / len(shards))], "perfectly even", [1.0]))
    details = {"per_day": args.per_day, "peak_factor": args.peak_factor, "miss_share": args.miss_share,
               "notifications_staff_share": round(staff_share, 3),
               "limit_wcu_per_partition": WCU_PER_PARTITION, "limit_rcu_per_partition": RCU_PER_PARTITION,
               "rows": [{k: (round(v, 4) if isinstance(v, float) else v) for k, v in r.items()} for r in rows],
               "due_shards": dict(sorted(shards.items())), "life_wcu_by_table": life, "miss_wcu_by_table": miss}
    result = section("partitions", figures, details)
    print(f"{args.per_day:,} complaints a day, peak {args.peak_factor}× the mean, {args.miss_share:.0%} missed")
    print(f"{'table/index':<28}{'keys':>9}  {'busiest key':<26}{'WCU/s at peak':>14}{'of 1,000':>9}"
          f"{'limit at /day':>15}")
    for r in rows:
        if r["keys"] >= args.per_day:
            continue
        at_limit = f"{r['per_day_at_limit']:,.0f}" if r["per_day_at_limit"] else "-"
        print(f"{r['index']:<28}{r['keys']:>9,}  {str(r['busiest_key'])[:25]:<26}{r['peak_wcu_per_s']:>14,.1f}"
              f"{r['of_limit']:>9.0%}{at_limit:>15}")
    spread = [r for r in rows if r["keys"] >= args.per_day]
    if spread:
        print(f"{len(spread)} more tables/indexes are keyed per complaint or per citizen: at most "
              f"{max(r['wcu_per_day'] for r in spread):.0f} WCU per key per day "
              f"({', '.join(r['index'] for r in spread)})")
    print(table(result["figures"][-1:]))
    if args.json:
        write_json(args.json, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
