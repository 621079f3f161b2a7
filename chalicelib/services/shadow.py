"""Shadow mode: proposed rules evaluated beside the rules in force, on the real timelines, without
acting on anything.

A stage may carry a second compiled rules bundle (settings SHADOW_RULES). Each change a complaint
goes through is replayed into the shadow rules' own clocks (the same `reconcile`, with the shadow
bundle's deadlines and calendar) and the sweep runs the same `sweep` over them, so a shadow
deadline longer or shorter than the active one falls due at its own time. Its decisions go to
tables of their own: nobody is told, nothing is audited, no queue, league table or escalation
count of the rules in force sees them. What inspectors read (GET /v1/sanctions/shadow) is "this is
what the proposed rules would have decided", each marked with whether the rules in force decided
the same. Why not replay at the end (`rules whatif`)? That answers "what if these rules had been in
force"; shadow mode answers it as the weeks go by, on complaints whose history is still being made,
before anyone signs the Pergub.

A shadow failure never holds up the rules in force: the stream handler and the sweep log it and go
on (chalicelib/handlers.py); the shadow clocks catch up with the complaint's next change.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from ..domain import policy
from ..domain.errors import Forbidden
from ..domain.model import Actor
from .ports import Page, SanctionRepository
from .sanctions import SanctionDeps, list_sanctions


@dataclass(frozen=True)
class ShadowDecision:
    """A decision of the shadow rules, and whether the rules in force took the same one (the same
    complaint, clock and rule: sanction ids are deterministic)."""

    sanction: object
    in_active: bool


@dataclass
class ShadowDeps:
    decisions: SanctionRepository       # the shadow rules' decisions (table shadow-sanctions)
    active: SanctionRepository          # the rules in force's (table sanctions)
    opds: dict
    rules_version: str | None           # the shadow bundle configured now, or None (shadow mode off)


def list_shadow_decisions(deps: ShadowDeps, actor: Actor, *, complaint: str | None = None,
                          opd: str | None = None, subject_type: str | None = None, kind: str | None = None,
                          since: datetime | None = None, limit: int = 20, cursor: str | None = None) -> Page:
    """Newest first, with the filters of GET /v1/sanctions; decisions recorded under an earlier
    shadow bundle stay listed (each names its `rules_version`). Forbidden but for oversight."""
    if policy.shadow_scope(actor) is None:
        raise Forbidden("forbidden")
    page = list_sanctions(SanctionDeps(sanctions=deps.decisions, opds=deps.opds), actor, complaint=complaint,
                          opd=opd, subject_type=subject_type, kind=kind, since=since, limit=limit,
                          cursor=cursor)
    same = deps.active.existing([s.id for s in page.items]) if page.items else set()
    return replace(page, items=[ShadowDecision(s, s.id in same) for s in page.items])
