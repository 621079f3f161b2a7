"""Issue 11's checks over real HTTP on `lampungin dev`: a citizen files, an operator asks, and the
citizen finds an Indonesian notification in GET /v1/me/notifications and an e-mail in the local
SMTP sink; a follow-up and an approval bring two more; an anonymous reporter is told and staff
learn nothing of them; the sweep's warning and sanction reach their people once even when two
sweeps run at the same time; `lampungin outbox` shows every delivery."""
from __future__ import annotations

import email
import json
import threading
import uuid
from datetime import timedelta
from email import policy

import pytest

from chalicelib.domain.times import from_storage
from tests.e2e.test_dev_stack import cli, wait_for

pytestmark = pytest.mark.slow



def opd_and_category(stack):
    category = stack.call("GET", "/v1/categories", {})[0]
    return category["opd"], category["code"]


def file(stack, who, **extra):
    _, code = opd_and_category(stack)
    body = {"category": code, "title": "Izin usaha belum terbit", "description": "Tiga bulan tanpa kabar.", **extra}
    return stack.call("POST", "/v1/complaints", {**who, "Idempotency-Key": uuid.uuid4().hex}, body, expect=201)


def inbox(stack, who):
    return stack.call("GET", "/v1/me/notifications?limit=100", who)["items"]


def mails(stack):
    out = []
    for path in sorted((stack.home / "mail").glob("*.eml")):
        msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        out.append((msg["To"], str(msg["Subject"]), msg.get_body(("plain",)).get_content()))
    return out


def outbox(stack):
    path = stack.home / "outbox.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_a_citizen_is_told_in_the_app_and_by_e_mail_at_each_step(stack):
    opd, _ = opd_and_category(stack)
    low = opd.lower()
    citizen = stack.token("warga-n1", "citizen")
    operator = stack.token(f"operator.{low}", "operator", opd)
    supervisor = stack.token(f"supervisor.{low}", "supervisor", opd)
    stack.call("PUT", "/v1/me/preferences", citizen,
               {"email": "warga.n1@example.id", "channels": ["email"], "language": "id"})
    cid = file(stack, citizen)["id"]
    stack.call("POST", f"/v1/complaints/{cid}/claim", operator)
    stack.call("POST", f"/v1/complaints/{cid}/request-info", operator, {"question": "Mohon kirim nomor NIB Anda"})
    asked = wait_for(lambda: [n for n in inbox(stack, citizen) if n["type"] == "citizen.info_requested"])
    assert asked and "Mohon kirim nomor NIB Anda" in asked[0]["body"] and "aduan" in asked[0]["body"].lower()
    assert wait_for(lambda: [m for m in mails(stack) if "Mohon kirim nomor NIB Anda" in m[2]])
    assert all(to == "warga.n1@example.id" for to, _, _ in mails(stack))

    stack.call("POST", f"/v1/complaints/{cid}/replies", citizen, {"message": "NIB 9120000000001"})
    stack.call("POST", f"/v1/complaints/{cid}/followups", operator, {"message": "Izin sudah terbit di OSS"})
    stack.call("POST", f"/v1/complaints/{cid}/approve", supervisor, {"note": "baik"})

    def both():
        kinds = {n["type"] for n in inbox(stack, citizen)}
        return {"citizen.followed_up", "citizen.approved"} <= kinds and len(mails(stack)) >= 5
    assert wait_for(both, timeout=30), (inbox(stack, citizen), mails(stack))
    texts = " ".join(body for _, _, body in mails(stack))
    assert "Izin sudah terbit di OSS" in texts and "baik" not in texts.split()
    done = cli(stack.home, "outbox", "--recipient", "warga-n1")
    assert done.returncode == 0 and "surel untuk warga-n1 <warga.n1@example.id>" in done.stdout


def test_an_anonymous_reporter_is_told_and_staff_learn_nothing_of_them(stack):
    opd, _ = opd_and_category(stack)
    low = opd.lower()
    reporter = stack.token("warga-anon-7", "citizen")
    operator = stack.token(f"operator.{low}", "operator", opd)
    cid = file(stack, reporter, anonymous=True)["id"]
    stack.call("POST", f"/v1/complaints/{cid}/claim", operator)
    stack.call("POST", f"/v1/complaints/{cid}/followups", operator, {"message": "Sudah ditangani"})
    assert wait_for(lambda: [n for n in inbox(stack, reporter) if n["type"] == "citizen.followed_up"])
    supervisor = stack.token(f"supervisor.{low}", "supervisor", opd)
    assert wait_for(lambda: [n for n in inbox(stack, supervisor) if n["complaint_id"] == cid])
    for who in (operator, supervisor, stack.token(f"operator2.{low}", "operator", opd)):
        assert "warga-anon-7" not in json.dumps(inbox(stack, who))
    staff_lines = [m for m in outbox(stack) if m["complaint_id"] == cid and m["recipient"] != "warga-anon-7"]
    assert staff_lines and "warga-anon-7" not in json.dumps(staff_lines)


def test_the_sweeps_warning_and_sanction_reach_their_people_once_with_two_sweeps_at_once(stack):
    opd, _ = opd_and_category(stack)
    low = opd.lower()
    operator = stack.token(f"operator.{low}", "operator", opd)
    supervisor = stack.token(f"supervisor.{low}", "supervisor", opd)
    created = file(stack, stack.token("warga-n3", "citizen"))
    cid = created["id"]
    stack.call("POST", f"/v1/complaints/{cid}/claim", operator)
    assert wait_for(lambda: stack.call("GET", f"/v1/complaints/{cid}", operator)["deadlines"]["followup_due"])
    at = from_storage(created["created_at"])

    def two_sweeps(hours):
        when = (at + timedelta(hours=hours)).isoformat()
        results = []
        threads = [threading.Thread(target=lambda: results.append(cli(stack.home, "sweep", "--at", when)))
                   for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert all(r.returncode == 0 for r in results), [r.stderr for r in results]

    def of(who, kind):
        return [n for n in inbox(stack, who) if n["type"] == kind and n["complaint_id"] == cid]

    assert wait_for(lambda: (two_sweeps(20), of(operator, "staff.warning"))[1], timeout=30)
    two_sweeps(26)
    assert wait_for(lambda: of(supervisor, "staff.sanction"), timeout=30)
    assert len(of(operator, "staff.warning")) == 1
    assert len(of(operator, "staff.sanction")) == 1 and len(of(supervisor, "staff.sanction")) == 1
    lines = [(m["recipient"], m["type"]) for m in outbox(stack)
             if m["complaint_id"] == cid and m["type"].startswith("staff.") and m["channel"] == "in_app"
             and m["type"] != "staff.new_complaint"]
    assert sorted(lines) == sorted(set(lines)), lines            # no duplicate outbox line
