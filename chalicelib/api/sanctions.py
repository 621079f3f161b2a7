"""Sanctions: the route parses the query, services/sanctions.py decides who sees which."""
from __future__ import annotations

from chalice import Blueprint

from ..services.sanctions import list_sanctions as service_list
from ..services.shadow import list_shadow_decisions
from ..wiring import container
from .http import endpoint
from .queries import page_limit, parse_time
from .views import sanction_view

api = Blueprint(__name__)


@api.route("/v1/sanctions", methods=["GET"])
@endpoint(api)
def list_sanctions(call):
    page = service_list(container.sanction_deps(), call.actor, complaint=call.query("complaint"),
                        opd=call.query("opd"), subject_type=call.query("subject_type"),
                        kind=call.query("kind"), since=parse_time(call.query("since"), "since"),
                        limit=page_limit(call), cursor=call.query("cursor"))
    return {"items": [sanction_view(s) for s in page.items], "next": page.next}


@api.route("/v1/sanctions/shadow", methods=["GET"])
@endpoint(api)
def list_shadow_decisions_route(call):
    """What the stage's shadow rules would have decided (services/shadow.py), for oversight."""
    deps = container.shadow_deps()
    page = list_shadow_decisions(deps, call.actor, complaint=call.query("complaint"), opd=call.query("opd"),
                                 subject_type=call.query("subject_type"), kind=call.query("kind"),
                                 since=parse_time(call.query("since"), "since"), limit=page_limit(call),
                                 cursor=call.query("cursor"))
    return {"items": [{**sanction_view(d.sanction), "in_active": d.in_active} for d in page.items],
            "next": page.next, "shadow_rules_version": deps.rules_version,
            "active_rules_version": container.rules.version}
