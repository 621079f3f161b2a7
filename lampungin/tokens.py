"""`lampungin token`: a bearer token that the local stack accepts, for curl and frontend work.

Signed with the local key in `<state dir>/auth/` (created if missing, so a token minted before
`lampungin dev` starts is still accepted by it). The claims are the ones Cognito will carry in
production, in the plain form the verifier reads locally: `sub`, `role`, `opd` (OPD staff only;
a kabupaten/kota's OPD by its full code, `BANDARLAMPUNG.DINKES`), `government` (an inspector of a
kabupaten/kota), `unit` (an operator of one unit of the OPD), `name`. Bad input gets one line on
stderr and exit 2, like any other usage error.
"""
from __future__ import annotations

import difflib
import re
import sys

from chalicelib.domain.model import STAFF_ROLES, Role

from .localstack import keys, state

DESK_ROLES = STAFF_ROLES | {Role.INTAKE}     # tokens that name an OPD (intake: the desk's OPD)

DEFAULT_TTL = 12 * 3600
MAX_TTL = 31 * 24 * 3600
ROLES = [r.value for r in Role]
# What the API's verifier accepts (chalicelib/adapters/auth.py): a token it would refuse is an
# error here, not a token that fails later with a 401.
SUB = re.compile(r"[\x21-\x7e]{1,128}")
OPD = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
TTL = re.compile(r"[0-9]{1,9}")


def register(subparsers) -> None:
    p = subparsers.add_parser("token", help="print a bearer token the local system accepts",
                              description=__doc__.split("\n\n")[0])
    p.add_argument("--sub", required=True, help="subject: the user's id")
    p.add_argument("--role", required=True, help="|".join(ROLES))
    p.add_argument("--opd", help="the OPD code (required for operator and supervisor)")
    p.add_argument("--government", help="an inspector's government (GET /v1/governments; default: the province)")
    p.add_argument("--unit", help="an operator's unit of the OPD (GET /v1/opds lists them)")
    p.add_argument("--name", help="display name")
    p.add_argument("--ttl", default=str(DEFAULT_TTL), metavar="SECONDS",
                   help=f"lifetime in seconds (default {DEFAULT_TTL}, at most {MAX_TTL})")
    p.add_argument("--state-dir", help=f"where the key lives (default ${state.HOME_ENV} or .local/)")
    p.set_defaults(func=run)


def _bundle():
    """The rules bundle, or None (no checks) when it cannot be read."""
    try:
        # lazy: the CLI imports this module for every command; only `token` reads the bundle
        from chalicelib.rules.bundle import load_bundle
        return load_bundle(check=False)
    except Exception:
        return None


def known_opds() -> set[str]:
    """OPD codes of the rules bundle; empty (no check) when the bundle cannot be read."""
    bundle = _bundle()
    return set(bundle.opds) if bundle is not None else set()


def _close(got: str, known) -> str:
    return ", ".join(difflib.get_close_matches(got, sorted(known), n=6, cutoff=0.4) or sorted(known)[:6])


def claims_from(args) -> dict:
    """The token's claims, or ValueError with the one line to show."""
    if args.role not in ROLES:
        raise ValueError(f"--role must be one of {', '.join(ROLES)} (got {args.role[:40]!r})")
    if not args.sub.strip():
        raise ValueError("--sub must not be empty")
    if not SUB.fullmatch(args.sub):
        raise ValueError("--sub must be 1-128 visible ASCII characters, no spaces")
    ttl = str(args.ttl)
    if not TTL.fullmatch(ttl) or not 0 < int(ttl) <= MAX_TTL:
        raise ValueError(f"--ttl must be a positive number of seconds, at most {MAX_TTL}")
    role = Role(args.role)
    if role in DESK_ROLES and not args.opd:
        raise ValueError(f"--opd CODE is required for role {role.value} (see GET /v1/opds)")
    if args.opd and not OPD.fullmatch(args.opd):
        raise ValueError(f"--opd must be an OPD code such as DINKES (got {args.opd[:40]!r})")
    if args.name is not None and not (0 < len(args.name) <= 256 and args.name.isprintable()):
        raise ValueError("--name must be 1-256 printable characters")
    claims = {"sub": args.sub, "role": role.value}
    if role in DESK_ROLES:             # other roles are not scoped to an OPD: the claim would be ignored
        known = known_opds()
        if known and args.opd not in known:
            raise ValueError(f"unknown OPD {args.opd!r}; did you mean: {_close(args.opd, known)}")
        claims["opd"] = args.opd
    claims.update(_scope_claims(args, role))
    if args.name:
        claims["name"] = args.name
    return claims


def _scope_claims(args, role: Role) -> dict:
    """`government` for an inspector, `unit` for an operator, each checked against the bundle."""
    government, unit = getattr(args, "government", None), getattr(args, "unit", None)
    out: dict = {}
    bundle = _bundle()
    if government is not None:
        if role != Role.INSPECTOR:
            raise ValueError("--government is for inspectors; an OPD's staff belong to their OPD's government")
        if not OPD.fullmatch(government) or (bundle is not None and government not in bundle.governments):
            known = bundle.governments if bundle is not None else ()
            raise ValueError(f"unknown government {government[:40]!r}; did you mean: {_close(government, known)}")
        out["government"] = government
    if unit is not None:
        if role != Role.OPERATOR:
            raise ValueError("--unit is for operators of one unit of their OPD")
        opd = bundle.opds.get(args.opd) if bundle is not None else None
        if not OPD.fullmatch(unit) or (opd is not None and opd.unit(unit) is None):
            units = [u.code for u in opd.units] if opd is not None else []
            raise ValueError(f"{args.opd} has no unit {unit[:40]!r}; its units: {', '.join(units) or '(none)'}")
        out["unit"] = unit
    return out


def run(args) -> int:
    try:
        claims = claims_from(args)
    except ValueError as why:
        print(f"lampungin token: {why}", file=sys.stderr)
        return 2
    home = state.state_dir(args.state_dir)
    issuer = keys.LOCAL_ISSUER
    try:
        issuer = state.read_dev_state(home).get("issuer") or issuer
    except state.StackNotRunning:
        pass                       # fine: a stack started later reuses this key and issuer
    print(keys.mint_token(home, claims, int(str(args.ttl)), issuer=issuer))
    return 0
