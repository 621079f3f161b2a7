"""docs/runbooks.md has a runbook for every alarm (issue 15): GIVEN both generated templates, THEN
every alarm's description links to a section of docs/runbooks.md that exists, that names the
alarm, and that says what it means, how to check and how to fix; and the page's links work."""
from __future__ import annotations

import json
import re
from pathlib import Path

from lampungin.deploy import alarms

ROOT = Path(__file__).resolve().parents[2]
LINK = re.compile(r"Runbook: docs/runbooks\.md#([a-z0-9-]+)$")
PARTS = ("**What it means.**", "**Check.**", "**Fix.**")


def slug(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to dashes."""
    return re.sub(r"[^a-z0-9 -]", "", heading.strip().lower()).replace(" ", "-")


def sections() -> dict[str, str]:
    text = (ROOT / "docs" / "runbooks.md").read_text(encoding="utf-8")
    out, current = {}, None
    for line in text.splitlines():
        heading = re.match(r"#{2,3} (.+)", line)
        if heading:
            current = slug(heading.group(1))
            out[current] = ""
        elif current:
            out[current] += line + "\n"
    return out


def every_alarm() -> dict[str, dict]:
    found = {}
    for name in ("stack.json", "chalice-merge.json"):
        template = json.loads((ROOT / "infra" / name).read_text())
        for logical, spec in template["Resources"].items():
            if spec.get("Type") == "AWS::CloudWatch::Alarm":
                found[f"{name}:{logical}"] = spec["Properties"]
    return found


def test_every_alarm_links_to_its_own_runbook_section():
    runbooks, missing = sections(), []
    for where, props in every_alarm().items():
        link = LINK.search(props["AlarmDescription"])
        assert link, f"{where}: no `Runbook: docs/runbooks.md#…` at the end of its description"
        section = runbooks.get(link.group(1))
        name = where.split(":")[1].removesuffix("Alarm")
        if section is None:
            missing.append(f"{where}: no section #{link.group(1)}")
        elif f"`{name}`" not in section:
            missing.append(f"{where}: section #{link.group(1)} does not name `{name}`")
        elif not all(part in section for part in PARTS):
            missing.append(f"{where}: section #{link.group(1)} lacks one of {PARTS}")
        assert len(props["AlarmDescription"]) <= 1024                  # CloudWatch's limit
    assert missing == [], "\n".join(missing)


def test_every_runbook_section_an_alarm_uses_is_used_and_the_pages_own_links_resolve():
    runbooks = sections()
    used = {LINK.search(p["AlarmDescription"]).group(1) for p in every_alarm().values()}
    declared = {section for _, _, section in alarms.ERRORS.values()} | {alarms.THROTTLES_RUNBOOK,
                                                                        alarms.DURATION_RUNBOOK}
    assert declared <= used <= set(runbooks)
    text = (ROOT / "docs" / "runbooks.md").read_text(encoding="utf-8")
    for anchor in re.findall(r"\]\(#([a-z0-9-]+)\)", text):
        assert anchor in runbooks, f"docs/runbooks.md links to #{anchor}, which is no heading"
