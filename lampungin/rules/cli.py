"""`lampungin rules ...`: check, test, explain and build the policy files under rules/.

    lampungin rules check   [--rules DIR] [--today YYYY-MM-DD]
    lampungin rules test    [--rules DIR] [-k TEXT ...] [-v] [--coverage] [--coverage-min PERCENT]
                            [--junit FILE] [--json FILE]
    lampungin rules explain CASE [--rules DIR]            (CASE: a case name, or FILE[:N])
    lampungin rules explain --facts JSON [--rules DIR]    (one sanction evaluation)
    lampungin rules build   [--rules DIR] [--out FILE]
    lampungin rules whatif  --rules DIR [--since DATE] ...  / rules history PARAM  (cli_whatif.py)

Messages follow LANG (Indonesian unless LANG starts with `en`). Exit 1 on any error.
"""
from __future__ import annotations

import errno
import sys
from datetime import date
from pathlib import Path

from chalicelib.rules.bundle import DEFAULT_PATH
from chalicelib.rules.explanations import number_text

from .build import build
from .cases import compiled_bundle, file_problems, run_sources
from .check import full_check, static_errors
from .cli_whatif import register_extra
from .cli_words import RulesParser, help_text, is_date, percent, rules_parser, words
from .coverage import measure, render, shown
from .explain import explain
from .messages import Problem, language
from .reports import write_json, write_junit
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
    m, lang = bundle["manifest"], language()
    print(BUILT[lang].format(version=m["version"], out=out, categories=len(bundle["routing"]["categories"]),
                             clock_rules=len(bundle["clock_rules"]), sanction_rules=len(bundle["sanction_rules"]),
                             first=bundle["calendar"]["years"][0], last=bundle["calendar"]["years"][1]))
    return 0


BUILT = {"id": "aturan {version} -> {out} ({categories} kategori, {clock_rules} aturan clock, {sanction_rules} "
               "aturan sanksi, kalender {first}-{last})",
         "en": "rules {version} -> {out} ({categories} categories, {clock_rules} clock rules, {sanction_rules} "
               "sanction rules, calendar {first}-{last})"}
BAD_TODAY = {"id": "lampungin rules check: --today {text!r}: harus tanggal yang ada, YYYY-MM-DD",
             "en": "lampungin rules check: --today {text!r}: must be a date, YYYY-MM-DD"}


def cmd_check(args) -> int:
    lang = language()
    if args.today is not None and not is_date(args.today):
        print(BAD_TODAY[lang].format(text=args.today[:40]), file=sys.stderr)
        return 2
    today = date.fromisoformat(args.today) if args.today else None
    problems = full_check(Path(args.rules), today)
    if problems:
        _print_problems(problems, lang)
        return 1
    print("rules OK" if lang == "en" else "aturan OK")
    return 0


def cmd_test(args) -> int:
    return run_tests(Path(args.rules), select=args.k, verbose=args.verbose, lang=language(),
                     coverage=args.coverage, coverage_min=args.coverage_min,
                     junit=Path(args.junit) if args.junit else None,
                     json_path=Path(args.json) if args.json else None)


def run_tests(rules_dir: Path, select: str | list[str] | None = None, verbose: bool = False, lang: str = "id",
              coverage: bool = False, coverage_min: float | None = None, junit: Path | None = None,
              json_path: Path | None = None) -> int:
    """`rules test`: the files must pass the static checks first, then every case must pass (and,
    with --coverage-min, the cases must exercise that share of the rules, rows and values)."""
    sources = load_sources(rules_dir)
    problems = static_errors(sources)
    if problems:
        _print_problems(problems, lang)
        return max(1, _reports(junit, json_path, [], problems, lang))
    problems = file_problems(sources)
    results = run_sources(sources, select)
    for r in results:
        if verbose or not r.ok:
            mark = ("LULUS" if lang == "id" else "PASS") if r.ok else ("GAGAL" if lang == "id" else "FAIL")
            print(f"{mark} {r.case.file}:{r.case.line} {r.case.name}")
        for failure in r.failures:
            print(failure.render(lang))
    _print_problems(problems, lang)
    if select and not results:
        chosen = " -k ".join(repr(s) for s in ([select] if isinstance(select, str) else select))
        print(Problem("", 0, "case_none_selected", {"selectors": chosen}).message(lang))
    failed = sum(not r.ok for r in results)
    summary = f"{len(results)} contoh, {failed} gagal" if lang == "id" else f"{len(results)} cases, {failed} failed"
    if problems:
        summary += f", {len(problems)} kesalahan berkas" if lang == "id" else f", {len(problems)} file problems"
    print(summary)
    measured = None
    if coverage or coverage_min is not None or json_path is not None:
        measured = measure(sources, compiled_bundle(sources.root), results)
    if measured is not None and (coverage or coverage_min is not None):
        print("\n".join(render(measured, lang)))
    below = measured is not None and coverage_min is not None and measured.percent < coverage_min
    if below and measured is not None and coverage_min is not None:
        print(Problem("", 0, "coverage_below", {"percent": shown(measured.percent, lang),
                                                "minimum": number_text(coverage_min, lang)}).message(lang))
    written = _reports(junit, json_path, results, problems, lang, measured, coverage_min)
    return written or (1 if failed or problems or not results or below else 0)


def _reports(junit: Path | None, json_path: Path | None, results, problems, lang: str,
             measured=None, minimum: float | None = None) -> int:
    """Write the CI reports asked for; 2 (and one line on stderr) when one cannot be written."""
    for path, write in ((junit, lambda f: write_junit(f, results, problems, lang, measured, minimum)),
                        (json_path, lambda f: write_json(f, results, problems, measured, minimum))):
        try:
            if path is not None:
                write(path)
        except OSError as why:
            words = OS_WORDS.get(why.errno or 0, (f"galat sistem {why.errno}", f"system error {why.errno}"))
            print(Problem("", 0, "report_unwritable", {"path": path, "why": words[0 if lang == "id" else 1]})
                  .message(lang), file=sys.stderr)
            return 2
    return 0


OS_WORDS = {errno.ENOENT: ("folder tujuannya tidak ada", "its folder does not exist"),
            errno.EACCES: ("tidak diizinkan menulis di sana", "no permission to write there"),
            errno.EPERM: ("tidak diizinkan menulis di sana", "no permission to write there"),
            errno.EISDIR: ("itu sebuah folder, bukan berkas", "it is a folder, not a file"),
            errno.ENOSPC: ("disk penuh", "the disk is full"),
            errno.EROFS: ("sistem berkasnya hanya-baca", "the file system is read-only")}


def cmd_explain(args) -> int:
    return explain(Path(args.rules), case=args.case, facts=args.facts, lang=language())


def _with_rules_dir(name: str, func):
    """A missing --rules folder is a usage error (one line, exit 2), not a traceback."""
    def run(args) -> int:
        if not Path(args.rules).is_dir():
            said = "bukan folder" if language() == "id" else "is not a folder"
            print(f"lampungin rules {name}: --rules {args.rules[:200]!r} {said}", file=sys.stderr)
            return 2
        return func(args)
    return run


def _test_arguments(test, lang: str) -> None:
    test.add_argument("-k", action="append", metavar=words("TEXT", lang), help=help_text("k", lang))
    test.add_argument("-v", "--verbose", action="store_true", help=help_text("verbose", lang))
    test.add_argument("--coverage", action="store_true", help=help_text("coverage", lang))
    test.add_argument("--coverage-min", type=percent(lang), metavar=words("PERCENT", lang),
                      help=help_text("coverage_min", lang))
    test.add_argument("--junit", metavar=words("FILE", lang), help=help_text("junit", lang))
    test.add_argument("--json", metavar=words("FILE", lang), help=help_text("json", lang))


def register(subparsers) -> None:
    """`lampungin rules` and its subcommands, every word of their help and errors in one language."""
    rules = rules_parser(subparsers, "rules", "rules")
    lang = rules.lang
    sub = rules.add_subparsers(dest="rules_command", required=True)

    def add(name, func, help_key):
        text = help_text(help_key, lang)
        parser = sub.add_parser(name, help=text, description=text, lang=lang)
        parser.add_argument("--rules", default=str(RULES_DIR), metavar=words("FOLDER", lang),
                            help=help_text("dir", lang))
        parser.set_defaults(func=_with_rules_dir(name, func))
        return parser

    check = add("check", cmd_check, "check")
    check.add_argument("--today", metavar=words("DATE", lang), help=help_text("today", lang))
    test = add("test", cmd_test, "test")
    _test_arguments(test, lang)
    explain = add("explain", cmd_explain, "explain")
    explain.add_argument("case", nargs="?", metavar=words("CASE", lang), help=help_text("case", lang))
    explain.add_argument("--facts", metavar=words("JSON", lang), help=help_text("facts", lang))
    build = add("build", cmd_build, "build")
    build.add_argument("--out", metavar=words("FILE", lang), help=help_text("out", lang))
    register_extra(sub, add, lang)          # whatif and history (cli_whatif.py)


def main(argv=None) -> int:
    """`lampungin rules ...` on its own (the tests'; `lampungin` itself is lampungin/cli.py)."""
    parser = RulesParser(prog="lampungin")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)
