"""GET /openapi.json: the OpenAPI 3.1 description of every route, written from the route registry
(chalicelib/api/spec.py, spec_routes.py) and the pydantic models the API validates with.

Built once per process, on the first request for it (chalicelib/api/docs_page.py imports this
module lazily): the JSON schemas of ~40 models cost tens of milliseconds, which no ordinary
request should pay on a cold start. The error examples are rendered from api/messages.py, so the
spec shows the words a client will really read.
"""
from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from . import spec_routes  # noqa: F401  (registers the table's descriptions)
from .errors import ApiError, body
from .schemas import ErrorBody
from .spec import REGISTRY, Operation

VERSION = "1"
REF = "#/components/schemas/{model}"
JSON = "application/json"
ERRORS: dict[int, tuple[str, str, dict, list]] = {   # status: (what it means, code, params, details)
    400: ("Malformed: not JSON, a bad cursor or header", "malformed_json", {}, []),
    401: ("No token, or an invalid or expired one", "unauthenticated", {}, []),
    403: ("The caller's role may not do this", "forbidden", {}, []),
    404: ("Not found, or not visible to this caller", "not_found", {}, []),
    405: ("A known path with another method", "method_not_allowed", {"allowed": "GET"}, []),
    409: ("Wrong state, already claimed, or changed concurrently (reload and retry)", "wrong_state",
          {"status": "resolved"}, []),
    413: ("Body over the size limit", "body_too_large", {"limit": 65536}, []),
    415: ("Body not sent as application/json", "unsupported_media_type", {}, []),
    422: ("Valid JSON, invalid content: one detail per field", "validation_failed", {},
          [{"field": "title", "code": "too_short", "params": {"limit": 5}}]),
    429: ("Too many requests: wait `Retry-After` seconds", "too_many_requests", {"retry_after": 1}, []),
}
HEADERS = {
    "ETag": ("The complaint's version, quoted: send it back as `If-Match`", {"type": "string"}),
    "Location": ("Where the created resource is read", {"type": "string"}),
    "Idempotent-Replayed": ("`true` when this repeats the answer to an earlier Idempotency-Key",
                            {"type": "string"}),
    "Cache-Control": ("How long a cache may keep it", {"type": "string"}),
    "Retry-After": ("Seconds to wait before trying again", {"type": "string", "pattern": "^[0-9]+$"}),
    "Content-Language": ("The language of `message`: id or en", {"type": "string"}),
}
TAGS = [("Reference", "Reference data and public figures, no token · Data referensi, tanpa token"),
        ("Complaints", "Filing and reading complaints · Pengajuan dan pembacaan aduan"),
        ("Complaint actions", "The lifecycle, one action a route · Tindakan atas aduan"),
        ("Sanctions", "Missed deadlines and what followed · Sanksi keterlambatan"),
        ("Oversight", "Inspectorate and administrators · Pengawasan"),
        ("Me", "The caller's own data · Data pribadi pemanggil"),
        ("Public", "Tracking and public complaints, no token · Lacak aduan dan aduan publik"),
        ("Evidence", "Photos and documents of a complaint · Bukti foto dan dokumen"),
        ("Open311 GeoReport v2", "Public complaints for any Open311 client · Aduan publik lewat Open311"),
        ("Documentation", "This description · Dokumentasi")]
INTRO = """The complaint service of the province of Lampung (Lampung In). JSON in UTF-8; times are
ISO-8601 UTC (show them in WIB).

**Sign-in.** Send `Authorization: Bearer <JWT>` (the Cognito ID token in production; locally
`.venv/bin/lampungin token --sub ID --role ROLE [--opd CODE]`). Claims: `sub`, `role` (citizen,
operator, supervisor, inspector, admin), `opd` for operators and supervisors. Operations that
list no authorization need no token.

**Errors** are always `{"error": {"code", "message", "details": [{"field", "code", "message"}]}}`;
`message` is Indonesian unless `Accept-Language` prefers English. A path no route has is 404 and
a known path with another method 405 (with `Allow`), in the same shape. No request gets a 5xx.
(Open311, under `/open311/v2/`, answers its own clients' error document instead, as it says.)

**Lists** are `{"items": [...], "next": cursor|null}`; pass `cursor=next` for the next page.
**Complaints** carry `version` (also the `ETag`): send `If-Match` on an action to apply it only to
the version the user saw."""


def document() -> dict:
    """The spec, built on the first call and then reused (the process never changes its routes)."""
    if not _cache:
        _cache.append(build(list(REGISTRY.values())))
    return _cache[0]


_cache: list[dict] = []


def build(operations: list[Operation]) -> dict:
    models = _models(operations)
    refs, defs = models_json_schema(sorted(models, key=lambda m: (m[0].__name__, m[1])), ref_template=REF)
    schemas = {name: _standard(schema) for name, schema in defs.get("$defs", {}).items()}
    paths: dict[str, dict] = {}
    for op in sorted(operations, key=lambda o: (o.path, o.method)):
        paths.setdefault(op.path, {})[op.method.lower()] = _operation(op, refs)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Lampung In API", "version": VERSION, "description": INTRO},
        "servers": [{"url": ".", "description": "where this document is served"}],
        "tags": [{"name": name, "description": text} for name, text in TAGS]
        + [{"name": tag} for tag in sorted({op.tag for op in operations} - {name for name, _ in TAGS})],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "responses": {f"Error{status}": _error(status) for status in ERRORS},
            "headers": {name: {"description": text, "schema": schema, **({"required": True} if name == "Retry-After"
                                                                          else {})}
                        for name, (text, schema) in HEADERS.items()},
            "parameters": {"AcceptLanguage": {
                "name": "Accept-Language", "in": "header", "required": False, "schema": {"type": "string"},
                "description": "`en` for English messages and labels; Indonesian otherwise", "example": "en"}},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                                           "description": "A Cognito ID token (locally: `lampungin token`)"}},
        },
    }


def _models(operations: list[Operation]) -> set[tuple[type[BaseModel], JsonSchemaMode]]:
    found: set[tuple[type[BaseModel], JsonSchemaMode]] = {(ErrorBody, "serialization")}
    for op in operations:
        if _is_model(op.body):
            found.add((op.body, "validation"))
        for shown in [op.response, *(op.content or {}).values(), *(op.error_content or {}).values()]:
            shown = shown[0] if isinstance(shown, list) else shown
            if _is_model(shown):
                found.add((shown, "serialization"))
    return found


def _is_model(thing: Any) -> bool:
    return isinstance(thing, type) and issubclass(thing, BaseModel)


def _schema_of(thing: Any, refs: dict, mode: str = "serialization") -> dict:
    if isinstance(thing, list):
        return {"type": "array", "items": _schema_of(thing[0], refs, mode)}
    if _is_model(thing):
        return refs[(thing, mode)]
    return thing if thing is not None else {}


def _operation(op: Operation, refs: dict) -> dict:
    who = "anyone, no token" if op.roles is None else ", ".join(op.roles)
    out: dict[str, Any] = {
        "operationId": f"{op.method.lower()}_{re.sub(r'[^a-z0-9]+', '_', op.path.lower()).strip('_')}",
        "tags": [op.tag], "summary": op.summary, "x-summary-id": op.ringkasan,
        "description": f"{op.description}\n\n**Roles:** {who}.\n\n*{op.ringkasan}.*".strip(),
        "x-roles": list(op.roles or ()),
        "security": [{"bearer": []}] if op.roles is not None else [],
        "parameters": [*(_path_param(name) for name in op.path_params),
                       *({"name": p.name, "in": p.location, "required": p.required, "schema": p.schema,
                          "description": p.description, **({"example": p.example} if p.example is not None else {})}
                         for p in op.params),
                       {"$ref": "#/components/parameters/AcceptLanguage"}],
        "responses": {**{str(status): _success(op, refs) for status in (op.status, *op.also)},
                      **{str(code): _failure(op, code, refs) for code in op.error_statuses()}},
    }
    if op.body is not None:
        required = any(f.is_required() for f in op.body.model_fields.values())
        out["requestBody"] = {"required": required,
                              "content": {JSON: {"schema": _schema_of(op.body, refs, "validation")}}}
    return {**out, **op.extra}


def _path_param(name: str) -> dict:
    example = {"complaint_id": "ADU-261127-D9BEVXG"}.get(name)
    return {"name": name, "in": "path", "required": True, **({"example": example} if example else {}),
            "description": "printable ASCII without `/`, at most 128 characters (anything else is 404)",
            "schema": {"type": "string", "minLength": 1, "maxLength": 128}}


def _success(op: Operation, refs: dict) -> dict:
    content = op.content or {op.media_type: op.response}
    media = {kind: {"schema": _schema_of(shown, refs)} for kind, shown in content.items()}
    if op.example is not None:
        media[op.media_type]["example"] = op.example
    out: dict[str, Any] = {"description": op.summary, "content": media}
    if op.response_headers:
        out["headers"] = {h: {"$ref": f"#/components/headers/{h}"} for h in op.response_headers}
    return out


def _failure(op: Operation, status: int, refs: dict) -> dict:
    """The contract's error (a shared component), or the operation's own error shape; a 429 is
    always the contract's: the request throttle answers it before any route runs."""
    if op.error_content is None or status == 429:
        return {"$ref": f"#/components/responses/Error{status}"}
    return {"description": ERRORS[status][0],
            "content": {kind: {"schema": _schema_of(shown, refs)} for kind, shown in op.error_content.items()}}


def _error(status: int) -> dict:
    meaning, code, params, details = ERRORS[status]
    err = ApiError(status, code, details, **params)
    headers: dict[str, dict] = {"Content-Language": {"$ref": "#/components/headers/Content-Language"}}
    if status == 429:
        headers["Retry-After"] = {"$ref": "#/components/headers/Retry-After"}
    if status == 405:
        headers["Allow"] = {"description": "The methods this path has", "schema": {"type": "string"}}
    examples = {lang: {"summary": name, "value": body(err, lang)} for lang, name in (("id", "Indonesia"),
                                                                                       ("en", "English"))}
    return {"description": meaning, "headers": headers,
            "content": {JSON: {"schema": {"$ref": REF.format(model="ErrorBody")}, "examples": examples}}}


_BOUNDS = {"ge": "minimum", "le": "maximum", "gt": "exclusiveMinimum", "lt": "exclusiveMaximum"}


def _standard(schema: Any) -> Any:
    """pydantic writes a bound on a union (`StrictFloat | StrictInt`, ge=-90) as `ge`/`le` beside
    its `anyOf`, which JSON Schema ignores: move it into each numeric branch as minimum/maximum."""
    if isinstance(schema, list):
        return [_standard(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {key: _standard(value) for key, value in schema.items() if key not in _BOUNDS}
    bounds = {_BOUNDS[key]: value for key, value in schema.items() if key in _BOUNDS}
    if bounds and "anyOf" in out:
        out["anyOf"] = [{**branch, **bounds} if branch.get("type") in ("number", "integer") else branch
                        for branch in out["anyOf"]]
    elif bounds:
        out.update(bounds)
    return out
