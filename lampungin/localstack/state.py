"""Where the local stack keeps its files, and `dev.json`, the note other commands read to find it.

Everything lives in one state directory: `.local/` beside `app.py` by default, or
`$LAMPUNGIN_HOME` (or `--state-dir`) so that tests and a second stack never collide with a
developer's running one. `dev.json` exists exactly while a stack runs: `dev` writes it once it
listens and removes it when it stops; `token` and `sweep` read it.
"""
from __future__ import annotations

import importlib.util
import json
import os
import threading
from pathlib import Path

HOME_ENV = "LAMPUNGIN_HOME"
DEV_FILE = "dev.json"


class StackNotRunning(Exception):
    """`dev.json` is missing or names a process that is gone."""


def project_root() -> Path:
    """The directory of `app.py` (found without importing it: importing reads the environment)."""
    spec = importlib.util.find_spec("app")
    if spec is not None and spec.origin:
        return Path(spec.origin).resolve().parent
    return Path.cwd()


def state_dir(explicit: str | os.PathLike | None = None) -> Path:
    """`--state-dir`, else `$LAMPUNGIN_HOME`, else `<project>/.local`."""
    chosen = explicit or os.environ.get(HOME_ENV)
    return Path(chosen).resolve() if chosen else project_root() / ".local"


def write_json_atomic(path: Path, data: dict) -> None:
    """Readers never see half a file: write a sibling, then rename over."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def read_dev_state(home: Path) -> dict:
    """The running stack's `dev.json`, or StackNotRunning with a sentence saying what to do."""
    path = home / DEV_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StackNotRunning(f"no local stack is running ({path} not found); "
                              "start one with `make run` or `lampungin dev`") from None
    except (OSError, ValueError) as exc:
        raise StackNotRunning(f"cannot read {path}: {exc}") from None
    if not pid_alive(int(data.get("pid", 0) or 0)):
        raise StackNotRunning(f"{path} is left over from a stack that is no longer running "
                              f"(pid {data.get('pid')}); start one with `lampungin dev`")
    return data


class DevState:
    """`dev.json` while the stack runs: fixed facts plus live sections (stream and sweep stats)
    that the poller and scheduler threads update; one lock keeps their rewrites whole."""

    def __init__(self, home: Path, facts: dict):
        self.path = home / DEV_FILE
        self._data = dict(facts)
        self._lock = threading.Lock()
        self._removed = False

    def write(self) -> None:
        with self._lock:
            self._removed = False
            write_json_atomic(self.path, self._data)

    def update(self, section: str, values: dict) -> None:
        with self._lock:
            self._data[section] = dict(values)
            if not self._removed:     # a late stats update must not resurrect a stopped stack
                write_json_atomic(self.path, self._data)

    def remove(self) -> None:
        with self._lock:
            self._removed = True
            self.path.unlink(missing_ok=True)
