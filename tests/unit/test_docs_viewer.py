"""lampungin/docs_viewer.py: the viewer of GET /docs is taken from a tarball only when it hashes to
the pinned integrity, only the bundle and its licences leave the tarball, a complete copy is never
fetched again, and a failed fetch leaves nothing half-written. No network: the tarballs are made
here (the real fetch runs in `make bundle`)."""
from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

from chalicelib.api import docs_page
from lampungin import docs_viewer
from lampungin.localstack.dynamodb_local_install import integrity_of
from lampungin.localstack.notices import Unavailable

SCRIPT = b"/* redoc 2.5.4 */ window.Redoc = {};"


def tarball(where: Path, members: dict[str, bytes]) -> Path:
    path = where / "redoc-2.5.4.tgz"
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


@pytest.fixture
def published(tmp_path, monkeypatch):
    """A tarball like the registry's, with members that must not be unpacked, pinned as the real one."""
    source = tarball(tmp_path, {"package/bundles/redoc.standalone.js": SCRIPT, "package/LICENSE": b"MIT",
                                "package/bundles/redoc.standalone.js.LICENSE.txt": b"third parties",
                                "package/bundles/redoc.lib.js": b"not served", "../escape": b"x",
                                "package/../../escape2": b"x"})
    monkeypatch.setattr(docs_viewer, "INTEGRITY", integrity_of(source))
    return source


def copier(source: Path, calls: list):
    def fetch(workdir: Path) -> Path:
        calls.append(workdir)
        target = workdir / source.name
        target.write_bytes(source.read_bytes())
        return target
    return fetch


def test_a_verified_tarball_gives_the_bundle_its_licences_and_the_marker_only(tmp_path, published):
    calls: list = []
    target = tmp_path / "chalicelib" / "api" / "docs_viewer"
    assert docs_viewer.ensure_installed(target, fetch=copier(published, calls)) == target
    assert sorted(p.name for p in target.iterdir()) == sorted(
        [".integrity", "LICENSE", "redoc.standalone.js", "redoc.standalone.js.LICENSE.txt"])
    assert (target / "redoc.standalone.js").read_bytes() == SCRIPT
    assert not list(tmp_path.rglob("escape*")) and docs_page.viewer_installed(target)
    docs_viewer.ensure_installed(target, fetch=copier(published, calls))      # complete: not again
    assert len(calls) == 1
    assert not [p for p in target.parent.iterdir() if p.name.startswith(".fetch-")]


def test_a_tarball_that_does_not_match_the_pin_is_refused_and_nothing_is_left(tmp_path, published, monkeypatch):
    monkeypatch.setattr(docs_viewer, "INTEGRITY", "sha512-" + "A" * 86 + "==")
    target = tmp_path / "docs_viewer"
    with pytest.raises(Unavailable, match="does not match"):
        docs_viewer.ensure_installed(target, fetch=copier(published, []))
    assert not target.exists() and list(tmp_path.iterdir()) == [published]


def test_another_version_on_disk_is_replaced(tmp_path, published):
    target = tmp_path / "docs_viewer"
    target.mkdir()
    (target / "redoc.standalone.js").write_text("old")
    (target / ".integrity").write_text("sha512-old\n")
    docs_viewer.ensure_installed(target, fetch=copier(published, []))
    assert (target / "redoc.standalone.js").read_bytes() == SCRIPT


def test_a_tarball_without_the_bundle_is_refused(tmp_path, monkeypatch):
    empty = tarball(tmp_path, {"package/README.md": b"hi"})
    monkeypatch.setattr(docs_viewer, "INTEGRITY", integrity_of(empty))
    with pytest.raises(Unavailable, match="has no package/bundles/redoc.standalone.js"):
        docs_viewer.ensure_installed(tmp_path / "docs_viewer", fetch=copier(empty, []))


def test_offline_the_command_says_what_happens_and_fails(monkeypatch, capsys):
    def offline(target=None, fetch=None):
        raise Unavailable("cannot download https://registry.npmjs.org/redoc/-/redoc-2.5.4.tgz")
    monkeypatch.setattr(docs_viewer, "ensure_installed", offline)
    assert docs_viewer.main() == 1
    assert "/docs) will answer 404" in capsys.readouterr().err


def test_the_pin_is_the_registry_integrity_of_the_version_served():
    assert docs_viewer.INTEGRITY.startswith("sha512-") and len(docs_viewer.INTEGRITY) == 95
    assert docs_viewer.TARBALL == "redoc/-/redoc-2.5.4.tgz"
    if docs_page.viewer_installed():                         # after `make bundle`: the pinned one
        assert (docs_page.VIEWER_DIR / ".integrity").read_text().strip() == docs_viewer.INTEGRITY
