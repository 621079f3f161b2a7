"""GIVEN any signed-in caller, WHEN they read, set and delete their notification preferences and
ask to be forgotten, THEN they only ever touch their own, bad input is a 422 naming each field (in
Indonesian, or English), and forgetting keeps the complaints for the OPD while nothing links them
to the person any more."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from app import app
from chalicelib.handlers import on_complaint_changes
from chalicelib.services.ports import StoredNotification
from chalicelib.wiring import container
from tests.app.conftest import ADMIN, CITIZEN, CITIZEN_2, INSPECTOR
from tests.app.test_complaint_flow import NEW, OPERATOR, SUPERVISOR
from tests.app.test_sanctions_api import stream_event

PREFS = "/v1/me/preferences"
SITI = {"email": "siti.rahayu@contoh.id", "phone": "+62 812-3456-7890", "push_token": "fcm:APA91b-x_1",
        "channels": ["whatsapp", "email"], "language": "en"}
DEFAULTS: dict[str, object] = {"email": None, "phone": None, "push_token": None, "channels": [], "language": "id",
                               "updated_at": None}


def put(api, who, body, **kw):
    return api.call("PUT", PREFS, who, body, **kw)


def test_preferences_round_trip_normalised_and_defaults_before(api):
    assert api.get(PREFS, CITIZEN) == (200, DEFAULTS)
    status, stored = put(api, CITIZEN, SITI)
    assert status == 200, stored
    assert stored == {"email": "siti.rahayu@contoh.id", "phone": "+6281234567890", "push_token": "fcm:APA91b-x_1",
                      "channels": ["email", "whatsapp"], "language": "en", "updated_at": "2026-11-27T02:00:00Z"}
    assert api.get(PREFS, CITIZEN) == (200, stored)
    # PUT replaces the whole: what is left out is gone
    status, again = put(api, CITIZEN, {"channels": [], "language": "id", "email": "SITI@Contoh.ID"})
    assert status == 200 and again["email"] == "SITI@contoh.id" and again["phone"] is None
    for phone in ("081234567890", "6281234567890", "+6281234567890", "0812-3456-7890"):
        sms = {"phone": phone, "channels": ["sms"], "language": "id"}
        assert put(api, CITIZEN, sms)[1]["phone"] == "+6281234567890"


def test_every_bad_field_is_named_in_one_422_in_indonesian_or_english(api):
    bad = {"email": "siti@localhost", "phone": "٠٨١٢٣٤٥٦٧٨٩٠", "push_token": "has space",
           "channels": ["sms", "sms", "fax"], "language": "fr"}
    status, body = put(api, CITIZEN, bad)
    assert status == 422 and set(body) == {"error"} and body["error"]["code"] == "validation_failed"
    got = {(d["field"], d["code"]) for d in body["error"]["details"]}
    assert got == {("email", "invalid_email"), ("phone", "invalid_phone"), ("push_token", "invalid_push_token"),
                   ("channels.2", "not_allowed_value"), ("channels", "duplicate"), ("language", "not_allowed_value")}
    assert body["error"]["message"] == "Isi permintaan tidak valid."
    phone = next(d for d in body["error"]["details"] if d["field"] == "phone")
    assert phone["message"].startswith("Nomor HP harus nomor seluler Indonesia")
    status, en = put(api, CITIZEN, bad, headers={"Accept-Language": "en"})
    assert status == 422 and en["error"]["message"] == "The request content is not valid."
    assert next(d for d in en["error"]["details"] if d["field"] == "phone")["message"].startswith(
        "The phone number must be an Indonesian mobile number")
    assert api.get(PREFS, CITIZEN) == (200, DEFAULTS)                  # nothing was stored


@pytest.mark.parametrize(("body", "field", "code"), [
    ({"channels": ["email"], "language": "id"}, "email", "address_required"),
    ({"channels": ["sms", "whatsapp"], "language": "id"}, "phone", "address_required"),
    ({"channels": ["push"], "language": "id", "push_token": "x" * 4097}, "push_token", "too_long"),
    ({"channels": [], "language": "id", "phone": "0812²3456789"}, "phone", "invalid_phone"),
    ({"channels": [], "language": "id", "phone": "0712345678"}, "phone", "invalid_phone"),
    ({"channels": [], "language": "id", "email": "a@b@c.id"}, "email", "invalid_email"),
    ({"channels": [], "language": "id", "email": "x" * 250 + "@c.id"}, "email", "too_long"),
    ({"channels": [], "language": "id", "email": "siti\u0000@contoh.id"}, "email", "invalid_email"),
    ({"channels": "email", "language": "id"}, "channels", "wrong_type"),
    ({"language": "id"}, "channels", "required"),
    ({"channels": [], "language": "id", "name": "Siti"}, "name", "unknown_field"),
])
def test_each_rule_of_the_preferences(api, body, field, code):
    status, answer = put(api, CITIZEN, body)
    assert status == 422, answer
    assert (field, code) in {(d["field"], d["code"]) for d in answer["error"]["details"]}, answer


def test_nobody_else_sees_them_and_staff_set_their_own(api):
    assert put(api, CITIZEN, SITI)[0] == 200
    assert api.get(PREFS, CITIZEN_2) == (200, DEFAULTS)
    for who in (OPERATOR, SUPERVISOR, INSPECTOR, ADMIN):
        assert api.get(PREFS, who) == (200, DEFAULTS)
        status, mine = put(api, who, {"email": f"{who[0]}@lampungprov.go.id", "channels": ["email"], "language": "id"})
        assert status == 200 and mine["email"] == f"{who[0]}@lampungprov.go.id"
        assert api.get(PREFS, who)[1] == mine
    assert api.get(PREFS, CITIZEN)[1]["email"] == "siti.rahayu@contoh.id"
    # no route names a person: preferences are only ever the caller's own
    assert {path for path in app.routes if "preferences" in path or path == "/v1/me"} == {PREFS, "/v1/me"}
    for method in ("GET", "PUT", "DELETE"):
        status, body = api.call(method, PREFS, None, {} if method == "PUT" else None)
        assert status == 401 and body["error"]["code"] == "unauthenticated"
    assert api.call("DELETE", "/v1/me")[0] == 401


def test_delete_answers_the_defaults_and_repeats_harmlessly(api):
    assert put(api, CITIZEN, SITI)[0] == 200
    assert api.call("DELETE", PREFS, CITIZEN) == (200, DEFAULTS)
    assert api.get(PREFS, CITIZEN) == (200, DEFAULTS)
    assert api.call("DELETE", PREFS, CITIZEN) == (200, DEFAULTS)
    assert container.people.get("warga-1") is None


def _notify(recipient: str, i: int) -> StoredNotification:
    return StoredNotification(id=f"ntf-{i:032x}", recipient=recipient, at=datetime(2026, 11, 27, tzinfo=timezone.utc),
                              type="citizen.claimed", complaint_id=None, title={"id": "t", "en": "t"},
                              body={"id": "b", "en": "b"}, source=f"test:{i}")


def test_forget_keeps_the_complaints_for_the_opd_and_cuts_them_loose_from_the_person(api, keys, repo):
    siti = {"Authorization": f"Bearer {keys.token('warga-1', 'citizen', name='Siti Rahayu')}"}
    ids = [api.call("POST", "/v1/complaints", None, {**NEW, "anonymous": anonymous}, headers=siti)[1]["id"]
           for anonymous in (False, True)]
    other = api.post("/v1/complaints", CITIZEN_2, NEW)[1]["id"]
    assert api.post(f"/v1/complaints/{ids[0]}/claim", OPERATOR, {})[0] == 200
    assert api.post(f"/v1/complaints/{ids[0]}/request-info", OPERATOR, {"question": "NIB?"})[0] == 200
    assert api.post(f"/v1/complaints/{ids[0]}/replies", CITIZEN, {"message": "Nomornya 1234."})[0] == 200
    assert put(api, CITIZEN, SITI)[0] == 200
    for i in range(3):
        container.notifications.add(_notify("warga-1", i))
    container.notifications.add(_notify("warga-2", 9))

    status, done = api.call("DELETE", "/v1/me", CITIZEN)
    assert status == 200
    assert done == {"complaints_deidentified": 2, "notifications_deleted": 3, "preferences_deleted": True}

    assert api.get("/v1/complaints", CITIZEN)[1]["items"] == []               # no longer theirs
    assert api.get(f"/v1/complaints/{ids[0]}", CITIZEN)[0] == 404
    assert api.get(PREFS, CITIZEN) == (200, DEFAULTS)
    assert container.notifications.list("warga-1", limit=10, cursor=None).items == []
    assert len(container.notifications.list("warga-2", limit=10, cursor=None).items) == 1
    listed = {c["id"]: c for c in api.get("/v1/complaints", OPERATOR)[1]["items"]}
    assert set(listed) == {*ids, other}                                        # still the OPD's work
    shown = api.get(f"/v1/complaints/{ids[0]}", OPERATOR)[1]
    pseudonym = shown["reporter"]["id"]
    assert pseudonym.startswith("forgotten:") and shown["reporter"]["name"] is None
    assert shown["status"] == "assigned" and shown["assignee"] == OPERATOR[0]
    timeline = api.get(f"/v1/complaints/{ids[0]}/timeline", OPERATOR)[1]
    assert {e["actor_id"] for e in timeline if e["actor_role"] == "citizen"} == {pseudonym}
    assert [e["type"] for e in timeline][-1] == "citizen_replied"              # the new event is shown to nobody
    assert listed[ids[1]]["reporter"] is None                                  # anonymous stays anonymous
    assert repo.complaints[ids[1]].reporter.sub.startswith("forgotten:")
    assert repo.complaints[ids[1]].reporter.sub != pseudonym                   # one pseudonym per complaint
    stored = json.dumps([repr(repo.complaints[i]) for i in ids] + [repr(repo.timeline(i)) for i in ids])
    assert "warga-1" not in stored and "Siti Rahayu" not in stored
    assert repo.complaints[other].reporter.sub == "warga-2"
    # the stream takes the new version in its stride: clocks as before, nobody told, audited without a name
    assert on_complaint_changes(stream_event(*ids)) == {"batchItemFailures": []}
    assert container.notifications.list("warga-1", limit=10, cursor=None).items == []
    assert api.get(f"/v1/complaints/{ids[0]}", OPERATOR)[1]["deadlines"]["followup_due"] is not None
    forgotten = [e for e in api.get(f"/v1/audit?complaint={ids[0]}", INSPECTOR)[1]["items"]
                 if e["action"] == "reporter_forgotten"]
    assert [(e["actor_role"], e["actor_id"], e["source_ip"]) for e in forgotten] == [("citizen", None, None)]
    # the OPD works on; a repeat finds nothing left to do
    assert api.post(f"/v1/complaints/{ids[0]}/followups", OPERATOR, {"message": "NIB terbit."})[0] == 200
    assert api.call("DELETE", "/v1/me", CITIZEN) == (200, {"complaints_deidentified": 0, "notifications_deleted": 0,
                                                           "preferences_deleted": False})


def test_staff_who_are_forgotten_keep_their_name_on_their_work(api):
    cid = api.post("/v1/complaints", CITIZEN, NEW)[1]["id"]
    assert api.post(f"/v1/complaints/{cid}/claim", OPERATOR, {})[0] == 200
    assert put(api, OPERATOR, {"email": "op@lampungprov.go.id", "channels": ["email"], "language": "id"})[0] == 200
    status, done = api.call("DELETE", "/v1/me", OPERATOR)
    assert status == 200 and done["complaints_deidentified"] == 0 and done["preferences_deleted"] is True
    assert api.get(f"/v1/complaints/{cid}", OPERATOR)[1]["assignee"] == OPERATOR[0]
    assert api.get(f"/v1/complaints/{cid}", CITIZEN)[1]["reporter"]["id"] == "warga-1"


def test_the_same_on_dynamodb(dynamo_api):
    """Preferences on the real store (a test cipher for KMS) and forgetting on the real complaint
    and notification stores (moto)."""
    from chalicelib.adapters.dynamo.people import DynamoPeopleStore
    from tests.fakes import FakeCipher

    api = dynamo_api
    container.override(people=DynamoPeopleStore(container.settings, FakeCipher()))
    assert put(api, CITIZEN, SITI)[0] == 200 and api.get(PREFS, CITIZEN)[1]["phone"] == "+6281234567890"
    ids = [api.post("/v1/complaints", CITIZEN, NEW)[1]["id"] for _ in range(2)]
    assert api.post(f"/v1/complaints/{ids[0]}/claim", OPERATOR, {})[0] == 200
    container.notifications.add(_notify("warga-1", 1))
    status, done = api.call("DELETE", "/v1/me", CITIZEN)
    assert (status, done) == (200, {"complaints_deidentified": 2, "notifications_deleted": 1,
                                    "preferences_deleted": True})
    assert api.get("/v1/complaints", CITIZEN)[1]["items"] == []
    assert {c["id"] for c in api.get("/v1/complaints", OPERATOR)[1]["items"]} == set(ids)
    reporters = {api.get(f"/v1/complaints/{cid}", OPERATOR)[1]["reporter"]["id"] for cid in ids}
    assert len(reporters) == 2 and all(r.startswith("forgotten:") for r in reporters)
    assert api.get(PREFS, CITIZEN) == (200, DEFAULTS)
