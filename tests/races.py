"""Running calls at the same moment, for the race tests: each call in its own thread, released
together from a barrier; the result or the exception of each, in order."""
from __future__ import annotations

import threading
from collections.abc import Callable


def all_at_once(calls: list[Callable[[], object]], *, timeout: float = 120) -> list:
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def attempt(i: int) -> None:
        barrier.wait(timeout=30)
        try:
            results[i] = calls[i]()
        except Exception as exc:       # recorded, asserted by the caller
            results[i] = exc

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=timeout)
    return results
