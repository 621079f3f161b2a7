"""Proposed rules for the shadow-mode tests: a copy of rules/ whose follow-up deadline changes from
a date (a new dated value, as policy staff would write it), compiled in memory."""
from __future__ import annotations

import shutil
from pathlib import Path

from lampungin.rules.cases import compiled_bundle
from lampungin.rules.source import RULES_DIR

FOLLOWUP_24 = ("      2025-01-01:\n        value: 24\n        reference: Rancangan Pergub Lampung tentang "
               "Pengelolaan Aduan Lampung In, Pasal 7 ayat (1)\n")
CHANGED_FROM = "2026-02-01"


def followup_rules(folder: Path, hours: int) -> Path:
    """rules/ with the follow-up deadline `hours` from CHANGED_FROM."""
    target = folder / f"rules-{hours}h"
    shutil.copytree(RULES_DIR, target)
    clocks = target / "parameters" / "clocks.yaml"
    text = clocks.read_text(encoding="utf-8")
    assert text.count(FOLLOWUP_24) == 1, "rules/parameters/clocks.yaml: followup.hours is not written as expected"
    clocks.write_text(text.replace(FOLLOWUP_24, FOLLOWUP_24 + (
        f"      {CHANGED_FROM}:\n        value: {hours}\n        reference: Usulan (mode bayangan)\n")),
        encoding="utf-8")
    return target


def followup_bundle(folder: Path, hours: int):
    return compiled_bundle(followup_rules(folder, hours))
