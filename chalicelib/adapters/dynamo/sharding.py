"""Spreading the sweep's index over shards, so a province-wide backlog of due clocks is not one
hot partition: the shard is a stable hash of the complaint id."""
from __future__ import annotations

import zlib

SHARDS = 16


def shard_of(complaint_id: str, shards: int = SHARDS) -> int:
    return zlib.crc32(complaint_id.encode()) % shards


def shard_key(shard: int) -> str:
    return f"s{shard:02d}"
