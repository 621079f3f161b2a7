"""GIVEN intake staff of a desk (the P4 desk at DPMPTSP, a city's desk), WHEN they file complaints
for people who came in, phoned or wrote, THEN each complaint records its channel and is routed by
the desk's own government, the person (no account) is told of every change through the contact
they left, and intake staff see only what they filed (CONTRACT.md, Intake channels;
services/intake.py)."""
from __future__ import annotations

import re
import uuid

import pytest

from chalicelib.domain.model import CONTACT_PREFIX
from chalicelib.wiring import container
from tests.app.conftest import CITIZEN, INSPECTOR, staff
from tests.app.test_complaint_flow import OPERATOR
from tests.app.test_sanctions_api import invoke, stream_event

DESK = ("petugas-p4", "intake", "DPMPTSP")
OTHER_DESK = ("petugas-p4-2", "intake", "DPMPTSP")
CITY_DESK = ("petugas-kota", "intake", "BANDARLAMPUNG.DPMPTSP")
WALK_IN = {"category": "izin-berusaha", "title": "NIB belum terbit",
           "description": "Datang ke loket P4: permohonan NIB sudah tiga minggu.", "channel": "desk",
           "contact": {"name": "Ibu Sari", "phone": "0812-3456-7890"}}


def file_for(api, who=DESK, **changes):
    body = {**WALK_IN, **changes}
    status, c = api.post("/v1/complaints", who, body, headers={"Idempotency-Key": uuid.uuid4().hex})
    assert status == 201, c
    return c


def test_a_desk_files_for_a_walk_in_person_who_is_told_by_sms(api):
    container.override(channels={"sms": None, "email": None})
    c = file_for(api)
    assert (c["status"], c["opd"], c["channel"], c["filed_by"]) == ("assigned", "DPMPTSP", "desk", DESK[0])
    assert c["reporter"] == {"id": f"{CONTACT_PREFIX}{c['id']}", "name": "Ibu Sari"}
    assert c["deadlines"]["followup_due"] is not None          # the clock starts when the desk files it
    prefs = container.people.get(f"{CONTACT_PREFIX}{c['id']}")
    assert (prefs.phone, prefs.channels, prefs.email) == ("+6281234567890", ("sms",), None)
    assert invoke(api, "complaint_changes", stream_event(c["id"])) == {"batchItemFailures": []}
    told = [(d.channel, d.recipient) for d in container.delivery_queue.queued]
    assert ("sms", f"{CONTACT_PREFIX}{c['id']}") in told
    [note] = [n for n in container.notifications.items.values() if n.recipient == f"{CONTACT_PREFIX}{c['id']}"]
    assert note.type == "citizen.submitted" and c["id"] in note.body["id"]    # the number to track it by

    # the operator's queue shows it, with its channel; the operator sees the person's name
    queue = api.get("/v1/complaints", OPERATOR)[1]["items"]
    assert [(q["id"], q["channel"]) for q in queue] == [(c["id"], "desk")]
    assert api.get(f"/v1/complaints/{c['id']}", OPERATOR)[1]["reporter"]["name"] == "Ibu Sari"
    # the public tracking page works with the number alone
    status, tracked = api.get(f"/v1/track/{c['id']}")
    assert status == 200 and tracked["status"] == "assigned"


def test_intake_staff_see_only_what_they_filed(api):
    mine, theirs = file_for(api), file_for(api, OTHER_DESK)
    citizens = api.post("/v1/complaints", CITIZEN, {k: v for k, v in WALK_IN.items() if k not in ("channel",
                                                                                              "contact")})[1]
    assert [c["id"] for c in api.get("/v1/complaints", DESK)[1]["items"]] == [mine["id"]]
    assert api.get(f"/v1/complaints/{theirs['id']}", DESK)[0] == 404
    assert api.get(f"/v1/complaints/{citizens['id']}", DESK)[0] == 404
    status, seen = api.get(f"/v1/complaints/{mine['id']}", DESK)
    assert status == 200 and seen["description"] == WALK_IN["description"] and seen["assignee"] is None
    assert api.get(f"/v1/complaints/{mine['id']}/timeline", DESK)[0] == 200
    # they file; they do not work complaints
    status, body = api.post(f"/v1/complaints/{mine['id']}/claim", DESK, {})
    assert status in (403, 404), body
    assert api.get("/v1/complaints?opd=DINKES", DESK)[1]["items"] == []       # a filter, never a widening
    assert [c["id"] for c in api.get("/v1/complaints?opd=DPMPTSP&status=assigned", DESK)[1]["items"]] == [mine["id"]]
    assert api.get("/v1/sanctions", DESK)[0] == 403
    # an inspector sees who filed it; a citizen does not file with a contact
    assert api.get(f"/v1/complaints/{mine['id']}", INSPECTOR)[1]["filed_by"] == DESK[0]
    assert api.get(f"/v1/complaints/{citizens['id']}", CITIZEN)[1]["filed_by"] is None


def test_a_citys_desk_files_into_the_citys_own_opds(api):
    c = file_for(api, CITY_DESK, channel="phone", contact={"email": "warga@example.id"})
    assert (c["government"], c["opd"], c["channel"]) == ("BANDARLAMPUNG", "BANDARLAMPUNG.DPMPTSP", "phone")
    assert container.people.get(c["reporter"]["id"]).channels == ("email",)


def test_an_anonymous_person_leaves_no_contact(api):
    c = file_for(api, channel="social", contact=None, anonymous=True)
    assert c["channel"] == "social" and c["anonymous"] is True
    assert container.people.get(f"{CONTACT_PREFIX}{c['id']}") is None
    assert api.get(f"/v1/complaints/{c['id']}", OPERATOR)[1]["reporter"] is None


@pytest.mark.parametrize("who, changes, field, code", [
    (CITIZEN, {"contact": {"phone": "081234567890"}}, "contact", "intake_only"),
    (CITIZEN, {"channel": "desk"}, "channel", "not_allowed_value"),
    (DESK, {"channel": None}, "channel", "not_allowed_value"),
    (DESK, {"channel": "app"}, "channel", "not_allowed_value"),
    (DESK, {"channel": "lapor"}, "channel", "not_allowed_value"),
    (DESK, {"contact": {"phone": "٠٨١٢٣٤٥٦٧٨٩٠"}}, "contact.phone", "invalid_phone"),
    (DESK, {"contact": {"phone": "9" * 5000}}, "contact.phone", None),
    (DESK, {"contact": {"email": "bukan-alamat"}}, "contact.email", "invalid_email"),
    (DESK, {"contact": {"name": "Ibu Sari"}, "anonymous": True}, "contact.name", "anonymous_with_name"),
    (DESK, {"contact": {"fax": "0721"}}, "contact.fax", None),
])
def test_bad_filings_are_refused_with_the_field_and_store_nothing(api, repo, who, changes, field, code):
    body = {**WALK_IN, **changes}
    body = {k: v for k, v in body.items() if v is not None}
    if who == CITIZEN:
        body = {k: v for k, v in body.items() if k not in ("channel", "contact") or k in changes}
    status, err = api.post("/v1/complaints", who, body, headers={"Accept-Language": "en"})
    assert status == 422, err
    details = err["error"]["details"] or [{"field": err["error"].get("field"), "code": err["error"]["code"]}]
    assert any(d["field"] == field and (code is None or d["code"] == code) for d in details), err
    assert not repo.complaints and container.people.prefs == {}


def test_a_desk_retry_with_the_same_key_files_once(api, repo):
    key = {"Idempotency-Key": "loket-1-antrean-7"}
    first = api.post("/v1/complaints", DESK, WALK_IN, headers=key)
    again = api.post("/v1/complaints", DESK, WALK_IN, headers=key)
    assert first[0] == again[0] == 201 and first[1]["id"] == again[1]["id"] and len(repo.complaints) == 1
    assert len(container.people.prefs) == 1


def test_a_desk_files_more_than_a_citizens_daily_limit(api):
    for _ in range(container.deps().daily_limit + 2):
        file_for(api)


def test_intake_tokens_need_the_desks_opd(api, keys):
    status, body = api.post("/v1/complaints", ("petugas-x", "intake"), WALK_IN)
    assert status == 401, body
    assert staff("intake", "DPMPTSP")[1] == "intake"


# --- claiming it into one's own account (CONTRACT.md: POST /v1/complaints/{id}/claim-ownership) ----
SECRET = "rahasia-klaim-uji"
NEW_CITIZEN = ("warga-baru", "citizen")


@pytest.fixture
def claims_on(monkeypatch):
    from chalicelib.config import from_env
    monkeypatch.setenv("CLAIM_CODE_SECRET", SECRET)
    container.override(settings=from_env(), channels={"sms": None})


def code_sent(c) -> str:
    """The code as the person received it: from the notification the stream stored for them."""
    [note] = [n for n in container.notifications.items.values()
              if n.recipient == c["reporter"]["id"] and n.type == "citizen.claim_code"]
    found = re.search(r"kode ([0-9]{6})", note.body["id"])
    assert found, note.body
    return found.group(1)


def test_the_person_claims_it_with_the_code_sent_by_sms_and_sees_it_as_their_own(api, claims_on):
    c = file_for(api)
    invoke(api, "complaint_changes", stream_event(c["id"]))
    code = code_sent(c)
    assert ("sms", c["reporter"]["id"]) in [(d.channel, d.recipient) for d in container.delivery_queue.queued]
    assert api.get("/v1/complaints", NEW_CITIZEN)[1]["items"] == []
    status, claimed = api.post(f"/v1/complaints/{c['id']}/claim-ownership", NEW_CITIZEN, {"code": code})
    assert status == 200, claimed
    assert claimed["reporter"]["id"] == NEW_CITIZEN[0] and claimed["reporter"]["name"] == "Ibu Sari"
    assert claimed["status"] == "assigned" and claimed["channel"] == "desk" and claimed["version"] == 2
    assert [x["id"] for x in api.get("/v1/complaints", NEW_CITIZEN)[1]["items"]] == [c["id"]]
    timeline = api.get(f"/v1/complaints/{c['id']}/timeline", NEW_CITIZEN)[1]
    assert [e["type"] for e in timeline][-1] == "ownership_claimed"
    assert container.people.get(c["reporter"]["id"]) is None          # the contact kept for them is gone
    # the desk still sees what it filed; the operator sees the new reporter; nobody claims it twice
    assert api.get(f"/v1/complaints/{c['id']}", DESK)[0] == 200
    assert api.get(f"/v1/complaints/{c['id']}", OPERATOR)[1]["reporter"]["id"] == NEW_CITIZEN[0]
    again = api.post(f"/v1/complaints/{c['id']}/claim-ownership", ("warga-lain", "citizen"), {"code": code})
    assert again[0] == 404
    # the citizen now acts as its owner
    assert api.post(f"/v1/complaints/{c['id']}/followups", OPERATOR, {"message": "Sudah terbit."})[0] == 200
    assert api.post(f"/v1/complaints/{c['id']}/approve", staff("supervisor", "DPMPTSP"), {})[0] == 200
    assert api.post(f"/v1/complaints/{c['id']}/rating", NEW_CITIZEN, {"stars": 5})[0] == 200


def test_wrong_codes_are_counted_and_lock_the_claim(api, claims_on):
    c = file_for(api)
    invoke(api, "complaint_changes", stream_event(c["id"]))
    right = code_sent(c)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for left in (4, 3, 2, 1):
        status, body = api.post(f"/v1/complaints/{c['id']}/claim-ownership", NEW_CITIZEN, {"code": wrong})
        assert status == 422 and body["error"]["details"][0]["code"] == "wrong_code", body
        assert str(left) in body["error"]["details"][0]["message"]
    status, body = api.post(f"/v1/complaints/{c['id']}/claim-ownership", NEW_CITIZEN, {"code": wrong})
    assert status == 409 and body["error"]["code"] == "claim_locked"
    status, body = api.post(f"/v1/complaints/{c['id']}/claim-ownership", NEW_CITIZEN, {"code": right})
    assert status == 409 and body["error"]["code"] == "claim_locked"      # even the right one, now


@pytest.mark.parametrize("code", ["١٢٣٤٥٦", "12345", "1234567", "9" * 16, " "])
def test_a_code_that_is_not_six_ascii_digits_is_a_wrong_code(api, claims_on, code):
    c = file_for(api)
    status, body = api.post(f"/v1/complaints/{c['id']}/claim-ownership", NEW_CITIZEN, {"code": code})
    assert status == 422, body


def test_who_may_claim_and_what_can_be_claimed(api, claims_on):
    c = file_for(api)
    own = api.post("/v1/complaints", CITIZEN, {k: v for k, v in WALK_IN.items() if k not in ("channel",
                                                                                         "contact")})[1]
    for who in (OPERATOR, DESK, INSPECTOR):
        assert api.post(f"/v1/complaints/{c['id']}/claim-ownership", who, {"code": "000000"})[0] == 403
    assert api.post(f"/v1/complaints/{own['id']}/claim-ownership", NEW_CITIZEN, {"code": "000000"})[0] == 404
    assert api.post("/v1/complaints/ADU-261127-XXXXXXX/claim-ownership", NEW_CITIZEN, {"code": "1"})[0] == 404
    assert api.post(f"/v1/complaints/{c['id']}/claim-ownership", NEW_CITIZEN, {})[0] == 422


def test_without_a_claim_secret_no_code_is_sent_and_claiming_is_refused(api):
    container.override(channels={"sms": None})
    c = file_for(api)
    invoke(api, "complaint_changes", stream_event(c["id"]))
    assert not [n for n in container.notifications.items.values() if n.type == "citizen.claim_code"]
    status, body = api.post(f"/v1/complaints/{c['id']}/claim-ownership", NEW_CITIZEN, {"code": "123456"})
    assert status == 409 and body["error"]["code"] == "claim_unavailable"


def test_the_league_table_shows_where_complaints_come_from_and_ranks_one_channel(api):
    desk = file_for(api)
    own = api.post("/v1/complaints", CITIZEN, {k: v for k, v in WALK_IN.items() if k not in ("channel", "contact")})[1]
    for c in (desk, own):
        assert invoke(api, "complaint_changes", stream_event(c["id"])) == {"batchItemFailures": []}
    status, table = api.get("/v1/stats/opds")
    row = next(r for r in table["opds"] if r["opd"] == "DPMPTSP")
    assert status == 200 and (row["complaints"], row["channels"]) == (2, {"app": 1, "desk": 1})
    assert table["channels"] == {"app": 1, "desk": 1} and table["channel"] is None
    status, at_desk = api.get("/v1/stats/opds?channel=desk")
    row = next(r for r in at_desk["opds"] if r["opd"] == "DPMPTSP")
    assert status == 200 and at_desk["channel"] == "desk" and row["complaints"] == 1
    assert next(r for r in api.get("/v1/stats/opds?channel=lapor")[1]["opds"] if r["opd"] == "DPMPTSP")[
        "complaints"] == 0


@pytest.mark.parametrize("channel", ["fax", "DESK", "", "d\u0435sk"])
def test_an_unknown_channel_in_the_league_table_is_422_in_one_language(api, channel):
    status, body = api.get(f"/v1/stats/opds?channel={channel}")
    assert status == 422 and body["error"]["details"][0]["field"] == "channel", body
    indonesian = body["error"]["details"][0]["message"]
    status, body = api.get(f"/v1/stats/opds?channel={channel}", headers={"Accept-Language": "en"})
    english = body["error"]["details"][0]["message"]
    assert status == 422 and indonesian != english
    if channel.isascii():                # the choices are named (a non-ASCII value is refused earlier)
        assert "pilihan: app, web, desk" in indonesian and "choose: app, web, desk" in english
