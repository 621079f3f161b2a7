"""Fixtures for the integration suite: DynamoDB on in-process moto and on AWS's DynamoDB Local,
and the repositories.

Every test gets its own TABLE_PREFIX, so tables (and the PynamoDB models cached per prefix)
never leak between tests. DynamoDB Local is one process for the whole session (in memory; the
download is cached under .local/cache/, see lampungin/localstack/dynamodb_local_install.py); where it and
moto disagree, DynamoDB Local is the reference. Without Java the DynamoDB Local cases are skipped
with the reason, except in CI (`CI` set), where that is a failure.
"""
from __future__ import annotations

import os
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
    # single conditional writes check-then-write without a lock too (two "winners" seen); the
    # dev stack's memory store takes the same lock (lampungin/localstack/aws.py)
    from lampungin.localstack.aws import serialize_moto_dynamodb
    serialize_moto_dynamodb(monkeypatch.setattr)


@pytest.fixture(scope="session")
def dynamodb_local(tmp_path_factory):
    """The endpoint of one in-memory DynamoDB Local for the session."""
    from lampungin.localstack import dynamodb_local as ddbl
    try:
        java = ddbl.find_java()
        install = ddbl.ensure_installed()
    except ddbl.Unavailable as why:
        if os.environ.get("CI"):
            pytest.fail(f"DynamoDB Local is required in CI: {why}")
        # Deliberate: a laptop without Java still runs the rest of the suite; CI (above) and any
        # machine with Java run these cases for real, so they can never be silently skipped there.
        pytest.skip(f"DynamoDB Local cannot run here: {why}")
    server = ddbl.DynamoDBLocal(java, install, db_path=None,
                                log_path=tmp_path_factory.mktemp("dynamodb-local") / "java.log")
    endpoint = server.start()
    yield endpoint
    server.stop()


@pytest.fixture
def dynamodb_local_tables(dynamodb_local, settings, monkeypatch):
    """This test's tables on DynamoDB Local; every botocore client (PynamoDB's included) goes
    there through AWS_ENDPOINT_URL_DYNAMODB. The tables are deleted afterwards."""
    import boto3

    from chalicelib.adapters.dynamo.tables import create_tables
    for name in ("AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_DYNAMODB_STREAMS"):
        monkeypatch.setenv(name, dynamodb_local)
    client = boto3.client("dynamodb", region_name=REGION)
    created = create_tables(client, settings)
    yield client
    for table in created:
        client.delete_table(TableName=table)


STORES = ["dynamo", "dynamodb-local"]     # moto, then AWS's DynamoDB Local


def use_store(request, store: str) -> None:
    """Tables for this test on `store` (a param of STORES)."""
    request.getfixturevalue("dynamodb" if store == "dynamo" else "dynamodb_local_tables")


@pytest.fixture(params=["fake", *STORES])
def repo(request, settings):
    """The contract suite runs once per ComplaintRepository implementation and store."""
    if request.param == "fake":
        from tests.fakes import FakeComplaintRepository
        return FakeComplaintRepository()
    use_store(request, request.param)
    from chalicelib.adapters.dynamo.complaints import DynamoComplaintRepository
    return DynamoComplaintRepository(settings)
