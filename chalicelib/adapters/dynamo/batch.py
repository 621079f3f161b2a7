"""BatchGetItem with a bounded retry, for reading a page's worth of items in one call.

Why not PynamoDB's `Model.batch_get`: it retries UnprocessedKeys immediately and without end,
which under throttling is a hot loop inside a Lambda. Here a throttled remainder is retried a few
times with a short backoff and then handed back, so the caller decides (replay, or a GetItem).
"""
from __future__ import annotations

import time

MAX_KEYS = 100                 # DynamoDB's limit per BatchGetItem
RETRIES = 3
BACKOFF_SECONDS = 0.05


def batch_get(model, keys: list[dict], *, consistent_read: bool = False, projection: str | None = None,
              retries: int = RETRIES, sleep=time.sleep) -> tuple[list, list[dict]]:
    """(items as `model` instances, keys still unprocessed) for up to MAX_KEYS raw keys;
    `projection` (attribute names, comma-separated) reads only those."""
    if len(keys) > MAX_KEYS:
        raise ValueError(f"at most {MAX_KEYS} keys per BatchGetItem")
    table, items = model.Meta.table_name, []
    # The model's own connection knows the table's key schema: no DescribeTable call.
    connection = model._get_connection()
    for attempt in range(retries + 1):
        if not keys:
            break
        if attempt:
            sleep(BACKOFF_SECONDS * 2 ** (attempt - 1))
        data = connection.batch_get_item(keys, consistent_read=consistent_read or None,
                                         attributes_to_get=projection.split(",") if projection else None)
        items += [model.from_raw_data(raw) for raw in data.get("Responses", {}).get(table, [])]
        keys = data.get("UnprocessedKeys", {}).get(table, {}).get("Keys", [])
    return items, keys
