"""The local stand-in for EventBridge schedules (lampungin/localstack/scheduler.py) and the
small pieces of the local stack that need no servers: record shape, dev.json, keys and tokens."""
from __future__ import annotations

import threading
from datetime import datetime, timezone
from types import SimpleNamespace

import jwt
import pytest
from chalice import Chalice, Cron, Rate

from lampungin import sweep as sweep_cmd
from lampungin import tokens
from lampungin.localstack import keys, state
from lampungin.localstack.records import lambda_record
from lampungin.localstack.scheduler import Scheduler, rate_seconds, scheduled_event, schedules_of

AT = datetime(2026, 3, 2, 1, 0, 30, 123456, tzinfo=timezone.utc)


def test_the_rate_is_read_from_the_app_object():
    app = Chalice("t")

    @app.schedule(Rate(5, unit=Rate.MINUTES), name="sweep")
    def sweep(event):
        return {"sanctions_issued": 0}

    @app.schedule(Cron(0, 1, "*", "*", "?", "*"))
    def nightly(event):
        return None

    by_name = {s.name: s for s in schedules_of(app)}
    assert rate_seconds(by_name["sweep"].schedule_expression) == 300
    assert rate_seconds(by_name["nightly"].schedule_expression) is None   # cron: not fired
    assert rate_seconds("rate(1 hour)") == 3600


def test_the_event_is_what_eventbridge_sends():
    event = scheduled_event("sweep", AT, "ap-southeast-3")
    assert event["detail-type"] == "Scheduled Event" and event["source"] == "aws.events"
    assert event["time"] == "2026-03-02T01:00:30Z"
    assert event["resources"][0].endswith(":rule/sweep") and event["detail"] == {}


def test_a_failing_run_is_counted_not_fatal_and_the_timer_keeps_going():
    runs = []

    def handler(event):
        runs.append(event["time"])
        if len(runs) == 1:
            raise RuntimeError("store down")
        return {"sanctions_issued": 2}

    stats = []
    scheduler = Scheduler("sweep", handler, 0.05, now=lambda: AT, on_stats=stats.append)
    stop = threading.Event()
    thread = threading.Thread(target=scheduler.run, args=(stop,))
    thread.start()
    try:
        for _ in range(100):
            if len(runs) >= 3:
                break
            stop.wait(0.02)
    finally:
        stop.set()
        thread.join(2)
    assert not thread.is_alive() and len(runs) >= 3
    assert stats[0]["errors"] == 1 and "store down" in stats[0]["last_error"]
    assert stats[-1]["last_result"] == {"sanctions_issued": 2}


def test_records_get_lambdas_arn_region_and_epoch_seconds():
    raw = {"eventName": "INSERT", "awsRegion": "us-east-1", "eventVersion": "1.0",
           "dynamodb": {"ApproximateCreationDateTime": AT, "Keys": {"id": {"S": "x"}},
                        "SequenceNumber": "7", "SizeBytes": 1, "StreamViewType": "NEW_IMAGE"}}
    arn = "arn:aws:dynamodb:ap-southeast-3:123456789012:table/t/stream/label"
    rec = lambda_record(raw, arn)
    assert rec["eventSourceARN"] == arn and rec["awsRegion"] == "ap-southeast-3"
    assert rec["dynamodb"]["ApproximateCreationDateTime"] == int(AT.timestamp())
    assert raw["awsRegion"] == "us-east-1"                      # the input is left alone


def test_dev_json_is_only_read_while_its_process_lives(tmp_path):
    with pytest.raises(state.StackNotRunning, match="no local stack"):
        state.read_dev_state(tmp_path)
    dev = state.DevState(tmp_path, {"pid": 2 ** 22 + 12345, "api": "http://x"})
    dev.write()
    with pytest.raises(state.StackNotRunning, match="no longer running"):
        state.read_dev_state(tmp_path)
    dev.remove()
    dev.update("stream", {"invocations": 1})                   # late stats: no resurrection
    assert not (tmp_path / state.DEV_FILE).exists()


def _args(**kw):
    base = {"sub": "u1", "role": "citizen", "opd": None, "name": None, "ttl": 60, "state_dir": None}
    return SimpleNamespace(**{**base, **kw})


def test_a_token_verifies_against_the_jwks_the_stack_serves(tmp_path):
    token = keys.mint_token(tmp_path, {"sub": "u1", "role": "operator", "opd": "X"}, 60)
    info = keys.ensure_keys(tmp_path)                           # dev started later: same key
    jwk = jwt.PyJWKSet.from_json((tmp_path / "auth" / "jwks.json").read_text()).keys[0]
    assert jwt.get_unverified_header(token)["kid"] == info["kid"] == jwk.key_id
    claims = jwt.decode(token, jwk.key, algorithms=["RS256"], issuer=keys.LOCAL_ISSUER)
    assert claims["role"] == "operator" and claims["exp"] - claims["iat"] == 60


@pytest.mark.parametrize("kw, message", [
    ({"role": "mayor"}, "--role must be one of"),
    ({"role": "operator"}, "--opd CODE is required"),
    ({"role": "supervisor", "opd": ""}, "--opd CODE is required"),
    ({"ttl": 0}, "--ttl"),
])
def test_bad_token_requests_get_one_clear_line(kw, message):
    with pytest.raises(ValueError, match=message):
        tokens.claims_from(_args(**kw))


def test_a_token_command_exits_2_on_a_bad_role(tmp_path, capsys):
    assert tokens.run(_args(role="mayor", state_dir=str(tmp_path))) == 2
    err = capsys.readouterr().err
    assert err.startswith("lampungin token: ") and err.count("\n") == 1


@pytest.mark.parametrize("text, expected", [
    ("2026-03-02T08:00:00+07:00", datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)),
    ("2026-03-02T01:00:00Z", datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)),
    ("2026-03-02T01:00:00", datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)),   # no offset: UTC
])
def test_sweep_at_is_read_as_utc(text, expected):
    assert sweep_cmd.parse_at(text) == expected


@pytest.mark.parametrize("text", [
    "9999-12-31T23:59:59-14:00",        # overflows datetime once in UTC
    "0001-01-01T00:00:00+14:00",
    "2026-03-0٢T08:00:00",              # a non-ASCII digit
    "2026-02-30T08:00:00", "monday", "2026-03-02T08:00:00" + "0" * 5000,
])
def test_an_impossible_sweep_at_is_one_line_and_exit_2_never_a_traceback(text, tmp_path, capsys):
    with pytest.raises(ValueError, match=r"^--at '"):
        sweep_cmd.parse_at(text)
    args = SimpleNamespace(at=text, state_dir=str(tmp_path), from_env=False)
    assert sweep_cmd.run(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("lampungin sweep: --at ") and err.count("\n") == 1 and len(err) < 300
    assert "Traceback" not in err


def test_a_sweep_without_a_running_stack_says_what_to_do(tmp_path, capsys):
    args = SimpleNamespace(at=None, state_dir=str(tmp_path), from_env=False)
    assert sweep_cmd.run(args) == 1
    assert "no local stack is running" in capsys.readouterr().err
    assert sweep_cmd.run(SimpleNamespace(at="monday", state_dir=str(tmp_path), from_env=False)) == 2


# --- issue 10: the local HTTP server takes a burst of new connections --------------------------------
def test_the_local_server_answers_50_simultaneous_new_connections_without_a_reset_or_a_retry():
    """socketserver's listen backlog of 5 dropped or reset the connections of a burst (STACK-NOTES:
    resets from about 20); a dropped SYN is retried after a second, so with a backlog of 5 the
    slowest of 50 took over 4 s here, with 128 about 0.1 s. Every connection must be answered, none
    reset, the slowest in well under the one-second SYN retry. 127.0.0.1 only; bounded in time."""
    import socket
    import time
    from pathlib import Path

    from app import app
    from chalicelib.rules.bundle import load_bundle
    from chalicelib.wiring import container
    from lampungin.localstack.httpserver import LISTEN_BACKLOG, ApiServer, chalice_config

    assert LISTEN_BACKLOG >= 50
    container.override(rules=load_bundle(check=False))
    server = ApiServer(app, chalice_config(Path(__file__).resolve().parents[2]), "127.0.0.1", 0)
    server.start()
    n, barrier, results = 50, threading.Barrier(50, timeout=10), []

    def one():
        with socket.socket() as s:
            s.settimeout(10)
            barrier.wait()
            started = time.monotonic()
            try:
                s.connect((server.host, server.port))
                s.sendall(b"GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                data = b""
                while chunk := s.recv(65536):
                    data += chunk
                results.append((data.split(b"\r\n", 1)[0], time.monotonic() - started))
            except OSError as exc:            # ConnectionResetError, refused, timeout
                results.append((type(exc).__name__.encode(), time.monotonic() - started))

    threads = [threading.Thread(target=one) for _ in range(n)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(20)
    finally:
        server.stop()
        container.reset()
    assert [r[0] for r in results] == [b"HTTP/1.1 200 OK"] * n
    assert max(r[1] for r in results) < 0.9, sorted(round(r[1], 2) for r in results)[-5:]
