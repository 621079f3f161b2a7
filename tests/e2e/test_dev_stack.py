"""`lampungin dev` as a developer runs it: a real process, real HTTP, tokens from `lampungin
token`, the stream poller and the sweep timer running, and a clean stop on SIGTERM.

The stack gets its own state directory ($LAMPUNGIN_HOME) and a free port, so this never touches
a developer's running stack or its `.local/`.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests

from chalicelib.domain.times import from_storage

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent / "lampungin"
START_TIMEOUT = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "LAMPUNGIN_HOME": str(home)}
    return subprocess.run([str(BIN), *args], env=env, capture_output=True, text=True, timeout=60)


class Stack:
    def __init__(self, home: Path, port: int, *extra: str):
        self.home, self.port = home, port
        self.base = f"http://127.0.0.1:{port}"
        self.log = home / "dev.log"
        env = {**os.environ, "LAMPUNGIN_HOME": str(home), "LAMPUNGIN_SWEEP_SECONDS": "1"}
        env.pop("PORT", None)
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen([str(BIN), "dev", "--port", str(port), *extra], env=env,
                                         stdout=out, stderr=subprocess.STDOUT)

    def logs(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def wait_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"lampungin dev exited with {self.proc.returncode}:\n{self.logs()}")
            try:
                if requests.get(f"{self.base}/v1/health", timeout=2).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.2)
        pytest.fail(f"lampungin dev not healthy after {START_TIMEOUT}s:\n{self.logs()}")

    def dev_json(self) -> dict:
        return json.loads((self.home / "dev.json").read_text())

    def token(self, sub: str, role: str, opd: str | None = None) -> dict:
        args = ["token", "--sub", sub, "--role", role] + (["--opd", opd] if opd else [])
        done = cli(self.home, *args)
        assert done.returncode == 0, done.stderr
        return {"Authorization": f"Bearer {done.stdout.strip()}"}

    def call(self, method: str, path: str, who: dict, body=None, expect=200) -> Any:     # the JSON body
        response = requests.request(method, f"{self.base}{path}", headers=who, json=body, timeout=10)
        assert response.status_code == expect, f"{method} {path}: {response.status_code} {response.text}"
        return response.json()

    def stop(self, sig=signal.SIGTERM, timeout=10) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise



def wait_for(predicate, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    return predicate()


def file_complaint(stack: Stack, citizen: dict) -> tuple[dict, str]:
    category = stack.call("GET", "/v1/categories", {})[0]
    body = {"category": category["code"], "title": "Izin usaha belum terbit",
            "description": "Permohonan sudah tiga bulan tanpa kabar.", "anonymous": False}
    created = stack.call("POST", "/v1/complaints", {**citizen, "Idempotency-Key": uuid.uuid4().hex},
                         body, expect=201)
    assert created["status"] == "assigned" and created["opd"] == category["opd"]
    return created, category["opd"]


def test_a_complaint_goes_from_filing_to_closed_over_http(stack):
    citizen = stack.token("warga-1", "citizen")
    created, opd = file_complaint(stack, citizen)
    path = f"/v1/complaints/{created['id']}"
    operator = stack.token("op-1", "operator", opd)
    supervisor = stack.token("spv-1", "supervisor", opd)

    assert stack.call("POST", f"{path}/claim", operator, {})["assignee"] == "op-1"
    followed = stack.call("POST", f"{path}/followups", operator, {"message": "Sudah kami proses."})
    assert followed["status"] == "followed_up"
    assert stack.call("POST", f"{path}/approve", supervisor, {"note": "Sesuai."})["status"] == "resolved"
    assert stack.call("POST", f"{path}/rating", citizen, {"stars": 5})["status"] == "closed"
    assert stack.call("GET", path, citizen)["status"] == "closed"

    timeline = stack.call("GET", f"{path}/timeline", citizen)
    types = [e["type"] for e in timeline]
    expected = iter(["submitted", "claimed", "followed_up", "approved", "rated"])
    step = next(expected)
    for t in types:                  # in this order; the rules may add events in between
        if t == step:
            step = next(expected, None)
    assert step is None, types
    assert [e["at"] for e in timeline] == sorted(e["at"] for e in timeline)
    assert {"citizen", "operator", "supervisor"} <= {e["actor_role"] for e in timeline}


def test_every_change_reaches_the_stream_handler_and_nothing_is_dead_lettered(stack):
    def processed():
        return stack.dev_json().get("stream:complaint_changes", {}).get("records_processed", 0)

    before = processed()
    citizen = stack.token("warga-2", "citizen")
    created, opd = file_complaint(stack, citizen)
    operator = stack.token("op-2", "operator", opd)
    stack.call("POST", f"/v1/complaints/{created['id']}/claim", operator, {})
    assert wait_for(lambda: processed() >= before + 2), stack.dev_json()
    stats = stack.dev_json()["stream:complaint_changes"]
    assert stats["dead_lettered"] == 0, stats       # (a retried conflict is fine; a poison is not)
    dev = stack.dev_json()
    sqs = boto3.client("sqs", endpoint_url=dev["aws_endpoint"], region_name=dev["region"],
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    attrs = sqs.get_queue_attributes(QueueUrl=dev["dlq_url"], AttributeNames=["All"])["Attributes"]
    assert attrs["ApproximateNumberOfMessages"] == "0"


def test_the_sweep_runs_on_its_timer_and_on_demand(stack):
    runs = wait_for(lambda: stack.dev_json().get("schedule:sweep", {}).get("runs", 0) >= 1)
    assert runs, stack.dev_json()
    assert stack.dev_json()["schedule:sweep"]["errors"] == 0
    done = cli(stack.home, "sweep", "--at", "2030-01-01T08:00:00+07:00")
    assert done.returncode == 0, done.stderr
    [line] = done.stdout.strip().splitlines()
    assert "sanctions_issued" in json.loads(line)


def test_an_ignored_complaint_is_sanctioned_by_the_sweep_25_hours_later(stack):
    """Issue 4's promise, end to end: file, do nothing, sweep as of 25 hours later, and the
    operator sanction is visible to an inspector and sent to the outbox, once."""
    citizen = stack.token("warga-3", "citizen")
    created, opd = file_complaint(stack, citizen)
    inspector = stack.token("insp-1", "inspector")
    due = created["deadlines"]["followup_due"]
    assert due is not None
    assert wait_for(lambda: stack.dev_json().get("stream:complaint_changes", {})
                    .get("records_processed", 0) >= 1)
    created_at = from_storage(created["created_at"])
    at = (created_at + timedelta(hours=25)).isoformat()

    def sanctions():
        return stack.call("GET", f"/v1/sanctions?complaint={created['id']}", inspector)["items"]

    def swept():
        done = cli(stack.home, "sweep", "--at", at)
        assert done.returncode == 0, done.stderr
        return sanctions()
    found = wait_for(swept, timeout=20)         # the stream may need a moment to store the clock
    assert [(s["subject_type"], s["subject_id"], s["clock"], s["rule_id"]) for s in found] == [
        ("operator", f"{opd}:desk", "followup", "sanction.operator.miss")]
    assert found[0]["hours_late"] == 1.0 and found[0]["explanation"]["en"]
    again = json.loads(cli(stack.home, "sweep", "--at", at).stdout)
    assert again["sanctions_issued"] == 0 and len(sanctions()) == 1
    outbox = [json.loads(line) for line in (stack.home / "outbox.jsonl").read_text().splitlines()]
    told = sorted(m["recipient"] for m in outbox
                  if m["type"] == "staff.sanction" and m["complaint_id"] == created["id"])
    low = opd.lower()           # a desk's miss: the OPD's supervisor and its head, each once
    assert told == [f"kepala.{low}", f"supervisor.{low}"]


def test_a_token_from_another_key_is_refused(stack, tmp_path):
    stranger = cli(tmp_path, "token", "--sub", "x", "--role", "admin").stdout.strip()
    response = requests.get(f"{stack.base}/v1/complaints", timeout=10,
                            headers={"Authorization": f"Bearer {stranger}"})
    assert response.status_code == 401


def test_sigterm_stops_the_stack_cleanly(stack):
    """Last in this module: it stops the shared stack."""
    started = time.monotonic()
    assert stack.stop(signal.SIGTERM) == 0, stack.logs()
    assert time.monotonic() - started < 5
    assert not (stack.home / "dev.json").exists()
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{stack.base}/v1/health", timeout=2)
    done = cli(stack.home, "sweep")
    assert done.returncode == 1 and "no local stack is running" in done.stderr


def test_a_busy_port_gets_one_clear_line_and_exit_1(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = cli(tmp_path, "dev", "--port", str(port))
    assert done.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "dev.json").exists()
