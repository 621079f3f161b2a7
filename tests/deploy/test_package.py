"""`make package` (lampungin/deploy/package.py): never a zip without the rules engine.

GIVEN no C compiler, or a broken one, WHEN the engine is built THEN it fails at once with a line
that says what to do, and vendor/ is untouched. GIVEN a zip without the engine (what Chalice leaves
on macOS, arm64 or without a compiler) THEN it is refused. And the real thing: the zip is built,
unpacked into an empty folder and, with only that folder on the path, imports `app`, loads the
bundle and evaluates a sanction rule under Python 3.12.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from lampungin.deploy import package

ROOT = Path(__file__).resolve().parents[2]
ENGINE_SO = "durable_rules_engine.cpython-312-x86_64-linux-gnu.so"
X86_64_ELF = b"\x7fELF" + bytes(14) + b"\x3e\x00"


def vendor_listing():
    vendor = ROOT / "vendor"
    if not vendor.exists():
        return []
    return sorted((p.relative_to(vendor), p.stat().st_mtime_ns) for p in vendor.rglob("*"))


def build_engine(tmp_path, **env_changes):
    env = {**os.environ, **env_changes}
    if "CC" not in env_changes:
        env.pop("CC", None)
    return subprocess.run([sys.executable, "-m", "lampungin.deploy.package", "--vendor-only",
                           "--wheelhouse", str(tmp_path / "wheelhouse")],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


def test_without_a_compiler_the_build_stops_with_a_clear_message(tmp_path):
    before = vendor_listing()
    empty = tmp_path / "bin"
    empty.mkdir()
    proc = build_engine(tmp_path, PATH=str(empty))          # cc and gcc hidden
    assert proc.returncode == 1
    assert "FAILED: no C compiler found" in proc.stderr and "apt-get install gcc" in proc.stderr
    assert vendor_listing() == before


@pytest.mark.slow
def test_with_a_broken_compiler_the_build_fails_loudly_too(tmp_path):
    before = vendor_listing()
    proc = build_engine(tmp_path, CC="/bin/false")          # found, but compiles nothing
    assert proc.returncode == 1
    assert "FAILED: compiling durable-rules==2.0.28 failed" in proc.stderr
    assert vendor_listing() == before and not list((tmp_path / "wheelhouse").glob("*.whl"))


def make_zip(path: Path, names: dict) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in names.items():
            zf.writestr(name, data)
    return path


COMPLETE = {"app.py": "", "chalicelib/rules/bundle/bundle.json": "{}", "durable/__init__.py": "",
            "durable/engine.py": "", "durable/lang.py": "", ENGINE_SO: X86_64_ELF}


def test_a_zip_without_the_engine_is_refused(tmp_path):
    dropped = {k: v for k, v in COMPLETE.items() if not k.startswith("durable")}
    with pytest.raises(package.PackageError, match="durable_rules") as err:
        package.verify_zip(make_zip(tmp_path / "a.zip", dropped))
    assert "not shipping it" in err.value.message
    wrong_arch = {**COMPLETE, ENGINE_SO: b"\x7fELF" + bytes(14) + b"\xb7\x00"}   # aarch64
    with pytest.raises(package.PackageError, match="not an x86_64 ELF"):
        package.verify_zip(make_zip(tmp_path / "b.zip", wrong_arch))
    no_bundle = {k: v for k, v in COMPLETE.items() if "bundle" not in k}
    with pytest.raises(package.PackageError, match="bundle.json"):
        package.verify_zip(make_zip(tmp_path / "c.zip", no_bundle))
    assert package.verify_zip(make_zip(tmp_path / "d.zip", COMPLETE))["files"] == len(COMPLETE)


def test_chalices_silent_drop_is_turned_into_a_failure(tmp_path, monkeypatch):
    def chalice_that_drops(cmd, **kwargs):
        return subprocess.CompletedProcess(cmd, 0, "Creating deployment package.\nCould not install "
                                           "dependencies:\ndurable-rules==2.0.28\n", "")
    monkeypatch.setattr(package.subprocess, "run", chalice_that_drops)
    with pytest.raises(package.PackageError, match="refusing to ship"):
        package.chalice_package("dev", tmp_path / "out")


def test_deploy_check_wants_the_engine_in_vendor(tmp_path):
    with pytest.raises(package.PackageError, match="make vendor"):
        package.check_vendored(tmp_path)


@pytest.mark.slow
def test_make_package_builds_a_zip_that_works_with_only_itself_on_the_path(tmp_path):
    out = tmp_path / "dev"
    proc = subprocess.run([sys.executable, "-m", "lampungin.deploy.package", "--stage", "dev",
                           "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=900,
                          env={**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"})
    assert proc.returncode == 0, proc.stderr[-4000:]
    report = json.loads((out / "package-report.json").read_text())
    assert report["durable"].endswith("/durable/__init__.py") and report["engine"].endswith(ENGINE_SO)
    assert report["decisions"] == ["sanction.operator.miss"] and report["strays"] == []
    assert set(report["app_functions"]) >= {"complaint_changes", "sweep"}
    assert report["zip_bytes"] < 50 * 2**20            # Lambda's limit for a direct zip upload
    from tests.deploy.test_infra import assert_rest_api_answers_in_the_contracts_shape
    sam = json.loads((out / "sam.json").read_text())   # ANY methods added, gateway responses merged
    assert_rest_api_answers_in_the_contracts_shape(sam["Resources"]["RestAPI"]["Properties"])
    with zipfile.ZipFile(out / "deployment.zip") as zf:
        names = set(zf.namelist())
    assert not any(n.startswith(("tests/", "lampungin/", "rules/")) for n in names)   # tooling stays out
