"""Issue 13's "How it is checked", over real HTTP on `lampungin dev` (what `make run` starts): a
province supervisor forwards a complaint to the onboarded Kota Bandar Lampung; it appears in the
city's operator queue with a fresh clock under the city's rules (12 hours, rules/governments/
BANDARLAMPUNG/parameters); left alone, `lampungin sweep --at` sanctions the city's desk; a
province operator cannot see it, a province inspector and the city's inspector can; forwarding to a
government that is not onboarded still ends in `forwarded`; the citizen is told where it went."""
from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest

from chalicelib.domain.times import from_storage
from tests.e2e.test_dev_stack import cli, wait_for

pytestmark = pytest.mark.slow

CITY, CITY_OPD = "BANDARLAMPUNG", "BANDARLAMPUNG.DPMPTSP"
NIB = {"category": "izin-berusaha", "title": "NIB saya belum terbit",
       "description": "Permohonan NIB usaha mikro sudah tiga minggu tanpa kabar.", "anonymous": False}


def token(stack, *args: str) -> dict:
    done = cli(stack.home, "token", *args)
    assert done.returncode == 0, done.stderr
    return {"Authorization": f"Bearer {done.stdout.strip()}"}


def file(stack, citizen) -> dict:
    return stack.call("POST", "/v1/complaints", {**citizen, "Idempotency-Key": uuid.uuid4().hex}, NIB, expect=201)


def test_a_forward_to_an_onboarded_city_lands_there_and_is_swept_by_its_rules(stack):
    citizen = token(stack, "--sub", "warga-kota", "--role", "citizen")
    supervisor = token(stack, "--sub", "supervisor.dpmptsp", "--role", "supervisor", "--opd", "DPMPTSP")
    province_operator = token(stack, "--sub", "operator.dpmptsp", "--role", "operator", "--opd", "DPMPTSP")
    city_operator = token(stack, "--sub", "operator.bandarlampung.dpmptsp", "--role", "operator", "--opd", CITY_OPD)
    inspector = token(stack, "--sub", "inspektorat", "--role", "inspector")
    city_inspector = token(stack, "--sub", "inspektorat.bandarlampung", "--role", "inspector",
                           "--government", CITY)
    created = file(stack, citizen)
    assert (created["opd"], created["government"]) == ("DPMPTSP", "LAMPUNG")
    path = f"/v1/complaints/{created['id']}"

    landed = stack.call("POST", f"{path}/forward", supervisor,
                        {"jurisdiction": CITY, "reason": "Izin usaha mikro kewenangan kota."})
    assert (landed["status"], landed["opd"], landed["government"]) == ("assigned", CITY_OPD, CITY)
    handed_at = from_storage(landed["updated_at"])
    assert from_storage(landed["deadlines"]["followup_due"]) == handed_at + timedelta(hours=12)

    queue = stack.call("GET", "/v1/complaints", city_operator)["items"]
    assert [c["id"] for c in queue] == [created["id"]]
    assert created["id"] not in [c["id"] for c in stack.call("GET", "/v1/complaints", province_operator)["items"]]
    stack.call("GET", path, province_operator, expect=404)
    assert stack.call("GET", path, inspector)["government"] == CITY
    assert stack.call("GET", path, city_inspector)["opd"] == CITY_OPD
    assert stack.call("GET", path, citizen)["opd"] == CITY_OPD           # one complaint throughout

    assert wait_for(lambda: stack.dev_json().get("stream:complaint_changes", {}).get("records_processed", 0) >= 2)
    at = (handed_at + timedelta(hours=13)).isoformat()    # past the city's 12 hours, inside the province's 24

    def swept():
        done = cli(stack.home, "sweep", "--at", at)
        assert done.returncode == 0, done.stderr
        return stack.call("GET", f"/v1/sanctions?complaint={created['id']}", city_inspector)["items"]
    found = wait_for(swept, timeout=20)
    assert [(s["subject_type"], s["subject_id"], s["opd"], s["clock"]) for s in found] == [
        ("operator", f"{CITY_OPD}:desk", CITY_OPD, "followup")]
    assert found[0]["hours_late"] == 1.0
    assert stack.call("GET", "/v1/sanctions?opd=DPMPTSP", city_inspector, expect=403)

    def told():
        outbox = [json.loads(line) for line in (stack.home / "outbox.jsonl").read_text().splitlines()]
        return [m for m in outbox if m["complaint_id"] == created["id"] and m["type"] == "citizen.handed_over"]
    [message] = wait_for(told, timeout=20)
    assert message["recipient"] == "warga-kota" and "Kota Bandar Lampung" in json.dumps(message)


def test_a_forward_to_a_government_not_onboarded_still_ends_in_forwarded(stack):
    citizen = token(stack, "--sub", "warga-lambar", "--role", "citizen")
    supervisor = token(stack, "--sub", "supervisor.dpmptsp", "--role", "supervisor", "--opd", "DPMPTSP")
    created = file(stack, citizen)
    done = stack.call("POST", f"/v1/complaints/{created['id']}/forward", supervisor,
                      {"jurisdiction": "LAMBAR", "reason": "Kewenangan kabupaten."})
    assert (done["status"], done["jurisdiction"], done["government"]) == ("forwarded", "LAMBAR", "LAMPUNG")
    governments = {g["code"]: g["onboarded"] for g in stack.call("GET", "/v1/governments", {})}
    assert governments["LAMBAR"] is False and governments[CITY] is True
