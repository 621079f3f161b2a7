"""Safe releases: every caller reaches a function through its alias `live`, and a release moves
`live` from the version it serves to the new one step by step while the stage's release alarms
are watched; an alarm in ALARM moves every function back (issue 15, part 5).

Both deployment paths do the same thing with the same per-stage strategy (RELEASE_STRATEGIES,
named as CodeDeploy names its predefined Lambda configurations):

* path (b), `chalice package` + CloudFormation: `sam_release` gives every function SAM's
  `AutoPublishAlias: live` and a `DeploymentPreference` (CodeDeploy shifts the traffic and rolls
  back on the alarms), and points the REST API's integrations and the user pool's triggers at the
  alias;
* path (a), `chalice deploy`: Chalice updates each function's code in place ($LATEST) and knows
  nothing of aliases. chalice_cli.py therefore points the REST API's integrations and the
  schedules' targets at `<function>:live` in the requests Chalice sends (`qualify_swagger`,
  `qualify_targets`), so Chalice's update of $LATEST reaches nobody; then `release` (here, run by
  `chalice_deploy all` and `chalice_deploy release`) publishes a version of each function, gives
  the alias the invoke permissions Chalice gave the function, moves the event source mappings
  (stream, delivery queues) onto the alias, and shifts `live`: all at once in dev, a canary in
  staging and prod. A release interrupted half way (the weights are on the alias) is finished by
  running `release` again; a release with nothing new changes nothing.

The alarms watched (alarms.RELEASE_ALARMS) are those a bad release trips within minutes: every
function's errors, the API's 5XX answers, the sweep's clock errors and the stream's dead letters.
They watch the function as a whole (all versions), so the canary's share is in them.
"""
from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from typing import Any

from . import alarms, conventions

LIVE = conventions.LIVE_ALIAS
# CodeDeploy's predefined Lambda deployment configurations (SAM's DeploymentPreference.Type); path
# (a) reads the same names into steps.
PREDEFINED = ("AllAtOnce", "Canary10Percent5Minutes", "Canary10Percent10Minutes", "Canary10Percent15Minutes",
              "Canary10Percent30Minutes", "Linear10PercentEvery1Minute", "Linear10PercentEvery2Minutes",
              "Linear10PercentEvery3Minutes", "Linear10PercentEvery10Minutes")
RELEASE_STRATEGIES = {"dev": "AllAtOnce", "staging": "Canary10Percent5Minutes", "prod": "Canary10Percent10Minutes"}
POLL_SECONDS = 30          # how often the alarms are read while traffic is shifted
KEEP_VERSIONS = 3          # published versions kept besides the live one (Lambda's code storage is finite)
_UNQUALIFIED = re.compile(r"^(arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+)$")
_INTEGRATION = re.compile(r"(/functions/)(arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+)"
                          r"(/invocations)$")


class ReleaseError(Exception):
    """A release that did not happen (or was undone), its message in the reader's language."""


# code -> (Indonesian, English): one language at a time, Indonesian unless LANG says English
MESSAGES = {
    "unknown_strategy": ("strategi rilis {strategy!r} tidak dikenal; salah satu dari {known}",
                         "unknown release strategy {strategy!r}; one of {known}"),
    "mapping_busy": ("langganan {uuid} terus sibuk; jalankan release lagi",
                     "event source mapping {uuid} stayed busy; run release again"),
    "already_alarming": ("tidak dirilis: {alarms} sudah dalam keadaan ALARM (perbaiki dulu, atau rilis dengan "
                         "--strategy AllAtOnce)",
                         "not releasing: {alarms} already in ALARM (fix it first, or release with --strategy "
                         "AllAtOnce)"),
    "shifting": ("rilis {stage}: {percent} % ke versi baru selama {seconds} detik",
                 "release {stage}: {percent} % on the new versions for {seconds} s"),
    "rolled_back": ("dibatalkan: {alarms} masuk ALARM saat {percent} % ke versi baru; alias live kembali "
                    "melayani versi sebelumnya",
                    "rolled back: {alarms} went into ALARM with {percent} % on the new versions; live serves "
                    "the previous versions again"),
}


def say(code: str, **params) -> str:
    # lazy: the rules toolchain's LANG reading; chalice_cli imports this module in Chalice's process
    from lampungin.rules.messages import language
    return MESSAGES[code][0 if language() == "id" else 1].format(**params)


def steps(strategy: str) -> list[tuple[float, int]]:
    """(share of traffic on the new version, seconds to hold it while watching) before all of it
    moves: AllAtOnce -> [], Canary10Percent10Minutes -> [(0.1, 600)], Linear10PercentEvery1Minute
    -> [(0.1, 60), (0.2, 60), … (0.9, 60)]."""
    if strategy not in PREDEFINED:
        raise ReleaseError(say("unknown_strategy", strategy=strategy, known=", ".join(PREDEFINED)))
    if strategy == "AllAtOnce":
        return []
    canary = re.fullmatch(r"Canary(\d+)Percent(\d+)Minutes", strategy)
    if canary:
        return [(int(canary[1]) / 100, int(canary[2]) * 60)]
    linear = re.fullmatch(r"Linear(\d+)PercentEvery(\d+)Minutes?", strategy)
    if linear is None:
        raise ReleaseError(say("unknown_strategy", strategy=strategy, known=", ".join(PREDEFINED)))
    share, minutes = int(linear[1]), int(linear[2])
    return [(k / 100, minutes * 60) for k in range(share, 100, share)]


# --- path (a): what chalice_cli.py changes in Chalice's requests ----------------------------------
def _ours(arn: str) -> bool:
    return arn.rsplit(":", 1)[-1].startswith(f"{conventions.APP_NAME}-")


def qualify_swagger(doc: dict) -> dict:
    """Every Lambda integration of the REST API invokes `<function>:live` (idempotent)."""
    for methods in doc.get("paths", {}).values():
        for method in methods.values():
            integration = method.get("x-amazon-apigateway-integration") if isinstance(method, dict) else None
            uri = integration.get("uri") if isinstance(integration, dict) else None
            if isinstance(integration, dict) and isinstance(uri, str):
                match = _INTEGRATION.search(uri)
                if match and _ours(match[2]):
                    integration["uri"] = uri[:match.start()] + f"{match[1]}{match[2]}:{LIVE}{match[3]}"
    return doc


def qualify_targets(params: dict, **_) -> None:
    """botocore `before-parameter-build.events.PutTargets`: a schedule or event rule invokes
    `<function>:live`, never $LATEST (Chalice puts its targets again on every deploy)."""
    for target in params.get("Targets") or []:
        arn = target.get("Arn", "")
        if _UNQUALIFIED.match(arn) and _ours(arn):
            target["Arn"] = f"{arn}:{LIVE}"


def unqualify_mapping(parsed: dict, **_) -> None:
    """botocore `after-call.lambda.GetEventSourceMapping`, in the Chalice process only: a mapping
    the release moved onto the alias is shown to Chalice as on its function. Chalice checks on
    every deploy that each mapping it recorded still invokes the function's own ARN, and would
    otherwise create a second mapping on the same stream or queue (every record handled twice)."""
    arn = parsed.get("FunctionArn") if isinstance(parsed, dict) else None
    if isinstance(arn, str) and len(arn.split(":")) == 8 and _ours(arn.rsplit(":", 1)[0]):
        parsed["FunctionArn"] = arn.rsplit(":", 1)[0]


# --- path (a): the release ----------------------------------------------------------------------
def _policy(client, name: str, qualifier: str | None = None) -> list[dict]:
    try:
        kwargs = {"FunctionName": name, **({"Qualifier": qualifier} if qualifier else {})}
        return json.loads(client.get_policy(**kwargs)["Policy"]).get("Statement", [])
    except client.exceptions.ResourceNotFoundException:
        return []


def _grant(statement: dict) -> tuple:
    principal = statement.get("Principal", {})
    service = principal.get("Service") if isinstance(principal, dict) else principal
    source = ((statement.get("Condition") or {}).get("ArnLike") or {}).get("AWS:SourceArn")
    account = ((statement.get("Condition") or {}).get("StringEquals") or {}).get("AWS:SourceAccount")
    return service, source, account


def copy_permissions(client, name: str) -> list[str]:
    """The alias may be invoked by whatever may invoke the function (Chalice's grants to API
    Gateway and EventBridge are made on the function); returns the services granted now."""
    have = {_grant(s) for s in _policy(client, name, LIVE)}
    added = []
    for statement in _policy(client, name):
        service, source, account = _grant(statement)
        if not service or (service, source, account) in have:
            continue
        kwargs: dict[str, Any] = {"FunctionName": name, "Qualifier": LIVE, "Action": "lambda:InvokeFunction",
                                  "StatementId": f"{statement.get('Sid', 'grant')}-{LIVE}"[:100],
                                  "Principal": service}
        if source:
            kwargs["SourceArn"] = source
        if account:
            kwargs["SourceAccount"] = account
        client.add_permission(**kwargs)
        have.add((service, source, account))
        added.append(service)
    return added


def move_mappings(client, name: str, alias_arn: str, *, attempts: int = 30, delay: float = 2.0,
                  sleep: Callable[[float], None] = time.sleep) -> list[str]:
    """Every event source mapping Chalice made on the function ($LATEST, an unqualified ARN)
    invokes the alias instead (Chalice's later deploys update only a mapping's batch settings, so
    it stays there); one already qualified (the alias, or a version pinned by hand) is left as it
    is. Returns the mappings moved."""
    moved = []
    function_arn = alias_arn.rsplit(":", 1)[0]
    found: dict[str, dict] = {}
    for key in (name, function_arn):        # AWS takes either; moto 5.2 matches what was given
        for page in client.get_paginator("list_event_source_mappings").paginate(FunctionName=key):
            found.update({m["UUID"]: m for m in page["EventSourceMappings"]})
    for mapping in found.values():
        if not _UNQUALIFIED.match(mapping["FunctionArn"]):
            continue
        for _ in range(attempts):
            try:
                client.update_event_source_mapping(UUID=mapping["UUID"], FunctionName=alias_arn)
                moved.append(mapping["UUID"])
                break
            except client.exceptions.ResourceInUseException:
                sleep(delay)
        else:
            raise ReleaseError(say("mapping_busy", uuid=mapping["UUID"]))
    return moved


def firing(cloudwatch, names: list[str]) -> list[str]:
    """The release alarms now in ALARM."""
    out = []
    for page in cloudwatch.get_paginator("describe_alarms").paginate(AlarmNames=names):
        out += [a["AlarmName"] for a in page["MetricAlarms"] if a["StateValue"] == "ALARM"]
    return sorted(out)


def _route(client, name: str, serving: str, new: str | None, share: float) -> None:
    weights = {new: round(share, 4)} if new and share else {}
    client.update_alias(FunctionName=name, Name=LIVE, FunctionVersion=serving,
                        RoutingConfig={"AdditionalVersionWeights": weights})


def prune_versions(client, name: str, live_version: str, keep: int = KEEP_VERSIONS) -> list[str]:
    """Delete published versions beyond the `keep` newest, never the live one."""
    pages = client.get_paginator("list_versions_by_function").paginate(FunctionName=name)
    versions = sorted((int(v["Version"]) for page in pages for v in page["Versions"] if v["Version"] != "$LATEST"),
                      reverse=True)
    gone = [str(v) for v in versions[keep:] if str(v) != live_version]
    for version in gone:
        client.delete_function(FunctionName=name, Qualifier=version)
    return gone


def release(lambda_client, cloudwatch, stage: str, *, strategy: str | None = None,
            sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic,
            say_line: Callable[[str], None] = print) -> dict:
    """Publish, wire and shift every function of the stage to its new version (module docstring).
    Raises ReleaseError after rolling every function back when a release alarm fires."""
    strategy = strategy or RELEASE_STRATEGIES[stage]
    plan = steps(strategy)
    watched = alarms.release_alarm_names(stage)
    report: dict = {"stage": stage, "strategy": strategy, "functions": {}}
    changed: dict[str, tuple[str, str]] = {}       # name -> (serving, new)
    for which in conventions.FUNCTIONS:
        name = conventions.function_name(stage, which)
        new = lambda_client.publish_version(FunctionName=name)["Version"]
        try:
            alias = lambda_client.get_alias(FunctionName=name, Name=LIVE)
        except lambda_client.exceptions.ResourceNotFoundException:
            alias = lambda_client.create_alias(FunctionName=name, Name=LIVE, FunctionVersion=new)
        entry = {"version": new, "permissions": copy_permissions(lambda_client, name),
                 "mappings": move_mappings(lambda_client, name, alias["AliasArn"], sleep=sleep)}
        if alias["FunctionVersion"] != new:
            changed[name] = (alias["FunctionVersion"], new)
            entry["from"] = alias["FunctionVersion"]
        elif (alias.get("RoutingConfig") or {}).get("AdditionalVersionWeights"):
            _route(lambda_client, name, new, None, 0)      # a rolled-forward leftover weight
        report["functions"][name] = entry
    if not changed:
        report["result"] = "unchanged"
        return report
    if plan:
        already = firing(cloudwatch, watched)
        if already:
            raise ReleaseError(say("already_alarming", alarms=", ".join(already)))
    for share, hold in plan:
        for name, (serving, new) in changed.items():
            _route(lambda_client, name, serving, new, share)
        say_line(say("shifting", stage=stage, percent=int(share * 100), seconds=hold))
        deadline = clock() + hold
        while True:
            bad = firing(cloudwatch, watched)
            if bad:
                for name, (serving, _) in changed.items():
                    _route(lambda_client, name, serving, None, 0)
                report["result"] = "rolled back"
                raise ReleaseError(say("rolled_back", alarms=", ".join(bad), percent=int(share * 100)))
            left = deadline - clock()
            if left <= 0:
                break
            sleep(min(POLL_SECONDS, left))
    for name, (_, new) in changed.items():
        _route(lambda_client, name, new, None, 0)
        report["functions"][name]["pruned"] = prune_versions(lambda_client, name, new)
    report["result"] = "released"
    return report


# --- path (b): the SAM template --------------------------------------------------------------------
def sam_alias(logical: str) -> str:
    """The logical id SAM gives a function's AutoPublishAlias (`APIHandlerAliaslive`); inside a
    Sub text SAM does not resolve `${F.Alias}`, so the alias is named by its own id there."""
    return f"{logical}Alias{LIVE}"


def _to_alias(node, functions: set[str]):
    """`${F.Arn}` in a Sub text, `GetAtt F.Arn` and `Ref F` of a function become its alias."""
    if isinstance(node, list):
        return [_to_alias(item, functions) for item in node]
    if not isinstance(node, dict):
        return node
    if set(node) == {"Fn::GetAtt"}:
        target = node["Fn::GetAtt"]
        logical, attribute = target if isinstance(target, list) else target.split(".", 1)
        if logical in functions and attribute == "Arn":
            return {"Ref": f"{logical}.Alias"}
    if set(node) == {"Ref"} and node["Ref"] in functions:
        return {"Ref": f"{node['Ref']}.Alias"}
    if set(node) == {"Fn::Sub"} and isinstance(node["Fn::Sub"], str):
        return {"Fn::Sub": re.sub(r"\$\{(\w+)\.Arn\}",
                                  lambda m: f"${{{sam_alias(m[1])}}}" if m[1] in functions else m[0],
                                  node["Fn::Sub"])}
    return {key: _to_alias(value, functions) for key, value in node.items()}


def _pool_triggers(resources: dict) -> set[str]:
    """The functions a user pool's LambdaConfig names (the Cognito triggers)."""
    named = json.dumps([spec.get("Properties", {}).get("LambdaConfig", {}) for spec in resources.values()
                        if spec.get("Type") == "AWS::Cognito::UserPool"])
    return {logical for logical, spec in resources.items()
            if spec.get("Type") == "AWS::Serverless::Function" and re.search(rf'"{logical}(\.|")', named)}


def _trigger_alarms(resources: dict, triggers: set[str], logical: str) -> list[dict]:
    """A user pool trigger's release is watched by the triggers' own error alarms only. The other
    release alarms name the API and the workers, whose settings name the pool, which names the
    trigger's alias, which waits for its CodeDeploy deployment group, which names its alarms: with
    them CloudFormation refuses the stack (a circular dependency; cfn-lint E3004 on SAM's output,
    tests/deploy/test_deploy_smoke_sam.py). Empty for any other function."""
    if logical not in triggers:
        return []
    return [{"Ref": f"{t}ErrorsAlarm"} for t in sorted(triggers) if f"{t}ErrorsAlarm" in resources]


def sam_release(sam: dict, stage: str) -> dict:
    """Every function of `chalice package`'s SAM template gets `AutoPublishAlias: live` and the
    stage's DeploymentPreference with the release alarms (CodeDeploy shifts and rolls back); the
    REST API, the API's and the user pool's invoke permissions and the user pool's triggers call
    the alias. (SAM attaches a function's own Events — stream, queues, schedules — to the alias.)"""
    resources = sam["Resources"]
    functions = {k for k, v in resources.items() if v.get("Type") == "AWS::Serverless::Function"}
    watched = [{"Ref": logical} for logical in alarms.RELEASE_ALARMS if logical in resources]
    triggers = _pool_triggers(resources)
    for logical in functions:
        props = resources[logical].setdefault("Properties", {})
        props["AutoPublishAlias"] = LIVE
        props["DeploymentPreference"] = {"Type": RELEASE_STRATEGIES[stage],
                                         "Alarms": _trigger_alarms(resources, triggers, logical) or watched}
    for logical, spec in resources.items():
        if logical in functions:
            continue
        if spec.get("Type") == "AWS::Serverless::Api":
            spec["Properties"]["DefinitionBody"] = _to_alias(spec["Properties"]["DefinitionBody"], functions)
        elif spec.get("Type") == "AWS::Lambda::Permission":
            spec["Properties"]["FunctionName"] = _to_alias(spec["Properties"]["FunctionName"], functions)
        elif spec.get("Type") == "AWS::Cognito::UserPool" and "LambdaConfig" in spec.get("Properties", {}):
            spec["Properties"]["LambdaConfig"] = _to_alias(spec["Properties"]["LambdaConfig"], functions)
    return sam
