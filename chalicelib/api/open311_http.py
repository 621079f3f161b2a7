"""The thin layer between Chalice and the Open311 routes: the format, the errors, the documents.

Why not `http.endpoint` itself: it answers every error in the contract's `{"error": …}` shape,
and Open311 clients parse the spec's `[{"code": 400, "description": "…"}]` (or the XML
`<errors><error><code>…`). This wrapper keeps everything else of it: the same `Call`, the same
parsing helpers (api/queries.py), the same messages in the caller's language, path parts judged
before any store sees them, and no request — however malformed — answered with a 5xx. A route
returns a `Document`; an error is raised (ApiError, a DomainError, Invalid) and leaves as the
spec's error document in the format the address asked for (JSON when it names none).
"""
from __future__ import annotations

import functools
import json
import logging
from dataclasses import dataclass, field

from chalice import Response

from ..domain.errors import DomainError
from ..services.complaints import IdempotencyKeyReused
from ..services.ports import BadCursor
from . import open311_xml
from .errors import ApiError, body, from_domain
from .http import Call, request_language
from .queries import plausible_path_part

log = logging.getLogger("lampungin.open311")
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
# what our API errors become in Open311: its clients know 400, 403, 404 (and HTTP's others)
STATUS = {422: 400}


@dataclass
class Document:
    """One Open311 answer: `payload` (a list of entries, or one dict) under the XML `root`."""

    root: str
    payload: list | dict
    item: str | None = None
    status: int = 200
    headers: dict = field(default_factory=dict)


def format_of(name: str) -> tuple[str, str | None]:
    """`ADU-261127-XXXXXXX.json` -> ("ADU-261127-XXXXXXX", "json"); an unknown extension -> None."""
    stem, dot, ext = name.rpartition(".")
    return (stem, ext) if dot and stem and ext in CONTENT_TYPES else (name, None)


def render(doc: Document, fmt: str, lang: str) -> Response:
    # text, not bytes: Chalice sends bytes base64-encoded unless the type is a binary one
    if fmt == "xml":
        text = open311_xml.document(doc.root, doc.payload, doc.item).decode("utf-8")
    else:
        text = _sendable(json.dumps(doc.payload, ensure_ascii=False))
    return Response(body=text, status_code=doc.status,
                    headers={"Content-Type": CONTENT_TYPES[fmt], "Content-Language": lang, **doc.headers})


def _sendable(text: str) -> str:
    """Text that encodes as UTF-8: a lone surrogate (JSON can carry one in) becomes "?"."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")
    return text


def errors(err: ApiError, lang: str) -> Document:
    """The spec's error document: one entry per problem (a field's own message names the field)."""
    status = STATUS.get(err.http_status, err.http_status)
    shaped = body(err, lang)["error"]
    entries = [{"code": status, "description": f"{d['field']}: {d['message']}" if d["field"] else d["message"]}
               for d in shaped["details"]] or [{"code": status, "description": shaped["message"]}]
    headers = {}
    if status == 429 and "retry_after" in err.params:
        headers["Retry-After"] = str(err.params["retry_after"])
    return Document("errors", entries, "error", status, headers)


def _as_api_error(exc: Exception) -> ApiError:
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, DomainError):
        return from_domain(exc)
    if isinstance(exc, BadCursor):
        return ApiError(400, "bad_cursor")
    if isinstance(exc, IdempotencyKeyReused):
        return ApiError(422, "idempotency_key_reused")
    raise exc


def route(app, *, fmt: str | None = None, file_param: str | None = None):
    """Wrap an Open311 route: fn(call, fmt, **params) -> Document. `fmt` is the route's format
    (`/services.json`); with `file_param` the format is that path part's extension
    (`/requests/{request_file}`), and fn receives the part without it."""
    def wrap(fn):
        @functools.wraps(fn)
        def handler(**params):
            request = app.current_request
            lang = request_language(request.headers)
            chosen = fmt or "json"
            try:
                if not all(plausible_path_part(v) for v in params.values()):
                    raise ApiError(404, "not_found")          # no name we issue looks like that
                if file_param is not None:
                    stem, ext = format_of(params[file_param])
                    chosen = ext or "json"
                    if ext is None:
                        raise ApiError(404, "open311_unknown_format")
                    params[file_param] = stem
                doc = fn(Call(request, None, None, lang), chosen, **params)
            except Exception as exc:                          # mapped to the spec, or logged below
                try:
                    doc = errors(_as_api_error(exc), lang)
                except Exception:
                    log.exception("unhandled error in %s", fn.__name__)
                    doc = errors(ApiError(500, "internal"), lang)
            return render(doc, chosen, lang)
        return handler
    return wrap
