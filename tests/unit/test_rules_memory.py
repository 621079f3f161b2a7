"""Memory and stability (issue 3): 100,000 evaluations through the adapter keep the process's
memory flat, never trip the 1024-session limit, and never hit the crash pattern of
STACK-NOTES.md (a fact matching no rule, then its session deleted)."""
from __future__ import annotations

import gc
import os
from datetime import datetime, timedelta, timezone

import pytest

from lampungin.rules.cases import compiled_bundle
from lampungin.rules.source import RULES_DIR

EVALUATIONS = 100_000
START = datetime(2026, 1, 1, tzinfo=timezone.utc)


def rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def facts(i: int) -> dict:
    """A mix: sanctions that match, warnings, facts that match nothing but the catch-all."""
    at = START + timedelta(minutes=i)
    kind = i % 4
    if kind == 0:
        return {"event": "missed", "clock": "followup", "misses": 1 + i % 5, "opd_misses": 1,
                "hours_late": (i % 97) / 7, "opd": "DINKES", "at": at}
    if kind == 1:
        return {"event": "missed", "clock": "approval", "misses": 1 + i % 4, "at": at}
    if kind == 2:
        return {"event": "progress", "clock": "followup", "used_percent": i % 120, "at": at}
    return {"event": "nothing-matches", "clock": "none", "at": at}


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="needs Linux /proc")
def test_one_hundred_thousand_evaluations_keep_memory_flat():
    bundle = compiled_bundle(RULES_DIR)
    engine = bundle.engine
    for i in range(5_000):                       # warm up: rulesets, caches, allocator arenas
        engine.evaluate(facts(i))
    gc.collect()
    baseline = rss_mib()
    samples = []
    for i in range(EVALUATIONS):
        engine.evaluate(facts(i))
        if i % 20_000 == 19_999:
            gc.collect()
            samples.append(rss_mib())
    growth = samples[-1] - baseline
    assert growth < 8, f"memory grew {growth:.1f} MiB over {EVALUATIONS} evaluations: {samples}"
    assert samples[-1] - samples[1] < 3, f"still growing: {samples}"
