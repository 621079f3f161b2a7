"""Never a 5xx from input, on AWS's DynamoDB Local (issue 10, part 4).

GIVEN the app on DynamoDB Local (which validates numbers, keys and sizes as DynamoDB does, where
the fakes and moto are lenient):
* each finding of issue 10, over real HTTP through the local stack's server
  (lampungin/localstack/httpserver.py): it was a 500, or an admin, or an echoed token;
* requests generated for every route of the app's route table (tests/generated_requests.py),
  through chalice.test.Client: never a 5xx, every 4xx in the contract's shape.
"""
from __future__ import annotations

import base64
import json
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

import pytest
import requests as http
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.adapters.auth import TokenVerifier
from chalicelib.rules.bundle import load_bundle
from chalicelib.wiring import container
from tests.app.conftest import Api, ManualClock
from tests.contract_client import ContractClient
from tests.fakes_deadlines import RecordingNotifier
from tests.generated_requests import FOCUS, assert_contract_error, authorization, requests, seed_complaint
from tests.keys import ISSUER, TestKeys

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 11, 27, 2, 0, tzinfo=timezone.utc)           # Friday 09:00 WIB
NEW = {"category": "izin-berusaha", "title": "NIB tidak terbit",
       "description": "Sudah tiga minggu NIB saya belum terbit."}


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    return TestKeys(tmp_path_factory.mktemp("auth") / "jwks.json")


@pytest.fixture
def wired(dynamodb_local_tables, settings, keys):
    """The app's real adapters, built by the composition root from these settings, on this
    test's tables in DynamoDB Local; the app's request throttle off (one address, many requests)."""
    off = {n: 0.0 for n in ("throttle_ip_rate", "throttle_token_rate") if hasattr(settings, n)}
    container.override(settings=replace(settings, **off), rules=load_bundle(), now=ManualClock(T0),
                       notifier=RecordingNotifier(),
                       verifier=TokenVerifier(jwks_path=keys.jwks_path, issuer=ISSUER))
    yield
    container.reset()


@pytest.fixture
def server(wired):
    """The app over real HTTP on 127.0.0.1, as `lampungin dev` serves it."""
    from app import app
    from lampungin.localstack.httpserver import ApiServer, chalice_config

    srv = ApiServer(app, chalice_config(ROOT), "127.0.0.1", 0)
    srv.start()
    yield srv.url
    srv.stop()


class Http:
    def __init__(self, base: str, keys: TestKeys):
        self.base, self.keys = base, keys

    def call(self, method, path, token=None, body=None, headers=None):
        # header values as UTF-8 bytes: how a client sends "²" (http.client would refuse the str)
        h = {"Content-Type": "application/json", **{k: v.encode() for k, v in (headers or {}).items()}}
        if token:
            h["Authorization"] = f"Bearer {token}"
        resp = http.request(method, self.base + path, headers=h, timeout=30,
                            data=json.dumps(body) if body is not None else None)
        return resp.status_code, resp.json() if resp.content else None, resp.text

    def as_(self, sub, role, opd=None):
        return self.keys.token(sub, role, opd)


@pytest.fixture
def web(server, keys):
    return Http(server, keys)


CITIZEN = ("warga-1", "citizen")
OPERATOR = ("operator-dpmptsp", "operator", "DPMPTSP")
INSPECTOR = ("insp-1", "inspector")


def error_of(result, status, code=None):
    got, body, raw = result
    assert got == status, raw[:300]
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}, raw[:300]
    if code:
        assert body["error"]["code"] == code, raw[:300]
    return body["error"]


def b64(value) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


# --- the findings, each over real HTTP --------------------------------------------------------------
@pytest.mark.parametrize("limit", ["%C2%B2", "9" * 5000, "%D9%A3"])
def test_a_unicode_or_5000_digit_limit_is_422_not_500(web, limit):
    for path, who in (("/v1/complaints", CITIZEN), ("/v1/complaints?overdue=true&x=1", OPERATOR),
                      ("/v1/sanctions", INSPECTOR)):
        sep = "&" if "?" in path else "?"
        err = error_of(web.call("GET", f"{path}{sep}limit={limit}", web.as_(*who)), 422, "validation_failed")
        assert err["details"][0]["field"] == "limit"


@pytest.mark.parametrize("who", [OPERATOR, INSPECTOR])
def test_a_unicode_cursor_on_the_overdue_queue_is_400(web, who):
    error_of(web.call("GET", "/v1/complaints?overdue=true&cursor=%C2%B2", web.as_(*who)), 400, "bad_cursor")


def test_if_match_with_a_unicode_digit_is_400_and_changes_nothing(web):
    status, complaint, _ = web.call("POST", "/v1/complaints", web.as_(*CITIZEN), NEW)
    assert status == 201
    for value in ('"²"', "²", 'W/"٣"', '"' + "9" * 5000 + '"'):
        error_of(web.call("POST", f"/v1/complaints/{complaint['id']}/claim", web.as_(*OPERATOR), {},
                          headers={"If-Match": value}), 400, "invalid_if_match")
    assert web.call("GET", f"/v1/complaints/{complaint['id']}", web.as_(*CITIZEN))[1]["version"] == 1


@pytest.mark.parametrize("since", ["0001-01-01", "9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00"])
def test_since_at_the_edges_of_time_is_422(web, since):
    for path in ("/v1/sanctions", "/v1/audit"):
        err = error_of(web.call("GET", f"{path}?since={quote(since)}", web.as_(*INSPECTOR)), 422)
        assert err["details"][0]["field"] == "since", path


def test_a_latitude_dynamodb_cannot_store_is_422_and_nothing_is_stored(web):
    citizen = web.as_(*CITIZEN)
    for lat in (1e-200, -5e-324, 1e-131):
        err = error_of(web.call("POST", "/v1/complaints", citizen, {**NEW, "location": {"lat": lat, "lon": 105.2}}),
                       422, "validation_failed")
        assert [(d["field"], d["code"]) for d in err["details"]] == [("location.lat", "out_of_range")]
    assert web.call("GET", "/v1/complaints", citizen)[1]["items"] == []
    for lat in (1e-130, 0, -5.45):       # the smallest magnitude DynamoDB stores, and real ones
        status, body, raw = web.call("POST", "/v1/complaints", citizen, {**NEW, "location": {"lat": lat, "lon": 105.2}})
        assert status == 201, raw[:300]
        assert body["location"]["lat"] == lat


@pytest.mark.parametrize("cursor", [
    {"q": "0" * 16, "id": None, "issued_key": "2026-11-27T02:00:00.000000Z#S"},
    {"q": None, "id": "S-1", "issued_key": "2026-11-27T02:00:00.000000Z#S"},
    {"q": "0" * 16, "id": "S-1", "issued_key": None},
])
def test_a_forged_sanctions_cursor_with_a_null_field_is_400(web, cursor):
    error_of(web.call("GET", f"/v1/sanctions?cursor={b64(cursor)}", web.as_(*INSPECTOR)), 400, "bad_cursor")


@pytest.mark.parametrize("claims", [
    {"sub": "u-1", "cognito:groups": 5},
    {"sub": "u-1", "role": "operator", "opd": ["X"]},
    {"sub": "u-1", "cognito:groups": ["operator"], "custom:opd": ["DINKES"]},
    {"sub": "u-1", "cognito:groups": {"admin": 1}},           # was accepted as an admin
])
def test_a_validly_signed_token_with_a_claim_of_the_wrong_type_is_401(web, keys, claims):
    status, complaint, _ = web.call("POST", "/v1/complaints", web.as_(*CITIZEN), NEW)
    assert status == 201
    token = keys.signed(claims)
    for path in ("/v1/complaints", "/v1/complaints?overdue=true", f"/v1/complaints/{complaint['id']}",
                 "/v1/sanctions", "/v1/audit"):
        err = error_of(web.call("GET", path, token), 401, "unauthenticated")
        assert token not in json.dumps(err)


def test_an_unknown_route_is_404_and_another_method_405_in_our_shape_never_echoing_the_token(web):
    token = web.as_(*INSPECTOR)
    for path in ("/v1/nope", "/", "/v2/complaints", "/v1/complaints/ADU-1/nope/deeper"):
        got, body, raw = web.call("GET", path, token)
        assert got == 404 and body["error"]["code"] == "route_not_found", raw
        assert token not in raw and "Authorization" not in raw
    got, body, raw = web.call("DELETE", "/v1/health", token, headers={"Accept-Language": "en"})
    assert got == 405 and body["error"]["code"] == "method_not_allowed" and token not in raw
    assert body["error"]["message"].startswith("This HTTP method is not supported")
    assert web.call("GET", "/v1/nope", headers={"Accept-Language": "en"})[1]["error"]["message"] == \
        "There is no such address in the Lampung In API."


# --- generated requests for every route, on DynamoDB Local ----------------------------------------
@pytest.fixture
def local_api(wired, keys):
    from app import app

    with ContractClient(app) as client:
        api = Api(client, keys)
        seed_complaint(api)
        yield api


@pytest.mark.slow
@pytest.mark.parametrize("focus", FOCUS + ("all",))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(data=st.data())
def test_every_route_parameter_header_and_claim_never_5xx_on_dynamodb_local(local_api, focus, data):
    req = data.draw(requests(focus))
    auth = authorization(local_api.keys, req.caller)
    headers = {"Content-Type": "application/json", **req.headers, **({"Authorization": auth} if auth else {})}
    resp = local_api.client.http.request(req.method, req.path, headers=headers, body=req.body or b"")
    raw = resp.body.decode("utf-8", "replace") if isinstance(resp.body, bytes) else str(resp.body or "")
    try:
        body = json.loads(raw) if raw else None
    except ValueError:
        body = None
    if req.path.startswith("/open311/"):     # the spec's own error shape: tests/app/test_open311.py checks it
        assert resp.status_code < 500, (resp.status_code, raw[:500])
        return
    assert_contract_error(resp.status_code, body, raw, auth)
