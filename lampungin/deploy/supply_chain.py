"""`make audit` (part of `make test`): no pinned dependency with a known vulnerability.

    .venv/bin/python -m lampungin.deploy.supply_chain [--strict] [--service pypi|osv ...]

pip-audit checks the pins of requirements*.txt (runtime, vendored engine, tools; each file named,
since pip-audit does not follow a nested `-r`) and then the installed environment, which adds the unpinned dependencies
of dependencies that a Lambda zip also ships (urllib3, jmespath, pydantic-core …), against a
vulnerability service: PyPI's JSON API first, then OSV.

Fails (exit 1) when a service answers and reports a vulnerability that is not a deliberate,
documented exception (IGNORED below). When no service answers — offline, or an index that serves
packages but not the per-version JSON pip-audit reads (then pip-audit "skips" every package and
still says "No known vulnerabilities found") — it says on stderr that the audit could NOT run and
exits 0, so an offline build is not broken; `--strict` (or SUPPLY_CHAIN_STRICT=1) makes that a
failure too, for a CI that can reach the services.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REQUIREMENTS = ("requirements.txt", "requirements-vendor.txt", "requirements-dev.txt",  # every pin
                "requirements-sam.txt")
SERVICES = ("pypi", "osv")
TIMEOUT_S = 300
# Deliberate exceptions: vulnerability id (or alias) -> why it does not apply here, and until when.
IGNORED: dict[str, str] = {
    # xmltodict 0.14.2: `georeport` (the independent Open311 client of tests/e2e/test_open311_client.py,
    # dev only) pins xmltodict<0.15. The advisory is about `unparse` building XML from untrusted
    # keys (disputed); georeport only parses our own answers in a test and nothing of it reaches
    # the Lambda. Drop when georeport allows xmltodict>=0.15, or replace georeport.
    "CVE-2025-9375": "dev-only xmltodict 0.14.2 via georeport (tests only; unparse never called)",
    "GHSA-rqvm-6hhw-247j": "the same advisory as CVE-2025-9375",
}


@dataclass
class Audit:
    """What one pip-audit run over one target said."""
    target: str
    service: str
    answered: bool = False                           # the service judged at least one package
    vulnerable: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    error: str | None = None


def pip_audit_command(target: str, service: str) -> list[str]:
    cmd = [sys.executable, "-m", "pip_audit", "--format", "json", "--progress-spinner", "off",
           "--vulnerability-service", service]
    if target == "pins":
        for name in REQUIREMENTS:
            cmd += ["-r", str(ROOT / name)]
        cmd += ["--no-deps", "--disable-pip"]
    for vuln_id in sorted(IGNORED):
        cmd += ["--ignore-vuln", vuln_id]
    return cmd


def read_report(target: str, service: str, returncode: int, stdout: str, stderr: str) -> Audit:
    """pip-audit's JSON report (exit 0: clean, 1: vulnerabilities) as an Audit; anything else
    (a crash on a network error, no JSON) is a service that did not answer."""
    audit = Audit(target, service)
    try:
        report = json.loads(stdout) if returncode in (0, 1) else None
    except ValueError:
        report = None
    if not isinstance(report, dict) or not isinstance(report.get("dependencies"), list):
        last = (stderr.strip().splitlines() or [f"exit status {returncode}"])[-1]
        audit.error = last[:160] + ("…" if len(last) > 160 else "")
        return audit
    for dep in report["dependencies"]:
        name = f"{dep.get('name')}=={dep.get('version', '?')}"
        if "skip_reason" in dep:
            audit.skipped.append(str(dep.get("name")))
            continue
        audit.answered = True
        for vuln in dep.get("vulns") or []:
            ids = {vuln.get("id"), *(vuln.get("aliases") or [])}
            if ids & set(IGNORED):
                continue
            fixes = ", ".join(vuln.get("fix_versions") or []) or "none yet"
            audit.vulnerable.append(f"{name}: {vuln.get('id')} (fixed in: {fixes})")
    return audit


def run_audit(target: str, service: str) -> Audit:
    try:
        proc = subprocess.run(pip_audit_command(target, service), capture_output=True, text=True,
                              timeout=TIMEOUT_S, cwd=ROOT)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Audit(target, service, error=f"pip-audit did not finish: {exc}")
    return read_report(target, service, proc.returncode, proc.stdout, proc.stderr)


def verdict(audits: list[Audit], strict: bool) -> tuple[int, list[str]]:
    """(exit status, stderr lines) for the audits of every target."""
    lines: list[str] = []
    bad = [v for a in audits for v in a.vulnerable]
    if bad:
        return 1, ["supply chain: FAILED: known-vulnerable dependencies (upgrade the pin, or add a "
                   "documented exception to IGNORED in lampungin/deploy/supply_chain.py):",
                   *(f"  {v}" for v in sorted(set(bad)))]
    unaudited = []
    for target in dict.fromkeys(a.target for a in audits):
        answered = [a for a in audits if a.target == target and a.answered]
        if not answered:
            why = "; ".join(f"{a.service}: {a.error or f'skipped all {len(a.skipped)} packages'}"
                            for a in audits if a.target == target)
            unaudited.append(f"{target} ({why})")
        elif answered[0].skipped:
            lines.append(f"supply chain: {target}: {answered[0].service} could not judge "
                         f"{', '.join(sorted(answered[0].skipped)[:10])}"
                         + (" …" if len(answered[0].skipped) > 10 else ""))
    if unaudited:
        lines.append("supply chain: WARNING: the dependency audit could NOT run — no vulnerability "
                     "service answered for " + " and ".join(unaudited) + ". Nothing was checked."
                     + (" (--strict: failing)" if strict else " Run `make audit` where PyPI's JSON "
                                                               "API or OSV is reachable."))
        return (1 if strict else 0), lines
    lines.append("supply chain: OK: no known-vulnerable dependency "
                 f"({', '.join(sorted({a.service for a in audits if a.answered}))})")
    return 0, lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lampungin.deploy.supply_chain",
                                     description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--strict", action="store_true", default=os.environ.get("SUPPLY_CHAIN_STRICT") == "1",
                        help="fail when no vulnerability service answers (default: warn)")
    parser.add_argument("--service", action="append", choices=SERVICES,
                        help="the services to ask, in order (default: pypi, then osv)")
    args = parser.parse_args(argv)
    audits = []
    for target in ("pins", "environment"):
        for service in args.service or SERVICES:
            audit = run_audit(target, service)
            audits.append(audit)
            if audit.answered:
                break                     # one service that answers is the verdict for the target
    code, lines = verdict(audits, args.strict)
    for line in lines:
        print(line, file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
