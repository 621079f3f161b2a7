"""Stream checkpoints that survive a restart, for a store that does (DynamoDB Local).

Lambda's event-source mapping remembers how far it got in each shard; so must the local poller,
or a restart of `lampungin dev` either redelivers the last 24 hours of records (TRIM_HORIZON) or
skips what was written while it was down (LATEST). The poller takes any mutable mapping of shard
id → last sequence number done; this one writes through to a JSON file beside the database, so
`--reset` (which removes that directory) wipes both together.

The file is keyed by stream ARN: DynamoDB Local gives a table re-created after a wipe a new
stream (its label is the creation time), and checkpoints of another stream must not apply to it.
A checkpoint is written after its batch succeeded, so a crash in between redelivers that batch
once (at-least-once, as in Lambda) and never loses a record.
"""
from __future__ import annotations

import json
import threading
from collections.abc import Iterator, MutableMapping
from pathlib import Path

from .state import write_json_atomic

FILE = "stream-checkpoints.json"


class FileCheckpoints(MutableMapping):
    def __init__(self, path: Path, stream_arn: str):
        self.path, self.stream_arn = Path(path), stream_arn
        self._lock = threading.Lock()
        self._all = self._load()
        self._mine: dict[str, str] = dict(self._all.get(stream_arn, {}))

    def _load(self) -> dict[str, dict[str, str]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            return {}          # unreadable: start over (at-least-once, the handler is idempotent)
        streams = data.get("streams") if isinstance(data, dict) else None
        if not isinstance(streams, dict):
            return {}
        return {arn: {str(k): str(v) for k, v in shards.items()}
                for arn, shards in streams.items() if isinstance(shards, dict)}

    def _save(self) -> None:
        # Only this stream is kept: the others belong to tables that no longer exist.
        write_json_atomic(self.path, {"streams": {self.stream_arn: dict(self._mine)}})

    def __getitem__(self, shard_id: str) -> str:
        return self._mine[shard_id]

    def __setitem__(self, shard_id: str, sequence_number: str) -> None:
        with self._lock:
            self._mine[shard_id] = sequence_number
            self._save()

    def __delitem__(self, shard_id: str) -> None:
        with self._lock:
            del self._mine[shard_id]
            self._save()

    def __iter__(self) -> Iterator[str]:
        return iter(dict(self._mine))

    def __len__(self) -> int:
        return len(self._mine)

    def __repr__(self) -> str:
        return f"FileCheckpoints({self.path}, {self._mine!r})"
