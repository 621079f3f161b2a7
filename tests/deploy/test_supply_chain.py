"""`make audit`'s verdicts (lampungin/deploy/supply_chain.py), on pip-audit's own JSON reports:
a vulnerable pin fails; a service that judged nothing (offline, or an index without the
per-version JSON: pip-audit then skips every package and still says "No known vulnerabilities
found") is said to have NOT run — a warning, or a failure with --strict; never a silent pass."""
from __future__ import annotations

import json

import pytest

from lampungin.deploy import supply_chain as sc

CLEAN = {"dependencies": [{"name": "boto3", "version": "1.44.8", "vulns": []},
                          {"name": "pydantic", "version": "2.14.4", "vulns": []}], "fixes": []}
VULNERABLE = {"dependencies": [
    {"name": "jinja2", "version": "2.10", "vulns": [
        {"id": "PYSEC-2019-217", "fix_versions": ["2.10.1"], "aliases": ["CVE-2019-10906"], "description": "x"}]},
    {"name": "boto3", "version": "1.44.8", "vulns": []}], "fixes": []}
ALL_SKIPPED = {"dependencies": [
    {"name": "boto3", "skip_reason": "Dependency not found on PyPI and could not be audited: boto3 (1.44.8)"},
    {"name": "pynamodb", "skip_reason": "Dependency not found on PyPI and could not be audited: pynamodb (6.1.0)"}],
    "fixes": []}
SOME_SKIPPED = {"dependencies": CLEAN["dependencies"] + [{"name": "lampungin", "skip_reason": "local"}]}
CRASH = ("Traceback (most recent call last):\n ...\nrequests.exceptions.ConnectionError: "
         "HTTPSConnectionPool(host='api.osv.dev', port=443): Max retries exceeded")


def report(target, service, doc, returncode=0, stderr=""):
    return sc.read_report(target, service, returncode, json.dumps(doc) if doc is not None else "", stderr)


def test_a_clean_answer_passes():
    code, lines = sc.verdict([report("pins", "pypi", CLEAN), report("environment", "pypi", CLEAN)], strict=True)
    assert code == 0 and lines[-1].startswith("supply chain: OK")


def test_a_known_vulnerable_pin_fails_naming_it_and_its_fix():
    audits = [report("pins", "pypi", VULNERABLE, returncode=1), report("environment", "pypi", CLEAN)]
    code, lines = sc.verdict(audits, strict=False)
    assert code == 1 and "FAILED" in lines[0]
    assert "  jinja2==2.10: PYSEC-2019-217 (fixed in: 2.10.1)" in lines


def test_a_documented_exception_is_not_a_failure(monkeypatch):
    monkeypatch.setitem(sc.IGNORED, "CVE-2019-10906", "sandbox escape: templates are never user input here")
    assert sc.verdict([report("pins", "pypi", VULNERABLE, returncode=1)], strict=True)[0] == 0
    assert "--ignore-vuln" in sc.pip_audit_command("pins", "pypi")


@pytest.mark.parametrize("audit", [
    lambda: report("pins", "pypi", ALL_SKIPPED),                            # the index here: 404s
    lambda: report("pins", "osv", None, returncode=1, stderr=CRASH),         # no route to OSV
    lambda: report("pins", "pypi", {"unexpected": True}),
])
def test_no_answer_is_said_loudly_and_fails_only_when_strict(audit):
    code, lines = sc.verdict([audit()], strict=False)
    assert code == 0 and "could NOT run" in lines[-1] and "Nothing was checked" in lines[-1]
    assert sc.verdict([audit()], strict=True)[0] == 1


def test_a_crash_is_never_read_as_clean_even_with_exit_status_0():
    audit = sc.read_report("pins", "osv", 0, "not json", CRASH)
    assert not audit.answered and "ConnectionError" in (audit.error or "")


def test_one_answering_service_is_enough_and_its_skips_are_listed():
    audits = [report("pins", "pypi", ALL_SKIPPED), report("pins", "osv", CLEAN),
              report("environment", "pypi", SOME_SKIPPED)]
    code, lines = sc.verdict(audits, strict=True)
    assert code == 0 and any("could not judge lampungin" in line for line in lines)


def test_the_pins_audited_are_every_requirements_file():
    cmd = sc.pip_audit_command("pins", "pypi")
    named = {cmd[i + 1].rsplit("/", 1)[-1] for i, arg in enumerate(cmd) if arg == "-r"}
    assert named == {p.name for p in sc.ROOT.glob("requirements*.txt")}
    assert "--no-deps" in cmd and "pip-audit" in (sc.ROOT / "requirements-dev.txt").read_text()
