"""Complaint routes of CONTRACT.md. Each parses, calls one service, shapes the response."""
from __future__ import annotations

import re

from chalice import Blueprint

from ..domain.commands import FileComplaint
from ..domain.lifecycle import Action
from ..domain.model import Status
from ..services import complaints as service
from ..services.clocks import complaint_deadlines
from ..wiring import container
from . import schemas
from .errors import ApiError, invalid
from .http import JSON_CONTENT_TYPES, endpoint
from .queries import page_limit, parse_bool
from .views import ACTION_PATHS, complaint_view, event_view

api = Blueprint(__name__)
VERSION = re.compile(r"[0-9]{1,9}")

ACTION_BODIES = {
    Action.CLAIM: schemas.Empty, Action.FOLLOW_UP: schemas.FollowUp, Action.APPROVE: schemas.Approve,
    Action.RETURN: schemas.Reason, Action.TRANSFER: schemas.Transfer, Action.FORWARD: schemas.Forward,
    Action.REJECT: schemas.Reason, Action.REQUEST_INFO: schemas.RequestInfo,
    Action.REPLY: schemas.Reply, Action.RATE: schemas.RatingIn, Action.REOPEN: schemas.Reason,
}


def _view(call, complaint):
    """One complaint, as just read or changed: its deadlines from a fresh replay."""
    return complaint_view(complaint, call.actor, complaint_deadlines(container.clock_deps(), complaint))


@api.route("/v1/complaints", methods=["POST"], content_types=JSON_CONTENT_TYPES)
@endpoint(api, body_model=schemas.NewComplaint)
def file_complaint(call):
    key = call.header("idempotency-key")
    if key is not None and not (0 < len(key) <= 128 and key.isascii() and key.isprintable()):
        raise ApiError(400, "invalid_idempotency_key")
    command = FileComplaint.from_request(call.body.model_dump(exclude_none=True))
    complaint, created = service.submit(container.deps(), call.actor, command, key)
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
    page = service.list_complaints(container.deps(), container.clock_deps(), call.actor,
                                   status=status, opd=call.query("opd"),
                                   overdue=parse_bool(call, "overdue"), limit=page_limit(call),
                                   cursor=call.query("cursor"))
    return {"items": [complaint_view(i.complaint, call.actor, i.deadlines) for i in page.items],
            "next": page.next}


@api.route("/v1/complaints/{complaint_id}", methods=["GET"])
@endpoint(api)
def get_complaint(call, complaint_id):
    complaint = service.get(container.deps(), call.actor, complaint_id)
    return 200, _view(call, complaint), _etag(complaint)


@api.route("/v1/complaints/{complaint_id}/timeline", methods=["GET"])
@endpoint(api)
def get_timeline(call, complaint_id):
    complaint, events = service.timeline(container.deps(), call.actor, complaint_id)
    return [event_view(e, call.actor, complaint) for e in events]


def _etag(complaint) -> dict:
    return {"ETag": f'"{complaint.version}"'}


def _if_match(call) -> int | None:
    """`If-Match: 3` (or `"3"`): act only on version 3 of the complaint, else 409."""
    text = call.header("if-match")
    if text is None:
        return None
    text = text.strip().removeprefix("W/").strip('"')
    if not VERSION.fullmatch(text):           # ASCII digits only: "²".isdigit() is true
        raise ApiError(400, "invalid_if_match")
    return int(text)


def _action_route(action: Action):
    def take_action(call, complaint_id):
        payload = call.body.model_dump(exclude_none=True)
        complaint = service.act(container.deps(), call.actor, complaint_id, action, payload,
                                expected_version=_if_match(call))
        return 200, _view(call, complaint), _etag(complaint)
    take_action.__name__ = f"complaint_{action.value}"
    wrapped = endpoint(api, body_model=ACTION_BODIES[action])(take_action)
    api.route(f"/v1/complaints/{{complaint_id}}/{ACTION_PATHS[action]}", methods=["POST"],
              content_types=JSON_CONTENT_TYPES)(wrapped)


for _action in Action:
    _action_route(_action)
