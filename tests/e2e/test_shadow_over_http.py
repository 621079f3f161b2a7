"""Shadow mode over real HTTP on `lampungin dev --shadow DIR` (what `make run SHADOW=DIR` starts):
a policy officer's proposal (follow-up within 12 hours instead of 24) runs beside the rules in
force; a complaint followed up after 13 hours is in time for the rules in force and would have been
sanctioned under the proposal: inspectors see that decision at GET /v1/sanctions/shadow, nobody is
sanctioned or told, and `lampungin sweep` reports both."""
from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest

from chalicelib.domain.times import from_storage
from tests.e2e.test_dev_stack import Stack, cli, free_port, wait_for
from tests.shadow_rules import followup_rules

pytestmark = pytest.mark.slow

NIB = {"category": "izin-berusaha", "title": "NIB saya belum terbit",
       "description": "Permohonan NIB usaha mikro sudah tiga minggu tanpa kabar.", "anonymous": False}


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    proposal = followup_rules(tmp_path_factory.mktemp("proposal"), 12)
    running = Stack(tmp_path_factory.mktemp("lampungin-home"), free_port(), "--shadow", str(proposal))
    try:
        running.wait_healthy()
        yield running
    finally:
        if running.proc.poll() is None:
            running.stop()


def token(stack, *args: str) -> dict:
    done = cli(stack.home, "token", *args)
    assert done.returncode == 0, done.stderr
    return {"Authorization": f"Bearer {done.stdout.strip()}"}


def test_inspectors_see_what_a_proposal_would_have_sanctioned_and_nothing_else_happens(stack):
    citizen = token(stack, "--sub", "warga-bayangan", "--role", "citizen")
    operator = token(stack, "--sub", "operator.dpmptsp", "--role", "operator", "--opd", "DPMPTSP")
    supervisor = token(stack, "--sub", "supervisor.dpmptsp", "--role", "supervisor", "--opd", "DPMPTSP")
    inspector = token(stack, "--sub", "inspektorat", "--role", "inspector")
    created = stack.call("POST", "/v1/complaints", {**citizen, "Idempotency-Key": uuid.uuid4().hex}, NIB, expect=201)
    followed = stack.call("POST", f"/v1/complaints/{created['id']}/followups", operator,
                          {"message": "NIB sudah diterbitkan, silakan cek OSS."})
    assert followed["status"] == "followed_up"
    assert wait_for(lambda: stack.dev_json().get("stream:complaint_changes", {}).get("records_processed", 0) >= 2)
    # followed up at once: in time for both. A second complaint, left alone, is late for the proposal only
    other = stack.call("POST", "/v1/complaints", {**citizen, "Idempotency-Key": uuid.uuid4().hex}, NIB, expect=201)
    assert wait_for(lambda: stack.dev_json().get("stream:complaint_changes", {}).get("records_processed", 0) >= 3)
    at = (from_storage(other["created_at"]) + timedelta(hours=13)).isoformat()

    def swept():
        done = cli(stack.home, "sweep", "--at", at)
        assert done.returncode == 0, done.stderr
        report = json.loads(done.stdout)
        return report if report.get("shadow", {}).get("sanctions_issued") or stack.call(
            "GET", f"/v1/sanctions/shadow?complaint={other['id']}", inspector)["items"] else None
    report = wait_for(swept, timeout=20)
    assert report["sanctions_issued"] == 0 and report["shadow"]["rules_version"]
    page = stack.call("GET", "/v1/sanctions/shadow", inspector)
    assert page["shadow_rules_version"] == report["shadow"]["rules_version"] != page["active_rules_version"]
    assert [(d["complaint_id"], d["rule_id"], d["in_active"]) for d in page["items"]] == [
        (other["id"], "sanction.operator.miss", False)]
    assert page["items"][0]["hours_late"] == 1.0
    assert stack.call("GET", "/v1/sanctions", inspector)["items"] == []
    stack.call("GET", "/v1/sanctions/shadow", supervisor, expect=403)
    outbox = stack.home / "outbox.jsonl"
    told = [json.loads(line) for line in outbox.read_text().splitlines()] if outbox.exists() else []
    assert not [m for m in told if m.get("complaint_id") == other["id"]
                and any(word in m.get("type", "") for word in ("sanction", "warning", "report"))]
