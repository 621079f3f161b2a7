"""Every bad input in the contract's list gets the right status and error code, in the contract's
shape, in Indonesian by default and English on request — and changes nothing."""
import json

from tests.app.conftest import CITIZEN, CITIZEN_2, INSPECTOR, staff
from tests.app.test_complaint_flow import NEW, OPERATOR, SUPERVISOR, file


def assert_error(result, status, code):
    got_status, body = result
    assert got_status == status, body
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code and body["error"]["message"]
    return body["error"]


def test_malformed_json_is_400(api):
    for raw in ("{", "[1,", "{'a': 1}", "NaN", '{"title": NaN}'):
        assert_error(api.post("/v1/complaints", CITIZEN, raw=raw), 400, "malformed_json")


def test_non_utf8_body_is_400(api):
    assert_error(api.post("/v1/complaints", CITIZEN, raw=b"\xff\xfe{"), 400, "malformed_json")


def test_wrong_types_are_422_with_field_details(api):
    err = assert_error(api.post("/v1/complaints", CITIZEN, {**NEW, "anonymous": "yes", "title": 7}),
                       422, "validation_failed")
    fields = {d["field"]: d["code"] for d in err["details"]}
    assert fields == {"anonymous": "wrong_type", "title": "wrong_type"}
    assert all(d["message"] for d in err["details"])


def test_missing_fields_limits_and_unknown_fields(api):
    err = assert_error(api.post("/v1/complaints", CITIZEN, {}), 422, "validation_failed")
    assert {d["field"] for d in err["details"]} == {"category", "title", "description"}
    err = assert_error(api.post("/v1/complaints", CITIZEN,
                                {**NEW, "title": "x" * 201, "description": "   ", "colour": "red",
                                 "location": {"lat": 91, "lon": 0}}), 422, "validation_failed")
    assert {d["field"]: d["code"] for d in err["details"]} == {
        "title": "too_long", "description": "too_short", "colour": "unknown_field",
        "location.lat": "out_of_range"}


def test_body_that_is_not_an_object_is_422(api):
    assert_error(api.post("/v1/complaints", CITIZEN, raw="[1, 2]"), 422, "validation_failed")


def test_unknown_category_is_422(api):
    err = assert_error(api.post("/v1/complaints", CITIZEN, {**NEW, "category": "ufo"}), 422,
                       "validation_failed")
    assert err["details"][0]["field"] == "category" and err["details"][0]["code"] == "unknown_category"
    assert "ufo" in err["details"][0]["message"]


def test_missing_or_bad_token_is_401(api, keys):
    assert_error(api.get("/v1/complaints"), 401, "unauthenticated")
    assert_error(api.post("/v1/complaints", body=NEW), 401, "unauthenticated")
    for token in ("garbage", keys.token("warga-1", "citizen", ttl=-10), keys.token("x", "mayor"),
                  keys.token("x", "operator")):
        result = api.call("GET", "/v1/complaints", headers={"Authorization": f"Bearer {token}"})
        assert_error(result, 401, "unauthenticated")


def test_wrong_role_is_403(api):
    assert_error(api.post("/v1/complaints", OPERATOR, NEW), 403, "forbidden")
    cid = file(api)["id"]
    assert_error(api.post(f"/v1/complaints/{cid}/followups", SUPERVISOR, {"message": "x"}), 403, "forbidden")
    assert_error(api.post(f"/v1/complaints/{cid}/claim", INSPECTOR), 403, "forbidden")


def test_other_opd_and_other_citizen_get_404(api):
    cid = file(api)["id"]
    assert_error(api.post(f"/v1/complaints/{cid}/followups", staff("operator", "DINKES"), {"message": "x"}),
                 404, "not_found")
    assert_error(api.get(f"/v1/complaints/{cid}/timeline", CITIZEN_2), 404, "not_found")
    assert_error(api.get("/v1/complaints/ADU-000000-NOPE", CITIZEN), 404, "not_found")


def test_wrong_state_is_409_and_changes_nothing(api):
    c = file(api)
    err = assert_error(api.post(f"/v1/complaints/{c['id']}/approve", SUPERVISOR, {}), 409, "wrong_state")
    assert err["message"] == "Tindakan ini tidak dapat dilakukan pada aduan yang menunggu tindak lanjut."
    _, body = api.post(f"/v1/complaints/{c['id']}/approve", SUPERVISOR, {}, headers={"Accept-Language": "en"})
    assert body["error"]["message"] == "This action is not possible on a complaint that is waiting for a follow-up."
    after = api.get(f"/v1/complaints/{c['id']}", CITIZEN)[1]
    assert after["version"] == 1 and after["status"] == "assigned"
    assert len(api.get(f"/v1/complaints/{c['id']}/timeline", CITIZEN)[1]) == 1


def test_oversized_body_is_413(api):
    assert_error(api.post("/v1/complaints", CITIZEN, {**NEW, "description": "x" * 70_000}), 413,
                 "body_too_large")


def test_bad_query_parameters_are_422_or_400(api):
    assert_error(api.get("/v1/complaints?status=lost", CITIZEN), 422, "validation_failed")
    assert_error(api.get("/v1/complaints?limit=0", CITIZEN), 422, "validation_failed")
    assert_error(api.get("/v1/complaints?limit=abc", CITIZEN), 422, "validation_failed")
    assert_error(api.get("/v1/complaints?cursor=not-a-cursor", CITIZEN), 400, "bad_cursor")


def test_unknown_transfer_target_and_jurisdiction_are_422(api):
    cid = file(api)["id"]
    err = assert_error(api.post(f"/v1/complaints/{cid}/transfer", OPERATOR, {"opd": "NASA", "reason": "x"}),
                       422, "validation_failed")
    assert err["details"][0]["code"] == "unknown_opd"
    err = assert_error(api.post(f"/v1/complaints/{cid}/forward", SUPERVISOR,
                                {"jurisdiction": "JAKARTA", "reason": "x"}), 422, "validation_failed")
    assert err["details"][0]["code"] == "unknown_jurisdiction"
    assert api.get(f"/v1/complaints/{cid}", CITIZEN)[1]["version"] == 1


def test_bad_idempotency_key_and_media_type(api):
    assert_error(api.post("/v1/complaints", CITIZEN, NEW, headers={"Idempotency-Key": "x" * 129}), 400,
                 "invalid_idempotency_key")
    assert_error(api.post("/v1/complaints", CITIZEN, raw="title=x",
                          headers={"Content-Type": "application/x-www-form-urlencoded"}), 415,
                 "unsupported_media_type")


def test_messages_follow_accept_language(api):
    _, id_body = api.get("/v1/complaints")
    _, en_body = api.call("GET", "/v1/complaints", headers={"Accept-Language": "en-US,en;q=0.9"})
    _, id_pref = api.call("GET", "/v1/complaints", headers={"Accept-Language": "en;q=0.5, id"})
    assert id_body["error"]["message"].startswith("Token tidak ada")
    assert en_body["error"]["message"].startswith("The token is missing")
    assert id_pref["error"]["message"] == id_body["error"]["message"]


def test_the_21st_complaint_in_24_hours_is_429_with_retry_after(api, clock):
    for _ in range(20):
        file(api)
        clock.advance(minutes=1)
    status, body = api.post("/v1/complaints", CITIZEN, NEW)
    assert status == 429 and body["error"]["code"] == "rate_limited"
    assert "detik" in body["error"]["message"]
    resp = api.client.http.post("/v1/complaints", headers=api.keys.headers(*CITIZEN), body=json.dumps(NEW))
    assert 0 < int(resp.headers["Retry-After"]) <= 24 * 3600
    assert api.post("/v1/complaints", CITIZEN_2, NEW)[0] == 201          # per citizen
    clock.advance(hours=24)
    assert api.post("/v1/complaints", CITIZEN, NEW)[0] == 201
