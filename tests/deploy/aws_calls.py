"""What the code really asks of AWS, per function, and whether an IAM policy allows it. Test code only.

`Recorder` wraps botocore's one door to AWS (`BaseClient._make_api_call`) and the two presigners
(a presigned POST or GET makes no call, but is signed with the function's credentials: its
permission is the role's), and notes for the function that is running (`recorder.running("sweep")`)
each IAM action with the ARN it acts on: a DynamoDB transaction as the Put/Update/Delete/
ConditionCheck of each of its items, a query on an index as the index, SESv2's SendEmail as
`ses:SendEmail` on the sender's identity, S3's HeadObject as `s3:GetObject`.

`allows(policy, action, arn)` is enough of IAM's evaluation for these policies: Allow statements
only, `*` and `?` wildcards in actions and resources, and the two kinds of condition the policies
use (`kms:ResourceAliases` for the people key, `kms:ViaService`, which a direct call never has).
"""
from __future__ import annotations

import fnmatch
from collections import defaultdict
from contextlib import contextmanager
from urllib.parse import urlparse

REGION, ACCOUNT = "ap-southeast-3", "123456789012"
PREFIX = {"sesv2": "ses", "dynamodbstreams": "dynamodb"}
RENAMED = {("s3", "HeadObject"): "GetObject", ("s3", "ListObjectsV2"): "ListBucket"}
TRANSACT = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem", "ConditionCheck": "ConditionCheckItem",
            "Get": "GetItem"}


def arn(service: str, resource: str) -> str:
    return f"arn:aws:{service}:{REGION}:{ACCOUNT}:{resource}"


def table_arn(name: str, index: str | None = None) -> str:
    return arn("dynamodb", f"table/{name}" + (f"/index/{index}" if index else ""))


def _queue(params: dict) -> str:
    name = params.get("QueueName") or urlparse(params["QueueUrl"]).path.rstrip("/").rsplit("/", 1)[-1]
    return arn("sqs", name)


def resources_of(service: str, op: str, params: dict, aliases: dict) -> list[tuple[str, str]]:
    """(action, resource ARN) pairs of one call."""
    prefix = PREFIX.get(service, service)
    action = f"{prefix}:{RENAMED.get((service, op), op)}"
    if service == "dynamodb":
        if op in ("TransactWriteItems", "TransactGetItems"):
            out = []
            for item in params["TransactItems"]:
                (kind, spec), = item.items()
                out.append((f"dynamodb:{TRANSACT[kind]}", table_arn(spec["TableName"])))
            return out
        if op in ("BatchGetItem", "BatchWriteItem"):
            return [(action, table_arn(name)) for name in params["RequestItems"]]
        return [(action, table_arn(params["TableName"], params.get("IndexName")))]
    if service == "dynamodbstreams":
        return [(action, params.get("StreamArn", "*"))]
    if service == "sqs":
        return [(action, _queue(params))]
    if service == "sns":
        target = params.get("TopicArn") or params.get("TargetArn") or params.get("PlatformApplicationArn") \
            or params.get("EndpointArn") or "*"
        return [(action, str(target))]
    if service == "kms":
        key = params.get("KeyId", "*")
        return [(action, aliases.get(key, key))]
    if service == "s3":
        if op in ("ListObjectsV2", "ListObjects"):
            return [(action, f"arn:aws:s3:::{params['Bucket']}")]
        return [(action, f"arn:aws:s3:::{params['Bucket']}/{params.get('Key', '')}")]
    if service == "sesv2":           # SendEmail acts on the sender's identity and the configuration set
        sender = params.get("FromEmailAddress", "")
        domain = sender.rsplit("@", 1)[-1].strip(">")
        out = [(action, arn("ses", f"identity/{domain}"))]
        if params.get("ConfigurationSetName"):
            out.append((action, arn("ses", f"configuration-set/{params['ConfigurationSetName']}")))
        return out
    if service == "cognito-idp":
        return [(action, arn("cognito-idp", f"userpool/{params['UserPoolId']}"))]
    return [(action, "*")]


class Recorder:
    """calls[function] = {(action, arn)}; `kms_keys` maps a key id or ARN to (key ARN, its aliases)."""

    def __init__(self):
        self.calls: dict[str, set] = defaultdict(set)
        self.current: str | None = None
        self.kms_keys: dict[str, tuple[str, tuple[str, ...]]] = {}
        self.unattributed: list = []

    @contextmanager
    def running(self, function: str):
        before, self.current = self.current, function
        try:
            yield
        finally:
            self.current = before

    def note(self, service: str, op: str, params: dict) -> None:
        aliases = {k: v[0] for k, v in self.kms_keys.items()}
        for pair in resources_of(service, op, params, aliases):
            if self.current is None:
                self.unattributed.append(pair)
            else:
                self.calls[self.current].add(pair)

    def install(self, monkeypatch) -> None:
        import botocore.client

        original = botocore.client.BaseClient._make_api_call
        recorder = self

        def _make_api_call(client, operation_name, api_params):
            recorder.note(client.meta.service_model.service_name, operation_name, api_params)
            return original(client, operation_name, api_params)

        monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", _make_api_call)

    def watch_presigning(self, monkeypatch, s3_client) -> None:
        """A presigned POST is a PutObject, a presigned GET a GetObject, by whoever signs them."""
        post, url = s3_client.generate_presigned_post, s3_client.generate_presigned_url
        recorder = self

        def generate_presigned_post(Bucket, Key, *args, **kwargs):
            recorder.note("s3", "PutObject", {"Bucket": Bucket, "Key": Key})
            return post(Bucket, Key, *args, **kwargs)

        def generate_presigned_url(ClientMethod, Params=None, *args, **kwargs):
            op = "".join(part.capitalize() for part in ClientMethod.split("_"))
            recorder.note("s3", op, Params or {})
            return url(ClientMethod, Params, *args, **kwargs)

        monkeypatch.setattr(s3_client, "generate_presigned_post", generate_presigned_post)
        monkeypatch.setattr(s3_client, "generate_presigned_url", generate_presigned_url)


def _list(value) -> list:
    return value if isinstance(value, list) else [value]


def _conditions_hold(condition: dict | None, resource: str, key_aliases: dict) -> bool:
    if not condition:
        return True
    for tests in condition.values():
        for key, wanted in tests.items():
            if key == "kms:ResourceAliases":
                have = set(key_aliases.get(resource, ()))
                if not have & set(_list(wanted)):
                    return False
            else:                       # kms:ViaService and the like: a direct call has none
                return False
    return True


def allows(policy: dict, action: str, resource: str, key_aliases: dict | None = None) -> bool:
    for statement in policy["Statement"]:
        if statement.get("Effect") != "Allow":
            continue
        if not any(fnmatch.fnmatchcase(action, a) for a in _list(statement["Action"])):
            continue
        if not any(fnmatch.fnmatchcase(resource, r) for r in _list(statement["Resource"])):
            continue
        if _conditions_hold(statement.get("Condition"), resource, key_aliases or {}):
            return True
    return False
