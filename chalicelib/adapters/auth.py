"""Bearer tokens: RS256 JWTs verified against a JWKS (PyJWT).

Production: the Cognito user pool's JWKS URL and issuer (set per stage); Cognito puts the role in
`cognito:groups` and the OPD in the custom attribute `custom:opd`. Locally: the JWKS file that
`lampungin dev` writes, and tokens from `lampungin token` with plain `role` / `opd` claims.
"""
from __future__ import annotations

import json
import threading

import jwt

from ..domain.model import Actor, Role

ALGORITHMS = ["RS256"]
OPD_ROLES = (Role.OPERATOR, Role.SUPERVISOR)


class Unauthenticated(Exception):
    """No token, a bad token, or claims that do not make a valid caller."""


class TokenVerifier:
    def __init__(self, *, jwks_url: str | None = None, jwks_path: str | None = None,
                 issuer: str | None = None, audience: str | None = None):
        if not (jwks_url or jwks_path):
            raise ValueError("TokenVerifier needs AUTH_JWKS_URL or AUTH_JWKS_PATH")
        self._jwks_url, self._jwks_path = jwks_url, jwks_path
        self._issuer, self._audience = issuer, audience
        self._client = jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=3600) if jwks_url else None
        self._keys: dict[str | None, jwt.PyJWK] | None = None
        self._lock = threading.Lock()

    def _file_keys(self) -> dict[str | None, jwt.PyJWK]:
        with self._lock:
            if self._keys is None:
                with open(self._jwks_path or "", encoding="utf-8") as fh:     # set: no URL
                    jwk_set = jwt.PyJWKSet.from_dict(json.load(fh))
                self._keys = {k.key_id: k for k in jwk_set.keys}
            return self._keys

    def _signing_key(self, token: str):
        if self._client is not None:
            return self._client.get_signing_key_from_jwt(token).key
        kid = jwt.get_unverified_header(token).get("kid")
        keys = self._file_keys()
        if kid not in keys:
            self._keys = None            # the dev stack may have rotated its key: reload once
            keys = self._file_keys()
        if kid not in keys:
            raise Unauthenticated("unknown key id")
        return keys[kid].key

    def verify(self, authorization: str | None) -> Actor:
        if not authorization or not authorization.lower().startswith("bearer "):
            raise Unauthenticated("missing bearer token")
        token = authorization[7:].strip()
        try:
            claims = jwt.decode(
                token, self._signing_key(token), algorithms=ALGORITHMS, issuer=self._issuer,
                audience=self._audience,
                options={"require": ["exp", "sub"], "verify_aud": self._audience is not None},
            )
        except (jwt.PyJWTError, ValueError, OSError) as exc:
            raise Unauthenticated(str(exc)) from None
        return actor_from_claims(claims)


def actor_from_claims(claims: dict) -> Actor:
    role_name = claims.get("role")
    if role_name is None:   # Cognito: the first group that names a role
        groups = claims.get("cognito:groups", [])
        role_name = next((g for g in groups if g in Role.__members__.values()), None)
    try:
        role = Role(role_name or "")
    except ValueError:
        raise Unauthenticated("token has no valid role") from None
    opd = claims.get("opd") or claims.get("custom:opd")
    if role in OPD_ROLES and not opd:
        raise Unauthenticated("operator and supervisor tokens need an opd")
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub:
        raise Unauthenticated("token has no subject")
    return Actor(sub=sub, role=role, opd=opd if role in OPD_ROLES else None, name=claims.get("name"))
