"""How the app finds its resources: its settings (config.py's environment variables) as references
into the templates, and the stack outputs that carry them to `.chalice/config.json`
(lampungin.deploy.chalice_deploy stage-config reads them back by `output_name`).
"""
from __future__ import annotations

from chalicelib.adapters.dynamo.tables import TABLES

from .conventions import APP_NAME, DELIVERY_CHANNELS, STREAMED_TABLE, logical_table, sub
from .resources import logical_queue


def output_name(env_name: str) -> str:
    """The stack output that carries an app setting: COMPLAINTS_STREAM_ARN -> ComplaintsStreamArn."""
    return "".join(part.capitalize() for part in env_name.split("_"))


# Settings the stack does not create but is told, as parameters with empty defaults (empty: the
# channel is off, or config.py's default applies). Parameter name = the setting's output name.
PASSED_THROUGH = ("EMAIL_SENDER", "PUSH_PLATFORM_APPLICATION_ARN", "TWILIO_ACCOUNT_SID",
                  "TWILIO_SMS_FROM", "TWILIO_WHATSAPP_FROM")
# Secrets: a NoEcho parameter, into the Lambdas' environment in path (b) only, never an output
# (outputs are readable by anyone who may describe the stack). Secrets Manager is where it goes next.
SECRETS = ("TWILIO_AUTH_TOKEN",)


def has_setting(env_name: str) -> str:
    """The condition that a passed-through setting was given: EMAIL_SENDER -> HasEmailSender."""
    return f"Has{output_name(env_name)}"


def app_settings(*, secrets: bool = False) -> dict[str, dict]:
    """What the app needs, by the environment variable it is read from (config.py), as template
    references: the Lambdas' environment in path (b) (`secrets=True`: with the NoEcho ones), the
    stack's outputs in path (a)."""
    return {
        "STAGE": {"Ref": "Stage"},
        "TABLE_PREFIX": sub(f"{APP_NAME}-${{Stage}}-"),
        "COMPLAINTS_STREAM_ARN": {"Fn::GetAtt": [logical_table(STREAMED_TABLE), "StreamArn"]},
        "NOTIFY_TOPIC_ARN": {"Ref": "NotificationsTopic"},
        "ATTACHMENTS_BUCKET": {"Ref": "AttachmentsBucket"},
        "AUTH_ISSUER": sub("https://cognito-idp.${AWS::Region}.amazonaws.com/${UserPool}"),
        "AUTH_JWKS_URL": sub(
            "https://cognito-idp.${AWS::Region}.amazonaws.com/${UserPool}/.well-known/jwks.json"),
        "AUTH_AUDIENCE": {"Ref": "UserPoolClient"},
        "USER_POOL_ID": {"Ref": "UserPool"},                 # the staff directory (Cognito groups)
        "PEOPLE_KMS_KEY": {"Fn::GetAtt": ["PeopleKey", "Arn"]},
        **{name: {"Ref": output_name(name)} for name in PASSED_THROUGH},
        **({name: {"Ref": output_name(name)} for name in SECRETS} if secrets else {}),
    }


def stack_outputs() -> dict:
    """Every app setting (a passed-through one only when it was given: an output has a value),
    the tables' names and what DevOps look up (queues, pool, client)."""
    out = {}
    for name, value in app_settings().items():
        out[output_name(name)] = {"Description": f"app setting {name}", "Value": value}
        if name in PASSED_THROUGH:
            out[output_name(name)]["Condition"] = has_setting(name)
    for short in TABLES:
        out[f"{logical_table(short)}Name"] = {"Value": {"Ref": logical_table(short)}}
    out.update({
        "DeadLetterQueueArn": {"Value": {"Fn::GetAtt": ["StreamDeadLetterQueue", "Arn"]}},
        "DeadLetterQueueUrl": {"Value": {"Ref": "StreamDeadLetterQueue"}},
        "AlarmTopicArn": {"Value": {"Ref": "AlarmTopic"}},
        "UserPoolId": {"Description": "app setting USER_POOL_ID", "Value": {"Ref": "UserPool"}},
        "UserPoolClientId": {"Value": {"Ref": "UserPoolClient"}},
        "PeopleKeyAlias": {"Value": {"Ref": "PeopleKeyAlias"}},
    })
    for channel in DELIVERY_CHANNELS:
        out[f"{logical_queue(channel)}Url"] = {"Value": {"Ref": logical_queue(channel)}}
        dlq = logical_queue(channel, dead_letter=True)
        out[f"{dlq}Url"] = {"Value": {"Ref": dlq}}
    return out
