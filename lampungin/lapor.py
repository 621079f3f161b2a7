"""`lampungin lapor dispose|updates`: the local SP4N-LAPOR! of `make run` (localstack/fake_lapor.py).

`dispose` puts a complaint in the fake's inbox as LAPOR! disposing it to the province would; the
`lapor_exchange` schedule files it (every 5 minutes, or at once with `make run`'s --sweep-every).
Run it twice with the same --tracking-id: LAPOR! sending the same complaint again, still one
complaint. `updates` shows what Lampung In sent back to LAPOR!: its statuses and follow-ups.
"""
from __future__ import annotations

import json
import os
import secrets
import sys
from pathlib import Path

from .localstack import state
from .localstack.fake_lapor import INBOX, UPDATES, dispose, read_lines

WORDS = {
    "id": {"help": "LAPOR! lokal: salurkan aduan ke provinsi, lihat tanggapan yang dikirim kembali",
           "dispose": "salurkan satu aduan LAPOR! ke provinsi (kotak masuk LAPOR! lokal)",
           "updates": "tanggapan yang dikirim Lampung In kembali ke LAPOR!",
           "disposed": "Aduan LAPOR! {tid} disalurkan ke provinsi ({path}).",
           "none": "Belum ada tanggapan ke LAPOR! di {path}.",
           "tracking": "nomor pelacakan LAPOR! (bawaan: nomor baru)", "title": "judul aduan",
           "description": "isi aduan", "category": "kode kategori Lampung In (bawaan: lainnya)",
           "name": "nama pelapor", "anonymous": "pelapor anonim", "json": "satu objek JSON per baris",
           "state": "folder keadaan sistem lokal (bawaan .local/)"},
    "en": {"help": "local LAPOR!: dispose complaints to the province, see the updates sent back",
           "dispose": "dispose one LAPOR! complaint to the province (the local LAPOR!'s inbox)",
           "updates": "the updates Lampung In sent back to LAPOR!",
           "disposed": "LAPOR! complaint {tid} disposed to the province ({path}).",
           "none": "No updates to LAPOR! yet in {path}.",
           "tracking": "LAPOR! tracking number (default: a new one)", "title": "the complaint's title",
           "description": "the complaint's text", "category": "a Lampung In category code (default: lainnya)",
           "name": "the reporter's name", "anonymous": "an anonymous reporter", "json": "one JSON object per line",
           "state": "the local stack's state folder (default .local/)"},
}


def language() -> str:
    chosen = os.environ.get("LC_ALL") or os.environ.get("LANG") or ""
    return "en" if chosen.lower().startswith("en") else "id"


def register(subparsers) -> None:
    w = WORDS[language()]
    p = subparsers.add_parser("lapor", help=w["help"], description=w["help"])
    sub = p.add_subparsers(dest="lapor_command", required=True)
    d = sub.add_parser("dispose", help=w["dispose"], description=w["dispose"])
    d.add_argument("--tracking-id", help=w["tracking"])
    d.add_argument("--title", required=True, help=w["title"])
    d.add_argument("--description", required=True, help=w["description"])
    d.add_argument("--category", help=w["category"])
    d.add_argument("--name", help=w["name"])
    d.add_argument("--anonymous", action="store_true", help=w["anonymous"])
    d.add_argument("--state-dir", help=w["state"])
    d.set_defaults(func=run_dispose)
    u = sub.add_parser("updates", help=w["updates"], description=w["updates"])
    u.add_argument("--tracking-id", help=w["tracking"])
    u.add_argument("--json", action="store_true", help=w["json"])
    u.add_argument("--state-dir", help=w["state"])
    u.set_defaults(func=run_updates)


def _folder(args) -> Path:
    return Path(state.state_dir(args.state_dir)) / "lapor"


def run_dispose(args) -> int:
    tid = args.tracking_id or f"LAPOR-{secrets.randbelow(10 ** 8):08d}"
    item = {"tracking_id": tid, "title": args.title, "description": args.description,
            "anonymous": bool(args.anonymous)}
    if args.category:
        item["category"] = args.category
    if args.name and not args.anonymous:
        item["reporter_name"] = args.name
    dispose(_folder(args), item)
    print(WORDS[language()]["disposed"].format(tid=tid, path=_folder(args) / INBOX))
    return 0


def run_updates(args) -> int:
    path = _folder(args) / UPDATES
    updates = [u for u in read_lines(path) if not args.tracking_id or u.get("tracking_id") == args.tracking_id]
    if not updates:
        print(WORDS[language()]["none"].format(path=path), file=sys.stderr)
        return 0
    for u in updates:
        if args.json:
            print(json.dumps(u, ensure_ascii=False))
        else:
            print(f"{u.get('tracking_id')}  {u.get('status')}  {u.get('title', '')}\n    {u.get('message', '')}")
    return 0
