"""GIVEN a deployed stage's logging (JSON + EMF metrics, chalicelib/adapters/telemetry.py), WHEN
complaints are filed, stream records fail and the sweep sanctions, THEN every line is JSON with
the request and complaint ids, the three business metrics are emitted, and no personal data —
name, phone, NIK, message text — reaches the logs."""
from __future__ import annotations

import io
import json
import logging
from datetime import timedelta
from types import SimpleNamespace

import pytest

from app import app
from chalicelib.adapters import telemetry
from tests.app.conftest import CITIZEN
from tests.app.test_complaint_flow import NEW, file
from tests.app.test_sanctions_api import invoke, scheduled, stream_event

NIK, PHONE, NAME = "1871012345670001", "0812-3456-7890", "Siti Rahayu Binti Ahmad"
PERSONAL: dict = {**NEW, "title": f"Aduan {NAME}",
                   "description": f"Saya {NAME}, NIK {NIK}, telp {PHONE}: NIB belum terbit."}


@pytest.fixture
def logs():
    """Configure telemetry as on a deployed stage; collect what it writes; restore after."""
    app_log, metrics = app.log, logging.getLogger(telemetry.METRICS_LOGGER)
    saved = (list(app_log.handlers), app_log.level, app_log.propagate, metrics.level,
             dict(telemetry._state))
    assert telemetry.configure(app_log, SimpleNamespace(stage="test", log_level="INFO"))
    out = io.StringIO()
    app_log.handlers[0].setStream(out)

    def lines():
        return [json.loads(line) for line in out.getvalue().splitlines()]
    lines.text = out.getvalue
    yield lines
    app_log.handlers[:] = saved[0]
    app_log.setLevel(saved[1])
    app_log.propagate = saved[2]
    metrics.setLevel(saved[3])
    telemetry._state.clear()
    telemetry._state.update(saved[4])


def metric(lines, name):
    docs = [d for d in lines if name in d]
    for d in docs:
        (directive,) = d["_aws"]["CloudWatchMetrics"]
        assert directive["Namespace"] == "LampungIn" and directive["Dimensions"] == [["Stage"]]
        assert name in {m["Name"] for m in directive["Metrics"]} and d["Stage"] == "test"
    return [d[name] for d in docs]


def assert_no_personal_data(text: str):
    for secret in (NIK, PHONE, NAME, "Siti", PERSONAL["description"][:20]):
        assert secret not in text


def test_filing_logs_json_with_ids_and_counts_a_complaint_without_personal_data(api, logs):
    status, body = api.post("/v1/complaints", CITIZEN, PERSONAL, headers={"Idempotency-Key": "k-1"})
    assert status == 201
    api.post("/v1/complaints", CITIZEN, PERSONAL, headers={"Idempotency-Key": "k-1"})   # a replay
    api.get(f"/v1/complaints/{body['id']}", CITIZEN)
    lines = logs()
    requests = [d for d in lines if d["message"] == "request"]
    assert [(d["method"], d["route"], d["status"]) for d in requests] == [
        ("POST", "/v1/complaints", 201), ("POST", "/v1/complaints", 201),
        ("GET", "/v1/complaints/{complaint_id}", 200)]
    assert requests[0]["new_complaint_id"] == body["id"] and requests[2]["complaint_id"] == body["id"]
    assert all(d["stage"] == "test" and d["level"] == "INFO" and d["latency_ms"] >= 0 for d in requests)
    assert metric(lines, "ComplaintsFiled") == [1]           # the replay is not a second complaint
    assert_no_personal_data(logs.text())


def test_a_failing_stream_record_names_its_complaint_but_not_the_error_text(api, logs, repo):
    cid = file(api)["id"]

    def broken(complaint_id):
        raise ValueError(f"cannot parse {NAME} {PHONE}")
    repo.timeline = broken
    assert invoke(api, "complaint_changes", stream_event(cid)) == {
        "batchItemFailures": [{"itemIdentifier": "100"}]}
    lines = logs()
    (failed,) = [d for d in lines if d["message"] == "stream record failed"]
    assert failed["complaint_id"] == cid and failed["sequence_number"] == "100"
    assert failed["level"] == "ERROR" and failed["error"]["type"] == "builtins.ValueError"
    assert failed["error"]["stack"] and "detail" not in failed["error"]
    assert metric(lines, "StreamRecordsFailed") == [1]
    assert_no_personal_data(logs.text())


def test_the_sweep_counts_missed_clocks_and_sanctions(api, clock, logs):
    cids = [file(api)["id"], file(api)["id"]]
    assert invoke(api, "complaint_changes", stream_event(*cids)) == {"batchItemFailures": []}
    report = invoke(api, "sweep", scheduled((clock.at + timedelta(hours=25)).isoformat()))
    again = invoke(api, "sweep", scheduled((clock.at + timedelta(hours=26)).isoformat()))
    lines = logs()
    assert metric(lines, "ClocksMissed") == [2, 0]
    assert metric(lines, "SanctionsIssued") == [report["sanctions_issued"], again["sanctions_issued"]]
    assert metric(lines, "SweepClockErrors") == [0, 0]
    assert report["sanctions_issued"] == 2


def test_local_stage_keeps_chalice_logging_and_writes_no_metrics():
    assert telemetry.configure(logging.getLogger("lampungin-test-local"),
                               SimpleNamespace(stage="local", log_level="DEBUG")) is False
    telemetry.put_metrics({"ComplaintsFiled": 1})            # not configured: a no-op


def test_debug_level_keeps_the_exception_text_for_developers():
    formatter = telemetry.JsonFormatter("dev", error_messages=True)
    try:
        raise KeyError("kid")
    except KeyError:
        record = logging.getLogger("x").makeRecord("x", logging.ERROR, __file__, 1, "boom", (),
                                                   __import__("sys").exc_info(),
                                                   extra={"phone": PHONE, "rule_id": "r1"})
    doc = json.loads(formatter.format(record))
    assert doc["error"]["detail"] == "'kid'" and doc["rule_id"] == "r1" and "phone" not in doc


def test_every_line_and_metric_names_the_rules_version_and_the_powertools_fields(api, logs, monkeypatch):
    from chalicelib.rules.bundle import load_bundle
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "lampungin-test")
    monkeypatch.setenv("_X_AMZN_TRACE_ID", "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1")
    telemetry._state["cold"] = True                     # as in a fresh Lambda process
    file(api)
    api.get("/v1/categories")
    lines = logs()
    version = load_bundle().version
    assert telemetry.read_rules_version() == version    # `rules build` wrote it beside the bundle
    assert lines and all(d["rules_version"] == version and d["service"] == "lampungin" and
                         d["function_name"] == "lampungin-test" for d in lines)
    requests = [d for d in lines if d["message"] == "request"]
    assert [d["cold_start"] for d in requests] == [True, False]
    assert all(d["xray_trace_id"] == "1-5759e988-bd862e3fe1be46a994272793" for d in requests)
    assert [d["RulesVersion"] for d in lines if "ComplaintsFiled" in d] == [version]


def test_a_missing_or_broken_version_file_leaves_the_field_out(tmp_path):
    assert telemetry.read_rules_version(tmp_path / "nothing") is None
    (tmp_path / "v").write_bytes(b"\xff\xfe")
    assert telemetry.read_rules_version(tmp_path / "v") is None
    assert telemetry.xray_trace_id() is None or telemetry.xray_trace_id().startswith("1-")
