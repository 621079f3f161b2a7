"""What anyone may read without signing in: one complaint by its number (`track`), the list of
public complaints (`list_public`, also near a point), and, for a citizen filing, the open public
complaints like theirs close by (`similar`), which they may support instead.

Who sees what is domain/policy.py's (TRACK_FIELDS, PUBLIC_ITEM_FIELDS, track_events); this module
reads. Every read is bounded: tracking is two reads and a batch; a page of the list is one read
per index partition it touches plus a few (public_reads.py), then one batch read of the page's
deadline summaries and one of its supporters; `similar` is the same with a handful of cells.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from ..domain import geo, policy
from ..domain.deadline_summary import NO_OPEN_CLOCKS, summarise, summary_deadlines
from ..domain.errors import Invalid, NotFound
from ..domain.ids import ALPHABET
from ..domain.model import Actor, Complaint, Event, Status
from ..rules.model import ParameterLapsed
from .clocks import CLOSED, ClockDeps, current_clocks, with_deadlines
from .paging import MAX_LIMIT, check_limit, decode_cursor, encode_cursor, query_tag
from .ports import ComplaintRepository, Page, PublicComplaints, PublicRead
from .public_reads import read_merged

log = logging.getLogger("lampungin.public")
MIN_RADIUS_M, MAX_RADIUS_M, DEFAULT_RADIUS_M = 50, 10_000, 1_000
SIMILAR_LIMIT = 5
SIMILAR_PARAMETER = "similar.radius_m"        # rules/parameters/similar.yaml
OPEN = (Status.ASSIGNED.value, Status.WAITING_CITIZEN.value, Status.FOLLOWED_UP.value)
EXTRA_READS = 8                               # reads a page may take beyond one per partition
TRACK_ID = re.compile(r"ADU-[0-9]{6}-[0-9A-Z]{7}")
POSITION = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z#[!-\"$-~]{1,64}")


class PublicStore(ComplaintRepository, PublicComplaints, Protocol):
    """The complaint repository with its public reads and supports."""


class PublicRules(Protocol):
    def parameter(self, name: str, on: Any) -> Any: ...


@dataclass
class PublicDeps:
    repo: PublicStore
    clocks: ClockDeps                 # deadlines (the stream's summaries, or a replay)
    rules: PublicRules                # the bundle: the `similar` radius in force
    now: Callable[[], datetime]


@dataclass(frozen=True)
class Near:
    lat: float
    lon: float
    radius_m: int = DEFAULT_RADIUS_M


@dataclass(frozen=True)
class PublicItem:
    complaint: Complaint
    deadlines: dict
    supporters: int
    distance_m: float | None = None   # from the `near` point, when there was one


@dataclass(frozen=True)
class Tracked:
    complaint: Complaint
    deadlines: dict
    events: list[Event]               # the public-safe timeline (policy.track_events)
    supporters: int | None            # None when the policy does not show them (private)


def canonical_id(text: str) -> str | None:
    """The complaint number as people type or say it: case and spaces do not matter, and in its
    Crockford part I and L read as 1, O as 0 (domain/ids.py). None when it cannot be one."""
    t = text.strip().upper()
    if not TRACK_ID.fullmatch(t):
        return None
    tail = t[11:].translate(str.maketrans("ILO", "110"))
    return t[:11] + tail if all(ch in ALPHABET for ch in tail) else None


def track(deps: PublicDeps, complaint_id: str) -> Tracked:
    """GET /v1/track/{id}: any complaint, as the public may see it; NotFound for a number that is
    malformed (no read) or unknown (one read), the same answer."""
    cid = canonical_id(complaint_id)
    complaint = deps.repo.get(cid) if cid else None
    if complaint is None:
        raise NotFound("not_found")
    events = deps.repo.timeline(complaint.id)
    if complaint.status in CLOSED:
        summary = NO_OPEN_CLOCKS
    else:
        summary = summarise(*current_clocks(deps.clocks, complaint.id, events))
    shown = "supporters" in policy.track_fields(complaint)
    supporters = deps.repo.supporters([complaint.id]).get(complaint.id, 0) if shown else None
    return Tracked(complaint, summary_deadlines(summary, deps.now()),
                   policy.track_events(complaint, events), supporters)


def list_public(deps: PublicDeps, *, category: str | None, opd: str | None, status: str | None,
                near: Near | None, limit: int, cursor: str | None) -> Page:
    """GET /v1/public/complaints: public complaints, newest first, filtered; with `near`, only
    those within `radius_m` of the point (each with its distance). Page items are PublicItems."""
    check_limit(limit)
    cells = _cells(near, "radius_m")
    tag = query_tag("public", category, opd, status, near and (near.lat, near.lon, near.radius_m))
    before = decode_cursor(cursor, {"v": 1, "q": tag, "before": POSITION})["before"] if cursor else None
    template = PublicRead(category=category, opd=opd, statuses=(status,) if status else ())
    filtered = near is not None or category or opd or status
    merged = read_merged(deps.repo, template, cells, before=before, limit=limit,
                         budget=len(cells) + EXTRA_READS, keep=_keep(near),
                         size=MAX_LIMIT if filtered else limit + 1)
    nxt = encode_cursor({"v": 1, "q": tag, "before": merged.next}) if merged.next else None
    return Page(_items(deps, merged.items, near), nxt)


def similar(deps: PublicDeps, actor: Actor, complaint: Complaint) -> list[PublicItem]:
    """Open public complaints of the same category within the `similar.radius_m` in force when
    `complaint` was filed, nearest first, at most SIMILAR_LIMIT, never the citizen's own. Nothing
    without a location or without a radius in force."""
    loc = complaint.location
    if loc is None or loc.lat is None or loc.lon is None:
        return []
    try:
        radius = float(deps.rules.parameter(SIMILAR_PARAMETER, complaint.created_at))
    except (ParameterLapsed, TypeError, ValueError) as why:     # none in force, or not a number
        log.warning("no similar complaints offered: %s", type(why).__name__)
        return []
    if not radius > 0:                                          # 0 (or NaN) turns the offer off
        return []
    near = Near(float(loc.lat), float(loc.lon), int(min(max(radius, MIN_RADIUS_M), MAX_RADIUS_M)))
    nearby, cells = _keep(near), _cells(near, "location")
    merged = read_merged(deps.repo, PublicRead(category=complaint.category, statuses=OPEN), cells,
                         before=None, limit=SIMILAR_LIMIT, budget=len(cells) + 2, size=MAX_LIMIT,
                         keep=lambda c: c.id != complaint.id and c.reporter.sub != actor.sub and nearby(c))
    return sorted(_items(deps, merged.items, near), key=lambda i: i.distance_m or 0.0)


def _cells(near: Near | None, field: str) -> list[str | None]:
    if near is None:
        return [None]                                 # the whole public feed
    try:
        return list(geo.covering_cells(near.lat, near.lon, near.radius_m))
    except ValueError:                                # near a pole: more cells than we query
        raise Invalid("radius_too_large", field=field) from None


def _keep(near: Near | None) -> Callable[[Complaint], bool]:
    def keep(c: Complaint) -> bool:
        if not policy.in_public_list(c):              # the index holds only these; never trust it
            return False
        if near is None:
            return True
        distance = _distance(near, c)
        return distance is not None and distance <= near.radius_m
    return keep


def _distance(near: Near, c: Complaint) -> float | None:
    loc = c.location
    if loc is None or loc.lat is None or loc.lon is None:
        return None
    return geo.distance_m(near.lat, near.lon, float(loc.lat), float(loc.lon))


def _items(deps: PublicDeps, complaints: list[Complaint], near: Near | None) -> list[PublicItem]:
    """The page with deadlines (one batch read) and supporters (one batch read)."""
    if not complaints:
        return []
    counts = deps.repo.supporters([c.id for c in complaints])
    return [PublicItem(i.complaint, i.deadlines, counts.get(i.complaint.id, 0),
                       _distance(near, i.complaint) if near else None)
            for i in with_deadlines(deps.clocks, complaints)]
