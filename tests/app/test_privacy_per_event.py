"""GIVEN a complaint with staff notes, a citizen's answers and a supervisor's return reason, WHEN
each kind of caller reads its timeline (and the complaint) over HTTP, THEN each sees exactly the
events and fields domain/policy.py gives them: a citizen's words reach the owner, the OPD's staff
and oversight only, staff notes and return reasons reach staff only, an anonymous reporter's
identity reaches no staff, and every event carries a human label in the caller's language.

Regression for issue 10 part 1 (found on `make run`: another citizen read the NIK and phone
number an anonymous reporter gave the operator; the citizen read the supervisor's return reason).
"""
import json

from tests.app.conftest import ADMIN, CITIZEN, CITIZEN_2, INSPECTOR, staff
from tests.app.test_complaint_flow import OPERATOR, SUPERVISOR, file

SECRET = "NIK 1871012345670001, HP 081234567890"
RETURN_REASON = "Operator belum menelepon pelapor, ulangi"
NOTE = "Catatan internal: pelapor pernah mengadu hal serupa"
OTHER_OPERATOR = staff("operator", "DINKES")


def timeline(api, cid, who, lang=None):
    headers = {"Accept-Language": lang} if lang else None
    status, body = api.get(f"/v1/complaints/{cid}/timeline", who, headers=headers)
    assert status == 200, body
    return body


def worked(api):
    """A public, anonymous complaint: the operator asks for NIK and phone, the citizen answers,
    the operator follows up, the supervisor returns it with a reason, a staff note is added."""
    cid = file(api, visibility="public", anonymous=True)["id"]
    p = f"/v1/complaints/{cid}"
    assert api.post(f"{p}/request-info", OPERATOR, {"question": "Mohon NIK dan nomor HP Anda"})[0] == 200
    assert api.post(f"{p}/replies", CITIZEN, {"message": SECRET})[0] == 200
    assert api.post(f"{p}/followups", OPERATOR, {"message": "Sudah kami cek di OSS"})[0] == 200
    assert api.post(f"{p}/return", SUPERVISOR, {"reason": RETURN_REASON})[0] == 200
    status, body = api.post(f"{p}/notes", OPERATOR, {"note": NOTE})
    assert status == 201, body
    return cid


def test_another_citizen_never_reads_what_the_reporter_wrote(api):
    cid = worked(api)
    seen = timeline(api, cid, CITIZEN_2)
    text = json.dumps(seen, ensure_ascii=False)
    assert SECRET not in text and "1871012345670001" not in text
    assert "citizen_replied" not in [e["type"] for e in seen]        # not even that they answered
    assert NOTE not in text and RETURN_REASON not in text and "staff_note" not in text
    assert all("actor_id" not in e for e in seen)
    # the public-safe steps are there, as labels without notes
    assert [e["type"] for e in seen] == ["submitted", "info_requested", "followed_up", "returned"]
    assert all(e["note"] is None for e in seen)


def test_the_owner_reads_their_own_words_but_no_staff_note_or_return_reason(api):
    cid = worked(api)
    seen = timeline(api, cid, CITIZEN)
    by_type = {e["type"]: e for e in seen}
    assert by_type["citizen_replied"]["note"] == SECRET
    assert by_type["info_requested"]["note"] == "Mohon NIK dan nomor HP Anda"
    assert by_type["followed_up"]["note"] == "Sudah kami cek di OSS"
    assert by_type["returned"]["note"] is None                        # staff-only reason
    text = json.dumps(seen, ensure_ascii=False)
    assert RETURN_REASON not in text and NOTE not in text and "staff_note" not in by_type


def test_opd_staff_and_oversight_read_the_answer_and_the_notes_but_not_who_the_reporter_is(api):
    cid = worked(api)
    for who in (OPERATOR, SUPERVISOR, INSPECTOR, ADMIN):
        seen = timeline(api, cid, who)
        by_type = {e["type"]: e for e in seen}
        assert by_type["citizen_replied"]["note"] == SECRET
        assert by_type["returned"]["note"] == RETURN_REASON
        assert by_type["staff_note"]["note"] == NOTE
        assert by_type["staff_note"]["actor_id"] == OPERATOR[0]
        citizen_events = [e for e in seen if e["actor_role"] == "citizen"]
        assert citizen_events and all("actor_id" not in e for e in citizen_events)   # anonymous
        assert "warga-1" not in json.dumps(seen)


def test_a_non_anonymous_reporter_is_named_to_staff_only(api):
    cid = file(api, visibility="public")["id"]
    api.post(f"/v1/complaints/{cid}/request-info", OPERATOR, {"question": "Alamat lengkap?"})
    api.post(f"/v1/complaints/{cid}/replies", CITIZEN, {"message": "Jl. Kartini 5"})
    staff_view = {e["type"]: e for e in timeline(api, cid, OPERATOR)}
    assert staff_view["citizen_replied"]["actor_id"] == "warga-1"
    assert "warga-1" not in json.dumps(timeline(api, cid, CITIZEN_2))


def test_staff_notes_change_no_status_no_deadline_and_only_staff_may_write_them(api):
    c = file(api)
    p = f"/v1/complaints/{c['id']}"
    resp = api.client.http.post(f"{p}/notes", headers=api.keys.headers(*SUPERVISOR),
                                body=json.dumps({"note": NOTE}))
    assert resp.status_code == 201 and resp.headers["ETag"] == '"2"'
    event = json.loads(resp.body)
    assert (event["type"], event["note"], event["actor_role"]) == ("staff_note", NOTE, "supervisor")
    assert event["label"] and event["at"]
    after = api.get(p, OPERATOR)[1]
    assert after["status"] == "assigned" and after["deadlines"] == c["deadlines"]
    assert after["version"] == 2
    assert api.post(f"{p}/notes", INSPECTOR, {"note": "Dipantau Inspektorat"})[0] == 201
    for who, code in ((CITIZEN, 403), (ADMIN, 403), (OTHER_OPERATOR, 404), (CITIZEN_2, 404)):
        assert api.post(f"{p}/notes", who, {"note": "x"})[0] == code, who
    assert api.post(f"{p}/notes", OPERATOR, {"note": "  "})[0] == 422
    assert api.post(f"{p}/notes", OPERATOR, {})[0] == 422
    notes = [e for e in timeline(api, c["id"], OPERATOR) if e["type"] == "staff_note"]
    assert [n["note"] for n in notes] == [NOTE, "Dipantau Inspektorat"]
    assert [e["type"] for e in timeline(api, c["id"], CITIZEN)] == ["submitted"]


def test_a_note_is_allowed_in_any_status_even_after_closing(api):
    cid = file(api)["id"]
    p = f"/v1/complaints/{cid}"
    api.post(f"{p}/followups", OPERATOR, {"message": "beres"})
    assert api.post(f"{p}/notes", OPERATOR, {"note": "menunggu supervisor"})[0] == 201
    assert api.get(p, OPERATOR)[1]["status"] == "followed_up"
    api.post(f"{p}/approve", SUPERVISOR, {})
    api.post(f"{p}/rating", CITIZEN, {"stars": 5})
    assert api.post(f"{p}/notes", INSPECTOR, {"note": "sampel audit"})[0] == 201
    assert api.get(p, CITIZEN)[1]["status"] == "closed"


def test_rating_comments_reach_the_owner_and_staff_never_other_citizens(api):
    cid = file(api, visibility="public")["id"]
    p = f"/v1/complaints/{cid}"
    api.post(f"{p}/followups", OPERATOR, {"message": "beres"})
    api.post(f"{p}/approve", SUPERVISOR, {"note": "OK, sudah dicek"})
    api.post(f"{p}/rating", CITIZEN, {"stars": 2, "comment": "Petugas Budi kasar"})
    for who in (CITIZEN, OPERATOR, INSPECTOR):
        assert {e["type"]: e for e in timeline(api, cid, who)}["rated"]["note"] == "Petugas Budi kasar"
        assert api.get(p, who)[1]["rating"]["comment"] == "Petugas Budi kasar"
    other = timeline(api, cid, CITIZEN_2)
    assert "Petugas Budi" not in json.dumps(other) and "OK, sudah dicek" not in json.dumps(other)
    complaint = api.get(p, CITIZEN_2)[1]
    assert complaint["rating"] is None and complaint["reporter"] is None and complaint["assignee"] is None
    assert complaint["title"] == "NIB tidak terbit"            # the reporter made it public
    assert {e["type"]: e for e in timeline(api, cid, CITIZEN)}["approved"]["note"] is None


def test_every_event_has_a_label_in_the_callers_language(api):
    cid = worked(api)
    indonesian = timeline(api, cid, OPERATOR)
    english = timeline(api, cid, OPERATOR, lang="en-US,en;q=0.9")
    assert [e["type"] for e in indonesian] == [e["type"] for e in english]
    for id_, en in zip(indonesian, english, strict=True):
        assert id_["label"] and en["label"] and id_["label"] != en["label"]
        assert id_["type"] not in id_["label"] and "_" not in id_["label"]    # never a code
    assert indonesian[0]["label"] == "Aduan diajukan" and english[0]["label"] == "Complaint submitted"
    assert timeline(api, cid, CITIZEN, lang="id")[0]["label"] == "Aduan diajukan"


def test_every_field_of_the_complaint_view_has_an_owner_in_the_policy(api):
    from chalicelib.domain.policy import COMPLAINT_FIELDS
    c = file(api)
    assert set(c) == set(COMPLAINT_FIELDS)      # a new field shows as null until the policy names who reads it
