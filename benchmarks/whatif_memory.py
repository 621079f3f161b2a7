"""Benchmark (not a test): `rules whatif` over 100,000 generated histories, with its progress bar,
its replay rate and its memory, which must stay flat however many histories there are.

    .venv/bin/python benchmarks/whatif_memory.py              # 100,000 histories
    .venv/bin/python benchmarks/whatif_memory.py --n 20000    # fewer

It writes the histories as a JSONL export (the shape of `lampungin export`) to a temporary file,
then replays them from that file, one line at a time, under the rules in force and under a copy
of rules/ whose follow-up deadline is halved from 2026-02-01. Reports histories per second and
the traced Python heap (tracemalloc) and the process's resident memory after every tenth of the
run: flat means the last tenths do not grow. tests/unit/test_rules_whatif.py runs `measure` on
1,000 and 2,000 histories.

The generated histories mix what happens in the province: claimed and unclaimed complaints,
follow-ups on time and late, requests for information (the clock pauses), returns, transfers to
another OPD, late approvals, reopenings, and complaints still open.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import random
import shutil
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lampungin.rules.cases import compiled_bundle  # noqa: E402
from lampungin.rules.cli_whatif import Progress  # noqa: E402
from lampungin.rules.source import RULES_DIR  # noqa: E402
from lampungin.rules.whatif import Rules, read_file, whatif  # noqa: E402

START = datetime(2026, 1, 26, 1, 0, tzinfo=timezone.utc)
HALVED_FROM = "2026-02-01"
FOLLOWUP_24 = ("      2025-01-01:\n        value: 24\n        reference: Rancangan Pergub Lampung tentang "
               "Pengelolaan Aduan Lampung In, Pasal 7 ayat (1)\n")


def halved_rules(folder: Path) -> Path:
    """A copy of rules/ whose follow-up deadline is 12 hours from HALVED_FROM (a new dated value)."""
    target = folder / "rules-12h"
    shutil.copytree(RULES_DIR, target)
    clocks = target / "parameters" / "clocks.yaml"
    text = clocks.read_text(encoding="utf-8")
    if text.count(FOLLOWUP_24) != 1:
        raise SystemExit("rules/parameters/clocks.yaml: followup.hours is not written as expected")
    clocks.write_text(text.replace(FOLLOWUP_24, FOLLOWUP_24 + (
        f"      {HALVED_FROM}:\n        value: 12\n        reference: Contoh whatif (bukan peraturan)\n")),
        encoding="utf-8")
    return target


def _iso(at: datetime) -> str:
    return at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def histories(n: int, seed: int = 7, start: datetime = START, every_minutes: float = 5.0) -> Iterator[dict]:
    """`n` export lines in filing order, one complaint every `every_minutes` on average."""
    rng = random.Random(seed)  # noqa: S311 (sample data, nothing secret)
    cats = [(c.code, c.opd) for c in compiled_bundle(RULES_DIR).categories]
    opds = sorted({opd for _, opd in cats})
    at = start
    for i in range(n):
        at += timedelta(minutes=rng.expovariate(1 / every_minutes))
        category, opd = cats[rng.randrange(len(cats))]
        yield _one(rng, f"ADU-GEN-{i:07d}", category, opd, opds, at)


def _one(rng: random.Random, cid: str, category: str, opd: str, opds: list[str], filed: datetime) -> dict:
    events: list[dict] = []
    t = filed

    def add(kind: str, role: str, actor: str | None = None, **data) -> None:
        item = {"seq": len(events) + 1, "at": _iso(t), "type": kind, "data": data, "actor_role": role}
        if actor:
            item["actor"] = actor
        events.append(item)

    add("submitted", "citizen", opd=opd, category=category, routing_rule=f"routing/{category}")
    holder = f"staf-{opd.lower()}-{rng.randrange(6)}"
    if rng.random() < 0.8:                                   # claimed; else the desk answers
        t += timedelta(hours=rng.uniform(0.1, 4))
        add("claimed", "operator", holder)
    if rng.random() < 0.05:                                  # still open: nobody followed it up
        return _line(cid, category, opd, filed, events)
    if rng.random() < 0.1:                                   # handed to another OPD
        t += timedelta(hours=rng.uniform(0.5, 10))
        to = rng.choice([o for o in opds if o != opd])
        add("transferred", "supervisor", f"staf-{opd.lower()}-kepala", from_opd=opd, to_opd=to)
        opd, holder = to, f"staf-{to.lower()}-{rng.randrange(6)}"
    if rng.random() < 0.1:                                   # the operator asks the citizen
        t += timedelta(hours=rng.uniform(0.5, 8))
        add("info_requested", "operator", holder)
        t += timedelta(hours=rng.uniform(1, 60))
        add("citizen_replied", "citizen")
    for _ in range(2 if rng.random() < 0.1 else 1):          # sometimes returned once
        t += timedelta(hours=rng.lognormvariate(2.2, 0.8))   # median ~9 h, a tail past 24 h
        add("followed_up", "operator", holder)
        t += timedelta(hours=rng.lognormvariate(2.8, 1.0))   # median ~16 h, a tail past 72 h
        if len([e for e in events if e["type"] == "followed_up"]) == 1 and rng.random() < 0.1:
            add("returned", "supervisor", f"staf-{opd.lower()}-kepala")
            continue
        add("approved", "supervisor", f"staf-{opd.lower()}-kepala")
        break
    if events[-1]["type"] == "approved" and rng.random() < 0.05:
        t += timedelta(days=rng.uniform(1, 20))
        add("reopened", "citizen")
        t += timedelta(hours=rng.uniform(1, 30))
        add("followed_up", "operator", holder)
    return _line(cid, category, opd, filed, events)


def _line(cid: str, category: str, opd: str, filed: datetime, events: list[dict]) -> dict:
    first = events[0]["data"]["opd"]
    return {"id": cid, "category": category, "opd": opd if opd else first, "created_at": _iso(filed),
            "events": events}


def write_export(path: Path, n: int, seed: int = 7, every_minutes: float = 5.0) -> Path:
    with open(path, "w", encoding="utf-8") as out:
        for line in histories(n, seed, every_minutes=every_minutes):
            out.write(json.dumps(line, separators=(",", ":")) + "\n")
    return path


def rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def measure(export: Path, baseline: Rules, proposed: Rules, *, samples: int = 10, show: bool = False,
            trace: bool = True) -> dict:
    """Replay `export` under both rules: the traced peak and the traced size after each tenth
    (with `trace`: tracemalloc slows Python down, so the rate is the untraced run's), resident
    memory after each tenth, and the replay rate."""
    total = sum(1 for _ in open(export, encoding="utf-8"))
    marks = {max(1, total * k // samples) for k in range(1, samples + 1)}
    traced: list[float] = []
    rss: list[float] = []
    bar = Progress(total, "id", enabled=show)

    def progress(n: int) -> None:
        bar.update(n)
        if n in marks:
            if trace:
                traced.append(tracemalloc.get_traced_memory()[0] / 2**20)
            rss.append(rss_mib())

    gc.collect()
    if trace:
        tracemalloc.start()
    began = time.perf_counter()
    as_of = datetime(2028, 1, 1, tzinfo=timezone.utc)     # after the last generated history
    try:
        report = whatif(read_file(export), baseline, proposed, as_of=as_of, progress=progress)
        seconds = time.perf_counter() - began
        peak = tracemalloc.get_traced_memory()[1] / 2**20 if trace else None
    finally:
        tracemalloc.stop()
        bar.close()
    return {"histories": report["complaints"], "seconds": round(seconds, 1),
            "per_second": round(report["complaints"] / seconds, 1) if seconds else None,
            "traced_peak_mib": round(peak, 2) if peak is not None else None,
            "traced_mib": [round(x, 2) for x in traced],
            "rss_mib": [round(x, 1) for x in rss], "report": report}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-trace", action="store_true",
                        help="without tracemalloc: the true replay rate, resident memory only")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        export = write_export(Path(folder) / "histories.jsonl", args.n, args.seed)
        baseline = Rules(str(RULES_DIR), compiled_bundle(RULES_DIR))
        halved = halved_rules(Path(folder))
        proposed = Rules(str(halved), compiled_bundle(halved))
        result = measure(export, baseline, proposed, show=True, trace=not args.no_trace)
    report = result.pop("report")
    totals = report["totals"]
    print(json.dumps(result, indent=1))
    traced = (f"traced heap after each tenth (MiB): {result['traced_mib']}, peak {result['traced_peak_mib']}; "
              if result["traced_peak_mib"] is not None else "")
    print(f"{result['histories']} histories in {result['seconds']} s ({result['per_second']}/s); {traced}"
          f"resident after each tenth (MiB): {result['rss_mib']}")
    print("sanctions before/after: " + ", ".join(f"{k} {v['before']}->{v['after']}" for k, v in totals.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
