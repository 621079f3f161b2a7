"""`lampungin reconcile --complaint ID … | --since TIME [--until TIME] [--dry-run]`: do again what the
stream handler does for complaints whose stream records were lost (docs/runbooks.md, the DLQ).

For each complaint it runs the stream handler's own `catch_up` (chalicelib/handlers.py): the
clocks are rebuilt from the timeline, the audit trail and the follow-ups filed for comparison are
completed, and whoever was not yet told of a change is told. Everything there is idempotent, so
running it twice, or on a complaint the stream did handle, changes nothing; a sanction is still
issued only by the sweep, exactly once.

`--since` takes every complaint changed at or after TIME (its last change, `updated_at`), read from
the `feed` index (never a Scan), oldest first; `--until` bounds the filing time. By default it
works on the running local stack (`dev.json`, as `lampungin sweep`); `--from-env` on the
environment as configured (a deployed stage's TABLE_PREFIX and credentials). Prints one JSON line:
`{"complaints", "clocks", "failed": [ids], "unknown": [ids], "dry_run"}`; exit 1 when any failed
(an id that names no complaint is `unknown`, and nothing is written for it).
"""
from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from datetime import datetime

from .export import ExportError, local_reader, parse_day

TEXT = {"id": {"which": "sebutkan --complaint ID atau --since WAKTU",
               "one_of": "--complaint tidak dapat dipakai bersama --since/--until",
               "failed": "aduan {id} gagal direkonsiliasi: {why}"},
        "en": {"which": "give --complaint ID or --since TIME",
               "one_of": "--complaint cannot be combined with --since/--until",
               "failed": "complaint {id} could not be reconciled: {why}"}}


def register(subparsers) -> None:
    """The subcommand, in one language (LANG: Indonesian by default), as `lampungin rules` speaks."""
    # lazy: the rules toolchain's bilingual argparse, for this command only
    from .rules.cli_words import help_text, rules_parser, words

    p = rules_parser(subparsers, "reconcile", "reconcile")
    lang = p.lang
    p.add_argument("--complaint", action="append", metavar=words("ID", lang), help=help_text("r_complaint", lang))
    p.add_argument("--since", metavar=words("TIME", lang), help=help_text("r_since", lang))
    p.add_argument("--until", metavar=words("TIME", lang), help=help_text("r_until", lang))
    p.add_argument("--dry-run", action="store_true", help=help_text("r_dry_run", lang))
    p.add_argument("--state-dir", metavar=words("FOLDER", lang), help=help_text("state_dir", lang))
    p.add_argument("--from-env", action="store_true", help=help_text("r_from_env", lang))
    p.set_defaults(func=run)


def changed_since(reader, since: datetime, until: datetime | None) -> Iterator[str]:
    """Ids of the complaints changed at or after `since` (every complaint filed before `until` is
    read once from the feed; one changed since must have been filed before its change)."""
    for complaint in reader.complaints(None, until):
        if complaint.updated_at >= since:
            yield complaint.id


def reconcile_all(ids: Iterable[str], catch_up, exists, dry_run: bool = False) -> dict:
    done, clocks, failed, unknown = 0, 0, [], []
    for complaint_id in ids:
        if not exists(complaint_id):       # nothing to rebuild, and nothing written for it
            unknown.append(complaint_id)
            continue
        if dry_run:
            print(complaint_id)
            done += 1
            continue
        try:
            clocks += catch_up(complaint_id)
            done += 1
        except Exception as why:   # one complaint's failure is reported; the others go on
            failed.append(complaint_id)
            print(f"lampungin reconcile: {TEXT[_lang()]['failed'].format(id=complaint_id, why=why)}",
                  file=sys.stderr)
    return {"complaints": done, "clocks": clocks, "failed": failed, "unknown": unknown, "dry_run": dry_run}


def _lang() -> str:
    # lazy: the rules toolchain's LANG reading, for this command's messages only
    from .rules.messages import language
    return language()


def run(args) -> int:
    lang = _lang()
    try:
        if not args.complaint and not args.since:
            raise ExportError(TEXT[lang]["which"])
        if args.complaint and (args.since or args.until):
            raise ExportError(TEXT[lang]["one_of"])
        since = parse_day(args.since, "--since", lang=lang)
        until = parse_day(args.until, "--until", end=True, lang=lang)
        reader = local_reader(args.state_dir, args.from_env, lang)
    except ExportError as why:
        print(f"lampungin reconcile: {why}", file=sys.stderr)
        return 2
    # lazy: chalicelib's handlers read their settings from the environment local_reader set
    from chalicelib.handlers import catch_up
    ids: Iterable[str]
    if args.complaint or since is None:                # (since is None only with --complaint)
        ids = list(dict.fromkeys(args.complaint or ()))   # each once, in the order given
    else:
        ids = changed_since(reader, since, until)
    result = reconcile_all(ids, catch_up, reader.exists, args.dry_run)
    print(json.dumps(result, sort_keys=True))
    return 1 if result["failed"] else 0
