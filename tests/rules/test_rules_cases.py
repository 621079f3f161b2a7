"""The policy officers' own examples (rules/tests/*.yaml), run by pytest so `make test` runs them.

Each case is one test, named by its file and line, failing with the same `file:line: message`
that `lampungin rules test` prints.
"""
from __future__ import annotations

import pytest

from lampungin.rules.cases import collect, compiled_bundle, run_case
from lampungin.rules.source import RULES_DIR, load_sources

CASES = collect(load_sources(RULES_DIR))


def test_there_are_cases():
    assert len(CASES) >= 10


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case):
    result = run_case(compiled_bundle(RULES_DIR), case)
    assert result.ok, "\n".join(f.render("en") for f in result.failures)
