"""The local stream mapping behaves as Lambda's DynamoDB event source does (lampungin/localstack).

GIVEN a table with a stream in moto and a fake handler, WHEN the poller is stepped with
`poll_once()`, THEN batches, Lambda's record shape, ReportBatchItemFailures retries, bisecting,
the dead-letter queue and at-least-once redelivery are as in production.
"""
from __future__ import annotations

import json

import boto3
import pytest
from moto import mock_aws

from lampungin.localstack.aws import SqsDeadLetters
from lampungin.localstack.stream import StreamPoller

REGION = "ap-southeast-3"


@pytest.fixture
def aws(monkeypatch):
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_ENDPOINT_URL_DYNAMODB"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_ACCOUNT_ID_ENDPOINT_MODE", "disabled")   # see STACK-NOTES
    with mock_aws():
        yield


@pytest.fixture
def table(aws):
    ddb = boto3.client("dynamodb", region_name=REGION)
    desc = ddb.create_table(
        TableName="t", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
    return ddb, desc["TableDescription"]["LatestStreamArn"]


@pytest.fixture
def dlq(aws):
    sqs = boto3.client("sqs", region_name=REGION)
    url = sqs.create_queue(QueueName="dlq")["QueueUrl"]

    def messages():
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        return [json.loads(m["Body"]) for m in got]
    return SqsDeadLetters(url, sqs), messages


class FakeHandler:
    """Records what it was given; fails the ids in `poison` (reported, or raised if `raise_`)."""

    def __init__(self, poison=(), raise_=False, fail_times=None):
        self.calls: list[list[str]] = []
        self.poison, self.raise_, self.fail_times = set(poison), raise_, fail_times

    def __call__(self, event):
        ids = [r["dynamodb"]["Keys"]["id"]["S"] for r in event["Records"]]
        self.calls.append(ids)
        bad = [r for r in event["Records"] if r["dynamodb"]["Keys"]["id"]["S"] in self.poison]
        if self.fail_times is not None:
            self.fail_times -= 1
            if self.fail_times < 0:
                bad = []
        if bad and self.raise_:
            raise RuntimeError("boom")
        return {"batchItemFailures": [{"itemIdentifier": r["dynamodb"]["SequenceNumber"]} for r in bad]}

    @property
    def delivered(self) -> list[str]:
        return [i for call in self.calls for i in call]


def put(ddb, *ids, **extra):
    for i in ids:
        ddb.put_item(TableName="t", Item={"id": {"S": i}, **extra})


def drain(poller, limit=50):
    for _ in range(limit):
        if not poller.poll_once():
            return
    raise AssertionError("the poller never went idle")


def make(table, handler, **kw):
    ddb, arn = table
    kw.setdefault("retry_delay", 0)
    return StreamPoller(boto3.client("dynamodbstreams", region_name=REGION), arn, handler, **kw)


def test_batches_in_lambda_shape_and_order(table):
    ddb, arn = table
    put(ddb, "a", "b", "c", "d", "e", blob={"B": b"\x00\x01"})
    ddb.update_item(TableName="t", Key={"id": {"S": "a"}}, UpdateExpression="SET n = :n",
                    ExpressionAttributeValues={":n": {"N": "1"}})
    ddb.delete_item(TableName="t", Key={"id": {"S": "b"}})
    events = []
    poller = make(table, lambda e: events.append(e), batch_size=3)
    drain(poller)
    assert [len(e["Records"]) for e in events] == [3, 3, 1]
    records = [r for e in events for r in e["Records"]]
    assert [r["eventName"] for r in records] == ["INSERT"] * 5 + ["MODIFY", "REMOVE"]
    first, modify = records[0], records[5]
    assert first["eventSourceARN"] == arn and first["awsRegion"] == REGION
    assert isinstance(first["dynamodb"]["ApproximateCreationDateTime"], (int, float))
    assert first["dynamodb"]["NewImage"]["blob"] == {"B": "AAE="}       # base64, as in Lambda
    assert "OldImage" in modify["dynamodb"] and modify["dynamodb"]["NewImage"]["n"] == {"N": "1"}
    seqs = [int(r["dynamodb"]["SequenceNumber"]) for r in records]
    assert seqs == sorted(seqs)
    json.dumps(events)                                                   # JSON-clean, like Lambda's
    assert poller.stats["records_processed"] == 7


def test_new_records_after_an_idle_poll_are_delivered(table):
    ddb, _ = table
    handler = FakeHandler()
    poller = make(table, handler)
    assert poller.poll_once() == 0
    put(ddb, "late")
    drain(poller)
    assert handler.delivered == ["late"]


def test_partial_failure_retries_from_the_failed_record_only(table):
    """GIVEN c fails once WHEN a batch a..e is delivered THEN a, b are never redelivered and
    c, d, e come again (at-least-once: d and e are duplicates the handler must tolerate)."""
    ddb, _ = table
    put(ddb, "a", "b", "c", "d", "e")
    handler = FakeHandler(poison={"c"}, fail_times=1)
    poller = make(table, handler, batch_size=10)
    drain(poller)
    assert handler.calls == [["a", "b", "c", "d", "e"], ["c", "d", "e"]]
    assert poller.stats["records_redelivered"] == 2 and poller.stats["dead_lettered"] == 0


def test_a_poison_record_goes_to_the_dlq_and_the_shard_moves_on(table, dlq):
    ddb, _ = table
    send, messages = dlq
    put(ddb, "a", "poison", "c")
    handler = FakeHandler(poison={"poison"})
    poller = make(table, handler, batch_size=10, max_retries=3, dead_letter=send)
    drain(poller)
    assert handler.calls[0] == ["a", "poison", "c"]
    assert handler.calls[1:4] == [["poison", "c"]] * 3          # the first try + 3 retries
    assert handler.calls[4:] == [["c"]]                         # ... then the DLQ, and on
    [message] = messages()
    assert message["record"]["dynamodb"]["Keys"]["id"]["S"] == "poison"
    assert message["error"] and message["DDBStreamBatchInfo"]["batchSize"] == 1
    assert message["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert poller.stats["dead_lettered"] == 1 and poller.stats["records_processed"] == 2


def test_a_raising_handler_is_bisected_down_to_the_poison_record(table, dlq):
    ddb, _ = table
    send, messages = dlq
    ids = [f"r{i}" for i in range(8)]
    put(ddb, *ids)
    handler = FakeHandler(poison={"r5"}, raise_=True)
    poller = make(table, handler, batch_size=8, max_retries=1, dead_letter=send)
    drain(poller, limit=100)
    assert set(handler.delivered) == set(ids)
    assert [m["record"]["dynamodb"]["Keys"]["id"]["S"] for m in messages()] == ["r5"]
    r = ids
    assert handler.calls == [r] * 2 + [r[:4]] + [r[4:]] * 2 + [r[4:6]] * 2 + [["r4"]] \
        + [["r5"]] * 2 + [r[6:]]                      # halve until the poison stands alone
    assert poller.checkpoints and poller.stats["dead_lettered"] == 1


def test_an_unknown_item_identifier_fails_the_whole_batch(table):
    ddb, _ = table
    put(ddb, "a", "b")
    answers = iter([{"batchItemFailures": [{"itemIdentifier": "nonsense"}]}, None])
    calls = []
    poller = make(table, lambda e: (calls.append(len(e["Records"])), next(answers))[1])
    drain(poller)
    assert calls == [2, 2]


def test_the_batching_window_waits_for_a_full_batch(table):
    ddb, _ = table
    now = [0.0]
    handler = FakeHandler()
    poller = make(table, handler, batch_size=3, window_seconds=1.0, clock=lambda: now[0])
    put(ddb, "a")
    assert poller.poll_once() == 0            # 1 of 3 and the window is still open
    now[0] = 1.5
    assert poller.poll_once() == 1 and handler.calls == [["a"]]
    put(ddb, "b", "c", "d")
    assert poller.poll_once() == 1 and handler.calls[-1] == ["b", "c", "d"]   # full: no wait


def test_stats_are_published_after_each_invocation(table):
    ddb, _ = table
    seen = []
    put(ddb, "a")
    poller = make(table, FakeHandler(), on_stats=seen.append)
    drain(poller)
    assert seen[-1]["invocations"] == 1 and seen[-1]["records_processed"] == 1


def test_retries_back_off(table):
    ddb, _ = table
    now = [0.0]
    put(ddb, "a")
    handler = FakeHandler(poison={"a"}, fail_times=2)
    poller = make(table, handler, retry_delay=1.0, clock=lambda: now[0])
    assert poller.poll_once() == 1                # fails: retry in 1 s
    assert poller.poll_once() == 0
    now[0] = 1.0
    assert poller.poll_once() == 1                # fails again: retry in 2 s
    now[0] = 2.5
    assert poller.poll_once() == 0
    now[0] = 3.0
    assert poller.poll_once() == 1 and handler.calls == [["a"]] * 3
    assert poller.stats["records_processed"] == 1 and poller.stats["dead_lettered"] == 0


class FakeStreams:
    """A stream as real DynamoDB shapes it: a closed parent shard with a child, and an iterator
    that expires once (moto's single shard never closes and its iterators never expire)."""

    class exceptions:
        class ExpiredIteratorException(Exception):
            pass

    def __init__(self):
        self.shards = {"parent": ["1", "2"], "child": ["3"]}
        self.expire_once = True

    def describe_stream(self, StreamArn, **_):
        return {"StreamDescription": {"Shards": [
            {"ShardId": "child", "ParentShardId": "parent"}, {"ShardId": "parent"}]}}

    def get_shard_iterator(self, ShardId, ShardIteratorType, SequenceNumber=None, **_):
        return {"ShardIterator": f"{ShardId}|{SequenceNumber or ''}"}

    def get_records(self, ShardIterator, Limit):
        shard, after = ShardIterator.split("|")
        if shard == "child" and self.expire_once:
            self.expire_once = False
            raise self.exceptions.ExpiredIteratorException()
        seqs = [s for s in self.shards[shard] if not after or int(s) > int(after)]
        records = [{"eventName": "INSERT", "dynamodb": {"SequenceNumber": s,
                                                         "Keys": {"id": {"S": f"k{s}"}}}}
                   for s in seqs]
        last = seqs[-1] if seqs else after
        return {"Records": records, **({} if shard == "parent" else {"NextShardIterator": f"child|{last}"})}


def test_a_parent_shard_is_drained_before_its_child_and_expired_iterators_are_renewed():
    handler = FakeHandler()
    poller = StreamPoller(FakeStreams(), "arn:aws:dynamodb:ap-southeast-3:1:table/t/stream/x",
                          handler, retry_delay=0)
    for _ in range(6):
        poller.poll_once()
    assert handler.calls == [["k1", "k2"], ["k3"]]
    assert poller.checkpoints == {"parent": "2", "child": "3"}


class EarlyIteratorStreams(FakeStreams):
    """DynamoDB Local, measured: an iterator taken while the shard was still empty answers
    TrimmedDataAccessException ("read past the oldest stream record") once records arrive."""

    class exceptions(FakeStreams.exceptions):
        class TrimmedDataAccessException(Exception):
            pass

    def __init__(self):
        super().__init__()
        self.expire_once = False
        self.stale = True

    def get_records(self, ShardIterator, Limit):
        if ShardIterator.startswith("child") and self.stale:
            self.stale = False
            raise self.exceptions.TrimmedDataAccessException()
        return super().get_records(ShardIterator, Limit)


def test_an_iterator_behind_the_oldest_record_is_renewed_and_nothing_is_skipped():
    handler = FakeHandler()
    poller = StreamPoller(EarlyIteratorStreams(), "arn:aws:dynamodb:ap-southeast-3:1:table/t/stream/x",
                          handler, retry_delay=0)
    for _ in range(6):
        poller.poll_once()
    assert handler.calls == [["k1", "k2"], ["k3"]]
