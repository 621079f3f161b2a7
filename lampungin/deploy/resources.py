"""The CloudFormation resources of one stage that Chalice does not create: the tables (from
chalicelib/adapters/dynamo/tables.py), the attachments bucket, the stream's dead-letter queue, the
topics, the delivery queues of the notification channels, the KMS key of people's personal data and
the Cognito user pool with its client, role groups and triggers. infra.py assembles them.
"""
from __future__ import annotations

import copy
import json
from typing import Any

from chalicelib.adapters.dynamo.tables import TABLES
from chalicelib.api.errors import ApiError, body

from .conventions import (
    APP_NAME,
    DELIVERY_CHANNELS,
    FUNCTIONS,
    logical_log_group,
    logical_table,
    notify_queue,
    people_key_alias,
    sub,
    sub_text,
)

ROLES = ("admin", "inspector", "supervisor", "operator", "intake", "citizen")   # precedence order


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


# --- private buckets (attachments, deploy state, the web console: console.py) -------------------
STAGE_TAGS = [{"Key": "app", "Value": APP_NAME}, {"Key": "stage", "Value": {"Ref": "Stage"}}]
KMS_AT_REST = {"ServerSideEncryptionConfiguration": [
    {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}, "BucketKeyEnabled": True}]}


def private_bucket(name: str, encryption: dict, lifecycle: list[dict], **more: Any) -> dict:
    """A stage's bucket no one reaches publicly: public access blocked, objects owned by the
    bucket, versioned, encrypted at rest (`encryption`), `lifecycle` its rules, `more` any other
    properties."""
    return {
        "Type": "AWS::S3::Bucket", "DeletionPolicy": "Delete", "UpdateReplacePolicy": "Retain",
        "Properties": {
            "BucketName": sub(f"{APP_NAME}-${{Stage}}-{name}-${{AWS::AccountId}}-${{AWS::Region}}"),
            "BucketEncryption": encryption,
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": True, "BlockPublicPolicy": True,
                "IgnorePublicAcls": True, "RestrictPublicBuckets": True},
            "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
            "VersioningConfiguration": {"Status": "Enabled"},
            "LifecycleConfiguration": {"Rules": lifecycle},
            **more,
            "Tags": STAGE_TAGS,
        },
    }


def tls_only_policy(bucket_logical: str, *statements: dict) -> dict:
    """The bucket's policy: nothing over plain HTTP, then `statements`."""
    return {
        "Type": "AWS::S3::BucketPolicy",
        "Properties": {"Bucket": {"Ref": bucket_logical}, "PolicyDocument": {
            "Version": "2012-10-17",
            "Statement": [{
                "Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                "Resource": [{"Fn::GetAtt": [bucket_logical, "Arn"]}, sub(f"${{{bucket_logical}.Arn}}/*")],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}}}, *statements]}},
    }


# --- the bucket, queues, topics and user pool ---------------------------------------------------
def bucket() -> dict:
    return {
        "AttachmentsBucket": private_bucket("attachments", KMS_AT_REST, [{
            "Id": "tidy", "Status": "Enabled",
            "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
            "NoncurrentVersionExpiration": {"NoncurrentDays": 90}}, {
            # an upload the processor never took (its metadata unstripped) does not stay
            "Id": "unprocessed-uploads", "Status": "Enabled", "Prefix": "uploads/",
            "ExpirationInDays": 1, "NoncurrentVersionExpiration": {"NoncurrentDays": 1}}],
            # uploads reach the processor as EventBridge events (app.py process_upload)
            NotificationConfiguration={"EventBridgeConfiguration": {"EventBridgeEnabled": True}},
            # browsers POST the presigned form and GET the presigned downloads from the stage's
            # web origins (CORS_ALLOW_ORIGIN of .chalice/config.json, as the API answers)
            CorsConfiguration={"CorsRules": [{
                "AllowedMethods": ["POST", "GET"], "AllowedHeaders": ["*"], "MaxAge": 600,
                "AllowedOrigins": [{"Fn::FindInMap": ["StageSettings", {"Ref": "Stage"}, "CorsOrigin"]}]}]}),
        "AttachmentsBucketPolicy": tls_only_policy("AttachmentsBucket"),
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
        # the on-call tool (PagerDuty, Opsgenie, a chat webhook…): every alarm and its recovery
        "OnCallSubscription": {
            "Type": "AWS::SNS::Subscription", "Condition": "HasOnCallUrl",
            "Properties": {"TopicArn": {"Ref": "AlarmTopic"}, "Protocol": "https",
                           "Endpoint": {"Ref": "OnCallUrl"}},
        },
    }


# --- every function's log group, with the stage's retention ---------------------------------------
def log_groups(names: dict) -> dict:
    """Lambda's own log group of every function (`/aws/lambda/<function name>`), made by the
    template so that it has the stage's retention (StageSettings.LogRetentionDays,
    conventions.LOG_RETENTION_DAYS) instead of the group Lambda would make, which keeps
    everything forever. `names` as alarms.alarms takes them."""
    return {logical_log_group(which): {
        "Type": "AWS::Logs::LogGroup", "DeletionPolicy": "Delete", "UpdateReplacePolicy": "Retain",
        "Properties": {"LogGroupName": sub(f"/aws/lambda/{sub_text(names[which])}"),
                       "RetentionInDays": {"Fn::FindInMap": ["StageSettings", {"Ref": "Stage"}, "LogRetentionDays"]},
                       "Tags": [{"Key": "app", "Value": APP_NAME}, {"Key": "stage", "Value": {"Ref": "Stage"}}]}}
        for which in FUNCTIONS}


# --- API Gateway access logs ----------------------------------------------------------------------
def api_access_logs() -> dict:
    """The access log group of the stage's REST API (conventions.ACCESS_LOG_FORMAT), and the
    account's API Gateway logging role that API Gateway needs before it writes any log: an
    account-level setting (AWS::ApiGateway::Account), so it is made only with the parameter
    ManageApiGatewayAccount true (the default; false for a second stage in an account that
    already has it, docs/deploy.md)."""
    tags = STAGE_TAGS
    return {
        "ApiAccessLogGroup": {
            "Type": "AWS::Logs::LogGroup", "DeletionPolicy": "Delete", "UpdateReplacePolicy": "Retain",
            "Properties": {"LogGroupName": sub(f"/aws/apigateway/{APP_NAME}-${{Stage}}-access"),
                           "RetentionInDays": {"Fn::FindInMap": ["StageSettings", {"Ref": "Stage"},
                                                                 "LogRetentionDays"]},
                           "Tags": tags}},
        "ApiGatewayLoggingRole": {
            "Type": "AWS::IAM::Role", "Condition": "ManagesApiGatewayAccount",
            "Properties": {
                "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
                    "Effect": "Allow", "Principal": {"Service": "apigateway.amazonaws.com"},
                    "Action": "sts:AssumeRole"}]},
                "ManagedPolicyArns": [sub("arn:${AWS::Partition}:iam::aws:policy/service-role/"
                                          "AmazonAPIGatewayPushToCloudWatchLogs")],
                "Tags": tags}},
        "ApiGatewayAccount": {
            "Type": "AWS::ApiGateway::Account", "Condition": "ManagesApiGatewayAccount",
            "Properties": {"CloudWatchRoleArn": {"Fn::GetAtt": ["ApiGatewayLoggingRole", "Arn"]}}},
    }


def api_firewall() -> dict:
    """The REST API's web ACL (AWS WAF): one rate-based rule per source IP
    (conventions.API_IP_LIMIT_PER_MINUTE, the stage's from StageSettings), answering 429 in the
    contract's shape, Indonesian (WAF cannot follow Accept-Language, like a gateway response).
    Associated with the API stage by path (b)'s template and by path (a)'s `api-settings`."""
    payload = json.dumps(body(ApiError(429, "too_many_requests", retry_after=60), "id"),
                         ensure_ascii=False, sort_keys=True)
    visibility = lambda name: {"CloudWatchMetricsEnabled": True, "SampledRequestsEnabled": False,  # noqa: E731
                               "MetricName": sub(f"{APP_NAME}-${{Stage}}-{name}")}
    return {"ApiWebAcl": {"Type": "AWS::WAFv2::WebACL", "Properties": {
        "Name": sub(f"{APP_NAME}-${{Stage}}-api"), "Scope": "REGIONAL",
        "Description": "Lampung In API - a flood guard per source IP, docs/deploy.md",
        "DefaultAction": {"Allow": {}},
        "CustomResponseBodies": {"too-many-requests": {"ContentType": "APPLICATION_JSON", "Content": payload}},
        "Rules": [{
            "Name": "per-ip-rate", "Priority": 0,
            "Statement": {"RateBasedStatement": {
                "Limit": {"Fn::FindInMap": ["StageSettings", {"Ref": "Stage"}, "ApiIpLimitPerMinute"]},
                "EvaluationWindowSec": 60, "AggregateKeyType": "IP"}},
            "Action": {"Block": {"CustomResponse": {
                "ResponseCode": 429, "CustomResponseBodyKey": "too-many-requests",
                "ResponseHeaders": [{"Name": "Retry-After", "Value": "60"},
                                    {"Name": "Content-Language", "Value": "id"}]}}},
            "VisibilityConfig": visibility("api-per-ip")}],
        "VisibilityConfig": visibility("api"),
        "Tags": [{"Key": "app", "Value": APP_NAME}, {"Key": "stage", "Value": {"Ref": "Stage"}}]}}}


# --- path (a)'s deployed state (lampungin/deploy/state.py) ---------------------------------------
def deploy_state() -> dict:
    """The stage's deploy-state bucket (Chalice's `.chalice/deployed/<stage>.json`, versioned so an
    earlier state can be restored) and its deploy-lock table (one item per stage while a deploy
    runs). No Lambda policy names either: only the deploy tool's credentials reach them."""
    return {
        "DeployStateBucket": private_bucket("deploy-state", KMS_AT_REST, [
            {"Id": "old-states", "Status": "Enabled", "NoncurrentVersionExpiration": {"NoncurrentDays": 365}}]),
        "DeployStateBucketPolicy": tls_only_policy("DeployStateBucket"),
        "DeployLockTable": {
            "Type": "AWS::DynamoDB::Table", "DeletionPolicy": "Delete", "UpdateReplacePolicy": "Delete",
            "Properties": {
                "TableName": sub(f"{APP_NAME}-${{Stage}}-deploy-lock"),
                "KeySchema": [{"AttributeName": "lock_id", "KeyType": "HASH"}],
                "AttributeDefinitions": [{"AttributeName": "lock_id", "AttributeType": "S"}],
                "BillingMode": "PAY_PER_REQUEST",
                "SSESpecification": {"SSEEnabled": True},
                "Tags": STAGE_TAGS,
            },
        },
    }


# --- notifications: one queue per channel, the people key ----------------------------------------
DELIVERY_VISIBILITY_SECONDS = 90     # more than the delivery Lambdas' 60 s timeout (.chalice/config.json)
DELIVERY_ATTEMPTS = 3                # then the message waits in the channel's dead-letter queue
RETENTION_SECONDS = 14 * 24 * 3600   # SQS's longest


def logical_queue(channel: str, dead_letter: bool = False) -> str:
    """`email` -> `NotifyEmailQueue`, its dead-letter queue `NotifyEmailDeadLetterQueue`."""
    return f"Notify{channel.capitalize()}{'DeadLetter' if dead_letter else ''}Queue"


def notify_queues() -> dict:
    """The delivery queue of every channel (config.py's queue_name), each with its dead-letter
    queue: a message whose delivery failed 3 times waits there 14 days (an alarm says so)."""
    out = {}
    for channel in DELIVERY_CHANNELS:
        name = f"{APP_NAME}-${{Stage}}-{notify_queue(channel)}"
        out[logical_queue(channel, dead_letter=True)] = {
            "Type": "AWS::SQS::Queue", "DeletionPolicy": "Delete", "UpdateReplacePolicy": "Delete",
            "Properties": {"QueueName": sub(f"{name}-dlq"), "MessageRetentionPeriod": RETENTION_SECONDS,
                           "SqsManagedSseEnabled": True}}
        out[logical_queue(channel)] = {
            "Type": "AWS::SQS::Queue", "DeletionPolicy": "Delete", "UpdateReplacePolicy": "Delete",
            "Properties": {
                "QueueName": sub(name), "VisibilityTimeout": DELIVERY_VISIBILITY_SECONDS,
                "MessageRetentionPeriod": RETENTION_SECONDS, "SqsManagedSseEnabled": True,
                "RedrivePolicy": {
                    "deadLetterTargetArn": {"Fn::GetAtt": [logical_queue(channel, dead_letter=True), "Arn"]},
                    "maxReceiveCount": DELIVERY_ATTEMPTS}}}
    return out


def people_key() -> dict:
    """The customer-managed key that encrypts preferences' personal fields (e-mail, phone, push
    token). Its own key, rotated yearly, so that access to people's data is one grant the account
    can audit and revoke; the Lambdas may Encrypt/Decrypt with it (policy.py), nothing more. A
    deleted stack schedules the key's deletion after 30 days (data encrypted under it is lost
    after that: the window to cancel)."""
    return {
        "PeopleKey": {
            "Type": "AWS::KMS::Key", "DeletionPolicy": "Delete", "UpdateReplacePolicy": "Retain",
            "Properties": {
                "Description": sub(f"{APP_NAME}-${{Stage}}: personal fields of notification preferences"),
                "EnableKeyRotation": True, "PendingWindowInDays": 30,
                "KeyPolicy": {"Version": "2012-10-17", "Statement": [{
                    "Sid": "AccountAdministersThroughIam", "Effect": "Allow",
                    "Principal": {"AWS": sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")},
                    "Action": "kms:*", "Resource": "*"}]},
                "Tags": [{"Key": "app", "Value": APP_NAME}, {"Key": "stage", "Value": {"Ref": "Stage"}}],
            },
        },
        "PeopleKeyAlias": {
            "Type": "AWS::KMS::Alias",
            "Properties": {"AliasName": sub(people_key_alias("${Stage}")), "TargetKeyId": {"Ref": "PeopleKey"}},
        },
    }


# --- the user pool --------------------------------------------------------------------------------
AUTH_FLOWS = ("ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH")
# LambdaConfig key -> conventions.FUNCTIONS key of the app's function that serves it
COGNITO_TRIGGERS = {"PostConfirmation": "post_confirmation", "PreTokenGeneration": "pre_token"}
NO_VALUE = {"Ref": "AWS::NoValue"}
OAUTH_SCOPES = ("openid", "email", "profile")      # the pool keeps no phone number
CONSOLE_REDIRECT = "https://${ConsoleDistribution.DomainName}/"   # console.py


def _if(condition: str | None, value: Any) -> Any:
    return value if condition is None else {"Fn::If": [condition, value, NO_VALUE]}


def user_pool(triggers: dict[str, tuple[Any, str | None]]) -> dict:
    """The pool, its app client and groups, and the triggers: `triggers` maps a COGNITO_TRIGGERS
    key to (the function's ARN, the condition it depends on or None). Path (a) takes the ARNs as
    parameters (the functions come later, from `chalice deploy`); path (b) refers to Chalice's own
    functions in the same stack."""
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
                # The OPD of an operator or supervisor (auth.py reads `custom:opd`), and whether
                # they head it (`custom:head` = "true"; the staff directory reads both). Only
                # admins set them: the app client below does not let users write either.
                "Schema": [{"Name": "opd", "AttributeDataType": "String", "Mutable": True,
                            "StringAttributeConstraints": {"MinLength": "0", "MaxLength": "32"}},
                           {"Name": "head", "AttributeDataType": "String", "Mutable": True,
                            "StringAttributeConstraints": {"MinLength": "0", "MaxLength": "5"}},
                           # issue 13: a kabupaten/kota's inspector (`custom:government`) and an
                           # operator of one unit of the OPD (`custom:unit`); admins set them too
                           {"Name": "government", "AttributeDataType": "String", "Mutable": True,
                            "StringAttributeConstraints": {"MinLength": "0", "MaxLength": "32"}},
                           {"Name": "unit", "AttributeDataType": "String", "Mutable": True,
                            "StringAttributeConstraints": {"MinLength": "0", "MaxLength": "64"}}],
                # Post confirmation: a citizen who signed up joins `citizen`. Pre token: staff
                # tokens say whether the person has MFA (`lampungin:mfa`; auth.py requires it).
                "LambdaConfig": {key: _if(condition, arn) for key, (arn, condition) in triggers.items()},
                # Cognito's own sender allows a few e-mails a day: production sends through SES
                # (an identity verified in SES whose sending policy lets cognito-idp use it).
                "EmailConfiguration": {"Fn::If": ["HasSesIdentity", {
                    "EmailSendingAccount": "DEVELOPER", "SourceArn": {"Ref": "SesIdentityArn"},
                    "From": {"Fn::If": ["HasEmailSender", {"Ref": "EmailSender"}, NO_VALUE]}},
                    {"EmailSendingAccount": "COGNITO_DEFAULT"}]},
                "UserPoolTags": {"app": APP_NAME, "stage": {"Ref": "Stage"}},
            },
        },
        "UserPoolClient": {
            "Type": "AWS::Cognito::UserPoolClient",
            "Properties": {
                "UserPoolId": {"Ref": "UserPool"},
                "ClientName": sub(f"{APP_NAME}-${{Stage}}-app"),
                "GenerateSecret": False,          # mobile and web apps cannot keep a secret
                # SRP for the apps. ADMIN_USER_PASSWORD (a password sent by anyone holding AWS
                # credentials, no SRP) only outside prod, for DevOps' smoke checks (docs/deploy.md)
                "ExplicitAuthFlows": {"Fn::If": ["IsProd", list(AUTH_FLOWS),
                                                 [*AUTH_FLOWS, "ALLOW_ADMIN_USER_PASSWORD_AUTH"]]},
                "PreventUserExistenceErrors": "ENABLED",
                "EnableTokenRevocation": True,
                "IdTokenValidity": 60, "AccessTokenValidity": 60, "RefreshTokenValidity": 30,
                "TokenValidityUnits": {"IdToken": "minutes", "AccessToken": "minutes",
                                       "RefreshToken": "days"},
                "ReadAttributes": ["email", "email_verified", "name", "custom:opd", "custom:head",
                                   "custom:government", "custom:unit"],
                "WriteAttributes": ["email", "name"],
                # The web console signs in through the hosted UI (console.py): the authorization
                # code flow with PKCE (a public client: no secret), back to the console's own URL.
                # Its ID token is the one the API takes (aud = this client, cognito:groups,
                # custom:opd, lampungin:mfa from the pre-token trigger), as the apps' SRP gives.
                "AllowedOAuthFlowsUserPoolClient": True,
                "AllowedOAuthFlows": ["code"],
                "AllowedOAuthScopes": list(OAUTH_SCOPES),
                "SupportedIdentityProviders": ["COGNITO"],
                "CallbackURLs": [sub(CONSOLE_REDIRECT)],
                "LogoutURLs": [sub(CONSOLE_REDIRECT)],
            },
        },
        # the hosted UI at https://lampungin-<stage>-<account>.auth.<region>.amazoncognito.com
        # (prefixes are global per region: the account keeps it unique)
        "UserPoolDomain": {
            "Type": "AWS::Cognito::UserPoolDomain",
            "Properties": {"UserPoolId": {"Ref": "UserPool"},
                           "Domain": sub(f"{APP_NAME}-${{Stage}}-${{AWS::AccountId}}")},
        },
    }
    for precedence, role in enumerate(ROLES):
        out[f"{role.capitalize()}Group"] = {
            "Type": "AWS::Cognito::UserPoolGroup",
            "Properties": {"UserPoolId": {"Ref": "UserPool"}, "GroupName": role,
                           "Precedence": precedence,
                           "Description": f"Lampung In role `{role}` (CONTRACT.md)"}}
    for key, (arn, condition) in triggers.items():
        permission: dict[str, Any] = {
            "Type": "AWS::Lambda::Permission",
            "Properties": {"Action": "lambda:InvokeFunction", "FunctionName": arn,
                           "Principal": "cognito-idp.amazonaws.com",
                           "SourceArn": {"Fn::GetAtt": ["UserPool", "Arn"]},
                           "SourceAccount": {"Ref": "AWS::AccountId"}}}
        if condition is not None:
            permission["Condition"] = condition
        out[f"UserPool{key}Permission"] = permission
    return out
