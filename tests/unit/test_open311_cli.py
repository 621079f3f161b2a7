"""`lampungin open311 keys add|list|revoke` on the fake key store: the key printed once and only
on stdout, the table holding no secret, bad input one line and exit 2, Indonesian by default."""
from __future__ import annotations

import io
import json
from datetime import datetime, timezone

import pytest

from lampungin import open311
from lampungin.cli import build_parser
from tests.fakes_open311 import FakeApiKeyStore

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)


def run(store, *argv: str) -> tuple[int, str, str]:
    args = build_parser().parse_args(["open311", "keys", *argv])
    out, err = io.StringIO(), io.StringIO()
    code = open311.run(args, out=out, err=err, store=store, now=NOW)
    return code, out.getvalue(), err.getvalue()


def test_add_prints_the_key_once_and_stores_only_its_hash():
    store = FakeApiKeyStore()
    code, out, err = run(store, "add", "--name", "fixmystreet", "--daily-limit", "40")
    key = out.strip()
    [record] = store.all()
    assert code == 0 and key.startswith(record.key_id + ".") and key not in err
    assert "tidak ditampilkan lagi" in err and record.key_id in err
    assert key.split(".")[1] not in repr(record)
    assert (record.client, record.daily_limit, record.created_at) == ("fixmystreet", 40, NOW)


def test_list_shows_every_key_and_revoke_ends_one():
    store = FakeApiKeyStore()
    assert run(store, "list")[1].strip() == "(belum ada kunci)"
    run(store, "add", "--name", "fixmystreet")
    run(store, "add", "--name", "jaki-bridge")
    first, second = store.all()
    code, out, _ = run(store, "revoke", "--id", first.key_id)
    assert code == 0 and first.key_id in out
    table = run(store, "list", "--lang", "en")[1].splitlines()
    assert table[0].split() == ["KEY", "ID", "APPLICATION", "CREATED", "LIMIT/DAY", "STATUS"]
    assert "active" in table[2] and "active" not in table[1]
    rows = json.loads(run(store, "list", "--json")[1])
    assert [(r["key_id"], r["revoked_at"] is not None) for r in rows] == [(first.key_id, True), (second.key_id, False)]
    code, _, err = run(store, "revoke", "--id", first.key_id)          # once only
    assert code == 1 and "tidak ada kunci aktif" in err


@pytest.mark.parametrize("argv", [("add", "--name", "Fix My Street"), ("add", "--name", "x"),
                                  ("add", "--name", "ok-app", "--daily-limit", "0"),
                                  ("add", "--name", "ok-app", "--daily-limit", "101"),
                                  ("revoke", "--id", "not-a-key"), ("revoke", "--id", "o311k" + "²" * 12)])
def test_bad_input_is_one_line_and_exit_2_and_stores_nothing(argv):
    store = FakeApiKeyStore()
    code, out, err = run(store, *argv)
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert store.all() == []


def test_an_unreachable_store_is_one_line_not_a_traceback():
    class Broken(FakeApiKeyStore):
        def all(self):
            raise ConnectionError("Could not connect to the endpoint URL: http://127.0.0.1:1\nmore")

    code, out, err = run(Broken(), "list", "--lang", "en")
    assert code == 1 and err.strip() == ("lampungin open311 keys: the key table cannot be read: "
                                         "Could not connect to the endpoint URL: http://127.0.0.1:1")


def test_without_a_running_stack_it_says_so(tmp_path):
    args = build_parser().parse_args(["open311", "keys", "list", "--state-dir", str(tmp_path)])
    err = io.StringIO()
    assert open311.run(args, out=io.StringIO(), err=err) == 1
    assert "--from-env" in err.getvalue()
