"""What every generated file and the deploy tooling agree on: the stages, the names of resources
and functions, the references templates use for them, and the stream mapping settings.

Names are deterministic (`lampungin-<stage>-<short>`), the same rule as config.py's TABLE_PREFIX.
"""
from __future__ import annotations

from pathlib import Path

from chalicelib.domain import people

ROOT = Path(__file__).resolve().parents[2]
APP_NAME = "lampungin"
STAGES = ("dev", "staging", "prod")
STREAMED_TABLE = "complaints"
# one delivery queue (and Lambda) per channel: a person's channels (email, sms, whatsapp, push) and
# `lapor`, a LAPOR! reporter's updates back to SP4N-LAPOR! (app.py loops over the same tuple)
DELIVERY_CHANNELS: tuple[str, ...] = getattr(people, "DELIVERY_CHANNELS", people.CHANNELS)
PERSON_CHANNELS: tuple[str, ...] = people.CHANNELS      # what a person may choose (staff too)
# Chalice names its Lambdas <app>-<stage>[-<function>]; the API handler has no suffix. The app's
# functions (app.py): the API, the stream handler, the sweep, the user pool's two triggers and
# one delivery worker per channel (`@app.on_sqs_message(name=f"deliver_{channel}")`), the
# attachments' upload processor (`@app.on_cw_event(name="process_upload")`: the bucket's events)
# and the SP4N-LAPOR! exchange (`@app.schedule(name="lapor_exchange")`, every 5 minutes).
FUNCTIONS = {"api": "", "stream": "-complaint_changes", "sweep": "-sweep",
             "post_confirmation": "-cognito_post_confirmation", "pre_token": "-cognito_pre_token",
             **{f"deliver_{ch}": f"-deliver_{ch}" for ch in DELIVERY_CHANNELS}, "upload": "-process_upload",
             "lapor": "-lapor_exchange"}
METRICS_NAMESPACE = "LampungIn"     # chalicelib/adapters/telemetry.py writes here (EMF)
REST_API_NAME = APP_NAME            # Chalice names the REST API after the app, in both paths
API_STAGE = "api"                   # .chalice/config.json api_gateway_stage (the URL's /api/)
LIVE_ALIAS = "live"                 # every caller invokes <function>:live (release.py)

# How long CloudWatch keeps the Lambdas' logs, per stage (log groups made by the templates in both
# paths; without them Lambda creates groups that keep everything forever). Logs
# carry no personal data (telemetry.py), but they are operational records, not the archive: the
# audit trail and the timelines in DynamoDB are. A year in prod covers a yearly review.
LOG_RETENTION_DAYS = {"dev": 14, "staging": 30, "prod": 365}

# What Chalice's @app.on_dynamodb_record cannot say. Applied by lampungin.deploy.chalice_deploy after
# `chalice deploy` (path a) and by the merge template (path b): one definition for both.
STREAM_MAPPING_SETTINGS = {
    "FunctionResponseTypes": ["ReportBatchItemFailures"],   # handlers.py returns batchItemFailures
    "BisectBatchOnFunctionError": True,       # a batch that crashed is split to isolate the record
    "MaximumRetryAttempts": 3,                # then the record's pointer goes to the DLQ
    "MaximumRecordAgeInSeconds": 21600,       # 6 h: a stuck shard never waits out the 24 h retention
    # Two batches of a shard at once (records of one complaint stay in order: Lambda keeps one key
    # on one of them). Measured (bench_api's `stream.ms_per_record`): ≈ 75 ms a record on DynamoDB
    # Local, so a shard drains ≈ 13 records a second per batch in flight; the province makes
    # ≈ 0.2 a second at its peak, a backlog after an outage (or `lampungin reconcile`) drains twice
    # as fast with 2, and each one more costs a Lambda of a new account's 10 (docs/performance.md,
    # "Stream batches", also for the batch size of 100 in app.py).
    "ParallelizationFactor": 2,
}


# API Gateway stage throttling (requests per second, steady and burst), per stage: applied to every
# method of the stage by the merge template (path b, MethodSettings) and by `chalice_deploy
# api-settings` (path a). Beyond it API Gateway answers 429 in the contract's shape (gateway.py),
# before a Lambda runs. Why these numbers: a new account runs at most 10 Lambdas at once (shared
# by the API, the stream and the sweep); at ~100 ms a request, prod's 50/s steady keeps the API
# inside that instead of failing with 502s, and the burst absorbs a page load's parallel calls.
# The app's own per-caller limits (chalicelib/api/throttle.py) work inside these.
# API Gateway access logs: one JSON line per request into `access_log_group(stage)` (made by the
# templates, with the stage's retention). Ids, route, status and timings only: no source IP, user
# agent or query string (the app's audit trail keeps who did what; telemetry.py's rule of no
# personal data in logs holds here too). `error` is API Gateway's own (a throttled 429, a 403 for
# a missing route before the Lambda ran).
ACCESS_LOG_FORMAT = (
    '{"request_id":"$context.requestId","extended_request_id":"$context.extendedRequestId",'
    '"time":"$context.requestTimeEpoch","method":"$context.httpMethod","route":"$context.resourcePath",'
    '"status":"$context.status","response_length":"$context.responseLength",'
    '"latency_ms":"$context.responseLatency","integration_latency_ms":"$context.integrationLatency",'
    '"integration_status":"$context.integrationStatus","error":"$context.error.responseType",'
    '"xray_trace_id":"$context.xrayTraceId"}')


def access_log_group(stage: str) -> str:
    return f"/aws/apigateway/{APP_NAME}-{stage}-access"


# Per source IP, in front of the API (AWS WAF, resources.api_firewall): requests per minute before
# WAF answers 429 in the contract's shape. A flood guard, not a fairness limit: Indonesian mobile
# networks put thousands of subscribers behind one carrier-grade NAT address, so a per-IP limit
# low enough to matter for one person would lock out a city; per-person limits are the app's, by
# token (chalicelib/api/throttle.py). API Gateway usage plans are not used: they meter API keys,
# and no client of this public API has one.
API_IP_LIMIT_PER_MINUTE = {"dev": 300, "staging": 600, "prod": 1500}

API_THROTTLING = {
    "dev": {"rate": 10, "burst": 20},
    "staging": {"rate": 20, "burst": 40},
    "prod": {"rate": 50, "burst": 100},
}


def table_prefix(stage: str) -> str:
    return f"{APP_NAME}-{stage}-"


def function_name(stage: str, which: str) -> str:
    return f"{APP_NAME}-{stage}{FUNCTIONS[which]}"


def chalice_function(which: str) -> str:
    """The function's name in the app and in .chalice/config.json's `lambda_functions`."""
    return FUNCTIONS[which].removeprefix("-") or "api_handler"


def logical_function(which: str) -> str:
    """The function's logical id in Chalice 1.34's SAM output (chalice.utils.to_cfn_resource_name):
    `APIHandler` for the API, else CamelCase of its name (`complaint_changes` -> `ComplaintChanges`).
    The templates name their alarms, log groups and dashboard widgets after it."""
    if which == "api":
        return "APIHandler"
    return "".join(part[:1].upper() + part[1:] for part in chalice_function(which).split("_"))


def log_group(stage: str, which: str) -> str:
    """Lambda's own log group of a function (made by the templates, with the stage's retention)."""
    return f"/aws/lambda/{function_name(stage, which)}"


def logical_log_group(which: str) -> str:
    return f"{logical_function(which)}LogGroup"


def people_key_alias(stage: str) -> str:
    """The alias of the KMS key of people's personal data (`${Stage}` in a template)."""
    return f"alias/{APP_NAME}-{stage}-people"


def notify_queue(channel: str) -> str:
    """A delivery queue's short name (config.py's Settings.queue_name: TABLE_PREFIX + this);
    its dead-letter queue adds `-dlq`."""
    return f"notify-{channel}"


def sub(text: str) -> dict:
    """CloudFormation's `Fn::Sub` of `text`."""
    return {"Fn::Sub": text}


def sub_text(expression) -> str:
    """A name expression as `Fn::Sub` text, to build longer names or documents from it:
    sub("lampungin-${Stage}-sweep") stays `lampungin-${Stage}-sweep`, {"Ref": "Sweep"} is `${Sweep}`."""
    if isinstance(expression, dict) and set(expression) == {"Fn::Sub"} and isinstance(expression["Fn::Sub"], str):
        return expression["Fn::Sub"]
    if isinstance(expression, dict) and set(expression) == {"Ref"}:
        return f"${{{expression['Ref']}}}"
    raise ValueError(f"not a name expression: {expression!r}")


def path_a_function_names() -> dict:
    """Path (a): each function by the name `chalice deploy` gives it (the stack exists first)."""
    return {which: sub(f"{APP_NAME}-${{Stage}}{suffix}") for which, suffix in FUNCTIONS.items()}


def path_b_function_names() -> dict:
    """Path (b): each function by a reference to it in the same stack (CloudFormation names it)."""
    return {which: {"Ref": logical_function(which)} for which in FUNCTIONS}


def logical_table(short: str) -> str:
    """The logical id of a table in the templates: `deadline_index` -> `DeadlineIndexTable`,
    `shadow-clocks` -> `ShadowClocksTable`."""
    return "".join(part.capitalize() for part in short.replace("-", "_").split("_")) + "Table"
