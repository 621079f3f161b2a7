"""Deployment path (a)'s memory, kept with the stage instead of in one clone: Chalice's deployed
state (`.chalice/deployed/<stage>.json`) in the stage's deploy-state bucket, and a lock item in the
stage's deploy-lock table so that two deploys of one stage never overlap.

Why: `chalice deploy` knows which REST API and which event-source mappings are "its own" only from
that file, which is git-ignored. A deploy from a second clone or a CI runner without it created a
second REST API and a second stream subscription (every record processed twice), and `chalice
delete` elsewhere deleted nothing. So `chalice_deploy deploy|delete|all` take the lock, fetch the
file from S3 before Chalice runs and put it back after, whatever Chalice's exit status.

The lock is one DynamoDB item per stage, written with a conditional put: it succeeds only when no
lock exists or the one there has expired (`expires_at`, epoch seconds; 30 minutes by default, more
than a deploy of this app takes). It names its owner (who, where, which command, since when), so
a refused deploy says who holds the stage. A crashed deploy's lock simply expires; `unlock --force`
removes one at once (after checking that nobody is deploying). Releasing is conditional on the
lock's own token: a deploy that outlived its lock never removes the next one's.

Both resources are made by the infra stack (infra/stack.json: DeployStateBucket, DeployLockTable,
outputs of the same names); nothing in the Lambdas can read or write them (policy.py).
Messages are Indonesian unless LANG=en*.
"""
from __future__ import annotations

import getpass
import json
import os
import socket
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from lampungin.rules.messages import language

LOCK_SECONDS = 30 * 60
STATE_OUTPUT = "DeployStateBucket"        # infra stack outputs (app_settings.stack_outputs)
LOCK_OUTPUT = "DeployLockTable"
OWNER_ENV = "LAMPUNGIN_DEPLOY_OWNER"      # e.g. "ci: pipeline 812" (default: user@host)

MESSAGES = {
    "held": ("tahap {stage} sedang dipasang oleh {owner} ({command}, sejak {since}); kuncinya habis "
             "pada {until}. Tunggu sampai selesai. Bila pemasangan itu sudah mati, kuncinya lepas "
             "sendiri pada waktu itu, atau lepaskan sekarang dengan `python -m lampungin.deploy."
             "chalice_deploy unlock --stage {stage} --force`",
             "stage {stage} is being deployed by {owner} ({command}, since {since}); the lock "
             "expires at {until}. Wait for it to finish. If that deploy died, the lock frees itself "
             "then, or remove it now with `python -m lampungin.deploy.chalice_deploy unlock --stage "
             "{stage} --force`"),
    "took_over": ("kunci tahap {stage} milik {owner} sudah habis sejak {until}: diambil alih",
                  "the lock of stage {stage} held by {owner} expired at {until}: taken over"),
    "lost": ("kunci tahap {stage} sudah diambil {owner} sebelum dilepas (pemasangan ini melewati "
             "batas waktunya): periksa hasil kedua pemasangan",
             "the lock of stage {stage} was taken by {owner} before it was released (this deploy "
             "outlived it): check what both deploys did"),
    "no_lock": ("tahap {stage} tidak terkunci", "stage {stage} is not locked"),
    "unlocked": ("kunci tahap {stage} milik {owner} dilepas", "removed the lock of stage {stage} held by {owner}"),
    "need_force": ("tahap {stage} dikunci oleh {owner} sampai {until}; tambahkan --force bila "
                   "pemasangan itu benar-benar sudah berhenti",
                   "stage {stage} is locked by {owner} until {until}; add --force if that deploy "
                   "has really stopped"),
    "pulled": ("keadaan terpasang tahap {stage} diambil dari s3://{bucket}/{key}",
               "deployed state of stage {stage} fetched from s3://{bucket}/{key}"),
    "replaced": ("berkas lokal {path} berbeda dari yang tersimpan: diganti (salinannya di {backup})",
                 "the local {path} differed from the stored one: replaced (copy in {backup})"),
    "adopted": ("belum ada keadaan tersimpan untuk tahap {stage}: berkas lokal {path} dipakai dan "
                "akan disimpan ke s3://{bucket}/{key}",
                "no stored state for stage {stage} yet: the local {path} is used and will be saved "
                "to s3://{bucket}/{key}"),
    "fresh": ("belum ada keadaan tersimpan untuk tahap {stage}: pemasangan pertama",
              "no stored state for stage {stage} yet: first deploy"),
    "pushed": ("keadaan terpasang tahap {stage} disimpan ke s3://{bucket}/{key}",
               "deployed state of stage {stage} saved to s3://{bucket}/{key}"),
    "missing_outputs": ("stack {stack} tidak punya keluaran {names}: perbarui stack infra dengan "
                        "infra/stack.json terbaru dulu (docs/deploy.md, langkah 1)",
                        "stack {stack} has no outputs {names}: update the infra stack with the "
                        "current infra/stack.json first (docs/deploy.md, step 1)"),
}


def text(code: str, **params) -> str:
    return MESSAGES[code][0 if language() == "id" else 1].format(**params)


class StateError(Exception):
    """A lock or state problem, its message already in the reader's language."""


class LockHeld(StateError):
    def __init__(self, message: str, holder: dict):
        super().__init__(message)
        self.holder = holder


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def state_key(stage: str) -> str:
    return f"chalice/deployed/{stage}.json"


def local_state(project_dir: Path, stage: str) -> Path:
    return Path(project_dir) / ".chalice" / "deployed" / f"{stage}.json"


def default_owner(identity: str | None = None) -> str:
    """Who is deploying, as a person reads it: $LAMPUNGIN_DEPLOY_OWNER, else user@host, with the
    AWS identity when known."""
    who = os.environ.get(OWNER_ENV) or f"{getpass.getuser()}@{socket.gethostname()}"
    return f"{who} [{identity}]" if identity else who


@dataclass(frozen=True)
class Lock:
    stage: str
    token: str
    owner: str
    expires_at: int
    took_over: dict | None = None          # the expired lock this one replaced, if any


class DeployLock:
    """The stage's lock item in the deploy-lock table (key `lock_id`)."""

    def __init__(self, dynamodb, table: str, stage: str, *, clock=time.time):
        self.ddb, self.table, self.stage, self.clock = dynamodb, table, stage, clock
        self.key = {"lock_id": {"S": f"chalice-deploy/{stage}"}}

    def holder(self) -> dict | None:
        item = self.ddb.get_item(TableName=self.table, Key=self.key, ConsistentRead=True).get("Item")
        if not item:
            return None
        return {"owner": item["owner"]["S"], "command": item.get("command", {}).get("S", "?"),
                "acquired_at": int(item["acquired_at"]["N"]), "expires_at": int(item["expires_at"]["N"]),
                "token": item["token"]["S"], "pid": item.get("pid", {}).get("S"), "host": item.get("host", {}).get("S")}

    def acquire(self, owner: str, command: str, seconds: int = LOCK_SECONDS) -> Lock:
        now = int(self.clock())
        before = self.holder()
        token = uuid.uuid4().hex
        item = {**self.key, "owner": {"S": owner}, "command": {"S": command}, "token": {"S": token},
                "acquired_at": {"N": str(now)}, "expires_at": {"N": str(now + seconds)},
                "host": {"S": socket.gethostname()}, "pid": {"S": str(os.getpid())}}
        try:
            self.ddb.put_item(TableName=self.table, Item=item,
                              ConditionExpression="attribute_not_exists(lock_id) OR expires_at < :now",
                              ExpressionAttributeValues={":now": {"N": str(now)}})
        except self.ddb.exceptions.ConditionalCheckFailedException:
            held = self.holder() or {"owner": "?", "command": "?", "acquired_at": now, "expires_at": now}
            raise LockHeld(text("held", stage=self.stage, owner=held["owner"], command=held["command"],
                                since=_iso(held["acquired_at"]), until=_iso(held["expires_at"])),
                           held) from None
        expired = before if before and before["expires_at"] < now else None
        return Lock(self.stage, token, owner, now + seconds, expired)

    def release(self, lock: Lock) -> bool:
        """Remove our own lock; False (and nothing removed) when another deploy holds it now."""
        try:
            self.ddb.delete_item(TableName=self.table, Key=self.key, ConditionExpression="#t = :t",
                                 ExpressionAttributeNames={"#t": "token"},
                                 ExpressionAttributeValues={":t": {"S": lock.token}})
        except self.ddb.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def force_release(self, *, force: bool) -> dict | None:
        """`unlock`: remove whatever lock there is (an unexpired one only with `force`)."""
        held = self.holder()
        if held is None:
            return None
        if held["expires_at"] >= int(self.clock()) and not force:
            raise StateError(text("need_force", stage=self.stage, owner=held["owner"],
                                  until=_iso(held["expires_at"])))
        self.ddb.delete_item(TableName=self.table, Key=self.key)
        return held


class StateStore:
    """`.chalice/deployed/<stage>.json` of one stage in its deploy-state bucket (versioned)."""

    def __init__(self, s3, bucket: str, stage: str):
        self.s3, self.bucket, self.stage, self.key = s3, bucket, stage, state_key(stage)

    def read(self) -> bytes | None:
        try:
            return self.s3.get_object(Bucket=self.bucket, Key=self.key)["Body"].read()
        except self.s3.exceptions.NoSuchKey:
            return None

    def pull(self, project_dir: Path, say=print) -> str:
        """Remote state into the project: "remote" (fetched), "adopted" (none stored yet; the local
        file, if any, will be saved) or "fresh" (neither)."""
        path = local_state(project_dir, self.stage)
        stored = self.read()
        where = {"stage": self.stage, "bucket": self.bucket, "key": self.key}
        if stored is None:
            if path.is_file():
                say(text("adopted", path=path, **where))
                return "adopted"
            say(text("fresh", stage=self.stage))
            return "fresh"
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_file() and path.read_bytes() != stored:
            backup = path.with_name(f"{path.name}.before-pull")
            backup.write_bytes(path.read_bytes())
            say(text("replaced", path=path, backup=backup))
        path.write_bytes(stored)
        say(text("pulled", **where))
        return "remote"

    def push(self, project_dir: Path, say=print) -> bool:
        """The project's state file into the bucket when it differs from what is stored."""
        path = local_state(project_dir, self.stage)
        if not path.is_file():
            return False
        data = path.read_bytes()
        json.loads(data)                   # never store a torn file
        if self.read() == data:
            return False
        self.s3.put_object(Bucket=self.bucket, Key=self.key, Body=data, ContentType="application/json")
        say(text("pushed", stage=self.stage, bucket=self.bucket, key=self.key))
        return True

    def document(self, project_dir: Path | None = None) -> dict | None:
        """The stored state (else the project's local file), parsed."""
        stored = self.read()
        if stored is None and project_dir is not None and local_state(project_dir, self.stage).is_file():
            stored = local_state(project_dir, self.stage).read_bytes()
        return json.loads(stored) if stored else None


def from_outputs(session, outputs: dict, stack: str, stage: str) -> tuple[StateStore, DeployLock]:
    missing = [n for n in (STATE_OUTPUT, LOCK_OUTPUT) if not outputs.get(n)]
    if missing:
        raise StateError(text("missing_outputs", stack=stack, names=", ".join(missing)))
    return (StateStore(session.client("s3"), outputs[STATE_OUTPUT], stage),
            DeployLock(session.client("dynamodb"), outputs[LOCK_OUTPUT], stage))


def caller_identity(session) -> str | None:
    try:
        return session.client("sts").get_caller_identity()["Arn"]
    except Exception:          # an identity is a courtesy in the lock's owner, never a reason to stop
        return None


def with_state(store: StateStore, lock: DeployLock, project_dir: Path, command: str, run, *,
               owner: str, seconds: int = LOCK_SECONDS, say=print) -> int:
    """Lock the stage, fetch its state, `run()` (returns an exit status), save the state back
    (even when `run` failed or raised: whatever Chalice recorded must not be lost), unlock."""
    held = lock.acquire(owner, command, seconds)
    if held.took_over:
        say(text("took_over", stage=lock.stage, owner=held.took_over["owner"],
                 until=_iso(held.took_over["expires_at"])))
    try:
        store.pull(project_dir, say)
        try:
            return run()
        finally:
            store.push(project_dir, say)
    finally:
        if not lock.release(held):
            now_holder = lock.holder() or {"owner": "?"}
            say(text("lost", stage=lock.stage, owner=now_holder["owner"]))
