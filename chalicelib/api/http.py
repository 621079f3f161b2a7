"""The thin layer between Chalice and the services: authenticate, parse, call, map errors.

Every route goes through `endpoint`, so every error leaves in the contract's shape and in the
caller's language, and nothing a client sends can produce a 5xx.
"""
from __future__ import annotations

import functools
import json
import logging
from dataclasses import dataclass
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
        return (self.request.query_params or {}).get(name)

    def header(self, name: str) -> str | None:
        return (self.request.headers or {}).get(name)


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
            lang = pick_language((request.headers or {}).get("accept-language"))
            try:
                actor = container.verifier.verify(request.headers.get("authorization")) if auth else None
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
