"""Conditional writes, once: "write this only if …", answering whether it was written.

Why: every effect here is at least once (streams, sweeps, retries), so writes carry a condition —
the item must not exist yet, or must not be newer — and a failed condition is an answer ("already
there"), not an error. Three repositories spelled that try/except; this is the one spelling.
"""
from __future__ import annotations

from pynamodb.exceptions import PutError, UpdateError

FAILED = "ConditionalCheckFailedException"


def save_if(item, condition) -> bool:
    """Put `item` if `condition` holds; False when it does not (nothing was written)."""
    try:
        item.save(condition=condition)
    except PutError as exc:
        if exc.cause_response_code == FAILED:
            return False
        raise
    return True


def update_if(item, actions: list, condition) -> bool:
    """Update `item` with `actions` if `condition` holds; False when it does not."""
    try:
        item.update(actions=actions, condition=condition)
    except UpdateError as exc:
        if exc.cause_response_code == FAILED:
            return False
        raise
    return True
