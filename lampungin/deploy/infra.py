"""infra/ as code: the CloudFormation for what Chalice does not create, generated, never hand-edited.

    .venv/bin/python -m lampungin.deploy.infra            # (re)write infra/*.json and .chalice/policy-*.json
    .venv/bin/python -m lampungin.deploy.infra --check    # exit 1 if a checked-in file differs (make test)

Why generated: the tables come from chalicelib/adapters/dynamo/tables.py, the one source the local
stack and the tests also create tables from; copying them by hand into YAML is how keys and indexes
drift. tests/deploy/test_infra.py fails when a checked-in file differs from what this writes.

Files:
* infra/stack.json          — deployment path (a): one stack per stage, deployed before
                               `chalice deploy` (tables, bucket, DLQ, topics, user pool, alarms).
* infra/chalice-merge.json  — deployment path (b): `chalice package --merge-template` folds the
                               same resources, the event-source settings and the env wiring into
                               the app's own stack.
* .chalice/policy-<stage>.json — the Lambdas' IAM policy (Chalice cannot infer PynamoDB calls).

Names are deterministic (`lampungin-<stage>-<short>`), the same rule as config.py's TABLE_PREFIX.
"""
from __future__ import annotations

import argparse
import copy
import json
import sys
from pathlib import Path
from typing import Any

from chalicelib.adapters.dynamo.tables import TABLES

ROOT = Path(__file__).resolve().parents[2]
APP_NAME = "lampungin"
STAGES = ("dev", "staging", "prod")
ROLES = ("admin", "inspector", "supervisor", "operator", "citizen")   # precedence order
STREAMED_TABLE = "complaints"
# Chalice names its Lambdas <app>-<stage>[-<function>]; the API handler has no suffix.
FUNCTIONS = {"api": "", "stream": "-complaint_changes", "sweep": "-sweep"}
METRICS_NAMESPACE = "LampungIn"     # chalicelib/adapters/telemetry.py writes here (EMF)

# What Chalice's @app.on_dynamodb_record cannot say. Applied by lampungin.deploy.chalice_deploy after
# `chalice deploy` (path a) and by the merge template (path b): one definition for both.
STREAM_MAPPING_SETTINGS = {
    "FunctionResponseTypes": ["ReportBatchItemFailures"],   # handlers.py returns batchItemFailures
    "BisectBatchOnFunctionError": True,       # a batch that crashed is split to isolate the record
    "MaximumRetryAttempts": 3,                # then the record's pointer goes to the DLQ
    "MaximumRecordAgeInSeconds": 21600,       # 6 h: a stuck shard never waits out the 24 h retention
}


def table_prefix(stage: str) -> str:
    return f"{APP_NAME}-{stage}-"


def function_name(stage: str, which: str) -> str:
    return f"{APP_NAME}-{stage}{FUNCTIONS[which]}"


def _sub(text: str) -> dict:
    return {"Fn::Sub": text}


def _logical(short: str) -> str:
    return "".join(part.capitalize() for part in short.split("_")) + "Table"


# --- DynamoDB: boto3 create_table form -> AWS::DynamoDB::Table ----------------------------------
_COPIED = ("KeySchema", "AttributeDefinitions", "BillingMode", "GlobalSecondaryIndexes",
           "LocalSecondaryIndexes")


def table_resource(short: str, spec: dict) -> dict:
    """One table. Fails on a create_table key it does not know, so tables.py cannot grow a
    setting that silently never reaches AWS."""
    unknown = set(spec) - set(_COPIED) - {"StreamSpecification"}
    if unknown:
        raise ValueError(f"tables.py[{short!r}]: no CloudFormation mapping for {sorted(unknown)}")
    props: dict[str, Any] = {"TableName": _sub(f"{APP_NAME}-${{Stage}}-{short}")}
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


# --- the rest ----------------------------------------------------------------------------------
def _bucket() -> dict:
    return {
        "AttachmentsBucket": {
            "Type": "AWS::S3::Bucket", "DeletionPolicy": "Delete", "UpdateReplacePolicy": "Retain",
            "Properties": {
                "BucketName": _sub(f"{APP_NAME}-${{Stage}}-attachments-${{AWS::AccountId}}-${{AWS::Region}}"),
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
                                 _sub("${AttachmentsBucket.Arn}/*")],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}},
        },
    }


def _queues_and_topics() -> dict:
    return {
        "StreamDeadLetterQueue": {
            "Type": "AWS::SQS::Queue", "DeletionPolicy": "Delete", "UpdateReplacePolicy": "Delete",
            "Properties": {"QueueName": _sub(f"{APP_NAME}-${{Stage}}-complaints-stream-dlq"),
                           "MessageRetentionPeriod": 1209600, "SqsManagedSseEnabled": True},
        },
        "NotificationsTopic": {
            "Type": "AWS::SNS::Topic",
            "Properties": {"TopicName": _sub(f"{APP_NAME}-${{Stage}}-notifications"),
                           "KmsMasterKeyId": "alias/aws/sns"},
        },
        # Not KMS-encrypted: CloudWatch alarms cannot publish to a topic under the AWS-managed key.
        "AlarmTopic": {
            "Type": "AWS::SNS::Topic",
            "Properties": {"TopicName": _sub(f"{APP_NAME}-${{Stage}}-alarms")},
        },
        "AlarmEmailSubscription": {
            "Type": "AWS::SNS::Subscription", "Condition": "HasAlarmEmail",
            "Properties": {"TopicArn": {"Ref": "AlarmTopic"}, "Protocol": "email",
                           "Endpoint": {"Ref": "AlarmEmail"}},
        },
    }


def _user_pool() -> dict:
    out = {
        "UserPool": {
            "Type": "AWS::Cognito::UserPool", "DeletionPolicy": "Delete",
            "UpdateReplacePolicy": "Retain",
            "Properties": {
                "UserPoolName": _sub(f"{APP_NAME}-${{Stage}}"),
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
                "ClientName": _sub(f"{APP_NAME}-${{Stage}}-app"),
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


def _alarm(description: str, namespace: str, metric: str, dimensions: dict, *, stat="Sum",
           threshold=1, periods=1, period=300, comparison="GreaterThanOrEqualToThreshold",
           missing="notBreaching") -> dict:
    return {"Type": "AWS::CloudWatch::Alarm", "Properties": {
        "AlarmDescription": description, "Namespace": namespace, "MetricName": metric,
        "Dimensions": [{"Name": k, "Value": v} for k, v in dimensions.items()],
        "Statistic": stat, "Period": period, "EvaluationPeriods": periods, "Threshold": threshold,
        "ComparisonOperator": comparison, "TreatMissingData": missing,
        "AlarmActions": [{"Ref": "AlarmTopic"}], "OKActions": [{"Ref": "AlarmTopic"}]}}


def _alarms() -> dict:
    fn = {k: _sub(f"{APP_NAME}-${{Stage}}{suffix}") for k, suffix in FUNCTIONS.items()}
    return {
        "DeadLetterAlarm": _alarm(
            "A complaint stream record failed 3 retries and went to the dead-letter queue",
            "AWS/SQS", "ApproximateNumberOfMessagesVisible",
            {"QueueName": {"Fn::GetAtt": ["StreamDeadLetterQueue", "QueueName"]}}, stat="Maximum"),
        "StreamHandlerErrorsAlarm": _alarm(
            "The complaints stream handler raised", "AWS/Lambda", "Errors",
            {"FunctionName": fn["stream"]}),
        "StreamIteratorAgeAlarm": _alarm(
            "The complaints stream is more than 10 minutes behind", "AWS/Lambda", "IteratorAge",
            {"FunctionName": fn["stream"]}, stat="Maximum", threshold=600000,
            comparison="GreaterThanThreshold"),
        "SweepErrorsAlarm": _alarm(
            "The sanctions sweep Lambda failed", "AWS/Lambda", "Errors", {"FunctionName": fn["sweep"]}),
        "SweepClockErrorsAlarm": _alarm(
            "The sweep could not handle a due clock (report.errors)", METRICS_NAMESPACE,
            "SweepClockErrors", {"Stage": {"Ref": "Stage"}}),
        "SweepNotRunningAlarm": _alarm(
            "The sanctions sweep has not run for 15 minutes (schedule disabled or not deployed)",
            "AWS/Lambda", "Invocations", {"FunctionName": fn["sweep"]}, periods=3,
            threshold=1, comparison="LessThanThreshold", missing="breaching"),
        "ApiErrorsAlarm": _alarm(
            "The API Lambda crashed or timed out (handled errors are answered, not raised)",
            "AWS/Lambda", "Errors", {"FunctionName": fn["api"]}, threshold=5),
    }


# What the app needs, by the environment variable it is read from (config.py).
def _app_settings() -> dict[str, dict]:
    return {
        "STAGE": {"Ref": "Stage"},
        "TABLE_PREFIX": _sub(f"{APP_NAME}-${{Stage}}-"),
        "COMPLAINTS_STREAM_ARN": {"Fn::GetAtt": [_logical(STREAMED_TABLE), "StreamArn"]},
        "NOTIFY_TOPIC_ARN": {"Ref": "NotificationsTopic"},
        "ATTACHMENTS_BUCKET": {"Ref": "AttachmentsBucket"},
        "AUTH_ISSUER": _sub("https://cognito-idp.${AWS::Region}.amazonaws.com/${UserPool}"),
        "AUTH_JWKS_URL": _sub(
            "https://cognito-idp.${AWS::Region}.amazonaws.com/${UserPool}/.well-known/jwks.json"),
        "AUTH_AUDIENCE": {"Ref": "UserPoolClient"},
    }


def output_name(env_name: str) -> str:
    """The stack output that carries an app setting: COMPLAINTS_STREAM_ARN -> ComplaintsStreamArn."""
    return "".join(part.capitalize() for part in env_name.split("_"))


def _outputs() -> dict:
    out = {output_name(name): {"Description": f"app setting {name}", "Value": value}
           for name, value in _app_settings().items()}
    for short in TABLES:
        out[f"{_logical(short)}Name"] = {"Value": {"Ref": _logical(short)}}
    out.update({
        "DeadLetterQueueArn": {"Value": {"Fn::GetAtt": ["StreamDeadLetterQueue", "Arn"]}},
        "DeadLetterQueueUrl": {"Value": {"Ref": "StreamDeadLetterQueue"}},
        "AlarmTopicArn": {"Value": {"Ref": "AlarmTopic"}},
        "UserPoolId": {"Value": {"Ref": "UserPool"}},
        "UserPoolClientId": {"Value": {"Ref": "UserPoolClient"}},
    })
    return out


def resources() -> dict:
    res = {_logical(short): table_resource(short, spec) for short, spec in TABLES.items()}
    res.update(_bucket())
    res.update(_queues_and_topics())
    res.update(_user_pool())
    res.update(_alarms())
    return res


PARAMETERS = {
    "Stage": {"Type": "String", "AllowedValues": list(STAGES),
              "Description": "the Chalice stage these resources serve (names: lampungin-<Stage>-*)"},
    "DeletionProtection": {"Type": "String", "AllowedValues": ["true", "false"], "Default": "true",
                           "Description": "tables and user pool refuse deletion; set false to tear down"},
    "AlarmEmail": {"Type": "String", "Default": "",
                   "Description": "optional: who gets the alarms by e-mail (confirm the subscription)"},
}
CONDITIONS = {
    "Protect": {"Fn::Equals": [{"Ref": "DeletionProtection"}, "true"]},
    "HasAlarmEmail": {"Fn::Not": [{"Fn::Equals": [{"Ref": "AlarmEmail"}, ""]}]},
}


def stack_template() -> dict:
    """Path (a): the resources stack, deployed before `chalice deploy --stage <Stage>`."""
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "Lampung In: tables, attachments bucket, stream DLQ, topics, user pool and "
                       "alarms of one stage (generated by lampungin/infra.py from tables.py)",
        "Parameters": PARAMETERS, "Conditions": CONDITIONS, "Resources": resources(),
        "Outputs": _outputs(),
    }


# --- path (b): chalice package --merge-template --------------------------------------------------
# Logical ids Chalice 1.34 gives the app's resources in its SAM output.
SAM_FUNCTIONS = {"api": "APIHandler", "stream": "ComplaintChanges", "sweep": "Sweep"}
SAM_STREAM_EVENT = "ComplaintChangesDynamodbEventSource"


def merge_template() -> dict:
    """Deep-merged by Chalice into its SAM template: one stack with the app and its resources.
    The functions' settings become references, so nothing from a stack output is copied by hand."""
    env = {"Environment": {"Variables": _app_settings()}}
    res = resources()
    for logical in SAM_FUNCTIONS.values():
        res[logical] = {"Properties": copy.deepcopy(env)}
    res[SAM_FUNCTIONS["stream"]]["Properties"]["Events"] = {SAM_STREAM_EVENT: {"Properties": {
        "Stream": {"Fn::GetAtt": [_logical(STREAMED_TABLE), "StreamArn"]},
        **copy.deepcopy(STREAM_MAPPING_SETTINGS),
        "DestinationConfig": {"OnFailure": {
            "Type": "SQS", "Destination": {"Fn::GetAtt": ["StreamDeadLetterQueue", "Arn"]}}},
    }}}
    return {"Parameters": PARAMETERS, "Conditions": CONDITIONS, "Resources": res,
            "Outputs": _outputs()}


# --- IAM: the policy Chalice attaches to the Lambdas' role ---------------------------------------
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


# --- files --------------------------------------------------------------------------------------
def outputs() -> dict[Path, dict]:
    files = {ROOT / "infra" / "stack.json": stack_template(),
             ROOT / "infra" / "chalice-merge.json": merge_template()}
    for stage in STAGES:
        files[ROOT / ".chalice" / f"policy-{stage}.json"] = lambda_policy(stage)
    return files


def render(doc: dict) -> str:
    return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lampungin.deploy.infra",
                                     description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare instead of write; exit 1 on drift")
    args = parser.parse_args(argv)
    stale = []
    for path, doc in outputs().items():
        text = render(doc)
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        if args.check:
            stale.append(path.relative_to(ROOT))
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
    if stale:
        print("stale generated files (run `.venv/bin/python -m lampungin.deploy.infra`): "
              + ", ".join(map(str, stale)), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
