"""`lampungin rules ...` in one language: argparse's own words and every help text, Indonesian by
default and English with LANG=en (messages.language()).

Why: argparse writes "usage:", "options:", "show this help message and exit" and its errors ("the
following arguments are required", "invalid choice", "unrecognized arguments") in English whatever
the help texts say, so an Indonesian `--help` came out in two languages. argparse looks each of
those strings up through gettext at the moment it uses it: `from gettext import gettext as _,
ngettext` at the top of the module (CPython 3.11, 3.12 and 3.13 alike), and calls of `_(...)` /
`ngettext(...)` inside its methods, which read those module globals when they run. RulesParser runs
each of its own methods (building, formatting help and usage, parsing, reporting an error) with
those two globals pointing at the table below, and puts argparse's back afterwards, so no other
parser in the process is touched. ARGPARSE_ID covers every string a person running the command can
see in those versions; the ones argparse raises only for a mistake in the parser's own definition
are PROGRAMMER_ONLY (tests/unit/test_rules_one_language.py reads the running interpreter's argparse
and fails on a string in neither).

A rules parser also refuses arguments it does not know itself ("argumen tidak dikenal"), rather
than handing them back to `lampungin`'s top-level parser, which would report them in English.
"""
from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date

from .messages import language

ARGPARSE_ID = {
    "usage: ": "penggunaan: ",
    "positional arguments": "argumen posisi",
    "options": "opsi",
    "subcommands": "subperintah",
    "%(heading)s:": "%(heading)s:",
    " (default: %(default)s)": " (bawaan: %(default)s)",
    "show this help message and exit": "tampilkan pesan bantuan ini, lalu keluar",
    "show program's version number and exit": "tampilkan nomor versi program, lalu keluar",
    "%(prog)s: error: %(message)s\n": "%(prog)s: kesalahan: %(message)s\n",
    "%(prog)s: warning: %(message)s\n": "%(prog)s: peringatan: %(message)s\n",
    "argument %(argument_name)s: %(message)s": "argumen %(argument_name)s: %(message)s",
    "the following arguments are required: %s": "argumen berikut wajib diisi: %s",
    "one of the arguments %s is required": "salah satu argumen %s wajib diisi",
    "not allowed with argument %s": "tidak boleh dipakai bersama argumen %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "pilihan %(value)r tidak dikenal (pilih salah satu: "
                                                           "%(choices)s)",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "perintah %(parser_name)r tidak dikenal (pilih salah "
                                                             "satu: %(choices)s)",
    "unrecognized arguments: %s": "argumen tidak dikenal: %s",
    "ambiguous option: %(option)s could match %(matches)s": "opsi %(option)s bisa berarti lebih dari satu: "
                                                            "%(matches)s",
    "unexpected option string: %s": "opsi yang tidak diharapkan: %s",
    "expected one argument": "memerlukan satu nilai",
    "expected at least one argument": "memerlukan sedikitnya satu nilai",
    "expected at most one argument": "menerima paling banyak satu nilai",
    "expected %s argument": "memerlukan %s nilai",
    "expected %s arguments": "memerlukan %s nilai",
    "ignored explicit argument %r": "opsi ini tidak menerima nilai; %r diabaikan",
    "invalid %(type)s value: %(value)r": "nilai %(value)r tidak valid (%(type)s)",
    "can't open '%(filename)s': %(error)s": "tidak bisa membuka '%(filename)s': %(error)s",
    "argument '%(argument_name)s' is deprecated": "argumen '%(argument_name)s' sudah usang",
    "option '%(option)s' is deprecated": "opsi '%(option)s' sudah usang",
    "command '%(parser_name)s' is deprecated": "perintah '%(parser_name)s' sudah usang",
}
# raised by argparse only for a mistake in a parser's own definition (a programmer's, at import)
PROGRAMMER_ONLY = frozenset({
    ".__call__() not defined", "%r is not callable", "'required' is an invalid argument for positionals",
    'argument "-" with mode %r', "cannot have multiple subparser arguments",
    "cannot merge actions - two groups are named %r", "conflicting subparser alias: %s", "conflicting subparser: %s",
    "dest= is required for options like %r", "invalid conflict_resolution value: %r",
    "invalid option string %(option)r: must start with a character %(prefix_chars)r",
    "mutually exclusive arguments must be optional", "conflicting option string: %s",
    "conflicting option strings: %s",
})


def _indonesian(message: str) -> str:
    return ARGPARSE_ID.get(message, message)


def _indonesian_plural(singular: str, plural: str, n: int) -> str:
    return _indonesian(singular if n == 1 else plural)


def _english(message: str) -> str:
    return message


def _english_plural(singular: str, plural: str, n: int) -> str:
    return singular if n == 1 else plural


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """argparse's own words in `lang` while the block runs (its gettext globals swapped, then
    restored: nested blocks restore in turn)."""
    module = vars(argparse)
    saved = module["_"], module["ngettext"]
    module["_"], module["ngettext"] = (_indonesian, _indonesian_plural) if lang == "id" else (_english,
                                                                                          _english_plural)
    try:
        yield
    finally:
        module["_"], module["ngettext"] = saved


class RulesParser(argparse.ArgumentParser):
    """An ArgumentParser that speaks one language (LANG when it is made), its own words and
    argparse's, and refuses arguments it does not know instead of passing them up."""

    def __init__(self, *args, lang: str | None = None, **kwargs) -> None:
        self.lang = lang or language()
        with speaking(self.lang):
            super().__init__(*args, **kwargs)

    def add_subparsers(self, **kwargs):
        kwargs.setdefault("metavar", words("COMMAND", self.lang))
        with speaking(self.lang):
            return super().add_subparsers(**kwargs)

    def parse_known_args(self, args=None, namespace=None):
        with speaking(self.lang):
            namespace, extras = super().parse_known_args(args, namespace)
            if extras:
                self.error(vars(argparse)["_"]("unrecognized arguments: %s") % " ".join(extras))
        return namespace, extras

    def format_usage(self) -> str:
        with speaking(self.lang):
            return super().format_usage()

    def format_help(self) -> str:
        with speaking(self.lang):
            return super().format_help()

    def error(self, message: str):
        with speaking(self.lang):
            super().error(message)


def rules_parser(subparsers, name: str, help_key: str) -> RulesParser:
    """`lampungin rules`, added to `lampungin`'s own subcommands as a RulesParser. argparse makes a
    subcommand's parser of the class of the parser that made `subparsers` (its `_parser_class`),
    so that class is lent for this one call."""
    lang = language()
    made_by = subparsers._parser_class
    subparsers._parser_class = RulesParser
    try:
        text = help_text(help_key, lang)
        return subparsers.add_parser(name, help=text, description=text, lang=lang)
    finally:
        subparsers._parser_class = made_by


# --- help texts and metavars: (Indonesian, English) ------------------------------------------------
HELP = {
    "rules": ("periksa, uji, jelaskan dan bangun aturan di rules/",
              "check, test, explain and build the rules in rules/"),
    "dir": ("folder aturan (bawaan: rules/)", "the rules folder (default: rules/)"),
    "check": ("periksa semua isi rules/ (berkas:baris: pesan)",
              "validate everything under rules/ (file:line: message)"),
    "today": ("periksa masa berlaku per tanggal ini (YYYY-MM-DD)", "check lapses as of this date (YYYY-MM-DD)"),
    "test": ("jalankan contoh YAML di rules/tests/", "run the YAML cases under rules/tests/"),
    "k": ("hanya contoh yang nama atau salah satu kata kuncinya (keywords) memuat TEKS (boleh berulang: "
          "cukup salah satu yang cocok)",
          "only cases whose name or one of whose keywords contains TEXT (repeatable: any)"),
    "verbose": ("tampilkan semua contoh", "show every case"),
    "coverage": ("laporkan aturan, baris routing dan nilai parameter bertanggal mana yang dijalankan contoh",
                 "report which rules, routing rows and dated parameter values the cases exercise"),
    "coverage_min": ("gagal (kode keluar 1) bila cakupan contoh di bawah PERSEN (berarti juga --coverage)",
                     "fail (exit status 1) when the cases exercise less than PERCENT (implies --coverage)"),
    "junit": ("tulis juga laporan JUnit XML (satu entri per contoh)",
              "also write a JUnit XML report (one testcase per case)"),
    "json": ("tulis juga laporan JSON (contoh, kegagalan, cakupan)",
             "also write a JSON report (cases, failures, coverage)"),
    "explain": ("tunjukkan aturan mana yang cocok untuk satu contoh, dan mengapa",
                "show which rules matched for one case, and why"),
    "case": ("nama contoh, atau BERKAS[:N] (N: baris contoh atau urutannya di berkas)",
             "a case name, or FILE[:N] (N: the case's line or its position in the file)"),
    "facts": ('fakta dalam JSON, mis. {"event": "missed", "clock": "followup", "at": "2026-01-10T09:00:00+07:00"}',
              'JSON facts, e.g. {"event": "missed", "clock": "followup", "at": "2026-01-10T09:00:00+07:00"}'),
    "build": ("tulis bundle aturan yang dimuat Lambda", "write the rules bundle the Lambdas load"),
    "out": ("berkas bundle (bawaan: chalicelib/rules/bundle/bundle.json)",
            "bundle file (default: chalicelib/rules/bundle/bundle.json)"),
    "whatif": ("putar ulang riwayat aduan yang tercatat dengan aturan lain, lalu bandingkan",
               "replay recorded complaint histories under other rules, and compare"),
    "baseline": ("aturan pembanding (bawaan: rules/, aturan yang berlaku)",
                 "the rules to compare with (default: rules/, the rules in force)"),
    "since": ("aduan yang diajukan pada atau sesudah tanggal ini (YYYY-MM-DD, WIB)",
              "complaints filed on or after this date (YYYY-MM-DD, WIB)"),
    "until": ("aduan yang diajukan sampai dengan tanggal ini (YYYY-MM-DD, WIB)",
              "complaints filed up to and including this date (YYYY-MM-DD, WIB)"),
    "source": ("'local' (sistem lokal yang sedang berjalan, bawaan) atau berkas JSONL hasil `lampungin export`",
               "'local' (the running local system, the default) or a JSONL file of `lampungin export`"),
    "as_of": ("hitung clock sampai waktu ini (bawaan: sekarang); kejadian sesudahnya dianggap belum terjadi",
              "count clocks up to this time (default: now); later events have not happened"),
    "whatif_json": ("cetak laporannya sebagai JSON", "print the report as JSON"),
    "html": ("tulis juga laporan HTML bergrafik ke BERKAS ini", "also write an HTML report with charts to this FILE"),
    "progress": ("gambar bilah kemajuan di stderr (bawaan: bila stderr sebuah terminal)",
                 "draw a progress bar on stderr (default: when stderr is a terminal)"),
    "state_dir": ("data stack lokal (bawaan: $LAMPUNGIN_HOME atau .local/)",
                  "the local stack's state (default: $LAMPUNGIN_HOME or .local/)"),
    "from_env": ("dengan --source local: baca lingkungan AWS yang dikonfigurasi",
                 "with --source local: read the configured AWS environment"),
    "history": ("nilai bertanggal sebuah parameter beserta dasar hukumnya, termasuk yang akan berlaku",
                "a parameter's dated values with their references, future ones too"),
    "param": ("nama parameter, mis. clocks.followup.hours", "the parameter, e.g. clocks.followup.hours"),
    "government": ("kode kabupaten/kota yang sudah bergabung (nilainya sendiri, bila menetapkannya)",
                   "an onboarded kabupaten/kota's code (its own values where it sets them)"),
    "history_today": ("tandai nilai sebagai lewat, berlaku atau diumumkan per tanggal ini (YYYY-MM-DD)",
                      "mark values as past, in force or announced relative to this date (YYYY-MM-DD)"),
    # `lampungin reconcile` (lampungin/reconcile.py) speaks the same way
    "reconcile": ("bangun ulang tenggat aduan (dan yang lain yang dikerjakan pengolah perubahan) dari riwayatnya; "
                  "aman dijalankan dua kali",
                  "rebuild complaints' clocks (and the rest the stream does) from their timelines; "
                  "safe to run twice"),
    "r_complaint": ("aduan ini (boleh berulang)", "this complaint (repeatable)"),
    "r_since": ("setiap aduan yang berubah pada atau sesudah waktu ini (ISO 8601, atau tanggal WIB)",
                "every complaint changed at or after this time (ISO 8601, or a date in WIB)"),
    "r_until": ("…dan diajukan sebelum waktu ini (tanggal: sampai dengan tanggal itu)",
                "…and filed before this time (a date: up to and including it)"),
    "r_dry_run": ("hanya daftar aduannya, tanpa mengubah apa pun", "list the complaints, change nothing"),
    "r_from_env": ("pakai lingkungan AWS yang dikonfigurasi, bukan stack lokal",
                   "use the AWS environment as configured instead of the local stack"),
}
METAVARS = {"COMMAND": ("PERINTAH", "COMMAND"), "TEXT": ("TEKS", "TEXT"), "PERCENT": ("PERSEN", "PERCENT"),
            "FILE": ("BERKAS", "FILE"), "FOLDER": ("FOLDER", "FOLDER"), "DATE": ("TANGGAL", "DATE"),
            "TIME": ("WAKTU", "TIME"), "JSON": ("JSON", "JSON"), "CASE": ("CONTOH", "CASE"),
            "SOURCE": ("SUMBER", "SOURCE"), "PARAM": ("PARAMETER", "PARAMETER"), "CODE": ("KODE", "CODE"),
            "ID": ("NOMOR", "ID")}


def help_text(key: str, lang: str | None = None) -> str:
    """A --help text in the reader's language (LANG), one language at a time."""
    return HELP[key][0 if (lang or language()) == "id" else 1]


def words(key: str, lang: str | None = None) -> str:
    """A metavar (the placeholder of a value in usage and help) in the reader's language."""
    return METAVARS[key][0 if (lang or language()) == "id" else 1]


# --- values of options, checked by argparse (a bad one: the usage and one line, exit 2) ---------------
TYPE_ERRORS = {"percent": ("harus persentase dari 0 sampai 100, bukan {text!r}",
                           "must be a percentage from 0 to 100, not {text!r}")}


def percent(lang: str) -> Callable[[str], float]:
    """--coverage-min: a percentage, 0 to 100."""
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = -1.0
        if not 0 <= value <= 100:
            raise argparse.ArgumentTypeError(TYPE_ERRORS["percent"][0 if lang == "id" else 1].format(text=text[:20]))
        return value
    parse.__name__ = "persen" if lang == "id" else "percent"
    return parse


def is_date(text: str) -> bool:
    """YYYY-MM-DD in ASCII digits, a day that exists."""
    if len(text) != 10 or not text.isascii():
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True
