"""The CloudFormation resources of one stage that Chalice does not create: the tables (from
chalicelib/adapters/dynamo/tables.py), the attachments bucket, the stream's dead-letter queue, the
topics and the Cognito user pool with its client and role groups. infra.py assembles them.
"""
from __future__ import annotations

import copy
from typing import Any

from chalicelib.adapters.dynamo.tables import TABLES

from .conventions import APP_NAME, logical_table, sub

ROLES = ("admin", "inspector", "supervisor", "operator", "citizen")   # precedence order


# --- DynamoDB: boto3 create_table form -> AWS::DynamoDB::Table ----------------------------------
_COPIED = ("KeySchema", "AttributeDefinitions", "BillingMode", "GlobalSecondaryIndexes",
           "LocalSecondaryIndexes")


def table_resource(short: str, spec: dict) -> dict:
    """One table. Fails on a create_table key it does not know, so tables.py cannot grow a
    setting that silently never reaches AWS."""
    unknown = set(spec) - set(_COPIED) - {"StreamSpecification"}
    if unknown:
        raise ValueError(f"tables.py[{short!r}]: no CloudFormation mapping for {sorted(unknown)}")
    props: dict[str, Any] = {"TableName": sub(f"{APP_NAME}-${{Stage}}-{short}")}
    props.update({k: copy.deepcopy(spec[k]) for k in _COPIED if k in spec})
    stream = spec.get("StreamSpecification") or {}
    if stream.get("StreamEnabled"):
        props["StreamSpecification"] = {"StreamViewType": stream["StreamViewType"]}
    props.update({
        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
        "DeletionProtectionEnabled": {"Fn::If": ["Protect", True, False]},
        "SSESpecification": {"SSEEnabled": True},
        "Tags": [{"Key": "app", "Value": APP_NAME}, {"Key": "stage", "Value": {"Ref": "Stage"}}],
    })
    return {"Type": "AWS::DynamoDB::Table", "DeletionPolicy": "Delete",
            "UpdateReplacePolicy": "Retain", "Properties": props}


def tables() -> dict:
    """Every table of tables.py, by its logical id."""
    return {logical_table(short): table_resource(short, spec) for short, spec in TABLES.items()}


# --- the bucket, queues, topics and user pool ---------------------------------------------------
def bucket() -> dict:
    return {
        "AttachmentsBucket": {
            "Type": "AWS::S3::Bucket", "DeletionPolicy": "Delete", "UpdateReplacePolicy": "Retain",
            "Properties": {
                "BucketName": sub(f"{APP_NAME}-${{Stage}}-attachments-${{AWS::AccountId}}-${{AWS::Region}}"),
                "BucketEncryption": {"ServerSideEncryptionConfiguration": [
                    {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"},
                     "BucketKeyEnabled": True}]},
                "PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": True, "BlockPublicPolicy": True,
                    "IgnorePublicAcls": True, "RestrictPublicBuckets": True},
                "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
                "VersioningConfiguration": {"Status": "Enabled"},
                "LifecycleConfiguration": {"Rules": [{
                    "Id": "tidy", "Status": "Enabled",
                    "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
                    "NoncurrentVersionExpiration": {"NoncurrentDays": 90}}]},
                "Tags": [{"Key": "app", "Value": APP_NAME}, {"Key": "stage", "Value": {"Ref": "Stage"}}],
            },
        },
        "AttachmentsBucketPolicy": {
            "Type": "AWS::S3::BucketPolicy",
            "Properties": {"Bucket": {"Ref": "AttachmentsBucket"}, "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [{
                    "Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                    "Resource": [{"Fn::GetAtt": ["AttachmentsBucket", "Arn"]},
                                 sub("${AttachmentsBucket.Arn}/*")],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}},
        },
    }


def queues_and_topics() -> dict:
    return {
        "StreamDeadLetterQueue": {
            "Type": "AWS::SQS::Queue", "DeletionPolicy": "Delete", "UpdateReplacePolicy": "Delete",
            "Properties": {"QueueName": sub(f"{APP_NAME}-${{Stage}}-complaints-stream-dlq"),
                           "MessageRetentionPeriod": 1209600, "SqsManagedSseEnabled": True},
        },
        "NotificationsTopic": {
            "Type": "AWS::SNS::Topic",
            "Properties": {"TopicName": sub(f"{APP_NAME}-${{Stage}}-notifications"),
                           "KmsMasterKeyId": "alias/aws/sns"},
        },
        # Not KMS-encrypted: CloudWatch alarms cannot publish to a topic under the AWS-managed key.
        "AlarmTopic": {
            "Type": "AWS::SNS::Topic",
            "Properties": {"TopicName": sub(f"{APP_NAME}-${{Stage}}-alarms")},
        },
        "AlarmEmailSubscription": {
            "Type": "AWS::SNS::Subscription", "Condition": "HasAlarmEmail",
            "Properties": {"TopicArn": {"Ref": "AlarmTopic"}, "Protocol": "email",
                           "Endpoint": {"Ref": "AlarmEmail"}},
        },
    }


def user_pool() -> dict:
    out = {
        "UserPool": {
            "Type": "AWS::Cognito::UserPool", "DeletionPolicy": "Delete",
            "UpdateReplacePolicy": "Retain",
            "Properties": {
                "UserPoolName": sub(f"{APP_NAME}-${{Stage}}"),
                "UsernameAttributes": ["email"],
                "AutoVerifiedAttributes": ["email"],
                "DeletionProtection": {"Fn::If": ["Protect", "ACTIVE", "INACTIVE"]},
                "MfaConfiguration": "OPTIONAL",
                "EnabledMfas": ["SOFTWARE_TOKEN_MFA"],
                "AccountRecoverySetting": {"RecoveryMechanisms": [
                    {"Name": "verified_email", "Priority": 1}]},
                "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": False},
                "Policies": {"PasswordPolicy": {
                    "MinimumLength": 10, "RequireLowercase": True, "RequireUppercase": True,
                    "RequireNumbers": True, "RequireSymbols": False,
                    "TemporaryPasswordValidityDays": 3}},
                # The OPD of an operator or supervisor (auth.py reads `custom:opd`). Only admins
                # set it: the app client below does not let users write it.
                "Schema": [{"Name": "opd", "AttributeDataType": "String", "Mutable": True,
                            "StringAttributeConstraints": {"MinLength": "0", "MaxLength": "32"}}],
                "UserPoolTags": {"app": APP_NAME, "stage": {"Ref": "Stage"}},
            },
        },
        "UserPoolClient": {
            "Type": "AWS::Cognito::UserPoolClient",
            "Properties": {
                "UserPoolId": {"Ref": "UserPool"},
                "ClientName": sub(f"{APP_NAME}-${{Stage}}-app"),
                "GenerateSecret": False,          # mobile and web apps cannot keep a secret
                # SRP for the apps; ADMIN_USER_PASSWORD needs AWS credentials (DevOps smoke checks).
                "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH",
                                      "ALLOW_ADMIN_USER_PASSWORD_AUTH"],
                "PreventUserExistenceErrors": "ENABLED",
                "EnableTokenRevocation": True,
                "IdTokenValidity": 60, "AccessTokenValidity": 60, "RefreshTokenValidity": 30,
                "TokenValidityUnits": {"IdToken": "minutes", "AccessToken": "minutes",
                                       "RefreshToken": "days"},
                "ReadAttributes": ["email", "email_verified", "name", "custom:opd"],
                "WriteAttributes": ["email", "name"],
            },
        },
    }
    for precedence, role in enumerate(ROLES):
        out[f"{role.capitalize()}Group"] = {
            "Type": "AWS::Cognito::UserPoolGroup",
            "Properties": {"UserPoolId": {"Ref": "UserPool"}, "GroupName": role,
                           "Precedence": precedence,
                           "Description": f"Lampung In role `{role}` (CONTRACT.md)"}}
    return out
