"""`lampungin rules ...`: check, test, explain and build the policy files under rules/.

    lampungin rules check   [--rules DIR] [--today YYYY-MM-DD]
    lampungin rules test    [--rules DIR] [-k TEXT] [-v]
    lampungin rules explain CASE [--rules DIR]            (CASE: a case name, or FILE[:N])
    lampungin rules explain --facts JSON [--rules DIR]    (one sanction evaluation)
    lampungin rules build   [--rules DIR] [--out FILE]
    lampungin rules whatif  --rules DIR [--since DATE]    (later)

Messages follow LANG (Indonesian unless LANG starts with `en`). Exit 1 on any error.
"""
from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from chalicelib.rules.bundle import DEFAULT_PATH

from .build import build
from .cases import run_sources
from .check import full_check, static_errors
from .explain import explain
from .messages import language
from .source import RULES_DIR, load_sources


def _print_problems(problems, lang: str) -> None:
    for problem in sorted(problems, key=lambda p: (p.file, p.line)):
        print(problem.render(lang))


def cmd_build(args) -> int:
    out = Path(args.out) if args.out else DEFAULT_PATH
    bundle, problems = build(Path(args.rules), out)
    if problems or bundle is None:
        _print_problems(problems, language())
        return 1
    m = bundle["manifest"]
    print(f"rules {m['version']} -> {out} ({len(bundle['routing']['categories'])} categories, "
          f"{len(bundle['clock_rules'])} clock rules, {len(bundle['sanction_rules'])} sanction rules, "
          f"calendar {bundle['calendar']['years'][0]}-{bundle['calendar']['years'][1]})")
    return 0


def cmd_check(args) -> int:
    try:
        today = date.fromisoformat(args.today) if args.today else None
    except ValueError:
        print(f"lampungin rules check: --today must be a date, YYYY-MM-DD (got {args.today[:40]!r})",
              file=sys.stderr)
        return 2
    problems = full_check(Path(args.rules), today)
    lang = language()
    if problems:
        _print_problems(problems, lang)
        return 1
    print("rules OK" if lang == "en" else "aturan OK")
    return 0


def cmd_test(args) -> int:
    return run_tests(Path(args.rules), select=args.k, verbose=args.verbose, lang=language())


def run_tests(rules_dir: Path, select: str | None = None, verbose: bool = False, lang: str = "id") -> int:
    """`rules test`: the files must pass the static checks first, then every case must pass."""
    sources = load_sources(rules_dir)
    problems = static_errors(sources)
    if problems:
        _print_problems(problems, lang)
        return 1
    results = run_sources(sources, select)
    for r in results:
        if verbose or not r.ok:
            mark = ("LULUS" if lang == "id" else "PASS") if r.ok else ("GAGAL" if lang == "id" else "FAIL")
            print(f"{mark} {r.case.file}:{r.case.line} {r.case.name}")
        for failure in r.failures:
            print(failure.render(lang))
    failed = sum(not r.ok for r in results)
    print(f"{len(results)} contoh, {failed} gagal" if lang == "id" else f"{len(results)} cases, {failed} failed")
    return 1 if failed or not results else 0


def cmd_explain(args) -> int:
    return explain(Path(args.rules), case=args.case, facts=args.facts, lang=language())


def cmd_whatif(args) -> int:
    print("rules whatif: planned (replays recorded complaint histories under other rules); "
          "not built yet", file=sys.stderr)
    return 2


def _with_rules_dir(name: str, func):
    """A missing --rules folder is a usage error (one line, exit 2), not a traceback."""
    def run(args) -> int:
        if not Path(args.rules).is_dir():
            print(f"lampungin rules {name}: --rules {args.rules[:200]!r} is not a folder", file=sys.stderr)
            return 2
        return func(args)
    return run


def register(subparsers) -> None:
    rules = subparsers.add_parser("rules", help="check, test, explain and build the rules in rules/")
    sub = rules.add_subparsers(dest="rules_command", required=True)

    def add(name, func, help_text):
        parser = sub.add_parser(name, help=help_text)
        parser.add_argument("--rules", default=str(RULES_DIR), help="the rules folder (default: rules/)")
        parser.set_defaults(func=_with_rules_dir(name, func))
        return parser

    check = add("check", cmd_check, "validate everything under rules/ (file:line: message)")
    check.add_argument("--today", help="check lapses as of this date (YYYY-MM-DD)")
    test = add("test", cmd_test, "run the YAML cases under rules/tests/")
    test.add_argument("-k", help="only cases whose name contains this text")
    test.add_argument("-v", "--verbose", action="store_true")
    explain = add("explain", cmd_explain, "show which rules matched for one case, and why")
    explain.add_argument("case", nargs="?", help="a case name, or FILE[:N]")
    explain.add_argument("--facts", help='JSON facts, e.g. {"event": "missed", "clock": "followup", ...}')
    build = add("build", cmd_build, "write the bundle the Lambdas load")
    build.add_argument("--out", help="bundle file (default: chalicelib/rules/bundle/bundle.json)")
    whatif = add("whatif", cmd_whatif, "(later) replay recorded histories under other rules")
    whatif.add_argument("--since", help="replay complaints since this date")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="lampungin")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)
