"""The league table (`GET /v1/stats/opds`): store reads and time per computation, on DynamoDB
Local, for generated complaints over 90 days (issue 16). Not a test.

A few complaints are worked through the real app (file, follow up, approve; one left to miss its
deadline and be sanctioned by the sweep) and the clock and sanction items the stream and the sweep
stored are the templates: `--per-day` complaints a day over the 90 days before now are generated
from them (spread over the OPDs through the categories' routing; 90 % followed up on time, 10 %
late with a sanction, 95 % of the followed-up ones approved) and written 25 per BatchWriteItem,
with the day counters the stream and the sweep would have kept for them (domain/league.py).
Then `GET /v1/stats/opds` is asked of the app `--rounds` times (chalice.test.Client, in process),
each time after forgetting the route's one-minute cache (the container's `on_reset` hooks), so
that each request computes the table; every DynamoDB call, item and read unit is counted.

The floor, in the same run: what the design asks for (DESIGN.md, "Reads from what is stored") —
one small counter item per OPD per day; a computation reads 90 items per OPD, one Query each,
whatever the volume: a table of random counters, written once (not timed) and read back. Since
issue 16 the app's table is built that way, so the two should agree.

    .venv/bin/python benchmarks/bench_league.py                  # 250 and 1,000 a day
    .venv/bin/python benchmarks/bench_league.py --big            # also 100,000 a day (hours; ~10 GB)
    .venv/bin/python benchmarks/bench_league.py --per-day 50 --rounds 1 --json out.json
"""
from __future__ import annotations

import argparse
import copy
import json
import random
import sys
import time
import uuid
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_sweep import batch_put  # noqa: E402
from benchlib import Figure, section, table, write_json  # noqa: E402
from benchstack import BenchStack, Meter  # noqa: E402

WINDOW_DAYS = 90
GATEWAY_LIMIT_S = 29.0


def iso(at: datetime) -> str:
    return at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Templates:
    """The stored items of one worked complaint and of one missed one."""

    def __init__(self, stack: BenchStack):
        from chalice.test import Client

        from lampungin.localstack.scheduler import scheduled_event
        self.db = stack.dynamodb()
        settings = stack.settings
        self.clocks_table, self.sanctions_table = settings.table_name("clocks"), settings.table_name("sanctions")
        with Client(stack.app) as client:
            category = json.loads(client.http.get("/v1/categories").body)[0]
            opd = category["opd"]
            ids = []
            for n in range(2):
                citizen = stack.headers(f"warga-league-{n}", "citizen")
                made = client.http.post("/v1/complaints", headers=citizen, body=json.dumps(
                    {"category": category["code"], "title": "Izin lambat", "description": "Sudah dua minggu.",
                     "anonymous": False}))
                assert made.status_code == 201, made.body
                ids.append(json.loads(made.body)["id"])
            done, missed = ids
            path = f"/v1/complaints/{done}"
            for who, action, body in ((stack.headers("op-l", "operator", opd), "followups", {"message": "Selesai."}),
                                      (stack.headers("spv-l", "supervisor", opd), "approve", {})):
                r = client.http.post(f"{path}/{action}", headers=who, body=json.dumps(body))
                assert r.status_code == 200, r.body
            stack.drain_stream()
            filed = json.loads(client.http.get(f"/v1/complaints/{missed}", headers=stack.headers(
                "warga-league-1", "citizen")).body)["created_at"]
        from chalicelib.domain.times import from_storage
        report = stack.handler("sweep")(scheduled_event("sweep", from_storage(filed) + timedelta(hours=25)))
        assert report["sanctions_issued"] >= 1, report
        clocks = {c["clock_key"]["S"].split("#")[0]: c for c in self.items(self.clocks_table, "complaint_id", done)}
        self.followup, self.approval = clocks["followup"], clocks["approval"]
        self.missed_followup = next(c for c in self.items(self.clocks_table, "complaint_id", missed)
                                    if c["clock_key"]["S"].startswith("followup#"))
        self.sanction = next(s for s in self.db.scan(TableName=self.sanctions_table)["Items"]
                             if s["complaint_id"]["S"] == missed and s["kind"]["S"] == "sanction")

    def items(self, table: str, key: str, value: str) -> list[dict]:
        return self.db.query(TableName=table, KeyConditionExpression=f"{key} = :v",
                             ExpressionAttributeValues={":v": {"S": value}})["Items"]


def tally(counters: dict, clock_item: dict, counts_complaint: bool) -> None:
    """What the stream would have added for this generated clock (domain/league.py), into
    `counters` ((opd, day) -> Counter): the items are written directly, not through the app."""
    from chalicelib.adapters.dynamo.clocks import clock_from_item
    from chalicelib.adapters.dynamo.league import record
    from chalicelib.adapters.dynamo.models import models_for
    from chalicelib.config import from_env
    from chalicelib.domain.league import clock_tally, day_of

    model: Any = models_for(from_env()).Clock
    clock = clock_from_item(model.from_raw_data(clock_item))
    day, added = day_of(clock.started_at), clock_tally(clock, counts_complaint=counts_complaint, settled=False)
    counters.setdefault((clock.opd, day), Counter()).update(added)
    clock_item["counted"] = {"S": record(clock.opd, day, added)}
    clock_item["counts_complaint"] = {"BOOL": counts_complaint}


def counter_items(counters: dict) -> list[dict]:
    from chalicelib.adapters.dynamo.league import partition
    return [{"complaint_id": {"S": partition(opd)}, "clock_key": {"S": day},
             **{k: {"N": str(v)} for k, v in c.items() if v}} for (opd, day), c in counters.items()]


def generate(t: Templates, per_day: int, now: datetime, opds_by_category: list[str], seed: int = 16,
             prefix: str = "L", counters: dict | None = None):
    """Clock and sanction items of `per_day` complaints a day over the last WINDOW_DAYS days, and
    into `counters` what the stream and the sweep would have counted for them."""
    from chalicelib.domain.league import day_of, sanction_tally
    from chalicelib.domain.times import from_storage

    counters = {} if counters is None else counters
    rng = random.Random(seed)  # noqa: S311  (generated benchmark data, nothing secret)
    clocks, sanctions = [], []
    total = per_day * WINDOW_DAYS
    for i in range(total):
        started = now - timedelta(days=WINDOW_DAYS) + timedelta(seconds=(i + 0.5) * WINDOW_DAYS * 86400 / total)
        cid = f"ADU-{prefix}-{i:08d}"
        opd = rng.choice(opds_by_category)
        late = rng.random() < 0.10
        f = copy.deepcopy(t.missed_followup if late else t.followup)
        due = started + timedelta(hours=24)
        ended = due + timedelta(hours=rng.uniform(1, 30)) if late else started + timedelta(hours=rng.uniform(1, 23))
        if ended > now:
            continue                    # still running at `now`: leave it out (the table waits for it)
        f.update(complaint_id={"S": cid}, opd={"S": opd}, started_at={"S": iso(started)}, due_at={"S": iso(due)},
                 ended_at={"S": iso(ended)}, ended_by={"S": "followed_up"}, state={"S": "stopped"})
        for gone in ("sweep_shard", "next_check_at", "open_opd", "open_due"):
            f.pop(gone, None)
        clocks.append(f)
        tally(counters, f, counts_complaint=True)
        if late:
            s = copy.deepcopy(t.sanction)
            sid = f"SAN-{uuid.UUID(int=rng.getrandbits(128)).hex}"
            s.update(id={"S": sid}, complaint_id={"S": cid}, opd={"S": opd},
                     issued_key={"S": f"{iso(due + timedelta(minutes=5))}#{sid}"}, due_key={"S": f"{iso(due)}#{sid}"})
            sanctions.append(s)
            issued = from_storage(iso(due + timedelta(minutes=5)))
            counters.setdefault((opd, day_of(issued)), Counter()).update(sanction_tally("sanction", "app"))
        if rng.random() < 0.95:
            a = copy.deepcopy(t.approval)
            approved = ended + timedelta(hours=rng.uniform(2, 80))
            if approved <= now:
                a.update(complaint_id={"S": cid}, opd={"S": opd}, started_at={"S": iso(ended)},
                         due_at={"S": iso(ended + timedelta(hours=72))}, ended_at={"S": iso(approved)})
                for gone in ("sweep_shard", "next_check_at", "open_opd", "open_due"):
                    a.pop(gone, None)
                clocks.append(a)
                tally(counters, a, counts_complaint=False)
    return clocks, sanctions


class Counters:
    """The floor: one small item per OPD per day (what a stream-kept counter would be)."""

    def __init__(self, stack: BenchStack, opds: list[str], days: int, rng: random.Random):
        self.db = stack.dynamodb()
        self.name = f"floor-{uuid.uuid4().hex[:6]}-league-counters"
        self.db.create_table(TableName=self.name, BillingMode="PAY_PER_REQUEST",
                             KeySchema=[{"AttributeName": "opd", "KeyType": "HASH"},
                                        {"AttributeName": "day", "KeyType": "RANGE"}],
                             AttributeDefinitions=[{"AttributeName": "opd", "AttributeType": "S"},
                                                   {"AttributeName": "day", "AttributeType": "S"}])
        self.opds = opds
        today = datetime.now(timezone.utc).date()
        items = []
        for opd in opds:
            for d in range(days):
                items.append({"opd": {"S": opd}, "day": {"S": (today - timedelta(days=d)).isoformat()},
                              **{k: {"N": str(rng.randint(0, 500))} for k in
                                 ("complaints", "followup_on_time", "followup_late", "approval_on_time",
                                  "approval_late", "sanctions", "supporters", "followup_minutes", "approval_minutes")}})
        batch_put(self.db, self.name, items)
        self.since = (today - timedelta(days=days - 1)).isoformat()

    def compute(self) -> dict:
        out = {}
        for opd in self.opds:
            rows = self.db.query(TableName=self.name, KeyConditionExpression="opd = :o AND #d >= :s",
                                 ExpressionAttributeNames={"#d": "day"},
                                 ExpressionAttributeValues={":o": {"S": opd}, ":s": {"S": self.since}})["Items"]
            out[opd] = sum(int(r["complaints"]["N"]) for r in rows)
        return out


def measure(fn, meter: Meter, step: str) -> dict:
    meter.reset(step)
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    t = meter.ledger.total([step])
    return {"s": wall, "cpu_s": cpu, "calls": t["calls"], "items": t["items"], "rcu": t["rcu"], "out": out}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-day", type=int, nargs="+", default=[250, 1_000])
    parser.add_argument("--big", action="store_true", help="also 100,000 a day (hours, ~10 GB of memory)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    sizes = sorted(set(args.per_day + ([100_000] if args.big else [])))
    results: dict[int, dict] = {}
    with BenchStack() as stack:                 # one store: each size tops the last one up
        from chalice.test import Client

        from chalicelib.wiring import container
        client = Client(stack.app).__enter__()

        def computed() -> dict:
            for forget in container.on_reset:          # the route's cache: this request computes
                forget()
            response = client.http.get("/v1/stats/opds")
            assert response.status_code == 200, response.body
            return json.loads(response.body)
        templates = Templates(stack)
        rules = container.rules
        routed = [rules.route(c.code).opd for c in rules.categories]
        opds = list(rules.opds)
        counters = Counters(stack, opds, WINDOW_DAYS, random.Random(16))  # noqa: S311  (benchmark data)
        now = datetime.now(timezone.utc)
        have, written = 0, {"clocks": 0, "sanctions": 0}
        day_counters: dict = {}           # what the stream kept for every generated item so far
        for per_day in sizes:
            started = time.perf_counter()
            clocks, sanctions = generate(templates, per_day - have, now, routed, seed=per_day, prefix=f"L{per_day}",
                                         counters=day_counters)
            batch_put(stack.dynamodb(), templates.clocks_table, clocks)
            batch_put(stack.dynamodb(), templates.sanctions_table, sanctions)
            batch_put(stack.dynamodb(), templates.clocks_table, counter_items(day_counters))
            written["clocks"] += len(clocks)
            written["sanctions"] += len(sanctions)
            fill_s, have = time.perf_counter() - started, per_day
            del clocks, sanctions
            meter = Meter(stack.settings.table_prefix)
            runs, floors = [], []
            for _ in range(args.rounds):
                runs.append(measure(computed, meter, "league"))
                floors.append(measure(counters.compute, meter, "floor"))
            meter.stop()
            table_out = runs[-1].pop("out")
            for r in runs + floors:
                r.pop("out", None)
            results[per_day] = {"runs": runs, "floors": floors, "clock_items": written["clocks"],
                                "sanction_items": written["sanctions"], "opds": len(opds), "fill_s": round(fill_s, 1),
                                "complaints_counted": sum(r["complaints"] for r in table_out["opds"]),
                                "sanctions_counted": sum(r["sanctions"] for r in table_out["opds"])}
            print(f"{per_day:,} a day: {written['clocks']:,} clocks and {written['sanctions']:,} sanctions stored "
                  f"(written in {fill_s:.0f} s); a computation took {runs[-1]['s']:.2f} s, "
                  f"{runs[-1]['calls']:.0f} calls", flush=True)
    figures = []
    for per_day, r in results.items():
        runs, floors = r["runs"], r["floors"]
        label = f"{per_day:,}/day x {WINDOW_DAYS} days"
        figures += [
            Figure(f"league.s.d{per_day}", f"league table computation, {label}", "s", [x["s"] for x in runs],
                   "per-OPD-per-day counters", [x["s"] for x in floors], goal_value=GATEWAY_LIMIT_S,
                   extra={"cpu_s": round(sorted(x["cpu_s"] for x in runs)[len(runs) // 2], 3)}),
            Figure(f"league.calls.d{per_day}", f"league table store calls, {label}", "calls",
                   [x["calls"] for x in runs], "per-OPD-per-day counters", [x["calls"] for x in floors]),
            Figure(f"league.items.d{per_day}", f"league table items read, {label}", "items",
                   [x["items"] for x in runs], "per-OPD-per-day counters", [x["items"] for x in floors]),
            Figure(f"league.rcu.d{per_day}", f"league table RCU, {label}", "RCU",
                   [x["rcu"] for x in runs], "per-OPD-per-day counters", [x["rcu"] for x in floors]),
        ]
    details = {str(k): {kk: vv for kk, vv in v.items() if kk not in ("runs", "floors")} for k, v in results.items()}
    if len(results) >= 2:         # the slope, for the sizes not measured
        (d1, r1), (d2, r2) = sorted(results.items())[0], sorted(results.items())[-1]
        s1 = sorted(x["s"] for x in r1["runs"])[len(r1["runs"]) // 2]
        s2 = sorted(x["s"] for x in r2["runs"])[len(r2["runs"]) // 2]
        per_complaint = (s2 - s1) / ((d2 - d1) * WINDOW_DAYS)
        details["extrapolated"] = {
            "seconds_per_complaint_in_window": per_complaint,
            "s_at_100000_per_day": round(s2 + per_complaint * (100_000 - d2) * WINDOW_DAYS, 1),
            "per_day_at_gateway_limit": round(d2 + (GATEWAY_LIMIT_S - s2) / (per_complaint * WINDOW_DAYS))
            if per_complaint > 0 else None}
    result = section("league", figures, details)
    print(table(result["figures"]))
    if "extrapolated" in details:
        e = details["extrapolated"]
        print(f"extrapolated (linear in the complaints of the window): {e['s_at_100000_per_day']} s at 100,000 a day; "
              f"API Gateway's {GATEWAY_LIMIT_S:.0f} s at about {e['per_day_at_gateway_limit']:,} a day")
    if args.json:
        write_json(args.json, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
