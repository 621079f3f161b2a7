"""GIVEN the app on DynamoDB (moto), WHEN a citizen files a complaint, THEN the filing is the
daily quota's GetItem, the one TransactWriteItems and the Query of similar public complaints the
answer offers for support (`similar`, on `public_by_cell`) — and no read-back of the timeline:
the answer's deadlines come from the timeline the filing has just written, and they are the ones
a later GET replays from the store. Before, a timeline Query followed every filing
(docs/performance.md, API). An Idempotency-Key replay still reads its timeline, since it may have
moved on since the first filing."""
from __future__ import annotations

from collections import Counter

import pytest

from tests.app.conftest import CITIZEN
from tests.app.test_complaint_flow import NEW


@pytest.fixture
def requests_made(monkeypatch):
    import botocore.client

    made: Counter = Counter()
    original = botocore.client.BaseClient._make_api_call

    def counted(client, operation, params):
        if client.meta.service_model.service_name == "dynamodb":
            made[(operation, params.get("IndexName"))] += 1
        return original(client, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", counted)
    return made


def test_a_filing_is_two_requests_and_its_deadlines_are_the_replays(dynamo_api, requests_made):
    dynamo_api.get("/v1/categories")                    # nothing of the app's start-up is counted
    requests_made.clear()
    status, filed = dynamo_api.post("/v1/complaints", CITIZEN, NEW)
    assert status == 201, filed
    assert dict(requests_made) == {("GetItem", None): 1, ("TransactWriteItems", None): 1,
                                   ("Query", "public_by_cell"): 1}
    assert filed["deadlines"]["followup_due"]
    status, read = dynamo_api.get(f"/v1/complaints/{filed['id']}", CITIZEN)
    assert status == 200 and read["deadlines"] == filed["deadlines"] and read["overdue"] == filed["overdue"]


def test_a_replayed_filing_reads_its_timeline(dynamo_api, requests_made):
    first_status, first = dynamo_api.post("/v1/complaints", CITIZEN, NEW, headers={"Idempotency-Key": "k-1"})
    assert first_status == 201
    requests_made.clear()
    status, again = dynamo_api.post("/v1/complaints", CITIZEN, NEW, headers={"Idempotency-Key": "k-1"})
    assert status == 201 and again["id"] == first["id"] and again["deadlines"] == first["deadlines"]
    assert requests_made[("Query", None)] >= 1            # the timeline, from the store
