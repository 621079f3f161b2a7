"""docs/deploy.md as a DevOps engineer follows it (issue 15): GIVEN an empty account in Jakarta,
THEN the walk-through enables the opt-in region and raises the quotas before anything is created,
its CloudFormation commands can take the templates as big as they are, every deploy tool command
it shows exists, and it never shows a bare `chalice deploy`/`chalice delete` (which would ignore the
stage's stored state and lock)."""
from __future__ import annotations

import re
import shlex
from pathlib import Path

from lampungin.deploy import chalice_deploy

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
INLINE_LIMIT = 51_200          # bytes CloudFormation takes as TemplateBody; above: --s3-bucket


def commands() -> list[str]:
    """Every shell command of the doc's ```sh blocks, continuation lines joined."""
    out = []
    for block in re.findall(r"```sh\n(.*?)```", DOC, flags=re.S):
        joined = re.sub(r"\\\n\s*", " ", block)
        out += [line.split(" #")[0].strip() for line in joined.splitlines() if line.strip() and not
                line.strip().startswith("#")]
    return out


def test_the_region_is_enabled_and_the_quotas_raised_before_the_first_stack():
    first_stack = DOC.index("aws cloudformation deploy")
    for needed in ("aws account enable-region --region-name ap-southeast-3",
                   "aws account get-region-opt-status --region-name ap-southeast-3",
                   "request-service-quota-increase --service-code lambda --quota-code L-B99A9384",
                   "One AWS account per stage"):
        assert needed in DOC and DOC.index(needed) < first_stack, needed


def test_every_stack_deploy_of_a_template_over_the_inline_limit_uploads_it():
    sizes = {p: (ROOT / p).stat().st_size for p in ("infra/stack.json",)}
    assert sizes["infra/stack.json"] > INLINE_LIMIT          # why --s3-bucket is needed at all
    deploys = [c for c in commands() if c.startswith("aws cloudformation deploy")]
    assert deploys
    for command in deploys:
        assert "--s3-bucket" in command, command


def test_every_deploy_tool_command_shown_exists_and_no_bare_chalice_deploy_or_delete():
    parser_commands = chalice_deploy.subcommands()
    shown = set()
    for command in commands():
        words = shlex.split(command, posix=True) if "'" not in command else command.split()
        if "lampungin.deploy.chalice_deploy" in words:
            shown.add(words[words.index("lampungin.deploy.chalice_deploy") + 1])
        assert not re.search(r"(^|/)chalice (deploy|delete)\b", command), command
    assert shown and shown <= parser_commands, shown - parser_commands
    assert {"deploy", "delete", "api-settings"} <= shown


def test_the_deploy_state_lock_secrets_and_runbooks_are_explained():
    for needed in ("### Deployed state and the lock", "LAMPUNGIN_DEPLOY_OWNER", "unlock --stage",
                   "### Secrets", "CLAIM_CODE_SECRET", "ClaimCodeSecretArn", "docs/runbooks.md",
                   "### IAM: one role per function", "LOG_RETENTION_DAYS"):
        assert needed in DOC, needed


def test_the_deploy_tool_speaks_one_language(capsys, monkeypatch):
    """Its help, usage and errors in Indonesian by default and in English with LANG=en."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for argv, lang, expected, foreign in (
            (["--help"], None, "tulis keluaran stack ke konfigurasi tahap", "write stack outputs"),
            (["release", "--help"], "en_US.UTF-8", "shift every function's alias live", "pindahkan alias"),
            (["release", "--stage", "nope"], None, "pilihan 'nope' tidak dikenal", "invalid choice"),
            (["release", "--stage", "nope"], "en_US.UTF-8", "invalid choice", "tidak dikenal")):
        if lang:
            monkeypatch.setenv("LANG", lang)
        else:
            monkeypatch.delenv("LANG", raising=False)
        with __import__("pytest").raises(SystemExit):
            chalice_deploy.main(argv)
        out = capsys.readouterr()
        shown = out.out + out.err
        assert expected in shown and foreign not in shown, shown
