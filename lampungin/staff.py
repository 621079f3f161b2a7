"""`lampungin staff add|list|remove`: the staff directory — who is an operator or supervisor of which
OPD, who heads it, who inspects, who administers.

    lampungin staff add --sub ID --role ROLE [--opd CODE] [--head] [--name N] [--email E]
    lampungin staff list [--opd CODE] [--role ROLE] [--json]
    lampungin staff remove --sub ID

By default it edits the local directory file that `lampungin dev` reads (`--file`, else
`$STAFF_DIRECTORY_PATH`, else `<state dir>/staff.json`); on first use that file is seeded with a
small staff for every OPD of the rules bundle (`operator.dinkes`, `supervisor.dinkes`,
`kepala.dinkes`, … — the subs `lampungin token --sub` takes). With `--user-pool POOL_ID` it works on
a deployed stage's Cognito user pool instead (with your AWS credentials): `add` creates the user
(the e-mail address is the username; Cognito e-mails a temporary password, and assigns the sub)
and puts them in the role's group; `remove` signs them out everywhere and deletes them; `list`
reads the groups.

Messages are in Indonesian unless `--lang en` or LANG=en*. A bad input is one line on stderr and
exit status 2, never a traceback.
"""
from __future__ import annotations

import argparse
import difflib
import json
import os
import sys
from pathlib import Path
from typing import Any

from chalicelib.adapters.staff_directory import (
    EMAIL,
    NAME_MAX,
    OPD,
    OPD_ROLES,
    SUB,
    CognitoStaffDirectory,
    FileStaffDirectory,
    StaffDirectoryError,
    attributes,
    member_to_json,
    seed_local_staff,
)
from chalicelib.domain.governments import PROVINCE, government_of
from chalicelib.domain.staff import STAFF_DIRECTORY_ROLES, StaffMember

from .localstack import state
from .rules.messages import language

PROG = "lampungin staff"
FILE_NAME = "staff.json"
PATH_ENV = "STAFF_DIRECTORY_PATH"

MESSAGES = {
    "usage": ("argumen salah: {detail}", "bad arguments: {detail}"),
    "no_action": ("sebutkan add, list atau remove", "say add, list or remove"),
    "sub_missing": ("--sub ID wajib diisi", "--sub ID is required"),
    "sub_invalid": ("--sub harus 1-128 karakter ASCII yang terlihat, tanpa spasi",
                    "--sub must be 1-128 visible ASCII characters, no spaces"),
    "sub_with_pool": ("--sub tidak dipakai dengan --user-pool: Cognito memberi sub sendiri (dicetak setelah dibuat)",
                      "--sub is not used with --user-pool: Cognito assigns the sub (printed once created)"),
    "role_missing": ("--role wajib diisi: salah satu dari {roles}", "--role is required: one of {roles}"),
    "role_invalid": ("--role harus salah satu dari {roles} (bukan {got!r})",
                     "--role must be one of {roles} (not {got!r})"),
    "opd_required": ("--opd KODE wajib untuk peran {role} (lihat GET /v1/opds)",
                     "--opd CODE is required for role {role} (see GET /v1/opds)"),
    "opd_not_for_role": ("--opd hanya untuk operator dan supervisor, bukan {role}",
                         "--opd is only for operators and supervisors, not {role}"),
    "opd_invalid": ("--opd harus kode OPD seperti DINKES (bukan {got!r})",
                    "--opd must be an OPD code such as DINKES (not {got!r})"),
    "opd_unknown": ("OPD {got!r} tidak dikenal; mungkin maksudnya: {known}",
                    "unknown OPD {got!r}; did you mean: {known}"),
    "no_bundle": ("aturan (bundle) tidak bisa dibaca: {detail} (jalankan `lampungin rules build`)",
                  "the rules bundle cannot be read: {detail} (run `lampungin rules build`)"),
    "government_not_for_role": ("--government hanya untuk inspektur kabupaten/kota; staf OPD mengikuti "
                                "pemerintah OPD-nya",
                                "--government is only for a kabupaten/kota's inspector; OPD staff belong to "
                                "their OPD's government"),
    "government_unknown": ("pemerintah {got!r} tidak dikenal; mungkin maksudnya: {known}",
                           "unknown government {got!r}; did you mean: {known}"),
    "head_not_for_role": ("--head hanya untuk operator atau supervisor sebuah OPD (kepala OPD)",
                          "--head is only for an operator or supervisor of an OPD (the OPD head)"),
    "name_invalid": ("--name harus 1-{max} karakter yang dapat dicetak",
                     "--name must be 1-{max} printable characters"),
    "email_invalid": ("--email harus alamat e-mail (bukan {got!r})", "--email must be an e-mail address (not {got!r})"),
    "email_required": ("--email wajib dengan --user-pool: alamat e-mail adalah nama pengguna di Cognito",
                       "--email is required with --user-pool: the e-mail address is the Cognito username"),
    "pool_invalid": ("--user-pool harus id user pool seperti ap-southeast-3_AbC123 (bukan {got!r})",
                     "--user-pool must be a user pool id such as ap-southeast-3_AbC123 (not {got!r})"),
    "not_found": ("tidak ada staf dengan sub {sub!r}", "no staff member with sub {sub!r}"),
    "not_staff": ("pengguna {sub!r} bukan staf (grupnya: {groups}); tidak dihapus",
                  "user {sub!r} is not staff (groups: {groups}); not removed"),
    "user_exists": ("pengguna dengan e-mail {email} sudah ada di user pool",
                    "a user with e-mail {email} already exists in the user pool"),
    "aws": ("Cognito menolak {action}: {detail}", "Cognito refused {action}: {detail}"),
    "aws_setup": ("AWS tidak bisa dihubungi: {detail} (periksa kredensial, --region atau AWS_REGION)",
                  "cannot reach AWS: {detail} (check credentials, --region or AWS_REGION)"),
    "directory": ("direktori staf: {detail}", "staff directory: {detail}"),
    # success lines (stdout)
    "added": ("ditambahkan: {who}", "added: {who}"),
    "updated": ("diperbarui: {who}", "updated: {who}"),
    "removed": ("dihapus: {sub}", "removed: {sub}"),
    "empty": ("(tidak ada staf)", "(no staff)"),
    "head": ("kepala", "head"),
}
HEADERS = {"id": ("SUB", "PERAN", "PEMERINTAH", "OPD", "KEPALA", "NAMA", "E-MAIL"),
           "en": ("SUB", "ROLE", "GOVERNMENT", "OPD", "HEAD", "NAME", "E-MAIL")}
POOL_ID_MAX = 55


class StaffError(Exception):
    """One line for the user: a message code and its parameters."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params

    def render(self, lang: str) -> str:
        return text(self.code, lang, **self.params)


def text(code: str, lang: str, **params) -> str:
    return MESSAGES[code][0 if lang == "id" else 1].format(**params)


def lang_of(args: Any = None, argv: list[str] | None = None) -> str:
    """`--lang` when given (also before argparse has parsed it), else LANG: Indonesian by default."""
    chosen = getattr(args, "lang", None)
    if chosen is None and argv:
        for i, arg in enumerate(argv):
            if arg.startswith("--lang="):
                chosen = arg.split("=", 1)[1]
            elif arg == "--lang" and i + 1 < len(argv):
                chosen = argv[i + 1]
    if chosen in ("id", "en"):
        return chosen
    return language()


class _OneLineParser(argparse.ArgumentParser):
    """argparse's usage errors as one line (in the chosen language) and exit 2, like ours."""

    def error(self, message: str):
        lang = lang_of(argv=sys.argv[1:])
        print(f"{PROG}: {text('usage', lang, detail=message)}", file=sys.stderr)
        raise SystemExit(2)


def register(subparsers) -> None:
    p = subparsers.add_parser("staff", help="the staff directory: add, list or remove staff",
                              description=(__doc__ or "").split("\n\n")[0])
    actions = p.add_subparsers(dest="action", parser_class=_OneLineParser)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--user-pool", metavar="POOL_ID",
                        help="work on this Cognito user pool instead of the local file")
    common.add_argument("--region", help="the user pool's AWS region (default: AWS_REGION)")
    common.add_argument("--file", help=f"the local directory file (default ${PATH_ENV}, else <state dir>/{FILE_NAME})")
    common.add_argument("--state-dir", help=f"the local stack's state (default ${state.HOME_ENV} or .local/)")
    # SUPPRESS: `staff --lang en add` keeps the language given before the action
    for parser in (p, common):
        parser.add_argument("--lang", choices=("id", "en"), default=argparse.SUPPRESS,
                            help="language of the messages (default: LANG, else id)")

    add = actions.add_parser("add", parents=[common], help="add (or, locally, update) a staff member")
    add.add_argument("--sub", help="the token subject (local only: Cognito assigns it)")
    add.add_argument("--role", help="|".join(STAFF_DIRECTORY_ROLES))
    add.add_argument("--opd", help="the OPD code (operators and supervisors)")
    add.add_argument("--head", action="store_true", help="the OPD's head (kepala OPD)")
    add.add_argument("--government", help="an inspector's kabupaten/kota (default: the province)")
    add.add_argument("--name", help="display name")
    add.add_argument("--email", help="e-mail address (the username with --user-pool)")
    add.add_argument("--json", action="store_true", help="print the member as JSON")
    add.set_defaults(func=run, action="add")

    ls = actions.add_parser("list", parents=[common], help="list the staff")
    ls.add_argument("--opd", help="only this OPD's staff")
    ls.add_argument("--role", help="only this role")
    ls.add_argument("--json", action="store_true", help="a JSON array instead of a table")
    ls.set_defaults(func=run, action="list")

    rm = actions.add_parser("remove", parents=[common], help="remove a staff member")
    rm.add_argument("--sub", help="the staff member's sub")
    rm.set_defaults(func=run, action="remove")
    p.set_defaults(func=run, action=None)


# --- inputs -----------------------------------------------------------------------------------
def known_opds() -> dict[str, str]:
    """The rules bundle's OPDs, code -> name."""
    try:
        # lazy: the CLI imports this module for every command; only `staff` reads the bundle
        from chalicelib.rules.bundle import load_bundle
        return {code: opd.name for code, opd in load_bundle(check=False).opds.items()}
    except Exception as exc:
        raise StaffError("no_bundle", detail=str(exc)[:200]) from None


def check_opd(opd: str) -> str:
    if not OPD.fullmatch(opd):
        raise StaffError("opd_invalid", got=opd[:40])
    known = known_opds()
    if opd not in known:
        # the closest codes, not all of them: every onboarded government adds its OPDs
        close = difflib.get_close_matches(opd, known, n=6, cutoff=0.4) or sorted(known)[:6]
        raise StaffError("opd_unknown", got=opd[:40], known=", ".join(close))
    return opd


def check_role(role: str | None, *, required: bool) -> str | None:
    roles = ", ".join(STAFF_DIRECTORY_ROLES)
    if role is None:
        if required:
            raise StaffError("role_missing", roles=roles)
        return None
    if role not in STAFF_DIRECTORY_ROLES:
        raise StaffError("role_invalid", roles=roles, got=role[:40])
    return role


def check_sub(sub: str | None) -> str:
    if sub is None or not sub.strip():
        raise StaffError("sub_missing")
    if not SUB.fullmatch(sub):
        raise StaffError("sub_invalid")
    return sub


def member_from_args(args, *, cognito: bool) -> StaffMember:
    """The member `add` describes, or StaffError for the first thing wrong with it."""
    if cognito:
        if args.sub is not None:
            raise StaffError("sub_with_pool")
        sub = "-"                                    # Cognito's, once created
    else:
        sub = check_sub(args.sub)
    role = check_role(args.role, required=True) or ""
    if role in OPD_ROLES:
        if not args.opd:
            raise StaffError("opd_required", role=role)
        check_opd(args.opd)
    elif args.opd:
        raise StaffError("opd_not_for_role", role=role)
    if args.head and role not in OPD_ROLES:
        raise StaffError("head_not_for_role")
    government = getattr(args, "government", None)
    if government is not None:
        if role != "inspector":
            raise StaffError("government_not_for_role")
        check_government(government)
    if args.name is not None and not (0 < len(args.name) <= NAME_MAX and args.name.isprintable()):
        raise StaffError("name_invalid", max=NAME_MAX)
    if args.email is not None and not (len(args.email) <= 254 and EMAIL.fullmatch(args.email)):
        raise StaffError("email_invalid", got=args.email[:60])
    if cognito and not args.email:
        raise StaffError("email_required")
    return StaffMember(sub=sub, role=role, opd=args.opd if role in OPD_ROLES else None,
                       name=args.name or None, email=args.email or None, head=bool(args.head),
                       government=government if government != PROVINCE else None)


def check_government(code: str) -> str:
    """A government of the bundle (GET /v1/governments), with the closest codes when it is not."""
    try:
        # lazy: the CLI imports this module for every command; only `staff` reads the bundle
        from chalicelib.rules.bundle import load_bundle
        known = list(load_bundle(check=False).governments)
    except Exception as exc:
        raise StaffError("no_bundle", detail=str(exc)[:200]) from None
    if code not in known:
        close = difflib.get_close_matches(code, known, n=6, cutoff=0.4) or known[:6]
        raise StaffError("government_unknown", got=code[:40], known=", ".join(close))
    return code


def check_pool(pool: str) -> str:
    region, _, rest = pool.partition("_")
    if not (0 < len(pool) <= POOL_ID_MAX and region and rest and pool.isascii()
            and all(c.isalnum() or c == "-" for c in region) and rest.isalnum()):
        raise StaffError("pool_invalid", got=pool[:60])
    return pool


def describe(member: StaffMember, lang: str) -> str:
    parts = ([member.role] + ([member.opd] if member.opd else []) + ([member.government] if member.government else [])
             + ([text("head", lang)] if member.head else []))
    return f"{member.sub} ({', '.join(parts)})"


# --- the local file ---------------------------------------------------------------------------
def local_directory_path(args: Any = None) -> Path:
    """`--file`, else `--state-dir`/staff.json, else $STAFF_DIRECTORY_PATH, else
    `<state dir>/staff.json` (`$LAMPUNGIN_HOME` or `.local/`): the file `lampungin dev` reads."""
    if getattr(args, "file", None):
        return Path(args.file)
    explicit_home = getattr(args, "state_dir", None)
    if not explicit_home and os.environ.get(PATH_ENV):
        return Path(os.environ[PATH_ENV])
    return state.state_dir(explicit_home) / FILE_NAME


def local_directory(args: Any = None) -> FileStaffDirectory:
    """The local directory, seeded with the bundle's OPDs the first time (as `lampungin dev` does)."""
    path = local_directory_path(args)
    if not path.exists():
        seed_local_staff(path, known_opds())
    return FileStaffDirectory(path)


# --- Cognito ------------------------------------------------------------------------------------
def cognito_client(region: str | None) -> Any:
    import boto3  # lazy: only `staff --user-pool` needs the AWS SDK (~150 ms to import)
    return boto3.client("cognito-idp", region_name=region) if region else boto3.client("cognito-idp")


def cognito_add(idp: Any, pool: str, member: StaffMember) -> StaffMember:
    attrs = [{"Name": "email", "Value": member.email or ""}, {"Name": "email_verified", "Value": "true"}]
    if member.name:
        attrs.append({"Name": "name", "Value": member.name})
    if member.opd:
        attrs.append({"Name": "custom:opd", "Value": member.opd})
    if member.head:
        attrs.append({"Name": "custom:head", "Value": "true"})
    if member.government:
        attrs.append({"Name": "custom:government", "Value": member.government})
    try:
        user = idp.admin_create_user(UserPoolId=pool, Username=member.email, UserAttributes=attrs,
                                     DesiredDeliveryMediums=["EMAIL"])["User"]
    except idp.exceptions.UsernameExistsException:
        raise StaffError("user_exists", email=member.email) from None
    try:
        idp.admin_add_user_to_group(UserPoolId=pool, Username=user["Username"], GroupName=member.role)
    except Exception:
        idp.admin_delete_user(UserPoolId=pool, Username=user["Username"])     # no user without a role
        raise
    sub = attributes(user).get("sub") or user["Username"]
    return StaffMember(sub=sub, role=member.role, opd=member.opd, name=member.name, email=member.email,
                       head=member.head, government=member.government)


def cognito_username(idp: Any, pool: str, sub: str) -> str | None:
    """The username of the user whose `sub` this is, or None."""
    if '"' in sub or "\\" in sub:                     # cannot be a Cognito sub, nor quoted in a filter
        return None
    users = idp.list_users(UserPoolId=pool, Filter=f'sub = "{sub}"', Limit=1).get("Users") or []
    return users[0]["Username"] if users else None


def cognito_remove(idp: Any, pool: str, sub: str) -> None:
    username = cognito_username(idp, pool, sub)
    if username is None:
        raise StaffError("not_found", sub=sub)
    groups = [g["GroupName"] for g in
              idp.admin_list_groups_for_user(UserPoolId=pool, Username=username).get("Groups", [])]
    if not set(groups) & set(STAFF_DIRECTORY_ROLES):
        raise StaffError("not_staff", sub=sub, groups=", ".join(groups) or "-")
    idp.admin_user_global_sign_out(UserPoolId=pool, Username=username)     # its refresh tokens die now
    idp.admin_delete_user(UserPoolId=pool, Username=username)


# --- output -------------------------------------------------------------------------------------
def print_members(members: list[StaffMember], as_json: bool, lang: str) -> None:
    if as_json:
        print(json.dumps([member_to_json(m) for m in members], ensure_ascii=False, indent=1))
        return
    if not members:
        print(text("empty", lang))
        return
    head_word = text("head", lang)
    rows = [HEADERS[lang]] + [(m.sub, m.role, m.government or government_of(m.opd), m.opd or "-",
                               head_word if m.head else "-", m.name or "-", m.email or "-") for m in members]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    for r in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=False)) + "  " + r[-1])


# --- the command ----------------------------------------------------------------------------------
def execute(args, lang: str) -> int:
    if args.action is None:
        raise StaffError("no_action")
    pool = check_pool(args.user_pool) if args.user_pool else None
    if args.action == "add":
        member = member_from_args(args, cognito=pool is not None)
        if pool is not None:
            member = cognito_add(cognito_client(args.region), pool, member)
            new = True
        else:
            new = local_directory(args).add(member)
        if args.json:
            print(json.dumps(member_to_json(member), ensure_ascii=False))
        else:
            print(text("added" if new else "updated", lang, who=describe(member, lang)))
        return 0
    if args.action == "list":
        role = check_role(args.role, required=False)
        if args.opd and not OPD.fullmatch(args.opd):
            raise StaffError("opd_invalid", got=args.opd[:40])
        directory: CognitoStaffDirectory | FileStaffDirectory
        if pool is not None:
            directory = CognitoStaffDirectory(pool, args.region or "", client=cognito_client(args.region),
                                              ttl_seconds=0)
        else:
            directory = local_directory(args)
        members = [m for m in directory.all() if (role is None or m.role == role)
                   and (not args.opd or m.opd == args.opd)]
        print_members(members, args.json, lang)
        return 0
    sub = check_sub(args.sub)                                       # remove
    if pool is not None:
        cognito_remove(cognito_client(args.region), pool, sub)
    elif not local_directory(args).remove(sub):
        raise StaffError("not_found", sub=sub)
    print(text("removed", lang, sub=sub))
    return 0


def run(args) -> int:
    lang = lang_of(args)
    try:
        return execute(args, lang)
    except StaffError as err:
        message = err.render(lang)
    except StaffDirectoryError as err:
        message = text("directory", lang, detail=str(err))
    except Exception as exc:
        aws = aws_message(exc, lang) if args.user_pool else None
        if aws is None:
            raise
        message = aws
    print(f"{PROG}: {message}".replace("\n", " "), file=sys.stderr)
    return 2


def aws_message(exc: Exception, lang: str) -> str | None:
    """One line for an error of the AWS SDK (refused call, no credentials or region); None for
    anything else (a bug: its traceback is worth seeing)."""
    import botocore.exceptions  # lazy: only `staff --user-pool` loads the AWS SDK

    if isinstance(exc, botocore.exceptions.ClientError):
        error = exc.response.get("Error", {})
        detail = f"{error.get('Code', '?')}: {error.get('Message', '')}"
        return text("aws", lang, action=exc.operation_name, detail=detail[:200])
    if isinstance(exc, botocore.exceptions.BotoCoreError):
        return text("aws_setup", lang, detail=str(exc)[:200])
    return None
