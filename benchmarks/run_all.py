"""`make bench`: every benchmark in this folder, one after another. Figures, not assertions.

The sweep benchmark defaults to N = 1,000 and 10,000 here (100,000 takes ~20 minutes on moto);
run `benchmarks/bench_sweep.py 100000` for the largest size.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
RUNS = [["bench_rules.py"], ["bench_sweep.py", "1000", "10000"]]
EXTRA = ["bench_cost.py", "bench_listing.py"]   # on DynamoDB Local (they say so and skip without Java)


def main() -> int:
    failed = 0
    runs = RUNS + [[name] for name in EXTRA if (HERE / name).exists()]
    for script, *args in runs:
        print(f"== {script} {' '.join(args)}", flush=True)
        failed |= subprocess.call([sys.executable, str(HERE / script), *args])
    return failed


if __name__ == "__main__":
    sys.exit(main())
