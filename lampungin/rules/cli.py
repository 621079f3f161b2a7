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

import argparse
import errno
import sys
from datetime import date
from pathlib import Path

from chalicelib.rules.bundle import DEFAULT_PATH

from .build import build
from .cases import compiled_bundle, file_problems, run_sources
from .check import full_check, static_errors
from .cli_whatif import register_extra
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
    if below and measured is not None:
        print(Problem("", 0, "coverage_below", {"percent": shown(measured.percent),
                                                "minimum": f"{coverage_min:g}"}).message(lang))
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


def _percent(text: str) -> float:
    """--coverage-min: a percentage, 0 to 100."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"must be a percentage from 0 to 100, not {text[:20]!r}")
    return value


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


HELP = {
    "k": ("hanya contoh yang nama atau salah satu keyword-nya memuat TEKS (boleh berulang: salah satu)",
          "only cases whose name or one of whose keywords contains TEXT (repeatable: any)"),
    "verbose": ("tampilkan semua contoh", "show every case"),
    "coverage": ("laporkan aturan, baris routing dan nilai parameter bertanggal mana yang dijalankan "
                 "contoh",
                 "report which rules, routing rows and dated parameter values the cases exercise"),
    "coverage_min": ("gagal (exit 1) bila cakupan contoh di bawah PERSEN (berarti juga --coverage)",
                     "fail (exit 1) when the cases exercise less than PERCENT (implies --coverage)"),
    "junit": ("tulis juga laporan JUnit XML (satu testcase per contoh)",
              "also write a JUnit XML report (one testcase per case)"),
    "json": ("tulis juga laporan JSON (contoh, kegagalan, cakupan)",
             "also write a JSON report (cases, failures, coverage)"),
    "rules": ("periksa, uji, jelaskan dan bangun aturan di rules/",
              "check, test, explain and build the rules in rules/"),
    "dir": ("folder aturan (bawaan: rules/)", "the rules folder (default: rules/)"),
    "check": ("periksa semua isi rules/ (berkas:baris: pesan)",
              "validate everything under rules/ (file:line: message)"),
    "today": ("periksa masa berlaku per tanggal ini (YYYY-MM-DD)", "check lapses as of this date (YYYY-MM-DD)"),
    "test": ("jalankan contoh YAML di rules/tests/", "run the YAML cases under rules/tests/"),
    "explain": ("tunjukkan aturan mana yang cocok untuk satu contoh, dan mengapa",
                "show which rules matched for one case, and why"),
    "case": ("nama contoh, atau BERKAS[:N]", "a case name, or FILE[:N]"),
    "facts": ('fakta dalam JSON, mis. {"event": "missed", "clock": "followup", ...}',
              'JSON facts, e.g. {"event": "missed", "clock": "followup", ...}'),
    "build": ("tulis bundle yang dimuat Lambda", "write the bundle the Lambdas load"),
    "out": ("berkas bundle (bawaan: chalicelib/rules/bundle/bundle.json)",
            "bundle file (default: chalicelib/rules/bundle/bundle.json)"),
}
METAVARS = {"TEXT": ("TEKS", "TEXT"), "PERCENT": ("PERSEN", "PERCENT"), "FILE": ("BERKAS", "FILE")}


def _help(key: str) -> str:
    """A --help text in the reader's language (LANG), one language at a time."""
    return HELP[key][0 if language() == "id" else 1]


def _metavar(key: str) -> str:
    return METAVARS[key][0 if language() == "id" else 1]


def _test_arguments(test) -> None:
    test.add_argument("-k", action="append", metavar=_metavar("TEXT"), help=_help("k"))
    test.add_argument("-v", "--verbose", action="store_true", help=_help("verbose"))
    test.add_argument("--coverage", action="store_true", help=_help("coverage"))
    test.add_argument("--coverage-min", type=_percent, metavar=_metavar("PERCENT"), help=_help("coverage_min"))
    test.add_argument("--junit", metavar=_metavar("FILE"), help=_help("junit"))
    test.add_argument("--json", metavar=_metavar("FILE"), help=_help("json"))


def register(subparsers) -> None:
    rules = subparsers.add_parser("rules", help=_help("rules"), description=_help("rules"))
    sub = rules.add_subparsers(dest="rules_command", required=True)

    def add(name, func, help_text):
        parser = sub.add_parser(name, help=help_text, description=help_text)
        parser.add_argument("--rules", default=str(RULES_DIR), help=_help("dir"))
        parser.set_defaults(func=_with_rules_dir(name, func))
        return parser

    check = add("check", cmd_check, _help("check"))
    check.add_argument("--today", help=_help("today"))
    test = add("test", cmd_test, _help("test"))
    _test_arguments(test)
    explain = add("explain", cmd_explain, _help("explain"))
    explain.add_argument("case", nargs="?", help=_help("case"))
    explain.add_argument("--facts", help=_help("facts"))
    build = add("build", cmd_build, _help("build"))
    build.add_argument("--out", help=_help("out"))
    register_extra(sub, add)          # whatif and history (cli_whatif.py)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="lampungin")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)
