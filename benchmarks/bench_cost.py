"""DynamoDB request units of a complaint's life and of a missed deadline, from DynamoDB Local's
ReturnConsumedCapacity, and a monthly on-demand estimate (issues 6 and 16). Not a test.

N complaints are worked through the real app (chalice.test.Client: routes, auth, idempotency,
daily quota, deadline views) on DynamoDB Local with moto for the rest (benchstack.py): file,
claim, follow up, approve, rate, and the citizen reading it back with its timeline; after each
change the complaints stream is drained into the app's stream handler, as Lambda would run it.
Then M more complaints are filed and left alone, and the app's sweep runs 25 hours later, one
sanction each. Every DynamoDB request carries ReturnConsumedCapacity=INDEXES; its units are booked
per step (benchlib.CapacityLedger) and per table and index, which is where the answer to "why"
is. Stream reads by Lambda are free and not counted; a failed conditional write consumes units
but reports none (this run has no contention).

The floor, measured in the same run on tables with no index: one write per item that must change
per state change — file: the complaint, its event, the follow-up clock; claim: complaint, event;
follow up: complaint, event, the follow-up clock stopped, the approval clock started; approve:
complaint, event, the approval clock stopped; rate: complaint, event — each a plain PutItem of
the item as the app stored it; and one consistent GetItem of the complaint before each action,
plus the read back (GetItem and one timeline Query). For a miss: one GetItem of the clock, one
PutItem of the sanction, one UpdateItem of the clock.

    .venv/bin/python benchmarks/bench_cost.py                  # N=20 lives, M=10 misses
    .venv/bin/python benchmarks/bench_cost.py 5 3 --json out.json --miss-share 0.2
"""
from __future__ import annotations

import argparse
import json
import sys
import uuid
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from benchlib import PRICES, Figure, Prices, monthly_cost, section, table, units_of, write_json  # noqa: E402
from benchstack import BenchStack, Meter  # noqa: E402

LIFE = ("file", "claim", "follow up", "approve", "rate")
MISSED, SWEEP = "file (to be missed)", "sweep (25 h later)"
SCALES = {"province (1,000 a day)": 1_000, "Indonesia (100,000 a day)": 100_000,
          "Indonesia (1,000,000 a day)": 1_000_000}


class Lifecycle:
    def __init__(self, stack: BenchStack, meter: Meter):
        from chalice.test import Client
        self.stack, self.meter = stack, meter
        self.client = Client(stack.app).__enter__()
        self.category = json.loads(self.client.http.get("/v1/categories").body)[0]
        self.last: dict = {}

    def call(self, step, method, path, who, body=None, expect=200):
        self.meter.ledger.step = step
        response = getattr(self.client.http, method)(path, headers=who,
                                                     body=json.dumps(body) if body is not None else None)
        assert response.status_code == expect, (step, response.status_code, response.body)
        return json.loads(response.body)

    def stream(self, step):
        self.meter.ledger.step = f"stream: {step}"
        self.stack.drain_stream()

    def file(self, n: int, step: str = "file") -> tuple[dict, dict]:
        citizen = self.stack.headers(f"warga-cost-{n}", "citizen")
        body = {"category": self.category["code"], "title": f"Keluhan nomor {n}",
                "description": "Antrean pelayanan terlalu lama, sudah tiga jam menunggu di loket.",
                "anonymous": False}
        created = self.call(step, "post", "/v1/complaints", {**citizen, "Idempotency-Key": uuid.uuid4().hex},
                            body, expect=201)
        self.stream(step)
        return created, citizen

    def work(self, n: int) -> str:
        created, citizen = self.file(n)
        opd, path = self.category["opd"], f"/v1/complaints/{created['id']}"
        operator = self.stack.headers("op-cost", "operator", opd)
        supervisor = self.stack.headers("spv-cost", "supervisor", opd)
        for step, who, action, body in (("claim", operator, "claim", {}),
                                        ("follow up", operator, "followups", {"message": f"Sudah ditangani ({n})."}),
                                        ("approve", supervisor, "approve", {"note": "Sesuai."}),
                                        ("rate", citizen, "rating", {"stars": 5})):
            self.call(step, "post", f"{path}/{action}", who, body)
            self.stream(step)
        self.call("read back", "get", path, citizen)
        self.call("read back", "get", f"{path}/timeline", citizen)
        return created["id"]


class Floor:
    """Index-less copies of the app's tables, where the floor's writes and reads are measured."""

    def __init__(self, stack: BenchStack):
        self.db = stack.dynamodb()
        self.settings = stack.settings
        prefix = f"floor-{uuid.uuid4().hex[:6]}-"
        self.names = {}
        for short in ("complaints", "timeline", "clocks", "sanctions"):
            from chalicelib.adapters.dynamo.tables import TABLES
            spec = TABLES[short]
            keys = {k["AttributeName"] for k in spec["KeySchema"]}
            name = prefix + short
            self.db.create_table(TableName=name, KeySchema=spec["KeySchema"], BillingMode="PAY_PER_REQUEST",
                                 AttributeDefinitions=[a for a in spec["AttributeDefinitions"]
                                                       if a["AttributeName"] in keys])
            self.names[short] = name

    def stored(self, short: str, key_name: str, value: str) -> list[dict]:
        """The app's items of one complaint in its table `short` (hash key `key_name`)."""
        table = self.settings.table_name(short)
        if short == "complaints":
            return [self.db.get_item(TableName=table, Key={key_name: {"S": value}}, ConsistentRead=True)["Item"]]
        return self.db.query(TableName=table, KeyConditionExpression=f"{key_name} = :v",
                             ExpressionAttributeValues={":v": {"S": value}}, ConsistentRead=True)["Items"]

    def put(self, short: str, item: dict) -> float:
        return units_of(self.db.put_item(TableName=self.names[short], Item=item,
                                         ReturnConsumedCapacity="TOTAL").get("ConsumedCapacity"))

    def get(self, short: str, key: dict) -> float:
        return units_of(self.db.get_item(TableName=self.names[short], Key=key, ConsistentRead=True,
                                         ReturnConsumedCapacity="TOTAL").get("ConsumedCapacity"))

    def life(self, complaint_id: str) -> dict[str, float]:
        complaint = self.stored("complaints", "id", complaint_id)[0]
        events = sorted(self.stored("timeline", "complaint_id", complaint_id), key=lambda i: int(i["seq"]["N"]))
        clocks = {i["clock_key"]["S"].split("#")[0]: i
                  for i in self.stored("clocks", "complaint_id", complaint_id) if "#" in i["clock_key"]["S"]}
        wcu = rcu = 0.0
        key = {"id": complaint["id"]}
        clock_writes = {"file": ["followup"], "follow up": ["followup", "approval"], "approve": ["approval"]}
        for n, step in enumerate(LIFE):
            if step != "file":
                rcu += self.get("complaints", key)            # the action reads the state it changes
            wcu += self.put("complaints", complaint)
            wcu += self.put("timeline", events[min(n, len(events) - 1)])
            for name in clock_writes.get(step, []):
                if name in clocks:
                    wcu += self.put("clocks", clocks[name])
        rcu += self.get("complaints", key)                     # read back: the complaint ...
        rcu += units_of(self.db.query(TableName=self.names["timeline"], KeyConditionExpression="complaint_id = :c",
                                      ExpressionAttributeValues={":c": complaint["id"]}, ConsistentRead=True,
                                      ReturnConsumedCapacity="TOTAL").get("ConsumedCapacity"))  # ... its timeline
        return {"rcu": rcu, "wcu": wcu, "writes": 14.0}

    def miss(self, complaint_id: str) -> dict[str, float]:
        clock = next(i for i in self.stored("clocks", "complaint_id", complaint_id)
                     if i["clock_key"]["S"].startswith("followup#"))
        table = self.settings.table_name("sanctions")
        sanction = next(i for i in self.db.scan(TableName=table)["Items"]
                        if i.get("complaint_id", {}).get("S") == complaint_id and i["kind"]["S"] == "sanction")
        self.put("clocks", clock)
        rcu = self.get("clocks", {"complaint_id": clock["complaint_id"], "clock_key": clock["clock_key"]})
        wcu = self.put("sanctions", sanction)
        wcu += units_of(self.db.update_item(
            TableName=self.names["clocks"],
            Key={"complaint_id": clock["complaint_id"], "clock_key": clock["clock_key"]},
            UpdateExpression="REMOVE sweep_shard, next_check_at SET settled_at = :t",
            ExpressionAttributeValues={":t": {"S": "2026-01-01T00:00:00.000000Z"}},
            ReturnConsumedCapacity="TOTAL").get("ConsumedCapacity"))
        return {"rcu": rcu, "wcu": wcu}


def notification_recipients(stack: BenchStack) -> dict[str, int]:
    """Notification items per kind of recipient (citizen, staff), for bench_partitions.py: a
    citizen's partition holds their own few, a staff member's all those of their OPD's work."""
    db, table = stack.dynamodb(), stack.settings.table_name("notifications")
    counts = {"citizen": 0, "staff": 0}
    start = None
    while True:
        page = db.scan(TableName=table, **({"ExclusiveStartKey": start} if start else {}))
        for item in page["Items"]:
            if "at_key" in item:           # notifications (a progress marker has none)
                counts["citizen" if item["recipient"]["S"].startswith("warga-") else "staff"] += 1
        start = page.get("LastEvaluatedKey")
        if not start:
            return counts


def estimates(life: dict, miss: dict, idle_sweep: dict, miss_share: float, prices: list[Prices]) -> list[dict]:
    out = []
    for p in prices:
        for label, per_day in SCALES.items():
            rru_each = life["rcu"] + miss_share * miss["rcu"]
            wru_each = life["wcu"] + miss_share * miss["wcu"]
            cost = monthly_cost(per_day, rru_each, wru_each, p, extra_rru_per_day=288 * idle_sweep["rcu"],
                                extra_wru_per_day=288 * idle_sweep["wcu"])
            out.append({"region": p.region, "scale": label, "per_day": per_day,
                        **{k: round(v, 2) for k, v in cost.items()}})
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", nargs="?", type=int, default=20, help="complaints worked end to end")
    parser.add_argument("misses", nargs="?", type=int, default=10, help="complaints left to miss")
    parser.add_argument("--miss-share", type=float, default=0.1,
                        help="share of complaints that miss a deadline, for the monthly estimate")
    parser.add_argument("--usd-per-million-wru", type=float, help="override the ap-southeast-3 price")
    parser.add_argument("--usd-per-million-rru", type=float, help="override the ap-southeast-3 price")
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    prices = [PRICES["us-east-1"], PRICES["ap-southeast-3"]]
    if args.usd_per_million_wru is not None and args.usd_per_million_rru is not None:
        jakarta = PRICES["ap-southeast-3"]
        prices[1] = Prices(jakarta.region, args.usd_per_million_wru, args.usd_per_million_rru,
                           jakarta.usd_per_gb_month, "given on the command line")
    with BenchStack() as stack:
        from chalicelib.domain.times import from_storage
        from lampungin.localstack.scheduler import scheduled_event
        meter = Meter(stack.settings.table_prefix)
        life = Lifecycle(stack, meter)
        life.work(-1)                               # warm-up, not counted: first-use reads
        meter.reset()
        ids, samples = [], []
        for n in range(args.n):
            before = meter.ledger.total()
            ids.append(life.work(n))
            after = meter.ledger.total()
            samples.append({k: after[k] - before[k] for k in after})
        per_life = {s: {k: v / args.n for k, v in meter.ledger.steps[s].items()} for s in meter.ledger.steps}
        where_life = {s: {k: round(v / args.n, 2) for k, v in w.items()} for s, w in meter.ledger.writes_to.items()}
        reads_life = {s: {k: round(v / args.n, 2) for k, v in w.items()} for s, w in meter.ledger.reads_from.items()}
        lives = {k: v / args.n for k, v in meter.ledger.total().items()}
        recipients = notification_recipients(stack)
        meter.reset(MISSED)
        created = [life.file(10_000 + m, MISSED)[0] for m in range(args.misses)]
        at = max(from_storage(c["created_at"]) for c in created)
        meter.reset(SWEEP)
        report = stack.handler("sweep")(scheduled_event("sweep", at + timedelta(hours=25)))
        sanctions = report["sanctions_issued"]
        sweep = meter.ledger.total([SWEEP])
        where_sweep = {k: round(v / max(sanctions, 1), 2) for k, v in meter.ledger.writes_to[SWEEP].items()}
        reads_sweep = {k: round(v / max(sanctions, 1), 2) for k, v in meter.ledger.reads_from[SWEEP].items()}
        per_miss = {"rcu": sweep["rcu"] / max(sanctions, 1), "wcu": sweep["wcu"] / max(sanctions, 1),
                    "calls": sweep["calls"] / max(sanctions, 1)}
        meter.reset("idle sweep")
        stack.handler("sweep")(scheduled_event("sweep", at + timedelta(hours=26)))
        idle = meter.ledger.total(["idle sweep"])
        meter.stop()
        floor = Floor(stack)
        floor_life = floor.life(ids[-1])
        floor_miss = floor.miss(created[0]["id"])
    life_samples_r = [s["rcu"] for s in samples]
    life_samples_w = [s["wcu"] for s in samples]
    figures = [
        Figure("cost.life.wcu", "WCU of a complaint's life", "WCU", life_samples_w, "one write per changed item",
               [floor_life["wcu"]], goal_ratio=2.0),
        Figure("cost.life.rcu", "RCU of a complaint's life", "RCU", life_samples_r, "one read per action + read back",
               [floor_life["rcu"]]),
        Figure("cost.miss.wcu", "WCU of a missed deadline", "WCU", [per_miss["wcu"]], "sanction put + clock update",
               [floor_miss["wcu"]], extra={"sanctions": sanctions}),
        Figure("cost.miss.rcu", "RCU of a missed deadline", "RCU", [per_miss["rcu"]], "one clock read",
               [floor_miss["rcu"]]),
        Figure("cost.idle_sweep.rcu", "RCU of a sweep with nothing due", "RCU", [idle["rcu"]]),
    ]
    est = estimates(lives, per_miss, idle, args.miss_share, prices)
    idle_floor = {"rcu": 16 * 0.5, "wcu": 0.0}     # one eventually consistent page per shard, empty
    floor_est = estimates(floor_life, floor_miss, idle_floor, args.miss_share, prices)
    by_table_life: dict[str, float] = {}
    for w in where_life.values():
        for k, v in w.items():
            by_table_life[k] = round(by_table_life.get(k, 0.0) + v, 2)
    details = {"writes_per_life_by_table": dict(sorted(by_table_life.items(), key=lambda kv: -kv[1])),
               "notification_items_by_recipient": recipients,
               "per_step": {s: {k: round(v, 2) for k, v in u.items()} for s, u in per_life.items()},
               "writes_life": where_life, "reads_life": reads_life, "writes_miss": where_sweep,
               "reads_miss": reads_sweep, "per_miss": per_miss,
               "floor_life": floor_life, "floor_miss": floor_miss, "idle_sweep": idle,
               "monthly_estimate": est, "monthly_estimate_at_floor": floor_est, "miss_share": args.miss_share,
               "prices": [p.__dict__ for p in prices], "lives": args.n, "misses": args.misses,
               "excluded": "storage, streams, Lambda, API Gateway, SQS/SNS/SES and the league table "
                           "(see docs/performance.md)"}
    result = section("cost", figures, details)
    print(table(result["figures"]))
    print(f"\n{'step':<30}{'RCU':>8}{'WCU':>8}{'calls':>7}")
    for step, u in per_life.items():
        print(f"{step:<30}{u['rcu']:>8.1f}{u['wcu']:>8.1f}{u['calls']:>7.1f}")
    print(f"\nmonthly on-demand estimate (requests only; {args.miss_share:.0%} of complaints miss a deadline):")
    for e in est:
        print(f"  {e['region']:<15}{e['scale']:<30}${e['usd_requests']:>12,.2f}")
    if args.json:
        write_json(args.json, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
