"""The wrong-code count of claim-ownership (services/claims.ClaimAttempts), on the fake, moto and
DynamoDB Local: counted per complaint, atomically, so parallel guesses cannot slip past
domain/claims.MAX_ATTEMPTS, and kept apart from the idempotency records it shares a table with."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.integration.conftest import STORES, use_store


@pytest.fixture(params=["fake", *STORES])
def attempts(request, settings):
    if request.param == "fake":
        from tests.fakes_claims import FakeClaimAttempts
        return FakeClaimAttempts()
    use_store(request, request.param)
    from chalicelib.adapters.dynamo.claims import DynamoClaimAttempts
    return DynamoClaimAttempts(settings)


def test_a_complaint_nobody_tried_has_no_wrong_codes(attempts):
    assert attempts.wrong_codes("LPG-2026-000001") == 0


def test_each_wrong_code_counts_once_for_its_complaint_only(attempts):
    assert [attempts.add_wrong_code("LPG-2026-000001") for _ in range(3)] == [1, 2, 3]
    assert attempts.wrong_codes("LPG-2026-000001") == 3
    assert attempts.wrong_codes("LPG-2026-000002") == 0


def test_parallel_wrong_codes_are_all_counted_each_with_its_own_count(attempts):
    with ThreadPoolExecutor(8) as pool:
        counts = list(pool.map(lambda _: attempts.add_wrong_code("LPG-2026-000003"), range(16)))
    assert sorted(counts) == list(range(1, 17))      # no two guesses saw the same count
    assert attempts.wrong_codes("LPG-2026-000003") == 16
