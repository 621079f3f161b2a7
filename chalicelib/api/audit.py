"""The audit trail for oversight: the route parses, services/audit.py decides who may read it."""
from __future__ import annotations

from chalice import Blueprint

from ..domain.audit import AuditEntry
from ..domain.times import iso_utc
from ..services.audit import list_audit
from ..wiring import container
from .http import endpoint
from .queries import page_limit, parse_time

api = Blueprint(__name__)


def audit_view(e: AuditEntry) -> dict:
    return {"at": iso_utc(e.at), "actor_role": e.actor_role, "actor_id": e.actor_id, "action": e.action,
            "complaint_id": e.complaint_id, "source_ip": e.source_ip}


@api.route("/v1/audit", methods=["GET"])
@endpoint(api)
def audit_trail(call):
    page = list_audit(container.audit, call.actor, complaint=call.query("complaint"),
                      actor_id=call.query("actor"), since=parse_time(call.query("since"), "since"),
                      limit=page_limit(call), cursor=call.query("cursor"))
    return {"items": [audit_view(e) for e in page.items], "next": page.next}
