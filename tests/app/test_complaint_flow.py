"""GIVEN a citizen and an OPD's staff, WHEN they work a complaint through the API, THEN each step
shows in the complaint and its timeline, and only the right people can take each step."""
from tests.app.conftest import ADMIN, CITIZEN, CITIZEN_2, INSPECTOR, staff

NEW = {"category": "izin-berusaha", "title": "NIB tidak terbit",
       "description": "Sudah tiga minggu NIB saya belum terbit di OSS.",
       "location": {"lat": -5.43, "lon": 105.26, "address": "Jl. Wolter Monginsidi, Bandar Lampung"}}
OPD = "DPMPTSP"
OPERATOR, SUPERVISOR = staff("operator", OPD), staff("supervisor", OPD)


def file(api, who=CITIZEN, **changes):
    status, body = api.post("/v1/complaints", who, {**NEW, **changes})
    assert status == 201, body
    return body


def test_reference_data_and_health_need_no_token(api):
    status, health = api.get("/v1/health")
    assert status == 200 and health["status"] == "ok" and health["rules_version"]
    status, cats = api.get("/v1/categories")
    assert status == 200 and {"code", "name", "sector", "opd"} <= set(cats[0])
    assert {c["sector"] for c in cats} == {"perizinan", "pendidikan", "kesehatan", "pajak", "lainnya"}
    status, opds = api.get("/v1/opds")
    assert status == 200 and {"code": "DINKES", "name": "Dinas Kesehatan", "government": "LAMPUNG",
                              "sectors": ["kesehatan"], "units": []} in opds


def test_filed_complaint_is_routed_and_assigned(api):
    c = file(api)
    assert c["status"] == "assigned" and c["opd"] == OPD and c["sector"] == "perizinan"
    assert c["id"].startswith("ADU-") and c["version"] == 1 and c["visibility"] == "private"
    assert c["reporter"]["id"] == "warga-1" and c["assignee"] is None
    assert set(c) >= {"id", "status", "category", "sector", "opd", "title", "description", "location",
                      "visibility", "anonymous", "assignee", "created_at", "updated_at", "deadlines",
                      "overdue", "reporter", "version"}
    assert c["created_at"].endswith("Z") and c["routing"]["rules_version"]


def test_full_flow_to_closed_with_timeline(api, clock):
    cid = file(api)["id"]
    path = f"/v1/complaints/{cid}"
    clock.advance(hours=1)
    status, c = api.post(f"{path}/claim", OPERATOR)
    assert status == 200 and c["assignee"] == OPERATOR[0]
    status, c = api.post(f"{path}/followups", OPERATOR, {"message": "NIB sudah diterbitkan hari ini."})
    assert status == 200 and c["status"] == "followed_up"
    status, c = api.post(f"{path}/approve", SUPERVISOR, {"note": "OK"})
    assert status == 200 and c["status"] == "resolved"
    status, c = api.post(f"{path}/rating", CITIZEN, {"stars": 5, "comment": "Cepat"})
    assert status == 200 and c["status"] == "closed" and c["version"] == 5
    status, timeline = api.get(f"{path}/timeline", CITIZEN)
    assert status == 200
    assert [e["type"] for e in timeline] == ["submitted", "claimed", "followed_up", "approved", "rated"]
    assert timeline[2]["note"] == "NIB sudah diterbitkan hari ini."
    assert timeline[2]["actor_role"] == "operator"
    assert all(set(e) >= {"at", "type", "label", "actor_role", "note"} for e in timeline)
    assert timeline[3]["note"] is None            # the supervisor's note is for staff (domain/policy)
    assert "actor_id" not in timeline[1]          # citizens never see staff ids


def test_request_info_reply_return_reopen_transfer_forward_reject(api):
    cid = file(api)["id"]
    p = f"/v1/complaints/{cid}"
    status = api.post(f"{p}/request-info", OPERATOR, {"question": "Nomor NIB?"})[1]["status"]
    assert status == "waiting_citizen"
    assert api.post(f"{p}/replies", CITIZEN, {"message": "1234"})[1]["status"] == "assigned"
    api.post(f"{p}/followups", OPERATOR, {"message": "cek"})
    assert api.post(f"{p}/return", SUPERVISOR, {"reason": "belum cukup"})[1]["status"] == "assigned"
    api.post(f"{p}/followups", OPERATOR, {"message": "cek lagi"})
    api.post(f"{p}/approve", SUPERVISOR)
    assert api.post(f"{p}/reopen", CITIZEN, {"reason": "belum beres"})[1]["status"] == "assigned"
    status, c = api.post(f"{p}/transfer", OPERATOR, {"opd": "DINKES", "reason": "soal kesehatan"})
    assert status == 200 and c["opd"] == "DINKES" and c["status"] == "assigned"
    assert api.get(p, OPERATOR)[0] == 404                       # no longer DPMPTSP's
    status, c = api.post(f"{p}/forward", staff("supervisor", "DINKES"),
                         {"jurisdiction": "METRO", "reason": "kewenangan kota"})
    assert status == 200 and c["status"] == "forwarded" and c["jurisdiction"] == "METRO"
    cid2 = file(api)["id"]
    status, c = api.post(f"/v1/complaints/{cid2}/reject", SUPERVISOR, {"reason": "spam"})
    assert status == 200 and c["status"] == "rejected"


def test_visibility_and_anonymity(api):
    private = file(api)
    public_anon = file(api, visibility="public", anonymous=True)
    for who in (CITIZEN_2, staff("operator", "DINKES")):
        assert api.get(f"/v1/complaints/{private['id']}", who)[0] == 404
    status, seen = api.get(f"/v1/complaints/{public_anon['id']}", CITIZEN_2)
    assert status == 200 and seen["reporter"] is None
    for who in (OPERATOR, SUPERVISOR, INSPECTOR, ADMIN):
        status, seen = api.get(f"/v1/complaints/{public_anon['id']}", who)
        assert status == 200 and seen["reporter"] is None
    assert api.get(f"/v1/complaints/{private['id']}", OPERATOR)[1]["reporter"]["id"] == "warga-1"
    assert api.get(f"/v1/complaints/{public_anon['id']}", CITIZEN)[1]["reporter"]["id"] == "warga-1"


def test_listing_is_scoped_and_paginated(api):
    ids = [file(api)["id"] for _ in range(5)]
    other = file(api, who=CITIZEN_2, category="rs-pelayanan" if False else NEW["category"])["id"]
    status, page = api.get("/v1/complaints?limit=2", CITIZEN)
    seen = [c["id"] for c in page["items"]]
    while page["next"]:
        status, page = api.get(f"/v1/complaints?limit=2&cursor={page['next']}", CITIZEN)
        seen += [c["id"] for c in page["items"]]
    assert sorted(seen) == sorted(ids) and other not in seen
    status, page = api.get("/v1/complaints?status=assigned&limit=100", OPERATOR)
    assert status == 200 and len(page["items"]) == 6
    assert api.get("/v1/complaints?status=resolved", OPERATOR)[1]["items"] == []
    assert len(api.get("/v1/complaints?limit=100", INSPECTOR)[1]["items"]) == 6
    assert api.get("/v1/complaints?opd=DINKES", OPERATOR)[0] == 403
    assert api.get("/v1/complaints?opd=DINKES", INSPECTOR)[1]["items"] == []


def test_idempotency_key_returns_the_first_complaint(api, repo):
    headers = {"Idempotency-Key": "3f1c-retry-1"}
    s1, first = api.post("/v1/complaints", CITIZEN, NEW, headers=headers)
    s2, second = api.post("/v1/complaints", CITIZEN, NEW, headers=headers)
    assert s1 == s2 == 201 and first["id"] == second["id"]
    assert len(api.get("/v1/complaints", CITIZEN)[1]["items"]) == 1
    s3, err = api.post("/v1/complaints", CITIZEN, {**NEW, "title": "Judul lain"}, headers=headers)
    assert s3 == 422 and err["error"]["code"] == "idempotency_key_reused"
    s4, other = api.post("/v1/complaints", CITIZEN_2, NEW, headers=headers)   # keys are per caller
    assert s4 == 201 and other["id"] != first["id"]


def test_deadlines_and_overdue_follow_the_clocks(api, clock):
    c = file(api)
    assert c["deadlines"] == {"followup_due": "2026-11-28T02:00:00Z", "approval_due": None}
    assert c["overdue"] is False
    from chalicelib.handlers import on_complaint_changes
    from tests.app.test_sanctions_api import stream_event
    on_complaint_changes(stream_event(c["id"]))          # the stream stores the clock
    clock.advance(hours=25)
    c = api.get(f"/v1/complaints/{c['id']}", OPERATOR)[1]
    assert c["overdue"] is True
    assert [i["id"] for i in api.get("/v1/complaints?overdue=true", OPERATOR)[1]["items"]] == [c["id"]]
    c = api.post(f"/v1/complaints/{c['id']}/followups", OPERATOR, {"message": "maaf terlambat"})[1]
    assert c["deadlines"] == {"followup_due": None, "approval_due": "2026-12-01T03:00:00Z"}
    assert c["overdue"] is False


def test_the_routing_decision_is_recorded_with_rule_version_and_explanation(api):
    c = file(api)
    [submitted] = api.get(f"/v1/complaints/{c['id']}/timeline", CITIZEN)[1]
    data = submitted["data"]
    assert data["routing_rule"] == c["routing"]["rule_id"]
    assert data["rules_version"] == c["routing"]["rules_version"]
    assert OPD in data["explanation"]["id"] and OPD in data["explanation"]["en"]


def test_overdue_queue_is_most_overdue_first_and_scoped(api, clock):
    from chalicelib.handlers import on_complaint_changes
    from tests.app.test_sanctions_api import stream_event
    first = file(api)["id"]
    clock.advance(hours=2)
    second = file(api)["id"]
    clock.advance(minutes=1)
    other = file(api, category="pajak-kendaraan")["id"]                  # BAPENDA's
    clock.advance(hours=1)
    done = file(api)["id"]
    api.post(f"/v1/complaints/{done}/followups", OPERATOR, {"message": "cepat"})
    on_complaint_changes(stream_event(first, second, other, done))
    clock.advance(hours=30)
    status, page = api.get("/v1/complaints?overdue=true", OPERATOR)
    assert status == 200 and [c["id"] for c in page["items"]] == [first, second]
    assert all(c["overdue"] for c in page["items"])
    page = api.get("/v1/complaints?overdue=true&limit=1", OPERATOR)[1]
    assert [c["id"] for c in page["items"]] == [first] and page["next"]
    page = api.get(f"/v1/complaints?overdue=true&limit=1&cursor={page['next']}", OPERATOR)[1]
    assert [c["id"] for c in page["items"]] == [second] and page["next"] is None
    def ids(path, who):
        return [c["id"] for c in api.get(path, who)[1]["items"]]
    assert ids("/v1/complaints?overdue=true", INSPECTOR) == [first, second, other]
    assert ids("/v1/complaints?overdue=true&opd=BAPENDA", INSPECTOR) == [other]
    assert ids("/v1/complaints?overdue=true", CITIZEN) == [other, second, first]
    assert api.get("/v1/complaints?overdue=true&cursor=x", OPERATOR)[0] == 400


def test_if_match_applies_an_action_only_to_the_version_the_caller_saw(api):
    c = file(api)
    resp = api.client.http.get(f"/v1/complaints/{c['id']}", headers=api.keys.headers(*OPERATOR))
    assert resp.headers["ETag"] == '"1"'
    api.post(f"/v1/complaints/{c['id']}/claim", OPERATOR)                        # now version 2
    status, body = api.post(f"/v1/complaints/{c['id']}/followups", OPERATOR, {"message": "x"},
                            headers={"If-Match": '"1"'})
    assert status == 409 and body["error"]["code"] == "conflict"
    assert api.get(f"/v1/complaints/{c['id']}", OPERATOR)[1]["status"] == "assigned"
    status, body = api.post(f"/v1/complaints/{c['id']}/followups", OPERATOR, {"message": "x"},
                            headers={"If-Match": '"2"'})
    assert status == 200 and body["version"] == 3
    status, body = api.post(f"/v1/complaints/{c['id']}/approve", SUPERVISOR, {}, headers={"If-Match": "abc"})
    assert status == 400 and body["error"]["code"] == "invalid_if_match"


def test_web_frontends_on_other_origins_may_call(api):
    resp = api.client.http.get("/v1/categories", headers={"Origin": "https://lampungin.example"})
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in resp.headers["Access-Control-Expose-Headers"]
    assert "If-Match" in resp.headers["Access-Control-Allow-Headers"]
