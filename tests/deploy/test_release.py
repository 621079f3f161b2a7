"""Safe releases (issue 15 part 5, lampungin/deploy/release.py): GIVEN a stage's functions on
(moto) AWS as `chalice deploy` leaves them — code updated in place, Chalice's invoke grants on the
function, event source mappings on the unqualified function — WHEN `release` runs THEN every caller
reaches the function through its alias `live`, which moves to the new version at once in dev and
as a canary in prod while the release alarms are watched; an alarm that fires moves every function
back; a release with nothing new changes nothing; an interrupted one is finished by running it
again. Path (b) gets the same through SAM's AutoPublishAlias and DeploymentPreference.

Time is the test's: `sleep` and `clock` are given to `release`, and whatever happens "during" a
canary (an alarm firing, a look at the alias' weights) happens inside the fake sleep."""
from __future__ import annotations

import io
import json
import zipfile

import pytest

from lampungin.deploy import alarms, chalice_deploy, conventions, release

STAGE = "prod"


def code(marker: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("app.py", f"def handler(event, context):\n    return {marker!r}\n")
    return buf.getvalue()


class FakeTime:
    def __init__(self, during=None):
        self.now, self.slept, self.during = 0.0, [], during

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
        if self.during:
            self.during(self)


@pytest.fixture()
def world(aws_env, moto_endpoint):
    """Every function of the stage, an SQS mapping on the email worker, Chalice's grant to API
    Gateway on the API function, and the release alarms — as after a first `chalice deploy`; on
    an emptied moto (its reset: moto 5.2 cannot delete a function some of whose versions were
    deleted, so no test could clean up after the pruning one)."""
    import urllib.request

    import boto3

    urllib.request.urlopen(urllib.request.Request(f"{moto_endpoint}/moto-api/reset", method="POST"))  # noqa: S310

    session = boto3.session.Session()
    lam, cw, iam, sqs = (session.client(s) for s in ("lambda", "cloudwatch", "iam", "sqs"))
    role = iam.create_role(RoleName="lambda", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    names = [conventions.function_name(STAGE, w) for w in conventions.FUNCTIONS]
    for name in names:
        lam.create_function(FunctionName=name, Runtime="python3.12", Role=role, Handler="app.handler",
                            Code={"ZipFile": code("v1")})
    api = conventions.function_name(STAGE, "api")
    lam.add_permission(FunctionName=api, StatementId="chalice-api", Action="lambda:InvokeFunction",
                       Principal="apigateway.amazonaws.com",
                       SourceArn="arn:aws:execute-api:ap-southeast-3:123456789012:abc123/*")
    queue = sqs.create_queue(QueueName="notify-email")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    worker = conventions.function_name(STAGE, "deliver_email")
    mapping = lam.create_event_source_mapping(EventSourceArn=queue_arn, FunctionName=worker, BatchSize=1)["UUID"]
    for alarm in alarms.release_alarm_names(STAGE):
        cw.put_metric_alarm(AlarmName=alarm, MetricName="Errors", Namespace="AWS/Lambda", Statistic="Sum",
                            Period=300, EvaluationPeriods=1, Threshold=1,
                            ComparisonOperator="GreaterThanOrEqualToThreshold")
        cw.set_alarm_state(AlarmName=alarm, StateValue="OK", StateReason="test")
    return {"lambda": lam, "cloudwatch": cw, "names": names, "api": api, "worker": worker, "mapping": mapping}


def new_code(world, marker: str) -> None:
    """What `chalice deploy` does to every function: its code updated in place ($LATEST)."""
    for name in world["names"]:
        world["lambda"].update_function_code(FunctionName=name, ZipFile=code(marker))


def alias(world, name: str) -> dict:
    return world["lambda"].get_alias(FunctionName=name, Name=release.LIVE)


def run(world, strategy=None, during=None):
    fake = FakeTime(during)
    report = release.release(world["lambda"], world["cloudwatch"], STAGE, strategy=strategy, sleep=fake.sleep,
                             clock=fake.clock, say_line=lambda _: None)
    return report, fake


def test_the_steps_of_each_strategy_are_codedeploys():
    assert release.steps("AllAtOnce") == []
    assert release.steps("Canary10Percent10Minutes") == [(0.1, 600)]
    assert release.steps("Linear10PercentEvery1Minute") == [(k / 10, 60) for k in range(1, 10)]
    assert set(release.RELEASE_STRATEGIES.values()) <= set(release.PREDEFINED)
    with pytest.raises(release.ReleaseError):
        release.steps("Canary50Percent1Minutes")


def test_the_first_release_makes_the_alias_grants_it_and_moves_the_mappings(world):
    report, fake = run(world)
    assert report["result"] == "unchanged" and fake.slept == []      # nothing served before: no canary
    for name in world["names"]:
        assert alias(world, name)["FunctionVersion"] == "1"
    api_grants = json.loads(world["lambda"].get_policy(FunctionName=world["api"], Qualifier="live")["Policy"])
    (grant,) = api_grants["Statement"]
    assert grant["Principal"] == {"Service": "apigateway.amazonaws.com"}
    assert grant["Condition"]["ArnLike"]["AWS:SourceArn"].endswith(":abc123/*")
    mapping = world["lambda"].get_event_source_mapping(UUID=world["mapping"])
    # AWS records the alias' ARN (…:live); moto 5.2 the version's (…:1): either way no longer $LATEST
    assert mapping["FunctionArn"].split(":")[6] == world["worker"] and len(mapping["FunctionArn"].split(":")) == 8
    assert report["functions"][world["worker"]]["mappings"] == [world["mapping"]]
    # again: nothing to do, no second grant, no mapping moved again
    again, _ = run(world)
    assert again["result"] == "unchanged"
    assert all(not f["permissions"] and not f["mappings"] for f in again["functions"].values())
    assert len(json.loads(world["lambda"].get_policy(FunctionName=world["api"], Qualifier="live")["Policy"])
               ["Statement"]) == 1


def test_prod_puts_a_tenth_on_the_new_versions_for_ten_minutes_then_all(world):
    run(world)
    new_code(world, "v2")
    seen = []

    def during(fake):
        a = alias(world, world["api"])
        seen.append((fake.now, a["FunctionVersion"], a.get("RoutingConfig", {}).get("AdditionalVersionWeights")))

    report, fake = run(world, during=during)
    assert report["result"] == "released"
    assert sum(fake.slept) == 600 and max(fake.slept) <= release.POLL_SECONDS
    assert all(version == "1" and weights == {"2": 0.1} for _, version, weights in seen)
    for name in world["names"]:
        a = alias(world, name)
        assert a["FunctionVersion"] == "2" and not (a.get("RoutingConfig") or {}).get("AdditionalVersionWeights")


def test_an_alarm_during_the_canary_moves_every_function_back(world):
    run(world)
    new_code(world, "v2")
    watched = alarms.release_alarm_names(STAGE)
    api_errors = next(n for n in watched if n.endswith("-APIHandlerErrors"))

    def during(fake):
        if fake.now >= 120:
            world["cloudwatch"].set_alarm_state(AlarmName=api_errors, StateValue="ALARM", StateReason="test")

    with pytest.raises(release.ReleaseError, match="APIHandlerErrors"):
        run(world, during=during)
    for name in world["names"]:
        a = alias(world, name)
        assert a["FunctionVersion"] == "1" and not (a.get("RoutingConfig") or {}).get("AdditionalVersionWeights")
    # while the alarm is still firing, a canary is refused before it starts
    with pytest.raises(release.ReleaseError, match="sudah dalam keadaan ALARM"):
        run(world)
    assert alias(world, world["api"])["FunctionVersion"] == "1"
    # the fix, released at once by hand while the alarm still fires
    new_code(world, "v3")
    report, fake = run(world, strategy="AllAtOnce")
    assert report["result"] == "released" and fake.slept == []
    assert alias(world, world["api"])["FunctionVersion"] == "3"


def test_an_interrupted_release_is_finished_by_running_it_again(world):
    run(world)
    new_code(world, "v2")

    class Killed(BaseException):
        pass

    def during(fake):
        raise Killed       # kill -9 of the deploy half way through the canary

    with pytest.raises(Killed):
        run(world, during=during)
    assert alias(world, world["api"])["RoutingConfig"]["AdditionalVersionWeights"] == {"2": 0.1}
    report, _ = run(world)
    assert report["result"] == "released"
    assert alias(world, world["api"])["FunctionVersion"] == "2"
    assert run(world)[0]["result"] == "unchanged"


def test_old_versions_are_pruned_but_never_the_live_one(world):
    for marker in ("v1", "v2", "v3", "v4", "v5", "v6"):
        new_code(world, marker)
        run(world, strategy="AllAtOnce")
    versions = [v["Version"] for v in world["lambda"].list_versions_by_function(FunctionName=world["api"])["Versions"]]
    live = alias(world, world["api"])["FunctionVersion"]
    assert live in versions and len([v for v in versions if v != "$LATEST"]) == release.KEEP_VERSIONS


def test_the_stream_settings_still_find_a_mapping_moved_onto_the_alias():
    arn = "arn:aws:lambda:ap-southeast-3:123456789012:function:lampungin-prod-complaint_changes"
    assert chalice_deploy._unqualified(f"{arn}:live") == arn == chalice_deploy._unqualified(arn)


# --- what chalice_cli.py changes in Chalice's requests ---------------------------------------------
FN = "arn:aws:lambda:ap-southeast-3:123456789012:function:lampungin-prod"


def test_the_rest_api_and_the_rules_invoke_the_alias_not_latest():
    uri = f"arn:aws:apigateway:ap-southeast-3:lambda:path/2015-03-31/functions/{FN}/invocations"
    doc = {"paths": {"/v1/x": {"get": {"x-amazon-apigateway-integration": {"uri": uri}},
                               "options": {"x-amazon-apigateway-integration": {"type": "mock"}}}}}
    release.qualify_swagger(doc)
    release.qualify_swagger(doc)                         # idempotent
    assert doc["paths"]["/v1/x"]["get"]["x-amazon-apigateway-integration"]["uri"] == uri.replace(
        "/invocations", ":live/invocations")
    params = {"Rule": "r", "Targets": [{"Id": "1", "Arn": f"{FN}-sweep"},
                                       {"Id": "2", "Arn": f"{FN}-sweep:live"},
                                       {"Id": "3", "Arn": "arn:aws:lambda:ap-southeast-3:123456789012:function:other"}]}
    release.qualify_targets(params)
    assert [t["Arn"] for t in params["Targets"]] == [f"{FN}-sweep:live", f"{FN}-sweep:live",
                                                     "arn:aws:lambda:ap-southeast-3:123456789012:function:other"]


def test_chalice_is_shown_a_moved_mapping_as_its_own_so_it_never_makes_a_second():
    for qualified in (f"{FN}-complaint_changes:live", f"{FN}-complaint_changes:7"):
        parsed = {"UUID": "u", "FunctionArn": qualified}
        release.unqualify_mapping(parsed)
        assert parsed["FunctionArn"] == f"{FN}-complaint_changes"
    other = {"FunctionArn": "arn:aws:lambda:ap-southeast-3:123456789012:function:other:live"}
    release.unqualify_mapping(other)
    assert other["FunctionArn"].endswith("other:live")
