"""The rules version: a content hash of the policy files under `rules/`.

Why a hash and not a counter: every routing decision and sanction records the version that
produced it, and two builds of the same files must give the same version on any machine at any
time (so `built_at` is deliberately not part of it). The hash also covers the generator (bundle
format and the `holidays` package version), because a newer `holidays` can move a deadline.

Reads bytes only: no PyYAML, so the Lambda-side staleness check stays cheap.
"""
from __future__ import annotations

import hashlib
from importlib import metadata
from pathlib import Path

BUNDLE_FORMAT = 1
SOURCE_SUFFIXES = (".yaml", ".yml", ".csv")     # .csv: the Kemendagri regions (rules/regions/)
NOT_SOURCES = ("tests",)          # examples do not change what the rules decide (a government's too)
VERSION_LENGTH = 12


def source_files(rules_dir: Path) -> list[Path]:
    """The policy files that define the rules, in a stable order."""
    rules_dir = Path(rules_dir)
    files = [p for p in rules_dir.rglob("*") if p.is_file() and p.suffix in SOURCE_SUFFIXES
             and not _example(p.relative_to(rules_dir).parts)]
    return sorted(files, key=lambda p: p.relative_to(rules_dir).as_posix())


def _example(parts: tuple[str, ...]) -> bool:
    """tests/... or governments/<CODE>/tests/...: example cases, not policy."""
    return parts[0] in NOT_SOURCES or (parts[0] == "governments" and len(parts) > 2 and parts[2] in NOT_SOURCES)


def generator_id() -> str:
    """What else shapes the bundle besides the files: its format and the holiday data."""
    try:
        holidays_version = metadata.version("holidays")
    except metadata.PackageNotFoundError:
        holidays_version = "none"
    return f"format={BUNDLE_FORMAT};holidays={holidays_version}"


def source_hash(rules_dir: Path, generator: str | None = None) -> str:
    """Full sha256 hex over the generator id and every source file's relative path and bytes."""
    rules_dir = Path(rules_dir)
    digest = hashlib.sha256()
    digest.update((generator or generator_id()).encode() + b"\n")
    for path in source_files(rules_dir):
        data = path.read_bytes()
        name = path.relative_to(rules_dir).as_posix().encode()
        digest.update(b"%s\0%d\0" % (name, len(data)))
        digest.update(data)
    return digest.hexdigest()


def short_version(full_hash: str) -> str:
    return full_hash[:VERSION_LENGTH]
