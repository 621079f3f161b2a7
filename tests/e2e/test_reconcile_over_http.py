"""Issue 15's check of `lampungin reconcile` on `lampungin dev` (DynamoDB Local): a complaint's
clocks deleted from the store (what a lost stream record leaves: nothing) are rebuilt from its
timeline, exactly as the stream handler stored them; running it twice changes nothing and tells
nobody anything twice (docs/runbooks.md, the DLQ)."""
from __future__ import annotations

import json
import time

import boto3
import pytest

from tests.e2e.test_dev_stack import cli, file_complaint, wait_for

pytestmark = pytest.mark.slow


def store(stack):
    dev = stack.dev_json()
    return boto3.client("dynamodb", endpoint_url=dev["dynamodb_endpoint"], region_name=dev["region"],
                        aws_access_key_id="testing", aws_secret_access_key="testing"), \
        f"{dev['table_prefix']}clocks"


def clocks(stack, complaint_id: str) -> list[dict]:
    ddb, table = store(stack)
    items = ddb.query(TableName=table, KeyConditionExpression="complaint_id = :c", ConsistentRead=True,
                      ExpressionAttributeValues={":c": {"S": complaint_id}})["Items"]
    return sorted(items, key=lambda i: i["clock_key"]["S"])


def told(stack, complaint_id: str) -> list[str]:
    path = stack.home / "outbox.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    return sorted(f"{m['type']} {m['channel']} {m['notification_id']}" for m in map(json.loads, lines)
                  if m.get("complaint_id") == complaint_id)


def settled(stack, complaint_id: str) -> tuple:
    """What the outbox and the stream poller show, once two looks 1.5 s apart agree (a record
    retried after a conflict can come late)."""
    def look():
        stats = stack.dev_json().get("stream:complaint_changes", {})
        return told(stack, complaint_id), stats.get("records_processed"), stats.get("records_failed")
    last = look()
    for _ in range(20):
        time.sleep(1.5)
        now = look()
        if now == last:
            return now
        last = now
    raise AssertionError(f"the stack never settled: {last}")


def reconcile(stack, *args) -> tuple[int, dict | None, str]:
    done = cli(stack.home, "reconcile", *args)
    lines = done.stdout.strip().splitlines()
    return done.returncode, (json.loads(lines[-1]) if lines and lines[-1].startswith("{") else None), \
        done.stdout + done.stderr


def test_reconcile_rebuilds_deleted_clocks_and_running_it_twice_changes_nothing(stack):
    citizen = stack.token("warga-rekon", "citizen")
    created, opd = file_complaint(stack, citizen)
    operator = stack.token("op-rekon", "operator", opd)
    stack.call("POST", f"/v1/complaints/{created['id']}/claim", operator, {})
    stack.call("POST", f"/v1/complaints/{created['id']}/followups", operator, {"message": "Sudah kami proses."})
    # the stream has stored every change (follow-up clock settled, approval clock running, the
    # summary) and everyone who is told of the follow-up has been (the supervisor, the citizen)
    assert wait_for(lambda: sum(x.startswith(("staff.followed_up", "citizen.followed_up"))
                                for x in told(stack, created["id"])) >= 2, timeout=30), stack.logs()
    notified = settled(stack, created["id"])[0]
    before = clocks(stack, created["id"])
    assert [i["clock_key"]["S"].split("#")[0] for i in before] == ["approval", "followup", "summary"], before

    ddb, table = store(stack)
    for item in before:
        ddb.delete_item(TableName=table, Key={"complaint_id": item["complaint_id"], "clock_key": item["clock_key"]})
    assert clocks(stack, created["id"]) == []

    status, result, out = reconcile(stack, "--complaint", created["id"])
    assert status == 0 and result == {"complaints": 1, "clocks": len(before) - 1, "failed": [], "unknown": [],
                                      "dry_run": False}, out
    assert clocks(stack, created["id"]) == before                 # as the stream stored them
    status, result, out = reconcile(stack, "--complaint", created["id"], "--complaint", created["id"])
    assert status == 0 and result["complaints"] == 1, out      # named twice: done once
    assert clocks(stack, created["id"]) == before
    assert told(stack, created["id"]) == notified              # nobody told anything twice

    # every complaint changed since a time: this one among them, listed first with --dry-run
    since = created["created_at"][:19] + "Z"
    status, result, out = reconcile(stack, "--since", since, "--dry-run")
    assert status == 0 and created["id"] in out.split() and result["dry_run"], out
    status, result, out = reconcile(stack, "--since", since)
    assert status == 0 and result["complaints"] >= 1 and result["failed"] == [], out
    assert clocks(stack, created["id"]) == before and told(stack, created["id"]) == notified


@pytest.mark.parametrize("args, words", [
    ((), "--complaint ID atau --since"), (("--since", "2026-13-01"), "bukan tanggal"),
    (("--complaint", "ADU-1", "--since", "2026-12-01"), "tidak dapat dipakai bersama")])
def test_reconcile_refuses_what_it_cannot_use_in_one_line(stack, args, words):
    status, result, out = reconcile(stack, *args)
    assert status == 2 and result is None and words in out and "Traceback" not in out, out


def test_an_unknown_complaint_is_named_and_nothing_is_written_for_it(stack):
    status, result, out = reconcile(stack, "--complaint", "ADU-000000-NOTHERE")
    assert status == 0 and result == {"complaints": 0, "clocks": 0, "failed": [], "unknown": ["ADU-000000-NOTHERE"],
                                      "dry_run": False}, out
    assert clocks(stack, "ADU-000000-NOTHERE") == []
