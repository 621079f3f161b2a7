"""Issue 10 over real HTTP on `lampungin dev` (DynamoDB Local behind it), as the tester found
them: fifty filings by one citizen at once, on connections opened beforehand so they really reach
the app together, store at most the daily limit; a replay at the limit is answered; one token
that sends too much gets 429 from the request throttle; a citizen's answer and a return reason
stay in the case; twenty parallel claims have one winner; an operator cannot move a complaint
that waits for the supervisor."""
from __future__ import annotations

import http.client
import json
import threading
import time
import uuid

import pytest
import requests

from tests.e2e.test_dev_stack import Stack, free_port

pytestmark = pytest.mark.slow

DAILY_LIMIT = 20          # the default (config.py)


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    # The suites run unthrottled (tests/conftest.py); this stack throttles tokens, with a burst
    # above the fifty filings (the daily limit, not the throttle, answers them) and a rate so slow
    # that however slowly the machine serves, a token's 120 quick requests outrun it.
    with pytest.MonkeyPatch.context() as env:
        env.setenv("THROTTLE_TOKEN_RATE", "0.1")
        env.setenv("THROTTLE_TOKEN_BURST", "60")
        env.setenv("THROTTLE_IP_RATE", "0")
        env.delenv("DAILY_COMPLAINT_LIMIT", raising=False)
        running = Stack(tmp_path_factory.mktemp("lampungin-home"), free_port())
    try:
        running.wait_healthy()
        yield running
    finally:
        if running.proc.poll() is None:
            running.stop()


def body(stack: Stack) -> dict:
    category = stack.call("GET", "/v1/categories", {})[0]
    return {"category": category["code"], "title": "Jalan rusak", "description": "Berlubang besar."}


def file_at_once(stack: Stack, who: dict, payload: dict, n: int) -> list[tuple[int, dict, str]]:
    """`n` filings, each with its own Idempotency-Key, on connections opened first, sent together."""
    raw = json.dumps(payload).encode()
    keys = [uuid.uuid4().hex for _ in range(n)]
    connections = [http.client.HTTPConnection("127.0.0.1", stack.port, timeout=60) for _ in range(n)]
    for c in connections:
        c.connect()
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def attempt(i):
        headers = {**who, "Content-Type": "application/json", "Idempotency-Key": keys[i]}
        barrier.wait(timeout=30)
        connections[i].request("POST", "/v1/complaints", body=raw, headers=headers)
        response = connections[i].getresponse()
        results[i] = (response.status, json.loads(response.read()), keys[i])
        connections[i].close()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def test_fifty_filings_at_once_store_at_most_the_limit_and_a_replay_is_still_answered(stack):
    citizen = stack.token("warga-race", "citizen")
    payload = body(stack)
    # one filing first, by someone else: the server's store clients exist before the burst
    stack.call("POST", "/v1/complaints", stack.token("warga-warm", "citizen"), payload, expect=201)
    started = time.monotonic()
    results = file_at_once(stack, citizen, payload, 50)
    took = time.monotonic() - started
    statuses = [r[0] for r in results]
    created = [r for r in results if r[0] == 201]
    print(f"\nover HTTP, 50 at once: {statuses.count(201)} × 201, {statuses.count(429)} × 429, "
          f"{statuses.count(409)} × 409 in {took:.1f} s")
    assert set(statuses) <= {201, 409, 429}, results
    assert 1 <= len(created) <= DAILY_LIMIT
    assert all(r[1]["error"]["code"] == "rate_limited" for r in results if r[0] == 429)
    assert all(r[1]["error"]["code"] == "filing_contended" for r in results if r[0] == 409)
    mine = stack.call("GET", "/v1/complaints?limit=100", citizen)["items"]
    assert sorted(c["id"] for c in mine) == sorted(r[1]["id"] for r in created)

    # at the limit (or not): the same request with a key that filed returns that complaint
    status, first, key = created[0]
    response = requests.post(f"{stack.base}/v1/complaints", json=payload, timeout=10,
                             headers={**citizen, "Idempotency-Key": key})
    assert response.status_code == 201, response.text
    assert response.json()["id"] == first["id"] and response.headers["Idempotent-Replayed"] == "true"


def test_one_token_past_its_burst_gets_429_with_retry_after(stack):
    citizen = stack.token("warga-throttle", "citizen")
    with requests.Session() as session:        # a cheap route: the throttle counts every route
        answers = [session.get(f"{stack.base}/v1/health", headers=citizen, timeout=10)
                   for _ in range(120)]
    refused = [a for a in answers if a.status_code == 429]
    assert refused, [a.status_code for a in answers]
    assert {a.status_code for a in answers} == {200, 429}
    assert refused[0].json()["error"]["code"] == "too_many_requests"
    assert 1 <= int(refused[0].headers["Retry-After"]) <= 10          # one token at 0.1 a second
    assert stack.call("GET", "/v1/health", {})["status"] == "ok"      # other callers are served
    assert stack.call("GET", "/v1/complaints", stack.token("warga-lain", "citizen"))["items"] == []


def test_over_http_a_citizens_answer_and_a_return_reason_stay_in_the_case(stack):
    """The tester's finding, over real HTTP: a public anonymous complaint, the operator asks for
    the NIK, the citizen answers; another citizen's timeline must not carry the answer, and the
    supervisor's return reason to the operator must not reach the citizen."""
    owner, stranger = stack.token(f"w-{uuid.uuid4().hex[:6]}", "citizen"), stack.token("w-lain", "citizen")
    c = stack.call("POST", "/v1/complaints", owner, {**body(stack), "visibility": "public", "anonymous": True},
                   expect=201)
    operator = stack.token("op-privasi", "operator", c["opd"])
    supervisor = stack.token("spv-privasi", "supervisor", c["opd"])
    path = f"/v1/complaints/{c['id']}"
    stack.call("POST", f"{path}/request-info", operator, {"question": "Mohon NIK dan nomor HP"})
    stack.call("POST", f"{path}/replies", owner, {"message": "NIK 1871000000000001, HP 081200000000"})
    stack.call("POST", f"{path}/followups", operator, {"message": "Sudah ditangani"})
    stack.call("POST", f"{path}/return", supervisor, {"reason": "Foto bukti kurang, operator lalai"})
    seen_by_stranger = json.dumps(stack.call("GET", f"{path}/timeline", stranger))
    assert "1871000000000001" not in seen_by_stranger and "citizen_replied" not in seen_by_stranger
    seen_by_owner = json.dumps(stack.call("GET", f"{path}/timeline", owner))
    assert "1871000000000001" in seen_by_owner and "operator lalai" not in seen_by_owner
    assert "operator lalai" in json.dumps(stack.call("GET", f"{path}/timeline", supervisor))


def test_over_http_twenty_parallel_claims_have_one_winner(stack):
    c = stack.call("POST", "/v1/complaints", stack.token(f"w-{uuid.uuid4().hex[:6]}", "citizen"), body(stack),
                   expect=201)
    tokens = [stack.token(f"op-klaim-{i}", "operator", c["opd"]) for i in range(20)]
    barrier, codes = threading.Barrier(20), [0] * 20

    def claim(i):
        barrier.wait(timeout=30)
        url = f"{stack.base}/v1/complaints/{c['id']}/claim"
        codes[i] = requests.post(url, headers=tokens[i], timeout=60).status_code

    threads = [threading.Thread(target=claim, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=90)
    assert sorted(codes) == [200] + [409] * 19
    stored = stack.call("GET", f"/v1/complaints/{c['id']}", tokens[codes.index(200)])
    assert stored["assignee"] == f"op-klaim-{codes.index(200)}" and stored["version"] == 2


def test_over_http_an_operator_cannot_move_a_complaint_waiting_for_approval(stack):
    c = stack.call("POST", "/v1/complaints", stack.token(f"w-{uuid.uuid4().hex[:6]}", "citizen"), body(stack),
                   expect=201)
    operator = stack.token("op-pindah", "operator", c["opd"])
    stack.call("POST", f"/v1/complaints/{c['id']}/followups", operator, {"message": "Selesai"})
    other = next(o["code"] for o in stack.call("GET", "/v1/opds", {}) if o["code"] != c["opd"])
    error = stack.call("POST", f"/v1/complaints/{c['id']}/transfer", operator, {"opd": other, "reason": "x"},
                       expect=403)
    assert error["error"]["code"] == "forbidden"
    assert stack.call("GET", f"/v1/complaints/{c['id']}", operator)["status"] == "followed_up"
