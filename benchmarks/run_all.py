"""`make bench`: every benchmark of issue 16, one after another, each in its own interpreter (each
starts its own DynamoDB Local and imports the app with its own environment). Figures, not
assertions: a figure that misses its goal is reported, never a failure; a benchmark that cannot
run (a crash, no Java) makes the run fail.

Writes bench/results.json — every figure with its median, its runs, its floor, the ratio and the
goal — and each benchmark's own JSON beside it (bench/<name>.json), then prints one table.
docs/performance.md says what each figure measures, how to reproduce it and why it is where it is.

    .venv/bin/python benchmarks/run_all.py                  # the default sizes (~15 minutes on 2 cores)
    .venv/bin/python benchmarks/run_all.py --big            # + sweep N=100,000, league 100,000/day (hours)
    .venv/bin/python benchmarks/run_all.py --quick          # tiny sizes: checks the harness, not the figures
    .venv/bin/python benchmarks/run_all.py --only rules cost
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from benchlib import table, write_json  # noqa: E402

OUT = ROOT / "bench"
# name -> (script, default arguments, --quick arguments, --big extra arguments)
BENCHES: dict[str, tuple[str, list[str], list[str], list[str]]] = {
    "cold_start": ("bench_coldstart.py", ["--runs", "7"], ["--runs", "1"], []),
    "api": ("bench_api.py", ["--rounds", "3"], ["--rounds", "1", "--requests", "5", "--per-client", "1"], []),
    "rules": ("bench_rules.py", ["--rounds", "3"], ["--n", "3000", "--rounds", "1", "--memory-n", "20000"], []),
    "sweep": ("bench_sweep.py", ["--rounds", "3"], ["--sizes", "300", "--rounds", "1"], ["--big"]),
    "cost": ("bench_cost.py", ["20", "10"], ["2", "2"], []),
    "league": ("bench_league.py", ["--rounds", "3"], ["--per-day", "10", "30", "--rounds", "1"], ["--big"]),
    "partitions": ("bench_partitions.py", [], ["--per-day", "20000"], []),
}


def git_commit() -> str | None:
    git = shutil.which("git")
    if git is None:
        return None
    try:
        out = subprocess.run([git, "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=10)
        dirty = subprocess.run([git, "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() + (" (with uncommitted changes)" if dirty.stdout.strip() else "") or None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big", action="store_true", help="also the large sizes (hours)")
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a check of the harness")
    parser.add_argument("--only", nargs="+", choices=list(BENCHES), help="just these")
    parser.add_argument("--out", default=str(OUT), help="where results.json goes (default bench/)")
    parser.add_argument("--merge", action="store_true",
                        help="keep the other sections of an existing results.json (with --only)")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    chosen = args.only or list(BENCHES)
    results: dict = {"started_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
               "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0], "platform": platform.platform()},
               "commit": git_commit(), "scale": "quick" if args.quick else "big" if args.big else "default",
               "sections": {}, "durations_s": {}, "failed": []}
    previous = out / "results.json"
    if args.merge and previous.exists():
        old = json.loads(previous.read_text(encoding="utf-8"))
        results["sections"] = {k: v for k, v in old.get("sections", {}).items() if k not in chosen}
        results["durations_s"] = {k: v for k, v in old.get("durations_s", {}).items() if k not in chosen}
        results["merged_from"] = old.get("started_at")
    for name in chosen:
        script, default, quick, big = BENCHES[name]
        extra = quick if args.quick else default + (big if args.big else [])
        if name == "partitions" and (out / "cost.json").exists():
            extra = [*extra, "--cost-json", str(out / "cost.json")]
        target = out / f"{name}.json"
        target.unlink(missing_ok=True)
        print(f"== {name}: {script} {' '.join(extra)}", flush=True)
        started = time.monotonic()
        code = subprocess.call([sys.executable, str(HERE / script), *extra, "--json", str(target)], cwd=ROOT)
        results["durations_s"][name] = round(time.monotonic() - started, 1)
        if code != 0 or not target.exists():
            print(f"!! {name} failed (exit {code})", flush=True)
            results["failed"].append(name)
            continue
        results["sections"][name] = json.loads(target.read_text(encoding="utf-8"))
    results["sections"] = {k: results["sections"][k] for k in BENCHES if k in results["sections"]}
    figures = [f for s in results["sections"].values() for f in s["figures"]]
    results["figures"] = {f["key"]: f for f in figures}
    results["goals_missed"] = [f["key"] for f in figures if f.get("meets_goal") is False]
    write_json(out / "results.json", results)
    print()
    print(table(figures))
    print(f"\n{len(figures)} figures in {out / 'results.json'}; goals missed: {len(results['goals_missed'])}; "
          f"took {sum(results['durations_s'].values()) / 60:.1f} min"
          + (f"; FAILED: {', '.join(results['failed'])}" if results["failed"] else ""))
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
