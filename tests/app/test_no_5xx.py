"""No request, however malformed, gets a 5xx: odd path segments, query values and bodies thrown
at every route, by every role (hypothesis); and (issue 10) requests generated for every route of
the app's route table — every query parameter, header and claim, other methods, unknown paths —
answered below 500 and, when 4xx, in the contract's error shape without repeating the token.
tests/integration/test_no_5xx_dynamodb_local.py runs the same generator on DynamoDB Local."""
import json
import re
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.app.conftest import ADMIN, CITIZEN, INSPECTOR, staff
from tests.generated_requests import (
    FOCUS,
    Request,
    assert_contract_error,
    authorization,
    requests,
    routes,
    seed_complaint,
)

WEIRD = st.one_of(st.text(max_size=300), st.sampled_from(["", " ", "%00", "a" * 3000, "../x", "null",
                                                            "ADU-000000-0000000", "-1", "1e99", "true"]))
WHO = st.sampled_from([None, CITIZEN, INSPECTOR, ADMIN, staff("operator", "DINKES"),
                       staff("supervisor", "DINKES")])
PATHS = ["/v1/complaints/{x}", "/v1/complaints/{x}/timeline", "/v1/complaints?status={x}",
         "/v1/complaints?opd={x}", "/v1/complaints?cursor={x}", "/v1/complaints?limit={x}",
         "/v1/complaints?overdue={x}", "/v1/sanctions?complaint={x}", "/v1/sanctions?opd={x}",
         "/v1/sanctions?since={x}", "/v1/sanctions?cursor={x}", "/v1/sanctions?subject_type={x}"]
POSTS = ["/v1/complaints", "/v1/complaints/{x}/claim", "/v1/complaints/{x}/followups",
         "/v1/complaints/{x}/transfer", "/v1/complaints/{x}/rating", "/v1/complaints/{x}/forward"]
BODIES = st.one_of(st.binary(max_size=200), st.text(max_size=200).map(str.encode),
                   st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
                                | st.text(max_size=50),
                                lambda kids: st.lists(kids, max_size=4) | st.dictionaries(
                                    st.sampled_from(["category", "title", "description", "opd", "stars",
                                                     "message", "reason", "location", "lat", "x"]),
                                    kids, max_size=5), max_leaves=12).map(lambda v: json.dumps(v).encode()))


@pytest.fixture(params=["fakes", "dynamodb"])
def any_api(request):
    api = unthrottled(request.getfixturevalue("api" if request.param == "fakes" else "dynamo_api"))
    seed_complaint(api)
    return api


def unthrottled(api):
    """These tests send thousands of requests from one address in seconds: the app's own request
    throttle (chalicelib/api/throttle.py; a rate of 0 turns it off) would answer most with 429."""
    from dataclasses import replace

    from chalicelib.wiring import container

    current = container.settings
    off = {name: 0.0 for name in ("throttle_ip_rate", "throttle_token_rate") if hasattr(current, name)}
    container.override(settings=replace(current, **off))
    return api


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(PATHS), value=WEIRD, who=WHO)
def test_get_routes_never_5xx(any_api, path, value, who):
    api = any_api
    status, body = api.get(path.format(x=quote(value, safe="")), who)
    assert status < 500, (path, value, body)
    if status >= 400:
        assert set(body["error"]) == {"code", "message", "details"}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(POSTS), value=WEIRD, who=WHO, raw=BODIES)
def test_post_routes_never_5xx(any_api, path, value, who, raw):
    api = any_api
    status, body = api.post(path.format(x=quote(value, safe="") or "x"), who, raw=raw)
    assert status < 500, (path, value, raw, body)


def send(api, req: Request):
    auth = authorization(api.keys, req.caller)
    headers = {"Content-Type": "application/json", **req.headers}
    if auth is not None:
        headers["Authorization"] = auth
    resp = api.client.http.request(req.method, req.path, headers=headers, body=req.body or b"")
    raw = resp.body.decode("utf-8", "replace") if isinstance(resp.body, bytes) else str(resp.body or "")
    try:
        body = json.loads(raw) if raw else None
    except ValueError:
        body = None
    return resp.status_code, body, raw, auth


@pytest.mark.parametrize("focus", FOCUS + ("all",))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(data=st.data())
def test_every_route_parameter_header_and_claim_never_5xx(any_api, focus, data):
    req = data.draw(requests(focus))
    status, body, raw, auth = send(any_api, req)
    if req.path.startswith("/open311/"):     # the spec's own error shape: tests/app/test_open311.py checks it
        assert status < 500, (status, raw[:500])
        return
    assert_contract_error(status, body, raw, auth)


def test_the_generator_covers_every_route_of_the_app():
    from app import app

    assert {path for path, _ in routes()} == set(app.routes) and len(app.routes) >= 20


# One wrongly typed claim at a time, on every route: a signed token whose claim has the wrong JSON
# type is refused (401) wherever a token is needed, and never reaches a service or a store (where
# `opd: ["X"]` became a list in a DynamoDB key, and `cognito:groups: {"admin": 1}` an admin).
WRONG = {"sub": [5, 1.5, True, ["warga-1"], {"sub": "x"}],
         "role": [5, True, ["admin"], {"admin": 1}],
         "opd": [5, True, ["DINKES"], {"DINKES": 1}],
         "custom:opd": [5, ["DINKES"], {"S": "DINKES"}],
         "cognito:groups": [5, 1.5, True, "admin", {"admin": 1}, [5], [["admin"]]],
         "name": [5, ["Budi"], {"first": "Budi"}],
         "government": [5, ["LAMPUNG"]]}
BASES = {"local": {"sub": "operator-dinkes", "role": "operator", "opd": "DINKES"},
         "cognito": {"sub": "operator-dinkes", "cognito:groups": ["operator"], "custom:opd": "DINKES",
                     "lampungin:mfa": "true"}}


def test_a_wrongly_typed_claim_is_401_on_every_route_that_takes_a_token(api):
    unthrottled(api)
    for base in BASES.values():          # the bases themselves are good callers
        token = api.keys.signed(base)
        assert api.client.http.get("/v1/complaints", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    checked = 0
    for path, methods in routes():
        url = re.sub(r"\{[^}]+\}", "ADU-261127-D9BEVXG", path)
        for method in methods:
            body = b"{}" if method in ("POST", "PUT", "PATCH") else b""
            if api.client.http.request(method, url, headers={}, body=body).status_code != 401:
                continue                                    # a public route: the token is not read
            for form, base in BASES.items():
                for claim, values in WRONG.items():
                    for value in values:
                        token = api.keys.signed({**base, claim: value})
                        resp = api.client.http.request(method, url, body=body, headers={
                            "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
                        assert resp.status_code == 401, (method, path, form, claim, value, resp.body[:200])
                        checked += 1
    assert checked > 500
