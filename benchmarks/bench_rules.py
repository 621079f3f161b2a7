"""Benchmark (not a test): evaluations per second of the rules adapter vs a raw durable_rules loop,
and the memory of each over 1,000,000 evaluations.

    .venv/bin/python benchmarks/bench_rules.py [--n 50000] [--rounds 3] [--memory-n 1000000] [--json FILE]

Both loops evaluate the same facts against the same compiled sanctions ruleset. The raw loop is
the least a correct caller of durable_rules must do (STACK-NOTES.md): assert the fact under a
fresh session id, record matches in the action, delete the session. The adapter adds fact
preparation (known fields, plain numbers, `at` in epoch seconds), the hit policy, and Decisions
with bilingual explanations; `match only` is the adapter without the Decisions. Rounds alternate
raw, match-only and adapter over the same facts; each figure is the median over the rounds.

Memory: the resident set (/proc/self/statm) after a warm-up, then every tenth of `--memory-n`
evaluations through the adapter, and the same for the raw loop (the floor) in the same process;
facts are made on the fly so that the list of facts is not what grows.
"""
from __future__ import annotations

import argparse
import copy
import gc
import os
import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import Figure, section, table, write_json  # noqa: E402

from chalicelib.rules.vocabulary import CATCH_ALL, SANCTION_FIELDS  # noqa: E402
from lampungin.rules.cases import compiled_bundle  # noqa: E402
from lampungin.rules.source import RULES_DIR  # noqa: E402

START = datetime(2026, 1, 1, tzinfo=timezone.utc)


def fact(i: int) -> dict:
    at = START + timedelta(minutes=i % 500_000)
    kind = i % 3
    if kind == 0:
        return {"event": "missed", "clock": "followup", "subject_type": "operator",
                "misses": 1 + i % 4, "opd_misses": 1, "hours_late": 1.5, "opd": "DINKES", "at": at}
    if kind == 1:
        return {"event": "missed", "clock": "approval", "subject_type": "opd",
                "misses": 1 + i % 4, "opd_misses": 1 + i % 4, "hours_late": 3, "opd": "DLH", "at": at}
    return {"event": "progress", "clock": "followup", "used_percent": 50 + i % 50, "at": at}


def sample_facts(n: int) -> list[dict]:
    return [fact(i) for i in range(n)]


def rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def raw_evaluator(definition: dict, name: str = "bench_raw") -> Callable[[dict], None]:
    """durable_rules directly: its own Host (background loop off), actions that append; one fact
    under a fresh session id, the session deleted (the least a correct caller must do)."""
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
    host.register_rulesets({name: ruleset})
    counter = [0]

    def evaluate(durable_fact: dict) -> None:
        counter[0] += 1
        sid = f"r{counter[0]}"
        host.assert_fact(name, {**durable_fact, "sid": sid})
        host.delete_state(name, sid)
        fired.clear()
    return evaluate


def raw_loop(definition: dict, durable_facts: list[dict]) -> float:
    evaluate = raw_evaluator(definition)
    return timed(evaluate, durable_facts)


def memory_over(evaluate: Callable[[dict], object], facts: Iterator[dict], n: int, warm: int = 5_000) -> list[float]:
    """RSS (MiB) after `warm` evaluations, then after every tenth of `n` more."""
    for _ in range(warm):
        evaluate(next(facts))
    gc.collect()
    samples = [rss_mib()]
    step = max(1, n // 10)
    for i in range(n):
        evaluate(next(facts))
        if i % step == step - 1:
            gc.collect()
            samples.append(rss_mib())
    return samples


def timed(fn, items) -> float:
    started = time.perf_counter()
    for item in items:
        fn(item)
    return time.perf_counter() - started


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50_000, help="facts per round for the rate")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--memory-n", type=int, default=1_000_000, help="evaluations for the memory figure")
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    bundle = compiled_bundle(RULES_DIR)
    engine = bundle.engine
    facts = sample_facts(args.n)
    durable_facts = [engine.fact(f, SANCTION_FIELDS)[0] for f in facts]
    name, definition = engine.rulesets["sanctions"]
    assert CATCH_ALL in definition
    for f in facts[:2000]:                       # warm up both paths
        engine.evaluate(f)
    raw = raw_evaluator(definition)
    n = args.n
    rates: dict[str, list[float]] = {"raw": [], "match": [], "adapter": []}
    for _ in range(args.rounds):
        gc.collect()
        rates["raw"].append(n / timed(raw, durable_facts))
        rates["match"].append(n / timed(lambda f: engine.match("sanctions", engine.fact(f, SANCTION_FIELDS)[0]), facts))
        rates["adapter"].append(n / timed(engine.evaluate, facts))
    del facts, durable_facts
    gc.collect()

    def adapter_facts() -> Iterator[dict]:
        i = 0
        while True:
            yield fact(i)
            i += 1

    def raw_facts() -> Iterator[dict]:
        for f in adapter_facts():
            yield engine.fact(f, SANCTION_FIELDS)[0]
    started = time.perf_counter()
    adapter_mem = memory_over(engine.evaluate, adapter_facts(), args.memory_n)
    adapter_s = time.perf_counter() - started
    raw_mem = memory_over(raw_evaluator(definition, "bench_raw_memory"), raw_facts(), args.memory_n)
    figures = [
        Figure("rules.evaluate_rate", "rules adapter evaluate()", "eval/s", rates["adapter"], "raw durable_rules loop",
               rates["raw"], higher_is_better=True),
        Figure("rules.match_rate", "rules adapter, match only", "eval/s", rates["match"], "raw durable_rules loop",
               rates["raw"], higher_is_better=True),
        Figure("rules.memory_growth", f"RSS growth over {args.memory_n:,} evaluations", "MiB",
               [adapter_mem[-1] - adapter_mem[0]], "raw durable_rules loop", [raw_mem[-1] - raw_mem[0]],
               note="one run each: the figure is the growth over the whole run (no ratio when the floor is 0)",
               extra={"rss_mib_adapter": [round(x, 1) for x in adapter_mem],
                      "rss_mib_raw": [round(x, 1) for x in raw_mem]}),
    ]
    result = section("rules", figures, {"rules_version": bundle.version, "facts_per_round": n, "rounds": args.rounds,
                                        "memory_evaluations": args.memory_n,
                                        "memory_run_s": round(adapter_s, 1), "python": sys.version.split()[0]})
    print(f"rules {bundle.version}, {n} facts x {args.rounds} rounds, Python {sys.version.split()[0]}")
    print(table(result["figures"]))
    print(f"RSS (MiB) every tenth: adapter {result['figures'][2]['rss_mib_adapter']}, "
          f"raw {result['figures'][2]['rss_mib_raw']}")
    if args.json:
        write_json(args.json, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
