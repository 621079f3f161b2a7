"""How the app finds its resources: its settings (config.py's environment variables) as references
into the templates, and the stack outputs that carry them to `.chalice/config.json`
(lampungin.deploy.chalice_deploy stage-config reads them back by `output_name`).
"""
from __future__ import annotations

from chalicelib.adapters.dynamo.tables import TABLES

from .conventions import APP_NAME, STREAMED_TABLE, logical_table, sub


def output_name(env_name: str) -> str:
    """The stack output that carries an app setting: COMPLAINTS_STREAM_ARN -> ComplaintsStreamArn."""
    return "".join(part.capitalize() for part in env_name.split("_"))


def app_settings() -> dict[str, dict]:
    """What the app needs, by the environment variable it is read from (config.py), as template
    references: the Lambdas' environment in path (b), the stack's outputs in path (a)."""
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
    }


def stack_outputs() -> dict:
    out = {output_name(name): {"Description": f"app setting {name}", "Value": value}
           for name, value in app_settings().items()}
    for short in TABLES:
        out[f"{logical_table(short)}Name"] = {"Value": {"Ref": logical_table(short)}}
    out.update({
        "DeadLetterQueueArn": {"Value": {"Fn::GetAtt": ["StreamDeadLetterQueue", "Arn"]}},
        "DeadLetterQueueUrl": {"Value": {"Ref": "StreamDeadLetterQueue"}},
        "AlarmTopicArn": {"Value": {"Ref": "AlarmTopic"}},
        "UserPoolId": {"Value": {"Ref": "UserPool"}},
        "UserPoolClientId": {"Value": {"Ref": "UserPoolClient"}},
    })
    return out
