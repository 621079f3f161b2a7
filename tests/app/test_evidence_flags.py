"""Honest follow-ups over the API (issue 12 part 5): GIVEN a follow-up filed on one complaint
(the stream files its text and photos), WHEN another complaint's follow-up copies the text with a
word changed, THEN it is flagged to the supervisor on the complaint and in the approval queue
before it can be approved — and refused approval when the rules say `refuse`; a genuinely new
text is not flagged, and citizens never see the flags."""
from __future__ import annotations

import dataclasses

from chalicelib.handlers import on_complaint_changes
from chalicelib.wiring import container
from tests.app.conftest import CITIZEN
from tests.app.test_complaint_flow import OPERATOR, SUPERVISOR, file
from tests.app.test_sanctions_api import stream_event

ROAD = "Jalan berlubang di depan pasar sudah kami tambal dengan aspal baru dan sudah rata kembali."
COPY = "Jalan berlubang di depan sekolah sudah kami tambal dengan aspal baru dan sudah rata kembali."
FRESH = "Petugas sudah menghubungi pelapor dan izin usaha akan terbit minggu depan setelah verifikasi."


def followed(api, message):
    cid = file(api)["id"]
    api.post(f"/v1/complaints/{cid}/claim", OPERATOR)
    status, body = api.post(f"/v1/complaints/{cid}/followups", OPERATOR, {"message": message})
    assert status == 200, body
    assert on_complaint_changes(stream_event(cid, cid, cid)) == {"batchItemFailures": []}
    return cid


def test_a_copied_text_is_flagged_for_the_supervisor_and_a_fresh_one_is_not(api):
    first = followed(api, ROAD)
    copy = followed(api, COPY)
    fresh = followed(api, FRESH)
    [flag] = api.get(f"/v1/complaints/{copy}", SUPERVISOR)[1]["flags"]
    assert flag == {"kind": "text", "ref": "text", "matches_complaint": first, "score": 75}
    assert api.get(f"/v1/complaints/{fresh}", SUPERVISOR)[1]["flags"] == []
    queue = api.get("/v1/complaints?status=followed_up&limit=100", SUPERVISOR)[1]["items"]
    assert {c["id"]: bool(c["flags"]) for c in queue} == {first: False, copy: True, fresh: False}
    assert api.get(f"/v1/complaints/{copy}", CITIZEN)[1]["flags"] is None          # staff only
    timeline = api.get(f"/v1/complaints/{copy}/timeline", CITIZEN)[1]
    assert "flags" not in repr([e for e in timeline if e["type"] == "followed_up"])
    assert api.post(f"/v1/complaints/{copy}/approve", SUPERVISOR, {"note": "ok"})[0] == 200   # `flag`: may approve


def test_when_the_rules_say_refuse_a_flagged_follow_up_cannot_be_approved_until_redone(api):
    rules = container.rules

    class Refusing:
        def __getattr__(self, name):
            return getattr(rules, name)

        def parameter(self, name, on):
            return "refuse" if name == "evidence.action" else rules.parameter(name, on)
    container.override(rules=Refusing())
    followed(api, ROAD)
    copy = followed(api, COPY)
    status, body = api.post(f"/v1/complaints/{copy}/approve", SUPERVISOR, {"note": "ok"})
    assert status == 409 and body["error"]["code"] == "flagged_follow_up"
    assert "tidak dapat disetujui" in body["error"]["message"]
    assert api.post(f"/v1/complaints/{copy}/return", SUPERVISOR, {"reason": "foto dan teks disalin"})[0] == 200
    assert api.get(f"/v1/complaints/{copy}", SUPERVISOR)[1]["flags"] == []          # the next one is checked afresh
    api.post(f"/v1/complaints/{copy}/followups", OPERATOR, {"message": FRESH + " Bukti baru terlampir."})
    assert api.post(f"/v1/complaints/{copy}/approve", SUPERVISOR, {"note": "ok"})[0] == 200
    assert dataclasses.is_dataclass(container.deps())
