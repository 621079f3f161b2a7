"""Where the LAPOR! exchange goes on from (adapters/dynamo/lapor.py), on moto and DynamoDB Local:
none before the first page, the last one written after, and kept apart from the idempotency
records it shares a table with (the exchange files under those keys)."""
from __future__ import annotations

import pytest

from tests.integration.conftest import STORES, use_store


@pytest.fixture(params=STORES)
def cursor(request, settings):
    use_store(request, request.param)
    from chalicelib.adapters.dynamo.lapor import DynamoLaporCursor
    return DynamoLaporCursor(settings)


def test_no_cursor_before_the_first_page_then_the_last_one_written(cursor, settings):
    assert cursor.get() is None
    cursor.put("50")
    cursor.put("100")
    assert cursor.get() == "100"
    from chalicelib.adapters.dynamo.lapor import DynamoLaporCursor
    assert DynamoLaporCursor(settings).get() == "100"            # another Lambda reads the same


def test_an_opaque_cursor_is_kept_as_it_came(cursor):
    odd = "eyJwYWdlIjogMn0=/é?&x=1"
    cursor.put(odd)
    assert cursor.get() == odd
