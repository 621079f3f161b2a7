"""Request shapes, declared once: used to validate and (later) to describe the API in OpenAPI.

Strict types: `"anonymous": "yes"` is an error, not a truthy string. Strings are trimmed before
their length is checked, so a title of spaces is too short.
"""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from ..domain.attachments import MAX_PER_COMPLAINT
from ..domain.people import CHANNELS
from ..services.people import EMAIL_MAX, PHONE_MAX, PUSH_TOKEN_MAX
from .errors import ApiError, field_error

TITLE_MAX = 200
TEXT_MAX = 5000
REASON_MAX = 2000


class _Body(BaseModel):
    # defer_build: each model is built at its first use, not at cold start
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, strict=True, defer_build=True)


def _text(min_length: int, max_length: int):
    return Field(min_length=min_length, max_length=max_length)


# What DynamoDB can store (STACK-NOTES): a non-zero magnitude below 1E-130 is "Number underflow",
# a 500 if it reaches the store. 1e-200 is a valid latitude to pydantic; not to the table.
DYNAMO_MIN_MAGNITUDE = 1e-130


DYNAMO_MAX_MAGNITUDE = 1e126           # and at most 38 significant digits: integers below 10**38
DYNAMO_MAX_INT = 10 ** 38


def storable(value):
    if value is not None and value != 0 and abs(value) < DYNAMO_MIN_MAGNITUDE:
        raise PydanticCustomError("number_underflow", "magnitude below {limit}", {"limit": "1e-130"})
    return value


def _fits_dynamodb(value) -> bool:
    if isinstance(value, bool):
        return True
    if isinstance(value, int):
        return abs(value) < DYNAMO_MAX_INT
    if isinstance(value, float):
        return value == 0 or DYNAMO_MIN_MAGNITUDE <= abs(value) < DYNAMO_MAX_MAGNITUDE
    return True


def unstorable_number(data) -> str | None:
    """The path (`a.b.0`) of the first number in decoded JSON that DynamoDB could not store, for
    every body whatever its model: a field added later is covered without a validator of its own."""
    stack = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            stack.extend((f"{path}.{k}" if path else str(k), v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((f"{path}.{i}" if path else str(i), v) for i, v in enumerate(value))
        elif not _fits_dynamodb(value):
            return path
    return None


class LocationIn(_Body):
    lat: StrictFloat | StrictInt | None = Field(default=None, ge=-90, le=90)
    lon: StrictFloat | StrictInt | None = Field(default=None, ge=-180, le=180)
    address: str | None = Field(default=None, max_length=300)
    # Kemendagri code of the kabupaten/kota, kecamatan or desa/kelurahan ("18.71.01"): routing may
    # depend on it (GET /v1/regions lists them); 422 `unknown_region` for a code that does not exist
    region: str | None = Field(default=None, min_length=2, max_length=16)

    @field_validator("lat", "lon")
    @classmethod
    def _storable(cls, value):
        return storable(value)


class ContactIn(_Body):
    """The person intake staff file for (CONTRACT.md, Intake channels): how to tell them."""
    name: str | None = Field(default=None, min_length=1, max_length=128)
    phone: str | None = Field(default=None, min_length=1, max_length=PHONE_MAX)
    email: str | None = Field(default=None, min_length=3, max_length=EMAIL_MAX)


class NewComplaint(_Body):
    category: str = _text(1, 64)
    title: str = _text(5, TITLE_MAX)
    description: str = _text(10, TEXT_MAX)
    location: LocationIn | None = None
    visibility: Literal["private", "public"] = "private"
    anonymous: StrictBool = False
    # how it came in: a citizen `app` (default) or `web`; intake staff desk, phone, social or email
    channel: Literal["app", "web", "desk", "phone", "social", "email"] | None = None
    contact: ContactIn | None = None     # intake staff only


class Empty(_Body):
    pass


class ClaimOwnership(_Body):
    code: str = _text(1, 16)


class FollowUp(_Body):
    message: str = _text(1, TEXT_MAX)
    # photos of the work done: ids of the follower's own processed attachments of this complaint
    attachments: list[Annotated[str, Field(min_length=1, max_length=64)]] | None = Field(
        default=None, max_length=MAX_PER_COMPLAINT)


class Approve(_Body):
    note: str | None = Field(default=None, max_length=REASON_MAX)


class Reason(_Body):
    reason: str = _text(1, REASON_MAX)


class Transfer(_Body):
    opd: str = _text(1, 64)
    reason: str = _text(1, REASON_MAX)


class Forward(_Body):
    jurisdiction: str = _text(1, 64)
    reason: str = _text(1, REASON_MAX)


class RequestInfo(_Body):
    question: str = _text(1, TEXT_MAX)


class Reply(_Body):
    message: str = _text(1, TEXT_MAX)


class RatingIn(_Body):
    stars: StrictInt = Field(ge=1, le=5)
    comment: str | None = Field(default=None, max_length=REASON_MAX)


class Assign(_Body):
    """POST /v1/complaints/{id}/assign (the OPD's supervisor): the operator's `sub` (token claim)
    becomes the assignee, and answers for the open follow-up clock as a claimer would. 200 with
    the complaint; assigning the operator who already has it changes nothing (same version)."""

    operator: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9][A-Za-z0-9._@+-]*$")


class Dispose(_Body):
    """POST /v1/complaints/{id}/dispose (the OPD's supervisor; disposisi): the complaint goes to a
    unit of the OPD (a UPTD, a bidang; GET /v1/opds lists them), whose operators work it; the OPD's
    clocks keep running and the OPD stays answerable. 200 with the complaint; the unit it already
    has changes nothing; 422 `unknown_unit` for a code the OPD does not have."""

    unit: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class Note(_Body):
    """POST /v1/complaints/{id}/notes (operator or supervisor of the OPD, inspector): a staff
    note. 201 with the new timeline event (TimelineEvent: type `staff_note`), `ETag` the
    complaint's new version and `Location` its timeline; status and deadlines do not change.
    Only staff and oversight ever read it (domain/policy.py)."""

    note: str = _text(1, TEXT_MAX)


class TimelineEvent(BaseModel):
    """One element of GET /v1/complaints/{id}/timeline (response shape, for the OpenAPI): only
    the events and fields domain/policy.py lets the caller see. `note` is null when the caller
    may not read it; `actor_id` and `data` appear only when the caller may read them."""
    model_config = ConfigDict(defer_build=True)

    at: str                                  # ISO-8601 UTC
    type: str                                # submitted, claimed, assigned_to, ..., staff_note
    label: str = Field(description="the event's human name in the caller's language (Accept-Language)")
    actor_role: str
    note: str | None = None
    actor_id: str | None = None
    data: dict | None = Field(default=None, description="per type: transferred {from_opd, to_opd, "
                              "decides_approval?}, assigned_to {operator}, forwarded {jurisdiction}, handed_over "
                              "{jurisdiction, from_opd, to_opd, government, unit?}, disposed {unit, from_unit}, ...")


_PYDANTIC_CODES = {
    "missing": "required", "string_too_short": "too_short", "string_too_long": "too_long",
    "extra_forbidden": "unknown_field", "literal_error": "not_allowed_value",
    "greater_than_equal": "out_of_range", "less_than_equal": "out_of_range",
    "number_underflow": "out_of_range",
}
_EXPECTED = {"string_type": "string", "bool_type": "boolean", "int_type": "integer",
             "float_type": "number", "model_type": "object", "dict_type": "object"}


def parse(model: type[_Body], data) -> _Body:
    """Validate `data` (already decoded JSON) against `model`; raise ApiError 422 with one
    detail per offending field."""
    if not isinstance(data, dict):
        raise ApiError(422, "validation_failed", [field_error("", "wrong_type", expected="object")])
    bad = unstorable_number(data)
    if bad is not None:
        raise ApiError(422, "validation_failed", [field_error(bad, "out_of_range")])
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ApiError(422, "validation_failed", _details(exc)) from None


def _details(exc: ValidationError) -> list[dict]:
    details, seen = [], set()
    for err in exc.errors(include_url=False):
        loc = [str(p) for p in err["loc"] if not str(p).startswith(("function-", "constrained-"))]
        # unions report one error per member type: keep the first per field
        loc = [p for p in loc if p not in ("float", "int", "str", "bool", "none", "LocationIn")]
        field = ".".join(loc)
        if field in seen:
            continue
        seen.add(field)
        kind, ctx = err["type"], err.get("ctx") or {}
        if kind in _PYDANTIC_CODES:
            code = _PYDANTIC_CODES[kind]
            params = {"limit": ctx.get("min_length", ctx.get("max_length", ctx.get("ge", ctx.get("le")))),
                      "expected": ctx.get("expected")}
        elif kind in _EXPECTED or kind.endswith("_type"):
            code, params = "wrong_type", {"expected": _EXPECTED.get(kind, kind.removesuffix("_type"))}
        else:
            code, params = "invalid", {}
        details.append(field_error(field, code, **{k: v for k, v in params.items() if v is not None}))
    return details


# --- a person's own preferences (CONTRACT.md, People: /v1/me/preferences) --------------------------
class PreferencesIn(_Body):
    """PUT /v1/me/preferences (any signed-in caller; only ever their own): replaces the caller's
    preferences whole, so a field left out or null (or "") is removed. 200 with the stored
    preferences (PreferencesOut). Types and sizes are checked here; what the values must be, in
    services/people.py (every bad field named in one 422): `email` an address with a dotted
    domain (IDNA), `phone` an Indonesian mobile number (08…, 628…, +628…, spaces and dashes
    allowed; stored as +628…), `push_token` printable ASCII, `channels` each of email, sms,
    whatsapp, push at most once and each with its address (sms and whatsapp need `phone`),
    `language` id or en."""

    email: str | None = Field(default=None, max_length=EMAIL_MAX)
    phone: str | None = Field(default=None, max_length=PHONE_MAX)
    push_token: str | None = Field(default=None, max_length=PUSH_TOKEN_MAX)
    channels: list[Annotated[str, Field(max_length=16)]] = Field(max_length=len(CHANNELS))
    language: str = Field(max_length=8, description="id | en")


class PreferencesOut(BaseModel):
    """GET, PUT and DELETE /v1/me/preferences (response shape, for the OpenAPI): the caller's
    stored preferences, or the defaults (language id, no channels) when none are stored (DELETE
    answers the defaults now in force). Never anyone else's: there is no route by sub."""
    model_config = ConfigDict(defer_build=True)

    email: str | None = None
    phone: str | None = Field(default=None, description="E.164, +628…")
    push_token: str | None = None
    channels: list[str] = Field(description="besides the in-app list (always on): email, sms, whatsapp, push")
    language: str = Field(description="id | en: the language of notifications")
    updated_at: str | None = Field(default=None, description="ISO-8601 UTC; null for the defaults")


# --- response shapes (issue 12): what the routes answer, for GET /openapi.json only ----------------
# The routes build plain dicts (api/views.py); these describe them, and tests/app/test_spec_fuzz.py
# checks every answer against them. `defer_build`: no route validates with them, so their schemas
# are built when the spec is (chalicelib/api/openapi.py), never on a cold start. Extra fields are
# allowed (no additionalProperties): a field added to a view does not break a client.
Timestamp = Annotated[str, Field(json_schema_extra={"format": "date-time"}, description="ISO-8601, UTC")]


class _Out(BaseModel):
    model_config = ConfigDict(defer_build=True)


class ErrorDetail(_Out):
    field: str = Field(description="the offending field (`location.lat`), or \"\" for the body as a whole")
    code: str = Field(description="required, too_short, too_long, wrong_type, out_of_range, not_allowed_value, "
                      "unknown_field, invalid, ...")
    message: str = Field(description="for people, in the caller's language")


class ErrorInfo(_Out):
    code: str = Field(description="stable, for programs: unauthenticated, not_found, wrong_state, ...")
    message: str = Field(description="for people: Indonesian, or English with `Accept-Language: en`")
    details: list[ErrorDetail]


class ErrorBody(_Out):
    """Every error answer: `{"error": {"code", "message", "details"}}` (CONTRACT.md)."""

    error: ErrorInfo


class Bilingual(_Out):
    id: str = Field(description="Bahasa Indonesia")
    en: str = Field(description="English")


class Health(_Out):
    status: Literal["ok"]
    rules_version: str


class CategoryOut(_Out):
    code: str
    name: str
    sector: Literal["perizinan", "pendidikan", "kesehatan", "pajak", "lainnya"]
    opd: str = Field(description="the OPD a complaint of this category is routed to")


class UnitOut(_Out):
    code: str
    name: str
    region: str | None = Field(default=None, description="the Kemendagri code of its area, if it has one")


class OpdOut(_Out):
    code: str = Field(description="a kabupaten/kota's OPD is prefixed with its government: BANDARLAMPUNG.DINKES")
    name: str
    government: str = Field(default="LAMPUNG", description="whose OPD it is (GET /v1/governments)")
    sectors: list[str] = Field(default_factory=list)
    units: list[UnitOut] = Field(default_factory=list, description="the units a supervisor may dispose to")


class GovernmentOut(_Out):
    code: str = Field(description="LAMPUNG (the province), or a code of GET /v1/jurisdictions")
    name: str
    kind: Literal["provinsi", "kabupaten", "kota"]
    onboarded: bool = Field(description="true: its own OPDs, routing and clocks on the platform; false: "
                                        "forwarding there ends in `forwarded`")
    region: str = Field(description="its Kemendagri code")
    contact: Bilingual = Field(description="where a citizen reaches that government")


class RegionOut(_Out):
    code: str = Field(description="Kemendagri code")
    name: str
    level: Literal["provinsi", "kabupaten", "kota", "kecamatan", "desa", "kelurahan"]
    parent: str | None


class JurisdictionOut(_Out):
    code: str
    name: str
    contact: Bilingual = Field(description="where a citizen reaches that government")


class ClockLevel(_Out):
    clock: Literal["followup", "approval"]
    hours: float
    mode: str = Field(description="calendar, working_days or working_hours")
    pause_in: list[str] = Field(description="statuses in which the clock pauses")
    warn_at_percent: float | None = None
    in_force_since: str = Field(description="ISO date (WIB) the parameter took effect")
    reference: str = Field(description="the legal basis")
    description: Bilingual


class SanctionLevel(_Out):
    rule_id: str
    level: str
    subject_type: Literal["operator", "opd"]
    reference: str
    description: Bilingual | str


class ServiceLevels(_Out):
    rules_version: str
    at: str = Field(description="the WIB date these levels are in force on")
    timezone: str
    government: str = Field(default="LAMPUNG", description="whose levels these are (`?government=`)")
    clocks: list[ClockLevel]
    sanctions: list[SanctionLevel]
    calendar_years: list[int] = Field(description="first and last year of the working calendar")


class ClockStats(_Out):
    decided: int
    on_time: int
    late: int
    on_time_rate: float | None
    median_hours: float | None


class OpdStats(_Out):
    opd: str
    name: str
    government: str = "LAMPUNG"
    complaints: int
    channels: dict[str, int] = Field(default_factory=dict, description=(
        "its complaints of the window per channel they came in by (app, web, desk, phone, social, email, "
        "lapor), whatever `channel` is"))
    followup: ClockStats
    approval: ClockStats
    sanctions: int
    score: float = Field(description="95% Wilson lower bound of the on-time rate")
    enough_data: bool
    rank: int | None = Field(description="null while the OPD has too few decided clocks")


class LeagueTable(_Out):
    government: str | None = Field(default=None, description="the `?government=` filter, or null: every government")
    channel: str | None = Field(default=None, description="the `?channel=` filter, or null: every channel")
    channels: dict[str, int] = Field(default_factory=dict, description="where the window's complaints came from: "
                                     "complaints per channel over every OPD of the table")
    window_days: int
    since: Timestamp
    method: str
    opds: list[OpdStats]


class MonthStats(_Out):
    month: str = Field(description="the WIB month, YYYY-MM")
    complaints: int = Field(description="complaints whose first follow-up clock at the OPD started this month")
    followup: ClockStats = Field(description="follow-up clocks that started this month: decided on time or late, "
                                             "and the median hours to the follow-up")
    approval: ClockStats = Field(description="approval clocks that started this month")
    sanctions: int = Field(description="sanctions issued this month")


class MonthlyStats(_Out):
    government: str | None = Field(description="the `?government=` (or the `?opd=`'s government), or null: "
                                               "every government")
    opd: str | None = Field(description="the `?opd=` filter, or null: every OPD of the government")
    name: str | None = Field(description="the OPD's name, else the government's, in the caller's language")
    window_months: int
    since: Timestamp = Field(description="00:00 WIB of the first month's first day")
    until: str = Field(description="the last day (WIB date) of the last month: the current one, so far")
    timezone: str
    opd_count: int = Field(description="how many OPDs the figures add up")
    months: list[MonthStats] = Field(description="oldest first, one per month, months without complaints too")


class LocationOut(_Out):
    lat: float | None = None
    lon: float | None = None
    address: str | None = None
    region: str | None = None


class Deadlines(_Out):
    followup_due: Timestamp | None
    approval_due: Timestamp | None


class ReporterOut(_Out):
    id: str | None = None
    name: str | None = None


class RatingOut(_Out):
    stars: int = Field(ge=1, le=5)
    comment: str | None = None


class RoutingOut(_Out):
    rule_id: str | None = None
    rules_version: str | None = None


class EvidenceFlagOut(_Out):
    kind: Literal["text", "photo"]
    ref: str = Field(description='"text", or the id of the attachment that matched')
    matches_complaint: str = Field(description="the other complaint where it was used")
    score: int = Field(description="photo: bits apart (0 identical); text: similarity in percent")


class ComplaintOut(_Out):
    """The contract's Complaint as this caller may see it: a field the privacy policy
    (domain/policy.py) does not let the caller read is null."""

    id: str
    status: Literal["assigned", "waiting_citizen", "followed_up", "resolved", "closed", "forwarded", "rejected"]
    category: str
    sector: str
    opd: str
    title: str | None = Field(description="null unless the caller may read it (owner, staff, or public)")
    description: str | None
    location: LocationOut | None
    visibility: Literal["private", "public"]
    anonymous: bool
    assignee: str | None = Field(description="the operator who claimed it; staff only")
    created_at: Timestamp
    updated_at: Timestamp
    deadlines: Deadlines
    overdue: bool
    reporter: ReporterOut | None = Field(description="the owner, or staff when not anonymous")
    version: int = Field(description="optimistic lock; also the ETag; send it back as If-Match")
    jurisdiction: str | None = Field(description="the kabupaten/kota it was forwarded to, when that government "
                                               "is not on the platform (status forwarded)")
    government: str | None = Field(default=None, description="the government answerable for it now: LAMPUNG, "
                                   "or an onboarded kabupaten/kota it was forwarded to (GET /v1/governments)")
    unit: str | None = Field(default=None, description="the unit of its OPD it is disposed to (disposisi), if any")
    channel: str | None = Field(default=None, description="how it came in: app, web (a citizen's own filing), "
                                "desk, phone, social, email (filed by intake staff for a person), lapor")
    filed_by: str | None = Field(default=None, description="the intake staff member who filed it for the person "
                                 "(staff, and that intake staff member, only)")
    lapor_id: str | None = Field(default=None, description="its SP4N-LAPOR! tracking number, when it came from "
                                 "LAPOR! (channel lapor); its updates go back there")
    rating: RatingOut | None
    routing: RoutingOut
    actions: list[str] = Field(description="the action paths this caller may take now: show these buttons")
    flags: list[EvidenceFlagOut] | None = Field(
        default=None, description="staff only: the follow-up's text or photos nearly match evidence of another "
                                  "complaint (honest follow-ups, rules/parameters/evidence.yaml)")
    similar: list[dict] | None = Field(
        default=None, description="in the 201 of POST /v1/complaints only, to the filer: open public complaints "
                                  "of the same category nearby (the public list's items) to support instead")


class ComplaintPage(_Out):
    items: list[ComplaintOut]
    next: str | None = Field(description="the cursor of the next page, or null")


class SanctionOut(_Out):
    id: str
    kind: Literal["sanction", "warning", "report"]
    complaint_id: str
    subject_type: Literal["operator", "opd"]
    subject_id: str
    opd: str
    rule_id: str
    level: str
    clock: Literal["followup", "approval"]
    due_at: Timestamp
    issued_at: Timestamp
    hours_late: float
    rules_version: str
    explanation: Bilingual
    reference: str
    facts: dict = Field(description="the facts the rule saw")


class SanctionPage(_Out):
    items: list[SanctionOut]
    next: str | None


class ShadowDecisionOut(SanctionOut):
    in_active: bool = Field(description="whether the rules in force took the same decision (same complaint, "
                                        "clock and rule)")


class ShadowDecisionPage(_Out):
    items: list[ShadowDecisionOut]
    next: str | None
    shadow_rules_version: str | None = Field(description="the shadow bundle configured now; null: shadow mode is off "
                                                         "(decisions recorded earlier stay listed)")
    active_rules_version: str


class AuditEntryOut(_Out):
    at: Timestamp
    actor_role: str
    actor_id: str | None
    action: str
    complaint_id: str | None
    source_ip: str | None


class AuditPage(_Out):
    items: list[AuditEntryOut]
    next: str | None


class NotificationOut(_Out):
    id: str
    at: Timestamp
    type: str
    complaint_id: str | None
    title: str = Field(description="in the caller's language")
    body: str
    read_at: Timestamp | None


class NotificationPage(_Out):
    items: list[NotificationOut]
    next: str | None


class Forgotten(_Out):
    complaints_deidentified: int
    notifications_deleted: int
    preferences_deleted: bool
