"""The sweep: find clocks whose time (or warning time) has come and act on them, exactly once.

It reads only the sparse index of clocks with a pending check (never a Scan), so its cost grows
with the clocks due, not with the number of complaints. For each hit it recomputes the clock from
the timeline (the stream may lag: a follow-up that arrived in time is never sanctioned), asks the
sanction rules, and writes each decision under a deterministic id with a conditional put. Then it
marks the clock. A crash between the two only means the next sweep finds the clock again, the puts
fail as duplicates, and the mark is written: no sanction twice, none missed.
"""
from __future__ import annotations

import heapq
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..domain.clocks import Clock
from ..domain.governments import government_of
from ..domain.sanctions import (
    MISSED,
    Sanction,
    accountable,
    answering_type,
    miss_window,
    next_check,
    sanction_facts,
    sanctions_from,
    subject_key,
    sweep_step,
)
from ..domain.times import format_wib
from .audit import record_sanction
from .clocks import ClockDeps, current_clocks
from .notifications import NotifyDeps, notify_sanction
from .ports import AuditLog, ClockFlags, MissCounter, Notifier, SanctionRepository

log = logging.getLogger("lampungin.sweep")


@dataclass(kw_only=True)
class SweepDeps(ClockDeps):
    sanctions: SanctionRepository
    notifier: Notifier
    audit: AuditLog
    rules: Any                               # the bundle: .evaluate(facts), .parameter(name, on)
    notify: NotifyDeps | None = None         # who is told (services/notifications.py)
    # False for shadow rules (services/shadow.py): decisions are recorded, nothing is acted on
    acting: bool = True


@dataclass
class SweepReport:
    at: str
    clocks_due: int = 0
    clocks_missed: int = 0
    sanctions_issued: int = 0
    warnings_sent: int = 0
    duplicates_skipped: int = 0
    complete: bool = True
    items_read: int = 0
    errors: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def sweep(deps: SweepDeps, at: datetime, *, deadline: float | None = None, page_size: int = 100
          ) -> SweepReport:
    """One sweep as of `at`. Stops early (complete=False) when the monotonic `deadline` passes;
    the next sweep resumes with what is still due, since handled clocks leave the index.

    Due clocks are taken oldest first across all shards (a merge of one page per shard at a time,
    so memory stays bounded however large the backlog): repeat misses are then counted in the
    order they happened, and the escalation a rule gives does not depend on the shard layout."""
    report = SweepReport(at=at.isoformat())
    shards = [_due_in_shard(deps, shard, at, page_size, report) for shard in range(deps.clocks.shards)]
    for hit in heapq.merge(*shards, key=lambda h: (h.next_check_at, h.complaint_id, h.clock_key)):
        if deadline is not None and time.monotonic() > deadline:
            report.complete = False
            break
        report.clocks_due += 1
        try:
            handle_due_clock(deps, hit.complaint_id, hit.clock_key, at, report)
        except Exception as exc:             # one bad clock must not stop the province's sweep
            log.exception("sweep failed on %s %s", hit.complaint_id, hit.clock_key)
            report.errors.append({"complaint_id": hit.complaint_id, "clock": hit.clock_key,
                                  "error": f"{type(exc).__name__}: {exc}"[:300]})
    return report


def _due_in_shard(deps: SweepDeps, shard: int, at: datetime, page_size: int, report: SweepReport):
    """The shard's due clocks in index order (next check time), read a page at a time. A clock
    handled meanwhile leaves the index, so pages never skip or repeat anything still due."""
    cursor = None
    while True:
        page = deps.clocks.due(shard, at, cursor, page_size)
        report.items_read += len(page.items)
        yield from page.items
        cursor = page.next
        if not cursor:
            return


def handle_due_clock(deps: SweepDeps, complaint_id: str, clock_key: str, at: datetime,
                     report: SweepReport) -> None:
    clocks, _ = current_clocks(deps, complaint_id)
    clock = next((c for c in clocks if c.key == clock_key), None)
    flags = deps.clocks.flags(complaint_id).get(clock_key, ClockFlags())
    if clock is None:                        # a clock the timeline no longer implies: drop it
        deps.clocks.mark(complaint_id, clock_key, next_check_at=None)
        return
    warned, settled = flags.warned_at is not None, flags.settled_at is not None
    step = sweep_step(clock, warned=warned, settled=settled, at=at)
    if step is None:
        deps.clocks.mark(complaint_id, clock_key, next_check_at=next_check(clock, warned, settled))
        return
    complaint = deps.complaints.get(complaint_id)
    earlier = earlier_misses(deps.sanctions, deps.rules, clock)
    for sanction in assess(deps.rules, clock, complaint, at=at, event=step, earlier=earlier):
        issue(deps, sanction, report, complaint)
    if step == MISSED:
        deps.clocks.mark(complaint_id, clock_key, next_check_at=None, settled_at=at)
        report.clocks_missed += 1
    else:
        deps.clocks.mark(complaint_id, clock_key, warned_at=at,
                         next_check_at=next_check(clock, True, settled))


def earlier_misses(sanctions: MissCounter, rules, clock: Clock) -> tuple[int, int]:
    """(misses of whoever answers for this clock, misses of its OPD) due within the monitoring
    window before this clock's due time (rules/parameters/sanctions.yaml window_days, or the
    clock's government's own value: rules/governments/<CODE>/parameters)."""
    window = int(rules.parameter("sanctions.window_days", clock.due_at, government_of(clock.opd)))
    since, before = miss_window(clock, window)
    subject_type = answering_type(clock)
    own = sanctions.count_misses(subject_key(subject_type, accountable(clock, subject_type)), since, before)
    opd = sanctions.count_misses(subject_key("opd", clock.opd), since, before)
    return own, opd


def assess(rules, clock: Clock, complaint, *, at: datetime, event: str,
           earlier: tuple[int, int]) -> list[Sanction]:
    """Ask the sanction rules what this clock's state means (the sweep and `rules test` both
    call this): the facts come from the domain, the rules in force at the due time (a miss) or
    now (a warning) decide."""
    facts = sanction_facts(clock, event=event, at=at,
                           sector=complaint.sector if complaint else "",
                           category=complaint.category if complaint else "",
                           earlier_misses=earlier[0], earlier_opd_misses=earlier[1])
    decisions = rules.evaluate(facts, at=rules_moment(clock, event, at))
    return sanctions_from(clock, decisions, event=event, at=at, facts=facts)


def rules_moment(clock: Clock, event: str, at: datetime) -> datetime:
    """Which rules apply: those in force when the clock ran out (a miss), or now (a warning)."""
    return clock.deadline if event == MISSED else at


def issue(deps: SweepDeps, sanction: Sanction, report: SweepReport, complaint=None) -> None:
    """Conditional put, audit entry, then tell people and the decisions feed (each at least once
    and idempotent: the sanction id is the key of all of them). Shadow rules only record it."""
    # the channel its complaint came in by: the league table splits sanctions by it
    created = deps.sanctions.add(sanction, channel=getattr(complaint, "channel", None) or "app")
    if created:
        if sanction.kind == "warning":
            report.warnings_sent += 1
        else:
            report.sanctions_issued += 1
    else:
        report.duplicates_skipped += 1
    if not deps.acting:
        return
    record_sanction(deps.audit, sanction)
    if not created:
        stored = deps.sanctions.get(sanction.id)
        if stored is not None and stored.get("notified_at"):
            return
    if deps.notify is not None:
        notify_sanction(deps.notify, sanction, complaint)
    deps.notifier.publish(notification(sanction), dedup_id=sanction.id)
    deps.sanctions.mark_notified(sanction.id, sanction.issued_at)


def notification(s: Sanction) -> dict:
    """Who hears about it: the accountable operator (or OPD desk), the OPD head, the Inspectorate."""
    recipients = [f"{s.subject_type}:{s.subject_id}", f"opd-head:{s.opd}", "INSPEKTORAT", *s.notify]
    return {"type": s.kind, "id": s.id, "complaint_id": s.complaint_id, "rule_id": s.rule_id,
            "level": s.level, "subject_type": s.subject_type, "subject_id": s.subject_id, "opd": s.opd,
            "clock": s.clock, "due_at": s.due_at.isoformat(),
            "due_at_wib": format_wib(s.due_at), "hours_late": s.hours_late,
            "rules_version": s.rules_version, "explanation": s.explanation,
            "recipients": sorted(set(recipients))}
