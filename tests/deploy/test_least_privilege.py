"""Least privilege (issue 15): each function's IAM policy (.chalice/policy-<stage>-<function>.json,
lampungin/deploy/policy.py) against what that function's code really asks of AWS.

GIVEN a stage on moto with every resource the app uses, WHEN each function plays its part of
complaints' lives through the app's real adapters (least_privilege_world.py: the API files, works,
reads, uploads, forgets; the stream reconciles; the sweep sanctions, also under shadow rules; every
delivery worker sends, retries or gives up; the upload processor cleans a photo; the LAPOR!
exchange files what LAPOR! disposed; the user pool's triggers run), THEN
* every call each function made is allowed by that function's own policy, and
* every grant of each policy is used by a call of that function (the delivery workers share one
  code path: a grant of one is used when any worker uses it for its own channel), or is one of
  policy.NOT_CALLED with its reason — so a policy names only what the code calls; a table grant
  used only when writers race (policy.RACE_ONLY) must still be granted.
"""
from __future__ import annotations

import fnmatch
import json
import re
from pathlib import Path

import pytest

from lampungin.deploy import conventions, policy
from tests.deploy.aws_calls import Recorder, allows
from tests.deploy.least_privilege_world import (
    LAPOR_TOKEN,
    STAGE,
    TWILIO_SID,
    TWILIO_TOKEN,
    WALK_IN_PHONE,
    World,
    a_complaints_life,
)

ROOT = Path(__file__).resolve().parents[2]
CHANNEL = re.compile(r"notify-({})(?=-dlq|$)".format("|".join(conventions.DELIVERY_CHANNELS)))
DELIVERY = {f"deliver_{ch}" for ch in conventions.DELIVERY_CHANNELS}
# grants no call shows (policy.NOT_CALLED): (function or "*", action pattern) -> reason key
JUSTIFIED = {("*", "logs:*"): "logs", ("*", "xray:*"): "xray",
             **{("stream", f"dynamodb:{a}"): "stream-mapping"
                for a in ("DescribeStream", "GetRecords", "GetShardIterator", "ListStreams")},
             ("stream", "sqs:SendMessage@complaints-stream-dlq"): "stream-mapping",
             ("deliver", "sqs:ReceiveMessage"): "queue-mapping", ("deliver", "sqs:DeleteMessage"): "queue-mapping",
             ("deliver", "sqs:GetQueueAttributes"): "queue-mapping", ("upload", "s3:ListBucket"): "attachments-list"}


def policy_of(which: str) -> dict:
    return json.loads((ROOT / ".chalice" / policy.policy_file(STAGE, which)).read_text())


@pytest.fixture(scope="module")
def calls(tmp_path_factory):
    """function -> {(action, ARN)} of one run of the story; and the people key's aliases."""
    from moto import mock_aws

    from lampungin.localstack.fake_lapor import FakeLapor
    from lampungin.localstack.sinks import FakeTwilio
    from tests.keys import TestKeys
    from tests.shadow_rules import followup_bundle

    tmp = tmp_path_factory.mktemp("least-privilege")
    with pytest.MonkeyPatch.context() as mp:
        for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                            "AWS_DEFAULT_REGION": "ap-southeast-3", "AWS_REGION": "ap-southeast-3",
                            "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled"}.items():
            mp.setenv(name, value)
        for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_PROFILE", "AWS_SESSION_TOKEN"):
            mp.delenv(name, raising=False)
        twilio, lapor = FakeTwilio(tmp / "twilio", TWILIO_SID, TWILIO_TOKEN), FakeLapor(tmp / "lapor", LAPOR_TOKEN)
        twilio.fail_numbers.add(WALK_IN_PHONE)
        recorder = Recorder()
        with mock_aws():
            world = World(TestKeys(tmp / "jwks.json"), recorder)
            recorder.install(mp)
            world.start(mp, followup_bundle(tmp, 12), twilio.start(), lapor.start(), tmp / "lapor")
            try:
                a_complaints_life(world)
            finally:
                world.stop()
                twilio.stop()
                lapor.stop()
        aliases = {arn: names for arn, names in recorder.kms_keys.values()}
        yield dict(recorder.calls), aliases


def test_every_function_played_its_part(calls):
    made, _ = calls
    assert set(conventions.FUNCTIONS) <= set(made), sorted(set(conventions.FUNCTIONS) - set(made))


def test_every_call_is_allowed_by_the_calling_functions_own_policy(calls):
    made, aliases = calls
    refused = sorted((which, action, arn) for which in conventions.FUNCTIONS for action, arn in made.get(which, ())
                     if not allows(policy_of(which), action, arn, aliases))
    assert refused == [], "calls the function's policy does not allow (grant them in policy.py):\n" + \
        "\n".join(map(str, refused))


def _canonical(which: str, text: str) -> str:
    return CHANNEL.sub("notify-<channel>", text) if which in DELIVERY else text


def _dynamodb_use(which: str, pairs) -> set[tuple[str, str]]:
    """(table short name, action or Query@index) of a function's DynamoDB calls."""
    prefix = conventions.table_prefix(STAGE)
    out = set()
    for action, arn in pairs:
        found = re.fullmatch(rf"arn:aws:dynamodb:[^:]+:[^:]+:table/{prefix}([^/]+)(/index/.+)?", arn)
        if found and action.startswith("dynamodb:"):
            op = action.split(":", 1)[1]
            out.add((found.group(1), policy.INDEX if found.group(2) and op == "Query" else op))
    return out


def test_each_function_is_granted_exactly_the_tables_and_actions_its_code_uses(calls):
    made, _ = calls
    delivered = set().union(*(_dynamodb_use(w, made.get(w, ())) for w in DELIVERY))
    for which in conventions.FUNCTIONS:
        granted = {(table, action) for table, actions in policy.TABLE_ACCESS[which].items() for action in actions}
        race_only = {(table, action) for (w, table, action), reason in policy.RACE_ONLY.items()
                     if w == which and reason in policy.NOT_CALLED}
        assert race_only <= granted, (which, "race-only grants missing:", sorted(race_only - granted))
        granted -= race_only
        used = delivered if which in DELIVERY else _dynamodb_use(which, made.get(which, ()))
        assert granted == used, (which, "granted, unused:", sorted(granted - used), "used, not granted:",
                                 sorted(used - granted))


def _justified(which: str, action: str, resource: str) -> bool:
    for (who, pattern), reason in JUSTIFIED.items():
        assert reason in policy.NOT_CALLED
        if who not in ("*", which) and not (who == "deliver" and which in DELIVERY):
            continue
        wanted_action, _, where = pattern.partition("@")
        if fnmatch.fnmatchcase(action, wanted_action) and (not where or resource.endswith(where)):
            return True
    return False


def test_every_other_grant_of_each_policy_is_used_or_needed_without_a_call(calls):
    made, _ = calls
    delivered = {(a, _canonical(w, r)) for w in DELIVERY for a, r in made.get(w, ())}
    unused = []
    for which in conventions.FUNCTIONS:
        used = delivered if which in DELIVERY else set(made.get(which, ()))
        for statement in policy_of(which)["Statement"]:
            if statement["Sid"].startswith("Table"):        # the test above, per table and action
                continue
            resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
            for action in statement["Action"]:
                for resource in resources:
                    pattern = _canonical(which, resource)
                    if _justified(which, action, resource):
                        continue
                    if not any(a == action and fnmatch.fnmatchcase(_canonical(which, r), pattern) for a, r in used):
                        unused.append((which, statement["Sid"], action, resource))
    assert unused == [], "grants no call of the function uses (remove them from policy.py, or say in " \
                         "policy.NOT_CALLED why they are needed):\n" + "\n".join(map(str, unused))


def test_the_evaluator_refuses_what_a_policy_does_not_grant():
    """The check above is only as good as `allows`: a few calls no policy should allow."""
    arn = "arn:aws:dynamodb:ap-southeast-3:123456789012:table/lampungin-dev-"
    assert allows(policy_of("api"), "dynamodb:GetItem", arn + "complaints")
    assert not allows(policy_of("api"), "dynamodb:PutItem", arn + "sanctions")
    assert not allows(policy_of("api"), "dynamodb:GetItem", arn.replace("-dev-", "-prod-") + "complaints")
    assert not allows(policy_of("deliver_sms"), "dynamodb:Query", arn + "complaints")
    assert not allows(policy_of("deliver_sms"), "sqs:ReceiveMessage",
                      "arn:aws:sqs:ap-southeast-3:123456789012:lampungin-dev-notify-email")
    assert not allows(policy_of("stream"), "s3:GetObject", "arn:aws:s3:::lampungin-dev-attachments-1-x/files/a")
    assert not allows(policy_of("api"), "s3:GetObject", "arn:aws:s3:::lampungin-dev-attachments-1-x/uploads/a")
    key = "arn:aws:kms:ap-southeast-3:123456789012:key/k"
    assert allows(policy_of("stream"), "kms:Decrypt", key, {key: ("alias/lampungin-dev-people",)})
    assert not allows(policy_of("stream"), "kms:Decrypt", key, {key: ("alias/lampungin-prod-people",)})
    assert not allows(policy_of("stream"), "kms:Encrypt", key, {key: ("alias/lampungin-dev-people",)})
    assert not allows(policy_of("post_confirmation"), "cognito-idp:AdminDeleteUser",
                      "arn:aws:cognito-idp:ap-southeast-3:123456789012:userpool/p")
