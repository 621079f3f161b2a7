"""The IAM policy Chalice attaches to the Lambdas' role, one file per stage
(.chalice/policy-<stage>.json, written by infra.py): Chalice cannot infer PynamoDB calls.
"""
from __future__ import annotations

from chalicelib.adapters.dynamo.tables import TABLES

from .conventions import STREAMED_TABLE, table_prefix


def lambda_policy(stage: str) -> dict:
    """Least privilege by name: this stage's tables, indexes and stream, its topic, bucket and DLQ.
    Account and region are wildcards so the file holds no account id."""
    prefix = table_prefix(stage)
    tables = [f"arn:aws:dynamodb:*:*:table/{prefix}{s}" for s in TABLES]
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "Logs", "Effect": "Allow",
         "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
         "Resource": "arn:*:logs:*:*:*"},
        {"Sid": "Tables", "Effect": "Allow",
         "Action": ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query",
                    "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
                    "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem",
                    "dynamodb:DescribeTable"],
         "Resource": tables + [t + "/index/*" for t in tables]},
        {"Sid": "ComplaintsStream", "Effect": "Allow",
         "Action": ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator",
                    "dynamodb:ListStreams"],
         "Resource": f"arn:aws:dynamodb:*:*:table/{prefix}{STREAMED_TABLE}/stream/*"},
        {"Sid": "StreamDeadLetters", "Effect": "Allow", "Action": ["sqs:SendMessage"],
         "Resource": f"arn:aws:sqs:*:*:{prefix}complaints-stream-dlq"},
        {"Sid": "Notifications", "Effect": "Allow", "Action": ["sns:Publish"],
         "Resource": f"arn:aws:sns:*:*:{prefix}notifications"},
        {"Sid": "Attachments", "Effect": "Allow",
         "Action": ["s3:GetObject", "s3:PutObject"],
         "Resource": f"arn:aws:s3:::{prefix}attachments-*/*"},
        {"Sid": "NotificationsKey", "Effect": "Allow", "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
         "Resource": "*", "Condition": {"StringLike": {"kms:ViaService": ["sns.*.amazonaws.com",
                                                                         "sqs.*.amazonaws.com",
                                                                         "s3.*.amazonaws.com"]}}},
        {"Sid": "Tracing", "Effect": "Allow",
         "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], "Resource": "*"},
    ]}
