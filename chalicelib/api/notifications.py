"""A person's notifications (CONTRACT.md, Additions): the route parses; what is listed is the
caller's own partition only (services/notifications.py stored it there), so no one can reach
another person's notifications by any id."""
from __future__ import annotations

from chalice import Blueprint

from ..domain.errors import NotFound
from ..domain.times import iso_utc
from ..services.ports import StoredNotification
from ..wiring import container
from .http import JSON_CONTENT_TYPES, endpoint
from .queries import page_limit

api = Blueprint(__name__)


def notification_view(n: StoredNotification, lang: str) -> dict:
    lang = lang if lang in n.title else "id"
    return {"id": n.id, "at": iso_utc(n.at), "type": n.type, "complaint_id": n.complaint_id,
            "title": n.title.get(lang, ""), "body": n.body.get(lang, ""),
            "read_at": iso_utc(n.read_at) if n.read_at else None}


@api.route("/v1/me/notifications", methods=["GET"])
@endpoint(api)
def my_notifications(call):
    page = container.notifications.list(call.actor.sub, limit=page_limit(call), cursor=call.query("cursor"))
    return {"items": [notification_view(n, call.lang) for n in page.items], "next": page.next}


@api.route("/v1/me/notifications/{notification_id}/read", methods=["POST"], content_types=JSON_CONTENT_TYPES)
@endpoint(api)
def mark_read(call, notification_id):
    n = container.notifications.mark_read(call.actor.sub, notification_id, container.now())
    if n is None:
        raise NotFound("notification_not_found")
    return notification_view(n, call.lang)
