"""Complaint routes of CONTRACT.md. Each parses, calls one service, shapes the response."""
from __future__ import annotations

import logging

from chalice import Blueprint

from ..domain import policy
from ..domain.commands import FileComplaint
from ..domain.lifecycle import Action
from ..domain.model import Status
from ..services import complaints as service
from ..services.claims import claim_ownership as claim_service
from ..services.clocks import complaint_deadlines
from ..services.public import similar as similar_complaints
from ..wiring import container
from . import schemas
from .errors import invalid
from .http import JSON_CONTENT_TYPES, endpoint
from .public import public_item_view
from .queries import idempotency_key, if_match, page_limit, parse_bool
from .views import ACTION_PATHS, complaint_view, timeline_view

api = Blueprint(__name__)
log = logging.getLogger("lampungin.api")

ACTION_BODIES = {
    Action.CLAIM: schemas.Empty, Action.FOLLOW_UP: schemas.FollowUp, Action.APPROVE: schemas.Approve,
    Action.RETURN: schemas.Reason, Action.TRANSFER: schemas.Transfer, Action.FORWARD: schemas.Forward,
    Action.REJECT: schemas.Reason, Action.REQUEST_INFO: schemas.RequestInfo,
    Action.REPLY: schemas.Reply, Action.RATE: schemas.RatingIn, Action.REOPEN: schemas.Reason,
    Action.ASSIGN: schemas.Assign, Action.DISPOSE: schemas.Dispose,
}


def _view(call, complaint, timeline=None):
    """One complaint, as just read or changed: its deadlines from a fresh replay (of `timeline`
    when the request has just written all of it)."""
    return complaint_view(complaint, call.actor, complaint_deadlines(container.clock_deps(), complaint, timeline))


@api.route("/v1/complaints", methods=["POST"], content_types=JSON_CONTENT_TYPES)
@endpoint(api, body_model=schemas.NewComplaint)
def file_complaint(call):
    key = idempotency_key(call)
    command = FileComplaint.from_request(call.body.model_dump(exclude_none=True))
    filed = service.file(container.deps(), call.actor, command, key)
    complaint = filed.complaint
    headers = {"Location": f"/v1/complaints/{complaint.id}"}
    if not filed.created:
        headers["Idempotent-Replayed"] = "true"
    return 201, {**_view(call, complaint, filed.timeline), **_similar(call, complaint)}, headers


def _similar(call, complaint) -> dict:
    """`similar` (the filer only, domain/policy.COMPLAINT_FIELDS): open public complaints like this
    one nearby, to support instead. The complaint is stored by now: a failure here is logged and
    offers nothing, it never fails the filing."""
    if "similar" not in policy.complaint_fields(call.actor, complaint):
        return {}
    try:
        offered = similar_complaints(container.public_deps(), call.actor, complaint)
    except Exception:      # a store or rules failure: the filing stands, without the offer
        log.exception("similar complaints for %s", complaint.id)
        offered = []
    return {"similar": [public_item_view(i) for i in offered]}


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
    complaint = service.read(container.deps(), container.audit, call.actor, complaint_id)
    return 200, _view(call, complaint), _etag(complaint)


@api.route("/v1/complaints/{complaint_id}/timeline", methods=["GET"])
@endpoint(api)
def get_timeline(call, complaint_id):
    complaint, events = service.read_timeline(container.deps(), container.audit, call.actor, complaint_id)
    return timeline_view(events, call.actor, complaint, call.lang)


@api.route("/v1/complaints/{complaint_id}/notes", methods=["POST"], content_types=JSON_CONTENT_TYPES)
@endpoint(api, body_model=schemas.Note)
def add_note(call, complaint_id):
    """201 with the note as the caller's timeline shows it (schemas.TimelineEvent), `ETag` the
    complaint's new version (schemas.Note)."""
    complaint, event = service.add_note(container.deps(), call.actor, complaint_id, call.body.note,
                                        expected_version=_if_match(call))
    [shown] = timeline_view([event], call.actor, complaint, call.lang)    # staff see their notes
    return 201, shown, {**_etag(complaint), "Location": f"/v1/complaints/{complaint.id}/timeline"}


@api.route("/v1/complaints/{complaint_id}/claim-ownership", methods=["POST"], content_types=JSON_CONTENT_TYPES)
@endpoint(api, body_model=schemas.ClaimOwnership)
def claim_ownership(call, complaint_id):
    """A person filed for at a desk takes it into their own account (services/claims.py)."""
    complaint = claim_service(container.claim_deps(), call.actor, complaint_id, call.body.code)
    return 200, _view(call, complaint), _etag(complaint)


def _etag(complaint) -> dict:
    return {"ETag": f'"{complaint.version}"'}


_if_match = if_match      # `If-Match: 3` (or `"3"`): version 3 or 409; parsed in queries.py, with every header


def _action_route(action: Action):
    def take_action(call, complaint_id):
        payload = call.body.model_dump(exclude_none=True)
        if action == Action.FOLLOW_UP:      # may carry photos of the work done (its attachments)
            complaint = service.follow_up(container.deps(), container.attachments, call.actor, complaint_id,
                                          payload, expected_version=_if_match(call))
        else:
            complaint = service.act(container.deps(), call.actor, complaint_id, action, payload,
                                    expected_version=_if_match(call))
        return 200, _view(call, complaint), _etag(complaint)
    take_action.__name__ = f"complaint_{action.value}"
    wrapped = endpoint(api, body_model=ACTION_BODIES[action])(take_action)
    api.route(f"/v1/complaints/{{complaint_id}}/{ACTION_PATHS[action]}", methods=["POST"],
              content_types=JSON_CONTENT_TYPES)(wrapped)


for _action in Action:
    if _action != Action.NOTE and _action in ACTION_PATHS:   # notes: their own route above (201 with the event)
        _action_route(_action)
