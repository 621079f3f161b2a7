"""Bearer tokens: RS256 JWTs verified against a JWKS (PyJWT).

Production: the Cognito user pool's JWKS URL and issuer (set per stage); Cognito puts the role in
`cognito:groups` and the OPD in the custom attribute `custom:opd`. Locally: the JWKS file that
`lampungin dev` writes, and tokens from `lampungin token` with plain `role` / `opd` claims.
A kabupaten/kota's staff carry its OPD's full code (`BANDARLAMPUNG.DINKES`): their government is
read off it. An inspector of a kabupaten/kota carries `government` (`custom:government`); an
operator of one unit of the OPD (disposisi) `unit` (`custom:unit`).
"""
from __future__ import annotations

import json
import re
import threading
from typing import TYPE_CHECKING

from ..domain.governments import PROVINCE, government_of
from ..domain.model import Actor, Role
from ..domain.staff import STAFF_DIRECTORY_ROLES

if TYPE_CHECKING:
    import jwt

ALGORITHMS = ["RS256"]
OPD_ROLES = (Role.OPERATOR, Role.SUPERVISOR)
DESK_ROLES = (*OPD_ROLES, Role.INTAKE)       # tokens naming an OPD: staff, and intake (the desk's OPD)
# Staff sign in with MFA: the user pool's pre-token trigger (adapters/cognito_triggers.py) puts
# `lampungin:mfa` = "true" on a staff member's Cognito token only when they have an MFA method set
# up. Local tokens (`lampungin token`: a plain `role`, no `cognito:groups`) are not Cognito's.
MFA_ROLES = frozenset(Role(r) for r in STAFF_DIRECTORY_ROLES) | {Role.INTAKE}
MFA_CLAIM = "lampungin:mfa"


class Unauthenticated(Exception):
    """No token, a bad token, or claims that do not make a valid caller."""


class TokenVerifier:
    def __init__(self, *, jwks_url: str | None = None, jwks_path: str | None = None,
                 issuer: str | None = None, audience: str | None = None):
        if not (jwks_url or jwks_path):
            raise ValueError("TokenVerifier needs AUTH_JWKS_URL or AUTH_JWKS_PATH")
        # lazy: PyJWT with cryptography is ~40 ms of import; the API Lambda pays it when it builds
        # the verifier (the first request with a token), not at cold start
        import jwt
        self._jwt = jwt
        self._jwks_url, self._jwks_path = jwks_url, jwks_path
        self._issuer, self._audience = issuer, audience
        self._client = jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=3600) if jwks_url else None
        self._keys: dict[str | None, jwt.PyJWK] | None = None
        self._lock = threading.Lock()

    def _file_keys(self) -> dict[str | None, jwt.PyJWK]:
        with self._lock:
            if self._keys is None:
                with open(self._jwks_path or "", encoding="utf-8") as fh:     # set: no URL
                    jwk_set = self._jwt.PyJWKSet.from_dict(json.load(fh))
                self._keys = {k.key_id: k for k in jwk_set.keys}
            return self._keys

    def _signing_key(self, token: str):
        if self._client is not None:
            return self._client.get_signing_key_from_jwt(token).key
        kid = self._jwt.get_unverified_header(token).get("kid")
        keys = self._file_keys()
        if kid not in keys:
            self._keys = None            # the dev stack may have rotated its key: reload once
            keys = self._file_keys()
        if kid not in keys:
            raise Unauthenticated("unknown key id")
        return keys[kid].key

    def verify(self, authorization: str | None) -> Actor:
        if not isinstance(authorization, str) or not authorization.lower().startswith("bearer "):
            raise Unauthenticated("missing bearer token")
        if len(authorization) > MAX_TOKEN_CHARS or not authorization.isascii():
            raise Unauthenticated("malformed bearer token")
        token = authorization[7:].strip()
        try:
            claims = self._jwt.decode(
                token, self._signing_key(token), algorithms=ALGORITHMS, issuer=self._issuer,
                audience=self._audience,
                options={"require": ["exp", "sub"], "verify_aud": self._audience is not None},
            )
        except (self._jwt.PyJWTError, ValueError, TypeError, KeyError, OSError) as exc:
            # TypeError: PyJWT 2.15 raises it for a signed `"iss": [...]`; whatever the token
            # holds, a token that cannot be verified is a 401, never a 500
            raise Unauthenticated(str(exc)) from None
        return actor_from_claims(claims)


# What a claim may look like before anything reads it. A validly signed token can still carry
# any JSON (`"cognito:groups": 5`, `"opd": ["X"]`, `"cognito:groups": {"admin": 1}`): every claim
# used is checked for its type and shape first, and a token with a malformed one is refused (401),
# never half-read.
MAX_TOKEN_CHARS = 8192
MAX_GROUPS = 100
_SUB = re.compile(r"[\x21-\x7e]{1,128}")                       # printable ASCII, no spaces
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")       # an OPD or government code
_NAME_MAX = 256


def _claim(claims: dict, name: str, pattern: re.Pattern | None = None, max_len: int = 0) -> str | None:
    """A string claim, or None when absent (or null/empty); Unauthenticated for anything else."""
    value = claims.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise Unauthenticated(f"claim {name} must be a string")
    if pattern is not None and not pattern.fullmatch(value):
        raise Unauthenticated(f"claim {name} is malformed")
    if max_len and (len(value) > max_len or not value.isprintable()):
        raise Unauthenticated(f"claim {name} is malformed")
    return value


def _groups(claims: dict) -> list[str]:
    """Cognito's `cognito:groups`: a list of strings (absent: no groups)."""
    groups = claims.get("cognito:groups")
    if groups is None:
        return []
    if not isinstance(groups, list) or len(groups) > MAX_GROUPS or not all(
            isinstance(g, str) and 0 < len(g) <= 128 for g in groups):
        raise Unauthenticated("claim cognito:groups must be a list of group names")
    return groups


def actor_from_claims(claims: dict) -> Actor:
    if not isinstance(claims, dict):
        raise Unauthenticated("claims must be an object")
    sub = _claim(claims, "sub", _SUB)
    if sub is None:
        raise Unauthenticated("token has no subject")
    role_name = _claim(claims, "role", max_len=32)
    groups = _groups(claims)
    if role_name is None:   # Cognito: the first group that names a role
        role_name = next((g for g in groups if g in Role.__members__.values()), None)
    try:
        role = Role(role_name or "")
    except ValueError:
        raise Unauthenticated("token has no valid role") from None
    local_opd, cognito_opd = _claim(claims, "opd", _CODE), _claim(claims, "custom:opd", _CODE)
    opd = local_opd or cognito_opd
    government = _claim(claims, "government", _CODE) or _claim(claims, "custom:government", _CODE)
    unit = _claim(claims, "unit", _CODE) or _claim(claims, "custom:unit", _CODE)
    name = _claim(claims, "name", max_len=_NAME_MAX)
    if role in DESK_ROLES and not opd:
        raise Unauthenticated("operator, supervisor and intake tokens need an opd")
    if role in DESK_ROLES:         # an OPD's staff belong to its government: a claim cannot say otherwise
        if government not in (None, government_of(opd)):
            raise Unauthenticated("the government claim does not match the OPD's government")
        government = government_of(opd)
    elif role != Role.INSPECTOR:   # admins are the province's; citizens belong to no government
        government = None
    if "cognito:groups" in claims and role in MFA_ROLES and claims.get(MFA_CLAIM) != "true":
        raise Unauthenticated("MFA is required for staff: set up an authenticator app "
                              "(TOTP) for this account and sign in again")
    return Actor(sub=sub, role=role, opd=opd if role in DESK_ROLES else None, name=name,
                 government=government or PROVINCE, unit=unit if role == Role.OPERATOR else None)
