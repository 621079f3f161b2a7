"""HTTP routes of CONTRACT.md. Each parses, calls one service, shapes the response."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from chalice import Blueprint

from ..domain.ids import plausible_id
from ..domain.lifecycle import Action
from ..domain.model import Status
from ..services import complaints as service
from ..wiring import container
from . import schemas
from .errors import ApiError, invalid
from .http import JSON_CONTENT_TYPES, endpoint
from .views import ACTION_PATHS, complaint_view, event_view, sanction_view

api = Blueprint(__name__)
WIB = timezone(timedelta(hours=7))

ACTION_BODIES = {
    Action.CLAIM: schemas.Empty, Action.FOLLOW_UP: schemas.FollowUp, Action.APPROVE: schemas.Approve,
    Action.RETURN: schemas.Reason, Action.TRANSFER: schemas.Transfer, Action.FORWARD: schemas.Forward,
    Action.REJECT: schemas.Reason, Action.REQUEST_INFO: schemas.RequestInfo,
    Action.REPLY: schemas.Reply, Action.RATE: schemas.RatingIn, Action.REOPEN: schemas.Reason,
}


def _view(call, complaint):
    from ..services.deadlines import complaint_deadlines
    return complaint_view(complaint, call.actor, complaint_deadlines(container.clock_deps(), complaint))


@api.route("/v1/health", methods=["GET"])
@endpoint(api, auth=False)
def health(call):
    return {"status": "ok", "rules_version": container.rules.version}


@api.route("/v1/categories", methods=["GET"])
@endpoint(api, auth=False)
def categories(call):
    return [{"code": c.code, "name": c.name, "sector": c.sector, "opd": c.opd}
            for c in container.rules.categories]


@api.route("/v1/opds", methods=["GET"])
@endpoint(api, auth=False)
def opds(call):
    return [{"code": o.code, "name": o.name} for o in container.rules.opds.values()]


@api.route("/v1/jurisdictions", methods=["GET"])
@endpoint(api, auth=False)
def jurisdictions(call):
    return [{"code": j.code, "name": j.name} for j in container.rules.jurisdictions.values()]


@api.route("/v1/rules", methods=["GET"])
@endpoint(api, auth=False)
def rules(call):
    return container.rules.service_levels(container.now())


@api.route("/v1/complaints", methods=["POST"], content_types=JSON_CONTENT_TYPES)
@endpoint(api, body_model=schemas.NewComplaint)
def file_complaint(call):
    key = call.header("idempotency-key")
    if key is not None and not (0 < len(key) <= 128 and key.isascii() and key.isprintable()):
        raise ApiError(400, "invalid_idempotency_key")
    complaint, created = service.submit(container.deps(), call.actor,
                                        call.body.model_dump(exclude_none=True), key)
    headers = {"Location": f"/v1/complaints/{complaint.id}"}
    if not created:
        headers["Idempotent-Replayed"] = "true"
    return 201, _view(call, complaint), headers


@api.route("/v1/complaints", methods=["GET"])
@endpoint(api)
def list_complaints(call):
    status = call.query("status")
    if status is not None and status not in Status.__members__.values():
        raise invalid("status", "not_allowed_value", expected=", ".join(s.value for s in Status))
    overdue = call.query("overdue")
    if overdue not in (None, "true", "false"):
        raise invalid("overdue", "not_allowed_value", expected="true, false")
    page = service.list_complaints(container.deps(), call.actor, status=status, opd=call.query("opd"),
                                   limit=_limit(call), cursor=call.query("cursor"))
    items = [_view(call, c) for c in page.items]
    if overdue is not None:
        items = [i for i in items if i["overdue"] == (overdue == "true")]
    return {"items": items, "next": page.next}


@api.route("/v1/complaints/{complaint_id}", methods=["GET"])
@endpoint(api)
def get_complaint(call, complaint_id):
    return _view(call, service.get(container.deps(), call.actor, complaint_id))


@api.route("/v1/complaints/{complaint_id}/timeline", methods=["GET"])
@endpoint(api)
def get_timeline(call, complaint_id):
    complaint, events = service.timeline(container.deps(), call.actor, complaint_id)
    return [event_view(e, call.actor, complaint) for e in events]


@api.route("/v1/sanctions", methods=["GET"])
@endpoint(api)
def list_sanctions(call):
    actor = call.actor
    opd = call.query("opd")
    if actor.role.value == "supervisor":
        if opd not in (None, actor.opd):
            raise ApiError(403, "forbidden_scope")
        opd = actor.opd
    elif actor.role.value not in ("inspector", "admin"):
        raise ApiError(403, "forbidden")
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
    since = _parse_time(call.query("since"), "since")
    page = container.sanctions.list(complaint=complaint, opd=opd, subject_type=subject_type,
                                    since=since, kind=kind, limit=_limit(call), cursor=call.query("cursor"))
    return {"items": [sanction_view(s) for s in page.items], "next": page.next}


@api.route("/v1/stats/opds", methods=["GET"])
@endpoint(api, auth=False)
def opd_stats(call):
    from ..services.stats import opd_table
    sanctions = container.sanctions

    def sanctions_for(opd, since):
        return sum(1 for _ in _all_pages(lambda cur: sanctions.list(opd=opd, since=since, kind="sanction",
                                                                     limit=100, cursor=cur)))
    return opd_table(container.rules.opds, container.clocks.for_opd, sanctions_for, container.now())


def _all_pages(fetch):
    cursor = None
    while True:
        page = fetch(cursor)
        yield from page.items
        cursor = page.next
        if not cursor:
            return


def _limit(call) -> int:
    text = call.query("limit") or "20"
    if not text.isdigit() or not 1 <= int(text) <= 100:
        raise invalid("limit", "out_of_range")
    return int(text)


def _parse_time(text, field):
    if text is None:
        return None
    try:
        at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise invalid(field, "invalid") from None
    return at if at.tzinfo else at.replace(tzinfo=WIB)    # a bare date means a WIB date


def _action_route(action: Action):
    def take_action(call, complaint_id):
        payload = call.body.model_dump(exclude_none=True)
        return _view(call, service.act(container.deps(), call.actor, complaint_id, action, payload))
    take_action.__name__ = f"complaint_{action.value}"
    wrapped = endpoint(api, body_model=ACTION_BODIES[action])(take_action)
    api.route(f"/v1/complaints/{{complaint_id}}/{ACTION_PATHS[action]}", methods=["POST"],
              content_types=JSON_CONTENT_TYPES)(wrapped)


for _action in Action:
    _action_route(_action)
