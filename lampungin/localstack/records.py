"""Stream records as `dynamodbstreams.get_records` returns them → records as Lambda delivers them
(and the message Lambda's on-failure destination gets when a record exhausts its retries).

They differ (STACK-NOTES), and a handler tested only on one shape breaks on the other:

* Lambda adds `eventSourceARN` (the stream ARN) to every record; get_records has none.
* `dynamodb.ApproximateCreationDateTime` is epoch seconds in Lambda; boto3 parses it into a
  datetime. Chalice's DynamoDBRecord calls `utcfromtimestamp` on it, so a datetime would crash it.
* Binary attributes (`B`, `BS`) are base64 text in Lambda's JSON; boto3 hands back bytes.
* moto stamps every record `awsRegion: us-east-1` and `eventVersion: 1.0`; Lambda sends the
  stream's region and `1.1`. DynamoDB Local's stream ARNs name the region `ddblocal`.
"""
from __future__ import annotations

import base64
import copy
from datetime import datetime


def _region_of(arn: str) -> str:
    parts = arn.split(":")
    return parts[3] if len(parts) > 3 and parts[3] else "ap-southeast-3"


def _to_json_value(value):
    """An AttributeValue with bytes turned into base64 text, recursively (maps, lists, sets)."""
    if isinstance(value, dict):
        return {k: _to_json_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_to_json_value(v) for v in value]
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _epoch_seconds(value) -> int | float:
    if isinstance(value, datetime):
        return int(value.timestamp())
    return value


def lambda_record(raw: dict, stream_arn: str, region: str | None = None) -> dict:
    """One record in the shape Lambda's DynamoDB event source puts in `event["Records"]`
    (`region` when the ARN does not carry a real one: DynamoDB Local's say `ddblocal`)."""
    record = copy.deepcopy(raw)
    ddb = record.setdefault("dynamodb", {})
    if "ApproximateCreationDateTime" in ddb:
        ddb["ApproximateCreationDateTime"] = _epoch_seconds(ddb["ApproximateCreationDateTime"])
    for image in ("Keys", "NewImage", "OldImage"):
        if image in ddb:
            ddb[image] = _to_json_value(ddb[image])
    record["eventSourceARN"] = stream_arn
    record["awsRegion"] = region or _region_of(stream_arn)
    record["eventVersion"] = "1.1"
    record.setdefault("eventSource", "aws:dynamodb")
    return record


def failure_message(record: dict, shard_id: str, stream_arn: str, attempts: int, error: str) -> dict:
    """Lambda's on-failure record for a stream batch (here always the one poison record), plus
    the record itself and the error: Lambda sends only the batch's coordinates, but locally the
    DLQ is where a developer looks first, so it carries what they need to reproduce it."""
    seq = record["dynamodb"]["SequenceNumber"]
    return {
        "version": "1.0",
        "requestContext": {"condition": "RetryAttemptsExhausted", "approximateInvokeCount": attempts},
        "DDBStreamBatchInfo": {"shardId": shard_id, "streamArn": stream_arn, "batchSize": 1,
                               "startSequenceNumber": seq, "endSequenceNumber": seq},
        "error": error, "record": record,
    }
