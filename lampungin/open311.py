"""`lampungin open311 keys add|list|revoke`: the API keys of Open311 client applications.

    lampungin open311 keys add --name APP [--daily-limit N]    prints the new key once (stdout)
    lampungin open311 keys list [--json]
    lampungin open311 keys revoke --id KEY_ID

A key is `<key id>.<secret>`; the table keeps only the key id, a salt and an HMAC of the secret
(chalicelib/services/open311_keys.py), so a key that is lost is revoked and a new one added, never
shown again. `--name` names the application (a lowercase slug): its complaints are filed as the
citizen `open311:<name>`, so a new key for the same name keeps its complaints and daily quota.

By default this works on the local stack named in `dev.json` (as `lampungin sweep` does);
`--from-env` uses the environment as it is (a deployed stage's TABLE_PREFIX and credentials).
Messages are in Indonesian unless `--lang en` or LANG=en*; a bad input is one line on stderr and
exit status 2, never a traceback.
"""
from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timezone

from chalicelib.services.open311_keys import CLIENT, DEFAULT_DAILY_LIMIT, KEY_ID, issue

from .localstack import state
from .rules.messages import language

PROG = "lampungin open311 keys"
MESSAGES = {
    "name_invalid": ("--name harus huruf kecil, angka dan '-', 2-40 karakter (bukan {got!r})",
                     "--name must be lowercase letters, digits and '-', 2-40 characters (not {got!r})"),
    "limit_invalid": ("--daily-limit harus 1 sampai {max}", "--daily-limit must be 1 to {max}"),
    "id_invalid": ("--id harus id kunci seperti o311k0123456789ab (bukan {got!r})",
                   "--id must be a key id such as o311k0123456789ab (not {got!r})"),
    "not_found": ("tidak ada kunci aktif dengan id {key_id}", "no active key with id {key_id}"),
    "no_stack": ("{detail} (atau pakai --from-env)", "{detail} (or pass --from-env)"),
    "store": ("tabel kunci tidak bisa dibaca: {detail}", "the key table cannot be read: {detail}"),
    "added": ("Kunci untuk {name} ({key_id}); simpan sekarang, kunci ini tidak ditampilkan lagi.",
              "Key for {name} ({key_id}); keep it now, it is not shown again."),
    "revoked": ("dicabut: {key_id}", "revoked: {key_id}"),
    "empty": ("(belum ada kunci)", "(no keys yet)"),
    "active": ("aktif", "active"),
}
HEADERS = {"id": ("ID KUNCI", "APLIKASI", "DIBUAT", "BATAS/HARI", "STATUS"),
           "en": ("KEY ID", "APPLICATION", "CREATED", "LIMIT/DAY", "STATUS")}


class KeysError(Exception):
    def __init__(self, code: str, status: int = 2, **params):
        super().__init__(code)
        self.code, self.status, self.params = code, status, params


def text(code: str, lang: str, **params) -> str:
    return MESSAGES[code][1 if lang == "en" else 0].format(**params)


def register(subparsers) -> None:
    p = subparsers.add_parser("open311", help="Open311 client applications: their API keys",
                              description=(__doc__ or "").split("\n\n")[0])
    keys = p.add_subparsers(dest="area", required=True).add_parser("keys", help="add, list or revoke API keys")
    actions = keys.add_subparsers(dest="action", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--from-env", action="store_true", help="use the AWS environment instead of the local stack")
    common.add_argument("--state-dir", help=f"the local stack's state (default ${state.HOME_ENV} or .local/)")
    common.add_argument("--lang", choices=("id", "en"), help="language of the messages (default: LANG, else id)")
    add = actions.add_parser("add", parents=[common], help="issue a key (printed once)")
    add.add_argument("--name", required=True, help="the client application, a lowercase slug (fixmystreet)")
    add.add_argument("--daily-limit", type=int, default=DEFAULT_DAILY_LIMIT,
                     help=f"complaints it may file in 24 hours (1-{DEFAULT_DAILY_LIMIT})")
    ls = actions.add_parser("list", parents=[common], help="every key issued, and whether it is revoked")
    ls.add_argument("--json", action="store_true", help="a JSON array instead of a table")
    rv = actions.add_parser("revoke", parents=[common], help="revoke a key at once")
    rv.add_argument("--id", required=True, dest="key_id", help="the key id (the part before the '.')")
    p.set_defaults(func=run)


def open_store(args):
    """The key table of the local stack (or, with --from-env, of the environment's stage)."""
    if not args.from_env:
        try:
            dev = state.read_dev_state(state.state_dir(args.state_dir))
        except state.StackNotRunning as why:
            raise KeysError("no_stack", 1, detail=str(why)) from None
        # lazy: pointing at the local stack sets the environment chalicelib reads, so it comes first
        from .sweep import point_at_local_stack
        point_at_local_stack(dev)
    # lazy: pynamodb and the settings are read only once the environment is set just above
    from chalicelib.adapters.dynamo.api_keys import DynamoApiKeyStore
    from chalicelib.config import from_env
    return DynamoApiKeyStore(from_env())


def run(args, out=sys.stdout, err=sys.stderr, store=None, now=None) -> int:
    lang = args.lang or language()
    try:
        check(args)
        store = store or open_store(args)
        return ACTIONS[args.action](args, store, lang, out, err, now or datetime.now(timezone.utc))
    except KeysError as why:
        print(f"{PROG}: {text(why.code, lang, **why.params)}", file=err)
        return why.status
    except Exception as why:             # the store unreachable, credentials missing: one line, no trace
        detail = (str(why).splitlines() or [type(why).__name__])[0][:200]
        print(f"{PROG}: {text('store', lang, detail=detail)}", file=err)
        return 1


def check(args) -> None:
    if args.action == "add":
        if not CLIENT.fullmatch(args.name or ""):
            raise KeysError("name_invalid", got=(args.name or "")[:40])
        if not 1 <= args.daily_limit <= DEFAULT_DAILY_LIMIT:
            raise KeysError("limit_invalid", max=DEFAULT_DAILY_LIMIT)
    if args.action == "revoke" and not KEY_ID.fullmatch(args.key_id or ""):
        raise KeysError("id_invalid", got=(args.key_id or "")[:40])


def add(args, store, lang, out, err, now) -> int:
    record, key = issue(store, args.name, now, daily_limit=args.daily_limit)
    print(text("added", lang, name=args.name, key_id=record.key_id), file=err)
    print(key, file=out)
    return 0


def list_keys(args, store, lang, out, err, now) -> int:
    keys = store.all()
    rows = [{"key_id": k.key_id, "name": k.client, "created_at": k.created_at.isoformat(),
             "daily_limit": k.daily_limit, "revoked_at": k.revoked_at.isoformat() if k.revoked_at else None}
            for k in keys]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False), file=out)
        return 0
    if not rows:
        print(text("empty", lang), file=out)
        return 0
    table = [HEADERS[lang], *[(r["key_id"], r["name"], r["created_at"][:19], str(r["daily_limit"]),
                               r["revoked_at"][:19] if r["revoked_at"] else text("active", lang)) for r in rows]]
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    for row in table:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip(), file=out)
    return 0


def revoke(args, store, lang, out, err, now) -> int:
    if not store.revoke(args.key_id, now):
        raise KeysError("not_found", 1, key_id=args.key_id)
    print(text("revoked", lang, key_id=args.key_id), file=out)
    return 0


ACTIONS = {"add": add, "list": list_keys, "revoke": revoke}
