"""Open311 GeoReport v2 over the complaints: what a client application may read and file.

Why a service of its own: Open311 is a public registry. Only complaints their reporters made
public appear in it, each cut by domain/policy for the PUBLIC audience (actor None), and a client
application files complaints through the same `services/complaints.submit` a citizen's app uses,
as the citizen identity `open311:<client>` (services/open311_keys.reporter_sub): the application
is the reporter of record; it keeps its users' contact details, Lampung In keeps none of them.
What Open311 calls a request is a complaint, its service a category, "open" and "closed" a grouping
of the statuses (CLOSED below).

Reads by date walk the complaints `feed` index newest first (never a Scan), at most
MAX_FEED_PAGES store pages of MAX_LIMIT complaints per request, and stop at the window's start
or at MAX_RECORDS requests, whichever comes first (the spec's "90 days or 1000 requests").
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from ..domain import policy
from ..domain.commands import FileComplaint
from ..domain.errors import Invalid, NotFound
from ..domain.ids import plausible_id
from ..domain.model import Actor, Complaint, Location, Role, Status
from . import complaints as complaint_service
from .clocks import ClockDeps, Listed, complaint_deadlines, with_deadlines
from .open311_keys import ApiKey, reporter_sub
from .paging import MAX_LIMIT
from .ports import ListQuery

CLOSED = frozenset({Status.RESOLVED, Status.CLOSED, Status.REJECTED, Status.FORWARDED})
OPEN311_STATUSES = ("open", "closed")
MAX_RECORDS = 1000
MAX_WINDOW = timedelta(days=90)
MAX_FEED_PAGES = 20           # 2,000 complaints examined per request at most
MAX_IDS = 50                  # service_request_id=a,b,…: one batch read (and 50 ids fit a query value)
PUBLISHED = frozenset({"title", "description", "location"})     # what only a public complaint shows
TITLE_CHARS = 80


def open311_status(status: Status) -> str:
    return "closed" if status in CLOSED else "open"


def published(complaint: Complaint) -> bool:
    """In the registry at all: domain/policy lets the public read its words and place, which it does
    for a complaint its reporter made public and for no other."""
    return PUBLISHED <= policy.complaint_fields(None, complaint)


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime

    def holds(self, at: datetime) -> bool:
        return self.start <= at <= self.end


def window(start: datetime | None, end: datetime | None, now: datetime) -> Window:
    """The spec's default and limit: the most recent 90 days, or 90 days from either end given;
    a longer or reversed window is refused (Invalid, naming the parameter)."""
    if end is None:
        end = now if start is None else start + MAX_WINDOW
    if start is None:
        start = end - MAX_WINDOW
    if end < start:
        raise Invalid("open311_window_reversed", field="end_date")
    if end - start > MAX_WINDOW:
        raise Invalid("open311_window_too_long", field="start_date", days=MAX_WINDOW.days)
    return Window(start, end)


@dataclass(frozen=True)
class RequestFilter:
    """GET requests: `ids` overrides everything else (the spec); else the window and filters."""

    ids: tuple[str, ...] = ()
    services: frozenset[str] = frozenset()      # category codes; empty: all
    statuses: frozenset[str] = frozenset()      # "open" / "closed"; empty: both
    window: Window | None = None

    def keeps(self, c: Complaint) -> bool:
        return (published(c) and (self.window is None or self.window.holds(c.created_at))
                and (not self.services or c.category in self.services)
                and (not self.statuses or open311_status(c.status) in self.statuses))


def find_requests(deps: complaint_service.Deps, clock_deps: ClockDeps, f: RequestFilter) -> list[Listed]:
    """The requests a GET requests call returns, newest first, with their deadlines."""
    if f.ids:
        if len(f.ids) > MAX_IDS:
            raise Invalid("open311_too_many_ids", field="service_request_id", limit=MAX_IDS)
        wanted = [i for i in dict.fromkeys(f.ids) if plausible_id(i)]
        found = deps.repo.get_many(wanted) if wanted else {}
        return with_deadlines(clock_deps, [found[i] for i in wanted if i in found and published(found[i])])
    if f.window is None:
        raise ValueError("a window or ids")
    out: list[Listed] = []
    query, cursor = ListQuery(limit=MAX_LIMIT), None
    for _ in range(MAX_FEED_PAGES):
        page = deps.repo.list(replace(query, cursor=cursor))
        kept = [c for c in page.items if f.keeps(c)]
        if kept:
            out += with_deadlines(clock_deps, kept[:MAX_RECORDS - len(out)])
        older = bool(page.items) and page.items[-1].created_at < f.window.start
        if len(out) >= MAX_RECORDS or page.next is None or older:
            break
        cursor = page.next
    return out


def get_request(deps: complaint_service.Deps, clock_deps: ClockDeps, request_id: str) -> Listed:
    """One request (GET requests/{id}, tokens/{token}); NotFound unless it is in the registry."""
    complaint = deps.repo.get(request_id) if plausible_id(request_id) else None
    if complaint is None or not published(complaint):
        raise NotFound("open311_request_not_found")
    return Listed(complaint, complaint_deadlines(clock_deps, complaint))


@dataclass(frozen=True)
class NewRequest:
    """POST requests, validated at the edge (api/open311_forms.py)."""

    service_code: str
    title: str                  # title_of(description, the service's name): Open311 has no title
    description: str
    lat: float | None = None
    lon: float | None = None
    address: str | None = None


def submit_request(deps: complaint_service.Deps, key: ApiKey, request: NewRequest, *,
                   idempotency_key: str | None = None, source_ip: str | None = None) -> tuple[Complaint, bool]:
    """File the request as a public complaint of the application's identity, within the key's
    daily limit (its quota is the application's, as a citizen's is theirs)."""
    actor = Actor(sub=reporter_sub(key), role=Role.CITIZEN, name=key.client, source_ip=source_ip)
    command = FileComplaint(category=request.service_code, title=request.title,
                            description=request.description, visibility="public", anonymous=False,
                            location=Location(request.lat, request.lon, request.address))
    return complaint_service.submit(replace(deps, daily_limit=key.daily_limit), actor, command, idempotency_key)


_LABEL = re.compile(r"^(?:title|judul)\s*:\s*", re.IGNORECASE)     # FixMyStreet sends "title: …"


def title_of(description: str, fallback: str) -> str:
    """A complaint needs a title and Open311 has none: the description's first line, cut at a word
    near TITLE_CHARS; the service's name when that line is too short to say anything."""
    first = next((line.strip() for line in description.splitlines() if line.strip()), "")
    first = _LABEL.sub("", first).strip()
    if len(first) > TITLE_CHARS:
        cut = first[:TITLE_CHARS].rsplit(" ", 1)[0]
        first = (cut if len(cut) >= TITLE_CHARS // 2 else first[:TITLE_CHARS]).rstrip(" ,.;:") + "…"
    return first if len(first) >= 5 else fallback[:TITLE_CHARS]
