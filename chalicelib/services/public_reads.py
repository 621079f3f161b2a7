"""One page, newest first, from several partitions of the public indexes (geohash cells, or the one
feed), in a bounded number of store requests, without skipping or repeating anything across pages.

Why not one query: a circle spans several cells, each its own index partition, and DynamoDB orders
only within a partition. So each cell is read newest first and the reads are merged. What makes it
exact: after a read, a partition has been looked at down to its *frontier* (the created_key of the
last item evaluated); every partition has been seen down to the highest frontier among them, the
*horizon*. Items at or above the horizon are final: none can be missing. A page is the newest
`limit` of those; if the page is cut short because reads ran out (`budget`), the next page starts
strictly below the horizon, and if it is full, below its last item — either way the next request
reads from exactly where this one stopped, with the same partitions.

The next read always goes to the partition with the highest frontier (the one holding the horizon
up). Items are kept or dropped by `keep` (the exact distance of `near=`) after they are read.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from ..domain.model import Complaint
from ..domain.times import iso_utc
from .ports import PublicComplaints, PublicRead

TOP, BOTTOM = "\uffff", ""        # above and below every created_key (printable ASCII)


def position(c: Complaint) -> str:
    """A complaint's place in the public indexes: tables.py's created_key, "<created UTC>#<id>"."""
    return f"{iso_utc(c.created_at)}#{c.id}"


@dataclass
class _Partition:
    cell: str | None
    seen_to: str                  # everything at or above this has been evaluated (TOP: not read yet)


@dataclass(frozen=True)
class Merged:
    items: list                   # Complaints, newest first, at most `limit`
    next: str | None              # read strictly below this for the next page; None: nothing is left
    reads: int                    # store requests made


def read_merged(store: PublicComplaints, template: PublicRead, cells: list[str | None], *,
                before: str | None, limit: int, budget: int, keep: Callable[[Complaint], bool],
                size: int) -> Merged:
    """Up to `limit` complaints of `cells` (None: the feed) below `before` that match `template`'s
    filters and `keep`, newest first. At most `budget` reads, and at least one per partition (a
    budget below that is raised to it: no page can be exact without every partition)."""
    if limit < 1 or size < 1 or not cells:
        raise ValueError("limit, size and cells must be positive")
    parts = [_Partition(cell, TOP) for cell in dict.fromkeys(cells)]
    budget = max(budget, len(parts))
    found: list[Complaint] = []
    reads = 0
    while True:
        horizon = max(p.seen_to for p in parts)
        ready = sorted((c for c in found if position(c) >= horizon), key=position, reverse=True)
        if len(ready) > limit:                          # full, and known to go on
            page = ready[:limit]
            return Merged(page, position(page[-1]), reads)
        if horizon == BOTTOM:                           # every partition exhausted
            return Merged(ready, None, reads)
        if reads >= budget:                             # all at or above the horizon is here
            return Merged(ready, horizon, reads)
        part = max(parts, key=lambda p: p.seen_to)
        start = before if part.seen_to == TOP else part.seen_to
        chunk = store.public_chunk(replace(template, cell=part.cell, before=start, size=size))
        reads += 1
        found += [c for c in chunk.items if keep(c)]
        part.seen_to = chunk.frontier if chunk.frontier is not None else BOTTOM
