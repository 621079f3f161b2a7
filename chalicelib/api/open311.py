"""Open311 GeoReport v2 under /open311/v2/ (and mySociety's servicerequestupdates), in .json and
.xml (docs/open311.md). Each route parses, calls one service, shapes the document.

GETs are public and need no key: they show only public complaints, cut for the PUBLIC audience.
POST requests needs a client application's api_key (services/open311_keys.py); anything else that
is wrong is the spec's error document with a 4xx (api/open311_http.py).
"""
from __future__ import annotations

import re

from chalice import Blueprint

from ..domain.errors import NotFound
from ..services import attachments as attachment_service
from ..services import open311 as service
from ..services.clocks import complaint_deadlines
from ..services.open311_keys import verify
from ..services.open311_updates import updates
from ..wiring import container
from . import open311_views as views
from .errors import ApiError, invalid
from .http import source_ip
from .open311_forms import new_request as form_request
from .open311_forms import read_form
from .open311_http import Document, route
from .public import photo_path
from .queries import idempotency_key, parse_time

api = Blueprint(__name__)
BASE = "/open311/v2"
# any request media type reaches the route (Chalice would answer a GET with a form type 415 itself):
# POST's form type is checked by open311_forms, to answer in the spec's shape
ANY_TYPE = ["*/*"]
_HOST = re.compile(r"[A-Za-z0-9.-]{1,253}(?::[0-9]{1,5})?")
_STAGE = re.compile(r"(?:/[A-Za-z0-9_-]{1,64})?")     # API Gateway's stage in the path (`/api`), if any


def _both(path: str, methods: tuple[str, ...] = ("GET",)):
    """Register fn for `<path>.json` and `<path>.xml`."""
    def wrap(fn):
        for fmt in ("json", "xml"):
            handler = route(api, fmt=fmt)(fn)
            handler.__name__ = f"{fn.__name__}_{fmt}"
            api.route(f"{BASE}/{path}.{fmt}", methods=list(methods), content_types=ANY_TYPE)(handler)
        return fn
    return wrap


def _jurisdiction(value: str | None) -> None:
    """One jurisdiction is served here: absent or ours is fine, another one does not exist."""
    if value not in (None, "", views.JURISDICTION_ID):
        raise ApiError(404, "open311_unknown_jurisdiction", expected=views.JURISDICTION_ID)


def _list(call, name: str) -> list[str]:
    """A comma-delimited parameter (the spec's "can be declared multiple times")."""
    return [part.strip() for part in (call.query(name) or "").split(",") if part.strip()]


def base_url(request) -> str:
    """This endpoint's address for discovery: the gateway's domain (or the Host header, when it is
    a plain host name) and the stage prefix the gateway serves it under; else a relative path."""
    ctx = request.context or {}
    host = ctx.get("domainName") or (request.headers or {}).get("host") or ""
    if not (isinstance(host, str) and _HOST.fullmatch(host)):
        return BASE
    path, resource = ctx.get("path") or "", ctx.get("resourcePath") or ""
    prefix = path[:-len(resource)] if isinstance(path, str) and resource and path.endswith(resource) else ""
    prefix = prefix if _STAGE.fullmatch(prefix) else ""
    scheme = "http" if host.split(":")[0] in ("127.0.0.1", "localhost") else "https"
    return f"{scheme}://{host}{prefix.rstrip('/')}{BASE}"


@_both("discovery")
def discovery(call, fmt):
    return Document("discovery", views.discovery(base_url(call.request), call.lang))


@_both("services")
def services(call, fmt):
    _jurisdiction(call.query("jurisdiction_id"))
    rules = container.rules
    return Document("services", [views.service(c, rules, call.lang) for c in rules.categories], "service")


@api.route(f"{BASE}/services/{{service_file}}", methods=["GET"], content_types=ANY_TYPE)
@route(api, file_param="service_file")
def service_definition(call, fmt, service_file):
    _jurisdiction(call.query("jurisdiction_id"))
    category = container.rules.category(service_file)
    if category is None:
        raise ApiError(404, "open311_service_not_found")
    return Document("service_definition", views.definition(category))


def _filter(call) -> service.RequestFilter:
    ids = _list(call, "service_request_id")
    if ids:
        return service.RequestFilter(ids=tuple(ids))
    codes = _list(call, "service_code")
    unknown = [c for c in codes if container.rules.category(c) is None]
    if unknown:
        raise invalid("service_code", "open311_unknown_service", value=unknown[0][:64])
    statuses = _list(call, "status")
    if any(s not in service.OPEN311_STATUSES for s in statuses):
        raise invalid("status", "not_allowed_value", expected=", ".join(service.OPEN311_STATUSES))
    w = service.window(parse_time(call.query("start_date"), "start_date"),
                       parse_time(call.query("end_date"), "end_date"), container.now())
    return service.RequestFilter(services=frozenset(codes), statuses=frozenset(statuses), window=w)


@_both("requests")
def get_requests(call, fmt):
    _jurisdiction(call.query("jurisdiction_id"))
    found = service.find_requests(container.deps(), container.clock_deps(), _filter(call))
    rules, counts = container.rules, _supporters([i.complaint.id for i in found])
    photos = _photos(call, [i.complaint for i in found])
    return Document("service_requests", [views.request(i, rules, call.lang, counts.get(i.complaint.id, 0),
                                                       photos.get(i.complaint.id, ""))
                                         for i in found], "request")


def _photos(call, complaints) -> dict[str, str]:
    """complaint id -> `media_url` (the public photo route of its photo), for those with one."""
    root = base_url(call.request)[:-len(BASE)]
    ids = attachment_service.complaint_photos(container.attachment_deps(), complaints)
    return {c: root + photo_path(c, a) for c, a in ids.items()}


def _photo_url(call, complaint_id: str, attachment_id: str | None) -> str:
    return base_url(call.request)[:-len(BASE)] + photo_path(complaint_id, attachment_id) if attachment_id else ""


def _supporters(ids: list[str]) -> dict[str, int]:
    """Supporters of a page of public complaints, a batch read per 100 (the league table counts
    them the same way)."""
    out: dict[str, int] = {}
    for start in range(0, len(ids), 100):
        out.update(container.repo.supporters(ids[start:start + 100]))
    return out


@_both("requests", methods=("POST",))
def post_request(call, fmt):
    form = read_form(call.request, container.settings.max_body_bytes)
    key = verify(container.open311_keys, form.get("api_key"))
    if key is None:
        raise ApiError(403, "open311_invalid_api_key")
    _jurisdiction(form.get("jurisdiction_id"))
    rules = container.rules
    complaint, created = service.submit_request(
        container.deps(), key, form_request(form, rules), idempotency_key=idempotency_key(call),
        source_ip=source_ip(call.request))
    notice = views.filed_notice(complaint, complaint_deadlines(container.clock_deps(), complaint), rules, call.lang)
    headers = {} if created else {"Idempotent-Replayed": "true"}
    return Document("service_requests", [{"service_request_id": complaint.id, "service_notice": notice,
                                          "account_id": None}], "request", 201 if created else 200, headers)


@api.route(f"{BASE}/requests/{{request_file}}", methods=["GET"], content_types=ANY_TYPE)
@route(api, file_param="request_file")
def get_request(call, fmt, request_file):
    _jurisdiction(call.query("jurisdiction_id"))
    item = service.get_request(container.deps(), container.clock_deps(), request_file)
    count = _supporters([item.complaint.id]).get(item.complaint.id, 0)
    photo = _photos(call, [item.complaint]).get(item.complaint.id, "")
    return Document("service_requests", [views.request(item, container.rules, call.lang, count, photo)], "request")


@api.route(f"{BASE}/tokens/{{token_file}}", methods=["GET"], content_types=ANY_TYPE)
@route(api, file_param="token_file")
def get_token(call, fmt, token_file):
    """Requests are created at once (type "realtime"), so a request's token is its id."""
    _jurisdiction(call.query("jurisdiction_id"))
    try:
        item = service.get_request(container.deps(), container.clock_deps(), token_file)
    except NotFound:
        raise ApiError(404, "open311_token_not_found") from None
    return Document("service_requests", [{"service_request_id": item.complaint.id, "token": token_file}], "request")


@_both("servicerequestupdates")
def service_request_updates(call, fmt):
    _jurisdiction(call.query("jurisdiction_id"))
    w = service.window(parse_time(call.query("start_date"), "start_date"),
                       parse_time(call.query("end_date"), "end_date"), container.now())
    rules = container.rules
    found = updates(container.deps(), container.audit, w)
    shown = [views.update(u, rules, call.lang, _photo_url(call, u.complaint.id, u.photo)) for u in found]
    return Document("service_request_updates", shown, "request_update")
