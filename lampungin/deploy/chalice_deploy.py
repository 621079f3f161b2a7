"""Deployment path (a): `chalice deploy` of a stage after its infra stack (docs/deploy.md).

    python -m lampungin.deploy.chalice_deploy stage-config    --stage dev [--stack lampungin-dev-infra]
    python -m lampungin.deploy.chalice_deploy check           --stage dev
    python -m lampungin.deploy.chalice_deploy stream-settings --stage dev [--stack lampungin-dev-infra]
    python -m lampungin.deploy.chalice_deploy deploy          --stage dev   # chalice deploy (chalice_cli), locked
    python -m lampungin.deploy.chalice_deploy api-settings    --stage dev
    python -m lampungin.deploy.chalice_deploy release         --stage dev [--strategy AllAtOnce]
    python -m lampungin.deploy.chalice_deploy all             --stage dev   # all of them, in order, locked
    python -m lampungin.deploy.chalice_deploy delete          --stage dev   # chalice delete, locked
    python -m lampungin.deploy.chalice_deploy state           --stage dev   # the stored state and the lock
    python -m lampungin.deploy.chalice_deploy unlock          --stage dev [--force]

`stage-config` copies the infra stack's outputs (stream ARN, topic, Cognito issuer/JWKS/client…)
into `.chalice/config.json` for that stage: Chalice reads them as environment variables before it
imports app.py, and the stream ARN must be real then. `check` refuses to deploy with placeholders
left or without the engine in vendor/. `stream-settings` gives the stream's event source mapping
what `@app.on_dynamodb_record` cannot say (conventions.STREAM_MAPPING_SETTINGS and the on-failure
destination, the DLQ); Chalice's later deploys update only batch size and window, so the settings
stay, and running it again changes nothing. `deploy` runs `chalice deploy` through chalice_cli.py,
which gives the REST API our gateway responses and ANY methods (gateway.py); `api-settings` then
checks they are there, sets the stage's throttling (conventions.API_THROTTLING) and access log,
and puts the stage behind the stack's web ACL (a flood guard per source IP), which API Gateway
and WAF keep across later deploys: running it again changes nothing. `release` publishes a
version of every function and moves its alias `live` (which every caller invokes) to it — at once
in dev, as a canary watched by the release alarms in staging and prod, rolled back when one fires
(release.py); `all` ends with it.

`deploy`, `delete` and `all` run under the stage's lock with Chalice's deployed state kept in the
stage's deploy-state bucket (state.py): fetched before Chalice runs, saved after, so a second
clone or a CI runner updates the same REST API and event-source mappings instead of making new
ones, and two deploys of one stage never overlap. `api-settings` reads the REST API from the
stored state too. `deploy` also hands Chalice the stage's generated secrets (CLAIM_CODE_SECRET,
app_settings.GENERATED_SECRETS) for the functions that read them, read from Secrets Manager with
the deployer's credentials and passed to the Chalice process in its environment, never written to
a file (chalice_cli.py adds them to the functions' configuration as Chalice sends it).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from . import conventions, release, state
from .app_settings import GENERATED_SECRETS, PASSED_THROUGH, SECRETS, output_name, secret_output
from .package import PackageError, check_vendored

ROOT = conventions.ROOT
CONFIG = ROOT / ".chalice" / "config.json"
PLACEHOLDER = "UNSET"
FROM_STACK = ("COMPLAINTS_STREAM_ARN", "NOTIFY_TOPIC_ARN", "ATTACHMENTS_BUCKET", "AUTH_ISSUER",
              "AUTH_JWKS_URL", "AUTH_AUDIENCE", "USER_POOL_ID", "PEOPLE_KMS_KEY")
# Settings the stack is told as parameters (app_settings.PASSED_THROUGH): an output only when given,
# else the stage's value becomes "" (that channel off, or config.py's default).
OPTIONAL_FROM_STACK = PASSED_THROUGH
MUST_BE_SET = ("STAGE", "TABLE_PREFIX", "COMPLAINTS_STREAM_ARN", "AUTH_ISSUER", "AUTH_JWKS_URL",
               "AUTH_AUDIENCE", "NOTIFY_TOPIC_ARN", "USER_POOL_ID", "PEOPLE_KMS_KEY")


# The Chalice CLI path (a) runs: ours (the REST API's own answers); a test or a CI wrapper may name
# another script that installs the same extension first (tests/deploy/chalice_on_moto.py).
CHALICE_CLI_ENV = "LAMPUNGIN_CHALICE_CLI"
SECRETS_ENV = "LAMPUNGIN_FUNCTION_SECRETS"      # read by chalice_cli.py in the Chalice process


class DeployError(Exception):
    """A deploy problem, its message already in the reader's language."""


# code -> (Indonesian, English): one language at a time, Indonesian unless LANG says English
MESSAGES = {
    "no_stack": ("stack {stack!r} tidak terbaca: {why}", "cannot read stack {stack!r}: {why}"),
    "stack_status": ("stack {stack!r} berstatus {status}; pasang infra/stack.json dulu",
                     "stack {stack!r} is {status}; deploy infra/stack.json first"),
    "no_stage": ("tidak ada tahap {stage!r} di .chalice/config.json", "no stage {stage!r} in .chalice/config.json"),
    "other_stage": ("stack itu melayani tahap {serves!r}, bukan {stage!r}",
                    "that stack serves stage {serves!r}, not {stage!r}"),
    "name_mismatch": ("{name} bernilai {have!r} di .chalice/config.json tetapi stack menyebut {expected!r}: "
                      "perbaiki konfigurasinya (nama harus sama dengan tabelnya)",
                      "{name} is {have!r} in .chalice/config.json but the stack says {expected!r}: fix the "
                      "config (names must match the tables)"),
    "no_output": ("stack tidak punya keluaran {key} (untuk {name}); benarkah itu infra/stack.json?",
                  "the stack has no output {key} (for {name}); is it infra/stack.json?"),
    "no_mapping": ("{function} belum berlangganan {stream}: jalankan `chalice deploy --stage` dulu",
                   "{function} has no event source mapping on {stream}: run `chalice deploy --stage` first"),
    "mapping_busy": ("langganan {uuid} terus sibuk; jalankan {command} lagi",
                     "event source mapping {uuid} stayed busy; run {command} again"),
    "no_deployment": ("tidak ada pemasangan tercatat di {path}: jalankan `chalice deploy` dulu",
                      "no deployment recorded in {path}: run `chalice deploy` first"),
    "no_rest_api": ("{path} tidak memuat REST API", "{path} has no REST API"),
    "no_any_methods": ("REST API tidak punya metode ANY pada {paths}: ia dipasang dengan `chalice deploy` "
                       "biasa; pasang dengan `tools/deploy --stage {stage}`",
                       "the REST API has no ANY method on {paths}: it was deployed by a plain `chalice "
                       "deploy`; deploy with `tools/deploy --stage {stage}`"),
    "ready": ("tahap {stage} siap untuk `chalice deploy --stage {stage}`",
              "stage {stage} is ready for `chalice deploy --stage {stage}`"),
    "stream_arn_differs": ("COMPLAINTS_STREAM_ARN di konfigurasi tahap bukan milik stack: jalankan stage-config",
                           "the stage config's COMPLAINTS_STREAM_ARN is not the stack's: run stage-config"),
    "not_set": ("{name} belum diisi untuk tahap {stage}: jalankan `tools/stage-config --stage {stage}`",
                "{name} is not set for stage {stage}: run `tools/stage-config --stage {stage}`"),
    "table_prefix": ("TABLE_PREFIX harus {prefix!r} (nama di infra dan kebijakan IAM)",
                     "TABLE_PREFIX must be {prefix!r} (infra names and IAM policy)"),
    "autogen_policy": ("autogen_policy harus false: Chalice tidak melihat panggilan PynamoDB",
                       "autogen_policy must be false: Chalice cannot see PynamoDB's calls"),
    "no_policy": ("tidak ada berkas kebijakan IAM untuk {name} di tahap {stage} (python -m lampungin.deploy.infra, "
                  "dan `iam_policy_file`-nya di .chalice/config.json)",
                  "no IAM policy file for {name} in stage {stage} (python -m lampungin.deploy.infra, and its "
                  "`iam_policy_file` in .chalice/config.json)"),
    "secret_in_config": ("{name} ada di .chalice/config.json: rahasia tidak pernah masuk repositori "
                         "(pemasangan membacanya dari Secrets Manager; docs/deploy.md, rahasia)",
                         "{name} is in .chalice/config.json: a secret never belongs in the repository (the "
                         "deploy reads it from Secrets Manager; docs/deploy.md, secrets)"),
}


def say(code: str, **params) -> str:
    """A message of this tool in the reader's language (LANG; Indonesian by default)."""
    return MESSAGES[code][0 if state.language() == "id" else 1].format(**params)


def default_stack(stage: str) -> str:
    return f"{conventions.APP_NAME}-{stage}-infra"


def _session(region: str | None):
    import boto3  # lazy: `check` and `--help` need no AWS SDK (boto3 costs ~150 ms to import)
    return boto3.session.Session(region_name=region)


def stack_outputs(session, stack: str) -> tuple[dict, dict]:
    cfn = session.client("cloudformation")
    try:
        desc = cfn.describe_stacks(StackName=stack)["Stacks"][0]
    except cfn.exceptions.ClientError as exc:
        raise DeployError(say("no_stack", stack=stack, why=exc)) from None
    if not desc["StackStatus"].endswith("_COMPLETE") or "ROLLBACK" in desc["StackStatus"]:
        raise DeployError(say("stack_status", stack=stack, status=desc["StackStatus"]))
    outputs = {o["OutputKey"]: o["OutputValue"] for o in desc.get("Outputs", [])}
    params = {p["ParameterKey"]: p.get("ParameterValue") for p in desc.get("Parameters", [])}
    return outputs, params


def load_config(path: Path = CONFIG) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def save_config(config: dict, path: Path = CONFIG) -> None:
    path.write_text(json.dumps(config, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def stage_env(config: dict, stage: str) -> dict:
    if stage not in config.get("stages", {}):
        raise DeployError(say("no_stage", stage=stage))
    return config["stages"][stage].setdefault("environment_variables", {})


# --- stage-config ------------------------------------------------------------------------------
def write_stage_config(stage: str, outputs: dict, params: dict, path: Path = CONFIG) -> dict:
    """Put the stack's outputs into the stage's environment; return what changed."""
    if params.get("Stage") not in (None, stage):
        raise DeployError(say("other_stage", serves=params["Stage"], stage=stage))
    config = load_config(path)
    env = stage_env(config, stage)
    for name in ("STAGE", "TABLE_PREFIX"):
        expected = outputs.get(output_name(name))
        if expected is not None and env.get(name) != expected:
            raise DeployError(say("name_mismatch", name=name, have=env.get(name), expected=expected))
    changed = {}
    for name in FROM_STACK:
        key = output_name(name)
        if key not in outputs:
            raise DeployError(say("no_output", key=key, name=name))
        if env.get(name) != outputs[key]:
            changed[name] = outputs[key]
            env[name] = outputs[key]
    for name in OPTIONAL_FROM_STACK:
        value = outputs.get(output_name(name), "")
        if env.get(name, "") != value:
            changed[name] = value
            env[name] = value
    if changed:
        save_config(config, path)
    return changed


# --- check -------------------------------------------------------------------------------------
def check_stage(stage: str, path: Path = CONFIG, vendor: Path | None = ROOT / "vendor") -> list[str]:
    """Everything that would make `chalice deploy --stage` produce a broken stage (vendor=None:
    skip the engine check)."""
    problems = []
    config = load_config(path)
    try:
        env = stage_env(config, stage)
    except DeployError as exc:
        return [str(exc)]
    for name in MUST_BE_SET:
        value = str(env.get(name, ""))
        if not value or PLACEHOLDER in value:
            problems.append(say("not_set", name=name, stage=stage))
    if env.get("TABLE_PREFIX") and env["TABLE_PREFIX"] != conventions.table_prefix(stage):
        problems.append(say("table_prefix", prefix=conventions.table_prefix(stage)))
    policy = config["stages"][stage].get("iam_policy_file") or config.get("iam_policy_file")
    if config["stages"][stage].get("autogen_policy", config.get("autogen_policy")) is not False:
        problems.append(say("autogen_policy"))
    else:
        functions = config["stages"][stage].get("lambda_functions", {})
        for which in conventions.FUNCTIONS:
            name = conventions.chalice_function(which)
            own = functions.get(name, {}).get("iam_policy_file") or policy
            if not own or not (path.parent / own).is_file():
                problems.append(say("no_policy", name=name, stage=stage))
    for name in (*GENERATED_SECRETS, *SECRETS):
        if env.get(name) or config.get("environment_variables", {}).get(name):
            problems.append(say("secret_in_config", name=name))
    if vendor is not None:
        try:
            check_vendored(vendor)
        except PackageError as exc:
            problems.append(exc.message)
    return problems


# --- stream-settings ---------------------------------------------------------------------------
def wanted_mapping(dlq_arn: str) -> dict:
    return {**conventions.STREAM_MAPPING_SETTINGS,
            "DestinationConfig": {"OnFailure": {"Destination": dlq_arn}}}


def _differs(current: dict, wanted: dict) -> dict:
    diff = {}
    for key, value in wanted.items():
        have = current.get(key)
        if key == "DestinationConfig":
            have = {"OnFailure": {"Destination": ((have or {}).get("OnFailure") or {}).get("Destination")}}
        if have != value:
            diff[key] = value
    return diff


def mappings_of(lambda_client, function: str, stream_arn: str) -> list[dict]:
    """The stream's mappings that invoke `function` (by ARN: Chalice created them with the ARN;
    after a release they invoke its alias, `<ARN>:live`)."""
    arn = lambda_client.get_function(FunctionName=function)["Configuration"]["FunctionArn"]
    pages = lambda_client.get_paginator("list_event_source_mappings").paginate(EventSourceArn=stream_arn)
    return [m for page in pages for m in page["EventSourceMappings"]
            if _unqualified(m["FunctionArn"]) == _unqualified(arn)]


def _unqualified(arn: str) -> str:
    """A function's ARN without a version or alias (`…:function:name[:qualifier]`)."""
    return ":".join(arn.split(":")[:7])


def apply_stream_settings(lambda_client, stage: str, stream_arn: str, dlq_arn: str, *,
                          attempts: int = 30, delay: float = 2.0) -> list[dict]:
    """Idempotent: updates only what differs; waits while a mapping is Creating/Updating."""
    function = conventions.function_name(stage, "stream")
    wanted = wanted_mapping(dlq_arn)
    mappings = mappings_of(lambda_client, function, stream_arn)
    if not mappings:
        raise DeployError(say("no_mapping", function=function, stream=stream_arn))
    done = []
    for mapping in mappings:
        uuid = mapping["UUID"]
        for _ in range(attempts):
            current = lambda_client.get_event_source_mapping(UUID=uuid)
            diff = _differs(current, wanted)
            if not diff:
                done.append({"uuid": uuid, "changed": []})
                break
            if current.get("State") in ("Creating", "Updating", "Enabling"):
                time.sleep(delay)
                continue
            try:
                lambda_client.update_event_source_mapping(UUID=uuid, **diff)
            except lambda_client.exceptions.ResourceInUseException:
                time.sleep(delay)
                continue
            done.append({"uuid": uuid, "changed": sorted(diff)})
            break
        else:
            raise DeployError(say("mapping_busy", uuid=uuid, command="stream-settings"))
    return done


# --- api-settings ------------------------------------------------------------------------------
def deployed_rest_api(stage: str, project_dir: Path, document: dict | None = None) -> dict:
    """The REST API `chalice deploy --stage` recorded: in `document` (the stored state), else in
    .chalice/deployed/<stage>.json."""
    path = project_dir / ".chalice" / "deployed" / f"{stage}.json"
    try:
        resources = (document if document is not None else json.loads(path.read_text(encoding="utf-8")))["resources"]
    except (OSError, ValueError, KeyError):
        raise DeployError(say("no_deployment", path=path)) from None
    api = next((r for r in resources if r.get("resource_type") == "rest_api"), None)
    if api is None:
        raise DeployError(say("no_rest_api", path=path))
    return api


def throttling_operations(current: dict, stage: str) -> list[dict]:
    """The patch operations that give every method of the API Gateway stage the throttling of
    conventions.API_THROTTLING[stage]; none when it already has it."""
    wanted = conventions.API_THROTTLING[stage]
    have = current.get("*/*") or {}
    ops = []
    if have.get("throttlingRateLimit") != float(wanted["rate"]):
        ops.append({"op": "replace", "path": "/*/*/throttling/rateLimit", "value": str(wanted["rate"])})
    if have.get("throttlingBurstLimit") != int(wanted["burst"]):
        ops.append({"op": "replace", "path": "/*/*/throttling/burstLimit", "value": str(wanted["burst"])})
    return ops


def missing_any_methods(gateway_client, rest_api_id: str) -> list[str]:
    """Paths with a Lambda method but no ANY method: the API was deployed without chalice_cli
    (a plain `chalice deploy`), so other methods get API Gateway's 403 instead of our 405."""
    pages = gateway_client.get_paginator("get_resources").paginate(restApiId=rest_api_id,
                                                                 embed=["methods"])
    missing = []
    for page in pages:
        for res in page["items"]:
            methods = set(res.get("resourceMethods") or {})
            if methods - {"OPTIONS"} and "ANY" not in methods:
                missing.append(res["path"])
    return sorted(missing)


def access_log_operations(current: dict, destination_arn: str | None) -> list[dict]:
    """The patch operations that send the stage's access log (conventions.ACCESS_LOG_FORMAT) to
    the infra stack's group; none when it already does, or when the stack has no group."""
    if not destination_arn:
        return []
    have = current.get("accessLogSettings") or {}
    destination_arn = destination_arn.removesuffix(":*")     # a log group's ARN as GetAtt gives it
    ops = []
    if have.get("destinationArn") != destination_arn:
        ops.append({"op": "replace", "path": "/accessLogSettings/destinationArn", "value": destination_arn})
    if have.get("format") != conventions.ACCESS_LOG_FORMAT:
        ops.append({"op": "replace", "path": "/accessLogSettings/format", "value": conventions.ACCESS_LOG_FORMAT})
    return ops


def stage_arn(web_acl_arn: str, region: str, rest_api_id: str, api_stage: str) -> str:
    """The ARN WAF knows an API Gateway stage by (its partition from the web ACL's)."""
    partition = web_acl_arn.split(":")[1]
    return f"arn:{partition}:apigateway:{region}::/restapis/{rest_api_id}/stages/{api_stage}"


def apply_firewall(waf_client, web_acl_arn: str | None, resource_arn: str) -> bool:
    """The stage behind the infra stack's web ACL (resources.api_firewall): True when it was
    associated now, False when it already was (or the stack has none)."""
    if not web_acl_arn:
        return False
    current = (waf_client.get_web_acl_for_resource(ResourceArn=resource_arn).get("WebACL") or {}).get("ARN")
    if current == web_acl_arn:
        return False
    waf_client.associate_web_acl(WebACLArn=web_acl_arn, ResourceArn=resource_arn)
    return True


def apply_api_settings(gateway_client, stage: str, rest_api_id: str, api_stage: str,
                       access_log_arn: str | None = None, waf_client=None, web_acl_arn: str | None = None) -> dict:
    missing = missing_any_methods(gateway_client, rest_api_id)
    if missing:
        raise DeployError(say("no_any_methods", paths=", ".join(missing[:5]), stage=stage))
    current = gateway_client.get_stage(restApiId=rest_api_id, stageName=api_stage)
    ops = throttling_operations(current.get("methodSettings", {}), stage)
    ops += access_log_operations(current, access_log_arn)
    if ops:
        gateway_client.update_stage(restApiId=rest_api_id, stageName=api_stage, patchOperations=ops)
    changed = [op["path"] for op in ops]
    if waf_client is not None and web_acl_arn and apply_firewall(
            waf_client, web_acl_arn, stage_arn(web_acl_arn, gateway_client.meta.region_name, rest_api_id, api_stage)):
        changed.append("web-acl")
    return {"rest_api_id": rest_api_id, "stage": api_stage, "changed": changed}


# --- commands ----------------------------------------------------------------------------------
def _config_path(args) -> Path:
    return Path(args.project_dir) / ".chalice" / "config.json"


def cmd_stage_config(args) -> int:
    outputs, params = stack_outputs(_session(args.region), args.stack or default_stack(args.stage))
    changed = write_stage_config(args.stage, outputs, params, _config_path(args))
    print(json.dumps({"stage": args.stage, "updated": sorted(changed)}))
    return 0


def cmd_check(args) -> int:
    problems = check_stage(args.stage, _config_path(args), Path(args.project_dir) / "vendor")
    for p in problems:
        print(f"deploy check: {p}", file=sys.stderr)
    if not problems:
        print(f"deploy check: {say('ready', stage=args.stage)}")
    return 1 if problems else 0


def cmd_stream_settings(args) -> int:
    session = _session(args.region)
    outputs, _ = stack_outputs(session, args.stack or default_stack(args.stage))
    env = stage_env(load_config(_config_path(args)), args.stage)
    stream_arn = env.get("COMPLAINTS_STREAM_ARN")
    if not stream_arn or stream_arn != outputs.get("ComplaintsStreamArn"):
        raise DeployError(say("stream_arn_differs"))
    result = apply_stream_settings(session.client("lambda"), args.stage, stream_arn,
                                   outputs["DeadLetterQueueArn"])
    print(json.dumps({"stage": args.stage, "mappings": result}))
    return 0


def function_secrets(session, outputs: dict, stage: str) -> dict[str, dict[str, str]]:
    """function name -> {setting: value} of the stage's generated secrets, for the functions that
    read each (app_settings.GENERATED_SECRETS), read from Secrets Manager now."""
    client = session.client("secretsmanager")
    out: dict[str, dict[str, str]] = {}
    for name, (_, users) in GENERATED_SECRETS.items():
        arn = outputs.get(secret_output(name))
        if not arn:
            raise DeployError(state.text("missing_outputs", stack=default_stack(stage), names=secret_output(name)))
        value = client.get_secret_value(SecretId=arn)["SecretString"]
        for which in users:
            out.setdefault(conventions.function_name(stage, which), {})[name] = value
    return out


def run_chalice(project_dir: Path, command: str, stage: str, secrets: dict | None = None) -> int:
    """Chalice's CLI as path (a) runs it (chalice_cli.py, or $LAMPUNGIN_CHALICE_CLI), with the
    functions' secrets in its environment only."""
    script = os.environ.get(CHALICE_CLI_ENV)
    runner = [sys.executable, script] if script else [sys.executable, "-m", "lampungin.deploy.chalice_cli"]
    env = {k: v for k, v in os.environ.items() if k != SECRETS_ENV}
    if secrets:
        env[SECRETS_ENV] = json.dumps(secrets)
    proc = subprocess.run([*runner, "--project-dir", str(project_dir), command, "--stage", stage], cwd=ROOT, env=env)
    return proc.returncode


def _state(args, session):
    stack = args.stack or default_stack(args.stage)
    outputs, _ = stack_outputs(session, stack)
    store, lock = state.from_outputs(session, outputs, stack, args.stage)
    return outputs, store, lock


def _locked(args, session, store, lock, command: str, run) -> int:
    owner = state.default_owner(state.caller_identity(session))
    seconds = state.LOCK_SECONDS
    if command in ("release", "all"):       # the lock outlasts the traffic shift
        seconds += sum(hold for _, hold in release.steps(args.strategy or release.RELEASE_STRATEGIES[args.stage]))
    return state.with_state(store, lock, Path(args.project_dir), command, run, owner=owner, seconds=seconds,
                            say=lambda line: print(line, file=sys.stderr))


def cmd_deploy(args) -> int:
    """`chalice deploy --stage` with the REST API's gateway responses and ANY methods (chalice_cli),
    under the stage's lock, with its stored state and its functions' secrets."""
    session = _session(args.region)
    outputs, store, lock = _state(args, session)
    secrets = function_secrets(session, outputs, args.stage)
    return _locked(args, session, store, lock, "deploy",
                   lambda: run_chalice(Path(args.project_dir), "deploy", args.stage, secrets))


def cmd_delete(args) -> int:
    """`chalice delete --stage` of what the stored state says was deployed, from any clone."""
    session = _session(args.region)
    _, store, lock = _state(args, session)
    return _locked(args, session, store, lock, "delete",
                   lambda: run_chalice(Path(args.project_dir), "delete", args.stage))


def cmd_api_settings(args) -> int:
    session = _session(args.region)
    config = load_config(_config_path(args))
    api_stage = config.get("api_gateway_stage", "api")
    _, store, _ = _state(args, session)
    api = deployed_rest_api(args.stage, Path(args.project_dir), store.document(Path(args.project_dir)))
    outputs, _ = stack_outputs(session, args.stack or default_stack(args.stage))
    result = apply_api_settings(session.client("apigateway"), args.stage, api["rest_api_id"], api_stage,
                                outputs.get("ApiAccessLogGroupArn"), session.client("wafv2"),
                                outputs.get("ApiWebAclArn"))
    print(json.dumps({"stage": args.stage, "api": result}))
    return 0


def run_release(session, args) -> int:
    try:
        report = release.release(session.client("lambda"), session.client("cloudwatch"), args.stage,
                                 strategy=args.strategy, say_line=lambda line: print(line, file=sys.stderr))
    except release.ReleaseError as exc:
        print(f"deploy: {exc}", file=sys.stderr)
        return 1
    print(json.dumps({"release": report}))
    return 0


def cmd_release(args) -> int:
    """Publish and shift every function's alias `live` to its new version (release.py), under the
    stage's lock: nothing else deploys the stage meanwhile."""
    session = _session(args.region)
    _, store, lock = _state(args, session)
    return _locked(args, session, store, lock, "release", lambda: run_release(session, args))


def cmd_state(args) -> int:
    """What is stored for the stage (its resources) and who holds its lock, as JSON."""
    session = _session(args.region)
    _, store, lock = _state(args, session)
    document = store.document()
    holder = lock.holder()
    print(json.dumps({"stage": args.stage, "state": f"s3://{store.bucket}/{store.key}",
                      "resources": [{"name": r.get("name"), "type": r.get("resource_type")}
                                    for r in (document or {}).get("resources", [])],
                      "lock": None if holder is None else {k: holder[k] for k in ("owner", "command", "host")}
                      | {"since": state._iso(holder["acquired_at"]), "until": state._iso(holder["expires_at"])}},
                     indent=2, ensure_ascii=False))
    return 0


def cmd_unlock(args) -> int:
    session = _session(args.region)
    _, _, lock = _state(args, session)
    try:
        held = lock.force_release(force=args.force)
    except state.StateError as exc:
        print(f"deploy: {exc}", file=sys.stderr)
        return 1
    print(state.text("no_lock", stage=args.stage) if held is None
          else state.text("unlocked", stage=args.stage, owner=held["owner"]))
    return 0


def cmd_all(args) -> int:
    """stage-config and check, then — under one lock, with the stored state — deploy,
    stream-settings, api-settings and release."""
    cmd_stage_config(args)
    if cmd_check(args):
        return 1
    session = _session(args.region)
    outputs, store, lock = _state(args, session)
    secrets = function_secrets(session, outputs, args.stage)

    def run() -> int:
        code = run_chalice(Path(args.project_dir), "deploy", args.stage, secrets)
        if code != 0:
            return code
        env = stage_env(load_config(_config_path(args)), args.stage)
        mappings = apply_stream_settings(session.client("lambda"), args.stage, env["COMPLAINTS_STREAM_ARN"],
                                         outputs["DeadLetterQueueArn"])
        api = deployed_rest_api(args.stage, Path(args.project_dir))
        api_stage = load_config(_config_path(args)).get("api_gateway_stage", "api")
        settings = apply_api_settings(session.client("apigateway"), args.stage, api["rest_api_id"], api_stage,
                                      outputs.get("ApiAccessLogGroupArn"), session.client("wafv2"),
                                      outputs.get("ApiWebAclArn"))
        print(json.dumps({"stage": args.stage, "mappings": mappings, "api": settings}))
        return run_release(session, args)

    return _locked(args, session, store, lock, "all", run)


# the command line's words: (Indonesian, English), one language at a time (LANG)
HELP = {
    "tool": ("jalur pemasangan (a): `chalice deploy` sebuah tahap sesudah stack infranya (docs/deploy.md)",
             "deployment path (a): `chalice deploy` of a stage after its infra stack (docs/deploy.md)"),
    "stage-config": ("tulis keluaran stack ke konfigurasi tahap", "write stack outputs into the stage config"),
    "check": ("tolak tahap yang akan terpasang rusak", "refuse a stage that would deploy broken"),
    "stream-settings": ("terapkan pengaturan langganan stream", "apply the event-source settings"),
    "deploy": ("chalice deploy, dengan jawaban REST API sendiri", "chalice deploy, with the REST API's own answers"),
    "api-settings": ("periksa REST API, atur batas laju, log akses dan firewall tahap",
                     "check the REST API, set the stage's throttling, access log and firewall"),
    "release": ("pindahkan alias live setiap fungsi ke versi barunya",
                "shift every function's alias live to its new version"),
    "all": ("stage-config, check, deploy, stream-settings, api-settings, release",
            "stage-config, check, deploy, stream-settings, api-settings, release"),
    "delete": ("chalice delete atas pemasangan yang tersimpan, terkunci",
               "chalice delete of the stored deployment, locked"),
    "state": ("tampilkan keadaan terpasang yang tersimpan dan kuncinya", "show the stored deployed state and the lock"),
    "unlock": ("lepaskan kunci yang habis (--force: kunci apa pun)", "remove an expired lock (--force: any lock)"),
    "stage": ("tahapnya", "the stage"),
    "stack": ("stack infra (bawaan lampungin-<tahap>-infra)", "the infra stack (default lampungin-<stage>-infra)"),
    "region": ("wilayah AWS (bawaan: konfigurasi AWS Anda)", "AWS region (default: your AWS configuration)"),
    "project-dir": ("proyek Chalice (bawaan: salinan kerja ini)", "the Chalice project (default: this checkout)"),
    "strategy": ("cara lalu lintas dipindahkan (bawaan per tahap: {default})",
                 "how traffic moves (default per stage: {default})"),
    "force": ("juga kunci yang belum habis", "also a lock that has not expired"),
}
COMMANDS = {"stage-config": cmd_stage_config, "check": cmd_check, "stream-settings": cmd_stream_settings,
            "deploy": cmd_deploy, "api-settings": cmd_api_settings, "release": cmd_release, "all": cmd_all,
            "delete": cmd_delete, "state": cmd_state, "unlock": cmd_unlock}


def build_parser() -> argparse.ArgumentParser:
    # lazy: the rules toolchain's one-language argparse (its words and argparse's own)
    from lampungin.rules.cli_words import RulesParser

    lang = state.language()

    def words(key: str, **params) -> str:
        return HELP[key][0 if lang == "id" else 1].format(**params)

    parser = RulesParser(prog="python -m lampungin.deploy.chalice_deploy", description=words("tool"), lang=lang)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, func in COMMANDS.items():
        p = sub.add_parser(name, help=words(name), description=words(name), lang=lang)
        p.add_argument("--stage", required=True, choices=conventions.STAGES, help=words("stage"))
        p.add_argument("--stack", help=words("stack"))
        p.add_argument("--region", metavar="WILAYAH" if lang == "id" else "REGION", help=words("region"))
        p.add_argument("--project-dir", metavar="FOLDER", default=str(ROOT), help=words("project-dir"))
        if name in ("release", "all"):
            p.add_argument("--strategy", choices=release.PREDEFINED, help=words("strategy", default=", ".join(
                f"{k} {v}" for k, v in release.RELEASE_STRATEGIES.items())))
        if name == "unlock":
            p.add_argument("--force", action="store_true", help=words("force"))
        p.set_defaults(func=func)
    return parser


def subcommands() -> set[str]:
    return {name for action in build_parser()._actions if isinstance(action, argparse._SubParsersAction)
            for name in action.choices}


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (DeployError, state.StateError) as exc:
        print(f"deploy: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
