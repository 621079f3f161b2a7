"""One IAM policy per function and stage (`.chalice/policy-<stage>-<function>.json`, written by
infra.py; each function's `iam_policy_file` in .chalice/config.json): Chalice gives every function
its own role (`lampungin-<stage>-<function>`) and cannot infer PynamoDB's calls itself.

Least privilege, derived from what the code calls: TABLES below is, per function, each table it
touches with the DynamoDB actions it sends (a transaction's items count as their own Put/Update/
ConditionCheck), and whether it queries the table's indexes. tests/deploy/test_least_privilege.py
runs every function's part of a complaint's life on moto through the app's real adapters,
records every AWS call per function, and fails when a call is not allowed by that function's
policy — or when a policy grants something no call of that function needs (what no call shows
is listed in NOT_CALLED, each with why it is needed).

Account and region are wildcards so the files hold no account id; names are this stage's. What
has no name of ours (the user pool's id, SES identities, SNS platform applications) is limited
by kind. Logs: each function writes its own group, made by the template (no CreateLogGroup);
path (b)'s function names are CloudFormation's (`lampungin-<stage>-<Logical>-<random>`), so the
groups are named by the stage's prefix. X-Ray only in stages with `"xray": true`.
"""
from __future__ import annotations

import json

from chalicelib.adapters.dynamo.tables import TABLES

from .conventions import (
    DELIVERY_CHANNELS,
    FUNCTIONS,
    PERSON_CHANNELS,
    ROOT,
    STREAMED_TABLE,
    chalice_function,
    notify_queue,
    people_key_alias,
    table_prefix,
)

INDEX = "Query@index"          # a Query on one of the table's indexes
# function -> table -> the DynamoDB actions it sends (tests/deploy/test_least_privilege.py)
_DELIVERY = {"notifications": ("GetItem", "UpdateItem"), "people": ("GetItem",)}
TABLE_ACCESS: dict[str, dict[str, tuple[str, ...]]] = {
    "api": {
        "attachments": ("BatchGetItem", "GetItem", "PutItem", "Query", "UpdateItem"),
        "audit": ("PutItem", INDEX),
        "clocks": ("BatchGetItem", "Query", "UpdateItem"),    # Query, UpdateItem: the league counters
        "complaints": ("GetItem", "PutItem", INDEX, "UpdateItem"),
        "evidence": ("Query",),
        "idempotency": ("GetItem", "PutItem", "UpdateItem"),
        "notifications": ("BatchWriteItem", "GetItem", "Query", INDEX, "UpdateItem"),
        "open311_keys": ("GetItem",),
        "people": ("DeleteItem", "GetItem", "PutItem"),
        "sanctions": ("BatchGetItem", INDEX),
        "shadow-sanctions": (INDEX,),
        "supports": ("BatchGetItem", "GetItem", "PutItem", "UpdateItem"),
        "timeline": ("PutItem", "Query", "UpdateItem"),
    },
    "stream": {
        "audit": ("BatchGetItem", "PutItem"),
        "clocks": ("GetItem", "PutItem", "Query", "UpdateItem"),
        "complaints": ("GetItem",),
        "evidence": ("BatchWriteItem",),
        "notifications": ("GetItem", "PutItem", "UpdateItem"),
        "people": ("BatchGetItem",),
        "shadow-clocks": ("PutItem", "Query", "UpdateItem"),
        "timeline": ("Query",),
    },
    "sweep": {
        "audit": ("PutItem",),
        "clocks": ("GetItem", "Query", INDEX, "UpdateItem"),
        "complaints": ("GetItem",),
        "notifications": ("PutItem", "UpdateItem"),
        "people": ("BatchGetItem",),
        "sanctions": ("PutItem", INDEX, "UpdateItem"),
        "shadow-clocks": ("Query", INDEX, "UpdateItem"),
        "shadow-sanctions": ("PutItem", INDEX),
        "timeline": ("Query",),
    },
    "upload": {"attachments": ("BatchGetItem", "UpdateItem")},
    # files what SP4N-LAPOR! disposed (the reporter known by their tracking number) and keeps its cursor
    "lapor": {"complaints": ("PutItem",), "idempotency": ("GetItem", "PutItem"), "people": ("PutItem",),
              "timeline": ("PutItem",)},
    "post_confirmation": {},
    "pre_token": {},
    **{f"deliver_{ch}": dict(_DELIVERY) for ch in DELIVERY_CHANNELS},
}
# the user pool: the staff directory (who hears of what) and the triggers
COGNITO = {"api": ("ListUsersInGroup",), "stream": ("ListUsersInGroup",), "sweep": ("ListUsersInGroup",),
           "post_confirmation": ("AdminAddUserToGroup", "AdminListGroupsForUser"), "pre_token": ("AdminGetUser",)}
# the people key: the API encrypts preferences' contact details, the rest read them
PEOPLE_KEY = {"api": ("kms:Decrypt", "kms:Encrypt"), "stream": ("kms:Decrypt",), "sweep": ("kms:Decrypt",),
              **{f"deliver_{ch}": ("kms:Decrypt",) for ch in DELIVERY_CHANNELS}}
# who puts deliveries on which queues: the stream tells everyone (a LAPOR! reporter too), the
# sweep only staff, who choose among a person's channels (never `lapor`)
QUEUEING = {"stream": DELIVERY_CHANNELS, "sweep": PERSON_CHANNELS}
# What no call of the function's code shows, and why it is granted (the test reads this).
NOT_CALLED = {
    "logs": "Lambda itself writes the function's output to its log group with the function's role",
    "xray": "Lambda itself sends the traces of a stage with X-Ray on, with the function's role",
    "stream-mapping": "the event source mapping reads the complaints stream with the stream function's role "
                      "and sends a batch that failed 3 times to the stream's dead-letter queue",
    "queue-mapping": "the event source mapping receives and deletes the worker's queue's messages with its role",
    "attachments-list": "S3 answers HeadObject of a key that is gone with 404 (not 403) only with ListBucket",
    "contended-count": "a clock's league count takes the item its write returned; only a count that lost a "
                       "race (another writer counted the clock meanwhile) or a write refused as older reads "
                       "the clock again (tests/integration/test_league_counters.py races writers on one clock)",
}
# Table grants whose calls happen only on a path a complaint's life does not provoke (a race):
# (function, table, action) -> the NOT_CALLED reason. The least-privilege test holds each to
# being granted, and every other grant to being used.
RACE_ONLY = {("stream", "clocks", "GetItem"): "contended-count",
             ("sweep", "clocks", "GetItem"): "contended-count"}


def policy_file(stage: str, which: str) -> str:
    """The file under .chalice/ (config.json's `iam_policy_file` of the function)."""
    return f"policy-{stage}-{chalice_function(which)}.json"


def _table_statements(stage: str, which: str) -> list[dict]:
    out = []
    for short, actions in sorted(TABLE_ACCESS[which].items()):
        arn = f"arn:aws:dynamodb:*:*:table/{table_prefix(stage)}{short}"
        resources = ([arn] if any(a != INDEX for a in actions) else []) + \
                    ([f"{arn}/index/*"] if INDEX in actions else [])
        names = sorted({"Query" if a == INDEX else a for a in actions})
        sid = "Table" + "".join(p.capitalize() for p in short.replace("-", "_").split("_"))
        out.append({"Sid": sid, "Effect": "Allow", "Action": [f"dynamodb:{a}" for a in names],
                    "Resource": resources if len(resources) > 1 else resources[0]})
    return out


def _xray(stage: str) -> bool:
    config = json.loads((ROOT / ".chalice" / "config.json").read_text(encoding="utf-8"))
    return bool(config["stages"][stage].get("xray", config.get("xray", False)))


def lambda_policy(stage: str, which: str) -> dict:
    """The policy of one function of one stage."""
    prefix = table_prefix(stage)
    queue = f"arn:aws:sqs:*:*:{prefix}"
    statements = [
        {"Sid": "Logs", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
         "Resource": f"arn:aws:logs:*:*:log-group:/aws/lambda/{prefix.rstrip('-')}*:*"},
        *_table_statements(stage, which),
    ]
    if which == "stream":
        statements += [
            {"Sid": "ComplaintsStream", "Effect": "Allow",
             "Action": ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator",
                        "dynamodb:ListStreams"],
             "Resource": f"arn:aws:dynamodb:*:*:table/{prefix}{STREAMED_TABLE}/stream/*"},
            {"Sid": "StreamDeadLetters", "Effect": "Allow", "Action": ["sqs:SendMessage"],
             "Resource": f"{queue}complaints-stream-dlq"}]
    if which in QUEUEING:
        statements.append({"Sid": "DeliveryQueues", "Effect": "Allow", "Action": ["sqs:GetQueueUrl", "sqs:SendMessage"],
                           "Resource": [f"{queue}{notify_queue(ch)}" for ch in QUEUEING[which]]})
    if which.startswith("deliver_"):
        own = f"{queue}{notify_queue(which.removeprefix('deliver_'))}"
        statements += [
            # the mapping: Receive, Delete, GetQueueAttributes; the code: a later retry (visibility)
            {"Sid": "OwnQueue", "Effect": "Allow",
             "Action": ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes",
                        "sqs:GetQueueUrl", "sqs:ReceiveMessage"], "Resource": own},
            # a delivery that can never succeed goes straight to the channel's dead-letter queue
            {"Sid": "OwnDeadLetters", "Effect": "Allow", "Action": ["sqs:GetQueueUrl", "sqs:SendMessage"],
             "Resource": f"{own}-dlq"}]
    if which == "deliver_email":
        statements.append({"Sid": "EmailDelivery", "Effect": "Allow", "Action": ["ses:SendEmail"],   # SES v2
                           "Resource": ["arn:aws:ses:*:*:identity/*", "arn:aws:ses:*:*:configuration-set/*"]})
    if which == "deliver_push":
        statements += [
            {"Sid": "PushEndpoints", "Effect": "Allow", "Action": ["sns:CreatePlatformEndpoint"],
             "Resource": "arn:aws:sns:*:*:app/*"},
            {"Sid": "PushDelivery", "Effect": "Allow", "Action": ["sns:Publish"],
             "Resource": "arn:aws:sns:*:*:endpoint/*"}]
    if which == "sweep":
        statements.append({"Sid": "Notifications", "Effect": "Allow", "Action": ["sns:Publish"],
                           "Resource": f"arn:aws:sns:*:*:{prefix}notifications"})
    if which in ("api", "upload"):
        bucket = f"arn:aws:s3:::{prefix}attachments-*"
        if which == "api":     # presigned: uploads are PUT into uploads/, downloads GET from files/
            statements += [
                {"Sid": "AttachmentUploads", "Effect": "Allow", "Action": ["s3:PutObject"],
                 "Resource": f"{bucket}/uploads/*"},
                {"Sid": "AttachmentDownloads", "Effect": "Allow", "Action": ["s3:GetObject"],
                 "Resource": f"{bucket}/files/*"}]
        else:                  # reads an upload, keeps its cleaned copy, deletes the upload (or a stale copy)
            statements += [
                {"Sid": "AttachmentUploads", "Effect": "Allow", "Action": ["s3:DeleteObject", "s3:GetObject"],
                 "Resource": f"{bucket}/uploads/*"},
                {"Sid": "AttachmentFiles", "Effect": "Allow", "Action": ["s3:DeleteObject", "s3:PutObject"],
                 "Resource": f"{bucket}/files/*"},
                {"Sid": "AttachmentsList", "Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": bucket}]
    if which in PEOPLE_KEY:    # only through this stage's people key, found by its alias
        statements.append({"Sid": "PeopleKey", "Effect": "Allow", "Action": list(PEOPLE_KEY[which]),
                           "Resource": "arn:aws:kms:*:*:key/*",
                           "Condition": {"ForAnyValue:StringEquals": {"kms:ResourceAliases": people_key_alias(stage)}}})
    if which in COGNITO:
        statements.append({"Sid": "UserPool", "Effect": "Allow",
                           "Action": [f"cognito-idp:{a}" for a in COGNITO[which]],
                           "Resource": "arn:aws:cognito-idp:*:*:userpool/*"})
    if _xray(stage):
        statements.append({"Sid": "Tracing", "Effect": "Allow",
                           "Action": ["xray:PutTelemetryRecords", "xray:PutTraceSegments"], "Resource": "*"})
    return {"Version": "2012-10-17", "Statement": statements}


def _check() -> None:
    """A function without its entry, or a table tables.py does not have, is a generator error."""
    if set(TABLE_ACCESS) != set(FUNCTIONS):
        raise ValueError(f"policy.TABLE_ACCESS must name every function: {sorted(set(FUNCTIONS) ^ set(TABLE_ACCESS))}")
    unknown = {t for access in TABLE_ACCESS.values() for t in access} - set(TABLES)
    if unknown:
        raise ValueError(f"policy.TABLE_ACCESS names tables tables.py does not have: {sorted(unknown)}")


_check()
