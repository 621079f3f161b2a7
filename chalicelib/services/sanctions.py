"""Reading sanctions (and the warnings and reports listed like them): who may see which.

Operators see their own, supervisors their own OPD's, inspectors and admins every OPD's; citizens
get no sanctions list (domain/policy.sanction_scope decides). The scope is applied here, before the
repository is asked, so a filter in the query string can narrow what a caller sees but never
widen it.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from ..domain import policy
from ..domain.errors import Forbidden, Invalid
from ..domain.governments import government_of
from ..domain.ids import plausible_id
from ..domain.model import Actor
from .paging import check_limit
from .ports import Page, SanctionRepository

SUBJECT_TYPES = ("operator", "opd")
KINDS = ("sanction", "warning", "report")


@dataclass
class SanctionDeps:
    sanctions: SanctionRepository
    opds: Mapping[str, object]          # the OPDs the rules bundle knows, by code


def list_sanctions(deps: SanctionDeps, actor: Actor, *, complaint: str | None = None,
                   opd: str | None = None, subject_type: str | None = None, kind: str | None = None,
                   since: datetime | None = None, limit: int = 20, cursor: str | None = None) -> Page:
    """Newest first, `limit` a page; Forbidden for callers without a sanctions list or asking
    for another OPD's, Invalid for a filter value that cannot match anything."""
    scope = policy.sanction_scope(actor)
    if scope is None:
        raise Forbidden("forbidden")
    if "opd" in scope:
        if opd not in (None, scope["opd"]):
            raise Forbidden("forbidden_scope")
        opd = scope["opd"]
    if opd is not None and opd not in deps.opds:
        raise Invalid("unknown_opd", field="opd", value=opd[:64])
    government = scope.get("government")          # a kabupaten/kota's inspector: its OPDs only
    if government is not None and opd is not None and government_of(opd) != government:
        raise Forbidden("forbidden_scope")
    if complaint is not None and not plausible_id(complaint):
        raise Invalid("invalid", field="complaint")
    if subject_type not in (None, *SUBJECT_TYPES):
        raise Invalid("not_allowed_value", field="subject_type", expected=", ".join(SUBJECT_TYPES))
    kind = kind or "sanction"
    if kind not in KINDS:
        raise Invalid("not_allowed_value", field="kind", expected=", ".join(KINDS))
    check_limit(limit)
    return deps.sanctions.list(complaint=complaint, opd=opd, subject_type=subject_type, since=since,
                               kind=kind, limit=limit, cursor=cursor, subject=scope.get("subject"),
                               **({"government": government} if government is not None else {}))
