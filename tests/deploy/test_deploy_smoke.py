"""GIVEN an empty (moto) AWS account, WHEN DevOps follows docs/deploy.md path (a) for dev and
then for prod, each with its committed config — infra stack,
stage config from its outputs, `chalice_deploy deploy` (Chalice's own deploy, locked, with the
stage's deployed state in its bucket and its secrets from Secrets Manager), stream settings —
THEN the stage exists as the app declares it (with the web console in its bucket behind its
distribution, `lampungin.deploy.web`); a deploy from a fresh clone updates the same REST
API, functions and stream mapping and creates nothing new; a deploy while another holds the stage
is refused; a redeploy keeps the settings Chalice cannot set; delete (from yet another clone) and
teardown leave nothing behind; and the deployed API function's own code, in its deployed
environment, answers a real request (a citizen files a complaint with a Cognito token) whose
stream record the deployed stream function then processes (run_deployed.py: without Docker).

Adaptations for moto (test code only, each where it is needed):
* chalice_on_moto.py: Chalice's Swagger 2.0 is rewritten to an OpenAPI 3 header for moto's
  ImportRestApi/PutRestApi (after lampungin/deploy/chalice_cli.py added the gateway responses and
  ANY methods, as in a real deployment); moto ignores gateway responses, so the test reads them
  from the documents sent.
* moto's CloudFormation skips Cognito (and alarms, bucket policy), so the user pool is created
  through the Cognito API from the template's own definition and its outputs evaluated from the
  template's Outputs.
* moto's CreateDeployment replaces the API Gateway stage, and with it the throttling that
  `api-settings` set (API Gateway keeps a stage's settings across deployments): after the redeploy
  the test runs `api-settings` again, as tools/deploy does after every deploy.
* moto's stack update does not change a table's DeletionProtectionEnabled: the test turns it off
  per table after the stack update that would do it in AWS.
* moto's CloudFormation reads a KMS key's `Tags` in KMS's own shape (`TagKey`), not CloudFormation's
  (`Key`), and fails the stack: the test drops the people key's tags.
* moto's CloudFormation skips Secrets Manager secrets: the test makes each from the template's
  own definition through the Secrets Manager API (GenerateSecretString's length and alphabet) and
  gives the stack its ARN as the output the template declares. It skips alarms too, so the
  dashboard (which names them) is left out of moto's stack; cfn-lint and test_consistency.py
  check both.
* moto's CloudFormation skips CloudFront (and has no response headers policies): the console's
  distribution and its Origin Access Control are made through the CloudFront API from the
  template's own definition (console_on_moto.py) and the stack is given their ids as the outputs
  the template declares; the hosted UI's domain is made with the pool, and the stack is given
  the Cognito outputs as literals, so `lampungin.deploy.web` reads them from the stack as in AWS.
* The deploy tool runs Chalice through chalice_on_moto.py ($LAMPUNGIN_CHALICE_CLI).
* moto's CloudFormation fails on a WAFv2 web ACL: the test makes it through the WAFv2 API from the
  template's own definition and gives the stack its ARN as the output the template declares.
* The deployed project is a copy of app.py, chalicelib/ and .chalice/ with an empty
  requirements.txt: the deployed code runs with this interpreter's packages (run_deployed.py),
  and the real zip (dependencies, the vendored engine) is proven by `make package`.
* moto's Invoke needs Docker: run_deployed.py runs the zip moto holds for `<function>:live`.
* prod's canary release (10 minutes) runs in-process on the test's clock (test_release.py).
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from chalicelib.adapters.dynamo.tables import TABLES
from lampungin.deploy import app_settings, chalice_deploy, conventions, release, state
from tests.deploy import console_on_moto, deployed
from tests.deploy.cfn import Resolver
from tests.deploy.test_api_settings import web_acl_from_template
from tests.deploy.test_release import FakeTime

pytestmark = [pytest.mark.slow,   # moto's CloudFormation warns about each resource type it skips
              pytest.mark.filterwarnings("ignore:Tried to parse:UserWarning")]
ROOT = Path(__file__).resolve().parents[2]
STAGES = ("dev", "prod")
CHALICE = [sys.executable, str(Path(__file__).with_name("chalice_on_moto.py"))]


def run(cmd, env, project=None):
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300, cwd=project)
    assert proc.returncode == 0, f"{cmd}\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


def chalice(env, project, *args):
    return run(CHALICE + ["--project-dir", str(project), *args], env)


def tool(env, project, command, *args, check=True):
    """`python -m lampungin.deploy.chalice_deploy <command> --stage <the stage>` as DevOps run it
    (the stage is the one the project's deploy was made for: env["SMOKE_STAGE"])."""
    cmd = [sys.executable, "-m", "lampungin.deploy.chalice_deploy", command, "--stage", env["SMOKE_STAGE"],
           "--project-dir", str(project), *args]
    if check:
        return run(cmd, env, ROOT)
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300, cwd=ROOT)


def clone(tmp_path_factory, name: str, config: Path | None = None) -> Path:
    """A checkout as a second machine has it: app.py, chalicelib/, .chalice/ without `deployed/`
    (git-ignored), and the committed stage config."""
    project = tmp_path_factory.mktemp(name)
    shutil.copy(ROOT / "app.py", project)
    shutil.copytree(ROOT / "chalicelib", project / "chalicelib", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / ".chalice", project / ".chalice", ignore=shutil.ignore_patterns("deployed", "deployments"))
    (project / "requirements.txt").write_text("# see the module docstring\n")
    if config is not None:
        shutil.copy(config, project / ".chalice" / "config.json")
    return project


def secrets_from_template(session, template: dict, stage: str) -> dict:
    """The template's generated secrets made through the Secrets Manager API (moto's stack skips
    them); their ARNs as the template's outputs say, written into the template as literals."""
    sm = session.client("secretsmanager")
    outputs = {}
    for name, (logical, _) in app_settings.GENERATED_SECRETS.items():
        props = Resolver({"Stage": stage})(template["Resources"].pop(logical)["Properties"])
        spec = props["GenerateSecretString"]
        value = sm.get_random_password(PasswordLength=spec["PasswordLength"],
                                       ExcludePunctuation=spec["ExcludePunctuation"])["RandomPassword"]
        arn = sm.create_secret(Name=props["Name"], SecretString=value)["ARN"]
        output = app_settings.secret_output(name)
        assert template["Outputs"][output]["Value"] == {"Ref": logical}
        template["Outputs"][output]["Value"] = arn
        outputs[name] = value
    return outputs


def cognito_from_template(session, template: dict, stage: str, console_domain: str) -> dict:
    """The user pool, client, hosted UI domain and groups of infra/stack.json through the Cognito
    API (the client's callback is the console's distribution at `console_domain`); returns the
    stack outputs they would give."""
    idp = session.client("cognito-idp")
    account = session.client("sts").get_caller_identity()["Account"]
    resolve = Resolver({"Stage": stage, "AWS::Region": session.region_name, "AWS::AccountId": account},
                       {"Protect": True, "HasAlarmEmail": False, "IsProd": stage == "prod"},
                       {"ConsoleDistribution.DomainName": console_domain})
    res = template["Resources"]
    # what moto's CreateUserPool takes (the triggers and SES sending are Cognito's business, and
    # their conditions depend on parameters the test does not give)
    pool_props = {k: resolve(v) for k, v in res["UserPool"]["Properties"].items()
                  if k not in ("LambdaConfig", "EmailConfiguration")}
    pool_id = idp.create_user_pool(
        PoolName=pool_props["UserPoolName"], **{k: pool_props[k] for k in (
            "UsernameAttributes", "AutoVerifiedAttributes", "MfaConfiguration", "Policies",
            "Schema", "AccountRecoverySetting", "AdminCreateUserConfig", "DeletionProtection")},
        UserPoolTags=pool_props["UserPoolTags"])["UserPool"]["Id"]
    resolve.refs["UserPool"] = pool_id
    client_props = resolve(res["UserPoolClient"]["Properties"])
    client_id = idp.create_user_pool_client(**client_props)["UserPoolClient"]["ClientId"]
    resolve.refs["UserPoolClient"] = client_id
    domain = resolve(res["UserPoolDomain"]["Properties"])
    idp.create_user_pool_domain(**domain)
    resolve.refs["UserPoolDomain"] = domain["Domain"]
    for spec in res.values():
        if spec["Type"] == "AWS::Cognito::UserPoolGroup":
            idp.create_group(**resolve(spec["Properties"]))
    return {key: resolve(out["Value"]) for key, out in template["Outputs"].items()
            if key in ("AuthIssuer", "AuthJwksUrl", "AuthAudience", "UserPoolId", "UserPoolClientId", "AuthDomain")}


def console_bucket_name(session, template: dict, stage: str) -> str:
    account = session.client("sts").get_caller_identity()["Account"]
    return Resolver({"Stage": stage, "AWS::Region": session.region_name, "AWS::AccountId": account})(
        template["Resources"]["ConsoleBucket"]["Properties"]["BucketName"])


@pytest.fixture(scope="module", params=STAGES)
def stage(request, aws_env, tmp_path_factory):
    """The stage `request.param` deployed as docs/deploy.md path (a) says, with its own committed
    config (dev: everything at once; prod: reserved sweep, canary releases, its own limits)."""
    import boto3

    name = request.param
    stack = chalice_deploy.default_stack(name)
    session = boto3.session.Session()
    template = json.loads((ROOT / "infra" / "stack.json").read_text())
    for spec in template["Resources"].values():
        if spec["Type"] == "AWS::KMS::Key":
            spec["Properties"].pop("Tags", None)         # moto: see the module docstring
    template["Resources"] = {k: v for k, v in template["Resources"].items()
                             if v["Type"] not in ("AWS::CloudWatch::Dashboard", "AWS::WAFv2::WebACL")}
    secrets = secrets_from_template(session, template, name)
    spec = web_acl_from_template(name)          # moto's stack cannot make it: see the module docstring
    spec.pop("_body")
    template["Outputs"]["ApiWebAclArn"]["Value"] = session.client("wafv2").create_web_acl(**spec)["Summary"]["ARN"]
    # moto's stack skips CloudFront: see the module docstring (console_on_moto.py)
    console = console_on_moto.distribution_from_template(
        session, template, console_bucket_name(session, template, name), f"smoke-{name}")
    console_on_moto.give_outputs(template, console)
    cognito = cognito_from_template(session, template, name, console["domain"])
    for key, value in cognito.items():          # the stack's outputs, as AWS's stack would give them
        template["Outputs"][key]["Value"] = value
    cfn = session.client("cloudformation")
    cfn.create_stack(StackName=stack, TemplateBody=json.dumps(template),
                     Parameters=[{"ParameterKey": "Stage", "ParameterValue": name}])
    outputs, params = chalice_deploy.stack_outputs(session, stack)
    assert {k: outputs[k] for k in cognito} == cognito

    project = clone(tmp_path_factory, f"project-{name}")
    config = project / ".chalice" / "config.json"

    changed = chalice_deploy.write_stage_config(name, outputs, params, config)
    assert set(changed) == set(chalice_deploy.FROM_STACK)
    assert chalice_deploy.write_stage_config(name, outputs, params, config) == {}     # idempotent
    assert chalice_deploy.check_stage(name, config, vendor=None) == []

    bodies = tmp_path_factory.mktemp("swagger")
    aws_env = {**aws_env, "CHALICE_ON_MOTO_BODIES": str(bodies), "LAMPUNGIN_DEPLOY_OWNER": "ana (laptop)",
               "SMOKE_STAGE": name,
               chalice_deploy.CHALICE_CLI_ENV: str(Path(__file__).with_name("chalice_on_moto.py"))}
    deployed = tool(aws_env, project, "deploy")
    settings = json.loads(tool(aws_env, project, "stream-settings"))
    api_settings = json.loads(tool(aws_env, project, "api-settings"))
    released = json.loads(tool(aws_env, project, "release"))["release"]
    # the console (docs/deploy.md): web/dist (make web) with config.json from the stack's outputs
    # and the API's URL from the deployed state in the stage's bucket
    web_run = json.loads(run([sys.executable, "-m", "lampungin.deploy.web", "--stage", name], aws_env, ROOT))
    return {"name": name, "console": console, "web_run": web_run,
            "stack": stack, "release_run": released, "session": session, "project": project,
            "outputs": outputs,
            "deploy_log": deployed,
            "settings_run": settings, "api_settings_run": api_settings, "env": aws_env,
            "swagger": bodies, "config": json.loads(config.read_text())["stages"][name],
            "config_path": config, "secrets": secrets, "clones": tmp_path_factory}


def functions(session) -> dict:
    return {f["FunctionName"]: f for f in session.client("lambda").list_functions()["Functions"]}


def assert_stream_settings(session, outputs, name):
    (mapping,) = chalice_deploy.mappings_of(session.client("lambda"), conventions.function_name(name, "stream"),
                                    outputs["ComplaintsStreamArn"])
    assert mapping["EventSourceArn"] == outputs["ComplaintsStreamArn"]
    assert mapping["BatchSize"] == 100 and mapping["StartingPosition"] == "TRIM_HORIZON"
    for key, value in conventions.STREAM_MAPPING_SETTINGS.items():
        assert mapping[key] == value, key
    assert mapping["DestinationConfig"]["OnFailure"]["Destination"] == outputs["DeadLetterQueueArn"]
    return mapping


def test_every_function_runs_python312_with_the_stage_settings(stage):
    fns = functions(stage["session"])
    names = {conventions.function_name(stage["name"], w): w for w in conventions.FUNCTIONS}
    assert set(fns) == set(names)
    per_function = stage["config"]["lambda_functions"]
    for name, which in names.items():
        fn, wanted = fns[name], per_function[conventions.chalice_function(which)]
        assert fn["Runtime"] == "python3.12"
        assert (fn["MemorySize"], fn["Timeout"]) == (wanted["lambda_memory_size"], wanted["lambda_timeout"])
        env = fn["Environment"]["Variables"]
        assert env["COMPLAINTS_STREAM_ARN"] == stage["outputs"]["ComplaintsStreamArn"]
        assert env["TABLE_PREFIX"] == conventions.table_prefix(stage["name"]) and env["STAGE"] == stage["name"]
        assert env["AUTH_AUDIENCE"] == stage["outputs"]["AuthAudience"]
    concurrency = stage["session"].client("lambda").get_function_concurrency(
        FunctionName=conventions.function_name(stage["name"], "sweep"))
    assert concurrency.get("ReservedConcurrentExecutions") == per_function["sweep"].get(
        "reserved_concurrency")     # staging/prod: 1, sweeps never overlap; dev: none (new accounts)


def test_each_delivery_worker_reads_its_own_channels_queue(stage):
    session = stage["session"]
    sqs, fns = session.client("sqs"), functions(session)
    for channel in conventions.DELIVERY_CHANNELS:
        url = sqs.get_queue_url(QueueName=f"{conventions.table_prefix(stage['name'])}notify-{channel}")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        (mapping,) = session.client("lambda").list_event_source_mappings(EventSourceArn=arn)["EventSourceMappings"]
        # on the function's alias since the release (moto 5.2 records the version behind it)
        assert mapping["FunctionArn"].rsplit(":", 1)[0] == fns[conventions.function_name(
            stage["name"], f"deliver_{channel}")]["FunctionArn"]
        assert mapping["BatchSize"] == 1


def test_the_stream_mapping_has_the_settings_chalice_cannot_set(stage):
    assert_stream_settings(stage["session"], stage["outputs"], stage["name"])
    (applied,) = stage["settings_run"]["mappings"]
    assert set(applied["changed"]) == set(conventions.STREAM_MAPPING_SETTINGS) | {"DestinationConfig"}


def test_the_sweep_and_the_lapor_exchange_are_scheduled_every_five_minutes(stage):
    events = stage["session"].client("events")
    rules = [r for r in events.list_rules()["Rules"] if r["Name"].startswith(f"lampungin-{stage['name']}-")
             and "ScheduleExpression" in r]
    fns = functions(stage["session"])
    targets = {}
    for rule in rules:
        (target,) = events.list_targets_by_rule(Rule=rule["Name"])["Targets"]
        targets[target["Arn"]] = rule["ScheduleExpression"]
    # through the alias (chalice_cli.py qualifies Chalice's PutTargets; release.py)
    assert targets == {fns[conventions.function_name(stage["name"], which)]["FunctionArn"] + ":live": "rate(5 minutes)"
                       for which in ("sweep", "lapor")}


def test_uploads_in_the_stages_bucket_reach_the_upload_processor(stage):
    """The attachments bucket sends its events to EventBridge (infra/); Chalice's rule takes
    objects created under uploads/ in this stage's bucket to process_upload."""
    events = stage["session"].client("events")
    (rule,) = [r for r in events.list_rules()["Rules"] if r["Name"].startswith(f"lampungin-{stage['name']}-")
               and "EventPattern" in r]
    pattern = json.loads(rule["EventPattern"])
    assert pattern["detail-type"] == ["Object Created"]
    assert pattern["detail"]["bucket"]["name"] == [{"prefix": f"lampungin-{stage['name']}-attachments"}]
    assert pattern["detail"]["object"]["key"] == [{"prefix": "uploads/"}]
    (target,) = events.list_targets_by_rule(Rule=rule["Name"])["Targets"]
    upload = functions(stage["session"])[conventions.function_name(stage["name"], "upload")]
    assert target["Arn"] == upload["FunctionArn"] + ":live"


def test_the_rest_api_serves_every_route_of_the_app(stage):
    from app import app as chalice_app

    gateway = stage["session"].client("apigateway")
    (api,) = [a for a in gateway.get_rest_apis()["items"] if a["name"] == "lampungin"]
    paths = {r["path"] for r in gateway.get_resources(restApiId=api["id"], limit=500)["items"]}
    assert set(chalice_app.routes) <= paths
    assert "Rest API URL" in stage["deploy_log"]


def test_the_api_stage_is_behind_the_stacks_web_acl(stage):
    session = stage["session"]
    assert "web-acl" in stage["api_settings_run"]["api"]["changed"]
    resource = chalice_deploy.stage_arn(stage["outputs"]["ApiWebAclArn"], session.region_name,
                                        rest_api(session)["id"], "api")
    acl = session.client("wafv2").get_web_acl_for_resource(ResourceArn=resource)["WebACL"]
    assert acl["ARN"] == stage["outputs"]["ApiWebAclArn"] and acl["Name"] == f"lampungin-{stage['name']}-api"


def test_every_caller_reaches_the_functions_through_their_alias_live(stage):
    """Safe releases (release.py): the REST API's integrations name `<api function>:live` in
    every document Chalice sent; the first release made each alias, gave it Chalice's grants and
    moved the stream's and the queues' mappings onto it."""
    session = stage["session"]
    lam = session.client("lambda")
    api_arn = functions(session)[conventions.function_name(stage["name"], "api")]["FunctionArn"]
    uris = [method["x-amazon-apigateway-integration"]["uri"]
            for body in stage["swagger"].glob("*.json")
            for methods in json.loads(body.read_text())["paths"].values() for method in methods.values()
            if method.get("x-amazon-apigateway-integration", {}).get("type") == "aws_proxy"]
    assert uris and all(uri.endswith(f"/functions/{api_arn}:live/invocations") for uri in uris)
    assert stage["release_run"]["strategy"] == release.RELEASE_STRATEGIES[stage["name"]]
    for name in functions(session):
        assert lam.get_alias(FunctionName=name, Name="live")["FunctionVersion"] == "1"
    grants = json.loads(lam.get_policy(FunctionName=api_arn, Qualifier="live")["Policy"])["Statement"]
    assert [g["Principal"]["Service"] for g in grants] == ["apigateway.amazonaws.com"]
    for mapping in lam.list_event_source_mappings()["EventSourceMappings"]:
        # AWS records the alias' ARN; moto 5.2 the version's it pointed at: qualified, not $LATEST
        assert len(mapping["FunctionArn"].split(":")) == 8, mapping["FunctionArn"]


def rest_api(session) -> dict:
    (api,) = [a for a in session.client("apigateway").get_rest_apis()["items"] if a["name"] == "lampungin"]
    return api


def assert_stage_throttling(session, name):
    gateway = session.client("apigateway")
    settings = gateway.get_stage(restApiId=rest_api(session)["id"], stageName="api")["methodSettings"]["*/*"]
    wanted = conventions.API_THROTTLING[name]
    assert (settings["throttlingRateLimit"], settings["throttlingBurstLimit"]) == (wanted["rate"], wanted["burst"])


def test_every_route_takes_any_other_method_to_the_app_and_the_gateway_answers_in_our_shape(stage):
    """Another method on a known path reaches the app (its 405); API Gateway's own answers (an
    unknown path, throttling, …) are the contract's shape and never echo a header."""
    from app import app as chalice_app
    from lampungin.deploy import gateway

    client = stage["session"].client("apigateway")
    resources = client.get_resources(restApiId=rest_api(stage["session"])["id"], limit=500)["items"]
    by_path = {r["path"]: set(r.get("resourceMethods") or {}) for r in resources}
    for route, methods in chalice_app.routes.items():
        assert set(methods) | {"ANY"} <= by_path[route], route
    sent = [json.loads(p.read_text()) for p in stage["swagger"].glob("*.json")]
    assert sent, "no Swagger document reached API Gateway"
    for doc in sent:
        assert doc[gateway.RESPONSES] == gateway.gateway_responses("'*'")
    assert stage["api_settings_run"]["api"]["changed"] == ["/*/*/throttling/rateLimit",
                                                           "/*/*/throttling/burstLimit",
                                                           "/accessLogSettings/destinationArn",
                                                           "/accessLogSettings/format", "web-acl"]
    assert_stage_throttling(stage["session"], stage["name"])
    # the access log goes to the group the infra stack made (with the stage's retention)
    gateway_client = stage["session"].client("apigateway")
    logged = gateway_client.get_stage(restApiId=rest_api(stage["session"])["id"], stageName="api")["accessLogSettings"]
    groups = stage["session"].client("logs").describe_log_groups(
        logGroupNamePrefix=conventions.access_log_group(stage["name"]))["logGroups"]
    assert [g["arn"].removesuffix(":*") for g in groups] == [logged["destinationArn"]]
    assert logged["format"] == conventions.ACCESS_LOG_FORMAT


def state_object(session, name) -> bytes:
    bucket = f"lampungin-{name}-deploy-state-123456789012-{session.region_name}"
    return session.client("s3").get_object(Bucket=bucket, Key=state.state_key(name))["Body"].read()


def lock_item(session, name):
    return session.client("dynamodb").get_item(TableName=f"lampungin-{name}-deploy-lock",
                                               Key={"lock_id": {"S": f"chalice-deploy/{name}"}}).get("Item")


def test_the_console_is_in_its_bucket_behind_its_distribution_with_the_stages_api_and_hosted_ui(stage):
    session, outputs, run_ = stage["session"], stage["outputs"], stage["web_run"]
    console_on_moto.assert_distribution(session, stage["console"], outputs["ConsoleBucketName"])
    assert outputs["ConsoleBucketName"] == f"lampungin-{stage['name']}-console-123456789012-{session.region_name}"
    api = chalice_deploy.deployed_rest_api(stage["name"], stage["project"])
    assert run_["config"] == {
        "api_base": api["rest_api_url"].rstrip("/"), "map_tiles": None,
        "sign_in": {"kind": "cognito", "domain": outputs["AuthDomain"], "client_id": outputs["UserPoolClientId"],
                    "redirect_uri": outputs["ConsoleUrl"] + "/", "scopes": ["openid", "email", "profile"]}}
    s3 = session.client("s3")
    head = s3.head_object(Bucket=outputs["ConsoleBucketName"], Key="index.html")
    assert (head["ContentType"], head["CacheControl"]) == ("text/html; charset=utf-8", "no-cache")
    assets = [k for k in run_["uploaded"] if k.startswith("assets/") and k.endswith(".js")]
    assert assets
    assert s3.head_object(Bucket=outputs["ConsoleBucketName"], Key=assets[0])["CacheControl"].endswith("immutable")
    assert run_["uploaded"][-1] == "index.html" and run_["invalidation"]
    # the app client sends the hosted UI back to the console, and the domain is the stage's
    idp = session.client("cognito-idp")
    client = idp.describe_user_pool_client(UserPoolId=outputs["UserPoolId"],
                                           ClientId=outputs["UserPoolClientId"])["UserPoolClient"]
    assert client["CallbackURLs"] == client["LogoutURLs"] == [outputs["ConsoleUrl"] + "/"]
    assert client["AllowedOAuthFlows"] == ["code"] and client["AllowedOAuthFlowsUserPoolClient"]
    prefix = outputs["AuthDomain"].removeprefix("https://").split(".")[0]
    assert idp.describe_user_pool_domain(Domain=prefix)["DomainDescription"]["UserPoolId"] == outputs["UserPoolId"]
    # a second run has nothing to do
    again = json.loads(run([sys.executable, "-m", "lampungin.deploy.web", "--stage", stage["name"]],
                           stage["env"], ROOT))
    assert (again["uploaded"], again["invalidation"]) == ([], None)


def test_the_deployed_state_is_kept_in_the_stages_bucket_and_the_lock_is_released(stage):
    stored = json.loads(state_object(stage["session"], stage["name"]))
    local = json.loads((stage["project"] / ".chalice" / "deployed" / f"{stage['name']}.json").read_text())
    assert stored == local
    assert {r["resource_type"] for r in stored["resources"]} >= {"rest_api", "lambda_function", "iam_role"}
    assert lock_item(stage["session"], stage["name"]) is None
    shown = json.loads(tool(stage["env"], stage["project"], "state"))
    assert shown["lock"] is None and {"name": "rest_api", "type": "rest_api"} in shown["resources"]


def test_each_function_has_its_own_role_with_its_own_policy(stage):
    iam = stage["session"].client("iam")
    fns = functions(stage["session"])
    roles = {}
    for which in conventions.FUNCTIONS:
        fn = fns[conventions.function_name(stage["name"], which)]
        role = fn["Role"].rsplit("/", 1)[-1]
        assert role == f"lampungin-{stage['name']}-{conventions.chalice_function(which)}"
        (policy_name,) = iam.list_role_policies(RoleName=role)["PolicyNames"]
        document = iam.get_role_policy(RoleName=role, PolicyName=policy_name)["PolicyDocument"]
        own = f"policy-{stage['name']}-{conventions.chalice_function(which)}.json"
        wanted = json.loads((ROOT / ".chalice" / own).read_text())
        assert document == wanted, which
        roles[which] = role
    assert len(set(roles.values())) == len(conventions.FUNCTIONS)


def test_the_functions_that_read_a_generated_secret_get_it_and_no_file_holds_it(stage):
    fns = functions(stage["session"])
    value = stage["secrets"]["CLAIM_CODE_SECRET"]
    users = app_settings.GENERATED_SECRETS["CLAIM_CODE_SECRET"][1]
    for which in conventions.FUNCTIONS:
        env = fns[conventions.function_name(stage["name"], which)]["Environment"]["Variables"]
        assert (env.get("CLAIM_CODE_SECRET") == value) == (which in users), which
        assert "CLAIM_CODE_SECRET" in env or which not in users
    for path in (stage["config_path"], stage["project"] / ".chalice" / "deployed" / f"{stage['name']}.json"):
        assert value not in path.read_text()
    assert value.encode() not in state_object(stage["session"], stage["name"])


def test_every_functions_log_group_expires_after_the_stages_retention(stage):
    logs = stage["session"].client("logs")
    groups = {g["logGroupName"]: g.get("retentionInDays") for g in logs.describe_log_groups()["logGroups"]}
    for which in conventions.FUNCTIONS:
        retention = conventions.LOG_RETENTION_DAYS[stage["name"]]
        assert groups[conventions.log_group(stage["name"], which)] == retention, which


def test_the_deployed_functions_answer_a_real_request_and_process_its_stream_record(stage, tmp_path):
    """The API function's deployed code, with its deployed environment, files a citizen's
    complaint into the stage's tables (a Cognito token, checked against the pool's keys) and
    tracks it without a token; the stream function's deployed code then takes the record the
    complaints table's stream (KEYS_ONLY) holds for it and starts its clock (deployed.py)."""
    name = stage["name"]
    deployed.file_track_and_stream(
        stage["session"], stage["env"], stage["outputs"], conventions.table_prefix(name),
        api=(conventions.function_name(name, "api"), conventions.log_group(name, "api")),
        stream=(conventions.function_name(name, "stream"), conventions.log_group(name, "stream")),
        tmp=tmp_path)


def test_a_deploy_from_a_fresh_clone_updates_the_same_api_functions_and_mappings(stage):
    session = stage["session"]
    gateway, lam = session.client("apigateway"), session.client("lambda")
    apis_before = [a["id"] for a in gateway.get_rest_apis()["items"]]
    arns_before = {n: f["FunctionArn"] for n, f in functions(session).items()}
    mappings_before = sorted(m["UUID"] for m in lam.list_event_source_mappings()["EventSourceMappings"])
    second = clone(stage["clones"], "second-clone", stage["config_path"])
    log = tool(stage["env"], second, "deploy")
    assert "Updating lambda function" in log and "Creating lambda function" not in log
    assert [a["id"] for a in gateway.get_rest_apis()["items"]] == apis_before
    assert {n: f["FunctionArn"] for n, f in functions(session).items()} == arns_before
    assert sorted(m["UUID"] for m in lam.list_event_source_mappings()["EventSourceMappings"]) == mappings_before
    assert json.loads((second / ".chalice" / "deployed" / f"{stage['name']}.json").read_text()) == json.loads(
        state_object(session, stage["name"]))
    # and the API settings of that clone find the REST API from the stored state alone
    fresh = clone(stage["clones"], "settings-clone", stage["config_path"])
    assert json.loads(tool(stage["env"], fresh, "api-settings"))["api"]["rest_api_id"] == apis_before[0]


def test_a_deploy_while_another_holds_the_stage_is_refused_and_changes_nothing(stage):
    session = stage["session"]
    lock = state.DeployLock(session.client("dynamodb"), f"lampungin-{stage['name']}-deploy-lock", stage["name"])
    held = lock.acquire("budi (ci: pipeline 812)", "all")
    before = state_object(session, stage["name"])
    try:
        refused = tool(stage["env"], clone(stage["clones"], "refused-clone", stage["config_path"]), "deploy",
                       check=False)
        assert refused.returncode == 1
        assert "budi (ci: pipeline 812)" in refused.stderr and "sedang dipasang" in refused.stderr
        assert "Updating lambda function" not in refused.stdout
        assert state_object(session, stage["name"]) == before
        assert lock_item(session, stage["name"])["owner"]["S"] == "budi (ci: pipeline 812)"
    finally:
        lock.release(held)


def release_the_redeploy(stage) -> dict:
    """dev: `release` as DevOps run it (all at once). prod: the same release as a canary, its
    10 minutes on the test's clock (test_release.py's FakeTime), looking at the API function's
    alias halfway: 10 % of its traffic on the new version, the rest on the one serving."""
    if release.RELEASE_STRATEGIES[stage["name"]] == "AllAtOnce":
        return json.loads(tool(stage["env"], stage["project"], "release"))["release"]
    lam = stage["session"].client("lambda")
    api_fn = conventions.function_name(stage["name"], "api")
    seen: list[tuple[str, dict]] = []

    def during(fake):
        if not seen and fake.now >= 300:
            alias = lam.get_alias(FunctionName=api_fn, Name="live")
            seen.append((alias["FunctionVersion"], alias["RoutingConfig"]["AdditionalVersionWeights"]))

    fake = FakeTime(during)
    report = release.release(lam, stage["session"].client("cloudwatch"), stage["name"],
                             sleep=fake.sleep, clock=fake.clock, say_line=lambda _: None)
    assert report["strategy"] == "Canary10Percent10Minutes" and fake.now == 600
    ((serving, weights),) = seen
    assert weights == {report["functions"][api_fn]["version"]: 0.1} and serving == report["functions"][api_fn]["from"]
    return report


def test_redeploy_keeps_the_stream_settings_then_delete_and_teardown_leave_nothing(stage):
    session, env, project = stage["session"], stage["env"], stage["project"]
    before = assert_stream_settings(session, stage["outputs"], stage["name"])
    log = tool(env, project, "deploy")
    assert "Updating lambda function" in log
    after = assert_stream_settings(session, stage["outputs"], stage["name"])
    assert after["UUID"] == before["UUID"]
    # Chalice updated $LATEST in place; nobody is served it until the release moves live (dev: at once)
    lam, stream_fn = session.client("lambda"), conventions.function_name(stage["name"], "stream")
    serving = lam.get_alias(FunctionName=stream_fn, Name="live")["FunctionVersion"]
    released = release_the_redeploy(stage)
    assert released["result"] == "released"
    assert int(lam.get_alias(FunctionName=stream_fn, Name="live")["FunctionVersion"]) > int(serving)
    assert assert_stream_settings(session, stage["outputs"], stage["name"])["UUID"] == before["UUID"]
    assert json.loads(tool(env, project, "release"))["release"]["result"] == "unchanged"
    again = json.loads(run([sys.executable, "-m", "lampungin.deploy.chalice_deploy", "stream-settings",
                            "--stage", stage["name"], "--project-dir", str(project)], env, ROOT))
    assert again["mappings"] == [{"uuid": before["UUID"], "changed": []}]     # nothing to do
    # moto's CreateDeployment replaces the stage and its settings (API Gateway keeps them): the
    # api-settings step that tools/deploy runs after every deploy puts them back, then has nothing to do
    run([sys.executable, "-m", "lampungin.deploy.chalice_deploy", "api-settings", "--stage", stage["name"],
         "--project-dir", str(project)], env, ROOT)
    assert_stage_throttling(session, stage["name"])
    api_again = json.loads(run([sys.executable, "-m", "lampungin.deploy.chalice_deploy", "api-settings",
                                "--stage", stage["name"], "--project-dir", str(project)], env, ROOT))
    assert api_again["api"]["changed"] == []

    # the delete runs from a clone that never deployed: the stored state says what there is
    tool(env, clone(stage["clones"], "third-clone", stage["config_path"]), "delete")
    assert functions(session) == {}
    assert session.client("lambda").list_event_source_mappings()["EventSourceMappings"] == []
    assert [a for a in session.client("apigateway").get_rest_apis()["items"]] == []
    stored = json.loads(state_object(session, stage["name"]))
    assert [r["name"] for r in stored["resources"]] == []     # stored: nothing left

    ddb, cfn = session.client("dynamodb"), session.client("cloudformation")
    tables = [f"{conventions.table_prefix(stage['name'])}{short}" for short in TABLES]
    assert all(ddb.describe_table(TableName=t)["Table"]["DeletionProtectionEnabled"] for t in tables)
    with pytest.raises(ddb.exceptions.ClientError, match="DeletionProtection"):
        ddb.delete_table(TableName=tables[0])
    # teardown as docs/deploy.md: protection off through the stack, then delete the stack.
    cfn.update_stack(StackName=stage["stack"], UsePreviousTemplate=True, Parameters=[
        {"ParameterKey": "Stage", "UsePreviousValue": True},
        {"ParameterKey": "DeletionProtection", "ParameterValue": "false"}])
    for table in tables:        # moto: a stack update does not reach the tables' protection flag
        ddb.update_table(TableName=table, DeletionProtectionEnabled=False)
    cfn.delete_stack(StackName=stage["stack"])
    left = [t for t in session.client("dynamodb").list_tables()["TableNames"]
            if t.startswith(conventions.table_prefix(stage["name"]))]
    assert left == []
