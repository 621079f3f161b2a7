"""The house keeps its shape (issue 9, part 4): checks over the source, read with `ast`, nothing run.

* No import cycle among the modules of chalicelib/ and of lampungin/. Every import counts,
  including those inside functions (they are how cycles hide) and relative ones (resolved).
  `from pkg import name` is an edge to `pkg.name` when that is a module, else to `pkg`; importing
  `a.b.c` is an edge to `a.b.c` only (not to the `__init__` of `a` and `a.b`, which Python also
  runs, or every package that re-exports its submodules would be a "cycle").
* chalicelib/domain is pure: the standard library and chalicelib.domain, nothing else.
* The WIB offset is defined once, in chalicelib/domain/times.py: a `timezone(...)` of +7 hours, a
  name bound to a 7-hour `timedelta`, or a `ZoneInfo("Asia/Jakarta")` anywhere else is a second
  definition (a 7-hour duration used in arithmetic is not).
* An import inside a function in chalicelib/ or lampungin/ says why, in a comment containing
  "cold start" or "lazy" on its line or on the line above (for a run of such imports, isort's
  blank lines between groups included, the line above the run).

Each failure lists every violation with file:line, not just the first.
"""
from __future__ import annotations

import ast
import io
import sys
import tokenize
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest

from chalicelib.domain.times import WIB

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("chalicelib", "lampungin")
GENERATED = ("chalicelib/rules/bundle/",)          # written by `lampungin rules build`
WIB_HOME = "chalicelib/domain/times.py"
WIB_SCOPE = ("chalicelib", "lampungin", "benchmarks", "tests", "app.py")
JUSTIFIED = ("cold start", "lazy")
SEVEN_HOURS = WIB.utcoffset(None)


# --- reading the source ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Import:
    source: str        # the importing module
    target: str        # the resolved module name (internal: a module of the tree; else as written)
    path: str          # file, relative to the root
    line: int
    in_function: bool

    def where(self) -> str:
        return f"{self.path}:{self.line}" + (" (inside a function)" if self.in_function else "")


@dataclass
class Tree:
    root: Path
    modules: dict[str, Path] = field(default_factory=dict)     # dotted name -> file

    @classmethod
    def of(cls, root: Path, packages: Iterable[str] = PACKAGES) -> Tree:
        tree = cls(root)
        for package in packages:
            for path in sorted((root / package).rglob("*.py")):
                rel = path.relative_to(root).as_posix()
                if rel.startswith(GENERATED):
                    continue
                parts = list(path.relative_to(root).with_suffix("").parts)
                if parts[-1] == "__init__":
                    parts.pop()
                tree.modules[".".join(parts)] = path
        return tree

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def resolve(self, name: str) -> str:
        """The deepest module of the tree that `name` names (or `name` itself if none)."""
        parts = name.split(".")
        for end in range(len(parts), 0, -1):
            candidate = ".".join(parts[:end])
            if candidate in self.modules:
                return candidate
        return name

    def imports(self) -> Iterator[Import]:
        for module, path in self.modules.items():
            yield from self.imports_of(module, path)

    def imports_of(self, module: str, path: Path) -> Iterator[Import]:
        is_package = path.name == "__init__.py"
        package = module if is_package else module.rpartition(".")[0]
        rel = self.rel(path)
        for node, in_function in walk_imports(parse(path)):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield Import(module, self.resolve(alias.name), rel, node.lineno, in_function)
                continue
            if node.level:
                base = package.split(".") if package else []
                base = base[:len(base) - (node.level - 1)] if node.level > 1 else base
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            for alias in node.names:
                submodule = f"{origin}.{alias.name}"
                target = submodule if submodule in self.modules else self.resolve(origin)
                yield Import(module, target, rel, node.lineno, in_function)


def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def walk_imports(tree: ast.AST) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Every import statement, and whether it sits inside a function (at any depth)."""
    def visit(node: ast.AST, in_function: bool) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                yield child, in_function
            inside = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            yield from visit(child, inside)
    yield from visit(tree, False)


def python_files(root: Path, scope: Iterable[str]) -> Iterator[Path]:
    for entry in scope:
        path = root / entry
        files = [path] if path.suffix == ".py" else sorted(path.rglob("*.py"))
        for file in files:
            if file.is_file() and not file.relative_to(root).as_posix().startswith(GENERATED):
                yield file


# --- (a) cycles -----------------------------------------------------------------------------------
def import_graph(tree: Tree) -> dict[str, dict[str, Import]]:
    """module -> {imported module of the tree -> the first import that makes the edge}."""
    graph: dict[str, dict[str, Import]] = {m: {} for m in tree.modules}
    for imp in tree.imports():
        if imp.target in tree.modules and imp.target != imp.source:
            graph[imp.source].setdefault(imp.target, imp)
    return graph


def strongly_connected(graph: dict[str, dict[str, Import]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative; components of more than one module, sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            for nxt in edges:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return sorted(found)


def shortest_cycle(graph: dict[str, dict[str, Import]], start: str, within: set[str]) -> list[str]:
    """The shortest chain start -> ... -> start inside one component (breadth first)."""
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for nxt in sorted(graph[node]):
                if nxt not in within:
                    continue
                if nxt == start:
                    chain = [node]
                    while chain[-1] != start:
                        chain.append(previous[chain[-1]])
                    return [start] + chain[::-1][1:] + [start]
                if nxt not in previous:
                    previous[nxt] = node
                    following.append(nxt)
        frontier = following
    return []


def cycles(tree: Tree) -> list[str]:
    """One readable entry per cycle: the chain of modules, then each edge's file:line."""
    graph = import_graph(tree)
    out = []
    for component in strongly_connected(graph):
        members = set(component)
        seen = set()
        for start in component:
            chain = shortest_cycle(graph, start, members)
            key = frozenset(zip(chain, chain[1:], strict=False))
            if not chain or key in seen:
                continue
            seen.add(key)
            edges = "\n".join(f"      {a} -> {b}  {graph[a][b].where()}" for a, b in zip(chain, chain[1:],
                                                                                        strict=False))
            out.append(" -> ".join(chain) + "\n" + edges)
    return out


# --- (b) the pure domain --------------------------------------------------------------------------
def impure_domain_imports(tree: Tree, domain: str = "chalicelib.domain") -> list[str]:
    stdlib = set(sys.stdlib_module_names) | {"__future__"}
    bad = []
    for imp in tree.imports():
        if imp.source != domain and not imp.source.startswith(domain + "."):
            continue
        if imp.target == domain or imp.target.startswith(domain + "."):
            continue
        if imp.target not in tree.modules and imp.target.split(".")[0] in stdlib:
            continue
        bad.append(f"{imp.where()}: {imp.source} imports {imp.target}")
    return bad


# --- (c) one WIB offset ---------------------------------------------------------------------------
def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def constant_timedelta(node: ast.AST) -> timedelta | None:
    """The value of `timedelta(...)` / `datetime.timedelta(...)` with literal arguments."""
    if not (isinstance(node, ast.Call) and _name(node.func) == "timedelta"):
        return None
    try:
        args = [ast.literal_eval(a) for a in node.args]
        kwargs = {k.arg: ast.literal_eval(k.value) for k in node.keywords if k.arg}
        return timedelta(*args, **kwargs)
    except (ValueError, TypeError, OverflowError, SyntaxError):
        return None


def wib_definitions(path: Path, rel: str) -> list[str]:
    found = []
    for node in ast.walk(parse(path)):
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            if constant_timedelta(node.value) == SEVEN_HOURS:
                found.append(f"{rel}:{node.lineno}: a name bound to timedelta(hours=7)")
        if not (isinstance(node, ast.Call) and node.args):
            continue
        first = node.args[0]
        if _name(node.func) == "timezone" and constant_timedelta(first) == SEVEN_HOURS:
            found.append(f"{rel}:{node.lineno}: timezone(timedelta(hours=7))")
        elif isinstance(first, ast.Constant) and first.value == "Asia/Jakarta" \
                and _name(node.func) in ("ZoneInfo", "gettz", "timezone"):     # zoneinfo, dateutil, pytz
            found.append(f"{rel}:{node.lineno}: {_name(node.func)}('Asia/Jakarta')")
    return sorted(found, key=lambda hit: int(hit.split(":")[1]))


def all_wib_definitions(root: Path) -> list[str]:
    return [hit for path in python_files(root, WIB_SCOPE)
            for hit in wib_definitions(path, path.relative_to(root).as_posix())]


# --- (d) imports inside functions say why -------------------------------------------------------
def comments_by_line(source: str) -> dict[int, str]:
    out: dict[int, str] = {}
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            out[tok.start[0]] = tok.string.lower()
    return out


def unexplained_function_imports(tree: Tree) -> list[str]:
    bad = []
    for path in tree.modules.values():
        source = path.read_text(encoding="utf-8")
        comments = comments_by_line(source)
        lines = source.splitlines()
        nodes = [n for n, inside in walk_imports(ast.parse(source)) if inside]
        import_lines = {line for n in nodes for line in range(n.lineno, (n.end_lineno or n.lineno) + 1)}
        for node in nodes:
            first = node.lineno
            while True:     # a run of imports (isort's blank lines between groups too) shares one comment
                if first - 1 in import_lines:
                    first -= 1
                elif first - 2 in import_lines and not lines[first - 2].strip():
                    first -= 2
                else:
                    break
            span = range(first - 1, (node.end_lineno or node.lineno) + 1)
            if any(word in comments.get(line, "") for line in span for word in JUSTIFIED):
                continue
            text = lines[node.lineno - 1].strip()
            bad.append(f"{tree.rel(path)}:{node.lineno}: {text}")
    return bad


# --- the checks on this repository -----------------------------------------------------------------
@pytest.fixture(scope="module")
def tree() -> Tree:
    return Tree.of(ROOT)


def report(title: str, items: list[str]) -> str:
    return f"{title} ({len(items)}):\n" + "\n".join(f"  {item}" for item in items)


def test_no_import_cycles_in_chalicelib_or_lampungin(tree):
    found = cycles(tree)
    if found:
        print(report("import cycles", found))
    assert not found, report("import cycles (every import counts, also inside functions)", found)


def test_the_domain_imports_only_the_standard_library_and_itself(tree):
    bad = impure_domain_imports(tree)
    assert not bad, report("chalicelib/domain must import only the standard library and itself", bad)


def test_the_wib_offset_is_defined_once_in_the_time_module():
    found = all_wib_definitions(ROOT)
    home = [f for f in found if f.startswith(WIB_HOME + ":")]
    elsewhere = [f for f in found if not f.startswith(WIB_HOME + ":")]
    assert len(home) == 1, report(f"{WIB_HOME} must define WIB exactly once", home)
    assert not elsewhere, report(f"a second WIB offset: import WIB from {WIB_HOME} instead", elsewhere)


def test_imports_inside_functions_say_why(tree):
    bad = unexplained_function_imports(tree)
    assert not bad, report("an import inside a function needs a comment saying why "
                           "('lazy: …' or '… cold start …') on its line or the line above", bad)


# --- the checks check: a small tree with each fault -------------------------------------------------
def write(root: Path, files: dict[str, str]) -> Tree:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return Tree.of(root, ("pkg",))


def test_a_cycle_hidden_in_a_function_and_a_relative_import_is_found(tmp_path):
    tree = write(tmp_path, {
        "pkg/__init__.py": "from .a import thing\n",
        "pkg/a.py": "from . import b\nthing = 1\n",
        "pkg/b.py": "def later():\n    from .sub import c\n",
        "pkg/sub/__init__.py": "",
        "pkg/sub/c.py": "from ..a import thing\nimport pkg.d\n",
        "pkg/d.py": "import os\n",
    })
    (found,) = cycles(tree)
    assert found.splitlines()[0] == "pkg.a -> pkg.b -> pkg.sub.c -> pkg.a"
    assert "pkg/b.py:2 (inside a function)" in found
    assert import_graph(tree)["pkg.sub.c"].keys() == {"pkg.a", "pkg.d"}


def test_two_separate_cycles_are_both_reported(tmp_path):
    tree = write(tmp_path, {
        "pkg/__init__.py": "", "pkg/a.py": "from pkg import b\n", "pkg/b.py": "from pkg.a import x\n",
        "pkg/c.py": "import pkg.d\n", "pkg/d.py": "from . import c\n",
    })
    assert [c.splitlines()[0] for c in cycles(tree)] == ["pkg.a -> pkg.b -> pkg.a", "pkg.c -> pkg.d -> pkg.c"]


def test_impure_domain_imports_and_unexplained_function_imports_are_listed(tmp_path):
    tree = write(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/domain/__init__.py": "",
        "pkg/domain/x.py": ("from __future__ import annotations\nimport json\nfrom . import y\n"
                            "import boto3\nfrom pkg.other import z\n"),
        "pkg/domain/y.py": "",
        "pkg/other.py": ("def f():\n    import json  # lazy: why\n\n"
                         "def g():\n    # cold start: why\n    import os\n    import sys\n\n"
                         "def h():\n    x = 1\n    import re\n\n"
                         "def i():\n    # Lazy: why\n    import os\n\n    from pkg import other\n"
                         "    x = 2\n    from pkg import domain\n"),
    })
    assert impure_domain_imports(tree, "pkg.domain") == [
        "pkg/domain/x.py:4: pkg.domain.x imports boto3", "pkg/domain/x.py:5: pkg.domain.x imports pkg.other"]
    assert unexplained_function_imports(tree) == ["pkg/other.py:11: import re",
                                                  "pkg/other.py:19: from pkg import domain"]


def test_second_wib_definitions_are_found_but_durations_are_not(tmp_path):
    path = tmp_path / "m.py"
    path.write_text("from datetime import timedelta, timezone\nfrom zoneinfo import ZoneInfo\n"
                    "A = timezone(timedelta(hours=7))\nOFFSET = timedelta(seconds=25200)\n"
                    "J = ZoneInfo('Asia/Jakarta')\nlater = lambda at: at + timedelta(hours=7)\n"
                    "B = timezone(timedelta(hours=8))\n")
    assert wib_definitions(path, "m.py") == [
        "m.py:3: timezone(timedelta(hours=7))", "m.py:4: a name bound to timedelta(hours=7)",
        "m.py:5: ZoneInfo('Asia/Jakarta')"]
