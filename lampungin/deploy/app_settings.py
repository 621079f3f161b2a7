"""How the app finds its resources: its settings (config.py's environment variables) as references
into the templates, and the stack outputs that carry them to `.chalice/config.json`
(lampungin.deploy.chalice_deploy stage-config reads them back by `output_name`).

Secrets never pass through `.chalice/config.json` (committed) nor a stack output (readable by
anyone who may describe the stack). Two kinds:
* GENERATED_SECRETS — keys the stack makes itself in Secrets Manager (`GenerateSecretString`), one
  secret per setting, given only to the functions that read it. Path (b) puts a dynamic reference
  (`{{resolve:secretsmanager:…}}`) into those functions' environment; path (a)'s deploy command
  reads the value with the deployer's credentials and adds it to what `chalice deploy` sends
  (chalice_deploy.function_secrets, chalice_cli.py). The Lambdas need no Secrets Manager access.
* SECRETS — given by a person (the Twilio token): a NoEcho parameter of path (b).
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
                  "TWILIO_SMS_FROM", "TWILIO_WHATSAPP_FROM", "LAPOR_BASE_URL")
# Secrets: a NoEcho parameter, into the Lambdas' environment in path (b) only, never an output
# (outputs are readable by anyone who may describe the stack). Secrets Manager is where it goes next.
SECRETS = ("TWILIO_AUTH_TOKEN", "LAPOR_TOKEN")
# setting -> (logical id of its AWS::SecretsManager::Secret, the conventions.FUNCTIONS that read it).
# CLAIM_CODE_SECRET: the HMAC key of the one-time claim codes (chalicelib/domain/claims.py); the
# stream and the sweep write the codes into notifications, the API checks them.
GENERATED_SECRETS = {"CLAIM_CODE_SECRET": ("ClaimCodeSecret", ("api", "stream", "sweep"))}


def secret_name(env_name: str) -> str:
    """The secret's name in Secrets Manager, `${Stage}` in a template: lampungin/<stage>/claim-code-secret."""
    return f"{APP_NAME}/${{Stage}}/{env_name.lower().replace('_', '-')}"


def secret_output(env_name: str) -> str:
    """The stack output with the secret's ARN (never its value): ClaimCodeSecretArn."""
    return f"{GENERATED_SECRETS[env_name][0]}Arn"


def generated_secrets() -> dict:
    """One Secrets Manager secret per GENERATED_SECRETS setting: 64 random letters and digits made
    by Secrets Manager at stack creation, so no key ever exists in a file. Replacing it (rotation)
    invalidates the claim codes already sent: docs/runbooks.md."""
    return {logical: {
        "Type": "AWS::SecretsManager::Secret", "DeletionPolicy": "Delete", "UpdateReplacePolicy": "Retain",
        "Properties": {
            "Name": sub(secret_name(env_name)),
            "Description": f"{APP_NAME}: app setting {env_name} (generated; docs/deploy.md, secrets)",
            "GenerateSecretString": {"PasswordLength": 64, "ExcludePunctuation": True},
            "Tags": [{"Key": "app", "Value": APP_NAME}, {"Key": "stage", "Value": {"Ref": "Stage"}}]}}
        for env_name, (logical, _) in GENERATED_SECRETS.items()}


def secret_reference(env_name: str) -> dict:
    """Path (b): the secret's value as a dynamic reference, resolved by CloudFormation when it
    deploys the functions (never shown in the template or the stack's events)."""
    logical = GENERATED_SECRETS[env_name][0]
    return sub(f"{{{{resolve:secretsmanager:${{{logical}}}:SecretString}}}}")


def function_secrets(which: str) -> dict[str, dict]:
    """Path (b): the generated secrets one function reads, as environment references."""
    return {name: secret_reference(name) for name, (_, users) in GENERATED_SECRETS.items() if which in users}


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


def stack_outputs(*, deploy_state: bool = False) -> dict:
    """Every app setting (a passed-through one only when it was given: an output has a value),
    the tables' names, the generated secrets' ARNs and what DevOps look up (queues, pool, client);
    with `deploy_state` (path a) the deploy-state bucket and lock table (lampungin/deploy/state.py)."""
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
        "ApiAccessLogGroupArn": {"Description": "the REST API's access log group (chalice_deploy api-settings)",
                                 "Value": {"Fn::GetAtt": ["ApiAccessLogGroup", "Arn"]}},
        "ApiWebAclArn": {"Description": "the REST API's web ACL (chalice_deploy api-settings associates it)",
                         "Value": {"Fn::GetAtt": ["ApiWebAcl", "Arn"]}},
        "UserPoolId": {"Description": "app setting USER_POOL_ID", "Value": {"Ref": "UserPool"}},
        "UserPoolClientId": {"Value": {"Ref": "UserPoolClient"}},
        "PeopleKeyAlias": {"Value": {"Ref": "PeopleKeyAlias"}},
    })
    for name in GENERATED_SECRETS:
        out[secret_output(name)] = {"Description": f"the Secrets Manager secret of {name} (its ARN)",
                                    "Value": {"Ref": GENERATED_SECRETS[name][0]}}
    if deploy_state:
        out["DeployStateBucket"] = {"Description": "path (a): chalice's deployed state of this stage",
                                    "Value": {"Ref": "DeployStateBucket"}}
        out["DeployLockTable"] = {"Description": "path (a): the lock that keeps deploys of this stage apart",
                                  "Value": {"Ref": "DeployLockTable"}}
    for channel in DELIVERY_CHANNELS:
        out[f"{logical_queue(channel)}Url"] = {"Value": {"Ref": logical_queue(channel)}}
        dlq = logical_queue(channel, dead_letter=True)
        out[f"{dlq}Url"] = {"Value": {"Ref": dlq}}
    return out
