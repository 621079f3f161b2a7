"""GIVEN an empty (moto) AWS account, WHEN DevOps follows docs/deploy.md path (b) for dev and then
for prod — `make package`'s sam.json (`chalice package` with infra/chalice-merge.json, then
package.finish_sam), the zip uploaded and every CodeUri made an s3:// address as `aws cloudformation
package` does, SAM's transform as CloudFormation runs it (aws-sam-translator, sam_transform.py),
one stack — THEN the stack is complete; every function runs python3.12 behind its alias `live`
with the stage's memory, timeout and log retention and its settings pointing at the stack's own
resources; the stream's and the queues' mappings, the schedules, the REST API and the user pool's
triggers all call the aliases; the deployed API function's own code answers a real request whose
stream record the deployed stream function then processes (deployed.py); a second deploy of the
same package changes nothing and creates nothing; deleting the stack leaves no function behind.

Adaptations for moto (test code only, each where it is needed):
* moto's CloudFormation has no SAM: the transform runs here, in .venv/sam (requirements-sam.txt).
* moto_sam.py: moto has no AWS::Lambda::Alias, its AWS::Lambda::Version answers no GetAtt and its
  AWS::ApiGateway::RestApi ignores the Body (Swagger, imported with chalice_on_moto.py's OpenAPI 3
  header).
* moto creates a resource's explicit DependsOn only when it reaches it in its own order, not when
  another resource's Ref reaches it first: each event-source mapping gets the DependsOn of the
  function behind its alias (in AWS the chain mapping → alias → version → function → queue holds).
* moto's stack skips Cognito: the pool, client and groups are made through the Cognito API from
  the template's own definition (as in test_deploy_smoke.py) and the template's references to them
  become those ids; the triggers are set afterwards from the template's LambdaConfig, on the
  aliases the stack made.
* moto's stack skips Secrets Manager and does not resolve dynamic references: the secret is made
  through the API from the template's definition and `{{resolve:secretsmanager:…}}` becomes its
  value. moto fails on KMS tags in CloudFormation's shape and on WAFv2: both left out (the web
  ACL is checked in test_deploy_smoke.py and test_api_settings.py), and so is the dashboard
  (its alarms are skipped); cfn-lint and test_consistency.py check all three.
* moto's Invoke needs Docker: deployed.py runs the zip moto holds for `<function>:live`; the zip
  is the project's code with an empty requirements.txt (the real zip: `make package`)."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from lampungin.deploy import app_settings, conventions, package
from tests.deploy import console_on_moto, deployed, moto_sam  # noqa: F401  (moto_sam: registers what moto lacks)
from tests.deploy.test_deploy_smoke import clone, cognito_from_template, console_bucket_name, secrets_from_template

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore:Tried to parse:UserWarning")]
ROOT = Path(__file__).resolve().parents[2]
STAGES = ("dev", "prod")
SAM_PYTHON = Path(sys.executable).parents[1] / "sam" / "bin" / "python"
CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"]
LEFT_OUT = ("AWS::CloudWatch::Dashboard", "AWS::WAFv2::WebACL", "AWS::WAFv2::WebACLAssociation")


def sam_package(project: Path, stage: str, out: Path, env: dict) -> dict:
    """`make package STAGE=…` without the vendored engine and the zip's own smoke run
    (test_package.py builds those): chalice package with the merge template, then finish_sam."""
    proc = subprocess.run([str(Path(sys.executable).with_name("chalice")), "--project-dir", str(project), "package",
                           "--stage", stage, "--merge-template", str(ROOT / "infra" / "chalice-merge.json"), str(out)],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    package.finish_sam(out / "sam.json", stage)
    return json.loads((out / "sam.json").read_text())


def cloudformation_package(session, sam: dict, zip_path: Path, bucket: str) -> dict:
    """What `aws cloudformation package` does: the zip into the artifacts bucket, each CodeUri its
    s3:// address."""
    s3 = session.client("s3")
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": session.region_name})
    key = "lampungin/deployment.zip"
    s3.upload_file(str(zip_path), bucket, key)
    for spec in sam["Resources"].values():
        if spec["Type"] == "AWS::Serverless::Function":
            assert spec["Properties"]["CodeUri"] == "./deployment.zip"
            spec["Properties"]["CodeUri"] = f"s3://{bucket}/{key}"
    return sam


def sam_transform(packaged: dict, stage: str, tmp: Path, env: dict) -> dict:
    assert SAM_PYTHON.exists(), f"{SAM_PYTHON} is missing: run `make sam-translator` (make test does)"
    (tmp / "packaged.json").write_text(json.dumps(packaged))
    proc = subprocess.run([str(SAM_PYTHON), str(Path(__file__).with_name("sam_transform.py")),
                           str(tmp / "packaged.json"), str(tmp / "transformed.json"), f"Stage={stage}"],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return json.loads((tmp / "transformed.json").read_text())


def literal(node, refs: dict, attrs: dict):
    """`node` with each Ref / GetAtt / `${…}` of a resource made outside the stack replaced by its
    value (what CloudFormation would have put there)."""
    if isinstance(node, list):
        return [literal(n, refs, attrs) for n in node]
    if not isinstance(node, dict):
        return node
    if len(node) == 1:
        ((fn, arg),) = node.items()
        if fn == "Ref" and arg in refs:
            return refs[arg]
        if fn == "Fn::GetAtt" and tuple(arg) in attrs:
            return attrs[tuple(arg)]
        if fn == "Fn::Sub" and isinstance(arg, str):
            return {fn: re.sub(r"\$\{([^}.]+)\}", lambda m: str(refs.get(m.group(1), m.group(0))), arg)}
    return {k: literal(v, refs, attrs) for k, v in node.items()}


def for_moto(session, template: dict, stage: str) -> tuple[dict, dict]:
    """The transformed template as moto can make it (module docstring), and what was made
    outside the stack: the Cognito outputs, the secret's value and the user pool's LambdaConfig."""
    res = template["Resources"]
    res["PeopleKey"]["Properties"].pop("Tags", None)
    for logical in [k for k, v in res.items() if v["Type"] in LEFT_OUT]:
        del res[logical]
    for spec in res.values():
        if spec["Type"] == "AWS::Lambda::EventSourceMapping":
            alias = res[spec["Properties"]["FunctionName"]["Ref"]]
            function = res[alias["Properties"]["FunctionName"]["Ref"]]
            spec["DependsOn"] = function.get("DependsOn", [])
    console = console_on_moto.distribution_from_template(     # moto's stack skips CloudFront
        session, template, console_bucket_name(session, template, stage), f"sam-smoke-{stage}")
    console_on_moto.give_outputs(template, console)
    cognito = cognito_from_template(session, template, stage, console["domain"])
    idp = session.client("cognito-idp")
    pool_arn = idp.describe_user_pool(UserPoolId=cognito["UserPoolId"])["UserPool"]["Arn"]
    triggers = res["UserPool"]["Properties"]["LambdaConfig"]
    for logical in [k for k, v in res.items() if v["Type"].startswith("AWS::Cognito::")]:
        del res[logical]
    refs = {"UserPool": cognito["UserPoolId"], "UserPoolClient": cognito["UserPoolClientId"],
            "UserPoolDomain": cognito["AuthDomain"].removeprefix("https://").split(".")[0],
            "ConsoleDistribution": console["id"]}
    secrets = secrets_from_template(session, template, stage)       # their outputs now hold the ARNs
    for name, (logical, _) in app_settings.GENERATED_SECRETS.items():
        refs[logical] = template["Outputs"][app_settings.secret_output(name)]["Value"]
    made = literal(template, refs, {("UserPool", "Arn"): pool_arn, ("ApiWebAcl", "Arn"): "left out"})
    text = json.dumps(made)
    for name, value in secrets.items():
        arn = refs[app_settings.GENERATED_SECRETS[name][0]]
        reference = f"{{{{resolve:secretsmanager:{arn}:SecretString}}}}"
        assert reference in text, name
        text = text.replace(reference, value)
    return json.loads(text), {"cognito": cognito, "secrets": secrets, "triggers": triggers, "console": console}


def stack_name(stage: str) -> str:
    return f"lampungin-{stage}"          # docs/deploy.md path (b): `--stack-name lampungin-$STAGE`


def aliases(session, stage: str) -> dict:
    """logical id of each `<Function>Aliaslive` the stack made -> the alias' ARN."""
    stack = session.client("cloudformation").list_stack_resources(
        StackName=stack_name(stage))["StackResourceSummaries"]
    return {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in stack
            if r["ResourceType"] == "AWS::Lambda::Alias"}


@pytest.fixture(scope="module", params=STAGES)
def stage(request, aws_env, tmp_path_factory):
    import boto3

    name = request.param
    session = boto3.session.Session()
    work = tmp_path_factory.mktemp(f"sam-{name}")
    project = clone(tmp_path_factory, f"sam-project-{name}")
    sam = sam_package(project, name, work / "out", aws_env)
    packaged = cloudformation_package(session, sam, work / "out" / "deployment.zip", f"artifacts-{name}")
    transformed = sam_transform(packaged, name, work, aws_env)
    template, made = for_moto(session, json.loads(json.dumps(transformed)), name)
    cfn = session.client("cloudformation")
    params = [{"ParameterKey": "Stage", "ParameterValue": name}]
    cfn.create_stack(StackName=stack_name(name), TemplateBody=json.dumps(template), Parameters=params,
                     Capabilities=CAPABILITIES)
    described = cfn.describe_stacks(StackName=stack_name(name))["Stacks"][0]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs", [])}
    outputs.update(made["cognito"])
    # the user pool's triggers, as the template's LambdaConfig names them, on the stack's aliases
    live = aliases(session, name)
    triggers = {key: live[ref["Ref"]] for key, ref in made["triggers"].items()}
    session.client("cognito-idp").update_user_pool(UserPoolId=made["cognito"]["UserPoolId"], LambdaConfig=triggers)
    yield {"name": name, "session": session, "env": aws_env, "status": described["StackStatus"],
           "outputs": outputs, "template": template, "transformed": transformed, "sam": sam,
           "secrets": made["secrets"], "triggers": triggers, "made": made, "config": json.loads(
               (ROOT / ".chalice" / "config.json").read_text())["stages"][name]}
    if any(s["StackName"] == stack_name(name) for s in cfn.list_stacks()["StackSummaries"]
           if s["StackStatus"] != "DELETE_COMPLETE"):
        teardown(session, name)              # what a failed test left, before the next stage


def teardown(session, stage: str) -> None:
    """docs/deploy.md's teardown: the tables' protection off through the stack, then delete it."""
    cfn, ddb = session.client("cloudformation"), session.client("dynamodb")
    cfn.update_stack(StackName=stack_name(stage), UsePreviousTemplate=True, Capabilities=CAPABILITIES, Parameters=[
        {"ParameterKey": "Stage", "UsePreviousValue": True},
        {"ParameterKey": "DeletionProtection", "ParameterValue": "false"}])
    for table in ddb.list_tables()["TableNames"]:   # moto: a stack update does not reach the flag
        if table.startswith(conventions.table_prefix(stage)):
            ddb.update_table(TableName=table, DeletionProtectionEnabled=False)
    cfn.delete_stack(StackName=stack_name(stage))


def functions(session, stage: str) -> dict:
    """logical id (APIHandler, ComplaintChanges, …) -> the function's configuration."""
    stack = session.client("cloudformation").list_stack_resources(
        StackName=stack_name(stage))["StackResourceSummaries"]
    names = {r["PhysicalResourceId"]: r["LogicalResourceId"] for r in stack
             if r["ResourceType"] == "AWS::Lambda::Function"}
    return {names[f["FunctionName"]]: f for f in session.client("lambda").list_functions()["Functions"]
            if f["FunctionName"] in names}


def function_of(stage: dict, which: str) -> dict:
    return functions(stage["session"], stage["name"])[conventions.logical_function(which)]


def test_sams_transform_of_the_package_is_a_template_cfn_lint_accepts(stage, tmp_path):
    """What CloudFormation makes of sam.json is itself a clean template (cfn-lint lints sam.json
    with SAM's schemas, not through the transform)."""
    (tmp_path / "transformed.json").write_text(json.dumps(stage["transformed"]))
    lint = subprocess.run([str(Path(sys.executable).with_name("cfn-lint")), str(tmp_path / "transformed.json")],
                          capture_output=True, text=True, timeout=300)
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_the_stack_is_complete_and_every_function_runs_python312_behind_its_alias(stage):
    assert stage["status"] == "CREATE_COMPLETE"
    session = stage["session"]
    fns = functions(session, stage["name"])
    assert set(fns) == {conventions.logical_function(w) for w in conventions.FUNCTIONS}
    lam = session.client("lambda")
    per_function = stage["config"]["lambda_functions"]
    for which in conventions.FUNCTIONS:
        fn = fns[conventions.logical_function(which)]
        assert fn["FunctionName"].startswith(f"lampungin-{stage['name']}-{conventions.logical_function(which)}-")
        assert fn["Runtime"] == "python3.12" and fn["Handler"].startswith("app.")
        wanted = per_function[conventions.chalice_function(which)]
        assert (fn["MemorySize"], fn["Timeout"]) == (wanted["lambda_memory_size"], wanted["lambda_timeout"]), which
        alias = lam.get_alias(FunctionName=fn["FunctionName"], Name=conventions.LIVE_ALIAS)
        assert alias["FunctionVersion"] == "1", which


def test_each_functions_settings_point_at_the_stacks_own_resources(stage):
    outputs, name = stage["outputs"], stage["name"]
    claim_code_users = app_settings.GENERATED_SECRETS["CLAIM_CODE_SECRET"][1]
    for which in conventions.FUNCTIONS:
        env = function_of(stage, which)["Environment"]["Variables"]
        assert env["STAGE"] == name and env["TABLE_PREFIX"] == conventions.table_prefix(name), which
        assert (env.get("CLAIM_CODE_SECRET") == stage["secrets"]["CLAIM_CODE_SECRET"]) == (which in claim_code_users)
        if which in ("post_confirmation", "pre_token"):
            continue            # the triggers get no settings from the stack (docs/deploy.md, path b)
        assert env["COMPLAINTS_STREAM_ARN"] == outputs["ComplaintsStreamArn"], which
        assert env["NOTIFY_TOPIC_ARN"] == outputs["NotifyTopicArn"], which
        assert env["ATTACHMENTS_BUCKET"] == outputs["AttachmentsBucket"], which
        assert env["USER_POOL_ID"] == outputs["UserPoolId"] and env["AUTH_AUDIENCE"] == outputs["UserPoolClientId"]
        assert env["AUTH_ISSUER"] == outputs["AuthIssuer"] and env["PEOPLE_KMS_KEY"] == outputs["PeopleKmsKey"]


def test_the_stream_and_the_queues_call_the_aliases_with_the_settings_chalice_cannot_set(stage):
    session, outputs = stage["session"], stage["outputs"]
    lam, sqs = session.client("lambda"), session.client("sqs")
    stream_fn = function_of(stage, "stream")
    (mapping,) = lam.list_event_source_mappings(EventSourceArn=outputs["ComplaintsStreamArn"])["EventSourceMappings"]
    # on the alias (AWS records the alias' ARN; moto 5.2 the version it pointed at)
    assert mapping["FunctionArn"] == f"{stream_fn['FunctionArn']}:1"
    assert mapping["BatchSize"] == 100 and mapping["StartingPosition"] == "TRIM_HORIZON"
    for key, value in conventions.STREAM_MAPPING_SETTINGS.items():
        assert mapping[key] == value, key
    assert mapping["DestinationConfig"]["OnFailure"]["Destination"] == outputs["DeadLetterQueueArn"]
    for channel in conventions.DELIVERY_CHANNELS:
        url = sqs.get_queue_url(QueueName=f"{conventions.table_prefix(stage['name'])}notify-{channel}")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        (queue_mapping,) = lam.list_event_source_mappings(EventSourceArn=arn)["EventSourceMappings"]
        assert queue_mapping["FunctionArn"] == f"{function_of(stage, f'deliver_{channel}')['FunctionArn']}:1"
        assert queue_mapping["BatchSize"] == 1


def test_the_schedules_the_uploads_and_the_user_pool_call_the_aliases(stage):
    session = stage["session"]
    events = session.client("events")
    live = {w: f"{function_of(stage, w)['FunctionArn']}:{conventions.LIVE_ALIAS}" for w in conventions.FUNCTIONS}
    targets = {}
    for rule in events.list_rules()["Rules"]:
        (target,) = events.list_targets_by_rule(Rule=rule["Name"])["Targets"]
        targets[target["Arn"]] = rule.get("ScheduleExpression") or json.loads(rule["EventPattern"])["detail-type"]
    assert targets == {live["sweep"]: "rate(5 minutes)", live["lapor"]: "rate(5 minutes)",
                       live["upload"]: ["Object Created"]}
    assert stage["triggers"] == {"PostConfirmation": live["post_confirmation"], "PreTokenGeneration": live["pre_token"]}
    pool = session.client("cognito-idp").describe_user_pool(UserPoolId=stage["outputs"]["UserPoolId"])["UserPool"]
    assert pool["LambdaConfig"] == stage["triggers"]


def test_the_rest_api_serves_every_route_through_the_api_alias(stage):
    from app import app as chalice_app

    session = stage["session"]
    gateway = session.client("apigateway")
    (api,) = gateway.get_rest_apis()["items"]
    assert api["id"] == stage["outputs"]["RestAPIId"] and api["name"] == conventions.REST_API_NAME
    assert stage["outputs"]["EndpointURL"] == (f"https://{api['id']}.execute-api.{session.region_name}"
                                               f".amazonaws.com/{conventions.API_STAGE}/")
    resources = gateway.get_resources(restApiId=api["id"], limit=500)["items"]
    by_path = {r["path"]: r for r in resources}
    api_alias = f"{function_of(stage, 'api')['FunctionArn']}:{conventions.LIVE_ALIAS}"
    for route, methods in chalice_app.routes.items():
        assert set(methods) | {"ANY"} <= set(by_path[route].get("resourceMethods") or {}), route
        for method in methods:
            integration = gateway.get_integration(restApiId=api["id"], resourceId=by_path[route]["id"],
                                                  httpMethod=method)
            assert integration["uri"].endswith(f"/functions/{api_alias}/invocations"), (route, method)
    assert gateway.get_stage(restApiId=api["id"], stageName=conventions.API_STAGE)["stageName"] == "api"


def test_every_functions_log_group_expires_after_the_stages_retention(stage):
    session = stage["session"]
    groups = {g["logGroupName"]: g.get("retentionInDays")
              for g in session.client("logs").describe_log_groups()["logGroups"]}
    retention = conventions.LOG_RETENTION_DAYS[stage["name"]]
    for which in conventions.FUNCTIONS:
        assert groups[f"/aws/lambda/{function_of(stage, which)['FunctionName']}"] == retention, which
    assert groups[conventions.access_log_group(stage["name"])] == retention


def test_the_deployed_functions_answer_a_real_request_and_process_its_stream_record(stage, tmp_path):
    session, name = stage["session"], stage["name"]
    api_fn, stream_fn = function_of(stage, "api")["FunctionName"], function_of(stage, "stream")["FunctionName"]
    deployed.file_track_and_stream(session, stage["env"], stage["outputs"], conventions.table_prefix(name),
                                   api=(api_fn, f"/aws/lambda/{api_fn}"),
                                   stream=(stream_fn, f"/aws/lambda/{stream_fn}"), tmp=tmp_path)


def test_the_console_deploys_into_the_stacks_bucket_with_the_stacks_api_and_hosted_ui(stage):
    """Path (b): `lampungin.deploy.web --stack lampungin-<stage>` takes the API's URL from Chalice's
    own output EndpointURL."""
    session, outputs = stage["session"], stage["outputs"]
    console_on_moto.assert_distribution(session, stage["made"]["console"], outputs["ConsoleBucketName"])
    cmd = [sys.executable, "-m", "lampungin.deploy.web", "--stage", stage["name"], "--stack", stack_name(stage["name"])]
    proc = subprocess.run(cmd, env=stage["env"], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["config"]["api_base"] == outputs["EndpointURL"].rstrip("/")
    assert result["config"]["sign_in"] == {
        "kind": "cognito", "domain": outputs["AuthDomain"], "client_id": outputs["UserPoolClientId"],
        "redirect_uri": outputs["ConsoleUrl"] + "/", "scopes": ["openid", "email", "profile"]}
    assert result["uploaded"][-1] == "index.html" and result["invalidation"]
    head = session.client("s3").head_object(Bucket=outputs["ConsoleBucketName"], Key="config.json")
    assert (head["ContentType"], head["CacheControl"]) == ("application/json", "no-cache")


def test_the_api_stage_has_the_stages_throttling_and_access_log(stage):
    session = stage["session"]
    gateway = session.client("apigateway")
    described = gateway.get_stage(restApiId=stage["outputs"]["RestAPIId"], stageName=conventions.API_STAGE)
    wanted = conventions.API_THROTTLING[stage["name"]]
    settings = described["methodSettings"]["*/*"]
    assert (settings["throttlingRateLimit"], settings["throttlingBurstLimit"]) == (wanted["rate"], wanted["burst"])
    assert described["accessLogSettings"]["format"] == conventions.ACCESS_LOG_FORMAT
    logs = stage["outputs"]["ApiAccessLogGroupArn"].removesuffix(":*")
    assert described["accessLogSettings"]["destinationArn"] == logs


def test_a_second_deploy_of_the_same_package_creates_nothing_and_delete_leaves_no_function(stage):
    session = stage["session"]
    cfn, lam, gateway = (session.client(s) for s in ("cloudformation", "lambda", "apigateway"))
    before = {k: f["FunctionArn"] for k, f in functions(session, stage["name"]).items()}
    mappings = sorted(m["UUID"] for m in lam.list_event_source_mappings()["EventSourceMappings"])
    apis = [a["id"] for a in gateway.get_rest_apis()["items"]]
    cfn.update_stack(StackName=stack_name(stage["name"]), TemplateBody=json.dumps(stage["template"]),
                     Capabilities=CAPABILITIES, Parameters=[{"ParameterKey": "Stage", "UsePreviousValue": True}])
    assert cfn.describe_stacks(StackName=stack_name(stage["name"]))["Stacks"][0]["StackStatus"] == "UPDATE_COMPLETE"
    assert {k: f["FunctionArn"] for k, f in functions(session, stage["name"]).items()} == before
    assert sorted(m["UUID"] for m in lam.list_event_source_mappings()["EventSourceMappings"]) == mappings
    assert [a["id"] for a in gateway.get_rest_apis()["items"]] == apis

    teardown(session, stage["name"])
    left = [f["FunctionName"] for f in lam.list_functions()["Functions"]
            if f["FunctionName"].startswith(f"lampungin-{stage['name']}-")]
    assert left == []
    assert lam.list_event_source_mappings()["EventSourceMappings"] == []
    assert gateway.get_rest_apis()["items"] == []


