"""One language at a time (issue 14, part 4): every `lampungin rules ...` output - help, argparse's
own usage and errors, results, and what bad inputs get - is entirely Indonesian by default and
entirely English with LANG=en, with times in WIB.

GIVEN each rules subcommand (and its --help, and deliberately bad inputs: broken YAML, a date that
does not exist, an unknown clock, bad --facts JSON, bad case parameters) WHEN it runs in process
under LANG unset and LANG=en THEN the Indonesian output holds none of the English words below and
the English output none of the Indonesian ones, once what policy staff wrote verbatim (case names,
category, OPD and holiday names, legal references, quoted values) and the codes one types (options,
paths, rule ids, dotted names) are set aside; and every date with a time says WIB.
"""
from __future__ import annotations

import argparse
import ast
import json
import re
import string
import sys
from pathlib import Path

import pytest

from lampungin.cli import main
from lampungin.rules.cases import collect, compiled_bundle
from lampungin.rules.source import load_sources
from tests.rules.helpers import edit, rules_copy

# English words that must not appear in Indonesian output ...
ENGLISH = set("""usage options option positional arguments argument error errors warning warnings invalid
choice choose required unrecognized expected show help message exit the and of is are not must with from
hours hour days day minutes minute late deadline due rule rules case cases file files passed failed pass
fail built true false yes none monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri
sat sun calendar working level reference facts version matched decision result starts stops event table
policy priority categories sanction sanctions cannot unknown did you mean line column could remove write
written allowed known got counted""".split())
# ... and Indonesian words that must not appear in English output
INDONESIAN = set("""jam menit hari kerja galat kesalahan pilihan argumen opsi penggunaan bantuan keluar perintah
wajib tidak bukan dan atau yang untuk dari dengan sejak sampai berlaku aturan contoh berkas tanggal waktu
tenggat terlambat tercatat tepat kejadian keputusan sanksi hasil fakta mulai berhenti cocok lulus gagal senin
selasa rabu kamis jumat sabtu minggu kalender persen tindak lanjut persetujuan baris kolom maksudnya
mungkin tulis ditulis harus boleh dikenal ternyata diharapkan kategori tabel kebijakan""".split())
WIB_TIME = re.compile(r"(\d{4}-\d{2}-\d{2}|\d{2}-\d{2}-\d{4})[ T]\d{2}:\d{2}(:\d{2})?(?P<after>.{0,6})")
QUOTED = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"|`[^`\n]*`")
KNOWN_NAMES = re.compile(r"\((yang ada|yang boleh|yang bergabung|known|allowed|onboarded): [^)]*\)")   # lists of codes
# a decimal written the other language's way: 1.5 jam / 38.0% / =1.5 in Indonesian, 1,5 hours in English
WRONG_DECIMAL = {"id": re.compile(r"(\d+\.\d+ ?(%|jam|menit|hari|persen)|=\d+\.\d+)"),
                 "en": re.compile(r"(\d+,\d+ ?(%|hours|minutes|days|percent)|=\d+,\d+)")}
PUNCTUATION = "()[]{}<>,.;:!?'\"…→"


# --- the trees the commands run on ---------------------------------------------------------------------
BAD_CASES = """cases:
  - name: Kasus rusak
    category: jalan-provinsi
    parameters: {clocks.followup.hours: 0 jam, clocks.approval.hours: 3 hari}
    expct: {sanctions: []}
    timeline:
      - Jumat 2026-01-09 16:00 diajukan
      - Jumat 2026-02-30 16:00 ditindaklanjut
  - name: Waktu mundur
    category: jalan-provinsi
    timeline:
      - Jumat 2026-01-09 16:00 diajukan
      - Kamis 2026-01-08 09:00 ditindaklanjuti
    expect: {sanctions: []}
  - name: Tenggat salah
    category: jalan-provinsi
    parameters: {clocks.followup.hours: 1 hari kerja}
    timeline:
      - Jumat 2026-01-09 16:00 diajukan
    expect:
      deadlines: [{clock: followup, due: Sabtu 2026-01-10 16:00}]
      sanctions: []
"""


@pytest.fixture(scope="module")
def trees(tmp_path_factory):
    """The shipped rules, and copies broken on purpose (one fault each)."""
    root = tmp_path_factory.mktemp("one-language")
    good = rules_copy(root / "good")
    made = {"good": good}
    for name, (path, old, new) in {
        "bad_yaml": ("routing/opds.yaml", "opds:", "opds: [\n  - {code"),
        "bad_date": ("parameters/clocks.yaml", "2025-01-01:", "2025-02-30:"),
        "unknown_clock": ("clocks/clocks.yaml", "clock: followup", "clock: folowup"),
        "unknown_event": ("clocks/clocks.yaml", "event: followed_up\n", "event: terlambat\n"),
        "bad_boolean": ("calendar/calendar.yaml", "national: true", "national: ya-tentu"),
        "zero_hours": ("parameters/clocks.yaml", "value: 24\n", "value: 0\n"),
    }.items():
        tree = rules_copy(root / name)
        edit(tree / path, old, new)
        made[name] = tree
    bad_cases = rules_copy(root / "bad_cases")
    (bad_cases / "tests" / "zz-rusak.yaml").write_text(BAD_CASES, encoding="utf-8")
    made["bad_cases"] = bad_cases
    export = root / "riwayat.jsonl"
    export.write_text("\n".join(json.dumps(h) for h in _histories()) + "\n", encoding="utf-8")
    made["export"] = export
    unordered = root / "kacau.jsonl"
    unordered.write_text("\n".join(json.dumps(h) for h in reversed(list(_histories()))) + "\n", encoding="utf-8")
    made["unordered"] = unordered
    made["out"] = root / "out" / "bundle.json"
    return made


def _histories():
    """Two exported histories (lampungin export's shape): one followed up late, one not at all."""
    def event(seq, at, kind, role):
        return {"seq": seq, "at": at, "type": kind, "actor_role": role, "actor": None, "from_status": None,
                "to_status": None, "opd": None}
    yield {"id": "c-1", "category": "pajak-kendaraan", "opd": "BAPENDA", "created_at": "2026-03-02T01:00:00Z",
           "events": [event(1, "2026-03-02T01:00:00Z", "submitted", "citizen"),
                      event(2, "2026-03-03T05:00:00Z", "followed_up", "operator")]}
    yield {"id": "c-2", "category": "jalan-provinsi", "opd": "BMBK", "created_at": "2026-03-04T01:00:00Z",
           "events": [event(1, "2026-03-04T01:00:00Z", "submitted", "citizen")]}


FACTS = {"event": "missed", "clock": "followup", "at": "2026-01-10T09:00:00+00:00", "hours_late": 1.5}
RUNS = {      # name: argv (T: the tree, keys of `trees` in braces)
    "help": ["--help"], "check help": ["check", "-h"], "test help": ["test", "-h"], "explain help": ["explain", "-h"],
    "build help": ["build", "-h"], "whatif help": ["whatif", "-h"], "history help": ["history", "-h"],
    "no command": [], "misspelt command": ["chek"], "unknown option": ["check", "--bogus", "--rules", "{good}"],
    "bad percent": ["test", "--coverage-min", "200"], "missing value": ["test", "--junit"],
    "missing parameter": ["history"],
    "check": ["check", "--rules", "{good}", "--today", "2026-06-01"],
    "check bad yaml": ["check", "--rules", "{bad_yaml}"], "check bad date": ["check", "--rules", "{bad_date}"],
    "check unknown clock": ["check", "--rules", "{unknown_clock}"],
    "check unknown event": ["check", "--rules", "{unknown_event}"],
    "check bad boolean": ["check", "--rules", "{bad_boolean}"],
    "check zero hours": ["check", "--rules", "{zero_hours}"],
    "check bad today": ["check", "--rules", "{good}", "--today", "2026-13-01"],
    "check no folder": ["check", "--rules", "/nonexistent/rules"],
    "test": ["test", "--rules", "{good}", "-v", "--coverage"],
    "test bad cases": ["test", "--rules", "{bad_cases}", "-k", "rusak", "-k", "mundur", "-k", "salah"],
    "test bad yaml": ["test", "--rules", "{bad_yaml}"],
    "test none selected": ["test", "--rules", "{good}", "-k", "zzz"],
    "explain case": ["explain", "followup:1", "--rules", "{good}"],
    "explain working days": ["explain", "Kabupaten - hari kerja", "--rules", "{good}"],
    "explain no case": ["explain", "tidak-ada-contoh-ini", "--rules", "{good}"],
    "explain facts": ["explain", "--facts", json.dumps(FACTS), "--rules", "{good}"],
    "explain facts at the deadline": ["explain", "--facts", json.dumps({**FACTS, "hours_late": 0}), "--rules",
                                      "{good}"],
    "explain bad json": ["explain", "--facts", "{bad", "--rules", "{good}"],
    "explain unknown fact": ["explain", "--facts", json.dumps({**FACTS, "clokc": "x"}), "--rules", "{good}"],
    "explain bad time": ["explain", "--facts", json.dumps({**FACTS, "at": "2026-02-30T10:00:00Z"}), "--rules",
                         "{good}"],
    "explain long number": ["explain", "--facts", '{"hours_late": ' + "9" * 5000 + "}", "--rules", "{good}"],
    "explain bad number": ["explain", "--facts", json.dumps({**FACTS, "hours_late": "x"}), "--rules", "{good}"],
    "build": ["build", "--rules", "{good}", "--out", "{out}"],
    "build broken": ["build", "--rules", "{unknown_clock}", "--out", "{out}"],
    "whatif": ["whatif", "--rules", "{good}", "--baseline", "{good}", "--source", "{export}", "--as-of",
               "2026-06-01", "--no-progress"],
    "whatif bad date": ["whatif", "--rules", "{good}", "--source", "{export}", "--since", "2026-02-30"],
    "whatif out of order": ["whatif", "--rules", "{good}", "--baseline", "{good}", "--source", "{unordered}"],
    "whatif no file": ["whatif", "--rules", "{good}", "--baseline", "{good}", "--source", "/nonexistent.jsonl"],
    "history": ["history", "clocks.followup.hours", "--rules", "{good}", "--today", "2026-06-01"],
    "history government": ["history", "clocks.followup.hours", "--rules", "{good}", "--government", "PESAWARAN",
                           "--today", "2026-06-01"],
    "history misspelt": ["history", "clocks.folowup.hours", "--rules", "{good}"],
    "history bad today": ["history", "clocks.followup.hours", "--rules", "{good}", "--today", "2026-02-30"],
}


def argv_of(name: str, trees: dict) -> list[str]:
    argv = []
    for arg in RUNS[name]:
        for key, value in trees.items():
            arg = arg.replace("{" + key + "}", str(value))
        argv.append(arg)
    return argv


def run(capsys, monkeypatch, lang: str | None, argv: list[str], command: str = "rules") -> tuple[int, str]:
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    if lang:
        monkeypatch.setenv("LANG", lang)
    monkeypatch.setenv("COLUMNS", "100")
    try:
        code = main([command, *argv])
    except SystemExit as stop:                 # argparse's --help and usage errors
        code = int(stop.code or 0)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.fixture(scope="module")
def verbatim(trees):
    """What policy staff wrote, shown as written in either language: names, references, codes."""
    rules = trees["good"]
    sources = load_sources(rules)
    bundle = compiled_bundle(rules)
    found = {case.name for tree in ("good", "bad_cases") for case in collect(load_sources(trees[tree]))}

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("name", "reference", "written", "sector", "category") and isinstance(value, str):
                    found.add(value)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)
    walk({k: v for k, v in bundle.data.items() if k != "regions"})
    walk(sources.one("routing", "jurisdictions.yaml").data)
    found |= {f"[{code}]" for code in bundle.data["levels"]}
    found |= {"Lampung In", "cuti bersama", "Kemendagri", "kabupaten/kota", "lainnya"}
    return sorted((text for text in found if len(text) > 2), key=len, reverse=True)


def words_of(text: str, argv: list[str], verbatim: list[str]) -> set[str]:
    """The words a reader reads as prose: without the arguments typed, what staff wrote verbatim,
    quoted values, and tokens that are codes (options, paths, ids, numbers, dotted or dashed names)."""
    for written in verbatim:
        text = text.replace(written, " ")
    for typed in sorted((a for a in argv if len(a) > 2), key=len, reverse=True):
        text = text.replace(typed, " ")
    text = re.sub(r"lampungin rules( [a-z]+)?", " ", QUOTED.sub(" ", text))
    text = KNOWN_NAMES.sub(" ", text)
    out = set()
    for raw in text.split():
        token = raw.strip(PUNCTUATION)
        if token and all(c in string.ascii_letters for c in token):
            out.add(token.lower())
    return out


@pytest.mark.parametrize("name", list(RUNS))
def test_every_output_is_in_one_language(capsys, monkeypatch, trees, verbatim, name):
    argv = argv_of(name, trees)
    code_id, out_id = run(capsys, monkeypatch, None, argv)
    code_en, out_en = run(capsys, monkeypatch, "en_US.UTF-8", argv)
    assert code_id == code_en and out_id.strip() and out_en.strip()
    assert "Traceback" not in out_id + out_en
    english = words_of(out_id, argv, verbatim) & ENGLISH
    assert not english, f"English in the Indonesian output of {name}: {sorted(english)}\n{out_id}"
    indonesian = words_of(out_en, argv, verbatim) & INDONESIAN
    assert not indonesian, f"Indonesian in the English output of {name}: {sorted(indonesian)}\n{out_en}"
    for out in (out_id, out_en):
        shown = QUOTED.sub(" ", out)                 # a value as written, even one that does not exist
        lang = "id" if out is out_id else "en"
        assert not WRONG_DECIMAL[lang].search(shown), f"{name}: {WRONG_DECIMAL[lang].search(shown)[0]!r}\n{out}"
        for match in WIB_TIME.finditer(shown):
            assert match["after"].startswith((" WIB", "+07:00")), f"{name}: {match[0]!r} is not in WIB\n{out}"
        assert not re.search(r"\d{2}:\d{2}(:\d{2})?(Z|\+00:00)", shown), f"{name}: a UTC time is shown\n{out}"


def test_the_sweep_sees_what_it_should(capsys, monkeypatch, trees):
    """The sweep above is only as good as what it runs into: the outputs really hold the things a
    mixed language used to leak through (argparse's words, lateness, decimals, day names)."""
    good = str(trees["good"])
    _, out = run(capsys, monkeypatch, None, ["check", "--bogus"])
    assert "penggunaan: lampungin rules check" in out and "kesalahan: argumen tidak dikenal: --bogus" in out
    _, out = run(capsys, monkeypatch, "en", ["check", "--bogus"])
    assert "usage: lampungin rules check" in out and "error: unrecognized arguments: --bogus" in out
    _, out = run(capsys, monkeypatch, None, ["explain", "followup:1", "--rules", good])
    assert "(tercatat tepat pada batas waktu)" in out and "Sabtu 2026-01-10 16:00 WIB" in out
    _, out = run(capsys, monkeypatch, "en", ["explain", "followup:1", "--rules", good])
    assert "(recorded at the deadline)" in out and "Saturday 2026-01-10 16:00 WIB" in out
    _, out = run(capsys, monkeypatch, None, ["explain", "--facts", json.dumps(FACTS), "--rules", good])
    assert "(1,5 jam terlambat)" in out and "hours_late=1,5" in out
    _, out = run(capsys, monkeypatch, "en", ["explain", "--facts", json.dumps(FACTS), "--rules", good])
    assert "(1.5 hours late)" in out and "hours_late=1.5" in out
    _, out = run(capsys, monkeypatch, None, argv_of("whatif", trees))
    assert "Senin 02-03-2026 08:00 WIB" in out
    _, out = run(capsys, monkeypatch, "en", argv_of("whatif", trees))
    assert "Monday 02-03-2026 08:00 WIB" in out


# --- argparse's own words: every one the running interpreter can show has its Indonesian ------------------
def _argparse_messages() -> set[str]:
    tree = ast.parse(Path(argparse.__file__).read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "ngettext"):
            found |= {a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)}
    return found


def test_every_argparse_message_of_this_python_is_translated_or_a_programming_error():
    from lampungin.rules.cli_words import ARGPARSE_ID, PROGRAMMER_ONLY

    seen = _argparse_messages()
    assert {"usage: ", "options", "the following arguments are required: %s"} <= seen, sys.version
    assert not seen - set(ARGPARSE_ID) - PROGRAMMER_ONLY, sys.version
    for english, indonesian in ARGPARSE_ID.items():
        assert re.findall(r"%(?:\(\w+\))?[sr]", english) == re.findall(r"%(?:\(\w+\))?[sr]", indonesian) \
            or sorted(re.findall(r"%\(\w+\)[sr]", english)) == sorted(re.findall(r"%\(\w+\)[sr]", indonesian)), english


def test_argparse_is_itself_again_after_a_rules_parser_has_spoken(capsys, monkeypatch):
    run(capsys, monkeypatch, None, ["--help"])
    run(capsys, monkeypatch, None, ["chek"])
    plain = argparse.ArgumentParser(prog="other")
    assert plain.format_usage().startswith("usage: other") and "options:" in plain.format_help()


def _parsers(parser):
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                yield from _parsers(child)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_help_text_and_metavar_exists_in_both_languages(monkeypatch, lang):
    from lampungin.rules import cli
    from lampungin.rules.cli_words import ARGPARSE_ID, HELP, METAVARS

    monkeypatch.setenv("LANG", "en" if lang == "en" else "id_ID.UTF-8")
    i = 0 if lang == "id" else 1
    parser = cli.RulesParser(prog="lampungin")
    cli.register(parser.add_subparsers(dest="command", required=True))
    helps = {texts[i] for texts in HELP.values()}
    own_help = "show this help message and exit"
    helps.add(ARGPARSE_ID[own_help] if lang == "id" else own_help)
    metavars = {names[i] for names in METAVARS.values()}
    seen = 0
    for p in _parsers(parser):
        assert p.description is None or p.description in helps, p.prog
        for action in p._actions:
            if isinstance(action, argparse._SubParsersAction):
                assert action.metavar in metavars
                assert all(choice.help in helps for choice in action._choices_actions)
                continue
            seen += 1
            assert action.help in helps, (p.prog, action.option_strings, action.help)
            if action.nargs != 0:
                assert action.metavar in metavars, (p.prog, action.option_strings)
    assert seen > 30


# --- message codes: each used one exists in both languages, and none is left unused --------------------
RULES_CODE = Path(__file__).resolve().parents[2] / "lampungin" / "rules"


def _codes_used() -> set[str]:
    """Message codes the toolchain passes on: Problem(file, line, CODE), ctx.add(line, CODE),
    _fail(result, line, CODE), _error(CODE), and (line, CODE, {params}) / (CODE, {params}) tuples."""
    used: set[str] = set()

    def code(node):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and re.fullmatch(r"[a-z_]+", node.value):
            used.add(node.value)
        elif isinstance(node, ast.IfExp):              # "duration_unit" if bare else "duration_bad"
            code(node.body)
            code(node.orelse)
        elif isinstance(node, ast.JoinedStr):         # f"template_{kind}": every kind the templates raise
            prefix = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
            used.update(f"{prefix}{kind}" for kind in ("brace", "field", "format"))
    for path in RULES_CODE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
                position = {"Problem": 2, "add": 1, "_fail": 2, "_error": 0}.get(name)
                if position is not None and len(node.args) > position:
                    code(node.args[position])
            elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "code" for t in node.targets):
                code(node.value)                         # code = "holiday_twice" if ... else "holiday_conflict"
            elif isinstance(node, ast.Tuple) and len(node.elts) in (2, 3) and isinstance(node.elts[-1], ast.Dict):
                code(node.elts[-2])
    return used


def test_every_message_code_used_exists_and_every_code_is_used():
    from chalicelib.rules.templates import TemplateError
    from lampungin.rules.messages import MESSAGES

    used = _codes_used()
    assert {"yaml", "case_parameter_range", "template_brace", "case_refused_status"} <= used
    assert not used - set(MESSAGES), f"codes without a message: {sorted(used - set(MESSAGES))}"
    assert not set(MESSAGES) - used, f"messages nothing uses: {sorted(set(MESSAGES) - used)}"
    assert TemplateError.__name__


def _names(text: str) -> set[str]:
    return {re.sub(r"_(id|en)$", "", field) for _, field, _, _ in string.Formatter().parse(text) if field}


def test_every_message_has_both_languages_with_the_same_fields():
    from lampungin.rules.messages import MESSAGES, SUGGESTION

    for code, texts in {**MESSAGES, "suggestion": SUGGESTION}.items():
        assert len(texts) == 2 and all(t.strip() for t in texts), code
        if code == "case_error":                     # Python's English detail: in the English text only
            assert _names(texts[1]) - _names(texts[0]) == {"detail"}, code
        elif code != "regions_data":                 # worded by regions.py: {id} / {en} themselves
            assert _names(texts[0]) == _names(texts[1]), code


def test_every_table_of_words_has_both_languages_alike():
    from chalicelib.domain import wording
    from chalicelib.rules import explanations
    from lampungin.rules import cli_words, explain, history, whatif, whatif_html

    for table in (whatif.WORDS, history.TEXT, history.UNITS, explain.WORDS, wording.LATE, whatif_html.HTML_TEXT):
        assert set(table) == {"id", "en"} and set(table["id"]) == set(table["en"])
        for key, text in table["id"].items():
            if isinstance(text, str):
                assert _names(text) == _names(table["en"][key]), key
    for table in (cli_words.HELP, cli_words.METAVARS, explain.FACT_ERRORS, explain.ACTIONS, explain.HIT_POLICIES,
                  explain.CLOCK_NAMES, explain.DAY_KINDS):
        for key, texts in table.items():
            assert len(texts) == 2 and all(isinstance(t, str) and t for t in texts), key
    assert len(explanations.WORDS["id"]) == len(explanations.WORDS["en"])


def test_a_case_that_cannot_run_says_so_in_one_language(monkeypatch):
    """Python's own error text is English: the Indonesian message does without it and says where
    to read it; the English one carries it."""
    from lampungin.rules import cases
    from lampungin.rules.source import RULES_DIR
    bundle = cases.compiled_bundle(RULES_DIR)
    case = cases.collect(load_sources(RULES_DIR))[0]

    def broken(*args, **kwargs):
        raise ValueError("something broke inside")
    monkeypatch.setattr(cases, "play", broken)
    result = cases.run_case(bundle, case)
    [problem] = [p for p in result.failures if p.code == "case_error"]
    indonesian, english = problem.message("id"), problem.message("en")
    assert "something broke inside" not in indonesian and "LANG=en" in indonesian
    assert "could not run: ValueError: something broke inside" in english


RECONCILE_RUNS = {"help": ["--help"], "unknown option": ["--bogus"], "nothing to do": [],
                  "both": ["--complaint", "ADU-1", "--since", "2026-11-01"],
                  "bad date": ["--since", "2026-13-01"]}


@pytest.mark.parametrize("name", list(RECONCILE_RUNS))
def test_lampungin_reconcile_speaks_one_language_too(capsys, monkeypatch, name):
    """The DevOps tool of the DLQ runbook, like `lampungin rules`: help, usage and its errors in
    Indonesian by default, in English with LANG=en, never both."""
    argv = RECONCILE_RUNS[name]
    code_id, out_id = run(capsys, monkeypatch, None, argv, command="reconcile")
    code_en, out_en = run(capsys, monkeypatch, "en_US.UTF-8", argv, command="reconcile")
    assert code_id == code_en and out_id.strip() and out_en.strip() and "Traceback" not in out_id + out_en
    assert code_id in (0, 2)
    english = words_of(out_id, argv, []) & ENGLISH
    assert not english, f"English in the Indonesian output: {sorted(english)}\n{out_id}"
    indonesian = words_of(out_en, argv, []) & INDONESIAN
    assert not indonesian, f"Indonesian in the English output: {sorted(indonesian)}\n{out_en}"
    if name == "help":
        assert "aduan" in out_id and "complaint" in out_en.replace("--complaint", "")
