"""The local signing key and JWKS that stand in for the Cognito user pool.

`lampungin dev` points the app's TokenVerifier at `auth/jwks.json`; `lampungin token` signs with
`auth/signing-key.pem`. Whichever command runs first creates the key and the other reuses it, so a
token minted before or after `dev` started is accepted either way. The key id is the RFC 7638
thumbprint of the public key: a new key gets a new kid, which the verifier notices and reloads.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import time
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from .state import write_json_atomic

LOCAL_ISSUER = "lampungin-local"
KEY_FILE = "signing-key.pem"
JWKS_FILE = "jwks.json"


def auth_dir(home: Path) -> Path:
    return home / "auth"


def _thumbprint(public_jwk: dict) -> str:
    canonical = json.dumps({k: public_jwk[k] for k in ("e", "kty", "n")},
                           separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=").decode()


def load_or_create_key(home: Path):
    """The private key, created once (0600). Two commands racing both end up with the same key:
    the file is published with a hard link, which fails if the other one got there first."""
    path = auth_dir(home) / KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        tmp = path.with_name(f".{KEY_FILE}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink(missing_ok=True)
    return serialization.load_pem_private_key(path.read_bytes(), password=None)


def public_jwk(private_key) -> dict:
    jwk = RSAAlgorithm.to_jwk(private_key.public_key(), as_dict=True)
    jwk.update({"kid": _thumbprint(jwk), "use": "sig", "alg": "RS256"})
    return jwk


def ensure_keys(home: Path) -> dict:
    """Key + JWKS on disk (the JWKS is rewritten from the key, so the two always agree)."""
    key = load_or_create_key(home)
    jwk = public_jwk(key)
    jwks_path = auth_dir(home) / JWKS_FILE
    write_json_atomic(jwks_path, {"keys": [jwk]})
    return {"key_path": str(auth_dir(home) / KEY_FILE), "jwks_path": str(jwks_path),
            "kid": jwk["kid"], "issuer": LOCAL_ISSUER}


def mint_token(home: Path, claims: dict, ttl_seconds: int, issuer: str = LOCAL_ISSUER,
               now: float | None = None) -> str:
    """An RS256 JWT with the local key; `claims` carry sub, role and (for OPD staff) opd."""
    info = ensure_keys(home)
    key = load_or_create_key(home)
    issued = int(time.time() if now is None else now)
    payload = {**claims, "iss": issuer, "iat": issued, "exp": issued + int(ttl_seconds)}
    return jwt.encode(payload, key, algorithm="RS256", headers={"kid": info["kid"]})
