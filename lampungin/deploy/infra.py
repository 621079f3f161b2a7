"""infra/ as code: the CloudFormation for what Chalice does not create, generated, never hand-edited.

    .venv/bin/python -m lampungin.deploy.infra            # (re)write infra/*.json and .chalice/policy-*.json
    .venv/bin/python -m lampungin.deploy.infra --check    # exit 1 if a checked-in file differs (make test)

Why generated: the tables come from chalicelib/adapters/dynamo/tables.py, the one source the local
stack and the tests also create tables from; copying them by hand into YAML is how keys and indexes
drift. tests/deploy/test_infra.py fails when a checked-in file differs from what this writes.

Files:
* infra/stack.json          — deployment path (a): one stack per stage, deployed before
                               `chalice deploy` (tables, bucket, DLQ, topics, delivery queues, people
                               key, user pool and its hosted UI domain, the web console's bucket and
                               CloudFront distribution (console.py), generated secrets, log groups,
                               alarms, dashboard, and
                               the deploy-state bucket and lock table of state.py).
* infra/chalice-merge.json  — deployment path (b): `chalice package --merge-template` folds the
                               same resources, the event-source settings and the env wiring into
                               the app's own stack.
* .chalice/policy-<stage>-<function>.json — each function's own IAM policy (policy.py; Chalice
                               cannot infer PynamoDB calls).

This module assembles the templates and writes the files. The parts live beside it:
conventions.py (names, stages, stream settings), resources.py (tables, bucket, DLQ, topics,
delivery queues, people key, user pool, log groups, deploy state), alarms.py (CloudWatch alarms),
dashboard.py (the stage's dashboard), app_settings.py (the app's environment, its secrets and the
stack outputs that carry them) and policy.py (the IAM policies).
"""
from __future__ import annotations

import argparse
import copy
import json
import sys
from pathlib import Path

from .alarms import DURATION_ALARM_SHARE, alarms, duration_setting
from .app_settings import (
    PASSED_THROUGH,
    app_settings,
    function_secrets,
    generated_secrets,
    has_setting,
    output_name,
    stack_outputs,
)
from .console import console_hosting, console_outputs
from .conventions import (
    ACCESS_LOG_FORMAT,
    API_IP_LIMIT_PER_MINUTE,
    API_STAGE,
    API_THROTTLING,
    DELIVERY_CHANNELS,
    FUNCTIONS,
    LOG_RETENTION_DAYS,
    ROOT,
    STAGES,
    STREAM_MAPPING_SETTINGS,
    STREAMED_TABLE,
    chalice_function,
    logical_function,
    logical_table,
    path_a_function_names,
    path_b_function_names,
    sub,
)
from .dashboard import dashboard
from .gateway import SAM_REST_API, gateway_responses
from .policy import lambda_policy, policy_file
from .resources import (
    COGNITO_TRIGGERS,
    api_access_logs,
    api_firewall,
    bucket,
    deploy_state,
    log_groups,
    logical_queue,
    notify_queues,
    people_key,
    queues_and_topics,
    tables,
    user_pool,
)


def resources(triggers: dict, names: dict) -> dict:
    """Every resource of a stage; `triggers` as resources.user_pool takes them, `names` the
    functions' names as alarms.alarms takes them."""
    res = tables()
    res.update(bucket())
    res.update(queues_and_topics())
    res.update(notify_queues())
    res.update(people_key())
    res.update(user_pool(triggers))
    res.update(console_hosting())
    res.update(generated_secrets())
    res.update(log_groups(names))
    res.update(api_access_logs())
    res.update(api_firewall())
    watch = alarms(names)
    res.update(watch)
    res.update(dashboard(names, list(watch)))
    return res


def _optional(description: str, pattern: str) -> dict:
    return {"Type": "String", "Default": "", "AllowedPattern": f"^$|^{pattern}$",
            "Description": f"optional: {description}"}


PARAMETERS = {
    "Stage": {"Type": "String", "AllowedValues": list(STAGES),
              "Description": "the Chalice stage these resources serve (names: lampungin-<Stage>-*)"},
    "DeletionProtection": {"Type": "String", "AllowedValues": ["true", "false"], "Default": "true",
                           "Description": "tables and user pool refuse deletion; set false to tear down"},
    "ManageApiGatewayAccount": {
        "Type": "String", "AllowedValues": ["true", "false"], "Default": "true",
        "Description": "set the account's API Gateway logging role (needed for access logs; one per "
                       "account and region): false when another stage's stack in this account has it"},
    "AlarmEmail": {"Type": "String", "Default": "",
                   "Description": "optional: who gets the alarms by e-mail (confirm the subscription)"},
    "OnCallUrl": _optional("the on-call tool's HTTPS endpoint for the alarms topic (PagerDuty, Opsgenie, "
                           "a chat webhook; confirm the subscription)", "https://.+"),
    "SesIdentityArn": _optional(
        "the SES identity (verified domain or address) the user pool sends its e-mails from; "
        "empty: Cognito's own sender (a few e-mails a day)", r"arn:aws[a-z-]*:ses:[a-z0-9-]+:[0-9]{12}:identity/.+"),
    "EmailSender": {"Type": "String", "Default": "", "MaxLength": 320,
                    "Description": "optional: From of notification e-mails and of the user pool's, e.g. "
                                   "'Lampung In <noreply@lampungin.lampungprov.go.id>' (an SES-verified "
                                   "identity); empty: the app's default"},
    "PushPlatformApplicationArn": _optional(
        "the SNS platform application (FCM/APNs) of the mobile app; empty: no push",
        r"arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:app/.+"),
    "TwilioAccountSid": _optional("Twilio account SID (SMS, WhatsApp); empty: neither", "AC[0-9a-fA-F]{32}"),
    "TwilioSmsFrom": _optional("Twilio SMS sender: an E.164 number or a messaging service SID",
                               r"(\+[1-9][0-9]{6,14}|MG[0-9a-fA-F]{32})"),
    "TwilioWhatsappFrom": _optional("Twilio WhatsApp sender (E.164, with or without `whatsapp:`)",
                                    r"(whatsapp:)?\+[1-9][0-9]{6,14}"),
    "LaporBaseUrl": _optional("the SP4N-LAPOR! exchange interface's base URL; empty: no exchange", "https://.+"),
}
# Path (a) only: the user pool's triggers are Chalice's functions, deployed after this stack.
TRIGGER_PARAMETERS = {
    "PostConfirmationFunctionArn": ("PostConfirmation", "HasPostConfirmationFunction", _optional(
        "ARN of lampungin-<Stage>-cognito_post_confirmation (after `chalice deploy`; docs/deploy.md)",
        r"arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?")),
    "PreTokenFunctionArn": ("PreTokenGeneration", "HasPreTokenFunction", _optional(
        "ARN of lampungin-<Stage>-cognito_pre_token (after `chalice deploy`; docs/deploy.md)",
        r"arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?")),
}
# Path (b) only: the Twilio auth token, NoEcho, into the Lambdas' environment (Secrets Manager next).
SECRET_PARAMETERS = {
    "TwilioAuthToken": {"Type": "String", "Default": "", "NoEcho": True,
                        "Description": "optional: Twilio auth token (kept out of outputs and logs; "
                                       "belongs in Secrets Manager, see docs/deploy.md)"},
    "LaporToken": {"Type": "String", "Default": "", "NoEcho": True,
                   "Description": "optional: the SP4N-LAPOR! interface's bearer token (kept out of outputs "
                                  "and logs; see docs/deploy.md)"},
}


def _given(parameter: str) -> dict:
    return {"Fn::Not": [{"Fn::Equals": [{"Ref": parameter}, ""]}]}


CONDITIONS = {
    "Protect": {"Fn::Equals": [{"Ref": "DeletionProtection"}, "true"]},
    "ManagesApiGatewayAccount": {"Fn::Equals": [{"Ref": "ManageApiGatewayAccount"}, "true"]},
    "IsProd": {"Fn::Equals": [{"Ref": "Stage"}, "prod"]},
    "HasAlarmEmail": _given("AlarmEmail"),
    "HasOnCallUrl": _given("OnCallUrl"),
    "HasSesIdentity": _given("SesIdentityArn"),
    **{has_setting(name): _given(output_name(name)) for name in PASSED_THROUGH},
}


def chalice_config() -> dict:
    return json.loads((ROOT / ".chalice" / "config.json").read_text(encoding="utf-8"))


def function_timeout(config: dict, stage: str, which: str) -> int:
    """A function's timeout (s) as Chalice reads it: the function's, else the stage's, else the app's."""
    stage_cfg = config["stages"][stage]
    own = stage_cfg.get("lambda_functions", {}).get(chalice_function(which), {})
    return int(own.get("lambda_timeout", stage_cfg.get("lambda_timeout", config.get("lambda_timeout", 60))))


def stage_settings() -> dict:
    """Per stage, for both templates (mapping StageSettings): the logs' retention, the web origin
    the attachments bucket lets browsers in from (CORS_ALLOW_ORIGIN, as the API answers; `*`
    when unset) and each function's duration alarm threshold (alarms.DURATION_ALARM_SHARE of its
    timeout in .chalice/config.json)."""
    config = chalice_config()
    out = {}
    for stage in STAGES:
        env = config["stages"][stage].get("environment_variables", {})
        row: dict = {"LogRetentionDays": LOG_RETENTION_DAYS[stage],
                     "ApiIpLimitPerMinute": API_IP_LIMIT_PER_MINUTE[stage],
                     "CorsOrigin": env.get("CORS_ALLOW_ORIGIN") or "*"}
        for which in FUNCTIONS:
            row[duration_setting(which)] = int(function_timeout(config, stage, which) * 1000 * DURATION_ALARM_SHARE)
        out[stage] = row
    return out


# --- path (a): the resources stack -----------------------------------------------------------------
def stack_template() -> dict:
    """Path (a): the resources stack, deployed before `chalice deploy --stage <Stage>`; its user
    pool's triggers are given as parameters once the functions exist (docs/deploy.md)."""
    triggers = {key: ({"Ref": param}, condition) for param, (key, condition, _) in TRIGGER_PARAMETERS.items()}
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "Lampung In: tables, attachments bucket, stream DLQ, topics, delivery queues, "
                       "people key, user pool (and its hosted UI), the web console's bucket and "
                       "CloudFront distribution, secrets, log groups, alarms, dashboard and deploy state "
                       "of one stage (generated by lampungin/deploy/infra.py from "
                       "chalicelib/adapters/dynamo/tables.py)",
        "Parameters": {**PARAMETERS, **{p: spec for p, (_, _, spec) in TRIGGER_PARAMETERS.items()}},
        "Conditions": {**CONDITIONS, **{c: _given(p) for p, (_, c, _) in TRIGGER_PARAMETERS.items()}},
        "Mappings": {"StageSettings": stage_settings()},
        "Resources": {**resources(triggers, path_a_function_names()), **deploy_state()},
        "Outputs": {**stack_outputs(deploy_state=True), **console_outputs()},
    }


# --- path (b): chalice package --merge-template --------------------------------------------------
# Logical ids Chalice 1.34 gives the app's resources in its SAM output: conventions.logical_function.
# The functions that get the app's settings (the triggers do not: the user pool refers to them,
# and their settings refer to the pool — a cycle; a trigger needs only its event)
SAM_FUNCTIONS = {which: logical_function(which) for which in FUNCTIONS if which not in COGNITO_TRIGGERS.values()}
SAM_TRIGGERS = {key: logical_function(which) for key, which in COGNITO_TRIGGERS.items()}
SAM_STREAM_EVENT = "ComplaintChangesDynamodbEventSource"


def stage_api_settings() -> dict:
    """Per stage: the throttling of conventions.API_THROTTLING and the CORS origin the stage's
    app answers with (CORS_ALLOW_ORIGIN in .chalice/config.json, `*` when unset), as a
    CloudFormation mapping keyed by the Stage parameter."""
    config = chalice_config()
    out = {}
    for stage in STAGES:
        env = config.get("stages", {}).get(stage, {}).get("environment_variables", {})
        out[stage] = {"RateLimit": API_THROTTLING[stage]["rate"], "BurstLimit": API_THROTTLING[stage]["burst"],
                      "CorsOrigin": f"'{env.get('CORS_ALLOW_ORIGIN') or '*'}'"}
    return out


def _stage_setting(name: str) -> dict:
    return {"Fn::FindInMap": ["StageApi", {"Ref": "Stage"}, name]}


def rest_api_settings() -> dict:
    """What the merge template adds to Chalice's REST API: the gateway responses in the
    contract's shape (gateway.py) and the stage's throttling for every method."""
    return {"Properties": {
        "DefinitionBody": {"x-amazon-apigateway-gateway-responses":
                           gateway_responses(_stage_setting("CorsOrigin"))},
        "AccessLogSetting": {"DestinationArn": {"Fn::GetAtt": ["ApiAccessLogGroup", "Arn"]},
                             "Format": ACCESS_LOG_FORMAT},
        "MethodSettings": [{"ResourcePath": "/*", "HttpMethod": "*",
                            "ThrottlingRateLimit": _stage_setting("RateLimit"),
                            "ThrottlingBurstLimit": _stage_setting("BurstLimit")}],
    }}


def merge_template() -> dict:
    """Deep-merged by Chalice into its SAM template: one stack with the app and its resources.
    The functions' settings become references, so nothing from a stack output is copied by hand."""
    res = resources({key: ({"Fn::GetAtt": [logical, "Arn"]}, None) for key, logical in SAM_TRIGGERS.items()},
                    path_b_function_names())
    for which, logical in SAM_FUNCTIONS.items():
        variables = {**app_settings(secrets=True), **function_secrets(which)}
        res[logical] = {"Properties": {"Environment": {"Variables": copy.deepcopy(variables)}}}
    for channel in DELIVERY_CHANNELS:
        # Chalice's SQS event names the queue by ARN text: without the dependency the stack could
        # create the event source mapping before the queue.
        res[SAM_FUNCTIONS[f"deliver_{channel}"]]["DependsOn"] = [logical_queue(channel)]
    res[SAM_FUNCTIONS["stream"]]["Properties"]["Events"] = {SAM_STREAM_EVENT: {"Properties": {
        "Stream": {"Fn::GetAtt": [logical_table(STREAMED_TABLE), "StreamArn"]},
        **copy.deepcopy(STREAM_MAPPING_SETTINGS),
        "DestinationConfig": {"OnFailure": {
            "Type": "SQS", "Destination": {"Fn::GetAtt": ["StreamDeadLetterQueue", "Arn"]}}},
    }}}
    res[SAM_REST_API] = rest_api_settings()
    res["ApiWebAclAssociation"] = {       # path (a): chalice_deploy api-settings associates it
        "Type": "AWS::WAFv2::WebACLAssociation", "DependsOn": [f"{SAM_REST_API}{API_STAGE}Stage"],
        "Properties": {"WebACLArn": {"Fn::GetAtt": ["ApiWebAcl", "Arn"]}, "ResourceArn": sub(
            f"arn:${{AWS::Partition}}:apigateway:${{AWS::Region}}::/restapis/${{{SAM_REST_API}}}/stages/{API_STAGE}")}}
    return {"Parameters": {**PARAMETERS, **SECRET_PARAMETERS}, "Conditions": CONDITIONS,
            "Mappings": {"StageApi": stage_api_settings(), "StageSettings": stage_settings()},
            "Resources": res, "Outputs": {**stack_outputs(), **console_outputs()}}


# --- files --------------------------------------------------------------------------------------
def outputs() -> dict[Path, dict]:
    files = {ROOT / "infra" / "stack.json": stack_template(),
             ROOT / "infra" / "chalice-merge.json": merge_template()}
    for stage in STAGES:
        for which in FUNCTIONS:
            files[ROOT / ".chalice" / policy_file(stage, which)] = lambda_policy(stage, which)
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
