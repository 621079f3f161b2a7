"""What every generated file and the deploy tooling agree on: the stages, the names of resources
and functions, the references templates use for them, and the stream mapping settings.

Names are deterministic (`lampungin-<stage>-<short>`), the same rule as config.py's TABLE_PREFIX.
"""
from __future__ import annotations

from pathlib import Path

from chalicelib.domain.people import CHANNELS

ROOT = Path(__file__).resolve().parents[2]
APP_NAME = "lampungin"
STAGES = ("dev", "staging", "prod")
STREAMED_TABLE = "complaints"
DELIVERY_CHANNELS = CHANNELS          # one delivery queue (and Lambda) per channel: email, sms, …
# Chalice names its Lambdas <app>-<stage>[-<function>]; the API handler has no suffix. The app's
# functions (app.py): the API, the stream handler, the sweep, the user pool's two triggers and
# one delivery worker per channel (`@app.on_sqs_message(name=f"deliver_{channel}")`), and the
# attachments' upload processor (`@app.on_cw_event(name="process_upload")`: the bucket's events).
FUNCTIONS = {"api": "", "stream": "-complaint_changes", "sweep": "-sweep",
             "post_confirmation": "-cognito_post_confirmation", "pre_token": "-cognito_pre_token",
             **{f"deliver_{ch}": f"-deliver_{ch}" for ch in DELIVERY_CHANNELS}, "upload": "-process_upload"}
METRICS_NAMESPACE = "LampungIn"     # chalicelib/adapters/telemetry.py writes here (EMF)

# What Chalice's @app.on_dynamodb_record cannot say. Applied by lampungin.deploy.chalice_deploy after
# `chalice deploy` (path a) and by the merge template (path b): one definition for both.
STREAM_MAPPING_SETTINGS = {
    "FunctionResponseTypes": ["ReportBatchItemFailures"],   # handlers.py returns batchItemFailures
    "BisectBatchOnFunctionError": True,       # a batch that crashed is split to isolate the record
    "MaximumRetryAttempts": 3,                # then the record's pointer goes to the DLQ
    "MaximumRecordAgeInSeconds": 21600,       # 6 h: a stuck shard never waits out the 24 h retention
}


# API Gateway stage throttling (requests per second, steady and burst), per stage: applied to every
# method of the stage by the merge template (path b, MethodSettings) and by `chalice_deploy
# api-settings` (path a). Beyond it API Gateway answers 429 in the contract's shape (gateway.py),
# before a Lambda runs. Why these numbers: a new account runs at most 10 Lambdas at once (shared
# by the API, the stream and the sweep); at ~100 ms a request, prod's 50/s steady keeps the API
# inside that instead of failing with 502s, and the burst absorbs a page load's parallel calls.
# The app's own per-caller limits (chalicelib/api/throttle.py) work inside these.
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


def logical_table(short: str) -> str:
    """The logical id of a table in the templates: `deadline_index` -> `DeadlineIndexTable`,
    `shadow-clocks` -> `ShadowClocksTable`."""
    return "".join(part.capitalize() for part in short.replace("-", "_").split("_")) + "Table"
