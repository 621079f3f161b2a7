"""`lampungin export [--since DATE] [--until DATE] [--out FILE]`: de-identified complaint histories.

One JSON line per complaint, in filing order (the input of `lampungin rules whatif --source FILE`):

    {"id", "category", "opd", "created_at",
     "events": [{"seq", "at", "type", "data", "actor_role", "actor"?}]}

What is left out is the point: no title, description, location, reporter, note or message, no
reporter id and no name. `data` keeps only the fields that route a complaint and move its clocks
(OPD, unit, jurisdiction, government, routing rule). What is kept that a replay cannot do without:
which staff member held a complaint, since an operator's repeat misses escalate (rules/sanctions);
staff appear as `actor` (and as `data.operator` of an assignment) under a pseudonym made with a key
drawn afresh for every export, so one export links a member's complaints and two exports cannot be
linked. Citizens get no pseudonym at all.

It reads the running local stack's store (`dev.json`, as `lampungin sweep` does), or with
`--from-env` the environment as configured; complaints come oldest first from the `feed` index
(never a Scan), each with its timeline, one at a time.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import sys
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta
from typing import IO

from chalicelib.domain.model import Complaint, Event, Role
from chalicelib.domain.times import WIB, iso_utc, parse_iso

# the fields of an event's data an export keeps (the rest may be text, ratings or people)
KEEP = ("opd", "from_opd", "to_opd", "jurisdiction", "unit", "from_unit", "government",
        "category", "routing_rule", "rules_version")
STAFF = (Role.OPERATOR.value, Role.SUPERVISOR.value)     # whose ids become pseudonyms
PSEUDONYM_PREFIX = "staf-"


class ExportError(Exception):
    """One line for the person at the terminal (exit 1)."""


def pseudonymiser(key: bytes | None = None) -> Callable[[str | None], str | None]:
    """A staff id -> `staf-<12 hex>`, stable under one key (one export), meaningless without it."""
    secret = key if key is not None else secrets.token_bytes(32)

    def pseudonym(sub: str | None) -> str | None:
        if not sub:
            return None
        return PSEUDONYM_PREFIX + hmac.new(secret, sub.encode("utf-8"), hashlib.sha256).hexdigest()[:12]
    return pseudonym


def history_line(complaint: Complaint, events: Iterable[Event], pseudonym) -> dict:
    """The de-identified history of one complaint (the export's line, as a dict)."""
    out = []
    for e in sorted(events, key=lambda e: e.seq):
        data = {k: e.data[k] for k in KEEP if isinstance(e.data, dict) and e.data.get(k) is not None}
        if e.type == "assigned_to" and (e.data or {}).get("operator"):
            data["operator"] = pseudonym(str(e.data["operator"]))
        item = {"seq": e.seq, "at": iso_utc(e.at), "type": e.type, "data": data, "actor_role": e.actor_role}
        if e.actor_role in STAFF and e.actor_id:
            item["actor"] = pseudonym(e.actor_id)
        out.append(item)
    return {"id": complaint.id, "category": complaint.category, "opd": complaint.opd,
            "created_at": iso_utc(complaint.created_at), "events": out}


class StoreReader:
    """The complaints table and its timelines, oldest first (the `feed` index: every complaint)."""

    def __init__(self, settings):
        # lazy: pynamodb (and boto3) load only for a command that reads the store
        from chalicelib.adapters.dynamo.complaints import DynamoComplaintRepository
        from chalicelib.adapters.dynamo.models import complaint_from_item, models_for, to_iso
        from chalicelib.adapters.dynamo.tables import FEED_ALL
        self._m, self._repo = models_for(settings), DynamoComplaintRepository(settings)
        self._from_item, self._to_iso, self._feed = complaint_from_item, to_iso, FEED_ALL

    def complaints(self, since: datetime | None, until: datetime | None) -> Iterator[Complaint]:
        """Filed in [since, until), oldest first, page by page (PynamoDB follows the pages)."""
        key = self._m.Complaint.created_key
        low = self._to_iso(since) if since else "0"
        high = self._to_iso(until) if until else "~"          # '~' sorts after every ISO time
        for item in self._m.indexes["feed"].query(self._feed, range_key_condition=key.between(low, high),
                                                  scan_index_forward=True, page_size=100):
            complaint = self._from_item(item)
            if until is None or complaint.created_at < until:
                yield complaint

    def timeline(self, complaint_id: str) -> list[Event]:
        return self._repo.timeline(complaint_id)

    def exists(self, complaint_id: str) -> bool:
        return self._repo.get(complaint_id) is not None


def histories(reader, since: datetime | None = None, until: datetime | None = None,
              pseudonym=None) -> Iterator[dict]:
    """The export's lines, one complaint at a time (memory stays flat however many there are)."""
    pseudonym = pseudonym or pseudonymiser()
    for complaint in reader.complaints(since, until):
        yield history_line(complaint, reader.timeline(complaint.id), pseudonym)


TEXT = {"id": {"bad_time": "{option} {text!r}: bukan tanggal atau waktu ISO 8601 (contoh 2026-03-01)",
               "not_running": "{why} (atau pakai --from-env)",
               "written": "lampungin export: {count} aduan ditulis"},
        "en": {"bad_time": "{option} {text!r}: not an ISO 8601 date or time (e.g. 2026-03-01)",
               "not_running": "{why} (or pass --from-env)",
               "written": "lampungin export: {count} complaint(s) written"}}


def parse_day(text: str | None, option: str, *, end: bool = False, lang: str = "id") -> datetime | None:
    """`--since`/`--until`: a date (WIB; `--until` takes the whole day) or an ISO time."""
    if text is None:
        return None
    try:
        at = parse_iso(text, naive_tz=WIB)
    except ValueError:
        raise ExportError(TEXT[lang]["bad_time"].format(option=option, text=text[:40])) from None
    return at + timedelta(days=1) if end and len(text.strip()) == 10 else at


def local_reader(state_dir: str | None, from_env: bool, lang: str = "id") -> StoreReader:
    """The store of the running local stack (or, with `from_env`, the configured environment)."""
    # lazy: the CLI imports every command module; the local stack's helpers load only when used
    from .localstack import state
    from .sweep import point_at_local_stack
    if not from_env:
        try:
            point_at_local_stack(state.read_dev_state(state.state_dir(state_dir)))
        except state.StackNotRunning as why:
            raise ExportError(TEXT[lang]["not_running"].format(why=why)) from None
    # lazy: chalicelib reads its settings from the environment, set just above
    from chalicelib.config import from_env as settings_from_env
    return StoreReader(settings_from_env())


def register(subparsers) -> None:
    p = subparsers.add_parser("export", help="write de-identified complaint histories (JSON lines)",
                              description=__doc__.split("\n\n")[0])
    p.add_argument("--since", help="complaints filed on or after this date (YYYY-MM-DD, WIB)")
    p.add_argument("--until", help="complaints filed up to and including this date (YYYY-MM-DD, WIB)")
    p.add_argument("--out", help="write to this file instead of standard output")
    p.add_argument("--state-dir", help="the local stack's state (default $LAMPUNGIN_HOME or .local/)")
    p.add_argument("--from-env", action="store_true",
                   help="use the AWS environment as configured instead of the local stack")
    p.set_defaults(func=run)


def write_lines(lines: Iterable[dict], out: IO[str]) -> int:
    count = 0
    for line in lines:
        out.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
        count += 1
    return count


def run(args) -> int:
    # lazy: the rules toolchain's LANG reading, for this command's messages only
    from .rules.messages import language
    lang = language()
    try:
        since = parse_day(args.since, "--since", lang=lang)
        until = parse_day(args.until, "--until", end=True, lang=lang)
        reader = local_reader(args.state_dir, args.from_env, lang)
    except ExportError as why:
        print(f"lampungin export: {why}", file=sys.stderr)
        return 1
    if args.out:
        with open(args.out, "w", encoding="utf-8") as out:
            count = write_lines(histories(reader, since, until), out)
    else:
        count = write_lines(histories(reader, since, until), sys.stdout)
    print(TEXT[lang]["written"].format(count=count), file=sys.stderr)
    return 0
