"""A throwaway RSA key and JWKS for tests, and tokens signed with it."""
from __future__ import annotations

import json
import time

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

ISSUER = "https://tests.lampungin.local"


class TestKeys:
    __test__ = False

    def __init__(self, path):
        self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "test-key"
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.private.public_key()))
        jwk.update(kid=self.kid, use="sig", alg="RS256")
        self.jwks_path = str(path)
        with open(path, "w") as fh:
            json.dump({"keys": [jwk]}, fh)

    def token(self, sub: str, role: str, opd: str | None = None, ttl: int = 3600, **extra) -> str:
        now = int(time.time())
        claims = {"sub": sub, "role": role, "iss": ISSUER, "iat": now, "exp": now + ttl, **extra}
        if opd:
            claims["opd"] = opd
        return jwt.encode(claims, self.private, algorithm="RS256", headers={"kid": self.kid})

    def signed(self, claims: dict, ttl: int = 3600) -> str:
        """A validly signed token carrying exactly `claims` (plus iss/iat/exp unless given): for
        claims of any JSON type, as a compromised or misconfigured issuer could send."""
        now = int(time.time())
        payload = json.dumps({"iss": ISSUER, "iat": now, "exp": now + ttl, **claims}).encode()
        # PyJWS, not jwt.encode: PyJWT refuses to *sign* some ill-typed claims (`"iss": [...]`)
        return jwt.PyJWS().encode(payload, self.private, algorithm="RS256", headers={"kid": self.kid})

    def headers(self, sub: str, role: str, opd: str | None = None, claims: dict | None = None, **extra) -> dict:
        """`claims`: more claims of the caller (a tuple's fourth item: `government`, `unit`)."""
        return {"Authorization": f"Bearer {self.token(sub, role, opd, **{**(claims or {}), **extra})}",
                "Content-Type": "application/json"}
