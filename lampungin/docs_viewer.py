"""Fetching the reference page's viewer once, at build time: Redoc's standalone bundle from the npm
registry, for GET /docs (chalicelib/api/docs_page.py). `make bundle` (so `make run`, `make test`
and `make package`) runs `python -m lampungin.docs_viewer`; so does `make docs-viewer`.

The approach of lampungin/localstack/dynamodb_local_install.py: `npm pack redoc@VERSION` (npm's
registry, proxy and cache settings), or a plain HTTPS GET of the same tarball where npm is
missing or fails; the tarball must hash to the registry's published sha512 pinned below, else it
is not used. Only the bundle and its licence files are unpacked, into chalicelib/api/docs_viewer/
(git-ignored; the Lambda package carries chalicelib whole), through a temporary directory renamed
into place, with the integrity written last: docs_page serves nothing half-written.

Why Redoc 2.5 and not 3.0: 3.0 bundles a telemetry client; the 2.5 line is maintained, renders
OpenAPI 3.1 and sends nothing anywhere.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
from collections.abc import Callable
from pathlib import Path

from chalicelib.api.docs_page import VIEWER_DIR, VIEWER_FILE, VIEWER_MARKER

from .localstack.dynamodb_local_install import integrity_of
from .localstack.notices import Unavailable, say

PACKAGE, VERSION = "redoc", "2.5.4"
# `npm view redoc@2.5.4 dist.integrity`: the tarball must hash to exactly this.
INTEGRITY = "sha512-M6jWhG1qoBnH6TFmzJnstyCZ87HmOY/UzDm78mHiYihEdlV/YcS9ogOo1NlElnJMeLsyxHFe2yFc4sNjHTrABQ=="
TARBALL = f"{PACKAGE}/-/{PACKAGE}-{VERSION}.tgz"
KEEP = {f"package/bundles/{VIEWER_FILE}": VIEWER_FILE,                  # tarball member -> file name
        "package/LICENSE": "LICENSE",
        f"package/bundles/{VIEWER_FILE}.LICENSE.txt": f"{VIEWER_FILE}.LICENSE.txt"}


def registry() -> str:
    url = os.environ.get("npm_config_registry") or os.environ.get("NPM_CONFIG_REGISTRY") \
        or "https://registry.npmjs.org/"
    return url if url.endswith("/") else url + "/"


def fetch_tarball(workdir: Path) -> Path:
    """The tarball in `workdir`: with npm if present, else (or if npm fails) over HTTPS."""
    npm, failed = shutil.which("npm"), "no npm"
    if npm:
        try:
            done = subprocess.run([npm, "pack", f"{PACKAGE}@{VERSION}", "--ignore-scripts", "--silent",
                                   "--pack-destination", str(workdir)],
                                  capture_output=True, text=True, timeout=300, cwd=workdir)
            tarballs = sorted(workdir.glob("*.tgz"))
            if done.returncode == 0 and tarballs:
                return tarballs[0]
            failed = f"`npm pack {PACKAGE}@{VERSION}` failed: {(done.stderr.strip().splitlines() or ['?'])[-1]}"
        except (OSError, subprocess.SubprocessError) as exc:
            failed = f"`npm pack` did not run ({exc.__class__.__name__})"
    url = registry() + TARBALL
    if not url.startswith(("https://", "http://")):
        raise Unavailable(f"{failed}; the npm registry {url[:80]!r} is not an http(s) URL")
    target = workdir / Path(TARBALL).name
    try:
        # noqa below: the scheme is checked just above (no file: or custom schemes)
        with urllib.request.urlopen(url, timeout=60) as response, open(target, "wb") as out:  # noqa: S310
            shutil.copyfileobj(response, out, 1 << 20)
    except OSError as exc:
        raise Unavailable(f"{failed}; then cannot download {url}: {exc}") from None
    return target


def installed(target: Path = VIEWER_DIR) -> bool:
    marker = target / VIEWER_MARKER
    return (target / VIEWER_FILE).is_file() and marker.is_file() and marker.read_text().strip() == INTEGRITY


def unpack(tarball: Path, into: Path) -> None:
    """Only the KEEP members, as plain files under their short names (nothing else leaves the tarball)."""
    into.mkdir(parents=True, exist_ok=True)
    with tarfile.open(tarball, "r:gz") as tar:
        for member in tar.getmembers():
            name = KEEP.get(member.name)
            source = tar.extractfile(member) if member.isfile() else None
            if name is not None and source is not None:
                with source, open(into / name, "wb") as out:
                    shutil.copyfileobj(source, out)
    if not (into / VIEWER_FILE).is_file():
        raise Unavailable(f"{tarball.name} has no package/bundles/{VIEWER_FILE}")


def ensure_installed(target: Path = VIEWER_DIR, fetch: Callable[[Path], Path] = fetch_tarball) -> Path:
    """The directory holding the viewer, fetched and verified unless already there."""
    if installed(target):
        return target
    say(f"fetching the API reference viewer (npm {PACKAGE}@{VERSION}, 1 MB) into {target}; once")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".fetch-", dir=target.parent) as tmp:
        work = Path(tmp)
        tarball = fetch(work)
        got = integrity_of(tarball)
        if got != INTEGRITY:
            raise Unavailable(f"{tarball.name} does not match the registry's published integrity "
                              f"(expected {INTEGRITY[:24]}..., got {got[:24]}...); not using it")
        unpacked = work / "viewer"
        unpack(tarball, unpacked)
        (unpacked / VIEWER_MARKER).write_text(INTEGRITY + "\n")
        if target.exists():
            shutil.rmtree(target, ignore_errors=True)
        os.rename(unpacked, target)
    return target


def main() -> int:
    try:
        where = ensure_installed()
    except Unavailable as exc:
        say(f"the API reference page (/docs) will answer 404 until this works: {exc}")
        return 1
    say(f"API reference viewer: {where / VIEWER_FILE} (redoc {VERSION})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
