"""A DynamoDB stream event-source mapping, done the way Lambda does it, for the local stack.

Lambda reads each shard in order, hands the function batches of up to `batch_size` records
(waiting up to the batching window for a full one), and with ReportBatchItemFailures checkpoints
just before the first sequence number the function reports as failed and retries from there; the
records after it are delivered again (at-least-once), the ones before it never are. A function
error or a malformed response fails the whole batch; when retries run out a failing batch is
halved (BisectBatchOnFunctionError) until the poison record stands alone, which then goes to the
on-failure destination with the error and the shard moves on. Chalice cannot configure any of that
(STACK-NOTES), so infra/ must, and this poller must behave the same or local runs would hide bugs.

Reading the shards is `shards.py`'s job. `checkpoints` is any mutable mapping (shard id → last
done sequence number): on DynamoDB Local, which keeps data, it is `checkpoints.FileCheckpoints`,
so a restart resumes where the last run stopped, with nothing redelivered and nothing skipped.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, MutableMapping
from typing import Any

from .records import failure_message
from .shards import Shard, ShardReader

log = logging.getLogger("lampungin.dev.stream")


class StreamPoller:
    def __init__(self, client, stream_arn: str, handler: Callable[[dict], dict | None], *,
                 batch_size: int = 100, max_retries: int = 3, window_seconds: float = 0.0,
                 retry_delay: float = 0.5, starting_position: str = "TRIM_HORIZON",
                 dead_letter: Callable[[dict], None] | None = None,
                 checkpoints: MutableMapping[str, str] | None = None,
                 on_stats: Callable[[dict], None] | None = None, clock=time.monotonic,
                 region: str | None = None):
        self.stream_arn, self.handler = stream_arn, handler
        self.batch_size, self.max_retries, self.window = batch_size, max_retries, window_seconds
        self.dead_letter = dead_letter
        self.retry_delay = retry_delay     # doubled per attempt, like Lambda's backoff
        self.checkpoints = {} if checkpoints is None else checkpoints
        self.on_stats, self.clock = on_stats, clock
        self.reader = ShardReader(client, stream_arn, starting_position, self.checkpoints, region)
        self._refreshed_at: float | None = None
        self.stats: dict[str, Any] = {"invocations": 0, "records_processed": 0, "records_redelivered": 0,
                      "failed_invocations": 0, "dead_lettered": 0, "last_error": None,
                      "last_sequence_number": None}

    # -- delivering ---------------------------------------------------------------------------
    def poll_once(self) -> int:
        """Read every ready shard and make at most one invocation per shard; returns how many
        invocations were made (0 means idle). Tests call this directly, one step at a time."""
        if self._refreshed_at is None or self.clock() - self._refreshed_at >= 10:
            self.reader.refresh()     # new shards appear when DynamoDB splits or rolls one
            self._refreshed_at = self.clock()
        calls = 0
        for shard in self.reader.ready():
            self.reader.fill(shard, self.batch_size)
            calls += self._deliver(shard)
        return calls

    def _deliver(self, shard: Shard) -> int:
        if not shard.pending:
            shard.waiting_since = None
            return 0
        now = self.clock()
        if shard.waiting_since is None:
            shard.waiting_since = now
        if shard.failing_seq:
            if now < shard.retry_at:
                return 0
        elif len(shard.pending) < self.batch_size and now - shard.waiting_since < self.window:
            return 0
        batch = shard.pending[:min(self.batch_size, shard.limit or self.batch_size)]
        failed_at, error, whole = self._invoke(batch)
        if failed_at is None:
            self._checkpoint(shard, len(batch))
            shard.failing_seq, shard.attempts = None, 0
            if int(self.checkpoints[shard.id]) >= shard.isolate_until:
                shard.limit = None
        else:
            self._failed(shard, batch, failed_at, error or "", whole)
        self._publish()
        return 1

    def _invoke(self, batch: list[dict]) -> tuple[int | None, str | None, bool]:
        """(index of the first failed record or None, error, whether the function failed as a
        whole), read as Lambda reads ReportBatchItemFailures: an unknown or empty identifier
        fails the whole batch."""
        self.stats["invocations"] += 1
        try:
            response = self.handler({"Records": batch})
        except Exception as exc:   # the function errored: the whole batch failed
            log.warning("stream handler raised %r on a batch of %d", exc, len(batch))
            return 0, f"{type(exc).__name__}: {exc}", True
        failures = (response or {}).get("batchItemFailures") if isinstance(response, dict) else None
        if not failures:
            return None, None, False
        index = {r["dynamodb"]["SequenceNumber"]: i for i, r in enumerate(batch)}
        ids = [f.get("itemIdentifier") if isinstance(f, dict) else None for f in failures]
        if any(i not in index for i in ids):
            return 0, f"malformed batchItemFailures {failures!r}: the whole batch failed", True
        return min(index[i] for i in ids), "reported in batchItemFailures", False

    def _checkpoint(self, shard: Shard, count: int, processed: bool = True) -> None:
        if count:
            seq = shard.pending[count - 1]["dynamodb"]["SequenceNumber"]
            self.checkpoints[shard.id] = seq
            self.stats["last_sequence_number"] = seq
            self.stats["records_processed"] += count if processed else 0
            del shard.pending[:count]
        shard.waiting_since = None

    def _failed(self, shard: Shard, batch: list[dict], failed_at: int, error: str,
                whole: bool) -> None:
        self.stats["failed_invocations"] += 1
        self.stats["last_error"] = error
        self._checkpoint(shard, failed_at)   # everything before the failure is done
        self.stats["records_redelivered"] += len(batch) - failed_at - 1
        seq = shard.pending[0]["dynamodb"]["SequenceNumber"]
        shard.attempts = shard.attempts + 1 if shard.failing_seq == seq else 1
        shard.failing_seq = seq
        if shard.attempts <= self.max_retries:
            shard.retry_at = self.clock() + self.retry_delay * 2 ** (shard.attempts - 1)
            return
        if whole and len(batch) > 1:          # which record is it? halve the batch and retry
            shard.limit, shard.attempts = len(batch) // 2, 0
            shard.isolate_until = int(batch[-1]["dynamodb"]["SequenceNumber"])
            return
        log.error("stream record %s failed %d times, sent to the dead-letter queue: %s",
                  seq, shard.attempts, error)
        self.stats["dead_lettered"] += 1
        if self.dead_letter is not None:
            self.dead_letter(failure_message(shard.pending[0], shard.id, self.stream_arn,
                                             shard.attempts, error))
        self._checkpoint(shard, 1, processed=False)
        shard.failing_seq, shard.attempts, shard.limit = None, 0, None

    def _publish(self) -> None:
        if self.on_stats is not None:
            self.on_stats(dict(self.stats))

    def run(self, stop: threading.Event, interval: float = 0.25, idle_max: float = 1.0) -> None:
        """Poll until `stop` is set: straight on while there is work, slowing from `interval` to
        `idle_max` while idle (moto keeps every shard iterator it ever issued: fewer polls, less
        memory over a day of `make run`)."""
        wait = interval
        while not stop.is_set():
            try:
                busy = self.poll_once()
            except Exception as exc:   # the store restarting, say: keep the stack alive
                log.warning("stream poll failed: %r", exc)
                busy = 0
            if busy:
                wait = interval
            else:
                stop.wait(wait)
                wait = min(idle_max, wait * 2)
