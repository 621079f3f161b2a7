"""GIVEN complaints some of which ran out of time, WHEN staff and citizens page through the lists
(on the fakes and on DynamoDB), THEN `overdue=false` gives full pages of the others, the overdue
queue is most overdue first, and no forged cursor, limit or date is ever answered with a 5xx."""
from __future__ import annotations

import base64
import json
from urllib.parse import quote

import pytest

from chalicelib.handlers import on_complaint_changes
from tests.app.conftest import ADMIN, CITIZEN, INSPECTOR
from tests.app.test_complaint_flow import OPERATOR, SUPERVISOR, file
from tests.app.test_sanctions_api import stream_event


@pytest.fixture(params=["fakes", "dynamodb"])
def any_api(request):
    return request.getfixturevalue("api" if request.param == "fakes" else "dynamo_api")


def page_through(api, path, who):
    pages, cursor = [], None
    while True:
        sep = "&" if "?" in path else "?"
        status, page = api.get(path + (f"{sep}cursor={cursor}" if cursor else ""), who)
        assert status == 200, page
        pages.append([c["id"] for c in page["items"]])
        cursor = page["next"]
        if cursor is None:
            return pages


@pytest.fixture
def half_late(any_api, clock):
    """Ten complaints an hour apart; the even ones were followed up, the odd ones ran out."""
    ids = []
    for i in range(10):
        ids.append(file(any_api)["id"])
        if i % 2 == 0:
            any_api.post(f"/v1/complaints/{ids[-1]}/followups", OPERATOR, {"message": "sudah"})
        clock.advance(hours=1)
    on_complaint_changes(stream_event(*ids))
    clock.advance(hours=24)
    return any_api, ids


def test_overdue_false_gives_full_pages_of_the_others(half_late):
    api, ids = half_late
    on_time, late = list(reversed(ids[0::2])), list(reversed(ids[1::2]))
    for who in (OPERATOR, INSPECTOR, CITIZEN):
        pages = page_through(api, "/v1/complaints?overdue=false&limit=2", who)
        assert pages == [on_time[0:2], on_time[2:4], on_time[4:]]
        assert sum(page_through(api, "/v1/complaints?limit=3", who), []) == list(reversed(ids))
    status, page = api.get("/v1/complaints?overdue=false&limit=100", OPERATOR)
    assert all(not c["overdue"] and c["deadlines"]["approval_due"] for c in page["items"])
    queue = page_through(api, "/v1/complaints?overdue=true&limit=2", OPERATOR)
    assert sum(queue, []) == list(reversed(late)) and [len(p) for p in queue] == [2, 2, 1]
    assert sum(page_through(api, "/v1/complaints?overdue=true&limit=2", CITIZEN), []) == late
    status, page = api.get("/v1/complaints?overdue=true&status=followed_up", SUPERVISOR)
    assert status == 200 and page == {"items": [], "next": None}


def b64(obj) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")


FORGED = ["x", "²", "a" * 5000, "", "%00", "null", b64(None), b64({"v": 1, "q": None, "after": None}),
          b64({"v": 1, "q": "0" * 16, "after": "2026-11-27T02:00:00.000000Z#ADU-1"}),
          b64({"due": None, "id": None}), b64({"due": "2026-11-27T02:00:00.000000Z", "id": ""}),
          b64({"q": "0" * 16, "id": "S1", "issued_key": "x"}), b64({"v": 1.5}), b64([1, 2]),
          b64({"v": 1, "q": {"S": "x"}, "after": ["x"]}), "eyJ2IjoxfQ==", "eyJ2Ijox" * 200]
LISTINGS = [("/v1/complaints", CITIZEN), ("/v1/complaints", OPERATOR), ("/v1/complaints", INSPECTOR),
            ("/v1/complaints?overdue=false", OPERATOR), ("/v1/complaints?overdue=true", OPERATOR),
            ("/v1/complaints?overdue=true", CITIZEN), ("/v1/complaints?overdue=true&opd=DINKES", ADMIN),
            ("/v1/complaints?status=assigned&opd=DINKES", ADMIN), ("/v1/sanctions", ADMIN),
            ("/v1/sanctions?opd=DINKES&kind=warning", ADMIN), ("/v1/sanctions", SUPERVISOR)]


def test_forged_cursors_are_400_on_every_listing(any_api):
    file(any_api)
    for path, who in LISTINGS:
        sep = "&" if "?" in path else "?"
        for cursor in FORGED:
            status, body = any_api.get(f"{path}{sep}cursor={quote(cursor, safe='')}", who)
            if cursor == "":    # as before: sanctions read an empty cursor as none, complaints refuse it
                assert status == (200 if path.startswith("/v1/sanctions") else 400), (path, body)
                continue
            assert status == 400 and body["error"]["code"] == "bad_cursor", (path, cursor[:40], body)


def test_a_cursor_of_one_listing_is_refused_by_another(any_api):
    for _ in range(3):
        file(any_api)
    nxt = any_api.get("/v1/complaints?limit=1", INSPECTOR)[1]["next"]
    assert nxt
    for path, who in [("/v1/complaints?status=assigned&limit=1", INSPECTOR),
                      ("/v1/complaints?limit=1", CITIZEN), ("/v1/complaints?overdue=true", INSPECTOR),
                      ("/v1/sanctions", ADMIN)]:
        status, body = any_api.get(f"{path}&cursor={nxt}" if "?" in path else f"{path}?cursor={nxt}", who)
        assert status == 400 and body["error"]["code"] == "bad_cursor", path


@pytest.mark.parametrize("query", ["limit=%C2%B2", "limit=" + "9" * 5000, "limit=0", "limit=101", "limit=-1",
                                   "limit=1e2", "limit=%D9%A3"])
def test_bad_limits_are_422(any_api, query):
    for path, who in (("/v1/complaints", CITIZEN), ("/v1/complaints?overdue=true&x=1", OPERATOR),
                      ("/v1/sanctions", ADMIN)):
        status, body = any_api.get(f"{path}{'&' if '?' in path else '?'}{query}", who)
        assert status == 422 and body["error"]["details"][0]["field"] == "limit", (path, body)


@pytest.mark.parametrize("since", ["0001-01-01", "9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00",
                                   "２０２６-01-01", "2026-02-30", "2026-01-01T25:00", "x" * 5000])
def test_dates_near_the_edges_of_time_are_422(any_api, since):
    status, body = any_api.get(f"/v1/sanctions?since={quote(since)}", ADMIN)
    assert status == 422 and body["error"]["details"][0]["field"] == "since", body


def test_if_match_with_unicode_digits_is_400(any_api):
    cid = file(any_api)["id"]
    status, body = any_api.post(f"/v1/complaints/{cid}/claim", OPERATOR, headers={"If-Match": "²"})
    assert status == 400 and body["error"]["code"] == "invalid_if_match"
