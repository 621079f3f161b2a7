"""Logs, metrics and request context for the deployed Lambdas: stdlib only, ~1 ms to import.

Why not Powertools: its Logger/Metrics/Tracer cost ~45 ms of cold start (STACK-NOTES) for three
things this module does in a page. Tracing is Lambda's and API Gateway's own X-Ray switch, set per
stage (`xray` in .chalice/config.json); no SDK is imported.

* Logs: one JSON object per line on stdout, with `request_id` (API Gateway's), `lambda_request_id`,
  `complaint_id`, `route`, `stage` taken from a context set per request / stream record / sweep.
  No personal data: extra fields with a personal name (name, phone, NIK, description, message …)
  are dropped, and an exception is logged as its type and stack frames; its message, which may
  quote input, only at DEBUG (the dev stage).
* Metrics: CloudWatch Embedded Metric Format, written as a log line (namespace `LampungIn`,
  dimension `Stage`): ComplaintsFiled, ClocksMissed, SanctionsIssued, WarningsSent,
  SweepClockErrors, StreamRecordsFailed. The alarms in infra/ read SweepClockErrors.
* Every line and every metric carries the rules bundle's version (`rules_version`, read at start
  from the one-line `chalicelib/rules/bundle/version` that `rules build` writes beside the bundle,
  so the bundle itself is not parsed at import) and the fields Powertools' Logger would give:
  `service`, `function_name`, `cold_start` (the first invocation of this process) and
  `xray_trace_id` (the Root of Lambda's `_X_AMZN_TRACE_ID`, per invocation).
* Stage `local` (the dev stack and the tests) keeps Chalice's plain log format and writes no
  metrics, so `make run` stays readable.
"""
from __future__ import annotations

import contextvars
import json
import logging
import os
import sys
import time
import traceback
from collections.abc import Mapping
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from types import MappingProxyType
from typing import Any

NAMESPACE = "LampungIn"
METRICS_LOGGER = "lampungin.metrics"
PERSONAL = frozenset({"name", "phone", "phone_number", "nik", "email", "description", "message",
                      "title", "address", "location", "lat", "lon", "comment", "reason", "question",
                      "note", "body", "text", "reporter", "authorization", "token", "headers"})
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}
_context: contextvars.ContextVar[Mapping[str, Any]] = contextvars.ContextVar(
    "lampungin_log_context", default=MappingProxyType({}))      # read-only: each scope sets a new one
_state: dict[str, Any] = {"stage": None, "rules_version": None, "cold": True}
SERVICE = "lampungin"
RULES_VERSION_FILE = Path(__file__).resolve().parents[1] / "rules" / "bundle" / "version"


def read_rules_version(path: Path = RULES_VERSION_FILE) -> str | None:
    try:
        return path.read_text(encoding="ascii").strip()[:64] or None
    except (OSError, UnicodeDecodeError):
        return None


def xray_trace_id() -> str | None:
    """The Root of the trace header Lambda sets per invocation (`Root=1-…;Parent=…;Sampled=1`)."""
    header = os.environ.get("_X_AMZN_TRACE_ID") or ""
    for part in header.split(";"):
        key, _, value = part.partition("=")
        if key.strip() == "Root" and value:
            return value.strip()
    return None


def invocation_fields() -> dict:
    """cold_start for this invocation (True once per process), and the trace id."""
    cold, _state["cold"] = _state["cold"], False
    return {"cold_start": cold, "xray_trace_id": xray_trace_id()}


@contextmanager
def log_context(**fields):
    """Fields added to every log line (and metric) inside the block; None values are skipped."""
    token = _context.set({**_context.get(), **{k: v for k, v in fields.items() if v is not None}})
    try:
        yield
    finally:
        _context.reset(token)


def scrub(value, depth: int = 0):
    if isinstance(value, dict):
        return {k: scrub(v, depth + 1) for k, v in value.items() if str(k).lower() not in PERSONAL}
    if isinstance(value, (list, tuple)) and depth < 4:
        return [scrub(v, depth + 1) for v in value]
    return value


class JsonFormatter(logging.Formatter):
    def __init__(self, stage: str, *, error_messages: bool = False):
        super().__init__()
        self.stage, self.error_messages = stage, error_messages

    def format(self, record: logging.LogRecord) -> str:
        extra = {key: value for key, value in record.__dict__.items()
                 if (key not in _STANDARD and not key.startswith("_")) or key == "_aws"}
        doc = {"timestamp": datetime.fromtimestamp(record.created, timezone.utc)
               .isoformat(timespec="milliseconds").replace("+00:00", "Z"),
               "level": record.levelname, "logger": record.name, "message": record.getMessage(),
               "stage": self.stage, "service": SERVICE, "function_name": os.environ.get("AWS_LAMBDA_FUNCTION_NAME"),
               "rules_version": _state["rules_version"], **_context.get(),
               **{k: v for k, v in scrub(extra).items() if v is not None}}
        if record.exc_info and record.exc_info[0] is not None:
            doc["error"] = self.error(record.exc_info)
        return json.dumps({k: v for k, v in doc.items() if v is not None}, default=str, ensure_ascii=False)

    def error(self, exc_info) -> dict:
        kind, exc, tb = exc_info
        frames = [f"{'/'.join(f.filename.split('/')[-2:])}:{f.lineno} {f.name}"
                  for f in traceback.extract_tb(tb)][-12:]
        out = {"type": f"{kind.__module__}.{kind.__qualname__}", "stack": frames}
        if self.error_messages:
            out["detail"] = str(exc)[:2000]
        return out


def configure(app_log: logging.Logger, settings, rules_version: str | None = None) -> bool:
    """Switch the app's logger ("lampungin", Chalice's) to JSON at LOG_LEVEL; metrics on.
    Does nothing for the local stage. Returns whether it switched."""
    if settings.stage == "local":
        return False
    level = logging.getLevelName(str(settings.log_level).upper())
    level = level if isinstance(level, int) else logging.INFO
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter(settings.stage, error_messages=level <= logging.DEBUG))
    for old in list(app_log.handlers):
        app_log.removeHandler(old)
    app_log.addHandler(handler)
    app_log.setLevel(level)
    app_log.propagate = False
    logging.getLogger(METRICS_LOGGER).setLevel(logging.INFO)   # metrics whatever LOG_LEVEL says
    _state["stage"] = settings.stage
    _state["rules_version"] = rules_version or read_rules_version()
    return True


def put_metrics(values: dict, unit: str = "Count") -> None:
    """One EMF document with these metrics, dimension Stage; nothing when not configured."""
    stage = _state["stage"]
    values = {k: v for k, v in values.items() if v is not None}
    if stage is None or not values:
        return
    emf = {"Timestamp": int(time.time() * 1000), "CloudWatchMetrics": [{
        "Namespace": NAMESPACE, "Dimensions": [["Stage"]],
        "Metrics": [{"Name": name, "Unit": unit} for name in values]}]}
    # RulesVersion is a property, not a dimension: searchable in Logs Insights, no new metric series
    logging.getLogger(METRICS_LOGGER).info("metrics", extra={"_aws": emf, "Stage": stage,
                                                             "RulesVersion": _state["rules_version"], **values})


# --- the three kinds of invocation --------------------------------------------------------------
log = logging.getLogger("lampungin.api")


def observe_request(request, get_response):
    """Chalice http middleware: context for the request's log lines, one access line (no query,
    no body), X-Request-Id on the response, and ComplaintsFiled for a new complaint."""
    ctx = getattr(request, "context", None) or {}
    lambda_ctx = getattr(request, "lambda_context", None)
    request_id = ctx.get("requestId") or getattr(lambda_ctx, "aws_request_id", None)
    route = ctx.get("resourcePath")
    started = time.perf_counter()
    with log_context(request_id=request_id, route=route, method=request.method, **invocation_fields(),
                     lambda_request_id=getattr(lambda_ctx, "aws_request_id", None),
                     complaint_id=(request.uri_params or {}).get("complaint_id")):
        response = get_response(request)
        try:                                   # telemetry never turns an answer into a 500
            _after_request(request, response, route, request_id, started)
        except Exception:
            log.warning("request telemetry failed", exc_info=True)
    return response


def _after_request(request, response, route, request_id, started) -> None:
    headers = response.headers if response.headers is not None else {}
    filed = None
    if (request.method == "POST" and route == "/v1/complaints" and response.status_code == 201
            and "Idempotent-Replayed" not in headers):
        filed = str(headers.get("Location", "")).rsplit("/", 1)[-1] or None
        with log_context(complaint_id=filed):
            put_metrics({"ComplaintsFiled": 1})
    log.info("request", extra={"status": response.status_code, "new_complaint_id": filed,
                               "latency_ms": round((time.perf_counter() - started) * 1000, 1)})
    if request_id:
        headers.setdefault("X-Request-Id", request_id)
        response.headers = headers


@contextmanager
def invocation(lambda_context, **fields):
    """Context for a stream batch or a sweep: the Lambda request id and what the caller adds."""
    with log_context(lambda_request_id=getattr(lambda_context, "aws_request_id", None), **invocation_fields(),
                     **fields):
        yield


def sweep_metrics(report: dict) -> None:
    put_metrics({"ClocksMissed": report.get("clocks_missed", 0),
                 "SanctionsIssued": report.get("sanctions_issued", 0),
                 "WarningsSent": report.get("warnings_sent", 0),
                 "SweepClockErrors": len(report.get("errors") or ()),
                 "SweepIncomplete": 0 if report.get("complete", True) else 1})
