"""Request throttling through the app (chalice.test.Client): GIVEN small rates and a clock the test
moves, WHEN one token or one address sends too much, THEN it gets 429 with Retry-After in the
contract's shape and language, before any route runs, and again 200 once the bucket refills."""
from __future__ import annotations

import json

import pytest

from chalicelib.api.throttle import Rate, Throttle
from chalicelib.wiring import container
from tests.app.conftest import CITIZEN, CITIZEN_2
from tests.app.test_complaint_flow import NEW


class Seconds:
    def __init__(self):
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def seconds():
    return Seconds()


def throttled(seconds, *, ip=Rate(1000, 1000), token=Rate(1000, 1000)) -> Throttle:
    throttle = Throttle(per_ip=ip, per_token=token, clock=seconds)
    container.override(throttle=throttle)
    return throttle


def get(api, path, who=None, headers=None):
    # one token per caller for the whole test: the throttle counts per token, and a token minted
    # a second later (its `iat` differs) would be a fresh bucket
    minted = api.__dict__.setdefault("_tokens", {})
    h = dict(minted.setdefault(who, api.keys.headers(*who))) if who else {}
    resp = api.client.http.get(path, headers={**h, **(headers or {})})
    return resp.status_code, json.loads(resp.body), resp.headers


def assert_429(result, retry_after: str):
    status, body, headers = result
    assert status == 429, body
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == "too_many_requests" and body["error"]["details"] == []
    assert headers["Retry-After"] == retry_after
    return body["error"], headers


def test_one_token_past_its_burst_gets_429_then_its_rate(api, seconds):
    throttled(seconds, token=Rate(0.5, 3))
    assert [get(api, "/v1/complaints", CITIZEN)[0] for _ in range(3)] == [200] * 3
    err, headers = assert_429(get(api, "/v1/complaints", CITIZEN), "2")   # 1 token at 0.5 a second
    assert err["message"] == "Terlalu banyak permintaan. Coba lagi dalam 2 detik."
    assert headers["Content-Language"] == "id"
    err, headers = assert_429(get(api, "/v1/complaints", CITIZEN, {"Accept-Language": "en"}), "2")
    assert err["message"] == "Too many requests. Try again in 2 seconds."
    assert get(api, "/v1/complaints", CITIZEN_2)[0] == 200                # another token
    seconds.t += 2
    assert get(api, "/v1/complaints", CITIZEN)[0] == 200


def test_one_address_is_limited_across_tokens_and_without_one(api, seconds):
    throttle = throttled(seconds, ip=Rate(10, 4))
    assert get(api, "/v1/health")[0] == 200
    assert get(api, "/v1/complaints", CITIZEN)[0] == 200
    assert get(api, "/v1/complaints", CITIZEN_2)[0] == 200
    assert get(api, "/v1/categories")[0] == 200
    assert_429(get(api, "/v1/health"), "1")
    assert_429(get(api, "/v1/complaints", ("warga-3", "citizen")), "1")
    assert throttle.per_ip is not None and throttle.per_ip.tokens("127.0.0.1", seconds.t) < 1  # sourceIp
    seconds.t += 0.1
    assert get(api, "/v1/health")[0] == 200


def test_a_throttled_filing_never_reaches_the_route(api, seconds, repo):
    throttled(seconds, token=Rate(1, 1))
    # one token for both filings (the throttle counts per token: a token minted a second later
    # by api.keys would be another bucket, and the test would depend on the wall clock)
    same = {**api.keys.headers(*CITIZEN), "Content-Type": "application/json"}
    first = api.client.http.post("/v1/complaints", headers=same, body=json.dumps(NEW))
    assert first.status_code == 201
    second = api.client.http.post("/v1/complaints", headers=same, body=json.dumps(NEW))
    status, body = second.status_code, json.loads(second.body)
    assert status == 429 and body["error"]["code"] == "too_many_requests"
    assert len(repo.complaints) == 1


def test_a_429_carries_the_cors_headers_a_browser_needs_to_read_it(api, seconds):
    throttled(seconds, ip=Rate(1, 1))
    get(api, "/v1/health")
    _, headers = assert_429(get(api, "/v1/health"), "1")
    assert headers["Access-Control-Allow-Origin"]
    assert "Retry-After" in headers["Access-Control-Expose-Headers"]
