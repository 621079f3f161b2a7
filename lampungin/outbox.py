"""`lampungin outbox [--follow]`: every delivery the local stack made, as the person got it.

The local stack notes each delivery (in-app, e-mail, SMS, WhatsApp, push) in `outbox.jsonl` in
its state directory (adapters/delivery_log.py): the channel, the recipient, the address and the
text. E-mail also lands in the local SMTP sink (`mail/*.eml`) and SMS/WhatsApp in the fake
Twilio's `messages.jsonl`; this command shows all of them in one place, in time order.
"""
from __future__ import annotations

import json
import os
import time
from datetime import datetime
from pathlib import Path

from chalicelib.domain.times import format_wib

from .localstack import state

OUTBOX = "outbox.jsonl"
WORDS = {"id": {"in_app": "dalam aplikasi", "email": "surel", "sms": "SMS", "whatsapp": "WhatsApp",
                "push": "notifikasi ponsel", "lapor": "SP4N-LAPOR!", "to": "untuk",
                "empty": "Belum ada pengiriman di {path}.",
                "help": "tampilkan setiap pengiriman pemberitahuan oleh sistem lokal"},
         "en": {"in_app": "in-app", "email": "e-mail", "sms": "SMS", "whatsapp": "WhatsApp",
                "push": "push", "lapor": "SP4N-LAPOR!", "to": "to", "empty": "No deliveries yet in {path}.",
                "help": "show every notification delivery the local stack made"}}


def language(explicit: str | None = None) -> str:
    chosen = explicit or os.environ.get("LC_ALL") or os.environ.get("LANG") or ""
    return "en" if chosen.lower().startswith("en") else "id"


def register(subparsers) -> None:
    p = subparsers.add_parser("outbox", help=WORDS[language()]["help"], description=__doc__.split("\n\n")[0])
    p.add_argument("--follow", "-f", action="store_true", help="keep showing new deliveries (Ctrl-C stops)")
    p.add_argument("--channel", choices=("in_app", "email", "sms", "whatsapp", "push", "lapor"))
    p.add_argument("--recipient", help="only this person's (a token subject)")
    p.add_argument("--json", action="store_true", help="one JSON object per line, as stored")
    p.add_argument("--lang", choices=("id", "en"))
    p.add_argument("--state-dir", help=f"the local stack's state (default ${state.HOME_ENV} or .local/)")
    p.set_defaults(func=run)


def describe(line: dict, lang: str) -> str:
    words = WORDS[lang]
    try:
        at = format_wib(datetime.fromisoformat(str(line.get("at", "")).replace("Z", "+00:00")), lang=lang)
    except ValueError:
        at = "-"
    channel = words.get(str(line.get("channel")), str(line.get("channel")))
    who = str(line.get("recipient"))
    if line.get("address"):
        who += f" <{line['address']}>"
    body = "\n".join(f"    {part}" for part in str(line.get("body", "")).splitlines() or [""])
    return f"{at}  {channel} {words['to']} {who}\n    {line.get('title', '')}\n{body}"


def _matches(line: dict, args) -> bool:
    return ((not args.channel or line.get("channel") == args.channel)
            and (not args.recipient or line.get("recipient") == args.recipient))


def _lines(fh):
    while True:
        start = fh.tell()
        raw = fh.readline()
        if not raw.endswith("\n"):
            fh.seek(start)    # nothing more, or a line still being written: read it next time
            return
        try:
            line = json.loads(raw)
        except ValueError:
            continue
        if isinstance(line, dict):
            yield line


def run(args) -> int:
    lang = language(args.lang)
    path = Path(state.state_dir(args.state_dir)) / OUTBOX
    if not path.exists() and not args.follow:
        print(WORDS[lang]["empty"].format(path=path))
        return 0
    while not path.exists():
        time.sleep(0.5)
    with open(path, encoding="utf-8") as fh:
        while True:
            for line in _lines(fh):
                if _matches(line, args):
                    print(json.dumps(line, ensure_ascii=False) if args.json else describe(line, lang), flush=True)
            if not args.follow:
                return 0
            try:
                time.sleep(0.5)
            except KeyboardInterrupt:
                return 0
