"""Helpers for the rules tests: a scratch copy of rules/ that a test may break on purpose."""
from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from lampungin.rules.source import RULES_DIR, load_sources

TODAY = date(2026, 6, 1)


def rules_copy(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(RULES_DIR, target)
    return target


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def line_of(path: Path, needle: str, nth: int = 1) -> int:
    """1-based line of the nth non-comment line containing needle."""
    hits = [i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
            if needle in line and not line.lstrip().startswith("#")]
    return hits[nth - 1]


def static(rules_dir: Path, today: date = TODAY):
    from lampungin.rules.check import static_errors
    return static_errors(load_sources(rules_dir), today)


def full(rules_dir: Path, today: date = TODAY):
    from lampungin.rules.check import full_check
    return full_check(rules_dir, today)


def only(problems, code: str):
    found = [p for p in problems if p.code == code]
    assert found, f"no {code!r} problem in {[p.render('en') for p in problems]}"
    return found
