"""Issue 18's first check, over real HTTP on `lampungin dev` (what `make run` starts): an intake
officer of the P4 desk files a complaint for a walk-in person who left only a phone number; the
person receives the complaint number and each change by SMS (the local fake Twilio); the
operator's queue shows it with channel `desk`; intake staff cannot read complaints they did not
file."""
from __future__ import annotations

import json
import re
import uuid

import pytest

from tests.e2e.test_dev_stack import cli, wait_for

pytestmark = pytest.mark.slow

WALK_IN = {"category": "izin-berusaha", "title": "NIB belum terbit",
           "description": "Datang ke loket P4: permohonan NIB usaha mikro sudah tiga minggu.", "channel": "desk",
           "contact": {"name": "Pak Darmo", "phone": "0812 7000 1234"}}


def token(stack, *args: str) -> dict:
    done = cli(stack.home, "token", *args)
    assert done.returncode == 0, done.stderr
    return {"Authorization": f"Bearer {done.stdout.strip()}"}


def sms_to(stack, number: str) -> list[str]:
    path = stack.home / "twilio" / "messages.jsonl"
    if not path.exists():
        return []
    return [m["body"] for m in map(json.loads, path.read_text(encoding="utf-8").splitlines()) if m["to"] == number]


def test_a_walk_in_person_is_filed_for_at_the_desk_and_told_by_sms(stack):
    desk = token(stack, "--sub", "petugas.p4", "--role", "intake", "--opd", "DPMPTSP")
    other_desk = token(stack, "--sub", "petugas.p4.lain", "--role", "intake", "--opd", "DPMPTSP")
    operator = token(stack, "--sub", "operator.dpmptsp", "--role", "operator", "--opd", "DPMPTSP")
    citizen = token(stack, "--sub", "warga-lain", "--role", "citizen")
    created = stack.call("POST", "/v1/complaints", {**desk, "Idempotency-Key": uuid.uuid4().hex}, WALK_IN,
                         expect=201)
    assert (created["channel"], created["filed_by"], created["opd"]) == ("desk", "petugas.p4", "DPMPTSP")

    # at filing: the complaint number to track it by, and the code to claim it with later
    filed = wait_for(lambda: (lambda m: m if len(m) >= 2 else None)(sms_to(stack, "+6281270001234")), timeout=30)
    assert len(filed) == 2 and all(created["id"] in m for m in filed)
    [code] = [c for m in filed for c in re.findall(r"kode (\d{6})", m)]

    queue = stack.call("GET", "/v1/complaints", operator)["items"]
    assert [(c["id"], c["channel"]) for c in queue if c["id"] == created["id"]] == [(created["id"], "desk")]
    stack.call("POST", f"/v1/complaints/{created['id']}/followups", operator,
               {"message": "NIB sudah diterbitkan, silakan cek di OSS."})
    told = wait_for(lambda: (lambda m: m if len(m) >= 3 else None)(sms_to(stack, "+6281270001234")), timeout=30)
    assert len(told) == 3 and created["id"] in told[-1] and "kode" not in told[-1]

    # intake staff see what they filed, and nothing else
    assert [c["id"] for c in stack.call("GET", "/v1/complaints", desk)["items"]] == [created["id"]]
    stack.call("GET", f"/v1/complaints/{created['id']}", other_desk, expect=404)
    assert stack.call("GET", "/v1/complaints", other_desk)["items"] == []
    own = stack.call("POST", "/v1/complaints", {**citizen, "Idempotency-Key": uuid.uuid4().hex},
                     {k: v for k, v in WALK_IN.items() if k not in ("channel", "contact")}, expect=201)
    assert own["channel"] == "app"
    stack.call("GET", f"/v1/complaints/{own['id']}", desk, expect=404)
    # anyone tracks it by its number
    assert stack.call("GET", f"/v1/track/{created['id']}", {})["status"] == "followed_up"

    # the person later claims it into a new citizen account with the code the first SMS carried
    darmo = token(stack, "--sub", "pak.darmo", "--role", "citizen")
    wrong = "000000" if code != "000000" else "111111"
    refused = stack.call("POST", f"/v1/complaints/{created['id']}/claim-ownership", darmo, {"code": wrong},
                         expect=422)
    assert refused["error"]["code"] == "validation_failed"
    assert [(d["code"], d["field"]) for d in refused["error"]["details"]] == [("wrong_code", "code")]
    claimed = stack.call("POST", f"/v1/complaints/{created['id']}/claim-ownership", darmo, {"code": code})
    assert (claimed["id"], claimed["channel"]) == (created["id"], "desk")
    assert [c["id"] for c in stack.call("GET", "/v1/complaints", darmo)["items"]] == [created["id"]]
    assert stack.call("GET", f"/v1/complaints/{created['id']}", darmo)["status"] == "followed_up"
    # claimed once: nobody can claim it again, not even with the right code
    stack.call("POST", f"/v1/complaints/{created['id']}/claim-ownership", citizen, {"code": code}, expect=404)
