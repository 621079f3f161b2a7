"""Every bad input in the contract's list gets the right status and error code, in the contract's
shape, in Indonesian by default and English on request — and changes nothing."""
import json
from urllib.parse import quote

import pytest

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


# --- issue 10: routes that do not exist (CONTRACT.md, Additions) ----------------------------------
def test_an_unknown_path_is_404_in_our_shape_and_never_repeats_the_token(api, keys):
    token = keys.token("insp-1", "inspector")
    for path in ("/v1/nope", "/", "/v2/complaints", "/v1/complaints/ADU-1/nope", "/v1/healthz"):
        resp = api.client.http.get(path, headers={"Authorization": f"Bearer {token}"})
        assert resp.status_code == 404, path
        assert token.encode() not in resp.body and b"Authorization" not in resp.body
        err = assert_error((resp.status_code, json.loads(resp.body)), 404, "route_not_found")
        assert err["message"] == "Alamat ini tidak ada di API Lampung In." and err["details"] == []
    _, body = api.call("GET", "/v1/nope", headers={"Accept-Language": "en"})
    assert body["error"]["message"] == "There is no such address in the Lampung In API."


def test_another_method_on_a_known_path_is_405_with_allow_in_our_shape(api, keys):
    token = keys.token("insp-1", "inspector")
    for method, path, allowed in (("DELETE", "/v1/health", "GET"), ("PUT", "/v1/complaints", "GET"),
                                  ("GET", "/v1/complaints/ADU-1/claim", "POST"),
                                  ("PATCH", "/v1/complaints/ADU-1", "GET")):
        resp = api.client.http.request(method, path, headers={"Authorization": f"Bearer {token}",
                                                              "Accept-Language": "en"})
        err = assert_error((resp.status_code, json.loads(resp.body)), 405, "method_not_allowed")
        assert set(resp.headers["Allow"].replace(" ", "").split(",")) >= {allowed}
        assert err["message"].startswith("This HTTP method is not supported") and allowed in err["message"]
        assert token.encode() not in resp.body
    _, body = api.call("DELETE", "/v1/health")
    assert body["error"]["message"].startswith("Metode HTTP ini tidak didukung")


def test_a_resource_path_without_a_route_is_404_not_an_unfilled_405():
    """The deployed API function given an event whose resourcePath the app does not know (found
    by the moto smoke test: a proxy event for `/v1/track/{id}`, the route being
    `/v1/track/{complaint_id}`): Chalice answers 405 with an empty Allow; the person read
    "yang didukung: {allowed}". It is a 404 in our words, in either language."""
    from app import app as chalice_app

    try:
        _answers_404_for_an_unknown_resource(chalice_app)
    finally:       # Chalice's route table is a defaultdict: the lookup left an empty entry behind
        chalice_app.routes.pop("/v1/nowhere/{x}", None)
    assert "/v1/nowhere/{x}" not in chalice_app.routes


def _answers_404_for_an_unknown_resource(chalice_app) -> None:
    for lang, words in (("id", "Alamat ini tidak ada di API Lampung In."),
                        ("en", "There is no such address in the Lampung In API.")):
        event = {"resource": "/v1/nowhere/{x}", "path": "/v1/nowhere/1", "httpMethod": "GET",
                 "headers": {"Accept-Language": lang}, "multiValueHeaders": {"Accept-Language": [lang]},
                 "queryStringParameters": None, "multiValueQueryStringParameters": None,
                 "pathParameters": {"x": "1"}, "stageVariables": None, "body": None, "isBase64Encoded": False,
                 "requestContext": {"resourcePath": "/v1/nowhere/{x}", "httpMethod": "GET", "stage": "api",
                                    "identity": {"sourceIp": "203.0.113.9"}}}
        answer = chalice_app(event, None)
        body = json.loads(answer["body"])
        assert answer["statusCode"] == 404 and body["error"]["code"] == "route_not_found", body
        assert body["error"]["message"] == words and "{allowed}" not in answer["body"]


def test_chalices_own_errors_never_repeat_a_request_header(api):
    """Chalice's 415 said "Unsupported media type: <the Content-Type sent>"; ours names nothing."""
    from chalicelib.api.http import contract_errors

    class Req:
        headers = {"accept-language": "en"}

    from chalice import Response

    for status, code in ((415, "unsupported_media_type"), (400, "bad_request"), (500, "internal"),
                         (404, "route_not_found"), (418, "bad_request")):
        chalice_says = Response(body={"Code": "X", "Message": "Unsupported media type: secret/token"},
                                status_code=status)
        ours = contract_errors(Req(), lambda _, said=chalice_says: said)
        payload = json.loads(ours.body)
        assert ours.status_code == status and payload["error"]["code"] == code
        assert "secret" not in ours.body
    untouched = Response(body={"status": "ok"}, status_code=200)
    assert contract_errors(Req(), lambda _: untouched) is untouched


# --- issue 10: each finding, in process (tests/integration/test_no_5xx_dynamodb_local.py repeats
# them over real HTTP on DynamoDB Local) ---------------------------------------------------------
def test_a_latitude_below_what_dynamodb_stores_is_422(api):
    for lat in (1e-200, 5e-324, -1e-131):
        err = assert_error(api.post("/v1/complaints", CITIZEN, {**NEW, "location": {"lat": lat, "lon": 0}}), 422,
                           "validation_failed")
        assert [(d["field"], d["code"]) for d in err["details"]] == [("location.lat", "out_of_range")]
    assert api.post("/v1/complaints", CITIZEN, {**NEW, "location": {"lat": 1e-130, "lon": 0}})[0] == 201


def test_any_number_dynamodb_cannot_store_is_422_whatever_the_field(api):
    cid = file(api)["id"]
    for raw, field in (('{"stars": 1e-200}', "stars"), ('{"stars": 1e200}', "stars"),
                       ('{"stars": 100000000000000000000000000000000000000000}', "stars")):
        err = assert_error(api.post(f"/v1/complaints/{cid}/rating", CITIZEN, raw=raw), 422, "validation_failed")
        assert err["details"][0]["field"] == field


@pytest.mark.parametrize("value", ["²", "a" * 1025, "x\x00y", "ü"])
def test_every_query_parameter_is_bounded_printable_ascii(api, value):
    for path in ("/v1/complaints?opd={}", "/v1/complaints?status={}", "/v1/sanctions?complaint={}",
                 "/v1/sanctions?kind={}", "/v1/audit?actor={}"):
        who = INSPECTOR
        status, body = api.get(path.format(quote(value, safe="")), who)
        assert status == 422, (path, body)


def test_an_overlong_header_is_400_naming_it_not_repeating_it(api):
    err = assert_error(api.post("/v1/complaints", CITIZEN, NEW, headers={"Idempotency-Key": "k" * 9000}), 400,
                       "invalid_header")
    assert "Idempotency-Key" in err["message"] or "idempotency-key" in err["message"]
    assert "kkkk" not in json.dumps(err)


def test_a_path_part_no_id_could_have_is_404(api):
    for part in ("%C2%B2", "a" * 200):
        assert_error(api.get(f"/v1/complaints/{part}", CITIZEN), 404, "not_found")
    assert_error(api.get("/v1/complaints/" + "a" * 200), 401, "unauthenticated")   # the token first


def test_an_overlong_or_non_ascii_bearer_token_is_401(api):
    for token in ("a" * 9000, "²³.¹.⁴"):
        assert_error(api.call("GET", "/v1/complaints", headers={"Authorization": f"Bearer {token}"}), 401,
                     "unauthenticated")
