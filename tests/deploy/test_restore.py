"""The point-in-time restore of the data-loss runbook (lampungin/deploy/restore.py), on moto
in-process: GIVEN a stage's complaints table with recovery on and items in it, WHEN DevOps
restores it THEN a new table holds the items, with the stream (KEYS_ONLY), point-in-time
recovery, deletion protection and tags a restore does not bring back, the damaged table is left
alone, and the next steps are printed; a table without recovery, a moment outside the window, an
unknown table, the source's own name or a taken name are refused in one language.

Not tested here, said plainly: DynamoDB Local has no point-in-time recovery at all, and moto's
restore copies the table as it is now (it ignores the moment), so that the restored items are
those of the moment is DynamoDB's promise, not something this suite can check."""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from lampungin.deploy import restore

STAGE = "prod"


@pytest.fixture
def dynamodb(monkeypatch):
    import boto3
    from moto import mock_aws

    from chalicelib.adapters.dynamo.tables import create_tables
    from chalicelib.config import from_env

    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_DEFAULT_REGION": "ap-southeast-3", "TABLE_PREFIX": f"lampungin-{STAGE}-"}.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB"):
        monkeypatch.delenv(name, raising=False)
    with mock_aws():
        client = boto3.client("dynamodb", region_name="ap-southeast-3")
        create_tables(client, from_env(), names=["complaints", "audit"])
        for n in range(3):
            client.put_item(TableName="lampungin-prod-complaints", Item={"id": {"S": f"ADU-{n}"}})
        client.update_continuous_backups(TableName="lampungin-prod-complaints",
                                         PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
        yield client


def restorable(client) -> datetime:
    """A moment inside the window (moto's window is the instant recovery was turned on)."""
    pitr = client.describe_continuous_backups(TableName="lampungin-prod-complaints")
    value = pitr["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]["EarliestRestorableDateTime"]
    return value.astimezone(UTC)


def test_a_restore_is_a_new_table_with_what_a_restore_forgets(dynamodb):
    at = restorable(dynamodb)
    report = restore.restore(dynamodb, STAGE, "complaints", at, lang="en")
    target = report["target"]
    assert target == f"lampungin-prod-complaints-restored-{at:%Y%m%d%H%M}"
    items = dynamodb.scan(TableName=target)["Items"]
    assert sorted(i["id"]["S"] for i in items) == ["ADU-0", "ADU-1", "ADU-2"]
    table = dynamodb.describe_table(TableName=target)["Table"]
    assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}
    assert table["DeletionProtectionEnabled"] is True
    pitr = dynamodb.describe_continuous_backups(TableName=target)["ContinuousBackupsDescription"]
    assert pitr["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"
    tags = {t["Key"]: t["Value"] for t in dynamodb.list_tags_of_resource(ResourceArn=table["TableArn"])["Tags"]}
    assert tags["stage"] == STAGE and tags["restored-from"] == "lampungin-prod-complaints"
    assert report["applied"] == ["stream KEYS_ONLY", "point-in-time recovery", "deletion protection", "tags"]
    assert "lampungin reconcile --since" in report["next"]
    # the damaged table is left as it was
    assert len(dynamodb.scan(TableName="lampungin-prod-complaints")["Items"]) == 3
    # again under the same name: refused, nothing changed
    with pytest.raises(restore.RestoreError, match="exists already"):
        restore.restore(dynamodb, STAGE, "complaints", at, target=target, lang="en")


@pytest.mark.parametrize("case, kwargs, message", [
    ("no recovery", {"table": "audit"}, "tidak memakai pemulihan titik waktu"),
    ("unknown table", {"table": "complaint"}, "tidak ada; salah satu dari"),
    ("table not made", {"table": "clocks"}, "tidak ada di akun dan wilayah ini"),
    ("own name", {"target": "lampungin-prod-complaints"}, "tidak boleh nama tabel sumber"),
    ("in the future", {"at": datetime.now(UTC) + timedelta(hours=1)}, "di luar jendela pemulihan"),
    ("before recovery", {"at": datetime(2020, 1, 1, tzinfo=UTC)}, "di luar jendela pemulihan"),
])
def test_what_cannot_be_restored_is_refused_in_indonesian(dynamodb, case, kwargs, message):
    args = {"table": "complaints", "at": restorable(dynamodb), "target": None, **kwargs}
    with pytest.raises(restore.RestoreError, match=message):
        restore.restore(dynamodb, STAGE, args["table"], args["at"], args["target"], lang="id")
    assert [t for t in dynamodb.list_tables()["TableNames"] if "restored" in t] == []


def test_the_command_line_prints_one_json_line_or_one_error(dynamodb, capsys, monkeypatch):
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert restore.main(["--stage", STAGE, "--table", "complaints", "--at", "yesterday"]) == 1
    assert "--at must be an ISO 8601 time with a zone" in capsys.readouterr().err
    assert restore.main(["--stage", STAGE, "--table", "complaints", "--at", "2026-12-03T02:00:00"]) == 1
    assert "with a zone" in capsys.readouterr().err
    at = restorable(dynamodb).isoformat()
    assert restore.main(["--stage", STAGE, "--table", "complaints", "--at", at,
                         "--region", "ap-southeast-3"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["source"] == "lampungin-prod-complaints" and report["item_count"]
