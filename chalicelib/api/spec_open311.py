"""The descriptions of the Open311 GeoReport v2 routes (chalicelib/api/open311.py, docs/open311.md)
for GET /openapi.json. Imported with spec_routes.py when the spec is first built, never on a cold
start; the response models are defer_build for the same reason.

What differs from the rest of the API, and is said here: each document comes as `.json` or
`.xml` (the address says which; `{request_file}` is `ADU-….json` or `ADU-….xml`), errors are the
spec's `[{"code", "description"}]` (or `<errors><error>…`) with 422 reported as 400, no token is
read, and POST takes a form (application/x-www-form-urlencoded) with a client's `api_key`. A 429
of the request throttle and a 405 are the contract's error shape: they come before any route.
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..services.open311 import OPEN311_STATUSES
from .open311_forms import CHECKED_ONLY, MAX_VALUE_CHARS
from .open311_views import JURISDICTION_ID
from .spec import IDEMPOTENCY_KEY, ISO_DATE_OR_TIME, Param, describe, text_query

BASE = "/open311/v2"
TAG = "Open311 GeoReport v2"
XML = {"type": "string", "contentMediaType": "text/xml", "description": "the same document in XML"}


class _Out(BaseModel):
    model_config = ConfigDict(defer_build=True)


class Open311Error(_Out):
    code: int = Field(description="the HTTP status (a 422 is reported as 400)")
    description: str = Field(description="in the caller's language")


class Endpoint(_Out):
    specification: str
    url: str
    changeset: str
    type: Literal["production", "test"]
    formats: list[str]


class Discovery(_Out):
    changeset: str
    contact: str
    key_service: str
    endpoints: list[Endpoint]


class Service(_Out):
    service_code: str = Field(description="a category code (GET /v1/categories)")
    service_name: str
    description: str
    metadata: bool
    type: Literal["realtime", "batch", "blackbox"]
    keywords: str
    group: str


class ServiceDefinition(_Out):
    service_code: str
    attributes: list[dict]


class ServiceRequest(_Out):
    """A public complaint as Open311 shows it; times in WIB (+07:00)."""

    service_request_id: str
    status: Literal["open", "closed"]
    status_notes: str | None
    service_name: str
    service_code: str
    description: str | None
    agency_responsible: str
    service_notice: str | None
    requested_datetime: str | None
    updated_datetime: str | None
    expected_datetime: str | None = Field(description="the running deadline")
    address: str | None
    lat: float | None
    long: float | None
    media_url: str | None
    supporters: int = Field(default=0, description="citizens who support it (an extension of GeoReport v2)")


class RequestCreated(_Out):
    service_request_id: str
    service_notice: str | None
    account_id: str | None


class RequestToken(_Out):
    service_request_id: str
    token: str


class RequestUpdate(_Out):
    update_id: str
    service_request_id: str
    status: Literal["open", "closed"]
    updated_datetime: str
    description: str
    media_url: str | None


JURISDICTION = Param("jurisdiction_id", {"type": "string", "maxLength": 100},
                     f"optional; `{JURISDICTION_ID}` (the only one served here), another is 404",
                     example=JURISDICTION_ID, errors=(400, 404))
WINDOW = (Param("start_date", {"type": "string", "maxLength": 40, "pattern": ISO_DATE_OR_TIME},
                "ISO-8601; the window is at most 90 days (default: the last 90)", errors=(400,)),
          Param("end_date", {"type": "string", "maxLength": 40, "pattern": ISO_DATE_OR_TIME},
                "ISO-8601, after start_date", errors=(400,)))
FORM = {"type": "object", "required": ["api_key", "service_code"],
        "properties": {"api_key": {"type": "string", "description": "the client application's key"},
                       "service_code": {"type": "string", "description": "a category code"},
                       "description": {"type": "string", "minLength": 10, "maxLength": 5000},
                       "lat": {"type": "string", "pattern": r"^[+-]?[0-9]{1,3}(\.[0-9]{1,20})?$"},
                       "long": {"type": "string", "pattern": r"^[+-]?[0-9]{1,3}(\.[0-9]{1,20})?$"},
                       "address_string": {"type": "string", "maxLength": 300},
                       "media_url": {"type": "string", "format": "uri"},
                       **{name: {"type": "string", "maxLength": limit} for name, limit in CHECKED_ONLY.items()}},
        "additionalProperties": {"type": "string", "maxLength": MAX_VALUE_CHARS},
        "description": "lat and long together, or address_string; each field once"}


def _formats(path: str, model, summary: str, ringkasan: str, *, method: str = "GET", listed: bool = True,
             **fields) -> None:
    for fmt in ("json", "xml"):
        shown = [model] if listed else model
        describe(method, f"{BASE}/{path}.{fmt}", tag=TAG, roles=None, summary=f"{summary} ({fmt.upper()})",
                 ringkasan=ringkasan, any_media_type=True,
                 content={"application/json": shown} if fmt == "json" else {"text/xml": XML},
                 media_type="application/json" if fmt == "json" else "text/xml",
                 error_content={"application/json": [Open311Error]} if fmt == "json" else {"text/xml": XML},
                 **fields)


def _by_file(path: str, param: str, model, summary: str, ringkasan: str, more: str = "") -> None:
    describe("GET", f"{BASE}/{path}/{{{param}}}", tag=TAG, roles=None, summary=summary, ringkasan=ringkasan,
             any_media_type=True, content={"application/json": model, "text/xml": XML},
             error_content={"application/json": [Open311Error], "text/xml": XML}, params=(JURISDICTION,),
             description=f"`{{{param}}}` ends in `.json` or `.xml`, the format of the answer (another is 404). "
                         f"{more}".strip())


def _open311() -> None:
    _formats("discovery", Discovery, "Open311 discovery", "Penemuan layanan Open311", listed=False,
             description="Where this endpoint is and what it speaks.")
    _formats("services", Service, "Open311 services (categories)", "Layanan Open311 (kategori)",
             params=(JURISDICTION,))
    _formats("requests", ServiceRequest, "Open311 service requests (public complaints)",
             "Permintaan layanan Open311 (aduan publik)",
             description="Public complaints only, as the public may read them; at most 1,000, newest first.",
             params=(JURISDICTION, text_query("service_request_id", "comma-separated ids (the other filters "
                                              "are then ignored)"),
                     text_query("service_code", "comma-separated category codes"),
                     Param("status", {"type": "string", "pattern": "^(" + "|".join(OPEN311_STATUSES) + ")"
                                      "(,(" + "|".join(OPEN311_STATUSES) + "))*$"}, "open, closed or both"),
                     *WINDOW))
    _formats("requests", RequestCreated, "File an Open311 service request", "Ajukan permintaan layanan Open311",
             method="POST", status=201, also=(200,), errors=(400, 403, 404, 413, 415), params=(IDEMPOTENCY_KEY,),
             extra={"requestBody": {"required": True,
                                    "content": {"application/x-www-form-urlencoded": {"schema": FORM}}}},
             description="A client application (with its `api_key`; 403 without a valid one) files a public "
                         "complaint for its user. 200 instead of 201 when an `Idempotency-Key` repeats.",
             response_headers=("Idempotent-Replayed",))
    _formats("servicerequestupdates", RequestUpdate, "Open311 service request updates (mySociety)",
             "Pembaruan permintaan layanan", params=(JURISDICTION, *WINDOW))
    _by_file("services", "service_file", ServiceDefinition, "One Open311 service definition",
             "Definisi layanan Open311")
    _by_file("requests", "request_file", [ServiceRequest], "One Open311 service request",
             "Satu permintaan layanan Open311")
    _by_file("tokens", "token_file", [RequestToken], "An Open311 request token",
             "Token permintaan layanan Open311",
             more="Requests are created at once, so a request's token is its id.")


_open311()
