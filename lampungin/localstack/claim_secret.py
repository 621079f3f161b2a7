"""The local stack's claim secret (CLAIM_CODE_SECRET, chalicelib/domain/claims.py): random once,
kept in `<home>/auth/claim-secret` (0600, like the signing key) so the codes sent by SMS in an
earlier run still work after a restart. In production the stage's secret comes from its
configuration (docs/deploy.md)."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

FILE = Path("auth") / "claim-secret"


def ensure_claim_secret(home: Path) -> str:
    path = Path(home) / FILE
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(secret)
    return secret
