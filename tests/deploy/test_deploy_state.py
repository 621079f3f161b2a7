"""Path (a)'s deployed state and lock (lampungin/deploy/state.py) on moto in-process, with the
bucket and table the infra stack makes: GIVEN two DevOps engineers (or a CI runner) deploying one
stage, THEN only one holds the stage at a time and the other is told who does; a deploy that died
frees the stage when its lock expires; Chalice's deployed state always goes back to the bucket,
even when Chalice failed, and a fresh clone gets it before Chalice runs."""
from __future__ import annotations

import json

import pytest

from lampungin.deploy import resources, state

STAGE = "dev"
TABLE, BUCKET = "lampungin-dev-deploy-lock", "lampungin-dev-deploy-state-123456789012-ap-southeast-3"
RECORD = {"schema_version": "2.0", "backend": "api",
          "resources": [{"name": "rest_api", "resource_type": "rest_api", "rest_api_id": "abc123"}]}


class Clock:
    def __init__(self, at: float = 1_800_000_000):
        self.at = at

    def __call__(self) -> float:
        return self.at


@pytest.fixture
def aws(monkeypatch):
    import boto3
    from moto import mock_aws

    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_DEFAULT_REGION": "ap-southeast-3", "LANG": "id_ID.UTF-8"}.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    with mock_aws():
        ddb, s3 = boto3.client("dynamodb"), boto3.client("s3")
        spec = resources.deploy_state()["DeployLockTable"]["Properties"]       # the stack's own table
        ddb.create_table(TableName=TABLE, KeySchema=spec["KeySchema"],
                         AttributeDefinitions=spec["AttributeDefinitions"],
                         BillingMode=spec["BillingMode"])
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "ap-southeast-3"})
        s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
        yield ddb, s3


def deployed(project, doc=RECORD):
    path = state.local_state(project, STAGE)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc))
    return path


def test_a_second_deploy_of_the_stage_is_refused_and_told_who_holds_it(aws):
    ddb, _ = aws
    clock = Clock()
    first = state.DeployLock(ddb, TABLE, STAGE, clock=clock).acquire("ana@laptop", "deploy")
    other = state.DeployLock(ddb, TABLE, STAGE, clock=clock)
    with pytest.raises(state.LockHeld) as refused:
        other.acquire("ci: pipeline 812", "all")
    message = str(refused.value)
    assert "ana@laptop" in message and "deploy" in message and "unlock --stage dev --force" in message
    assert message.startswith("tahap dev sedang dipasang oleh")          # Indonesian unless LANG=en
    assert refused.value.holder["owner"] == "ana@laptop"
    assert state.DeployLock(ddb, TABLE, "prod", clock=clock).acquire("ci", "deploy")      # another stage: free
    assert other.release(first) is True and other.holder() is None
    assert other.acquire("ci: pipeline 812", "all").owner == "ci: pipeline 812"


def test_an_expired_lock_is_taken_over_and_its_old_owner_cannot_release_the_new_one(aws):
    ddb, _ = aws
    clock = Clock()
    lock = state.DeployLock(ddb, TABLE, STAGE, clock=clock)
    dead = lock.acquire("ana@laptop", "deploy", seconds=60)
    clock.at += 61
    taken = lock.acquire("budi@ci", "deploy")
    assert taken.took_over and taken.took_over["owner"] == "ana@laptop"
    assert lock.release(dead) is False                   # a deploy that outlived its lock removes nothing
    assert lock.holder()["owner"] == "budi@ci"
    assert lock.release(taken) is True


def test_unlock_needs_force_while_the_lock_is_alive(aws, monkeypatch):
    ddb, _ = aws
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    clock = Clock()
    lock = state.DeployLock(ddb, TABLE, STAGE, clock=clock)
    lock.acquire("ana@laptop", "deploy")
    with pytest.raises(state.StateError, match="add --force if that deploy has really stopped"):
        lock.force_release(force=False)
    assert lock.force_release(force=True)["owner"] == "ana@laptop"
    assert lock.holder() is None and lock.force_release(force=False) is None


def test_a_fresh_clone_gets_the_stored_state_and_a_local_one_is_adopted_only_when_none_is_stored(aws, tmp_path):
    _, s3 = aws
    store = state.StateStore(s3, BUCKET, STAGE)
    said = []
    first = tmp_path / "first"
    deployed(first)
    assert store.pull(first, said.append) == "adopted"         # the first clone's own deploy, kept
    assert store.push(first, said.append) is True
    assert store.push(first, said.append) is False             # unchanged: nothing written
    fresh = tmp_path / "fresh"
    assert store.pull(fresh, said.append) == "remote"
    assert json.loads(state.local_state(fresh, STAGE).read_text()) == RECORD
    stale = tmp_path / "stale"
    deployed(stale, {**RECORD, "resources": []})
    assert store.pull(stale, said.append) == "remote"          # the stored one wins; the local one is kept aside
    assert json.loads(state.local_state(stale, STAGE).with_name("dev.json.before-pull").read_text())["resources"] == []
    assert store.pull(tmp_path / "none", said.append) == "remote"
    empty = state.StateStore(s3, BUCKET, "prod")
    assert empty.pull(tmp_path / "nothing", said.append) == "fresh"
    assert any("s3://" in line for line in said)


def test_the_state_goes_back_even_when_chalice_fails_and_the_lock_is_always_released(aws, tmp_path):
    ddb, s3 = aws
    store, lock = state.StateStore(s3, BUCKET, STAGE), state.DeployLock(ddb, TABLE, STAGE)

    def chalice_fails_after_recording() -> int:
        deployed(tmp_path, {**RECORD, "resources": [*RECORD["resources"], {"name": "api_handler"}]})
        assert lock.holder()["owner"] == "ana"                 # held while Chalice runs
        return 2

    assert state.with_state(store, lock, tmp_path, "deploy", chalice_fails_after_recording, owner="ana",
                            say=lambda _: None) == 2
    assert len(json.loads(store.read())["resources"]) == 2
    assert lock.holder() is None

    def chalice_raises() -> int:
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        state.with_state(store, lock, tmp_path, "deploy", chalice_raises, owner="ana", say=lambda _: None)
    assert lock.holder() is None


def test_a_torn_state_file_is_never_stored(aws, tmp_path):
    _, s3 = aws
    store = state.StateStore(s3, BUCKET, STAGE)
    state.local_state(tmp_path, STAGE).parent.mkdir(parents=True)
    state.local_state(tmp_path, STAGE).write_text('{"resources": [')
    with pytest.raises(ValueError):
        store.push(tmp_path)
    assert store.read() is None


def test_the_stacks_outputs_name_the_bucket_and_table_and_an_old_stack_is_refused_with_what_to_do(aws):
    import boto3

    session = boto3.session.Session()
    store, lock = state.from_outputs(session, {"DeployStateBucket": BUCKET, "DeployLockTable": TABLE},
                                     "lampungin-dev-infra", STAGE)
    assert (store.bucket, lock.table) == (BUCKET, TABLE)
    with pytest.raises(state.StateError, match="DeployStateBucket, DeployLockTable"):
        state.from_outputs(session, {}, "lampungin-dev-infra", STAGE)
