"""Sanctions: who may see which (supervisors their OPD's, inspectors and admins all)."""
from __future__ import annotations

from chalice import Blueprint

from ..domain import policy
from ..domain.ids import plausible_id
from ..wiring import container
from .errors import ApiError, invalid
from .http import endpoint
from .queries import page_limit, parse_time
from .views import sanction_view

api = Blueprint(__name__)


@api.route("/v1/sanctions", methods=["GET"])
@endpoint(api)
def list_sanctions(call):
    scope, opd = policy.sanction_scope(call.actor), call.query("opd")
    if scope is None:
        raise ApiError(403, "forbidden")
    if "opd" in scope:
        if opd not in (None, scope["opd"]):
            raise ApiError(403, "forbidden_scope")
        opd = scope["opd"]
    if opd is not None and opd not in container.rules.opds:
        raise invalid("opd", "unknown_opd", value=opd[:64])
    complaint = call.query("complaint")
    if complaint is not None and not plausible_id(complaint):
        raise invalid("complaint", "invalid")
    subject_type = call.query("subject_type")
    if subject_type not in (None, "operator", "opd"):
        raise invalid("subject_type", "not_allowed_value", expected="operator, opd")
    kind = call.query("kind") or "sanction"
    if kind not in ("sanction", "warning", "report"):
        raise invalid("kind", "not_allowed_value", expected="sanction, warning, report")
    since = parse_time(call.query("since"), "since")
    page = container.sanctions.list(complaint=complaint, opd=opd, subject_type=subject_type,
                                    since=since, kind=kind, limit=page_limit(call), cursor=call.query("cursor"))
    return {"items": [sanction_view(s) for s in page.items], "next": page.next}
