"""Open311 API keys: one or more per client application, issued by an admin (`lampungin open311
keys add`), required by `POST /open311/v2/requests` (GETs need none: what they show is public).

Why stored this way: a key is a password a machine holds. The table keeps, per key, only a random
salt and HMAC-SHA256(salt, secret): reading the table (a backup, a leaked export) gives nothing a
client could present. The key the client holds is `<key_id>.<secret>`; the key id is the item's
key (one consistent read to verify, never a Scan), the secret is 32 random bytes. Verification
compares digests in constant time. A revoked key stays in the table, marked, so `list` shows what
was issued and when it ended.

A client application is named by `client` (a lowercase slug); complaints it files carry the
citizen identity `open311:<client>` (services/open311.py), so rotating a key (add a new one,
revoke the old) keeps the application's complaints and its daily quota together.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

KEY_ID = re.compile(r"o311k[0-9a-f]{12}")
SECRET = re.compile(r"[A-Za-z0-9_-]{43}")           # token_urlsafe(32)
CLIENT = re.compile(r"[a-z0-9][a-z0-9-]{1,39}")      # also the tail of the reporter's sub
MAX_KEY_CHARS = 64                                   # what a presented key may be at most
DEFAULT_DAILY_LIMIT = 100                            # the most a quota holds (models.QUOTA_SLOTS)


@dataclass(frozen=True)
class ApiKey:
    """One issued key, as stored: never the secret itself."""

    key_id: str
    client: str
    salt: str                       # hex, 16 random bytes
    digest: str                     # hex HMAC-SHA256(salt, secret)
    created_at: datetime
    daily_limit: int = DEFAULT_DAILY_LIMIT     # complaints the application may file in 24 hours
    revoked_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class ApiKeyStore(Protocol):
    """adapters/dynamo/api_keys.py; tests/fakes_open311.py."""

    def add(self, key: ApiKey) -> bool:
        """Store a new key; False (nothing stored) when its key id exists already."""

    def get(self, key_id: str) -> ApiKey | None:
        """The key under `key_id`, read consistently (a revocation holds at once)."""

    def all(self) -> list[ApiKey]:
        """Every key ever issued (the CLI's `list`: a small table, read whole)."""

    def revoke(self, key_id: str, at: datetime) -> bool:
        """Mark the key revoked at `at`; False when there is no such key or it was revoked before."""


class InvalidClient(ValueError):
    """The application name is not a slug (CLIENT)."""


def digest(salt_hex: str, secret: str) -> str:
    return hmac.new(bytes.fromhex(salt_hex), secret.encode("ascii"), hashlib.sha256).hexdigest()


def issue(store: ApiKeyStore, client: str, at: datetime, *, daily_limit: int = DEFAULT_DAILY_LIMIT,
          random_bytes: Callable[[int], bytes] = secrets.token_bytes) -> tuple[ApiKey, str]:
    """A new key for `client`: (what is stored, the key to hand over — shown once, kept nowhere)."""
    if not isinstance(client, str) or not CLIENT.fullmatch(client):
        raise InvalidClient(client)
    if not 1 <= daily_limit <= DEFAULT_DAILY_LIMIT:
        raise ValueError(f"daily_limit must be 1..{DEFAULT_DAILY_LIMIT}")
    for _ in range(5):                       # a key id collision (48 random bits) is retried
        key_id = "o311k" + random_bytes(6).hex()
        secret = _urlsafe(random_bytes(32))
        salt = random_bytes(16).hex()
        key = ApiKey(key_id, client, salt, digest(salt, secret), at, daily_limit)
        if store.add(key):
            return key, f"{key_id}.{secret}"
    raise RuntimeError("could not store a new key id")      # five collisions: the store is wrong


def _urlsafe(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def verify(store: ApiKeyStore, presented: object) -> ApiKey | None:
    """The active key a client presented, or None. A value that cannot be a key (wrong shape,
    too long, not ASCII) is refused before any read, so random input never costs a store call."""
    if not isinstance(presented, str) or len(presented) > MAX_KEY_CHARS:
        return None
    key_id, _, secret = presented.partition(".")
    if not KEY_ID.fullmatch(key_id) or not SECRET.fullmatch(secret):
        return None
    key = store.get(key_id)
    if key is None or not key.active:
        return None
    return key if hmac.compare_digest(key.digest, digest(key.salt, secret)) else None


def reporter_sub(key: ApiKey) -> str:
    """The citizen identity under which the application's complaints are filed."""
    return f"open311:{key.client}"
