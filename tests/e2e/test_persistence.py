"""`make run` keeps its data: on AWS's DynamoDB Local, a complaint, its clock and its sanction
survive Ctrl-C and the next start, and the stream resumes where it stopped; `--reset` wipes them
on purpose. Without Java the developer gets one clear line and a stack that works, in memory.

Each stack is a real `lampungin dev` process with its own state directory; the DynamoDB Local
download is shared through the cache (.local/cache/), so only the first run ever fetches it.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from datetime import timedelta
from pathlib import Path

import boto3
import pytest

from chalicelib.domain.times import from_storage
from lampungin.localstack import dynamodb_local as ddbl
from tests.e2e.test_dev_stack import BIN, Stack, cli, file_complaint, free_port, wait_for

pytestmark = pytest.mark.slow

INSTALL_HINTS = ("apt-get install openjdk-17-jre-headless", "brew install openjdk@17",
                 "winget install Microsoft.OpenJDK.17")


class Dev(Stack):
    """test_dev_stack's driver, with arguments and environment of our choosing."""

    def __init__(self, home: Path, *args: str, env: dict | None = None):
        self.home, self.port = home, free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = home / f"dev-{time.monotonic_ns()}.log"
        environ = {**os.environ, "LAMPUNGIN_HOME": str(home), "LAMPUNGIN_SWEEP_SECONDS": "3600",
                   **(env or {})}
        environ.pop("PORT", None)
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen([str(BIN), "dev", "--port", str(self.port), *args],
                                         env=environ, stdin=subprocess.DEVNULL, stdout=out,
                                         stderr=subprocess.STDOUT)
        try:
            self.wait_healthy()
        except BaseException:
            self.stop()
            raise

    def processed(self) -> int:
        return self.dev_json().get("stream:complaint_changes", {}).get("records_processed", 0)

    def dynamodb(self):
        dev = self.dev_json()
        return boto3.client("dynamodb", endpoint_url=dev["dynamodb_endpoint"],
                            region_name=dev["region"], aws_access_key_id="testing",
                            aws_secret_access_key="testing")

    def clocks(self, complaint_id: str) -> list[dict]:
        table = f"{self.dev_json()['table_prefix']}clocks"
        return self.dynamodb().query(
            TableName=table, KeyConditionExpression="complaint_id = :c", ConsistentRead=True,
            ExpressionAttributeValues={":c": {"S": complaint_id}})["Items"]

    def sweep(self, at: str) -> dict:
        done = cli(self.home, "sweep", "--at", at)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)


@pytest.fixture(scope="module")
def java():
    try:
        ddbl.find_java()
        ddbl.ensure_installed()
    except ddbl.Unavailable as why:
        if os.environ.get("CI"):
            pytest.fail(f"DynamoDB Local is required in CI: {why}")
        # Deliberate, as in tests/integration/conftest.py: skipped only off CI without Java.
        pytest.skip(str(why))


def test_a_complaint_its_clock_and_its_sanction_survive_a_restart_until_reset(java, tmp_path):
    first = Dev(tmp_path, "--store", "dynamodb-local")
    try:
        assert first.dev_json()["store"] == "dynamodb-local"
        citizen = first.token("warga-p", "citizen")
        created, opd = file_complaint(first, citizen)
        cid, path = created["id"], f"/v1/complaints/{created['id']}"
        operator = first.token("op-p", "operator", opd)
        first.call("POST", f"{path}/claim", operator, {})
        assert wait_for(lambda: first.processed() >= 2), first.dev_json()
        assert wait_for(lambda: first.clocks(cid)), "the stream handler stored no clock"
        at = (from_storage(created["created_at"]) + timedelta(hours=25)).isoformat()
        assert first.sweep(at)["sanctions_issued"] == 1
        clocks = first.clocks(cid)                  # as the sweep left it (settled)
        assert any("settled_at" in c for c in clocks)
        inspector = first.token("insp-p", "inspector")
        before = {"complaint": first.call("GET", path, operator),
                  "timeline": first.call("GET", f"{path}/timeline", citizen),
                  "sanctions": first.call("GET", f"/v1/sanctions?complaint={cid}", inspector)}
    finally:
        assert first.stop(signal.SIGINT) == 0, first.logs()            # Ctrl-C
    assert not (tmp_path / "dev.json").exists()
    assert (tmp_path / "dynamodb" / ddbl.DB_FILE).is_file()

    second = Dev(tmp_path)                       # the default store: DynamoDB Local, Java is here
    try:
        assert second.dev_json()["store"] == "dynamodb-local"
        after = {"complaint": second.call("GET", path, operator),
                 "timeline": second.call("GET", f"{path}/timeline", citizen),
                 "sanctions": second.call("GET", f"/v1/sanctions?complaint={cid}", inspector)}
        assert after == before
        assert after["complaint"]["status"] == "assigned" and after["complaint"]["assignee"] == "op-p"
        assert after["complaint"]["deadlines"]["followup_due"] == created["deadlines"]["followup_due"]
        assert [e["type"] for e in after["timeline"]][:2] == ["submitted", "claimed"]
        assert [s["rule_id"] for s in after["sanctions"]["items"]] == ["sanction.operator.miss"]
        assert second.clocks(cid) == clocks
        time.sleep(1.5)                          # the poller has read the stream by now ...
        assert second.processed() == 0           # ... and redelivered nothing from the last run
        second.call("POST", f"{path}/followups", operator, {"message": "Sudah diproses."})
        assert wait_for(lambda: second.processed() >= 1), second.dev_json()
        assert wait_for(lambda: any(c["clock_key"]["S"].startswith("approval") for c in second.clocks(cid)))
        assert second.processed() == 1           # only the new change, nothing lost or repeated
        assert second.sweep(at)["sanctions_issued"] == 0                 # still exactly once
    finally:
        assert second.stop(signal.SIGTERM) == 0, second.logs()

    # --reset wipes it all, but only when confirmed (nobody at a terminal: pass --yes)
    refused = subprocess.run([str(BIN), "dev", "--reset", "--port", str(free_port())],
                             env={**os.environ, "LAMPUNGIN_HOME": str(tmp_path)},
                             stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert refused.returncode == 1 and "not confirmed" in refused.stderr, refused.stderr
    assert (tmp_path / "dynamodb" / ddbl.DB_FILE).is_file()
    wiped = Dev(tmp_path, "--reset", "--yes")
    try:
        wiped.call("GET", path, citizen, expect=404)
        assert wiped.call("GET", "/v1/complaints", inspector)["items"] == []
        assert wiped.call("GET", "/v1/sanctions", inspector)["items"] == []
        assert wiped.processed() == 0
        os.kill(wiped.dev_json()["dynamodb_pid"], signal.SIGKILL)     # the store dies under it
        assert wiped.proc.wait(15) == 1
    finally:
        wiped.stop()
    assert "DynamoDB Local stopped unexpectedly" in wiped.logs()
    assert "Traceback" not in wiped.logs()


def _path_without_java() -> str:
    return os.pathsep.join(d for d in os.environ.get("PATH", "").split(os.pathsep)
                           if d and not (Path(d) / "java").exists())


def test_without_java_one_clear_line_and_a_working_memory_stack(tmp_path):
    dev = Dev(tmp_path, env={"PATH": _path_without_java(), "JAVA_HOME": ""})
    try:
        citizen = dev.token("warga-j", "citizen")
        created, _ = file_complaint(dev, citizen)
        assert dev.call("GET", f"/v1/complaints/{created['id']}", citizen)["id"] == created["id"]
        assert wait_for(lambda: dev.processed() >= 1), dev.dev_json()
        assert dev.dev_json()["store"] == "memory" and "dynamodb_endpoint" not in dev.dev_json()
    finally:
        assert dev.stop() == 0
    output = dev.log.read_text()
    [line] = [x for x in output.splitlines() if "Java" in x and "install" in x]
    assert all(hint in line for hint in INSTALL_HINTS), line
    assert "IN-MEMORY STORE" in output and "will not survive a restart" in output
    assert "Traceback" not in output
    explicit = subprocess.run(
        [str(BIN), "dev", "--store", "dynamodb-local", "--port", str(free_port())],
        env={**os.environ, "LAMPUNGIN_HOME": str(tmp_path), "PATH": _path_without_java(),
             "JAVA_HOME": ""}, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert explicit.returncode == 1 and "--store memory" in explicit.stderr
    assert "Traceback" not in explicit.stderr
