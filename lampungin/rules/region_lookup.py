"""The Kemendagri regions data (rules/regions/), as the rest of the rules toolchain asks for it:
does a code exist (`rules check` of every region a rule names), what does `rules check` say about
the data itself, and what goes into the bundle (`bundle.regions`).

The data and its reader are another part of the toolchain (lampungin/rules/regions.py:
`check_regions(rules_dir)`, `compile_regions(rules_dir)`; chalicelib/rules/regions.py: `Regions`)
and may be absent from a tree of rules/ (a scratch copy in a test, an older checkout): without it,
a well-formed code is accepted and only its shape and nesting are checked (check_files.region_code,
check_governments), and the bundle carries no regions.
"""
from __future__ import annotations

import importlib
from functools import lru_cache
from pathlib import Path
from types import ModuleType

from .messages import Problem

FOLDER = "regions"


def _module(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ImportError:          # the regions part is not in this tree
        return None


def _present(root: Path) -> bool:
    return (Path(root) / FOLDER).is_dir() and _module("lampungin.rules.regions") is not None


def compiled_regions(root: Path) -> dict | None:
    """What `bundle.regions` reads, or None without regions data."""
    if not _present(root):
        return None
    return _module("lampungin.rules.regions").compile_regions(Path(root))  # type: ignore[union-attr]


def regions_problems(root: Path) -> list[Problem]:
    """The regions data's own `file:line: message` problems, in both languages (its checker
    words them)."""
    if not _present(root):
        return []
    check = _module("lampungin.rules.regions").check_regions  # type: ignore[union-attr]
    words = zip(check(Path(root), "id"), check(Path(root), "en"), strict=True)
    return [Problem(str(file), int(line), "regions_data", {"id": str(id_), "en": str(en)})
            for (file, line, id_), (_, _, en) in words]


@lru_cache(maxsize=8)
def _regions(root: str, stamp: tuple):
    reader = _module("chalicelib.rules.regions")
    compiled = compiled_regions(Path(root))
    return None if reader is None or compiled is None else reader.Regions(compiled)


def _stamp(root: Path) -> tuple:
    folder = root / FOLDER
    if not folder.is_dir():
        return ()
    return tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(folder.iterdir()) if p.is_file())


def region_known(root: Path, code: str) -> bool:
    """True when the code is in the regions data, or when there is no regions data to ask."""
    regions = _regions(str(Path(root).resolve()), _stamp(Path(root)))
    return True if regions is None else bool(regions.valid(code))
