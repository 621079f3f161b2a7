"""Which store serves DynamoDB in `lampungin dev`, and wiping it on purpose (`--reset`).

* `dynamodb-local` (the default wherever Java 17+ runs): AWS's DynamoDB Local, data in
  `<state>/dynamodb/`, so complaints, clocks and sanctions survive Ctrl-C and the next `make run`.
* `memory`: moto, as in most tests. Fast, but everything is gone when the stack stops, and moto
  accepts some requests DynamoDB rejects.

When Java is missing the developer gets one line saying how to install it; as root on Debian or
Ubuntu we offer to install it with apt-get (asked, or `--yes`); otherwise the stack still starts,
on the memory store, under a banner that says the data will not survive. Never a stack trace.
"""
from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import dynamodb_local_install as installer
from . import java as jre
from .notices import Unavailable, say

MEMORY, DYNAMODB_LOCAL = "memory", "dynamodb-local"
STORES = (DYNAMODB_LOCAL, MEMORY)
DB_DIR = "dynamodb"          # DynamoDB Local's -dbPath (and the stream checkpoints) in the state dir
OUTBOX = "outbox.jsonl"      # the notifications the local stack "sent"

_LINE = "IN-MEMORY STORE: complaints, clocks and sanctions are lost when this stops."
BANNER = "\n".join(("*" * (len(_LINE) + 6), f"*  {_LINE}  *", "*" * (len(_LINE) + 6)))


@dataclass(frozen=True)
class StorePlan:
    kind: str
    java: jre.Java | None = None
    install: Path | None = None      # the unpacked DynamoDB Local
    why_memory: str | None = None    # set when DynamoDB Local was wanted but cannot run


def db_path(home: Path) -> Path:
    return home / DB_DIR


def choose(requested: str | None, ask: Callable[[str], bool]) -> StorePlan:
    """`requested` is `--store` (None: DynamoDB Local if it can run, else memory). `ask` puts a
    yes/no question to the developer (False when nobody can answer). An explicit
    `--store dynamodb-local` that cannot run is an error (SystemExit with one line)."""
    if requested == MEMORY:
        return StorePlan(MEMORY)
    try:
        java: jre.Java | None = jre.find_java()
    except jre.JavaMissing as missing:
        offer = ("; or let `lampungin dev --yes` install it with apt-get"
                 if jre.can_install_java() else "")
        say(f"{missing}{offer}")
        java = _installed_java(ask)
        if java is None:
            return _memory_instead(requested, "Java is missing")
    try:
        install = installer.ensure_installed()
    except Unavailable as why:
        say(str(why))
        return _memory_instead(requested, "DynamoDB Local could not be fetched")
    return StorePlan(DYNAMODB_LOCAL, java, install)


def _installed_java(ask) -> jre.Java | None:
    if not jre.can_install_java() or not ask("Install Java now with apt-get?"):
        return None
    if not jre.install_java():
        say("apt-get could not install Java")
        return None
    try:
        return jre.find_java()
    except jre.JavaMissing as still:
        say(str(still))
        return None


def _memory_instead(requested: str | None, why: str) -> StorePlan:
    if requested == DYNAMODB_LOCAL:
        raise SystemExit(f"lampungin dev: --store {DYNAMODB_LOCAL} cannot run ({why}); "
                         f"`--store {MEMORY}` runs without it")
    return StorePlan(MEMORY, why_memory=why)


def local_data(home: Path) -> list[Path]:
    """What `--reset` deletes: DynamoDB Local's database with its stream checkpoints, and the
    outbox. Keys stay (tokens keep working), and so does the download cache."""
    return [p for p in (db_path(home), home / OUTBOX) if p.exists()]


def reset(home: Path) -> list[Path]:
    removed = local_data(home)
    for path in removed:
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
    return removed
