"""Sanctions and warnings: what a missed (or nearly missed) clock produces, and who answers for it.

A sanction's id is deterministic — complaint, clock and rule — so however often a sweep or the
stream repeats, one missed clock yields each of its sanctions exactly once.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .clocks import Clock

OPERATOR_DESK = "desk"     # the OPD's operator desk answers when nobody claimed the complaint


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

    @property
    def subject(self) -> str:
        return f"{self.subject_type}#{self.subject_id}"


def accountable(clock: Clock, subject_type: str) -> str:
    """Who a decision about this clock names: the operator who held the complaint (else the OPD's
    operator desk) for an operator decision, the OPD for an OPD decision."""
    if subject_type == "operator":
        return clock.holder or f"{clock.opd}:{OPERATOR_DESK}"
    return clock.opd


def sanction_id(complaint_id: str, clock: Clock, rule_id: str) -> str:
    return f"{complaint_id}:{clock.key}:{rule_id}"


def hours_late(clock: Clock, at: datetime) -> float:
    end = clock.ended_at if clock.ended_at is not None and clock.state == "stopped" else at
    return round(max(0.0, (end - clock.due_at).total_seconds() / 3600), 2)


def used_percent(clock: Clock, at: datetime) -> float:
    """Share of a running clock's budget used by `at`, in percent (100 = due)."""
    budget = clock.policy.hours * 3600
    left = (clock.due_at - at).total_seconds() if clock.due_at else budget
    return round(100 * (1 - left / budget), 1) if budget else 100.0


def next_check(clock: Clock, warned: bool, settled: bool):
    """When the sweep must look at this clock next, or None: the warning time while it runs and
    no warning went out, and the due time while it can still be (or was) missed and no sanction
    was issued. The sparse index holds only clocks with a next check."""
    if settled:
        return None
    times = []
    if clock.state == "running" and not warned and clock.warn_at() is not None:
        times.append(clock.warn_at())
    if clock.missed:
        times.append(clock.due_at)
    return min(times) if times else None
