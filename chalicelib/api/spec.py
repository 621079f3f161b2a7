"""The route description registry: what GET /openapi.json says about each route of `app.routes`.

One `describe(...)` per route, either next to the route (a new module: call it at import, beside
`@api.route`) or in the table of chalicelib/api/spec_routes.py. Describing is cheap on purpose:
a frozen dataclass per route and nothing more; schemas are built from the pydantic models only
when the spec is (chalicelib/api/openapi.py, on the first GET /openapi.json).

What a description names, openapi.py turns into the spec: the request body model (the one the
route validates with), the response model, parameters with the constraints chalicelib/api/
queries.py enforces, who may call it (the bearer scheme unless `roles` is None) and the errors it
can answer. Errors implied by the rest are added for you (ERRORS_IMPLIED); `errors` adds the
ones only the route knows (409 for a wrong state, say). tests/app/test_openapi.py fails, naming
each route, when a route of the app has no description or a description no route.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..services.paging import MAX_CURSOR_CHARS, MAX_LIMIT
from .queries import DEFAULT_LIMIT, MAX_PARAM_CHARS

ROLES = ("citizen", "operator", "supervisor", "inspector", "admin")
ANY_SIGNED_IN = ROLES
PRINTABLE_ASCII = "^[ -~]+$"        # queries._printable_ascii: visible ASCII and the space


@dataclass(frozen=True)
class Param:
    """A query parameter or a request header. `errors`: what a bad value answers."""

    name: str
    schema: dict[str, Any]
    description: str
    location: str = "query"
    required: bool = False
    example: Any = None
    errors: tuple[int, ...] = (422,)


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    tag: str
    summary: str                              # English, short
    ringkasan: str                            # the same in Bahasa Indonesia
    description: str = ""
    roles: tuple[str, ...] | None = ANY_SIGNED_IN   # None: public, no token read
    body: Any = None                          # the pydantic model the route validates with
    response: Any = None                      # a model, [model] for a list, or a JSON schema dict
    status: int = 200
    also: tuple[int, ...] = ()                # other success statuses with the same body
    params: tuple[Param, ...] = ()
    errors: tuple[int, ...] = ()              # beyond ERRORS_IMPLIED
    response_headers: tuple[str, ...] = ()    # names of RESPONSE_HEADERS
    example: Any = None                       # of the response body
    media_type: str = "application/json"
    content: dict[str, Any] | None = None     # instead of `response`: {media type: schema or model}
    error_content: dict[str, Any] | None = None   # errors in another shape than the contract's (Open311)
    any_media_type: bool = False              # the route takes any Content-Type (no 415 from Chalice)
    extra: dict[str, Any] = field(default_factory=dict)   # merged into the operation object

    @property
    def path_params(self) -> list[str]:
        return [part[1:-1] for part in self.path.split("/") if part.startswith("{") and part.endswith("}")]

    def error_statuses(self) -> list[int]:
        """Every status this operation answers besides its success (the contract's error shape)."""
        # the request throttle runs before any route; Chalice refuses a Content-Type other than JSON
        # on every method (its default content_types), a GET with a form's media type included
        found = {429} | set(self.errors) | (set() if self.any_media_type else {415})
        if self.roles is not None:
            found.add(401)
            if set(self.roles) != set(ROLES):
                found.add(403)
        if self.path_params:
            found.add(404)
        if self.body is not None:
            found |= {400, 413, 422}
        for param in self.params:
            found |= set(param.errors)
        return sorted(found)


REGISTRY: dict[tuple[str, str], Operation] = {}
DUPLICATES: list[tuple[str, str]] = []     # described twice: the first stays; tests/app/test_openapi.py fails


def describe(method: str, path: str, **fields: Any) -> Operation:
    """Register the description of one route (method and path exactly as in `app.routes`). Never
    raises for a second description of a route: route modules call this at import, and a slip in
    the documentation must not stop the API from starting; the test names it instead."""
    key = (method.upper(), path)
    operation = Operation(key[0], path, **fields)
    if key in REGISTRY:
        DUPLICATES.append(key)
        return REGISTRY[key]
    REGISTRY[key] = operation
    return operation


# --- parameters several routes share, with the rules chalicelib/api/queries.py applies ---------
def text_query(name: str, description: str, max_length: int = MAX_PARAM_CHARS, **schema: Any) -> Param:
    """A filter read with `call.query`: printable ASCII, bounded, else 422."""
    return Param(name, {"type": "string", "minLength": 1, "maxLength": max_length,
                        "pattern": PRINTABLE_ASCII, **schema}, description)


def choice_query(name: str, values, description: str) -> Param:
    return Param(name, {"type": "string", "enum": [str(v) for v in values]}, description)


LIMIT = Param("limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
              f"page size, 1–{MAX_LIMIT} (ASCII digits)", example=DEFAULT_LIMIT)
CURSOR = Param("cursor", {"type": "string", "minLength": 1, "maxLength": MAX_CURSOR_CHARS,
                          "pattern": "^[A-Za-z0-9_-]+$"},
               "`next` of the previous page, as given; a cursor the API did not make is 400 `bad_cursor`",
               errors=(400,))
# domain/times.parse_iso's rule (ASCII digits, years MIN_YEAR..MAX_YEAR) as a pattern; only an
# impossible day (2026-02-30) passes it and is still 422
ISO_DATE_OR_TIME = (r"^(19[7-9][0-9]|[2-8][0-9]{3}|9000)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
                    r"([T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?"
                    r"(Z|[+-]([01][0-9]|2[0-3]):?[0-5][0-9])?)?$")
SINCE = Param("since", {"type": "string", "maxLength": 40, "pattern": ISO_DATE_OR_TIME},
              "ISO-8601 date or time (ASCII digits, years 1970–9000); without an offset it is read in WIB "
              "(a bare date is a WIB day)", example="2026-11-01")
PAGING = (LIMIT, CURSOR)
IF_MATCH = Param("If-Match", {"type": "string", "pattern": r'^(W/)?"?[0-9]{1,9}"?$'},
                 "act only on this version of the complaint (its `version`, or the ETag): another is 409 "
                 "`conflict`; not a version number is 400", location="header", example='"3"', errors=(400, 409))
IDEMPOTENCY_KEY = Param("Idempotency-Key", {"type": "string", "minLength": 1, "maxLength": 128,
                                            "pattern": PRINTABLE_ASCII},
                        "1–128 visible ASCII characters: a repeat returns the first result (with "
                        "`Idempotent-Replayed: true`), never a second complaint", location="header",
                        example="7d3f0c1e", errors=(400, 422))
