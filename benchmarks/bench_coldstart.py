"""Cold start: `import app` and the first response of each Lambda in a fresh interpreter, against a
bare Chalice app doing one GetItem with a lazily created boto3 client (issue 16). Not a test.

For each Lambda (API: GET /v1/complaints/{id} by its owner; stream: one MODIFY record of that
complaint; sweep: one scheduled event) a new interpreter (coldstart/child.py) imports the app and
calls the handler once with the event Lambda would send, against DynamoDB Local and moto
(benchstack.py) holding one filed complaint. The same is done with coldstart/bare_app.py, the floor.
Runs alternate app and bare so that the machine's noise hits both; every figure is the median of
`--runs`. `-X importtime` of one more `import app` says where the import time goes. The Lambda zip
is measured if `make package` has built it (build/package/<stage>/deployment.zip).

Interpreter start-up itself (the same for both) is not counted; .pyc files are warm here, as they
are not on a Lambda's first start after a deploy (unzipped, uncompiled: slower for both).

    .venv/bin/python benchmarks/bench_coldstart.py               # 7 runs each
    .venv/bin/python benchmarks/bench_coldstart.py --runs 3 --json out.json
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import zipfile
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from benchlib import Figure, section, table, write_json  # noqa: E402
from benchstack import BenchStack  # noqa: E402

HANDLERS = ("api", "stream", "sweep")


def api_event(complaint_id: str, token: str) -> dict:
    path = f"/v1/complaints/{complaint_id}"
    return {"resource": "/v1/complaints/{complaint_id}", "path": path, "httpMethod": "GET",
            "headers": {"authorization": f"Bearer {token}", "accept": "application/json",
                        "host": "api.example", "x-forwarded-for": "10.0.0.1"},
            "multiValueHeaders": None, "queryStringParameters": None, "multiValueQueryStringParameters": None,
            "pathParameters": {"complaint_id": complaint_id}, "stageVariables": None,
            "requestContext": {"resourcePath": "/v1/complaints/{complaint_id}", "httpMethod": "GET",
                               "path": f"/api{path}", "requestId": "bench-cold-start", "stage": "api",
                               "identity": {"sourceIp": "10.0.0.1"}},
            "body": None, "isBase64Encoded": False}


def stream_event(complaint_id: str, stream_arn: str, region: str) -> dict:
    return {"Records": [{"eventID": "1", "eventName": "MODIFY", "eventVersion": "1.1",
                         "eventSource": "aws:dynamodb", "awsRegion": region, "eventSourceARN": stream_arn,
                         "dynamodb": {"Keys": {"id": {"S": complaint_id}}, "SequenceNumber": "100000000000000000001",
                                      "SizeBytes": 100, "StreamViewType": "NEW_AND_OLD_IMAGES",
                                      "ApproximateCreationDateTime": 1_790_000_000}}]}


def sweep_event(at: datetime, region: str) -> dict:
    return {"version": "0", "id": "bench", "detail-type": "Scheduled Event", "source": "aws.events",
            "account": "000000000000", "region": region, "resources": [], "detail": {},
            "time": at.strftime("%Y-%m-%dT%H:%M:%SZ")}


# what Lambda sets as _HANDLER for each function (app.py imports the HTTP layer only for the API)
LAMBDA_HANDLER = {"api": "app.app", "stream": "app.complaint_changes", "sweep": "app.sweep"}


def child(which: str, handler: str, event: dict, env: dict) -> dict:
    env = {**env, "_HANDLER": LAMBDA_HANDLER[handler]}
    out = subprocess.run([sys.executable, str(HERE / "coldstart" / "child.py"), which, handler],
                         input=json.dumps(event), capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    if out.returncode != 0:
        raise RuntimeError(f"cold start {which} {handler} failed: {out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def import_breakdown(env: dict, top: int = 10) -> list[dict]:
    """`python -X importtime -c 'import app'`: import time by top-level package, each module's own
    (self) time added to its package, so the figures add up to the whole import."""
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", "import app"], capture_output=True,
                         text=True, env=env, cwd=ROOT, timeout=300)
    totals: dict[str, float] = defaultdict(float)
    for line in out.stderr.splitlines():
        if not line.startswith("import time:") or line.count("|") != 2:
            continue
        own, _cumulative, name = (part.strip() for part in line[len("import time:"):].split("|"))
        if own.isdigit():
            totals[name.split(".")[0]] += int(own) / 1000
    return [{"package": k, "ms": round(v, 1)} for k, v in sorted(totals.items(), key=lambda kv: -kv[1])[:top]]


def zip_size() -> dict:
    zips = sorted((ROOT / "build" / "package").glob("*/deployment.zip"))
    if not zips:
        return {"built": False, "how": "make package (builds build/package/<stage>/deployment.zip; "
                                       "needs gcc and patchelf), then make bench again"}
    path = zips[-1]
    shares: dict[str, int] = defaultdict(int)
    unzipped = 0
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            shares[info.filename.split("/")[0]] += info.compress_size
            unzipped += info.file_size
    size = path.stat().st_size
    top = sorted(shares.items(), key=lambda kv: -kv[1])[:6]
    return {"built": True, "path": str(path.relative_to(ROOT)), "mib": round(size / 2**20, 2),
            "unzipped_mib": round(unzipped / 2**20, 2),
            "largest": [{"entry": k, "mib": round(v / 2**20, 2), "share": round(v / size, 3)} for k, v in top]}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    with BenchStack() as stack:
        from chalice.test import Client
        with Client(stack.app) as client:
            citizen = stack.headers("warga-cold", "citizen")
            category = json.loads(client.http.get("/v1/categories").body)[0]["code"]
            created = client.http.post("/v1/complaints", headers=citizen, body=json.dumps(
                {"category": category, "title": "Jalan berlubang", "description": "Sudah sebulan.",
                 "anonymous": False}))
            assert created.status_code == 201, created.body
            cid = json.loads(created.body)["id"]
        stack.drain_stream()
        region = stack.settings.region
        events = {"api": api_event(cid, stack.token("warga-cold", "citizen")),
                  "stream": stream_event(cid, stack.stream_arn, region),
                  "sweep": sweep_event(datetime.now(timezone.utc) + timedelta(minutes=5), region)}
        env = {**os.environ, "BENCH_COMPLAINT_ID": cid,
               "PYTHONPATH": os.pathsep.join([str(ROOT), str(HERE / "coldstart")])}
        samples: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for _ in range(args.runs):
            for handler in HANDLERS:
                for which in ("app", "bare"):
                    result = child(which, handler, events[handler], env)
                    if not result["ok"]:
                        raise RuntimeError(f"{which} {handler}: the first response failed: {result}")
                    samples[(which, handler)].append(result)
        breakdown = import_breakdown(env)
    figures = [Figure("cold.import", "import app (fresh interpreter)", "ms",
                      [r["import_ms"] for r in samples[("app", "api")]], "bare Chalice app",
                      [r["import_ms"] for r in samples[("bare", "api")]], goal_ratio=2.0)]
    for handler in HANDLERS[1:]:          # the same import as the stream and sweep Lambdas make it
        figures.append(Figure(f"cold.import.{handler}", f"import app, {handler} Lambda", "ms",
                              [r["import_ms"] for r in samples[("app", handler)]], "bare Chalice app",
                              [r["import_ms"] for r in samples[("bare", handler)]], goal_ratio=2.0))
    for handler in HANDLERS:
        figures.append(Figure(f"cold.first_response.{handler}", f"first response, {handler} Lambda", "ms",
                              [r["total_ms"] for r in samples[("app", handler)]], "bare app + one GetItem",
                              [r["total_ms"] for r in samples[("bare", handler)]], goal_ratio=1.5,
                              extra={"first_call_ms": round(sorted(r["first_ms"] for r in samples[("app", handler)])
                                                            [len(samples[("app", handler)]) // 2], 1)}))
    details = {"import_breakdown": breakdown, "zip": zip_size(), "python": sys.version.split()[0],
               "runs": args.runs}
    result = section("cold_start", figures, details)
    print(table(result["figures"]))
    print("import app, by package (ms, cumulative):", ", ".join(f"{b['package']} {b['ms']}" for b in breakdown))
    z = details["zip"]
    print(f"zip: {z['mib']} MiB ({z['path']})" if z["built"] else f"zip: not built here; {z['how']}")
    if args.json:
        write_json(args.json, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
