"""The AWS stand-ins of the local stack: moto's server in-process, the environment that points
every botocore client at it, and the resources the app expects (tables, the stream's DLQ).

The environment must be complete before `app` is imported: PynamoDB and Chalice read it at import
(the stream ARN in `@app.on_dynamodb_record` is evaluated then). `AWS_ENDPOINT_URL` reaches every
botocore client, including PynamoDB's TransactWrite, which ignores `Meta.host` (STACK-NOTES).
DynamoDB (and its streams) has its own endpoint slot (`dynamodb_endpoint`): DynamoDB Local
(dynamodb_local.py) plugs in there while moto keeps serving S3, SQS, SNS and the rest.
"""
from __future__ import annotations

import json
import logging
import os
import threading

LOCAL_REGION = "ap-southeast-3"
LOCAL_STAGE = "local"
LOCAL_TABLE_PREFIX = "lampungin-local-"
COMPLAINTS = "complaints"           # the short name of the streamed table in tables.py

# Inherited variables that would point the stack at something else (a real account, Cognito).
_SCRUB = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
          "AUTH_JWKS_URL", "AUTH_AUDIENCE", "AWS_ENDPOINT_URL_DYNAMODB",
          "AWS_ENDPOINT_URL_DYNAMODB_STREAMS")


class MotoServer:
    """moto's ThreadedMotoServer on a free loopback port (one process-wide set of backends)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        from moto.server import ThreadedMotoServer  # lazy: `lampungin sweep` imports this module too
        logging.getLogger("werkzeug").setLevel(logging.WARNING)   # no access log per AWS call
        self._server = ThreadedMotoServer(ip_address=host, port=port, verbose=False)
        self.endpoint: str | None = None

    def start(self) -> str:
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.endpoint = f"http://{host}:{port}"
        return self.endpoint

    def stop(self) -> None:
        if self.endpoint is not None:
            self._server.stop()
            self.endpoint = None


# moto 5.2.5's DynamoDB backend checks conditions, writes and copies tables for a transaction's
# rollback without a lock: under concurrent requests a conditional write can have two winners and
# a failed transaction can erase another's write (tests/integration/conftest.py measured it).
# DynamoDB serializes these, so the memory store must too; reads take the lock so they never see
# a table mid-rollback. DynamoDB Local needs none of this.
MOTO_WRITES = ("put_item", "update_item", "delete_item", "transact_write_items", "batch_write_item")
MOTO_READS = ("get_item", "batch_get_item", "transact_get_items", "query", "scan")
_MOTO_LOCK = threading.RLock()


def serialize_moto_dynamodb(patch=setattr, names=MOTO_WRITES + MOTO_READS) -> None:
    """Wrap moto's DynamoDB backend methods in one process-wide lock. `patch` is `setattr`
    (the dev stack, for the life of the process) or pytest's `monkeypatch.setattr`."""
    from moto.dynamodb.models import DynamoDBBackend  # lazy: moto only where it serves

    for name in names:
        original = getattr(DynamoDBBackend, name)
        if getattr(original, "_serialized", False):
            continue

        def serialized(self, *args, _original=original, **kwargs):
            with _MOTO_LOCK:
                return _original(self, *args, **kwargs)
        serialized._serialized = True  # type: ignore[attr-defined]
        patch(DynamoDBBackend, name, serialized)


def aws_env(endpoint: str, *, region: str = LOCAL_REGION, dynamodb_endpoint: str | None = None,
            table_prefix: str = LOCAL_TABLE_PREFIX, stage: str = LOCAL_STAGE) -> dict[str, str]:
    """The variables that make the app, boto3 and PynamoDB talk to the local stand-ins."""
    env = {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": region, "AWS_DEFAULT_REGION": region,
        # botocore 1.44 + moto: without this, DynamoDB Streams calls fail "Not yet implemented".
        "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
        "STAGE": stage, "TABLE_PREFIX": table_prefix,
    }
    if dynamodb_endpoint:
        env["AWS_ENDPOINT_URL_DYNAMODB"] = dynamodb_endpoint
        env["AWS_ENDPOINT_URL_DYNAMODB_STREAMS"] = dynamodb_endpoint
    return env


def apply_env(env: dict[str, str]) -> None:
    for name in _SCRUB:
        os.environ.pop(name, None)
    os.environ.update(env)


def provision(settings) -> dict[str, str]:
    """Tables from the shared definitions, the complaints stream ARN, the stream's DLQ and the
    attachments bucket. Idempotent, so a persistent store (DynamoDB Local) can be provisioned on
    every start."""
    # lazy: the CLI (`lampungin sweep`) imports this module; boto3 costs ~150 ms
    import boto3

    from chalicelib.adapters.dynamo.tables import create_tables

    dynamodb = boto3.client("dynamodb")
    create_tables(dynamodb, settings)
    table = dynamodb.describe_table(TableName=settings.table_name(COMPLAINTS))["Table"]
    stream_arn = table.get("LatestStreamArn")
    if not stream_arn:
        raise RuntimeError(f"table {table['TableName']} has no stream; tables.py must enable one")
    sqs = boto3.client("sqs")
    dlq_url = sqs.create_queue(QueueName=f"{settings.table_prefix}{COMPLAINTS}-stream-dlq",
                               Attributes={"MessageRetentionPeriod": "1209600"})["QueueUrl"]
    return {"stream_arn": stream_arn, "dlq_url": dlq_url, "attachments_bucket": attachments_bucket(settings)}


def attachments_bucket(settings) -> str:
    """The evidence bucket (uploads are POSTed to moto's endpoint, which any local frontend
    reaches), with the CORS rule that lets a browser on another origin POST and GET."""
    import boto3  # lazy: as in provision()

    name, s3 = f"{settings.table_prefix}attachments", boto3.client("s3")
    try:
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": settings.region})
    except (s3.exceptions.BucketAlreadyOwnedByYou, s3.exceptions.BucketAlreadyExists):
        pass
    s3.put_bucket_cors(Bucket=name, CORSConfiguration={"CORSRules": [{
        "AllowedMethods": ["POST", "GET"], "AllowedOrigins": ["*"], "AllowedHeaders": ["*"],
        "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 600}]})
    return name


class SqsDeadLetters:
    """The stream mapping's on-failure destination: one JSON message per poison record."""

    def __init__(self, queue_url: str, client=None):
        import boto3  # lazy: as in provision()
        self.queue_url = queue_url
        self.client = client or boto3.client("sqs")

    def __call__(self, message: dict) -> None:
        self.client.send_message(QueueUrl=self.queue_url, MessageBody=json.dumps(message, default=str))
