"""The per-citizen daily limit and idempotent filing, through the app (chalice.test.Client):
GIVEN a citizen at the limit WHEN they retry a filing with the same Idempotency-Key THEN they get
the first complaint back, not 429; and keys of different citizens never meet."""
from __future__ import annotations

import json

from tests.app.conftest import CITIZEN
from tests.app.test_complaint_flow import NEW, file


def post(api, who, body, key):
    resp = api.client.http.post("/v1/complaints", headers={**api.keys.headers(*who), "Idempotency-Key": key},
                                body=json.dumps(body))
    return resp.status_code, json.loads(resp.body), resp.headers


def fill_to_the_limit(api, clock, last_key: str) -> dict:
    """Twenty filings a minute apart; the last one with `last_key`."""
    for _ in range(19):
        file(api)
        clock.advance(minutes=1)
    status, last, _ = post(api, CITIZEN, NEW, last_key)
    assert status == 201, last
    clock.advance(minutes=1)
    return last


def test_a_replay_at_the_daily_limit_returns_the_first_complaint(api, clock):
    last = fill_to_the_limit(api, clock, "retry-at-limit")
    status, body = api.post("/v1/complaints", CITIZEN, NEW)
    assert status == 429 and body["error"]["code"] == "rate_limited"       # the limit holds ...
    status, again, headers = post(api, CITIZEN, NEW, "retry-at-limit")     # ... but not for a replay
    assert status == 201, again
    assert again["id"] == last["id"] and headers["Idempotent-Replayed"] == "true"
    assert len(api.get("/v1/complaints?limit=100", CITIZEN)[1]["items"]) == 20


def test_a_reused_key_with_another_body_at_the_limit_stays_an_error(api, clock):
    fill_to_the_limit(api, clock, "reused-at-limit")
    status, body, _ = post(api, CITIZEN, {**NEW, "title": "Judul lain"}, "reused-at-limit")
    assert status == 422 and body["error"]["code"] == "idempotency_key_reused"


def test_a_new_key_at_the_limit_is_429_with_retry_after(api, clock):
    fill_to_the_limit(api, clock, "k-20")
    status, body, headers = post(api, CITIZEN, NEW, "k-21")
    assert status == 429 and body["error"]["code"] == "rate_limited"
    # the oldest of the 20 was filed 20 minutes ago: it leaves the window in 23 h 40 min
    assert int(headers["Retry-After"]) == 24 * 3600 - 20 * 60


def test_idempotency_keys_of_different_citizens_never_collide(api):
    """sub "a#b" with key "c" and sub "a" with key "b#c" were both stored as "a#b#c": the second
    citizen got the first citizen's complaint back (201, replayed)."""
    first_citizen, second_citizen = ("warga#1", "citizen"), ("warga", "citizen")
    s1, first, _ = post(api, first_citizen, NEW, "k")
    s2, second, headers = post(api, second_citizen, NEW, "1#k")
    assert s1 == s2 == 201
    assert second["id"] != first["id"] and "Idempotent-Replayed" not in headers
    assert second["reporter"]["id"] == "warga"
