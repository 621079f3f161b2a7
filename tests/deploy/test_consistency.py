"""Function names, log groups, alarms and the dashboard agree in both deployment paths (issue 15):
GIVEN each generated template — path (a)'s infra/stack.json, and path (b)'s sam.json from
`chalice package --merge-template` — THEN every alarm, dashboard widget and log group names
something that exists: a function the app declares (path a: by the name Chalice gives it; path b:
by a reference to the function in the same stack), a resource of the template, or a parameter.
An alarm on a function that does not exist never fires; this fails instead."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lampungin.deploy import conventions, infra, package

ROOT = Path(__file__).resolve().parents[2]
PSEUDO = {"AWS::Region", "AWS::AccountId", "AWS::Partition", "AWS::StackName", "AWS::NoValue", "AWS::URLSuffix"}
WATCHING = ("AWS::CloudWatch::Alarm", "AWS::CloudWatch::Dashboard", "AWS::Logs::LogGroup")


def app_functions() -> set[str]:
    from app import app

    return {"api_handler"} | {e.name for e in app.event_sources} | {f.name for f in app.pure_lambda_functions}


@pytest.fixture(scope="module")
def path_b(tmp_path_factory) -> dict:
    """sam.json as `make package STAGE=prod` writes it (the zip's contents are not needed here)."""
    tmp = tmp_path_factory.mktemp("package")
    project = tmp / "project"
    project.mkdir()
    shutil.copy(ROOT / "app.py", project)
    shutil.copytree(ROOT / "chalicelib", project / "chalicelib", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / ".chalice", project / ".chalice", ignore=shutil.ignore_patterns("deploy*"))
    (project / "requirements.txt").write_text("")
    proc = subprocess.run([str(Path(sys.executable).with_name("chalice")), "--project-dir", str(project), "package",
                           "--stage", "prod", "--merge-template", str(ROOT / "infra" / "chalice-merge.json"),
                           str(tmp / "out")], capture_output=True, text=True,
                          env={**__import__("os").environ, "AWS_DEFAULT_REGION": "ap-southeast-3"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    package.finish_sam(tmp / "out" / "sam.json", "prod")
    return json.loads((tmp / "out" / "sam.json").read_text())


def path_a() -> dict:
    return json.loads((ROOT / "infra" / "stack.json").read_text())


def references(node):
    """(kind, target) of every Ref, GetAtt and `${…}` inside `node`."""
    if isinstance(node, list):
        for item in node:
            yield from references(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref":
                yield "Ref", value
            elif key == "Fn::GetAtt":
                yield "GetAtt", value[0] if isinstance(value, list) else value.split(".")[0]
            elif key == "Fn::Sub":
                text, variables = (value, {}) if isinstance(value, str) else value
                for name in re.findall(r"\$\{([^}!][^}]*)\}", text):
                    if name not in variables:
                        yield "Sub", name.split(".")[0]
                yield from references(variables)
            else:
                yield from references(value)


def watchers(template: dict) -> dict:
    return {k: v for k, v in template["Resources"].items() if v.get("Type") in WATCHING}


def check_references(template: dict) -> list:
    known = set(template["Resources"]) | set(template.get("Parameters", {})) | PSEUDO
    return [(name, kind, target) for name, spec in watchers(template).items()
            for kind, target in references(spec) if target not in known]


def function_dimensions(template: dict) -> list:
    """Every FunctionName an alarm or a dashboard widget names, as written in the template."""
    out = []
    for name, spec in watchers(template).items():
        props = spec["Properties"]
        if spec["Type"] == "AWS::CloudWatch::Alarm":
            out += [(name, d["Value"]) for d in props.get("Dimensions", []) if d["Name"] == "FunctionName"]
        elif spec["Type"] == "AWS::CloudWatch::Dashboard":
            for widget in json.loads(props["DashboardBody"]["Fn::Sub"])["widgets"]:
                for metric in widget.get("properties", {}).get("metrics", []):
                    dims = [m for m in metric if not isinstance(m, dict)]
                    if "FunctionName" in dims:
                        out.append((name, dims[dims.index("FunctionName") + 1]))
    return out


def test_path_a_names_only_functions_the_app_declares_and_every_one_is_watched():
    template = path_a()
    assert check_references(template) == []
    declared = {f"lampungin-${{Stage}}{'' if n == 'api_handler' else '-' + n}" for n in app_functions()}
    named = {value["Fn::Sub"] if isinstance(value, dict) else value for _, value in function_dimensions(template)}
    assert named <= declared, sorted(named - declared)
    assert named == declared                  # and no function goes unwatched
    groups = {g["Properties"]["LogGroupName"]["Fn::Sub"] for g in watchers(template).values()
              if g["Type"] == "AWS::Logs::LogGroup"}
    assert groups == {f"/aws/lambda/{name}" for name in declared} | {"/aws/apigateway/lampungin-${Stage}-access"}


def test_the_api_writes_its_access_log_into_the_stacks_own_group_without_personal_data():
    for template in (path_a(), json.loads((ROOT / "infra" / "chalice-merge.json").read_text())):
        group = template["Resources"]["ApiAccessLogGroup"]["Properties"]
        assert group["RetentionInDays"] == {"Fn::FindInMap": ["StageSettings", {"Ref": "Stage"}, "LogRetentionDays"]}
        assert template["Resources"]["ApiGatewayAccount"]["Condition"] == "ManagesApiGatewayAccount"
    merged = json.loads((ROOT / "infra" / "chalice-merge.json").read_text())
    setting = merged["Resources"]["RestAPI"]["Properties"]["AccessLogSetting"]
    assert setting["DestinationArn"] == {"Fn::GetAtt": ["ApiAccessLogGroup", "Arn"]}
    fields = json.loads(setting["Format"])             # one JSON object per request
    assert {"request_id", "route", "status", "latency_ms", "error"} <= set(fields)
    assert not any(word in setting["Format"] for word in ("sourceIp", "userAgent", "identity", "querystring"))
    assert setting["Format"] == conventions.ACCESS_LOG_FORMAT


@pytest.mark.slow
def test_path_b_names_functions_by_reference_to_the_stacks_own_functions(path_b, tmp_path):
    assert check_references(path_b) == []
    functions = {k for k, v in path_b["Resources"].items() if v["Type"] == "AWS::Serverless::Function"}
    assert functions == {conventions.logical_function(w) for w in conventions.FUNCTIONS}
    named = set()
    for _, value in function_dimensions(path_b):
        found = re.fullmatch(r"\$\{([A-Za-z0-9]+)\}", value) if isinstance(value, str) else None
        named.add(found.group(1) if found else value.get("Ref") if isinstance(value, dict) else value)
    assert named == functions, sorted(named ^ functions)
    groups = {g["Properties"]["LogGroupName"]["Fn::Sub"] for g in watchers(path_b).values()
              if g["Type"] == "AWS::Logs::LogGroup"}
    assert groups == {f"/aws/lambda/${{{f}}}" for f in functions} | {"/aws/apigateway/lampungin-${Stage}-access"}
    # the generated secret reaches only the functions that read it, as a dynamic reference
    for which in conventions.FUNCTIONS:
        env = path_b["Resources"][conventions.logical_function(which)]["Properties"].get("Environment", {})
        secret = env.get("Variables", {}).get("CLAIM_CODE_SECRET")
        if which in ("api", "stream", "sweep"):
            assert secret == {"Fn::Sub": "{{resolve:secretsmanager:${ClaimCodeSecret}:SecretString}}"}, which
        else:
            assert secret is None, which
    (tmp_path / "sam.json").write_text(json.dumps(path_b))
    lint = subprocess.run([str(Path(sys.executable).with_name("cfn-lint")), str(tmp_path / "sam.json")],
                          capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_the_dashboard_shows_every_alarm_of_the_stack_and_nothing_else():
    for template in (path_a(), json.loads((ROOT / "infra" / "chalice-merge.json").read_text())):
        body = json.loads(template["Resources"]["Dashboard"]["Properties"]["DashboardBody"]["Fn::Sub"])
        (alarm_widget,) = [w for w in body["widgets"] if w["type"] == "alarm"]
        shown = {re.fullmatch(r"\$\{(\w+)\.Arn\}", a).group(1) for a in alarm_widget["properties"]["alarms"]}
        assert shown == {k for k, v in template["Resources"].items() if v.get("Type") == "AWS::CloudWatch::Alarm"}


def test_an_alarm_on_a_function_that_does_not_exist_is_caught():
    """The check itself: a template whose alarm names a function the app lacks fails it."""
    template = path_a()
    template["Resources"]["APIHandlerErrorsAlarm"]["Properties"]["Dimensions"][0]["Value"] = {
        "Fn::Sub": "lampungin-${Stage}-complaints"}
    declared = {f"lampungin-${{Stage}}{'' if n == 'api_handler' else '-' + n}" for n in app_functions()}
    named = {value["Fn::Sub"] if isinstance(value, dict) else value for _, value in function_dimensions(template)}
    assert named - declared == {"lampungin-${Stage}-complaints"}
    template["Resources"]["Dashboard"]["Properties"]["DashboardBody"]["Fn::Sub"] += "${NoSuchQueue.QueueName}"
    assert ("Dashboard", "Sub", "NoSuchQueue") in check_references(template)
    assert infra.SAM_FUNCTIONS        # (the path (b) names come from the same conventions)
