"""Everyone in the loop (CONTRACT.md, Additions: GET /v1/me/notifications): GIVEN complaints
worked through the API and their stream records and sweeps (delivered at least once), THEN each
person finds exactly the notifications meant for them, in their language, saying no more than
the timeline shows them; deliveries to the channels they chose are queued, never done in the
request path."""
from __future__ import annotations

import threading
from datetime import timedelta

from chalicelib.domain.people import Preferences
from chalicelib.handlers import on_complaint_changes, run_sweep
from chalicelib.wiring import container
from tests.app.conftest import CITIZEN, CITIZEN_2, INSPECTOR
from tests.app.test_complaint_flow import OPD, OPERATOR, SUPERVISOR, file
from tests.app.test_sanctions_api import scheduled, stream_event

HEAD = ("kepala-dpmptsp", "supervisor", OPD)


def stream(*ids):
    assert on_complaint_changes(stream_event(*ids)) == {"batchItemFailures": []}


def inbox(api, who, lang=None):
    headers = {"Accept-Language": lang} if lang else None
    status, body = api.get("/v1/me/notifications?limit=100", who, headers=headers)
    assert status == 200, body
    return body["items"]


def types(items):
    return [n["type"] for n in items]


def test_a_citizen_hears_of_each_step_in_indonesian_and_staff_of_what_concerns_them(api, clock):
    cid = file(api)["id"]
    stream(cid)
    [receipt] = inbox(api, CITIZEN)
    assert receipt["type"] == "citizen.submitted" and receipt["complaint_id"] == cid and cid in receipt["body"]
    assert receipt["read_at"] is None and receipt["at"].endswith("Z")
    assert set(types(inbox(api, OPERATOR))) == {"staff.new_complaint"}

    clock.advance(hours=1)
    api.post(f"/v1/complaints/{cid}/claim", OPERATOR)
    clock.advance(minutes=1)                  # (events of one instant have no order among them)
    api.post(f"/v1/complaints/{cid}/request-info", OPERATOR, {"question": "Mohon kirim nomor NIB usaha Anda"})
    clock.advance(minutes=1)
    api.post(f"/v1/complaints/{cid}/notes", OPERATOR, {"note": "pelapor sudah tiga kali mengadu"})
    stream(cid, cid, cid)
    asked = inbox(api, CITIZEN)[0]
    assert asked["type"] == "citizen.info_requested" and "Mohon kirim nomor NIB usaha Anda" in asked["body"]
    assert "pelapor sudah tiga kali" not in repr(inbox(api, CITIZEN))       # a staff note never reaches them
    english = inbox(api, CITIZEN, "en")[0]
    assert english["id"] == asked["id"] and english["title"] != asked["title"]

    clock.advance(minutes=1)
    api.post(f"/v1/complaints/{cid}/replies", CITIZEN, {"message": "NIB 1234567890123"})
    stream(cid)
    assert types(inbox(api, OPERATOR))[0] == "staff.citizen_replied"
    assert "NIB 1234567890123" in inbox(api, OPERATOR)[0]["body"]

    clock.advance(minutes=5)
    api.post(f"/v1/complaints/{cid}/followups", OPERATOR, {"message": "Izin sudah terbit"})
    stream(cid)
    assert "staff.followed_up" in types(inbox(api, SUPERVISOR))
    assert "staff.followed_up" not in types(inbox(api, HEAD))             # the head is told of misses
    before = len(inbox(api, CITIZEN))
    clock.advance(minutes=5)
    api.post(f"/v1/complaints/{cid}/approve", SUPERVISOR, {"note": "rapi"})
    stream(cid, cid)                                            # delivered twice: told once
    mine = inbox(api, CITIZEN)
    assert len(mine) == before + 1 and types(mine)[:2] == ["citizen.approved", "citizen.followed_up"]
    assert "Izin sudah terbit" in mine[1]["body"] and "rapi" not in mine[0]["body"]
    assert inbox(api, CITIZEN_2) == []


def test_an_anonymous_reporter_is_told_and_staff_learn_nothing_of_them(api):
    cid = file(api, anonymous=True)["id"]
    api.post(f"/v1/complaints/{cid}/claim", OPERATOR)
    api.post(f"/v1/complaints/{cid}/followups", OPERATOR, {"message": "selesai"})
    stream(cid, cid, cid)
    assert "citizen.followed_up" in types(inbox(api, CITIZEN))
    for who in (OPERATOR, SUPERVISOR, ("operator2-dpmptsp", "operator", OPD)):
        assert CITIZEN[0] not in repr(inbox(api, who))


def test_marking_read_is_the_recipients_alone(api):
    cid = file(api)["id"]
    stream(cid)
    [n] = inbox(api, CITIZEN)
    assert api.post(f"/v1/me/notifications/{n['id']}/read", CITIZEN_2)[0] == 404
    status, body = api.post(f"/v1/me/notifications/{n['id']}/read", CITIZEN)
    assert status == 200 and body["read_at"]
    assert inbox(api, CITIZEN)[0]["read_at"] == body["read_at"]
    status, body = api.post("/v1/me/notifications/ntf-nope/read", CITIZEN)
    assert status == 404 and body["error"]["code"] == "notification_not_found"
    assert api.get("/v1/me/notifications")[0] == 401
    assert api.get("/v1/me/notifications?cursor=%C2%B2", CITIZEN)[0] == 400
    assert api.get("/v1/me/notifications?limit=0", CITIZEN)[0] in (400, 422)


def test_the_chosen_channels_get_queued_deliveries_and_the_request_path_sends_nothing(api):
    container.people.put(Preferences(sub=CITIZEN[0], channels=("email", "whatsapp"), email="w@example.id",
                                     phone="+6281234567890"))
    container.override(channels={"email": object(), "whatsapp": object(), "sms": object()})
    cid = file(api)["id"]
    assert container.delivery_queue.queued == []               # filing sends nothing by itself
    stream(cid)
    stream(cid)
    queued = [(d.channel, d.recipient) for d in container.delivery_queue.queued]
    assert sorted(queued) == [("email", CITIZEN[0]), ("whatsapp", CITIZEN[0])]


def test_warnings_sanctions_and_reports_reach_their_people_once_even_with_two_sweeps(api, clock):
    cid = file(api)["id"]
    api.post(f"/v1/complaints/{cid}/claim", OPERATOR)
    stream(cid, cid)
    warn_at = (clock.at + timedelta(hours=20)).isoformat()
    run_sweep(scheduled(warn_at))
    assert types(inbox(api, OPERATOR)).count("staff.warning") == 1
    late = (clock.at + timedelta(days=6)).isoformat()
    threads = [threading.Thread(target=run_sweep, args=(scheduled(late),)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    run_sweep(scheduled(late))
    assert types(inbox(api, OPERATOR)).count("staff.sanction") == 1
    assert types(inbox(api, SUPERVISOR)).count("staff.sanction") == 1
    sanction = next(n for n in inbox(api, OPERATOR) if n["type"] == "staff.sanction")
    assert "WIB" in sanction["body"] and cid in sanction["title"] and "opd=" not in sanction["body"]
    assert all(n["type"] != "staff.report" for n in inbox(api, INSPECTOR))   # one miss is no report


def test_a_report_to_the_inspectorate_reaches_the_inspectors_and_the_opd_head(api, clock):
    ids = []
    for _ in range(3):                          # three approvals the OPD lets run out
        cid = file(api)["id"]
        api.post(f"/v1/complaints/{cid}/claim", OPERATOR)
        api.post(f"/v1/complaints/{cid}/followups", OPERATOR, {"message": "sudah ditangani"})
        ids += [cid, cid, cid]
        clock.advance(hours=1)
    stream(*ids)
    run_sweep(scheduled((clock.at + timedelta(days=5)).isoformat()))
    reports = [n for n in inbox(api, INSPECTOR) if n["type"] == "staff.report"]
    assert len(reports) == 1 and reports[0]["complaint_id"] == ids[-1]
    assert "Inspektorat" in reports[0]["body"] or "Inspektorat" in reports[0]["title"]
    assert [n["type"] for n in inbox(api, HEAD)].count("staff.report") == 1
    assert [n["type"] for n in inbox(api, HEAD)].count("staff.sanction") == 3      # the OPD's misses
    assert all(n["type"] != "staff.report" for n in inbox(api, OPERATOR))
