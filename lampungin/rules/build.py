"""`lampungin rules build`: check the policy files, compile them, write the bundle atomically.

The bundle is generated (gitignored) and refused by load_bundle when stale, so building is cheap
to repeat: `make run`, `make test` and packaging all run it first.
"""
from __future__ import annotations

import json
import os
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from chalicelib.rules.bundle import DEFAULT_PATH, clear_cache

from .check import static_errors
from .compiler import compile_bundle
from .source import RULES_DIR, load_sources


def build(rules_dir: Path = RULES_DIR, out: Path = DEFAULT_PATH, *, built_at: datetime | None = None,
          static_check=None) -> tuple[dict | None, list]:
    """Returns (bundle, errors). Nothing is written when there are errors."""
    sources = load_sources(rules_dir)
    errors = (static_check or static_errors)(sources)
    if errors:
        return None, errors
    stamp = (built_at or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
    bundle = compile_bundle(sources, built_at=stamp)
    write_json(bundle, Path(out))
    # the version alone, for the Lambdas' log lines and metrics without parsing the bundle
    (Path(out).parent / "version").write_text(bundle["manifest"]["version"] + "\n", encoding="ascii")
    clear_cache()
    return bundle, []


def write_json(data: dict, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".bundle-", suffix=".json", dir=out.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False, indent=1, sort_keys=True, default=str)
        handle.write("\n")
    os.chmod(tmp, 0o644)         # mkstemp makes 0600; Lambda's runtime user must be able to read it
    os.replace(tmp, out)
