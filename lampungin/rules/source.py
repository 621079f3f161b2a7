"""Read the policy files under rules/ keeping line numbers, so that every error a policy officer
sees points at `file:line` (build and check tooling only; the Lambda never imports PyYAML)."""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .messages import Words

REPO_ROOT = Path(__file__).resolve().parents[2]
RULES_DIR = REPO_ROOT / "rules"
SOURCE_KINDS = ("routing", "parameters", "calendar", "clocks", "sanctions", "notifications", "governments")
GOVERNMENTS = "governments"          # governments/<CODE>/...: an onboarded kabupaten/kota (README.md)
OTHER_FOLDERS = ("tests", "regions")  # example cases; Kemendagri regions data (lampungin/rules/regions.py)


class LineDict(dict):
    """A mapping that remembers its own line and the line of each key."""
    line: int = 0
    key_lines: dict
    duplicates: list


class LineList(list):
    line: int = 0
    item_lines: list


class BadDate(str):
    """What YAML wrote as a date that does not exist (2026-02-30, 2026-13-01): PyYAML raises a bare
    ValueError for it, with no line. The loader keeps the text instead and notes where it was, so
    `rules check` reports `file:line` (SourceFile.bad_dates), and the validators stay quiet about it."""


class _Loader(yaml.SafeLoader):
    def __init__(self, stream):
        super().__init__(stream)
        self.bad_dates: list[tuple[int, str]] = []


def _timestamp(loader: _Loader, node: yaml.ScalarNode):
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError):
        loader.bad_dates.append((node.start_mark.line + 1, str(node.value)))
        return BadDate(node.value)


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    result = LineDict()
    result.line, result.key_lines, result.duplicates = node.start_mark.line + 1, {}, []
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError("while constructing a mapping", node.start_mark,
                                                    "found unhashable key", key_node.start_mark) from None
        if key in result.key_lines:
            result.duplicates.append((key, key_node.start_mark.line + 1))
        result.key_lines[key] = key_node.start_mark.line + 1
        result[key] = loader.construct_object(value_node, deep=True)
    return result


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(n, deep=True) for n in node.value)
    result.line, result.item_lines = node.start_mark.line + 1, [n.start_mark.line + 1 for n in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)

DATE_TEXT = re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})"                        # YYYY-MM-DD
                       r"(?:(?:[Tt]|[ \t]+)([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?.*)?$")    # HH:MM[:SS]...
MONTHS = (("Januari", "January"), ("Februari", "February"), ("Maret", "March"), ("April", "April"),
          ("Mei", "May"), ("Juni", "June"), ("Juli", "July"), ("Agustus", "August"),
          ("September", "September"), ("Oktober", "October"), ("November", "November"),
          ("Desember", "December"))


def impossible_date(text) -> Words | None:
    """Why a text written like a date (YYYY-MM-DD, perhaps with a time) names no real day, in
    both languages; None when it is a real one, or not written like a date at all."""
    match = DATE_TEXT.match(str(text).strip())
    if not match:
        return None
    year, month, day = (int(match[i]) for i in (1, 2, 3))
    if year < 1:
        return Words("tahun 0 tidak ada", "there is no year 0")
    if not 1 <= month <= 12:
        return Words(f"bulan {month} tidak ada (bulan 1 sampai 12)", f"there is no month {month} (months are 1 to 12)")
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        name = MONTHS[month - 1]
        return Words(f"{name[0]} {year} hanya punya {days} hari", f"{name[1]} {year} has only {days} days")
    if match[4] is not None:
        hour, minute, second = int(match[4]), int(match[5]), int(match[6] or 0)
        if hour > 23 or minute > 59 or second > 59:
            return Words(f"jam {match[4]}:{match[5]} tidak ada (00:00 sampai 23:59)",
                         f"there is no time {match[4]}:{match[5]} (00:00 to 23:59)")
    return None


def line_of(node, key=None, default: int = 1) -> int:
    """Line of `key` in a LineDict (or of item `key` in a LineList), else of the node itself."""
    if isinstance(node, LineDict) and key is not None and key in node.key_lines:
        return node.key_lines[key]
    if isinstance(node, LineList) and isinstance(key, int) and key < len(node.item_lines):
        return node.item_lines[key]
    return getattr(node, "line", default) or default


def display_path(path: Path) -> str:
    """As a policy officer's editor wants it: relative to the working folder when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


@dataclass
class SourceFile:
    path: Path            # absolute
    rel: str              # as shown in messages: rules/routing/categories.yaml
    data: Any = None       # what the YAML holds (LineDict/LineList with line numbers)
    error: tuple[int, Words] | None = None   # (line, why, in both languages) when it did not parse
    bad_dates: list[tuple[int, str]] = field(default_factory=list)   # (line, text): days that do not exist


@dataclass
class Sources:
    root: Path
    files: dict[str, list[SourceFile]] = field(default_factory=dict)   # kind -> files

    def of(self, kind: str) -> list[SourceFile]:
        return self.files.get(kind, [])

    def find(self, kind: str, name: str) -> SourceFile | None:
        return next((f for f in self.of(kind) if f.path.name == name), None)

    def one(self, kind: str, name: str) -> SourceFile:
        """A required file (the static checks report a missing one before anyone asks)."""
        found = self.find(kind, name)
        if found is None:
            raise LookupError(f"{kind}/{name} is missing")
        return found

    def all(self) -> list[SourceFile]:
        return [f for kind in self.files for f in self.files[kind]]

    def government_codes(self) -> list[str]:
        """The folders under governments/ (each an onboarded government), in name order."""
        folder = self.root / GOVERNMENTS
        return sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []

    def of_government(self, code: str, part: str) -> list[SourceFile]:
        """A government's files of one part: `government.yaml`, `opds.yaml`, `categories.yaml`,
        `calendar` or `parameters` (tests are under kind "tests")."""
        return [f for f in self.of(GOVERNMENTS) if government_part(f.path, self.root) == (code, part)]

    def government_file(self, code: str, name: str) -> SourceFile | None:
        return next(iter(self.of_government(code, name)), None)

    def government_one(self, code: str, name: str) -> SourceFile:
        """A government's required file (the shape checks report a missing one first)."""
        found = self.government_file(code, name)
        if found is None:
            raise LookupError(f"governments/{code}/{name} is missing")
        return found


def government_part(path: Path, root: Path) -> tuple[str, str] | None:
    """(CODE, part) of a file under governments/CODE/ (part: the file name or its first folder)."""
    parts = path.relative_to(root).parts
    if len(parts) < 3 or parts[0] != GOVERNMENTS:
        return None
    return parts[1], parts[2]


def government_of_case_file(path: Path, root: Path) -> str | None:
    """The government whose tests folder holds this case file (governments/CODE/tests/...)."""
    found = government_part(path, root)
    return found[0] if found and found[1] == "tests" else None


def load_file(path: Path, root: Path) -> SourceFile:
    rel = display_path(path)
    source = SourceFile(path=path, rel=rel)
    try:
        raw = path.read_bytes()
    except OSError:
        source.error = (1, Words("bukan berkas biasa, atau tidak boleh dibaca", "not a plain file, or not readable"))
        return source
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        source.error = (raw[:exc.start].count(b"\n") + 1,
                        Words("berkas ini bukan teks UTF-8; simpan ulang sebagai UTF-8",
                              "this file is not UTF-8 text; save it again as UTF-8"))
        return source
    loader = None
    try:
        loader = _Loader(text)
        source.data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        source.error = ((mark.line + 1) if mark else 1, yaml_problem(exc))
    except yaml.YAMLError as exc:         # the reader: a control character, say
        line = text[:getattr(exc, "position", 0) or 0].count("\n") + 1
        source.error = (line, Words("berkas memuat karakter yang tidak boleh ada di YAML (karakter kendali)",
                                    "the file holds a character YAML does not allow (a control character)"))
    except RecursionError:
        source.error = (1, Words("susunan bersarang terlalu dalam", "nesting too deep"))
    finally:
        if loader is not None:
            source.bad_dates = loader.bad_dates
            loader.dispose()
    return source


# PyYAML's own sentences (English) -> what a policy officer reads in Indonesian; English keeps PyYAML's.
_YAML_ID = (
    (r"could not find expected ':'", "titik dua ':' yang diharapkan tidak ditemukan (periksa indentasi, "
                                     "atau tanda kutip yang belum ditutup)"),
    (r"mapping values are not allowed here", "titik dua ':' tidak boleh di sini (teks yang memuat ': ' harus "
                                             "diapit tanda kutip; periksa indentasi)"),
    (r"found character '\\t' that cannot start any token", "ada karakter tab: indentasi YAML hanya boleh spasi"),
    (r"found character (.+) that cannot start any token", "karakter {0} tidak boleh mengawali nilai (teks yang "
                                                          "diawali {0} harus diapit tanda kutip)"),
    (r"found unexpected end of stream", "berkas berakhir sebelum tanda kutip atau kurung ditutup"),
    (r"expected <block end>, but found", "indentasi tidak sejajar: baris ini tidak cocok dengan baris-baris di "
                                         "atasnya"),
    (r"expected ',' or '\]', but got", "daftar [ ... ] belum ditutup dengan ']' atau butirnya tidak dipisah koma"),
    (r"expected ',' or '\}', but got", "pasangan {{ ... }} belum ditutup dengan '}}' atau butirnya tidak dipisah "
                                        "koma"),
    (r"expected a comment or a line break, but found (.+)", "sesudah nilai ini hanya boleh komentar (#) atau baris "
                                                            "baru, bukan {0}"),
    (r"found undefined alias '(.+)'", "rujukan *{0} tidak punya penanda &{0} di atasnya"),
    (r"found duplicate anchor '(.+?)';", "penanda &{0} ditulis dua kali"),
    (r"found unknown escape character (.+)", "garis miring terbalik diikuti {0} tidak dikenal di teks bertanda "
                                             "kutip ganda (tulis \\\\, atau pakai tanda kutip tunggal)"),
    (r"sequence entries are not allowed here", "butir daftar '-' tidak boleh di sini (periksa indentasi)"),
    (r"expected the node content, but found", "nilai yang diharapkan tidak ada di sini"),
    (r"found unhashable key", "daftar atau pasangan tidak boleh dipakai sebagai kunci"),
    (r"could not determine a constructor for the tag (.+)", "tag {0} tidak dikenal (berkas aturan tidak memakai "
                                                            "tag YAML)"),
    (r"found unconstructable recursive node", "rujukan *nama menunjuk ke dirinya sendiri"),
    (r"expected a single document in the stream", "satu berkas hanya boleh berisi satu dokumen YAML (hapus '---' "
                                                  "yang kedua)"),
    (r"found undefined tag handle (.+)", "tag {0} tidak dikenal (berkas aturan tidak memakai tag YAML)"),
)


def yaml_problem(exc: yaml.MarkedYAMLError) -> Words:
    """PyYAML's error as words for both languages (the line is the caller's: its problem mark)."""
    problem = str(exc.problem or exc.context or "").strip()
    english = problem if exc.problem else str(exc)
    if exc.context and exc.problem and exc.context_mark is not None and exc.problem_mark is not None \
            and exc.context_mark.line != exc.problem_mark.line:
        english += f" ({exc.context} that starts on line {exc.context_mark.line + 1})"
    said = f"{exc.context or ''} {problem}"
    for pattern, indonesian in _YAML_ID:
        found = re.search(pattern, said)
        if found:
            text = indonesian.format(*found.groups())
            if exc.context_mark is not None and exc.problem_mark is not None \
                    and exc.context_mark.line != exc.problem_mark.line:
                text += f" (bagian yang dimulai di baris {exc.context_mark.line + 1})"
            return Words(text, english)
    return Words("susunan YAML tidak dapat dibaca di sini (periksa indentasi, titik dua dan tanda kutip)", english)


def load_sources(root: Path = RULES_DIR) -> Sources:
    root = Path(root)
    sources = Sources(root=root)
    for kind in SOURCE_KINDS + ("tests",):
        folder = root / kind
        paths = sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml")) if folder.is_dir() else []
        sources.files[kind] = [load_file(p, root) for p in paths]
    # a government's example cases are cases like any other (their folder names the government)
    own_tests = [f for f in sources.files[GOVERNMENTS] if government_of_case_file(f.path, root)]
    sources.files[GOVERNMENTS] = [f for f in sources.files[GOVERNMENTS] if f not in own_tests]
    sources.files["tests"] += own_tests
    return sources
