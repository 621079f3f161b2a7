"""GIVEN complaints, private and public, WHEN anyone tracks one by its number, lists the public ones
(near a point, filtered, page by page), supports one, or files a complaint like one nearby, THEN
they see only what domain/policy.py's public allow-lists give them, each citizen counts once,
and the filer is offered the similar open public complaints to support instead."""
from __future__ import annotations

import base64
import json
from functools import partial

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.domain import policy
from chalicelib.domain.model import Actor, Role
from chalicelib.services import support as support_service
from chalicelib.services.public import canonical_id
from chalicelib.wiring import container
from tests.app.conftest import ADMIN, CITIZEN, CITIZEN_2, INSPECTOR, staff
from tests.app.test_complaint_flow import NEW, OPD, OPERATOR, SUPERVISOR
from tests.app.test_no_5xx import any_api, send  # noqa: F401  (any_api: the fixture, on fakes and moto)
from tests.generated_requests import FOCUS, assert_contract_error, requests, routes
from tests.races import all_at_once
from tests.unit.test_geo import destination

CITIZEN_3 = ("warga-3", "citizen")
P = (-5.43, 105.26)                                   # NEW's location, Bandar Lampung
SECRET = "NIK 1871012345670001, HP 081234567890"
NOTE = "Catatan internal: pelapor pernah mengadu hal serupa"
REASON = "Operator belum menelepon pelapor"


def at(bearing: float, metres: float) -> dict:
    lat, lon = destination(*P, bearing, metres)
    return {"lat": round(lat, 7), "lon": round(lon, 7), "address": f"{metres:g} m dari Samsat"}


def file(api, who=CITIZEN, **changes) -> dict:
    status, body = api.post("/v1/complaints", who, {**NEW, **changes})
    assert status == 201, body
    return body


def public(api, who=CITIZEN, **changes) -> dict:
    return file(api, who, visibility="public", **changes)


def listed(api, query: str = "", **kw) -> tuple[int, dict]:
    return api.get(f"/v1/public/complaints{query}", **kw)


def ids(body: dict) -> list[str]:
    return [i["id"] for i in body["items"]]


def worked(api, cid: str) -> None:
    """Everything that must never reach the public: a question and its answer, a staff note, a
    follow-up's words and a supervisor's return reason."""
    p = f"/v1/complaints/{cid}"
    assert api.post(f"{p}/request-info", OPERATOR, {"question": "Mohon NIK dan nomor HP Anda"})[0] == 200
    assert api.post(f"{p}/replies", CITIZEN, {"message": SECRET})[0] == 200
    assert api.post(f"{p}/notes", OPERATOR, {"note": NOTE})[0] == 201
    assert api.post(f"{p}/followups", OPERATOR, {"message": "Sudah kami cek di OSS"})[0] == 200
    assert api.post(f"{p}/return", SUPERVISOR, {"reason": REASON})[0] == 200


# --- GET /v1/track/{id} --------------------------------------------------------------------------
def test_tracking_a_private_complaint_shows_its_progress_not_its_words(api):
    c = file(api)
    status, t = api.get(f"/v1/track/{c['id']}")                            # no token at all
    assert status == 200, t
    assert set(t) == set(policy.TRACK_FIELDS)
    assert (t["id"], t["status"], t["opd"], t["category"], t["visibility"]) == (c["id"], "assigned", OPD,
                                                                                 NEW["category"], "private")
    assert t["status_label"] == "menunggu tindak lanjut" and t["created_at"] == c["created_at"]
    assert t["deadlines"] == c["deadlines"] and t["deadlines"]["followup_due"] and t["overdue"] is False
    assert t["title"] is t["description"] is t["location"] is t["supporters"] is None
    assert t["timeline"] == [{"at": c["created_at"], "type": "submitted", "label": "Aduan diajukan"}]


def test_tracking_a_public_complaint_shows_what_its_reporter_published(api):
    c = public(api, anonymous=True)
    t = api.get(f"/v1/track/{c['id']}")[1]
    located = {**NEW["location"], "region": None}       # no boundary data ships: no region derived
    assert (t["title"], t["description"], t["location"]) == (NEW["title"], NEW["description"], located)
    assert t["supporters"] == 0 and t["visibility"] == "public"
    assert "warga-1" not in json.dumps(t)


@pytest.mark.parametrize("visibility", ["private", "public"])
def test_staff_notes_replies_and_staff_words_never_reach_the_tracking_page(api, visibility):
    cid = file(api, visibility=visibility)["id"]
    worked(api, cid)
    t = api.get(f"/v1/track/{cid}")[1]
    assert [e["type"] for e in t["timeline"]] == ["submitted", "info_requested", "followed_up", "returned"]
    assert all(set(e) == set(policy.TRACK_EVENT_FIELDS) for e in t["timeline"])
    text = json.dumps(t, ensure_ascii=False)
    for secret in (SECRET, NOTE, REASON, "Mohon NIK", "Sudah kami cek", OPERATOR[0], SUPERVISOR[0], CITIZEN[0]):
        assert secret not in text
    assert t["status"] == "assigned" and t["deadlines"]["followup_due"]


def test_tracking_labels_follow_accept_language(api):
    cid = file(api)["id"]
    worked(api, cid)
    indonesian = api.get(f"/v1/track/{cid}")[1]
    english = api.get(f"/v1/track/{cid}", headers={"Accept-Language": "en-GB,en;q=0.9"})[1]
    assert [e["label"] for e in indonesian["timeline"]][:2] == ["Aduan diajukan", "Pelapor dimintai informasi"]
    assert [e["label"] for e in english["timeline"]][:2] == ["Complaint submitted",
                                                             "Information requested from the reporter"]
    assert english["status_label"] == "waiting for a follow-up"


@pytest.mark.parametrize("number, reads", [
    ("ADU-000000-0000000", 1), ("ADU-261127-ZZZZZZZ", 1),                      # well-formed, unknown: one read
    ("x", 0), ("ADU-261127", 0), ("ADU-261127-ABCDEFU", 0), ("ADU-2611270-ABCDEFG", 0), ("adu--", 0),
    ("A" * 120, 0), ("A" * 200, 0), ("%C2%B2", 0), ("ADU-261127-ABC%20EFG", 0), ("ADU-%D9%A3%D9%A3", 0),
])
def test_unknown_and_malformed_numbers_are_a_plain_404(api, repo, number, reads):
    file(api)
    before = repo.calls["get"]
    status, body = api.get(f"/v1/track/{number}", headers={"Accept-Language": "en"})
    assert status == 404 and set(body) == {"error"}, body
    assert body["error"] == {"code": "not_found", "message": "Not found.", "details": []}
    assert repo.calls["get"] - before == reads


def test_numbers_are_read_as_people_type_and_say_them(api):
    container.override(new_id=lambda at: "ADU-261127-10B0C1D")
    cid = file(api)["id"]
    for typed in ("adu-261127-10b0c1d", "ADU-261127-lOBOCID", "ADU-261127-I0B0CLD"):
        status, t = api.get(f"/v1/track/{typed}")
        assert status == 200 and t["id"] == cid, (typed, t)
    assert canonical_id(" adu-261127-10b0c1d\t") == cid
    assert canonical_id("ADU-261127-10B0C1U") is None and canonical_id("ADU-261127-10B0C1") is None


def test_guessing_numbers_is_throttled_per_address(api):
    from chalicelib.api.throttle import Rate, Throttle
    container.override(throttle=Throttle(per_ip=Rate(0.5, 3), per_token=Rate(0, 0), clock=lambda: 0.0))
    answers = [api.get(f"/v1/track/ADU-261127-{n:07d}")[0] for n in range(5)]
    assert answers == [404, 404, 404, 429, 429]


# --- GET /v1/public/complaints -------------------------------------------------------------------
def test_the_public_list_holds_public_complaints_only_and_redacted(api, clock):
    private = file(api)["id"]
    clock.advance(minutes=1)
    answered = public(api, anonymous=True)["id"]
    worked(api, answered)
    clock.advance(minutes=1)
    newest = public(api, CITIZEN_2)["id"]
    status, body = listed(api)
    assert status == 200 and ids(body) == [newest, answered] and body["next"] is None
    assert private not in json.dumps(body)
    for item in body["items"]:
        assert set(item) == policy.PUBLIC_ITEM_FIELDS and item["distance_m"] is None
        assert item["title"] == NEW["title"] and item["supporters"] == 0 and item["deadlines"]["followup_due"]
    text = json.dumps(body, ensure_ascii=False)
    for secret in (SECRET, NOTE, REASON, CITIZEN[0], CITIZEN_2[0], OPERATOR[0]):
        assert secret not in text


def test_the_public_list_filters_by_category_opd_and_status(api, clock):
    a = public(api)["id"]
    clock.advance(minutes=1)
    health = public(api, CITIZEN_2, category="jkn-faskes")["id"]
    clock.advance(minutes=1)
    b = public(api)["id"]
    assert api.post(f"/v1/complaints/{b}/followups", OPERATOR, {"message": "Sudah diproses."})[0] == 200
    assert ids(listed(api, "?category=jkn-faskes")[1]) == [health]
    assert ids(listed(api, f"?opd={OPD}")[1]) == [b, a]
    assert ids(listed(api, "?status=followed_up")[1]) == [b]
    assert ids(listed(api, f"?opd={OPD}&status=assigned&category={NEW['category']}")[1]) == [a]
    for query, field, code in (("?category=nope", "category", "unknown_category"), ("?opd=NASA", "opd", "unknown_opd"),
                               ("?status=open", "status", "not_allowed_value")):
        status, body = listed(api, query)
        assert status == 422 and body["error"]["details"][0]["field"] == field, body
        assert body["error"]["details"][0]["code"] == code


def test_near_a_point_within_a_radius(api, clock):
    placed = {}
    for metres, who in ((100, CITIZEN), (900, CITIZEN_2), (3_000, CITIZEN_3), (20_000, CITIZEN)):
        clock.advance(minutes=1)
        placed[metres] = public(api, who, location=at(45, metres))["id"]
    public(api, CITIZEN_2, location=None)
    file(api, CITIZEN_3, location=at(0, 50))                       # private: never listed
    body = listed(api, f"?near={P[0]},{P[1]}&radius_m=1000")[1]
    assert ids(body) == [placed[900], placed[100]]
    assert [i["distance_m"] for i in body["items"]] == [pytest.approx(900, abs=2), pytest.approx(100, abs=2)]
    assert ids(listed(api, f"?near={P[0]},{P[1]}")[1]) == [placed[900], placed[100]]          # 1000 m by default
    assert ids(listed(api, f"?near={P[0]},{P[1]}&radius_m=5000")[1]) == [placed[3_000], placed[900], placed[100]]
    assert ids(listed(api, f"?near={P[0]},{P[1]}&radius_m=10000&category=jkn-faskes")[1]) == []
    assert len(listed(api)[1]["items"]) == 5


@pytest.mark.parametrize("query, field, code", [
    ("near=abc", "near", "invalid_near"), ("near=-5.43", "near", "invalid_near"),
    ("near=-5.43,105.26,1", "near", "invalid_near"), ("near=%C2%B2,1", "near", "invalid"),
    ("near=1e2,5", "near", "invalid_near"), ("near=-5.43,%20105.26", "near", "invalid_near"),
    ("near=-5.4300000000001,105.26", "near", "invalid_near"), ("near=", "near", "invalid_near"),
    ("near=-91,0", "near", "out_of_range"), ("near=0,180.5", "near", "out_of_range"),
    ("near=-5.43,105.26&radius_m=49", "radius_m", "radius_range"),
    ("near=-5.43,105.26&radius_m=10001", "radius_m", "radius_range"),
    ("near=-5.43,105.26&radius_m=1e3", "radius_m", "radius_range"),
    ("near=-5.43,105.26&radius_m=500.5", "radius_m", "radius_range"),
    ("near=-5.43,105.26&radius_m=%D9%A3%D9%A3", "radius_m", "invalid"),
    ("near=-5.43,105.26&radius_m=", "radius_m", "radius_range"),
    ("radius_m=500", "radius_m", "requires_near"),
    ("near=89.99,0&radius_m=10000", "radius_m", "radius_too_large"),
])
def test_near_and_radius_are_parsed_strictly(api, query, field, code):
    status, body = listed(api, f"?{query}", headers={"Accept-Language": "en"})
    assert status == 422, body
    [detail] = body["error"]["details"]
    assert (detail["field"], detail["code"]) == (field, code) and detail["message"]


@pytest.mark.parametrize("near", [False, True])
def test_paging_newest_first_without_gaps_or_repeats(api, clock, near):
    filed = []
    for n in range(8):
        clock.advance(minutes=1)
        location = at(n * 45, 600 + n * 1_000) if near else NEW["location"]
        filed.append(public(api, (CITIZEN, CITIZEN_2)[n % 2], location=location)["id"])
    query = f"?near={P[0]},{P[1]}&radius_m=10000&limit=3" if near else "?limit=3"
    pages, cursor = [], None
    while True:
        status, body = listed(api, query + (f"&cursor={cursor}" if cursor else ""))
        assert status == 200 and len(body["items"]) <= 3, body
        pages.append(ids(body))
        cursor = body["next"]
        if cursor is None:
            break
    assert [len(p) for p in pages] == [3, 3, 2]
    assert [i for p in pages for i in p] == filed[::-1]


def test_a_forged_or_foreign_cursor_is_400(api, clock):
    for _ in range(3):
        clock.advance(minutes=1)
        public(api)
    cursor = listed(api, "?limit=1")[1]["next"]
    assert cursor
    forged = base64.urlsafe_b64encode(json.dumps({"v": 1, "q": "x", "before": "2026"}).encode()).decode().rstrip("=")
    for query in (f"?cursor={forged}", "?cursor=abc", f"?limit=1&category=jkn-faskes&cursor={cursor}",
                  f"?limit=1&near={P[0]},{P[1]}&cursor={cursor}", "?cursor=%C2%B2"):
        status, body = listed(api, query)
        assert status == 400 and body["error"]["code"] == "bad_cursor", (query, body)
    assert listed(api, f"?limit=1&cursor={cursor}")[0] == 200


# --- POST /v1/complaints/{id}/support ------------------------------------------------------------
def support(api, cid, who, body=None):
    return api.post(f"/v1/complaints/{cid}/support", who, body)


def test_each_citizen_supports_once(api):
    cid = public(api)["id"]
    assert support(api, cid, CITIZEN_2) == (200, {"supporters": 1})
    assert support(api, cid, CITIZEN_2, {}) == (200, {"supporters": 1})                 # again: the same N
    assert support(api, cid, CITIZEN_3) == (200, {"supporters": 2})
    assert api.get(f"/v1/track/{cid}")[1]["supporters"] == 2
    assert listed(api)[1]["items"][0]["supporters"] == 2
    assert support(api, cid, CITIZEN_3, {"extra": 1})[0] == 422


def test_who_may_not_support(api):
    cid = public(api)["id"]
    status, body = api.post(f"/v1/complaints/{cid}/support", CITIZEN, headers={"Accept-Language": "en"})
    assert status == 403 and body["error"]["code"] == "own_complaint"
    assert body["error"]["message"] == "You cannot support your own complaint."
    assert support(api, cid, CITIZEN)[1]["error"]["message"] == "Anda tidak dapat mendukung aduan Anda sendiri."
    for who, expected in ((OPERATOR, 403), (SUPERVISOR, 403), (INSPECTOR, 403), (ADMIN, 403),
                          (staff("operator", "DINKES"), 404), (None, 401)):
        assert support(api, cid, who)[0] == expected, who
    private = file(api)["id"]
    assert support(api, private, CITIZEN_2)[1]["error"]["code"] == "not_found"          # invisible to them
    assert support(api, private, CITIZEN)[1]["error"]["code"] == "own_complaint"
    assert support(api, "ADU-000000-0000000", CITIZEN_2)[0] == 404
    assert api.get(f"/v1/track/{cid}")[1]["supporters"] == 0
    assert api.get(f"/v1/track/{private}")[1]["supporters"] is None


def test_parallel_supports_count_exactly_once_per_citizen(api, repo):
    cid = public(api)["id"]
    deps = container.support_deps()
    same = Actor(CITIZEN_2[0], Role.CITIZEN)
    results = all_at_once([partial(support_service.support, deps, same, cid) for _ in range(20)])
    assert results == [1] * 20 and len(repo.supports[cid]) == 1
    others = [Actor(f"warga-{100 + i}", Role.CITIZEN) for i in range(20)]
    results = all_at_once([partial(support_service.support, deps, who, cid) for who in others])
    assert sorted(results) == list(range(2, 22))
    assert support(api, cid, CITIZEN_3) == (200, {"supporters": 22})
    assert all(CITIZEN_2[0] not in key for key in repo.supports[cid])                    # stored hashed


# --- `similar` in the 201 of POST /v1/complaints --------------------------------------------------
def test_filing_offers_open_public_complaints_like_it_nearby(api, clock):
    def filed(who, **changes):
        clock.advance(minutes=1)
        return public(api, who, **changes)["id"]

    here = filed(CITIZEN, location=at(0, 0))
    near_other = filed(CITIZEN_3, location=at(90, 300))
    filed(CITIZEN, location=at(0, 2_000))                                       # beyond 500 m
    filed(CITIZEN, category="jkn-faskes", location=at(0, 10))                   # another category
    file(api, CITIZEN, location=at(0, 20))                                      # private
    filed(CITIZEN, location=None)                                               # nowhere
    done = filed(CITIZEN_3, location=at(180, 100))
    assert api.post(f"/v1/complaints/{done}/followups", OPERATOR, {"message": "Sudah."})[0] == 200
    assert api.post(f"/v1/complaints/{done}/approve", SUPERVISOR, {})[0] == 200  # resolved: not open
    assert support(api, near_other, CITIZEN)[1] == {"supporters": 1}
    mine = file(api, CITIZEN_2, location=at(270, 50))
    assert [s["id"] for s in mine["similar"]] == [here, near_other]             # nearest first
    assert [s["distance_m"] for s in mine["similar"]] == [50, pytest.approx(350, abs=2)]
    assert [s["supporters"] for s in mine["similar"]] == [0, 1]
    assert all(set(s) == policy.PUBLIC_ITEM_FIELDS for s in mine["similar"])
    assert [s["id"] for s in file(api, CITIZEN, location=at(270, 50))["similar"]] == [near_other]   # not one's own
    assert file(api, CITIZEN_2, location=None)["similar"] == []
    assert "similar" not in api.get(f"/v1/complaints/{mine['id']}", CITIZEN_2)[1]


def test_at_most_five_are_offered_and_a_replayed_filing_offers_them_too(api, clock):
    for n in range(7):
        clock.advance(minutes=1)
        public(api, (CITIZEN, CITIZEN_3)[n % 2], location=at(n * 50, 100))
    key = {"Idempotency-Key": "similar-1"}
    first = api.post("/v1/complaints", CITIZEN_2, NEW, headers=key)[1]
    again = api.post("/v1/complaints", CITIZEN_2, NEW, headers=key)[1]
    assert len(first["similar"]) == 5 and again["id"] == first["id"] and again["similar"] == first["similar"]


class RulesWith:
    """The real bundle, with another `similar.radius_m`."""

    def __init__(self, bundle, radius):
        self._bundle, self._radius = bundle, radius

    def __getattr__(self, name):
        return getattr(self._bundle, name)

    def parameter(self, name, on):
        if name != "similar.radius_m":
            return self._bundle.parameter(name, on)
        if isinstance(self._radius, Exception):
            raise self._radius
        return self._radius


def test_the_radius_is_the_dated_rules_parameter(api, clock):
    from chalicelib.rules.model import ParameterLapsed
    far = public(api, location=at(0, 800))["id"]
    assert file(api, CITIZEN_2)["similar"] == []                                # 800 m > 500 m in rules/
    bundle = container.rules
    container.override(rules=RulesWith(bundle, 1_000))
    assert [s["id"] for s in file(api, CITIZEN_2)["similar"]] == [far]
    for off in (0, ParameterLapsed("lapsed"), "many"):
        container.override(rules=RulesWith(bundle, off))
        assert file(api, CITIZEN_2)["similar"] == []


def test_a_failing_offer_never_fails_the_filing(api, repo, monkeypatch):
    public(api)

    def broken(read):
        raise RuntimeError("store down")
    monkeypatch.setattr(repo, "public_chunk", broken)
    body = file(api, CITIZEN_2)
    assert body["similar"] == [] and api.get(f"/v1/track/{body['id']}")[0] == 200


# --- a public complaint's support cells (the authorization matrix's complaint is private) ---------
@pytest.mark.parametrize("who, expected", [
    (CITIZEN, 403), (CITIZEN_2, 200), (staff("operator", OPD), 403), (staff("supervisor", OPD), 403),
    (staff("operator", "DINKES"), 404), (staff("supervisor", "DINKES"), 404), (INSPECTOR, 403), (ADMIN, 403),
    (None, 401),
])
def test_support_on_a_public_complaint_by_relation(api, who, expected):
    cid = public(api)["id"]
    status, body = support(api, cid, who)
    assert status == expected, body
    assert api.get(f"/v1/track/{cid}")[1]["supporters"] == (1 if expected == 200 else 0)


# --- the league table -----------------------------------------------------------------------------
def test_the_league_table_counts_supporters_per_opd(api):
    from chalicelib.services.clocks import reconcile
    from chalicelib.services.stats import league_table
    a, b = public(api)["id"], public(api, category="jkn-faskes")["id"]
    private = file(api)["id"]
    for cid in (a, b, private):
        reconcile(container.clock_deps(), cid)                  # what the stream does after a filing
    for who in (CITIZEN_2, CITIZEN_3):
        assert support(api, a, who)[0] == 200
    assert support(api, b, CITIZEN_2)[0] == 200
    assert support(api, a, CITIZEN_2)[0] == 200                  # a repeat counts once
    rows = {r["opd"]: r for r in league_table(container.rules.opds, container.clocks, container.now())["opds"]}
    assert (rows[OPD]["supporters"], rows[OPD]["complaints"]) == (2, 2)
    assert rows["DINKES"]["supporters"] == 1 and rows["BAPENDA"]["supporters"] == 0


# --- the same on DynamoDB (moto): the sparse indexes, the geo index and the support transaction ---
def test_tracking_listing_support_and_similar_on_dynamodb(dynamo_api, clock):
    api = dynamo_api
    private = file(api)["id"]
    clock.advance(minutes=1)
    here = public(api, location=at(0, 0))["id"]
    clock.advance(minutes=1)
    far = public(api, CITIZEN_3, location=at(0, 3_000))["id"]
    assert api.get(f"/v1/track/{private}")[1]["title"] is None
    assert ids(listed(api)[1]) == [far, here]
    assert ids(listed(api, f"?near={P[0]},{P[1]}&radius_m=1000")[1]) == [here]
    assert ids(listed(api, "?limit=1")[1]) == [far] and listed(api, "?limit=1")[1]["next"]
    assert support(api, here, CITIZEN_2) == (200, {"supporters": 1})
    assert support(api, here, CITIZEN_2) == (200, {"supporters": 1})
    assert support(api, here, CITIZEN_3) == (200, {"supporters": 2})
    assert support(api, private, CITIZEN_2)[0] == 404
    offered = file(api, CITIZEN_2, location=at(90, 100))["similar"]
    assert [(s["id"], s["supporters"]) for s in offered] == [(here, 2)]


# --- never a 5xx on these routes, whatever is sent (tests/generated_requests.py, on fakes and moto) ---
OUR_ROUTES = [(path, methods) for path, methods in routes()
              if path.startswith(("/v1/track/", "/v1/public/")) or path.endswith("/support")]


@pytest.mark.parametrize("focus", FOCUS + ("all",))
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(data=st.data())
def test_the_public_routes_never_answer_5xx(any_api, focus, data):  # noqa: F811 (the imported fixture)
    assert len(OUR_ROUTES) == 4
    req = data.draw(requests(focus, OUR_ROUTES))
    if "near" in req.path or data.draw(st.booleans()):
        req.path += ("&" if "?" in req.path else "?") + data.draw(st.sampled_from(NEAR_VALUES))
    status, body, raw, auth = send(any_api, req)
    assert_contract_error(status, body, raw, auth)


NEAR_VALUES = ["near=-5.45,105.26", "near=-5.45,105.26&radius_m=10000", "near=89.9999,179.9999&radius_m=9999",
               "near=-90,-180&radius_m=50", "near=0,0&radius_m=10000&limit=100", "near=-5.45,105.26&cursor=x",
               "category=jkn-faskes&status=assigned&opd=DINKES", "near=-0.000000000001,0"]
