"""What API Gateway answers itself, in the contract's shape, and the methods that let the app
answer 405 (CONTRACT.md, Additions: "Errors for routes that do not exist").

API Gateway answers a request no method takes (an unknown path, or a known path with another
method) with `403 {"message": "Missing Authentication Token"}` and, given a bearer token, repeats
the whole Authorization header in it (STACK-NOTES). Two things fix that, both generated here:

* **Gateway responses** (`x-amazon-apigateway-gateway-responses`): MISSING_AUTHENTICATION_TOKEN
  becomes 404 `route_not_found`, DEFAULT_4XX/DEFAULT_5XX and the specific types our shape, each a
  static body: a gateway response template is not VTL, so it cannot follow Accept-Language — the
  message is the default, Indonesian, with `Content-Language: id` — and it never uses
  `$context.error.message`, the text that carries the echo.
* **An ANY method on every route's path**, integrated with the API Lambda like the route's own
  methods: a known path with another method reaches the app, and Chalice's 405 (with `Allow`) leaves
  in our shape through chalicelib/api/http.py's middleware, in the caller's language. The route's
  own methods and the CORS OPTIONS method stay more specific than ANY.

Both paths of docs/deploy.md get the same definitions: path (a) adds them to the Swagger document
`chalice deploy` sends (chalice_deploy.py, `deploy`); path (b) has the gateway responses in
infra/chalice-merge.json (infra.py) and the ANY methods added to the packaged sam.json
(package.py), since they follow the route table.
"""
from __future__ import annotations

import copy
import json

from chalicelib.api.errors import ApiError, body

ANY = "x-amazon-apigateway-any-method"
RESPONSES = "x-amazon-apigateway-gateway-responses"
INTEGRATION = "x-amazon-apigateway-integration"
LANG = "id"                       # a gateway response cannot read Accept-Language: the default
BODY_LIMIT_BYTES = 64 * 1024      # config.py's MAX_BODY_BYTES default, the limit the app enforces

# response type -> (status or None to keep API Gateway's own, our code, message params, headers)
GATEWAY_ERRORS: dict[str, tuple[int | None, str, dict, dict]] = {
    "MISSING_AUTHENTICATION_TOKEN": (404, "route_not_found", {}, {}),
    "RESOURCE_NOT_FOUND": (404, "route_not_found", {}, {}),
    "THROTTLED": (429, "too_many_requests", {"retry_after": 1}, {"Retry-After": "1"}),
    "QUOTA_EXCEEDED": (429, "too_many_requests", {"retry_after": 60}, {"Retry-After": "60"}),
    "REQUEST_TOO_LARGE": (413, "body_too_large", {"limit": BODY_LIMIT_BYTES}, {}),
    "UNSUPPORTED_MEDIA_TYPE": (415, "unsupported_media_type", {}, {}),
    "ACCESS_DENIED": (403, "forbidden", {}, {}),
    "UNAUTHORIZED": (401, "unauthenticated", {}, {"WWW-Authenticate": 'Bearer realm="lampungin"'}),
    "BAD_REQUEST_BODY": (400, "bad_request", {}, {}),
    "BAD_REQUEST_PARAMETERS": (400, "bad_request", {}, {}),
    "INTEGRATION_TIMEOUT": (504, "service_unavailable", {}, {}),
    "DEFAULT_4XX": (None, "bad_request", {}, {}),
    "DEFAULT_5XX": (None, "service_unavailable", {}, {}),
}


def _quoted(value: str) -> str:
    """A static value in a gateway response parameter mapping is written in single quotes."""
    if "'" in value:
        raise ValueError(f"a static header value cannot hold a quote: {value!r}")
    return f"'{value}'"


def gateway_responses(cors_origin) -> dict:
    """`x-amazon-apigateway-gateway-responses` for every type above. `cors_origin` is the
    quoted static value (`"'*'"`) or a template intrinsic that resolves to one, so a browser on
    the web frontend's origin can read these errors too."""
    out = {}
    for kind, (status, code, params, headers) in GATEWAY_ERRORS.items():
        payload = body(ApiError(status or 400, code, **params), LANG)
        text = json.dumps(payload, ensure_ascii=False, sort_keys=True)
        parameters: dict[str, object] = {f"gatewayresponse.header.{k}": _quoted(v) for k, v in
                                         {"Content-Language": LANG, **headers}.items()}
        parameters["gatewayresponse.header.Access-Control-Allow-Origin"] = cors_origin
        response = {"responseParameters": parameters,
                    "responseTemplates": {"application/json": text}}
        if status is not None:
            response["statusCode"] = str(status)
        out[kind] = response
    return out


def _lambda_operation(methods: dict) -> dict | None:
    """One of a path's operations that proxies to the Lambda (Chalice's routes all do)."""
    for name, op in methods.items():
        if name != "options" and isinstance(op, dict) and \
                (op.get(INTEGRATION) or {}).get("type") == "aws_proxy":
            return op
    return None


def any_methods(paths: dict) -> dict:
    """For each path of a Swagger `paths` object with a Lambda route, the ANY method that sends
    every other method to the same Lambda: {path: {ANY: operation}} (to merge into `paths`)."""
    out = {}
    for path, methods in sorted(paths.items()):
        op = _lambda_operation(methods or {})
        if op is None or ANY in methods:
            continue
        any_op = {key: copy.deepcopy(op[key]) for key in ("parameters", "responses", INTEGRATION)
                  if key in op}
        out[path] = {ANY: any_op}
    return out


def cors_origin_of(swagger: dict) -> str:
    """The quoted Access-Control-Allow-Origin Chalice put on the CORS preflights of this
    document (the stage's own, CORS_ALLOW_ORIGIN), or `'*'` when it has none."""
    for methods in (swagger.get("paths") or {}).values():
        integration = ((methods or {}).get("options") or {}).get(INTEGRATION) or {}
        params = ((integration.get("responses") or {}).get("default") or {}).get("responseParameters") or {}
        origin = params.get("method.response.header.Access-Control-Allow-Origin")
        if isinstance(origin, str):
            return origin
    return "'*'"


def extend_swagger(swagger: dict) -> dict:
    """Path (a): the document `chalice deploy` sends, with the gateway responses and ANY methods."""
    doc = copy.deepcopy(swagger)
    for path, extra in any_methods(doc.get("paths") or {}).items():
        doc["paths"][path].update(extra)
    doc[RESPONSES] = gateway_responses(cors_origin_of(doc))
    return doc


SAM_REST_API = "RestAPI"          # the logical id Chalice 1.34 gives the REST API in sam.json


def extend_sam(sam: dict) -> dict:
    """Path (b): the ANY methods into the packaged template's REST API (the gateway responses come
    from infra/chalice-merge.json). Returns the template, changed in place."""
    definition = sam["Resources"][SAM_REST_API]["Properties"]["DefinitionBody"]
    for path, extra in any_methods(definition.get("paths") or {}).items():
        definition["paths"][path].update(extra)
    return sam
