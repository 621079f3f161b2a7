"""infra/ and .chalice/ are generated from, or checked against, what the app really uses: the
tables of tables.py, the roles of the domain, the app's functions; and they lint clean."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from chalicelib.adapters.dynamo.tables import TABLES
from chalicelib.domain.model import Role
from lampungin.deploy import (
    alarms,
    app_settings,
    chalice_deploy,
    conventions,
    gateway,
    infra,
    package,
    policy,
    resources,
)

ROOT = Path(__file__).resolve().parents[2]
STACK = json.loads((ROOT / "infra" / "stack.json").read_text())
CONFIG = json.loads((ROOT / ".chalice" / "config.json").read_text())
CFN_LINT = Path(sys.executable).with_name("cfn-lint")


def resources_of(kind: str) -> dict:
    return {k: v for k, v in STACK["Resources"].items() if v["Type"] == kind}


def app_functions() -> set[str]:
    """The Lambdas app.py declares, by their Chalice names (the API handler, event handlers and
    plain Lambda functions such as the user pool's triggers)."""
    from app import app

    return ({"api_handler"} | {e.name for e in app.event_sources}
            | {f.name for f in app.pure_lambda_functions})


def test_checked_in_files_are_what_the_generator_writes():
    for path, doc in infra.outputs().items():
        assert path.read_text() == infra.render(doc), (
            f"{path.relative_to(ROOT)} is stale: run `.venv/bin/python -m lampungin.deploy.infra`")


def test_every_table_of_tables_py_is_in_the_stack_with_its_keys_indexes_and_protection():
    tables = {r["Properties"]["TableName"]["Fn::Sub"].removeprefix("lampungin-${Stage}-"): r
              for r in resources_of("AWS::DynamoDB::Table").values()}
    assert set(tables) == set(TABLES) | {"deploy-lock"}          # the lock: path (a)'s deploy tool
    for short, spec in TABLES.items():
        props = tables[short]["Properties"]
        for key in ("KeySchema", "AttributeDefinitions", "GlobalSecondaryIndexes", "BillingMode"):
            assert props.get(key) == spec.get(key), (short, key)
        assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
        assert props["SSESpecification"] == {"SSEEnabled": True}
        assert props["DeletionProtectionEnabled"] == {"Fn::If": ["Protect", True, False]}
    assert tables["complaints"]["Properties"]["StreamSpecification"] == {
        "StreamViewType": "KEYS_ONLY"}


def test_a_table_setting_without_a_cloudformation_mapping_fails_the_generator():
    with pytest.raises(ValueError, match="TimeToLive"):
        resources.table_resource("x", {**TABLES["timeline"], "TimeToLiveSpecification": {}})


def test_the_user_pool_has_the_contract_roles_and_an_opd_users_cannot_write():
    groups = {g["Properties"]["GroupName"] for g in resources_of("AWS::Cognito::UserPoolGroup").values()}
    assert groups == {r.value for r in Role}
    pool = STACK["Resources"]["UserPool"]["Properties"]
    # Cognito: `custom:opd` (auth.py, the staff directory), `custom:head` (the staff directory),
    # `custom:government` and `custom:unit` (auth.py: a kabupaten/kota's inspector, a unit's operator)
    assert [a["Name"] for a in pool["Schema"]] == ["opd", "head", "government", "unit"]
    client = STACK["Resources"]["UserPoolClient"]["Properties"]
    for attribute in ("custom:opd", "custom:head", "custom:government", "custom:unit"):
        assert attribute in client["ReadAttributes"] and attribute not in client["WriteAttributes"]
    assert client["GenerateSecret"] is False


def test_the_bucket_is_private_and_encrypted():
    bucket = STACK["Resources"]["AttachmentsBucket"]["Properties"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    policy = STACK["Resources"]["AttachmentsBucketPolicy"]["Properties"]["PolicyDocument"]
    assert policy["Statement"][0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_every_function_has_its_errors_throttles_and_duration_alarms_on_the_on_call_topic():
    alarms = resources_of("AWS::CloudWatch::Alarm")
    for which in conventions.FUNCTIONS:
        logical = conventions.logical_function(which)
        for kind, metric in (("Errors", "Errors"), ("Throttles", "Throttles"), ("Duration", "Duration")):
            props = alarms[f"{logical}{kind}Alarm"]["Properties"]
            assert props["MetricName"] == metric and props["Namespace"] == "AWS/Lambda"
            assert props["Dimensions"] == [{"Name": "FunctionName", "Value": {
                "Fn::Sub": f"lampungin-${{Stage}}{conventions.FUNCTIONS[which]}"}}]
    for name, alarm in alarms.items():
        props = alarm["Properties"]
        assert props["AlarmActions"] == props["OKActions"] == [{"Ref": "AlarmTopic"}], name
        assert props["AlarmName"] == {"Fn::Sub": f"lampungin-${{Stage}}-{name.removesuffix('Alarm')}"}
    assert {"DeadLetterAlarm", "StreamIteratorAgeAlarm", "SweepNotRunningAlarm", "SweepIncompleteAlarm",
            "SweepClockErrorsAlarm", "Api5xxAlarm", "ApiLatencyAlarm", "NotificationsFailedAlarm"} <= set(alarms)
    assert {f"{conventions.logical_table(t)}ThrottlesAlarm" for t in TABLES} <= set(alarms)
    subscriptions = resources_of("AWS::SNS::Subscription")
    assert subscriptions["OnCallSubscription"]["Properties"]["Protocol"] == "https"
    assert subscriptions["OnCallSubscription"]["Condition"] == "HasOnCallUrl"


def test_duration_alarms_fire_at_80_percent_of_each_functions_timeout_in_each_stage():
    for template in (STACK, json.loads((ROOT / "infra" / "chalice-merge.json").read_text())):
        rows = template["Mappings"]["StageSettings"]
        for stage in conventions.STAGES:
            functions = CONFIG["stages"][stage]["lambda_functions"]
            for which in conventions.FUNCTIONS:
                timeout = functions[conventions.chalice_function(which)]["lambda_timeout"]
                assert rows[stage][f"{conventions.logical_function(which)}DurationAlarmMs"] == timeout * 800
            assert rows[stage]["LogRetentionDays"] == conventions.LOG_RETENTION_DAYS[stage]


def test_every_function_has_a_log_group_that_expires():
    groups = resources_of("AWS::Logs::LogGroup")
    assert {g["Properties"]["LogGroupName"]["Fn::Sub"] for g in groups.values()} == {
        f"/aws/lambda/lampungin-${{Stage}}{suffix}" for suffix in conventions.FUNCTIONS.values()} | {
        "/aws/apigateway/lampungin-${Stage}-access"}          # and the API's access log
    for group in groups.values():
        assert group["Properties"]["RetentionInDays"] == {
            "Fn::FindInMap": ["StageSettings", {"Ref": "Stage"}, "LogRetentionDays"]}
    assert set(conventions.LOG_RETENTION_DAYS.values()) <= {1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365,
                                                            400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}


def test_every_app_setting_the_deploy_tool_copies_is_a_stack_output():
    for name in chalice_deploy.FROM_STACK + ("STAGE", "TABLE_PREFIX"):
        assert app_settings.output_name(name) in STACK["Outputs"], name


def test_stages_have_their_own_names_policy_and_no_secrets():
    assert set(CONFIG["stages"]) == set(conventions.STAGES)
    assert CONFIG["autogen_policy"] is False
    functions = app_functions()
    assert functions == {conventions.chalice_function(which) for which in conventions.FUNCTIONS}
    for stage, cfg in CONFIG["stages"].items():
        env = cfg["environment_variables"]
        assert env["STAGE"] == stage and env["TABLE_PREFIX"] == conventions.table_prefix(stage)
        assert "iam_policy_file" not in cfg            # each function names its own (no shared fallback)
        for which in conventions.FUNCTIONS:
            own = cfg["lambda_functions"][conventions.chalice_function(which)]["iam_policy_file"]
            assert own == policy.policy_file(stage, which) and (ROOT / ".chalice" / own).is_file()
        assert set(cfg["lambda_functions"]) == functions
        assert all(f["lambda_timeout"] <= 29 for n, f in cfg["lambda_functions"].items()
                   if n == "api_handler")                        # API Gateway's own limit
        assert isinstance(cfg["xray"], bool)
        if stage != "dev":       # a new account (concurrency quota 10) cannot reserve any: dev
            assert cfg["lambda_functions"]["sweep"]["reserved_concurrency"] == 1
        for key in env:
            assert not any(word in key for word in ("SECRET", "PASSWORD", "PRIVATE", "ACCESS_KEY"))
    levels = {s: c["environment_variables"]["LOG_LEVEL"] for s, c in CONFIG["stages"].items()}
    assert levels["prod"] == "INFO" and levels["dev"] == "DEBUG"


def policy_of(stage: str, which: str) -> dict:
    return json.loads((ROOT / ".chalice" / policy.policy_file(stage, which)).read_text())


def test_each_functions_policy_names_only_its_stages_resources():
    for stage in conventions.STAGES:
        others = [s for s in conventions.STAGES if s != stage]
        for which in conventions.FUNCTIONS:
            text = json.dumps(policy_of(stage, which))
            assert not any(f"lampungin-{other}-" in text or f"lampungin-{other}*" in text for other in others)
            for statement in policy_of(stage, which)["Statement"]:
                assert "*" not in statement["Action"] and not any(a.endswith(":*") for a in statement["Action"])
                assert statement["Resource"] != "*" or statement["Sid"] == "Tracing", (which, statement["Sid"])
    stream = json.dumps(policy_of("prod", "stream"))
    assert "arn:aws:dynamodb:*:*:table/lampungin-prod-complaints/stream/*" in stream
    assert all("/stream/" not in json.dumps(policy_of("prod", w)) for w in conventions.FUNCTIONS if w != "stream")


def test_cfn_lint_is_clean_on_the_stack():
    proc = subprocess.run([str(CFN_LINT), str(ROOT / "infra" / "stack.json")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.slow
def test_chalice_package_with_the_merge_template_is_one_stack_that_lints_clean(tmp_path):
    """Path (b): the SAM template Chalice writes, with infra/chalice-merge.json merged in. The
    project copy has no requirements (the zip itself is `make package`'s business)."""
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "app.py", project)
    shutil.copytree(ROOT / "chalicelib", project / "chalicelib", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / ".chalice", project / ".chalice", ignore=shutil.ignore_patterns("deploy*"))
    (project / "requirements.txt").write_text("")
    out = tmp_path / "out"
    proc = subprocess.run([str(Path(sys.executable).with_name("chalice")), "--project-dir", str(project),
                           "package", "--stage", "prod", "--merge-template",
                           str(ROOT / "infra" / "chalice-merge.json"), str(out)],
                          capture_output=True, text=True, env={**__import__("os").environ,
                                                               "AWS_DEFAULT_REGION": "ap-southeast-3"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    package.finish_sam(out / "sam.json", "prod")                 # what `make package` does next
    sam = json.loads((out / "sam.json").read_text())
    assert_rest_api_answers_in_the_contracts_shape(sam["Resources"]["RestAPI"]["Properties"])
    for logical in infra.SAM_FUNCTIONS.values():          # the merge hit Chalice's own resources
        assert sam["Resources"][logical]["Type"] == "AWS::Serverless::Function", logical
        env = sam["Resources"][logical]["Properties"]["Environment"]["Variables"]
        assert env["COMPLAINTS_STREAM_ARN"] == {"Fn::GetAtt": ["ComplaintsTable", "StreamArn"]}
        assert env["USER_POOL_ID"] == {"Ref": "UserPool"} and env["TWILIO_AUTH_TOKEN"] == {"Ref": "TwilioAuthToken"}
        assert env["LOG_LEVEL"] == "INFO"                  # the stage's own setting survives
    pool = sam["Resources"]["UserPool"]["Properties"]
    for key, logical in infra.SAM_TRIGGERS.items():       # the triggers are Chalice's functions
        assert sam["Resources"][logical]["Type"] == "AWS::Serverless::Function", logical
        assert pool["LambdaConfig"][key] == {"Ref": f"{logical}.Alias"}     # through the alias live
    # safe releases (release.py): every function is released by CodeDeploy through its alias live
    # with prod's canary, rolled back on the release alarms; the REST API calls the alias
    functions = {k: v for k, v in sam["Resources"].items() if v["Type"] == "AWS::Serverless::Function"}
    assert len(functions) == len(conventions.FUNCTIONS)
    triggers = set(infra.SAM_TRIGGERS.values())
    for logical, fn in functions.items():
        assert fn["Properties"]["AutoPublishAlias"] == "live"
        preference = fn["Properties"]["DeploymentPreference"]
        assert preference["Type"] == "Canary10Percent10Minutes"
        # the pool's triggers: their own error alarms (the others would make a circular dependency)
        wanted = {f"{t}ErrorsAlarm" for t in triggers} if logical in triggers else set(alarms.RELEASE_ALARMS)
        assert {a["Ref"] for a in preference["Alarms"]} == wanted, logical
        assert set(alarms.RELEASE_ALARMS) <= set(sam["Resources"])
    uris = json.dumps(sam["Resources"]["RestAPI"]["Properties"]["DefinitionBody"])
    assert "${APIHandler.Arn}" not in uris and "${APIHandlerAliaslive}" in uris
    assert sam["Resources"]["APIHandlerInvokePermission"]["Properties"]["FunctionName"] == {"Ref": "APIHandler.Alias"}
    for channel in conventions.DELIVERY_CHANNELS:         # each worker on its own queue, made first
        logical = infra.SAM_FUNCTIONS[f"deliver_{channel}"]
        fn = sam["Resources"][logical]
        (event,) = fn["Properties"]["Events"].values()
        assert event["Type"] == "SQS" and event["Properties"]["BatchSize"] == 1
        assert event["Properties"]["Queue"]["Fn::Sub"].endswith(f":lampungin-prod-notify-{channel}")
        assert fn["DependsOn"] == [resources.logical_queue(channel)]
    event = sam["Resources"]["ComplaintChanges"]["Properties"]["Events"][infra.SAM_STREAM_EVENT]
    assert event["Type"] == "DynamoDB" and event["Properties"]["BatchSize"] == 100
    for key, value in conventions.STREAM_MAPPING_SETTINGS.items():
        assert event["Properties"][key] == value
    assert sam["Resources"]["Sweep"]["Properties"]["Tracing"] == "Active"      # prod: xray on
    lint = subprocess.run([str(CFN_LINT), str(out / "sam.json")], capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout + lint.stderr


# --- issue 10: API Gateway's own answers, 405s and throttling ------------------------------------
def assert_rest_api_answers_in_the_contracts_shape(rest_api: dict) -> None:
    """The packaged REST API (path b): every route's path has an ANY method on the API Lambda
    (so another method reaches the app's 405), the gateway responses are ours, the stage throttles."""
    import app as app_module

    paths = rest_api["DefinitionBody"]["paths"]
    for route in app_module.app.routes:
        methods = paths[route]
        assert methods[gateway.ANY]["x-amazon-apigateway-integration"] == next(
            m["x-amazon-apigateway-integration"] for k, m in methods.items() if k not in ("options", gateway.ANY))
    responses = rest_api["DefinitionBody"][gateway.RESPONSES]
    assert responses["MISSING_AUTHENTICATION_TOKEN"]["statusCode"] == "404"
    assert {"DEFAULT_4XX", "DEFAULT_5XX", "THROTTLED"} <= set(responses)
    (settings,) = rest_api["MethodSettings"]
    assert (settings["ResourcePath"], settings["HttpMethod"]) == ("/*", "*")


def test_every_gateway_response_is_the_contracts_shape_and_echoes_nothing():
    responses = gateway.gateway_responses("'*'")
    assert {"MISSING_AUTHENTICATION_TOKEN", "DEFAULT_4XX", "DEFAULT_5XX"} <= set(responses)
    for kind, response in responses.items():
        (template,) = response["responseTemplates"].values()
        assert "$" not in template, kind          # no $context.error.message: it repeats the token
        err = json.loads(template)["error"]
        assert set(err) == {"code", "message", "details"} and err["message"] and err["details"] == []
        assert not any("method.request" in str(v) for v in response["responseParameters"].values()), kind
        assert response["responseParameters"]["gatewayresponse.header.Content-Language"] == "'id'"
    assert responses["MISSING_AUTHENTICATION_TOKEN"]["statusCode"] == "404"
    assert json.loads(responses["MISSING_AUTHENTICATION_TOKEN"]["responseTemplates"]["application/json"])[
        "error"]["code"] == "route_not_found"
    assert responses["THROTTLED"]["responseParameters"]["gatewayresponse.header.Retry-After"] == "'1'"
    assert "statusCode" not in responses["DEFAULT_4XX"]      # keeps API Gateway's own 4xx status


def test_the_gateway_404_is_what_the_app_answers_locally():
    from chalicelib.api.http import unknown_route

    local = unknown_route({})
    template = gateway.gateway_responses("'*'")["MISSING_AUTHENTICATION_TOKEN"]["responseTemplates"]
    assert json.loads(local["body"]) == json.loads(template["application/json"])


def test_the_merge_template_maps_the_gateway_responses_and_throttles_each_stage():
    merge = json.loads((ROOT / "infra" / "chalice-merge.json").read_text())
    rest_api = merge["Resources"][gateway.SAM_REST_API]["Properties"]
    assert rest_api["DefinitionBody"][gateway.RESPONSES] == gateway.gateway_responses(
        {"Fn::FindInMap": ["StageApi", {"Ref": "Stage"}, "CorsOrigin"]})
    (settings,) = rest_api["MethodSettings"]
    assert settings["ThrottlingRateLimit"] == {"Fn::FindInMap": ["StageApi", {"Ref": "Stage"}, "RateLimit"]}
    for stage in conventions.STAGES:
        row = merge["Mappings"]["StageApi"][stage]
        wanted = conventions.API_THROTTLING[stage]
        assert (row["RateLimit"], row["BurstLimit"]) == (wanted["rate"], wanted["burst"])
        assert 0 < row["RateLimit"] <= row["BurstLimit"]
        origin = CONFIG["stages"][stage]["environment_variables"].get("CORS_ALLOW_ORIGIN") or "*"
        assert row["CorsOrigin"] == f"'{origin}'"


def test_any_methods_copy_the_routes_lambda_integration_and_leave_options_alone():
    doc = {"paths": {
        "/v1/x/{id}": {"get": {"parameters": [{"name": "id", "in": "path"}], "responses": {},
                               "x-amazon-apigateway-integration": {"type": "aws_proxy", "uri": "U"}},
                       "options": {"x-amazon-apigateway-integration": {"type": "mock", "responses": {
                           "default": {"responseParameters": {
                               "method.response.header.Access-Control-Allow-Origin": "'https://web'"}}}}}},
        "/mock-only": {"options": {"x-amazon-apigateway-integration": {"type": "mock"}}}}}
    out = gateway.extend_swagger(doc)
    any_op = out["paths"]["/v1/x/{id}"][gateway.ANY]
    assert any_op["x-amazon-apigateway-integration"] == {"type": "aws_proxy", "uri": "U"}
    assert any_op["parameters"] == [{"name": "id", "in": "path"}]
    assert gateway.ANY not in out["paths"]["/mock-only"] and gateway.ANY not in doc["paths"]["/v1/x/{id}"]
    assert out[gateway.RESPONSES]["DEFAULT_4XX"]["responseParameters"][
        "gatewayresponse.header.Access-Control-Allow-Origin"] == "'https://web'"
    assert gateway.extend_swagger(out) == out                   # idempotent


# --- issue 11: the user pool's triggers and e-mail, the delivery queues, the people key ----------
def test_each_channel_has_its_queue_named_as_the_app_names_it_with_a_dead_letter_queue():
    from chalicelib.config import from_env

    queues = resources_of("AWS::SQS::Queue")
    for channel in conventions.DELIVERY_CHANNELS:
        props = queues[resources.logical_queue(channel)]["Properties"]
        for stage in conventions.STAGES:
            name = props["QueueName"]["Fn::Sub"].replace("${Stage}", stage)
            assert name == from_env({"STAGE": stage}).queue_name(channel)
        dlq = queues[resources.logical_queue(channel, dead_letter=True)]["Properties"]
        assert dlq["QueueName"]["Fn::Sub"] == props["QueueName"]["Fn::Sub"] + "-dlq"
        assert props["RedrivePolicy"] == {"deadLetterTargetArn": {"Fn::GetAtt": [
            resources.logical_queue(channel, dead_letter=True), "Arn"]}, "maxReceiveCount": 3}
        assert dlq["MessageRetentionPeriod"] == 14 * 24 * 3600
        assert props["SqsManagedSseEnabled"] is dlq["SqsManagedSseEnabled"] is True
        for stage in conventions.STAGES:       # SQS refuses a mapping whose function outlasts the visibility
            worker = CONFIG["stages"][stage]["lambda_functions"][f"deliver_{channel}"]
            assert props["VisibilityTimeout"] == 90 >= worker["lambda_timeout"]
        assert f"{resources.logical_queue(channel, dead_letter=True)}Alarm" in STACK["Resources"]


def test_the_people_key_rotates_and_only_it_serves_the_lambdas_personal_data():
    key = STACK["Resources"]["PeopleKey"]["Properties"]
    assert key["EnableKeyRotation"] is True
    alias = STACK["Resources"]["PeopleKeyAlias"]["Properties"]
    assert alias["TargetKeyId"] == {"Ref": "PeopleKey"}
    assert STACK["Outputs"]["PeopleKmsKey"]["Value"] == {"Fn::GetAtt": ["PeopleKey", "Arn"]}
    for stage in conventions.STAGES:
        for which in conventions.FUNCTIONS:
            found = [s for s in policy_of(stage, which)["Statement"] if s["Sid"] == "PeopleKey"]
            if which not in policy.PEOPLE_KEY:
                assert found == [], which
                continue
            (people,) = found
            assert people["Action"] == (["kms:Decrypt", "kms:Encrypt"] if which == "api" else ["kms:Decrypt"])
            assert people["Condition"]["ForAnyValue:StringEquals"]["kms:ResourceAliases"] == \
                alias["AliasName"]["Fn::Sub"].replace("${Stage}", stage)


def test_each_delivery_worker_reaches_only_its_own_queue_and_the_queueing_functions_every_queue():
    def allowed(which: str) -> dict:
        out: dict = {}
        for statement in policy_of("prod", which)["Statement"]:
            targets = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
            for action in statement["Action"]:
                out.setdefault(action, set()).update(targets)
        return out

    queue = "arn:aws:sqs:*:*:lampungin-prod-notify-{}".format
    for channel in conventions.DELIVERY_CHANNELS:
        mine = allowed(f"deliver_{channel}")
        for action in ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility",
                       "sqs:GetQueueAttributes"):
            assert mine[action] == {queue(channel)}, (channel, action)
        assert mine["sqs:SendMessage"] == {queue(channel) + "-dlq"}
        assert ("ses:SendEmail" in mine) == (channel == "email")
        assert ("sns:CreatePlatformEndpoint" in mine) == (channel == "push")
        assert not any(a.startswith("cognito-idp:") for a in mine)
    assert allowed("stream")["sqs:SendMessage"] == {queue(ch) for ch in conventions.DELIVERY_CHANNELS} | {
        "arn:aws:sqs:*:*:lampungin-prod-complaints-stream-dlq"}
    assert allowed("sweep")["sqs:SendMessage"] == {queue(ch) for ch in conventions.PERSON_CHANNELS}   # staff only
    ambient = {"logs:CreateLogStream", "logs:PutLogEvents", "xray:PutTelemetryRecords", "xray:PutTraceSegments"}
    assert allowed("post_confirmation").keys() - ambient == {"cognito-idp:AdminAddUserToGroup",
                                                             "cognito-idp:AdminListGroupsForUser"}
    assert not any(a.startswith("cognito-idp:AdminDelete") or a == "kms:*" or a.endswith(":*")
                   for w in conventions.FUNCTIONS for a in allowed(w))
    # X-Ray only where the stage traces
    assert not any(a.startswith("xray:") for a in json.dumps(policy_of("dev", "api")).split('"'))
    assert "xray:PutTraceSegments" in json.dumps(policy_of("prod", "api"))


def test_path_a_takes_the_trigger_functions_as_parameters_and_grants_cognito_the_call():
    pool = STACK["Resources"]["UserPool"]["Properties"]
    assert pool["MfaConfiguration"] == "OPTIONAL" and pool["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]
    for param, (key, condition, _) in infra.TRIGGER_PARAMETERS.items():
        assert STACK["Parameters"][param]["Default"] == ""
        assert pool["LambdaConfig"][key] == {"Fn::If": [condition, {"Ref": param}, {"Ref": "AWS::NoValue"}]}
        permission = STACK["Resources"][f"UserPool{key}Permission"]
        assert permission["Condition"] == condition
        assert permission["Properties"]["Principal"] == "cognito-idp.amazonaws.com"
        assert permission["Properties"]["SourceArn"] == {"Fn::GetAtt": ["UserPool", "Arn"]}
        assert permission["Properties"]["FunctionName"] == {"Ref": param}
    merge = json.loads((ROOT / "infra" / "chalice-merge.json").read_text())
    assert not set(infra.TRIGGER_PARAMETERS) & set(merge["Parameters"])
    merged_pool = merge["Resources"]["UserPool"]["Properties"]
    for key, logical in infra.SAM_TRIGGERS.items():
        assert merged_pool["LambdaConfig"][key] == {"Fn::GetAtt": [logical, "Arn"]}
        assert "Condition" not in merge["Resources"][f"UserPool{key}Permission"]
        assert logical not in merge["Resources"]      # no settings: they would make a cycle with the pool
    assert set(infra.SAM_TRIGGERS.values()) == {"CognitoPostConfirmation", "CognitoPreToken"}


def test_the_user_pool_sends_through_ses_when_given_an_identity():
    from tests.deploy.cfn import Resolver

    config = STACK["Resources"]["UserPool"]["Properties"]["EmailConfiguration"]
    given = Resolver({"SesIdentityArn": "arn:aws:ses:ap-southeast-3:123456789012:identity/lampungprov.go.id",
                      "EmailSender": "Lampung In <noreply@lampungprov.go.id>", "AWS::NoValue": None},
                     {"HasSesIdentity": True, "HasEmailSender": True})
    assert given(config) == {"EmailSendingAccount": "DEVELOPER", "From": "Lampung In <noreply@lampungprov.go.id>",
                             "SourceArn": "arn:aws:ses:ap-southeast-3:123456789012:identity/lampungprov.go.id"}
    default = Resolver({"SesIdentityArn": "", "EmailSender": ""}, {"HasSesIdentity": False, "HasEmailSender": False})
    assert default(config) == {"EmailSendingAccount": "COGNITO_DEFAULT"}


def test_notification_settings_reach_the_app_and_the_twilio_token_is_never_an_output():
    for name in app_settings.PASSED_THROUGH:
        param = STACK["Parameters"][app_settings.output_name(name)]
        assert param["Default"] == ""
        assert STACK["Outputs"][app_settings.output_name(name)]["Condition"] == app_settings.has_setting(name)
    for name in ("USER_POOL_ID", "PEOPLE_KMS_KEY", *app_settings.PASSED_THROUGH):
        for stage, cfg in CONFIG["stages"].items():
            assert cfg["environment_variables"][name] == "" or name in chalice_deploy.FROM_STACK, (stage, name)
            assert name in cfg["environment_variables"], (stage, name)
    assert set(chalice_deploy.OPTIONAL_FROM_STACK) == set(app_settings.PASSED_THROUGH)
    merge = json.loads((ROOT / "infra" / "chalice-merge.json").read_text())
    assert merge["Parameters"]["TwilioAuthToken"]["NoEcho"] is True
    assert "TwilioAuthToken" not in STACK["Parameters"]
    for template in (STACK, merge):
        assert "TWILIO_AUTH_TOKEN" not in json.dumps(template["Outputs"])
    assert all("TWILIO_AUTH_TOKEN" not in cfg["environment_variables"] for cfg in CONFIG["stages"].values())


def test_the_new_functions_have_their_stage_settings():
    for stage, cfg in CONFIG["stages"].items():
        functions = cfg["lambda_functions"]
        for channel in conventions.DELIVERY_CHANNELS:
            own = {k: v for k, v in functions[f"deliver_{channel}"].items() if k != "iam_policy_file"}
            assert own == {"lambda_memory_size": 256, "lambda_timeout": 60}, stage
        for name in ("cognito_post_confirmation", "cognito_pre_token"):
            own = {k: v for k, v in functions[name].items() if k != "iam_policy_file"}
            assert own == {"lambda_memory_size": 256, "lambda_timeout": 10}, stage


# --- issue 15: the claim-code secret ----------------------------------------------------------------
def test_the_claim_code_secret_is_generated_by_the_stack_and_only_its_arn_leaves_it():
    secret = STACK["Resources"]["ClaimCodeSecret"]
    assert secret["Type"] == "AWS::SecretsManager::Secret"
    assert secret["Properties"]["GenerateSecretString"] == {"PasswordLength": 64, "ExcludePunctuation": True}
    assert "SecretString" not in secret["Properties"]                # no value in the template, ever
    assert STACK["Outputs"]["ClaimCodeSecretArn"]["Value"] == {"Ref": "ClaimCodeSecret"}   # a Ref is the ARN
    for template in (STACK, json.loads((ROOT / "infra" / "chalice-merge.json").read_text())):
        outputs = json.dumps(template["Outputs"])
        assert "resolve:secretsmanager" not in outputs and "CLAIM_CODE_SECRET\"" not in outputs
    for cfg in CONFIG["stages"].values():
        assert "CLAIM_CODE_SECRET" not in cfg["environment_variables"]


def test_a_secret_in_the_committed_stage_config_is_refused(tmp_path, monkeypatch):
    config = json.loads(json.dumps(CONFIG))
    config["stages"]["prod"]["environment_variables"]["CLAIM_CODE_SECRET"] = "k" * 64
    path = tmp_path / ".chalice" / "config.json"
    path.parent.mkdir()
    path.write_text(json.dumps(config))
    for name in policy.TABLE_ACCESS:
        (path.parent / policy.policy_file("prod", name)).write_text("{}")
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    problems = chalice_deploy.check_stage("prod", path, vendor=None)
    assert any("CLAIM_CODE_SECRET ada di .chalice/config.json" in p for p in problems), problems   # Indonesian
    # and in English with LANG=en, one language at a time
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    problems = chalice_deploy.check_stage("prod", path, vendor=None)
    assert any("CLAIM_CODE_SECRET is in .chalice/config.json" in p for p in problems), problems


def test_the_deploy_hands_each_function_only_its_own_secrets():
    from lampungin.deploy import chalice_cli

    add = chalice_cli.secrets_adder({"lampungin-prod": {"CLAIM_CODE_SECRET": "s3cret"}})
    api = {"FunctionName": "lampungin-prod", "Environment": {"Variables": {"STAGE": "prod"}}}
    add(api)
    assert api["Environment"]["Variables"] == {"STAGE": "prod", "CLAIM_CODE_SECRET": "s3cret"}
    created = {"FunctionName": "lampungin-prod"}                       # CreateFunction without an environment
    add(created)
    assert created["Environment"] == {"Variables": {"CLAIM_CODE_SECRET": "s3cret"}}
    worker = {"FunctionName": "lampungin-prod-deliver_email", "Environment": {"Variables": {"STAGE": "prod"}}}
    add(worker)
    assert worker["Environment"]["Variables"] == {"STAGE": "prod"}


def test_function_secrets_are_read_from_secrets_manager_for_the_functions_that_use_them(monkeypatch):
    import boto3
    from moto import mock_aws

    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_DEFAULT_REGION": "ap-southeast-3"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        session = boto3.session.Session()
        arn = session.client("secretsmanager").create_secret(Name="lampungin/prod/claim-code-secret",
                                                              SecretString="v" * 64)["ARN"]
        got = chalice_deploy.function_secrets(session, {"ClaimCodeSecretArn": arn}, "prod")
        assert got == {conventions.function_name("prod", w): {"CLAIM_CODE_SECRET": "v" * 64}
                       for w in ("api", "stream", "sweep")}
        with pytest.raises(chalice_deploy.DeployError, match="ClaimCodeSecretArn"):
            chalice_deploy.function_secrets(session, {}, "prod")
