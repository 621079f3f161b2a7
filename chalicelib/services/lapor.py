"""SP4N-LAPOR! exchange (issue 18, part 3; docs/lapor.md): complaints disposed to the province on
LAPOR!, the national complaint system, come in as complaints with channel `lapor` and their LAPOR!
tracking number; every change goes back to LAPOR! through the notification pipeline (the LAPOR!
reporter's one delivery channel is `lapor`, adapters/lapor.py).

Pulled by the `lapor_exchange` schedule (app.py), page by page from a cursor the exchange gives
and we keep. Idempotent: each LAPOR! complaint is filed under the idempotency key of its tracking
number, so a page read twice (a crash before the cursor moved, LAPOR! sending it again) returns the
complaint filed the first time; the same LAPOR! complaint never becomes two, even when its text
changed in between (that is logged, the first stays). A complaint we cannot file (an unknown
category is mapped to `lainnya`; a text beyond our limits) is reported and skipped: one bad
complaint never holds up the others.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from ..domain.commands import Contact, FileComplaint
from ..domain.errors import DomainError
from ..domain.model import LAPOR_FILER, Actor, Role
from . import complaints as filing
from .complaints import IdempotencyKeyReused
from .ports import LaporComplaint, LaporCursor, LaporInbox

log = logging.getLogger("lampungin.lapor")

FALLBACK_CATEGORY = "lainnya"     # rules/routing/categories.yaml: what nothing else covers
DESK_OPD = "DPMPTSP"              # the province's complaint desk (P4) answers for what LAPOR! sends
MAX_PAGES = 20                    # per run: the next run goes on from the cursor


@dataclass
class LaporDeps:
    complaints: filing.Deps
    inbox: LaporInbox
    cursor: LaporCursor
    categories: Callable[[], frozenset[str]]     # the category codes of the rules in force


def lapor_actor() -> Actor:
    return Actor(sub=LAPOR_FILER, role=Role.INTAKE, opd=DESK_OPD, government="LAMPUNG")


def command_for(item: LaporComplaint, categories: frozenset[str]) -> FileComplaint:
    category = item.category if item.category in categories else FALLBACK_CATEGORY
    name = None if item.anonymous else (item.reporter_name or "").strip() or None
    return FileComplaint(category=category, title=item.title, description=item.description,
                         anonymous=item.anonymous, channel="lapor", lapor_id=item.tracking_id,
                         contact=Contact(name=name) if name else None)


def pull(deps: LaporDeps) -> dict:
    """One run: every page LAPOR! has for us (at most MAX_PAGES), each filed, then the cursor kept."""
    filed = again = skipped = pages = 0
    cursor = deps.cursor.get()
    categories = deps.categories()
    while pages < MAX_PAGES:
        page = deps.inbox.disposed(cursor)
        pages += 1
        skipped += len(page.problems)
        for problem in page.problems:
            log.warning("LAPOR! item not readable: %s", problem)
        for item in page.items:
            try:
                _, created = filing.submit(deps.complaints, lapor_actor(), command_for(item, categories),
                                           idempotency_key=item.tracking_id)
            except IdempotencyKeyReused:
                again += 1            # LAPOR! changed it after we filed it: ours stays the first
                log.warning("LAPOR! %s came again with other content; the complaint filed first stays",
                            item.tracking_id)
                continue
            except DomainError as refused:
                skipped += 1
                log.warning("LAPOR! %s not filed: %s", item.tracking_id, refused)
                continue
            filed, again = filed + created, again + (not created)
        if page.cursor is None or page.cursor == cursor:
            break
        cursor = page.cursor
        deps.cursor.put(cursor)       # after the page is filed: a crash repeats it, never skips it
        if not page.items and not page.problems:
            break
    return {"filed": filed, "again": again, "skipped": skipped, "pages": pages}
