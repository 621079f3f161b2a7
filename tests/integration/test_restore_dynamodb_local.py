"""The data-loss runbook's restore (lampungin/deploy/restore.py) pointed at DynamoDB Local, as a
DevOps engineer trying it on `make run`'s store would: DynamoDB Local has no point-in-time recovery
at all (UpdateContinuousBackups, DescribeContinuousBackups, CreateBackup and
RestoreTableToPointInTime all answer UnknownOperationException, measured on this machine), so the
tool refuses in one language, names the endpoint, and makes nothing; the restore itself is tested
on moto (tests/deploy/test_restore.py)."""
from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from lampungin.deploy import restore


@pytest.fixture
def local_client(dynamodb_local, monkeypatch):
    import boto3

    from chalicelib.adapters.dynamo.tables import create_tables
    from chalicelib.config import from_env

    monkeypatch.setenv("TABLE_PREFIX", "lampungin-prod-")
    client = boto3.client("dynamodb", endpoint_url=dynamodb_local, region_name="ap-southeast-3",
                          aws_access_key_id="local", aws_secret_access_key="local")
    create_tables(client, from_env(), names=["complaints"])
    client.put_item(TableName="lampungin-prod-complaints", Item={"id": {"S": "ADU-1"}})
    yield client
    client.delete_table(TableName="lampungin-prod-complaints")


@pytest.mark.parametrize("lang, message", [
    ("id", "tidak mengenal pemulihan titik waktu (DynamoDB Local tidak memilikinya): pulihkan di AWS"),
    ("en", "has no point-in-time recovery (DynamoDB Local has none): restore on AWS")])
def test_a_restore_on_dynamodb_local_is_refused_plainly_and_makes_nothing(local_client, dynamodb_local, lang, message):
    before = sorted(local_client.list_tables()["TableNames"])
    with pytest.raises(restore.RestoreError, match=re.escape(message)) as refused:
        restore.restore(local_client, "prod", "complaints", datetime(2026, 12, 3, 2, tzinfo=UTC), lang=lang)
    assert dynamodb_local in str(refused.value)
    assert sorted(local_client.list_tables()["TableNames"]) == before
    assert local_client.scan(TableName="lampungin-prod-complaints")["Count"] == 1
