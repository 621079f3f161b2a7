"""The IAM policy Chalice attaches to the Lambdas' role, one file per stage
(.chalice/policy-<stage>.json, written by infra.py): Chalice cannot infer PynamoDB calls.
"""
from __future__ import annotations

from chalicelib.adapters.dynamo.tables import TABLES

from .conventions import DELIVERY_CHANNELS, STREAMED_TABLE, notify_queue, people_key_alias, table_prefix


def lambda_policy(stage: str) -> dict:
    """Least privilege by name: this stage's tables, indexes and stream, its topic, bucket, DLQ,
    delivery queues and people key. Account and region are wildcards so the file holds no account
    id; what has no name of ours (SES identities, SNS platform applications, the user pool's id)
    is limited by kind."""
    prefix = table_prefix(stage)
    tables = [f"arn:aws:dynamodb:*:*:table/{prefix}{s}" for s in TABLES]
    queues = [f"arn:aws:sqs:*:*:{prefix}{notify_queue(ch)}" for ch in DELIVERY_CHANNELS]
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
        # the API presigns uploads (PutObject) and downloads (GetObject); the upload processor
        # reads an upload, writes its sanitised copy and deletes the upload (or a rejected one)
        {"Sid": "Attachments", "Effect": "Allow",
         "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
         "Resource": f"arn:aws:s3:::{prefix}attachments-*/*"},
        # HeadObject of a key that is gone answers 404 (not 403) only with ListBucket
        {"Sid": "AttachmentsList", "Effect": "Allow", "Action": ["s3:ListBucket"],
         "Resource": f"arn:aws:s3:::{prefix}attachments-*"},
        {"Sid": "NotificationsKey", "Effect": "Allow", "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
         "Resource": "*", "Condition": {"StringLike": {"kms:ViaService": ["sns.*.amazonaws.com",
                                                                         "sqs.*.amazonaws.com",
                                                                         "s3.*.amazonaws.com"]}}},
        # the stream enqueues deliveries; each channel's Lambda receives from its queue (the event
        # source mapping uses the function's role: Receive, Delete, GetQueueAttributes)
        {"Sid": "DeliveryQueues", "Effect": "Allow",
         "Action": ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage",
                    "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"],
         "Resource": queues},
        # a delivery that can never succeed goes straight to its channel's dead-letter queue
        {"Sid": "DeliveryDeadLetters", "Effect": "Allow", "Action": ["sqs:SendMessage", "sqs:GetQueueUrl"],
         "Resource": [f"{q}-dlq" for q in queues]},
        {"Sid": "EmailDelivery", "Effect": "Allow", "Action": ["ses:SendEmail"],     # SES v2 SendEmail
         "Resource": ["arn:aws:ses:*:*:identity/*", "arn:aws:ses:*:*:configuration-set/*"]},
        {"Sid": "PushDelivery", "Effect": "Allow",
         "Action": ["sns:CreatePlatformEndpoint", "sns:Publish", "sns:GetEndpointAttributes",
                    "sns:SetEndpointAttributes"],
         "Resource": ["arn:aws:sns:*:*:app/*", "arn:aws:sns:*:*:endpoint/*"]},
        # preferences' personal fields: only through this stage's people key, found by its alias
        {"Sid": "PeopleKey", "Effect": "Allow", "Action": ["kms:Encrypt", "kms:Decrypt"],
         "Resource": "arn:aws:kms:*:*:key/*",
         "Condition": {"ForAnyValue:StringEquals": {"kms:ResourceAliases": people_key_alias(stage)}}},
        # the user pool's triggers (groups, MFA settings) and the staff directory (groups)
        {"Sid": "UserPool", "Effect": "Allow",
         "Action": ["cognito-idp:AdminAddUserToGroup", "cognito-idp:AdminListGroupsForUser",
                    "cognito-idp:AdminGetUser", "cognito-idp:ListUsersInGroup"],
         "Resource": "arn:aws:cognito-idp:*:*:userpool/*"},
        {"Sid": "Tracing", "Effect": "Allow",
         "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], "Resource": "*"},
    ]}
