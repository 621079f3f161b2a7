"""The KMS key that encrypts people's preferences in the local stack (chalicelib/adapters/kms_cipher.py).

moto serves KMS beside the rest of AWS; `ensure_people_key()` gives it one symmetric key under
the alias `alias/lampungin-local-people` (a second call finds the alias) and the stack sets
PEOPLE_KMS_KEY to it, so the app runs the same KmsCipher as in production.

moto forgets its keys when it stops, while DynamoDB Local keeps the data: addresses sealed in an
earlier run would refer to a key that no longer exists (KMS answers AccessDenied, not "absent").
Given the stack's state directory (`home`), the key's id and material are kept in
`<home>/kms/people-key.json` (0600, like auth/signing-key.pem) and handed back to moto on the next
start, so they still decrypt. That reaches into moto's in-process KMS backend (as aws.py reaches
into its DynamoDB backend): this module only ever runs in the local stack, on the pinned moto.
"""
from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import Any

ALIAS = "alias/lampungin-local-people"
KEY_FILE = Path("kms") / "people-key.json"


def ensure_people_key(client: Any = None, region: str | None = None, home: Path | None = None) -> str:
    """The key id behind ALIAS, creating (or, with `home`, restoring) the key when moto has none.
    Idempotent; two stacks racing end up with one alias (the loser's key is never used)."""
    if client is None:
        # lazy: boto3 costs ~150 ms; the CLI imports the local stack's modules for other commands
        import boto3
        client = boto3.client("kms", region_name=region)
    existing = _key_of_alias(client)
    if existing is not None:
        return existing
    region = client.meta.region_name
    kept = _read(home, region) if home is not None else None
    key_id = client.create_key(Description="Lampung In (local): people's notification preferences",
                               KeyUsage="ENCRYPT_DECRYPT", KeySpec="SYMMETRIC_DEFAULT")["KeyMetadata"]["KeyId"]
    if kept is not None:
        key_id = _restore(region, key_id, kept)
    elif home is not None:
        _write(home, region, key_id)
    try:
        client.create_alias(AliasName=ALIAS, TargetKeyId=key_id)
    except client.exceptions.AlreadyExistsException:
        winner = _key_of_alias(client)
        if winner is None:
            raise
        return winner
    return key_id


def _key_of_alias(client: Any) -> str | None:
    try:
        return client.describe_key(KeyId=ALIAS)["KeyMetadata"]["KeyId"]
    except client.exceptions.NotFoundException:
        return None


def _backend(region: str):
    # lazy: moto only where it serves (the local stack), as in aws.serialize_moto_dynamodb
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.kms.models import kms_backends
    return kms_backends[DEFAULT_ACCOUNT_ID][region]


def _read(home: Path, region: str) -> dict | None:
    try:
        kept = json.loads((home / KEY_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return kept if isinstance(kept, dict) and kept.get("region") == region else None


def _write(home: Path, region: str, key_id: str) -> None:
    material = base64.b64encode(_backend(region).keys[key_id].key_material).decode("ascii")
    path = home / KEY_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump({"region": region, "key_id": key_id, "material": material}, fh)
    os.replace(tmp, path)


def _restore(region: str, new_id: str, kept: dict) -> str:
    """Give moto's fresh key the kept id and material: what earlier runs sealed opens again."""
    keys = _backend(region).keys
    key = keys.pop(new_id)
    key.id, key.arn = kept["key_id"], key.arn.replace(new_id, kept["key_id"])
    key.key_material = base64.b64decode(kept["material"])
    keys[key.id] = key
    return key.id
