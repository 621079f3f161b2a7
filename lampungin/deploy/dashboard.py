"""One CloudWatch dashboard per stage, `lampungin-<stage>`: what the on-call person opens first.

Rows, top to bottom: the state of every alarm; the API (requests, 4XX/5XX, p50/p99 latency); every
function's invocations, errors, throttles and longest run; the stream (iterator age, records
failed, dead letters); the sweep (clocks missed, sanctions, warnings, incomplete runs, clock
errors); DynamoDB (throttled requests per table, capacity used); notifications (SNS failures,
each channel's queue and dead-letter queue).

The body is JSON inside `Fn::Sub`, so every name in it is a template reference (`${Stage}`, a
function's name, `${ComplaintsTable}`, `${NotifyEmailQueue.QueueName}`, an alarm's `.Arn`) that
CloudFormation resolves: a widget cannot name what the stack does not have (cfn-lint checks every
`${…}`, and tests/deploy/test_consistency.py that each resolves to a function, table, queue or
alarm of the same template). Function names come as `names` (alarms.py's convention: path (a) the
name Chalice gives, path (b) a reference).
"""
from __future__ import annotations

import json

from chalicelib.adapters.dynamo.tables import TABLES

from .conventions import (
    API_STAGE,
    APP_NAME,
    DELIVERY_CHANNELS,
    FUNCTIONS,
    METRICS_NAMESPACE,
    REST_API_NAME,
    logical_function,
    logical_table,
    sub,
    sub_text,
)
from .resources import logical_queue

WIDTH = 24                       # CloudWatch's grid is 24 units wide


def _graph(title: str, metrics: list, *, stat: str = "Sum", width: int = 8, height: int = 6,
           y_label: str | None = None) -> dict:
    props = {"title": title, "view": "timeSeries", "region": "${AWS::Region}", "stat": stat,
             "period": 300, "metrics": metrics}
    if y_label:
        props["yAxis"] = {"left": {"label": y_label, "showUnits": False}}
    return {"type": "metric", "width": width, "height": height, "properties": props}


def _text(markdown: str) -> dict:
    return {"type": "text", "width": WIDTH, "height": 1, "properties": {"markdown": markdown}}


def widgets(names: dict, alarm_ids: list[str]) -> list[dict]:
    fn = {which: sub_text(names[which]) for which in FUNCTIONS}
    api = ["ApiName", REST_API_NAME, "Stage", API_STAGE]
    stage = ["Stage", "${Stage}"]
    out = [
        {"type": "alarm", "width": WIDTH, "height": 6, "properties": {
            "title": "Alarms (runbooks: docs/runbooks.md)", "sortBy": "stateUpdatedTimestamp",
            "alarms": [f"${{{a}.Arn}}" for a in sorted(alarm_ids)]}},
        _text("## API"),
        _graph("Requests and errors", [["AWS/ApiGateway", "Count", *api], ["AWS/ApiGateway", "4XXError", *api],
                                       ["AWS/ApiGateway", "5XXError", *api]]),
        _graph("Latency (ms)", [["AWS/ApiGateway", "Latency", *api, {"stat": "p50"}],
                                ["AWS/ApiGateway", "Latency", *api, {"stat": "p99"}],
                                ["AWS/ApiGateway", "IntegrationLatency", *api, {"stat": "p99"}]], stat="p99"),
        _graph("Complaints filed", [[METRICS_NAMESPACE, "ComplaintsFiled", *stage]]),
        _text("## Functions"),
    ]
    for metric, stat in (("Invocations", "Sum"), ("Errors", "Sum"), ("Throttles", "Sum"),
                         ("Duration", "Maximum")):
        out.append(_graph(f"{metric} ({stat})", [
            ["AWS/Lambda", metric, "FunctionName", fn[which], {"label": logical_function(which)}]
            for which in FUNCTIONS], stat=stat, width=12))
    out += [
        _text("## Stream and sweep"),
        _graph("Stream iterator age (ms)", [["AWS/Lambda", "IteratorAge", "FunctionName", fn["stream"]]],
               stat="Maximum", width=6),
        _graph("Stream records failed, dead letters", [
            [METRICS_NAMESPACE, "StreamRecordsFailed", *stage],
            ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName",
             "${StreamDeadLetterQueue.QueueName}", {"stat": "Maximum"}]], width=6),
        _graph("Sweep: clocks missed, sanctions, warnings", [
            [METRICS_NAMESPACE, m, *stage] for m in ("ClocksMissed", "SanctionsIssued", "WarningsSent")], width=6),
        _graph("Sweep: incomplete runs, clock errors, duration", [
            [METRICS_NAMESPACE, "SweepIncomplete", *stage], [METRICS_NAMESPACE, "SweepClockErrors", *stage],
            ["AWS/Lambda", "Duration", "FunctionName", fn["sweep"], {"stat": "Maximum", "yAxis": "right"}]],
            width=6),
        _text("## DynamoDB"),
        _graph("Throttled requests", [
            ["AWS/DynamoDB", m, "TableName", f"${{{logical_table(short)}}}", {"label": f"{short} {m[:4]}"}]
            for short in TABLES for m in ("ReadThrottleEvents", "WriteThrottleEvents")], width=12),
        _graph("Capacity used", [
            ["AWS/DynamoDB", m, "TableName", f"${{{logical_table(short)}}}", {"label": f"{short} {m[8:12]}"}]
            for short in TABLES for m in ("ConsumedReadCapacityUnits", "ConsumedWriteCapacityUnits")], width=12),
        _text("## Notifications"),
        _graph("SNS: published, failed", [
            ["AWS/SNS", "NumberOfMessagesPublished", "TopicName", "${NotificationsTopic.TopicName}"],
            ["AWS/SNS", "NumberOfNotificationsFailed", "TopicName", "${NotificationsTopic.TopicName}"]]),
        _graph("Delivery queues (waiting)", [
            ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", f"${{{logical_queue(ch)}.QueueName}}",
             {"label": ch}] for ch in DELIVERY_CHANNELS], stat="Maximum"),
        _graph("Dead-letter queues (waiting)", [
            ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName",
             f"${{{logical_queue(ch, dead_letter=True)}.QueueName}}", {"label": ch}] for ch in DELIVERY_CHANNELS],
            stat="Maximum"),
    ]
    return out


def dashboard(names: dict, alarm_ids: list[str]) -> dict:
    body = json.dumps({"start": "-PT12H", "periodOverride": "inherit", "widgets": widgets(names, alarm_ids)},
                      ensure_ascii=False, separators=(",", ":"))
    return {"Dashboard": {"Type": "AWS::CloudWatch::Dashboard", "Properties": {
        "DashboardName": sub(f"{APP_NAME}-${{Stage}}"), "DashboardBody": sub(body)}}}
