"""`make package`: the Lambda zip for python3.12 x86_64, with the rules engine really inside it.

    .venv/bin/python -m lampungin.deploy.package [--stage dev] [--out build/package/dev]
    .venv/bin/python -m lampungin.deploy.package --vendor-only     # before a plain `chalice deploy`

Why this exists: durable_rules is an sdist with a C extension. `chalice package` compiles it only
on Linux x86_64 with a compiler; elsewhere it prints "Could not install dependencies", leaves the
engine out and still exits 0, and the Lambda fails on its first sanction. So the engine is not a
Chalice requirement here (requirements-vendor.txt): this builds it with `pip wheel`, repairs it to
manylinux with `auditwheel` (patchelf), unpacks it into vendor/, packages with Chalice, then
refuses the zip unless the engine is in it, and finally proves the artifact: unzipped into an
empty folder and with only that folder (and the standard library) on the path, Python 3.12
imports `app`, loads the rules bundle and evaluates a sanction rule. Any failure exits non-zero
with a line that says what to do.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from .gateway import extend_sam
from .release import sam_release

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "vendor"
LAMBDA_PYTHON = (3, 12)
PLATFORM_TAG = "manylinux_2_17_x86_64"
ENGINE_FILES = ("durable/__init__.py", "durable/engine.py", "durable/lang.py")
ENGINE_SO = "durable_rules_engine.cpython-312-x86_64-linux-gnu.so"
ENGINE_EXT = re.compile(f"^{re.escape(ENGINE_SO)}$")
DEFAULT_REGION = "ap-southeast-3"


class PackageError(Exception):
    """A build step failed: the message says which and what to do; exit status 1."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def say(message: str) -> None:
    print(f"package: {message}", file=sys.stderr, flush=True)


def engine_requirement() -> str:
    for line in (ROOT / "requirements-vendor.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line.lower().startswith("durable-rules=="):
            return line
    raise PackageError("requirements-vendor.txt has no pinned `durable-rules==` line")


def tool_env() -> dict:
    """The venv's bin first on PATH: auditwheel finds the pinned patchelf there."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env.setdefault("AWS_DEFAULT_REGION", DEFAULT_REGION)
    return env


# --- 1. the engine as a manylinux wheel ----------------------------------------------------------
def check_build_host() -> None:
    if sys.version_info[:2] != LAMBDA_PYTHON:
        raise PackageError(
            f"this is Python {platform.python_version()}; the Lambda runtime is python3.12 and Chalice "
            "takes the runtime from the interpreter that runs it. Recreate .venv with python3.12.")
    if sys.platform != "linux" or platform.machine() not in ("x86_64", "AMD64"):
        raise PackageError(
            f"building on {sys.platform}/{platform.machine()}: durable_rules' C extension must be "
            "compiled on Linux x86_64 for Lambda (use CI or a Linux x86_64 machine; no Docker needed).")


def find_compiler(env: dict) -> str | None:
    cc = (env.get("CC") or "").split()
    if cc:
        return shutil.which(cc[0], path=env.get("PATH"))
    return next((p for p in (shutil.which(c, path=env.get("PATH")) for c in ("cc", "gcc")) if p), None)


def cached_wheel(wheelhouse: Path, requirement: str) -> Path | None:
    version = requirement.split("==")[1]
    hits = sorted(wheelhouse.glob(f"durable_rules-{version}-cp312-cp312-*manylinux*x86_64*.whl"))
    return hits[-1] if hits else None


def build_engine_wheel(wheelhouse: Path) -> Path:
    requirement = engine_requirement()
    wheel = cached_wheel(wheelhouse, requirement)
    if wheel:
        say(f"reusing {wheel.relative_to(ROOT) if wheel.is_relative_to(ROOT) else wheel}")
        return wheel
    env = tool_env()
    if not find_compiler(env):
        raise PackageError(
            "no C compiler found (CC, cc or gcc): durable_rules has no wheel on PyPI, so its C "
            "extension must be compiled here for Lambda. Install one (Debian/Ubuntu: "
            "`apt-get install gcc`) and run `make package` again. Not building a package without "
            "the rules engine.")
    if not shutil.which("patchelf", path=env["PATH"]):
        raise PackageError("patchelf is not on PATH: `auditwheel repair` needs it "
                           "(`.venv/bin/pip install -r requirements-dev.txt`).")
    wheelhouse.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lampungin-wheel-") as raw:
        say(f"compiling {requirement} (pip wheel) …")
        run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-binary", "durable-rules",
             "--no-cache-dir", "-w", raw, requirement], env,
            f"compiling {requirement} failed (see the compiler output above). durable_rules "
            "needs a working C compiler and the Python 3.12 headers.")
        built = sorted(Path(raw).glob("durable_rules-*.whl"))
        if not built:
            raise PackageError(f"pip wheel produced no durable_rules wheel in {raw}")
        say(f"repairing {built[0].name} for {PLATFORM_TAG} (auditwheel) …")
        run([sys.executable, "-m", "auditwheel", "repair", "--plat", PLATFORM_TAG,
             "-w", str(wheelhouse), str(built[0])], env,
            f"auditwheel could not make a {PLATFORM_TAG} wheel of durable_rules (output above).")
    wheel = cached_wheel(wheelhouse, requirement)
    if not wheel:
        raise PackageError(f"auditwheel wrote no manylinux wheel into {wheelhouse}")
    return wheel


def vendor_engine(wheel: Path, vendor: Path = VENDOR) -> None:
    """Replace the engine in vendor/ with this wheel's contents (other vendored files stay)."""
    vendor.mkdir(exist_ok=True)
    for old in list(vendor.iterdir()):
        if old.name.startswith("durable"):
            shutil.rmtree(old) if old.is_dir() else old.unlink()
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(vendor)
    say(f"vendored {wheel.name} into {vendor.relative_to(ROOT) if vendor.is_relative_to(ROOT) else vendor}/")


def check_vendored(vendor: Path = VENDOR) -> None:
    """Before a plain `chalice deploy`: is the engine in vendor/? (chalice_deploy.check_stage asks)"""
    missing = [f for f in ENGINE_FILES if not (vendor / f).is_file()]
    if missing or not any(ENGINE_EXT.match(p.name) for p in vendor.glob("durable_rules_engine.*.so")):
        raise PackageError("vendor/ has no durable_rules build for Lambda: run "
                           "`make vendor` (or `make package`) first.")


# --- 2. chalice package and the checks on its zip ------------------------------------------------
def chalice_package(stage: str, out: Path) -> Path:
    if out.exists():
        shutil.rmtree(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    chalice = Path(sys.executable).parent / "chalice"
    cmd = [str(chalice), "--project-dir", str(ROOT), "package", "--stage", stage,
           "--merge-template", str(ROOT / "infra" / "chalice-merge.json"), str(out)]
    say(f"chalice package --stage {stage} → {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    proc = subprocess.run(cmd, env=tool_env(), capture_output=True, text=True)
    sys.stderr.write(proc.stdout + proc.stderr)
    if proc.returncode != 0:
        raise PackageError(f"`chalice package` failed with exit status {proc.returncode}")
    if "Could not install dependencies" in proc.stdout + proc.stderr:
        raise PackageError("Chalice could not install some dependencies (listed above) and left "
                           "them out of the zip; refusing to ship it.")
    finish_sam(out / "sam.json", stage)
    return out / "deployment.zip"


def finish_sam(sam_path: Path, stage: str) -> None:
    """What `chalice package` cannot say: every route's path also takes ANY method to the API
    Lambda, which answers 405 in the contract's shape (gateway.py), and every function is released
    through its alias `live` by CodeDeploy with the stage's strategy (release.py)."""
    sam = json.loads(sam_path.read_text(encoding="utf-8"))
    sam = sam_release(extend_sam(sam), stage)
    sam_path.write_text(json.dumps(sam, indent=2) + "\n", encoding="utf-8")


def verify_zip(zip_path: Path) -> dict:
    """Fail loudly unless the engine, the bundle and the app are in the zip, built for Lambda."""
    if not zip_path.is_file():
        raise PackageError(f"no deployment zip at {zip_path}")
    with zipfile.ZipFile(zip_path) as zf:
        infos = zf.infolist()
        names = {i.filename for i in infos}
        ext = [n for n in names if ENGINE_EXT.match(n)]
        problems = [f"{f} (durable_rules)" for f in ENGINE_FILES if f not in names]
        if not ext:
            problems.append(f"{ENGINE_SO} (durable_rules' C extension)")
        elif zf.read(ext[0])[:4] != b"\x7fELF" or zf.read(ext[0])[18:20] != b"\x3e\x00":
            problems.append(f"{ext[0]} is not an x86_64 ELF library")
        for needed in ("app.py", "chalicelib/rules/bundle/bundle.json"):
            if needed not in names:
                problems.append(needed)
    if problems:
        raise PackageError(f"{zip_path.name} is missing: " + "; ".join(problems)
                           + ". The Lambda would fail; not shipping it.")
    return {"files": len(infos), "zip_bytes": zip_path.stat().st_size,
            "unzipped_bytes": sum(i.file_size for i in infos)}


# --- 3. the artifact itself, as Lambda would run it ----------------------------------------------
SMOKE = r"""
import json, sys, time
root = sys.argv[1]
sys.path[:0] = [root]
t0 = time.perf_counter()
import app
import_ms = (time.perf_counter() - t0) * 1000
from datetime import datetime, timezone
from chalicelib.rules import load_bundle
bundle = load_bundle()
facts = {"event": "missed", "clock": "followup", "subject_type": "operator", "misses": 1,
         "opd_misses": 1, "hours_late": 3.5, "used_percent": 115.0, "opd": "DINKES",
         "sector": "kesehatan", "category": "layanan-kesehatan"}
decisions = bundle.evaluate(facts, at=datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc))
import durable, durable_rules_engine as engine_ext
strays = sorted({name.split(".")[0] for name, m in list(sys.modules.items())
                 if (getattr(m, "__file__", None) or root).startswith(root) is False
                 and "site-packages" in m.__file__})
print(json.dumps({"import_app_ms": round(import_ms, 1), "rules_version": bundle.version,
                  "decisions": [d.rule_id for d in decisions], "durable": durable.__file__,
                  "engine": engine_ext.__file__, "app_functions": sorted(app.app.handler_map),
                  "strays": strays}))
"""


def smoke(zip_path: Path, stage_env: dict) -> dict:
    """Unzip into an empty folder; python3.12 -I -S with only that folder on sys.path."""
    with tempfile.TemporaryDirectory(prefix="lampungin-lambda-") as task:
        with zipfile.ZipFile(zip_path) as zf:
            zf.extractall(task)
        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "AWS_DEFAULT_REGION": DEFAULT_REGION,
               "AWS_REGION": DEFAULT_REGION, **stage_env}
        proc = subprocess.run([sys.executable, "-I", "-S", "-c", SMOKE, task], cwd=task, env=env,
                              capture_output=True, text=True, timeout=300)
        if proc.returncode != 0:
            raise PackageError("the unpacked zip does not work under Python 3.12 with only its own "
                               f"files on the path:\n{proc.stderr.strip()[-3000:]}")
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        if not result["durable"].startswith(task) or not result["engine"].startswith(task):
            raise PackageError(f"durable_rules was imported from outside the package: {result}")
        if result["strays"]:
            raise PackageError(f"modules came from outside the package: {result['strays']}")
        if not result["decisions"]:
            raise PackageError(f"the sanction rules decided nothing for a missed follow-up: {result}")
        result["import_app_ms_median"] = cold_import_ms(task, env)
        return result


def cold_import_ms(task: str, env: dict, runs: int = 5) -> float:
    """Median wall time of `import app` in fresh interpreters (files already in the page cache,
    as on a warm Lambda host; the first run after unzipping is reported separately)."""
    code = ("import sys, time; sys.path[:0] = [sys.argv[1]]; t = time.perf_counter(); import app; "
            "print((time.perf_counter() - t) * 1000)")
    times = sorted(float(subprocess.run([sys.executable, "-I", "-S", "-c", code, task], cwd=task,
                                        env=env, capture_output=True, text=True, check=True).stdout)
                   for _ in range(runs))
    return round(times[len(times) // 2], 1)


def stage_environment(stage: str) -> dict:
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    env = dict(config.get("environment_variables", {}))
    env.update(config["stages"][stage].get("environment_variables", {}))
    return {k: str(v) for k, v in env.items()}


def run(cmd: list, env: dict, failure: str) -> None:
    proc = subprocess.run(cmd, env=env)
    if proc.returncode != 0:
        raise PackageError(failure)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lampungin.deploy.package",
                                     description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--stage", default="dev")
    parser.add_argument("--out", help="output folder (default build/package/<stage>)")
    parser.add_argument("--wheelhouse", default=os.environ.get("LAMPUNGIN_WHEELHOUSE",
                                                               str(ROOT / "build" / "wheelhouse")),
                        help="where the repaired engine wheel is kept and reused")
    parser.add_argument("--vendor-only", action="store_true", help="build and vendor the engine, stop")
    args = parser.parse_args(argv)
    try:
        check_build_host()
        vendor_engine(build_engine_wheel(Path(args.wheelhouse)))
        if args.vendor_only:
            return 0
        out = Path(args.out) if args.out else ROOT / "build" / "package" / args.stage
        zip_path = chalice_package(args.stage, out)
        sizes = verify_zip(zip_path)
        result = smoke(zip_path, stage_environment(args.stage))
    except PackageError as err:
        say(f"FAILED: {err.message}")
        return 1
    summary = {"zip": str(zip_path), **sizes, **result}
    say(f"OK {zip_path} — {sizes['zip_bytes'] / 2**20:.1f} MiB zipped, "
        f"{sizes['unzipped_bytes'] / 2**20:.1f} MiB unzipped, {sizes['files']} files; cold "
        f"`import app` {result['import_app_ms']} ms first, {result['import_app_ms_median']} ms "
        f"median of 5; rules {result['rules_version']} decided "
        f"{result['decisions']}")
    (out / "package-report.json").write_text(json.dumps(summary, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    started = time.monotonic()
    code = main()
    say(f"{'done' if code == 0 else 'failed'} in {time.monotonic() - started:.0f} s")
    sys.exit(code)
