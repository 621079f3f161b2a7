"""The command line's own inputs (issue 10, part 4): whatever is typed, a bad value is one clear
line on stderr and exit status 2, never a traceback. `lampungin sweep --at 9999-12-31T23:59:59-14:00`
printed one."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from lampungin.cli import main

BIN = Path(sys.executable).parent / "lampungin"
FACTS = '{"event": "missed", "clock": "followup", "at": "2026-01-10T09:00:00+00:00", "hours_late": 30}'


def run(capsys, *argv) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:            # argparse's own usage errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_usage_error(code: int, err: str, prefix: str) -> None:
    assert code == 2, err
    assert "Traceback" not in err and err.count("\n") == 1 and err.startswith(prefix), err
    assert len(err) < 400


@pytest.mark.parametrize("args", [
    ["--ttl", "abc"], ["--ttl", "²"], ["--ttl", "9" * 5000], ["--ttl", "0"], ["--ttl", "-5"],
    ["--ttl", "99999999999"], ["--sub", "a b"], ["--sub", "wärga"], ["--sub", "x" * 200],
    ["--role", "operator", "--opd", "[X]"], ["--role", "operator", "--opd", "DIN KES"], ["--role", "mayor"],
    ["--role", "operator"], ["--name", "x" * 300],
    ["--role", "inspector", "--government", "BANDARLAMPNG"], ["--role", "inspector", "--government", "١٨"],
    ["--role", "operator", "--opd", "DINKES", "--government", "LAMPUNG"],
    ["--role", "operator", "--opd", "DPMPTSP", "--unit", "NOPE"], ["--role", "supervisor", "--opd", "DPMPTSP",
                                                                  "--unit", "PELAYANAN"],
])
def test_lampungin_token_refuses_bad_input_in_one_line(capsys, tmp_path, args):
    base = {"--sub": "u-1", "--role": "citizen"}
    for i in range(0, len(args), 2):
        base[args[i]] = args[i + 1]
    argv = ["token", "--state-dir", str(tmp_path)] + [x for kv in base.items() for x in kv]
    code, _, err = run(capsys, *argv)
    assert_one_line_usage_error(code, err, "lampungin token: ")


def test_a_token_the_cli_mints_is_one_the_api_accepts(capsys, tmp_path):
    from chalicelib.adapters.auth import TokenVerifier

    code, out, _ = run(capsys, "token", "--state-dir", str(tmp_path), "--sub", "op-1", "--role", "operator",
                       "--opd", "DINKES", "--ttl", "60")
    assert code == 0
    verifier = TokenVerifier(jwks_path=str(tmp_path / "auth" / "jwks.json"))
    assert verifier.verify(f"Bearer {out.strip()}").opd == "DINKES"


def test_tokens_for_a_citys_inspector_and_a_units_operator_carry_their_scope(capsys, tmp_path):
    from chalicelib.adapters.auth import TokenVerifier

    verifier = TokenVerifier(jwks_path=str(tmp_path / "auth" / "jwks.json"))
    code, out, _ = run(capsys, "token", "--state-dir", str(tmp_path), "--sub", "insp-bl", "--role", "inspector",
                       "--government", "BANDARLAMPUNG")
    assert code == 0 and verifier.verify(f"Bearer {out.strip()}").government == "BANDARLAMPUNG"
    code, out, _ = run(capsys, "token", "--state-dir", str(tmp_path), "--sub", "op-bl", "--role", "operator",
                       "--opd", "BANDARLAMPUNG.DINKES", "--unit", "PKM-KEDATON")
    actor = verifier.verify(f"Bearer {out.strip()}")
    assert (actor.opd, actor.government, actor.unit) == ("BANDARLAMPUNG.DINKES", "BANDARLAMPUNG", "PKM-KEDATON")


@pytest.mark.parametrize("at", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "2026-03-0²T08:00",
                                "monday", "2026-02-30T08:00:00", "9" * 5000])
def test_lampungin_sweep_at_refuses_impossible_times_in_one_line(capsys, tmp_path, at):
    code, _, err = run(capsys, "sweep", "--at", at, "--state-dir", str(tmp_path))
    assert_one_line_usage_error(code, err, "lampungin sweep: --at ")


@pytest.mark.parametrize("facts", [
    "{", "[1]", '"x"', "NaN", '{"at": NaN}', "{" * 5000, '{"at": 5}', '{"at": "monday"}',
    '{"at": "9999-12-31T23:59:59-14:00"}', '{"event": "missed"}',
    '{"at": "2026-01-10T09:00:00+00:00", "event": ["missed"]}',
    '{"at": "2026-01-10T09:00:00+00:00", "hours_late": "x"}',
    '{"at": "2026-01-10T09:00:00+00:00", "hours_late": 1e999}',
    '{"at": "2026-01-10"}',
])
def test_lampungin_rules_explain_facts_refuses_bad_json_in_one_line(capsys, facts):
    code, _, err = run(capsys, "rules", "explain", "--facts", facts)
    assert_one_line_usage_error(code, err, "lampungin rules explain: --facts: ")


def test_lampungin_rules_explain_facts_still_explains_good_facts(capsys):
    code, out, err = run(capsys, "rules", "explain", "--facts", FACTS)
    assert code == 0 and "sanction.operator.miss" in out, err


def test_other_rules_inputs_are_usage_errors_or_plain_answers(capsys):
    code, _, err = run(capsys, "rules", "check", "--today", "2026-02-30")
    assert_one_line_usage_error(code, err, "lampungin rules check: --today")
    code, _, err = run(capsys, "rules", "check", "--rules", "/nonexistent/rules")
    assert_one_line_usage_error(code, err, "lampungin rules check: --rules")
    code, out, err = run(capsys, "rules", "explain", "followup:²")       # "²".isdigit() is true
    assert code == 1 and "Traceback" not in err + out


@pytest.mark.slow
@pytest.mark.parametrize("argv", [
    ["sweep", "--at", "9999-12-31T23:59:59-14:00"],
    ["token", "--sub", "u", "--role", "citizen", "--ttl", "abc"],
    ["rules", "explain", "--facts", "{not json"],
])
def test_the_installed_command_prints_no_traceback(tmp_path, argv):
    proc = subprocess.run([str(BIN), *argv], capture_output=True, text=True, timeout=60,
                          env={"LAMPUNGIN_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1, proc.stderr
