"""`lampungin` — the command line. Each subcommand lives in its own module and registers itself."""
from __future__ import annotations

import argparse
import importlib
import sys

# module name -> what it adds; each module has register(subparsers) that sets `func` on its parsers.
SUBCOMMAND_MODULES = ("lampungin.dev", "lampungin.tokens", "lampungin.sweep", "lampungin.rules.cli",
                      "lampungin.staff", "lampungin.outbox", "lampungin.open311", "lampungin.export",
                      "lampungin.lapor", "lampungin.reconcile")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lampungin", description="Lampung In complaint backend tools")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in SUBCOMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
