"""The thin layer between Chalice and the services: authenticate, parse, call, map errors.

Every route goes through `endpoint`, so every error leaves in the contract's shape and in the
caller's language, and nothing a client sends can produce a 5xx.
"""
from __future__ import annotations

import functools
import json
import logging
from dataclasses import dataclass, replace
from typing import Any

from chalice import Response

from ..adapters.auth import Unauthenticated
from ..domain.errors import DomainError
from ..domain.model import Actor
from ..services.complaints import IdempotencyKeyReused
from ..services.ports import BadCursor
from ..wiring import container
from .errors import ApiError, body, from_domain
from .messages import pick_language
from .queries import MAX_PARAM_CHARS, header_value, plausible_path_part, query_value
from .schemas import parse

log = logging.getLogger("lampungin.api")
JSON_CONTENT_TYPES = ["*/*"]      # we check the media type ourselves, to answer in our own shape


@dataclass
class Call:
    request: Any                  # chalice.app.Request
    actor: Actor | None
    body: object
    lang: str

    def query(self, name: str) -> str | None:
        """A query parameter, bounded printable ASCII (queries.query_value), else 422."""
        return query_value(self.request.query_params, name)

    def header(self, name: str) -> str | None:
        """A request header, bounded (queries.header_value), else 400."""
        return header_value(self.request.headers, name)


def source_ip(request) -> str | None:
    """The caller's address as API Gateway saw it (chalice local and the test client fill the
    same field): for the audit trail, bounded and printable, else nothing."""
    identity = ((getattr(request, "context", None) or {}).get("identity") or {})
    ip = identity.get("sourceIp") if isinstance(identity, dict) else None
    return ip if isinstance(ip, str) and 0 < len(ip) <= 64 and ip.isascii() and ip.isprintable() else None


def json_response(status: int, payload, headers: dict | None = None) -> Response:
    return Response(body=json.dumps(payload, ensure_ascii=False), status_code=status,
                    headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})})


def error_response(err: ApiError, lang: str) -> Response:
    headers = {"Content-Language": lang}
    if err.http_status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="lampungin"'
    if err.http_status == 429 and "retry_after" in err.params:
        headers["Retry-After"] = str(err.params["retry_after"])
    return json_response(err.http_status, body(err, lang), headers)


def _decode_body(request, model):
    raw = request.raw_body or b""
    limit = container.settings.max_body_bytes
    if len(raw) > limit:
        raise ApiError(413, "body_too_large", limit=limit)
    ctype = ((request.headers or {}).get("content-type") or "application/json").lower()
    if "json" not in ctype.split(";")[0]:
        raise ApiError(415, "unsupported_media_type")
    if not raw.strip():
        data = {}
    else:
        try:
            data = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
        except (ValueError, UnicodeDecodeError, RecursionError):
            raise ApiError(400, "malformed_json") from None
    return parse(model, data)


def _reject_constant(name):
    raise ValueError(f"{name} is not JSON")


def endpoint(app, *, auth: bool = True, body_model=None):
    """Wrap a route: fn(call, **url_params) returns (status, payload[, headers]) or a payload."""
    def wrap(fn):
        @functools.wraps(fn)
        def handler(**params):
            request = app.current_request
            lang = request_language(request.headers)
            try:
                # Authorization is bounded and type-checked by the verifier itself: 401, not 400
                actor = container.verifier.verify(request.headers.get("authorization")) if auth else None
                if not all(plausible_path_part(v) for v in params.values()):
                    raise ApiError(404, "not_found")     # no id we issue looks like that
                if actor is not None:
                    actor = replace(actor, source_ip=source_ip(request))
                payload = _decode_body(request, body_model) if body_model else None
                result = fn(Call(request, actor, payload, lang), **params)
            except Unauthenticated:
                return error_response(ApiError(401, "unauthenticated"), lang)
            except ApiError as err:
                return error_response(err, lang)
            except DomainError as err:
                return error_response(from_domain(err), lang)
            except BadCursor:
                return error_response(ApiError(400, "bad_cursor"), lang)
            except IdempotencyKeyReused:
                return error_response(ApiError(422, "idempotency_key_reused"), lang)
            except Exception:      # a bug: log it, answer in our shape, never leak a trace
                log.exception("unhandled error in %s", fn.__name__)
                return error_response(ApiError(500, "internal"), lang)
            if isinstance(result, Response):
                return result
            if isinstance(result, tuple):
                return json_response(*result)
            return json_response(200, result)
        return handler
    return wrap


def request_language(headers) -> str:
    """'id' or 'en' from Accept-Language (bounded: a header is never parsed at any length)."""
    return pick_language(((headers or {}).get("accept-language") or "")[:MAX_PARAM_CHARS])


# --- what Chalice and the gateway answer themselves, in the contract's shape ------------------------
# Chalice answers a known path with another method (405), and a few other cases, before any route
# runs, as {"Code": ..., "Message": ...}; its messages repeat request headers (415 repeats the
# Content-Type). This middleware gives those answers our shape and our words, keeping only
# Chalice's `Allow` header.
CHALICE_ERRORS = {405: "method_not_allowed", 415: "unsupported_media_type", 400: "bad_request",
                  404: "route_not_found", 500: "internal"}


def contract_errors(request, get_response):
    """Chalice http middleware (app.py registers it)."""
    response = get_response(request)
    chalice_body = response.body
    if not (isinstance(chalice_body, dict) and set(chalice_body) == {"Code", "Message"}):
        return response
    status = response.status_code
    code = CHALICE_ERRORS.get(status, "bad_request" if 400 <= status < 500 else "internal")
    allow = next((v for k, v in (response.headers or {}).items() if k.lower() == "allow"), None)
    params = {"allowed": allow} if allow else {}
    if status == 405 and not allow:
        # a resource path the app has no route for (Chalice says 405 with an empty Allow): it is
        # the 404 API Gateway would have answered in front of it, never "supported: {allowed}"
        status, code = 404, "route_not_found"
    ours = error_response(ApiError(status, code, **params), request_language(request.headers))
    ours.headers["Access-Control-Allow-Origin"] = container.settings.cors_allow_origin
    for name, value in (response.headers or {}).items():       # Allow and CORS, never a body echo
        if name.lower() == "allow" or name.lower().startswith("access-control-"):
            ours.headers[name] = value
    return ours


def unknown_route(request_headers) -> dict:
    """The answer to a path no route matches (404), as a Lambda proxy response: what the local
    gateway (lampungin/localstack/httpserver.py) sends where chalice.local and API Gateway answer
    403 "Missing Authentication Token" (and, given a token, repeat it). In production the
    gateway response MISSING_AUTHENTICATION_TOKEN carries the same body (lampungin/deploy/gateway.py)."""
    lang = request_language({k.lower(): v for k, v in (request_headers or {}).items()})
    response = error_response(ApiError(404, "route_not_found"), lang)
    response.headers["Access-Control-Allow-Origin"] = container.settings.cors_allow_origin
    return response.to_dict()
