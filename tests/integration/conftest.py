"""Fixtures for the integration suite: DynamoDB on in-process moto, and the repositories.

Every test gets its own TABLE_PREFIX, so tables (and the PynamoDB models cached per prefix)
never leak between tests.
"""
from __future__ import annotations

import threading
import uuid

import pytest

from chalicelib.config import from_env

REGION = "ap-southeast-3"


@pytest.fixture
def aws_env(monkeypatch):
    """Fake credentials and region; no endpoint override, so moto's in-process mock answers."""
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_SESSION_TOKEN": "testing", "AWS_REGION": REGION,
                        "AWS_DEFAULT_REGION": REGION,
                        "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled"}.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def settings(aws_env):
    return from_env({"STAGE": "test", "AWS_REGION": REGION,
                     "TABLE_PREFIX": f"lampungin-test-{uuid.uuid4().hex[:10]}-"})


@pytest.fixture
def dynamodb(settings):
    """A boto3 client on moto with this test's tables created from tables.py."""
    import boto3
    from moto import mock_aws

    from chalicelib.adapters.dynamo.tables import create_tables

    with mock_aws():
        client = boto3.client("dynamodb", region_name=REGION)
        create_tables(client, settings)
        yield client


@pytest.fixture
def serializable_moto(monkeypatch):
    """Make moto's TransactWriteItems serializable, as DynamoDB's are.

    moto 5.2.5 runs a transaction without a lock: it deep-copies each table for rollback while
    other threads write (RuntimeError, HTTP 500), checks conditions and writes non-atomically
    (two winners), and a failed transaction's rollback restores its stale copy (erasing the
    winner's write). Measured: 26 of 30 eight-thread races went wrong in-process, 8 of 30 on
    moto's server. With this lock, 30 of 30 were right, so the thread test checks our conditions,
    not moto's thread safety.
    """
    from moto.dynamodb.models import DynamoDBBackend

    lock = threading.RLock()
    # single conditional writes check-then-write without a lock too (two "winners" seen)
    for name in ("put_item", "update_item", "delete_item", "transact_write_items"):
        original = getattr(DynamoDBBackend, name)

        def serialized(self, *args, _original=original, **kwargs):
            with lock:
                return _original(self, *args, **kwargs)
        monkeypatch.setattr(DynamoDBBackend, name, serialized)


@pytest.fixture(params=["fake", "dynamo"])
def repo(request, settings):
    """The contract suite runs once per ComplaintRepository implementation."""
    if request.param == "fake":
        from tests.fakes import FakeComplaintRepository
        return FakeComplaintRepository()
    request.getfixturevalue("dynamodb")
    from chalicelib.adapters.dynamo.complaints import DynamoComplaintRepository
    return DynamoComplaintRepository(settings)
