"""Reading a DynamoDB stream shard by shard, as Lambda's event-source mapping does.

Written for any `dynamodbstreams` endpoint, not only moto's (one shard that never closes and
iterators that never expire): real DynamoDB and DynamoDB Local list shards page by page, close a
shard and open children (a parent must be drained first to keep a key's changes in order), and
expire iterators after 15 minutes (a new one is taken after the last record already fetched).

With checkpoints that outlive the process (checkpoints.py), a shard that has none while others
have is one that opened since: it is read from its start, as Lambda reads a child shard, and a
checkpoint older than the stream's 24-hour retention restarts the shard at its oldest record.
"""
from __future__ import annotations

import logging
from collections.abc import MutableMapping

from .records import lambda_record

log = logging.getLogger("lampungin.dev.stream")


class Shard:
    """One shard's position: records fetched but not yet checkpointed, and the retry state."""

    def __init__(self, shard_id: str, parent_id: str | None):
        self.id, self.parent_id = shard_id, parent_id
        self.iterator: str | None = None
        self.pending: list[dict] = []      # fetched, not yet checkpointed, in sequence order
        self.closed = False                # the shard has no more records to give
        self.waiting_since: float | None = None
        self.failing_seq: str | None = None
        self.attempts = 0                  # invocations that failed at `failing_seq`
        self.retry_at = 0.0                # backing off after a failed invocation until then
        self.limit: int | None = None      # a bisected batch size while isolating a poison record
        self.isolate_until = 0             # ... until the checkpoint passes this sequence number

    @property
    def done(self) -> bool:
        return self.closed and not self.pending


class ShardReader:
    def __init__(self, client, stream_arn: str, starting_position: str,
                 checkpoints: MutableMapping[str, str], region: str | None = None):
        self.client, self.stream_arn = client, stream_arn
        self.starting_position, self.checkpoints = starting_position, checkpoints
        self.region = region          # the records' awsRegion (DynamoDB Local's ARNs say "ddblocal")
        self.shards: dict[str, Shard] = {}

    def refresh(self) -> None:
        start, listed = None, set()
        while True:
            args = {"StreamArn": self.stream_arn, **({"ExclusiveStartShardId": start} if start else {})}
            desc = self.client.describe_stream(**args)["StreamDescription"]
            for s in desc.get("Shards", []):
                listed.add(s["ShardId"])
                self.shards.setdefault(s["ShardId"], Shard(s["ShardId"], s.get("ParentShardId")))
            start = desc.get("LastEvaluatedShardId")
            if not start:
                break
        for gone in [shard for shard in self.checkpoints if shard not in listed]:
            del self.checkpoints[gone]          # trimmed away: its checkpoint can never be used

    def ready(self) -> list[Shard]:
        """Shards with work left whose parent (if still listed) is drained."""
        def parent_done(shard):
            parent = self.shards.get(shard.parent_id) if shard.parent_id else None
            return parent is None or parent.done
        return [s for s in list(self.shards.values()) if not s.done and parent_done(s)]

    def _new_iterator(self, shard: Shard) -> str:
        last = shard.pending[-1]["dynamodb"]["SequenceNumber"] if shard.pending else \
            self.checkpoints.get(shard.id)
        args = {"StreamArn": self.stream_arn, "ShardId": shard.id}
        if last:
            args.update(ShardIteratorType="AFTER_SEQUENCE_NUMBER", SequenceNumber=last)
        elif self.checkpoints:          # resuming this stream: a shard without one is new
            args.update(ShardIteratorType="TRIM_HORIZON")
        else:
            args.update(ShardIteratorType=self.starting_position)
        trimmed = getattr(self.client.exceptions, "TrimmedDataAccessException", None)
        try:
            return self.client.get_shard_iterator(**args)["ShardIterator"]
        except Exception as exc:
            if trimmed is None or not isinstance(exc, trimmed):
                raise
            log.warning("shard %s: records after %s are past the stream's retention; "
                        "reading from its oldest record", shard.id, last)
            args = {"StreamArn": self.stream_arn, "ShardId": shard.id,
                    "ShardIteratorType": "TRIM_HORIZON"}
            return self.client.get_shard_iterator(**args)["ShardIterator"]

    def fill(self, shard: Shard, want: int) -> None:
        """Fetch more records into `shard.pending` unless it already holds `want`."""
        if shard.closed or len(shard.pending) >= want:
            return
        if shard.iterator is None:
            shard.iterator = self._new_iterator(shard)
        trimmed = getattr(self.client.exceptions, "TrimmedDataAccessException", ())
        try:
            page = self.client.get_records(ShardIterator=shard.iterator, Limit=1000)
        except self.client.exceptions.ExpiredIteratorException:
            shard.iterator = None
            return
        except trimmed:
            # DynamoDB Local: an iterator taken while the shard was still empty (its first write
            # to *another* table opens it) reads "past the oldest record" once records arrive.
            # Take a new one from the checkpoint (or the start); nothing is skipped.
            log.info("shard %s: iterator behind the oldest record; taking a new one", shard.id)
            shard.iterator = None
            return
        shard.pending.extend(lambda_record(r, self.stream_arn, self.region)
                             for r in page.get("Records", []))
        shard.iterator = page.get("NextShardIterator")
        shard.closed = shard.iterator is None
