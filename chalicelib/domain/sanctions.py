"""Sanctions and warnings: what a missed (or nearly missed) clock produces, and who answers for it.

A sanction's id is deterministic — complaint, clock and rule — so however often a sweep or the
stream repeats, one missed clock yields each of its sanctions exactly once.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from .clocks import Clock

OPERATOR_DESK = "desk"     # the OPD's operator desk answers when nobody claimed the complaint
PERSON, DESK, AGENCY = "person", OPERATOR_DESK, "opd"   # the values of the `answering` fact
PRIMARY_TABLES = ("operator", "opd")   # the sanctions files whose decision is the one per miss
MISSED, PROGRESS = "missed", "progress"  # the two things the sweep tells the sanction rules


@dataclass(frozen=True)
class Sanction:
    id: str
    kind: str                  # "sanction" | "warning" | "report"
    complaint_id: str
    subject_type: str          # "operator" | "opd"
    subject_id: str
    opd: str
    rule_id: str
    level: str
    clock: str                 # "followup" | "approval"
    clock_key: str
    due_at: datetime
    issued_at: datetime
    hours_late: float
    rules_version: str
    reference: str
    explanation: dict          # {"id": ..., "en": ...}
    facts: dict = field(default_factory=dict)
    notify: tuple[str, ...] = ()
    summary: dict = field(default_factory=dict)      # the rule's sentence without the audit detail

    @property
    def subject(self) -> str:
        return f"{self.subject_type}#{self.subject_id}"


class RuleDecision(Protocol):
    """What the sanction rules decided (chalicelib.rules.model.Decision has this shape)."""

    rule_id: str
    table: str
    level: str
    subject_type: str
    reference: str
    explanation: dict
    rules_version: str
    notify: str | None
    summary: dict


def answering_type(clock: Clock) -> str:
    """Who answers for a clock: the operator for the follow-up, the OPD for the approval
    (CONTRACT.md, default rules). The one place this is decided."""
    return "operator" if clock.name == "followup" else "opd"


def answering(clock: Clock) -> str:
    """What answers for the clock, as the sanction rules see it (the `answering` fact): a named
    operator who claimed or was assigned the complaint (PERSON), the OPD's shared operator desk
    when nobody did (DESK), or the OPD itself for the approval clock (AGENCY). A desk is not a
    person: rules/sanctions escalate its repeat misses to the OPD head, never to a personal
    written reprimand (sanction.desk.repeat)."""
    if answering_type(clock) != "operator":
        return AGENCY
    return PERSON if clock.holder else DESK


def accountable(clock: Clock, subject_type: str) -> str:
    """Who a decision about this clock names: the operator who held the complaint (else the OPD's
    operator desk) for an operator decision, the OPD for an OPD decision."""
    if subject_type == "operator":
        return clock.holder or f"{clock.opd}:{OPERATOR_DESK}"
    return clock.opd


def subject_key(subject_type: str, subject_id: str) -> str:
    return f"{subject_type}#{subject_id}"


def miss_window(clock: Clock, window_days: int) -> tuple[datetime, datetime]:
    """Earlier misses count toward escalation when they were due in [due - window, due)."""
    return clock.deadline - timedelta(days=window_days), clock.deadline


def sweep_step(clock: Clock, *, warned: bool, settled: bool, at: datetime) -> str | None:
    """What a sweep at `at` must do with this clock: MISSED (issue its sanctions), PROGRESS (warn
    before the deadline) or None. A clock first seen past its due time gets no warning."""
    if not settled and clock.overdue_at(at):
        return MISSED
    warn_at = clock.warn_at()
    if not warned and warn_at is not None and warn_at <= at:
        return PROGRESS
    return None


def sanction_facts(clock: Clock, *, event: str, at: datetime, sector: str, category: str,
                   earlier_misses: int, earlier_opd_misses: int) -> dict:
    """The facts the sanction rules see (rules/sanctions vocabulary) for one clock at `at`.

    `misses` counts the misses of whoever answers for the clock within the monitoring window,
    this one included; `opd_misses` counts the OPD's approval misses, this one included;
    `answering` says whether a person, the OPD's desk or the OPD answers for it."""
    return {"event": event, "clock": clock.name, "opd": clock.opd, "subject_type": answering_type(clock),
            "answering": answering(clock),
            "sector": sector, "category": category,
            "hours_late": hours_late(clock, at) if event == MISSED else 0,
            "used_percent": used_percent(clock, at),
            "misses": earlier_misses + 1, "opd_misses": earlier_opd_misses + 1}


def sanctions_from(clock: Clock, decisions: list[RuleDecision], *, event: str, at: datetime,
                   facts: dict) -> list[Sanction]:
    """The rules' decisions as sanctions, warnings and reports under deterministic ids."""
    out = []
    for d in decisions:
        kind = "warning" if event == PROGRESS else ("sanction" if d.table in PRIMARY_TABLES else "report")
        out.append(Sanction(
            id=sanction_id(clock.complaint_id, clock, d.rule_id), kind=kind,
            complaint_id=clock.complaint_id, subject_type=d.subject_type,
            subject_id=accountable(clock, d.subject_type), opd=clock.opd, rule_id=d.rule_id,
            level=d.level, clock=clock.name, clock_key=clock.key, due_at=clock.deadline, issued_at=at,
            hours_late=facts["hours_late"], rules_version=d.rules_version, reference=d.reference,
            explanation=d.explanation, facts=facts, notify=(d.notify,) if d.notify else (),
            summary=dict(d.summary or {})))
    return out


def sanction_id(complaint_id: str, clock: Clock, rule_id: str) -> str:
    return f"{complaint_id}:{clock.key}:{rule_id}"


def hours_late(clock: Clock, at: datetime) -> float:
    end = clock.ended_at if clock.ended_at is not None and clock.state == "stopped" else at
    return round(max(0.0, (end - clock.deadline).total_seconds() / 3600), 2)


def used_percent(clock: Clock, at: datetime) -> float:
    """Share of a running clock's budget used by `at`, in percent (100 = due)."""
    budget = clock.policy.hours * 3600
    left = (clock.due_at - at).total_seconds() if clock.due_at else budget
    return round(100 * (1 - left / budget), 1) if budget else 100.0


def next_check(clock: Clock, warned: bool, settled: bool) -> datetime | None:
    """When the sweep must look at this clock next, or None: the warning time while it runs and
    no warning went out, and the due time while it can still be (or was) missed and no sanction
    was issued. The sparse index holds only clocks with a next check."""
    if settled:
        return None
    times: list[datetime] = []
    warn_at = clock.warn_at()
    if clock.state == "running" and not warned and warn_at is not None:
        times.append(warn_at)
    if clock.missed:
        times.append(clock.deadline)
    return min(times) if times else None
