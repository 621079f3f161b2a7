"""GIVEN intake staff of a desk (the P4 desk at DPMPTSP, a city's desk), WHEN they file complaints
for people who came in, phoned or wrote, THEN each complaint records its channel and is routed by
the desk's own government, the person (no account) is told of every change through the contact
they left, and intake staff see only what they filed (CONTRACT.md, Intake channels;
services/intake.py)."""
from __future__ import annotations

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
