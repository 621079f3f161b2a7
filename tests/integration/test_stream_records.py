"""Stream records of the complaints table, read by the local event-source mapping, on moto and on
DynamoDB Local: Lambda's record shape from either store, and a poller that restarts with durable
checkpoints (as `lampungin dev` on DynamoDB Local does) delivers only what it has not delivered."""
from __future__ import annotations

import json

import boto3
import pytest

from lampungin.localstack.checkpoints import FileCheckpoints
from lampungin.localstack.stream import StreamPoller
from tests.integration.conftest import REGION, STORES, use_store


@pytest.fixture(params=STORES)
def complaints(request, settings):
    """(dynamodb client, streams client, table name, stream ARN) of the complaints table."""
    use_store(request, request.param)
    ddb = boto3.client("dynamodb", region_name=REGION)
    name = settings.table_name("complaints")
    arn = ddb.describe_table(TableName=name)["Table"]["LatestStreamArn"]
    return ddb, boto3.client("dynamodbstreams", region_name=REGION), name, arn


def put(ddb, table, cid, status="assigned"):
    ddb.put_item(TableName=table, Item={
        "id": {"S": cid}, "status": {"S": status}, "opd": {"S": "DINKES"}, "feed": {"S": "all"},
        "opd_status": {"S": f"DINKES#{status}"}, "reporter_sub": {"S": "warga-1"},
        "created_key": {"S": f"2026-11-02T01:00:00.000000Z#{cid}"}, "version": {"N": "1"},
        "photo": {"B": b"\x00\x01"}})


def drain(poller):
    for _ in range(50):
        if not poller.poll_once():
            return
    raise AssertionError("the poller never went idle")


def test_records_reach_the_handler_in_lambdas_shape(complaints):
    ddb, streams, table, arn = complaints
    put(ddb, table, "ADU-1")
    ddb.update_item(TableName=table, Key={"id": {"S": "ADU-1"}}, UpdateExpression="SET #s = :s",
                    ExpressionAttributeNames={"#s": "status"},
                    ExpressionAttributeValues={":s": {"S": "followed_up"}})
    ddb.delete_item(TableName=table, Key={"id": {"S": "ADU-1"}})
    events = []
    drain(StreamPoller(streams, arn, events.append, retry_delay=0, region=REGION))
    records = [r for e in events for r in e["Records"]]
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "REMOVE"]
    insert, modify, remove = records
    assert {r["eventSourceARN"] for r in records} == {arn}
    assert {r["awsRegion"] for r in records} == {REGION}
    assert insert["dynamodb"]["Keys"] == {"id": {"S": "ADU-1"}}
    assert isinstance(insert["dynamodb"]["ApproximateCreationDateTime"], (int, float))
    # KEYS_ONLY (tables.py): the handler reads only the key, so no personal data rides the stream
    for r in records:
        assert r["dynamodb"]["Keys"] == {"id": {"S": "ADU-1"}}
        assert "NewImage" not in r["dynamodb"] and "OldImage" not in r["dynamodb"]
        assert r["dynamodb"]["StreamViewType"] == "KEYS_ONLY"
    json.dumps(events)


def test_a_restarted_poller_delivers_only_what_it_had_not(complaints, tmp_path):
    ddb, streams, table, arn = complaints
    path = tmp_path / "stream-checkpoints.json"
    put(ddb, table, "ADU-1")
    put(ddb, table, "ADU-2")
    first = []
    drain(StreamPoller(streams, arn, first.append, retry_delay=0, checkpoints=FileCheckpoints(path, arn)))
    put(ddb, table, "ADU-3")                    # written while "the stack is down"
    second = []
    drain(StreamPoller(streams, arn, second.append, retry_delay=0, checkpoints=FileCheckpoints(path, arn)))

    def ids(events):
        return [r["dynamodb"]["Keys"]["id"]["S"] for e in events for r in e["Records"]]
    assert (ids(first), ids(second)) == (["ADU-1", "ADU-2"], ["ADU-3"])
