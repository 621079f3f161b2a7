"""Check and compile rules/regions/: Lampung's Kemendagri regions (build and check side).

rules/regions/lampung.csv (code,parent,level,name) and source.yaml are written by
tools/import-regions from a pinned, integrity-checked data package; nobody edits them by hand, but a
hand edit or a bad merge must still fail `rules check` with `file:line: message` rather than reach
the bundle: a malformed row, an unknown level, a level that does not fit its code, a duplicate
code, a parent that is missing or is not the code's prefix, counts that no longer agree with
source.yaml, and (when present) kabupaten/kota polygons in boundaries.json that are not polygons
or name no kabupaten/kota.

compile_regions gives what the bundle stores and chalicelib/rules/regions.Regions reads.
"""
from __future__ import annotations

import csv
import json
import math
import re
from datetime import date
from pathlib import Path

import yaml

from chalicelib.rules.regions import KABUPATEN_KOTA, LEVELS

from .source import display_path

FOLDER = "regions"
TABLE = "lampung.csv"
SOURCE = "source.yaml"
BOUNDARIES = "boundaries.json"
HEADER = ["code", "parent", "level", "name"]
SOURCE_KEYS = ("package", "version", "integrity", "licence", "url", "retrieved", "counts")
CODE = re.compile(r"[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?", re.ASCII)
DEPTH = {"provinsi": 1, "kabupaten": 2, "kota": 2, "kecamatan": 3, "desa": 4, "kelurahan": 4}
REIMPORT = ("jalankan ulang tools/import-regions", "run tools/import-regions again")

MESSAGES = {
    "missing": ("berkas wajib tidak ada: {name} ({hint})", "required file is missing: {name} ({hint})"),
    "header": ("baris judul harus 'code,parent,level,name', bukan {got!r}",
               "the header must be 'code,parent,level,name', not {got!r}"),
    "columns": ("baris harus punya 4 kolom (code,parent,level,name), bukan {n}",
                "a row has 4 columns (code,parent,level,name), not {n}"),
    "code": ("kode wilayah {code!r} tidak valid; tulis kode Kemendagri bertitik, mis. 18.71.01.1001",
             "region code {code!r} is not valid; write a dotted Kemendagri code, e.g. 18.71.01.1001"),
    "level": ("tingkat {level!r} tidak dikenal (yang ada: {known})", "unknown level {level!r} (known: {known})"),
    "level_code": ("tingkat '{level}' tidak cocok dengan kode {code} ({why})",
                   "level '{level}' does not fit code {code} ({why})"),
    "name": ("wilayah {code} tidak punya nama", "region {code} has no name"),
    "duplicate": ("kode '{code}' sudah dipakai di baris {first}", "code '{code}' is already used on line {first}"),
    "parent_prefix": ("induk {parent!r} bukan awalan kode {code} (seharusnya {want!r})",
                      "parent {parent!r} is not the prefix of code {code} (should be {want!r})"),
    "parent_missing": ("induk '{parent}' dari {code} tidak ada di berkas ini",
                       "parent '{parent}' of {code} is not in this file"),
    "province": ("harus ada tepat satu baris provinsi, bukan {n}", "there must be exactly one provinsi row, not {n}"),
    "yaml": ("YAML tidak valid: {detail}", "invalid YAML: {detail}"),
    "source_key": ("'{key}' wajib diisi di source.yaml ({hint})", "'{key}' is required in source.yaml ({hint})"),
    "count": ("jumlah {level} di {table} {got}, di source.yaml {want}: data diubah tanpa alatnya ({hint})",
              "{table} has {got} {level}, source.yaml says {want}: the data was changed without its tool ({hint})"),
    "json": ("JSON tidak valid: {detail}", "invalid JSON: {detail}"),
    "boundary_code": ("batas wilayah untuk {code!r}, yang bukan kabupaten/kota di {table}",
                      "a boundary for {code!r}, which is not a kabupaten/kota in {table}"),
    "boundary_shape": ("batas wilayah {code} harus berupa daftar cincin [[bujur, lintang], ...] "
                       "(sedikitnya 4 titik, di dalam rentang bujur/lintang)",
                       "the boundary of {code} must be a list of rings [[lon, lat], ...] "
                       "(at least 4 points, within longitude/latitude range)"),
}

Found = tuple[str, int, str]


class _Report:
    """Collects (file, line, message) in one language; {hint} is always "run the import tool again"."""

    def __init__(self, lang: str):
        self.which = 0 if lang == "id" else 1
        self.found: list[Found] = []

    def add(self, file: str, line: int, message: str, /, **params: object) -> None:
        params["hint"] = REIMPORT[self.which]
        params = {k: v[self.which] if isinstance(v, tuple) else v for k, v in params.items()}   # (id, en) words
        self.found.append((file, line, MESSAGES[message][self.which].format(**params)))


def _rows(path: Path) -> list[tuple[int, list[str]]]:
    """(line, cells) for each row after the header, the header as line 1 (blank lines skipped)."""
    out, line = [], 1
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        for cells in reader:
            if cells:
                out.append((line, cells))
            line = reader.line_num + 1
    return out


def _level_fits(code: str, level: str) -> str | tuple[str, str] | None:
    """Why the level does not fit the code, or None: depth, kota 71–99, kelurahan 1xxx / desa 2xxx."""
    depth = code.count(".") + 1
    if DEPTH[level] != depth:
        return (f"kode tingkat {depth}", f"a level-{depth} code")
    if level in KABUPATEN_KOTA and (level == "kota") != (int(code[3:5]) >= 71):
        return "kota 71–99, kabupaten 01–69"
    if depth == 4 and code[-4] != ("1" if level == "kelurahan" else "2"):
        return "kelurahan 1xxx, desa 2xxx"
    return None


def _check_table(report: _Report, path: Path) -> dict[str, int]:
    """The CSV's rows; returns the count of each level (of the rows that are well formed)."""
    file = display_path(path)
    rows = _rows(path)
    if not rows or [c.strip() for c in rows[0][1]] != HEADER or rows[0][0] != 1:
        report.add(file, rows[0][0] if rows else 1, "header", got=",".join(rows[0][1]) if rows else "")
        return {}
    first: dict[str, int] = {}
    parents: list[tuple[int, str, str]] = []
    counts = dict.fromkeys(LEVELS, 0)
    for line, cells in rows[1:]:
        if len(cells) != 4:
            report.add(file, line, "columns", n=len(cells))
            continue
        code, parent, level, name = cells
        if not CODE.fullmatch(code):
            report.add(file, line, "code", code=code)
            continue
        if level not in LEVELS:
            report.add(file, line, "level", level=level, known=", ".join(LEVELS))
            continue
        why = _level_fits(code, level)
        if why is not None:
            report.add(file, line, "level_code", level=level, code=code, why=why)
        if not name.strip():
            report.add(file, line, "name", code=code)
        if code in first:
            report.add(file, line, "duplicate", code=code, first=first[code])
            continue
        first[code] = line
        counts[level] += 1
        want = code.rsplit(".", 1)[0] if "." in code else ""
        if parent != want:
            report.add(file, line, "parent_prefix", parent=parent, code=code, want=want)
        elif parent:
            parents.append((line, code, parent))
    for line, code, parent in parents:
        if parent not in first:
            report.add(file, line, "parent_missing", parent=parent, code=code)
    if counts["provinsi"] != 1:
        report.add(file, rows[1][0] if len(rows) > 1 else 1, "province", n=counts["provinsi"])
    return counts


def _check_source(report: _Report, path: Path, counts: dict[str, int]) -> None:
    file = display_path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        report.add(file, mark.line + 1 if mark is not None else 1, "yaml", detail=getattr(e, "problem", None) or e)
        return
    data = data if isinstance(data, dict) else {}
    text = path.read_text(encoding="utf-8").splitlines()

    def line_of(key: str) -> int:
        return next((i + 1 for i, t in enumerate(text) if re.match(rf"\s*{re.escape(key)}\s*:", t)), 1)

    for key in SOURCE_KEYS:
        if data.get(key) in (None, ""):
            report.add(file, 1, "source_key", key=key)
    stated = data.get("counts")
    if isinstance(stated, dict) and counts:
        for level in LEVELS:
            if stated.get(level) != counts.get(level, 0):
                report.add(file, line_of(level), "count", level=level, table=TABLE, got=counts.get(level, 0),
                           want=stated.get(level))


def _check_boundaries(report: _Report, path: Path, kabupaten_kota: set[str]) -> None:
    file = display_path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as e:
        report.add(file, getattr(e, "lineno", 1), "json", detail=getattr(e, "msg", e))
        return
    if not isinstance(data, dict):
        report.add(file, 1, "boundary_shape", code="-")
        return
    for code, rings in data.items():
        if code not in kabupaten_kota:
            report.add(file, 1, "boundary_code", code=code, table=TABLE)
        elif not _rings(rings):
            report.add(file, 1, "boundary_shape", code=code)


def _rings(rings: object) -> bool:
    def point(p: object) -> bool:
        return (isinstance(p, list) and len(p) == 2 and all(isinstance(v, int | float) and math.isfinite(v)
                                                            for v in p)
                and -180 <= p[0] <= 180 and -90 <= p[1] <= 90)
    return (isinstance(rings, list) and bool(rings)
            and all(isinstance(r, list) and len(r) >= 4 and all(point(p) for p in r) for r in rings))


def check_regions(rules_dir: Path | str, lang: str = "id") -> list[Found]:
    """(file, line, message) for everything wrong in rules/regions/; [] when the folder is absent
    (a scratch rules tree) or all is well. Messages are Indonesian unless lang is "en"."""
    folder = Path(rules_dir) / FOLDER
    report = _Report(lang)
    if not folder.is_dir():
        return []
    table, source, boundaries = folder / TABLE, folder / SOURCE, folder / BOUNDARIES
    counts: dict[str, int] = {}
    for path in (table, source):
        if not path.is_file():
            report.add(display_path(path), 1, "missing", name=f"{FOLDER}/{path.name}")
    if table.is_file():
        counts = _check_table(report, table)
    if source.is_file():
        _check_source(report, source, counts)
    if boundaries.is_file() and table.is_file():
        kk = {cells[0] for _, cells in _rows(table)[1:] if len(cells) == 4 and cells[2] in KABUPATEN_KOTA}
        _check_boundaries(report, boundaries, kk)
    return report.found


def _plain(value: object) -> object:
    """source.yaml as JSON can carry it (an unquoted date becomes its ISO text)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value.isoformat() if isinstance(value, date) else value


def compile_regions(rules_dir: Path | str) -> dict:
    """What the bundle stores: {"source": {...}, "rows": [[code, parent, level, name], ...] by code,
    "boundaries": {code: [ring, ...]} or {}}. Run after check_regions has found nothing."""
    folder = Path(rules_dir) / FOLDER
    source = yaml.safe_load((folder / SOURCE).read_text(encoding="utf-8")) or {}
    rows = sorted(cells for _, cells in _rows(folder / TABLE)[1:])
    boundaries = folder / BOUNDARIES
    return {"source": _plain(source), "rows": rows,
            "boundaries": json.loads(boundaries.read_text(encoding="utf-8")) if boundaries.is_file() else {}}
