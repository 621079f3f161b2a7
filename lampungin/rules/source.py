"""Read the policy files under rules/ keeping line numbers, so that every error a policy officer
sees points at `file:line` (build and check tooling only; the Lambda never imports PyYAML)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

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


class _Loader(yaml.SafeLoader):
    pass


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    result = LineDict()
    result.line, result.key_lines, result.duplicates = node.start_mark.line + 1, {}, []
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
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
    error: tuple[int, str] | None = None   # (line, YAML error) when it did not parse


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
        source.data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 (a SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        source.error = ((mark.line + 1) if mark else 1, f"{exc.problem or exc}")
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        source.error = (1, str(exc))
    return source


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
