"""Field encryption of people's preferences with AWS KMS (adapters/dynamo/people.py stores the result).

Each value is one KMS Encrypt under the configured key with the encryption context
{"sub": <the person>, "field": <email | phone | push_token>}. KMS binds the ciphertext to that
context: a value copied into another person's item, or into another field, does not decrypt
(KMS answers InvalidCiphertextException), so a leaked or tampered table cannot move an address
from one person to another. The context itself is not secret (CloudTrail logs it): it names a
subject and a field, never a value.

One call per field keeps the port simple (encrypt/decrypt a string); the values are small (an
e-mail, a phone number, a device token of at most 4096 bytes: KMS's own limit for Encrypt).
"""
from __future__ import annotations

import base64
import binascii
from typing import Any


class CipherError(Exception):
    """A stored value does not decrypt for this person and field: copied from another item,
    tampered with, or not a ciphertext at all. The caller treats the field as absent."""


def context(sub: str, field: str) -> dict[str, str]:
    return {"sub": sub, "field": field}


class KmsCipher:
    def __init__(self, key_id: str, region: str, client: Any = None):
        if not key_id:
            raise ValueError("a KMS key id, ARN or alias is required")
        self._key_id, self._region = key_id, region
        self._client = client              # a boto3 KMS client, made on first use

    def _kms(self) -> Any:
        if self._client is None:
            # endpoints (the local stack's moto, say) come from the environment, as for every client;
            # lazy: boto3 costs ~150 ms of cold start, paid only where preferences are read or written
            import boto3
            self._client = boto3.client("kms", region_name=self._region)
        return self._client

    def encrypt(self, plaintext: str, *, sub: str, field: str) -> str:
        """Base64 of the KMS CiphertextBlob of `plaintext` (UTF-8, 1..4096 bytes)."""
        blob = self._kms().encrypt(KeyId=self._key_id, Plaintext=plaintext.encode("utf-8"),
                                   EncryptionContext=context(sub, field))["CiphertextBlob"]
        return base64.b64encode(blob).decode("ascii")

    def decrypt(self, ciphertext: str, *, sub: str, field: str) -> str:
        """The plaintext, or CipherError when the value is not ours for (sub, field). Any other
        KMS failure (throttling, a missing permission) is raised as it is: a retry may succeed,
        and silently dropping everyone's addresses on a misconfiguration would be worse."""
        try:
            blob = base64.b64decode(ciphertext.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError, ValueError):
            raise CipherError(field) from None
        if not blob:
            raise CipherError(field)
        kms = self._kms()
        refused = tuple(getattr(kms.exceptions, name) for name in ("InvalidCiphertextException",
                                                                    "IncorrectKeyException"))
        try:
            out = kms.decrypt(CiphertextBlob=blob, KeyId=self._key_id, EncryptionContext=context(sub, field))
        except refused:
            raise CipherError(field) from None
        try:
            return out["Plaintext"].decode("utf-8")
        except UnicodeDecodeError:
            raise CipherError(field) from None
