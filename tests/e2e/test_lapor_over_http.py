"""Issue 18's LAPOR! check, over real HTTP on `lampungin dev` (what `make run` starts): the local
LAPOR! (localstack/fake_lapor.py) delivers the same complaint twice; one complaint comes in, with
its LAPOR! number and channel `lapor`; the operator's follow-up goes back to the fake LAPOR!, once."""
from __future__ import annotations

import json

import pytest

from tests.e2e.test_dev_stack import cli, wait_for

pytestmark = pytest.mark.slow

DISPOSED = ("lapor", "dispose", "--tracking-id", "LAPOR-20261203-0042", "--title", "Jalan provinsi berlubang",
            "--description", "Jalan provinsi di Natar berlubang besar sejak dua bulan.", "--category",
            "jalan-provinsi", "--name", "Rahmat")


def updates(stack) -> list[dict]:
    path = stack.home / "lapor" / "updates.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def test_the_same_lapor_complaint_twice_is_one_complaint_whose_follow_up_goes_back(stack):
    operator = stack.token("operator.pupr", "operator", "BMBK")
    for _ in range(2):                       # LAPOR! sends it twice: the second a while later
        done = cli(stack.home, *DISPOSED)
        assert done.returncode == 0 and "LAPOR-20261203-0042" in done.stdout, done.stderr

    def from_lapor():
        items = [c for c in stack.call("GET", "/v1/complaints", operator)["items"] if c["channel"] == "lapor"]
        return items or None
    [complaint] = wait_for(from_lapor, timeout=30)
    assert (complaint["lapor_id"], complaint["opd"], complaint["status"]) == ("LAPOR-20261203-0042", "BMBK",
                                                                             "assigned")
    # the exchange has read both deliveries (its cursor is past them) and still one complaint
    assert wait_for(lambda: len([u for u in updates(stack) if u["status"] == "diterima"]) == 1, timeout=30), \
        (updates(stack), stack.logs())
    assert len(from_lapor() or []) == 1

    stack.call("POST", f"/v1/complaints/{complaint['id']}/followups", operator,
               {"message": "Lubang sudah ditambal pada 3 Desember, silakan dicek."})
    followed = wait_for(lambda: [u for u in updates(stack) if u["status"] == "ditindaklanjuti"] or None, timeout=30)
    assert followed, (updates(stack), stack.logs())
    [sent] = followed
    assert sent["tracking_id"] == "LAPOR-20261203-0042" and "sudah ditambal" in sent["message"]
    assert complaint["id"] in sent["message"] or complaint["id"] in sent["title"]
    shown = cli(stack.home, "lapor", "updates", "--tracking-id", "LAPOR-20261203-0042")
    assert shown.returncode == 0 and "ditindaklanjuti" in shown.stdout
