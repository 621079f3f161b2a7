"""docs/openapi.json is the generated reference kept in the repository, so that the contract
lives under docs/ for anyone with a clone and no running stack: it must be what GET
/openapi.json serves (regenerate with tools/write-openapi)."""
from __future__ import annotations

import json
from pathlib import Path

import app  # noqa: F401  (every route and its description)
from chalicelib.api.openapi import document

DOC = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


def test_the_checked_in_reference_is_the_served_one():
    fresh = json.dumps(document(), indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    assert DOC.read_text(encoding="utf-8") == fresh, "docs/openapi.json is stale: run tools/write-openapi"
