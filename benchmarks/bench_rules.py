"""Benchmark (not a test): evaluations per second of the rules adapter vs a raw durable_rules loop.

    .venv/bin/python benchmarks/bench_rules.py [--n 50000]

Both loops evaluate the same facts against the same compiled sanctions ruleset. The raw loop is
the least a correct caller of durable_rules must do (STACK-NOTES.md): assert the fact under a
fresh session id, record matches in the action, delete the session. The adapter adds fact
preparation (known fields, plain numbers, `at` in epoch seconds), the hit policy, and Decisions
with bilingual explanations; `match only` is the adapter without the Decisions.
"""
from __future__ import annotations

import argparse
import copy
import gc
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chalicelib.rules.vocabulary import CATCH_ALL, SANCTION_FIELDS  # noqa: E402
from lampungin.rules.cases import compiled_bundle  # noqa: E402
from lampungin.rules.source import RULES_DIR  # noqa: E402

START = datetime(2026, 1, 1, tzinfo=timezone.utc)


def sample_facts(n: int) -> list[dict]:
    out = []
    for i in range(n):
        at = START + timedelta(minutes=i)
        kind = i % 3
        if kind == 0:
            out.append({"event": "missed", "clock": "followup", "subject_type": "operator",
                        "misses": 1 + i % 4, "opd_misses": 1, "hours_late": 1.5, "opd": "DINKES", "at": at})
        elif kind == 1:
            out.append({"event": "missed", "clock": "approval", "subject_type": "opd",
                        "misses": 1 + i % 4, "opd_misses": 1 + i % 4, "hours_late": 3, "opd": "DLH", "at": at})
        else:
            out.append({"event": "progress", "clock": "followup", "used_percent": 50 + i % 50, "at": at})
    return out


def raw_loop(definition: dict, durable_facts: list[dict]) -> float:
    """durable_rules directly: its own Host (background loop off), actions that append."""
    from durable import engine as durable

    fired: list[str] = []

    class Host(durable.Host):
        def _run(self):
            pass

    def recorder(rule_id):
        def record(c):          # one parameter: durable treats a 2-parameter action as async
            fired.append(rule_id)
        return record

    host = Host()
    ruleset = copy.deepcopy(definition)
    for rule in ruleset.values():
        rule["run"] = recorder(rule["run"])
    host.register_rulesets({"bench_raw": ruleset})
    started = time.perf_counter()
    for i, fact in enumerate(durable_facts):
        sid = f"r{i}"
        host.assert_fact("bench_raw", {**fact, "sid": sid})
        host.delete_state("bench_raw", sid)
        fired.clear()
    return time.perf_counter() - started


def timed(fn, items) -> float:
    started = time.perf_counter()
    for item in items:
        fn(item)
    return time.perf_counter() - started


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50_000)
    args = parser.parse_args(argv)
    bundle = compiled_bundle(RULES_DIR)
    engine = bundle.engine
    facts = sample_facts(args.n)
    durable_facts = [engine.fact(f, SANCTION_FIELDS)[0] for f in facts]
    name, definition = engine.rulesets["sanctions"]
    assert CATCH_ALL in definition
    for f in facts[:2000]:                       # warm up both paths
        engine.evaluate(f)
    gc.collect()
    raw = raw_loop(definition, durable_facts)
    match_only = timed(lambda f: engine.match("sanctions", engine.fact(f, SANCTION_FIELDS)[0]), facts)
    adapter = timed(engine.evaluate, facts)
    n = args.n
    print(f"rules {bundle.version}, {n} facts, Python {sys.version.split()[0]}")
    print(f"  raw durable_rules loop : {n / raw:10,.0f} evaluations/s")
    print(f"  adapter, match only    : {n / match_only:10,.0f} evaluations/s  ({raw / match_only:.2f} of raw)")
    print(f"  adapter, evaluate()    : {n / adapter:10,.0f} evaluations/s  ({raw / adapter:.2f} of raw)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
