"""English names of categories, OPDs, units and governments (rules/README.md, "Nama dalam bahasa
Inggris"): `name` is an Indonesian text or {id, en}; the bundle carries both; an empty or
non-text `en` is a `rules check` error in both languages, at its line.

GIVEN a copy of the shipped rules/ with one change, WHEN checked and built, THEN ...
"""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from chalicelib.rules import load_bundle
from lampungin.rules.build import build
from tests.rules.helpers import edit, full, line_of, only, rules_copy, static

UTC = timezone.utc
PAJAK = "    name:\n      id: Pajak alat berat\n      en: Heavy equipment tax\n"


@pytest.fixture
def rules(tmp_path):
    return rules_copy(tmp_path)


def built(rules, tmp_path):
    out = tmp_path / "bundle.json"
    bundle, problems = build(rules, out, built_at=datetime(2026, 1, 1, tzinfo=UTC))
    assert problems == []
    return load_bundle(out, source_dir=rules)


def test_every_shipped_category_opd_unit_and_government_has_an_english_name(rules, tmp_path):
    bundle = built(rules, tmp_path)
    routing = bundle.routing
    named = [*routing.categories, *routing.opds.values(), *(u for o in routing.opds.values() for u in o.units),
             *routing.governments.values()]
    assert len(named) > 80
    missing = [getattr(n, "code", n) for n in named if not n.name_en or n.name_en == n.name]
    assert missing == []
    assert routing.category("pajak-alat-berat").name_in("en") == "Heavy equipment tax"
    assert routing.category("pajak-alat-berat").name_in("id") == "Pajak alat berat"
    assert routing.opds["BANDARLAMPUNG.DINKES"].name_in("en") == "Bandar Lampung City Health Office"
    assert routing.governments["BANDARLAMPUNG"].name_in("en") == "Bandar Lampung City"


def test_a_name_without_english_is_fine_and_shown_in_indonesian(rules, tmp_path):
    path = rules / "routing" / "categories.yaml"
    edit(path, PAJAK, "    name: Pajak alat berat\n")                         # a plain text
    edit(rules / "routing" / "opds.yaml", "      en: Health Office\n", "")       # {id} without en
    assert full(rules) == []
    routing = built(rules, tmp_path).routing
    category = routing.category("pajak-alat-berat")
    assert category.name_en is None
    assert category.name_in("en") == category.name_in("id") == "Pajak alat berat"
    assert routing.opds["DINKES"].name_in("en") == "Dinas Kesehatan"


@pytest.mark.parametrize("written, got", [('""', ""), ('"   "', "   "), ("42", 42), ("[Heavy, tax]", ["Heavy", "tax"]),
                                          ("null", None)])
def test_an_empty_or_non_text_english_name_is_an_error_at_its_line(rules, written, got):
    path = rules / "routing" / "categories.yaml"
    edit(path, PAJAK, f"    name:\n      id: Pajak alat berat\n      en: {written}\n")
    [problem] = only(static(rules), "name_en_bad")
    assert problem.file.endswith("rules/routing/categories.yaml")
    assert problem.line == line_of(path, "id: Pajak alat berat") + 1
    assert problem.params["got"] == got
    assert problem.message("id").startswith("nama bahasa Inggris 'en' harus teks yang tidak kosong")
    assert problem.message("en").startswith("the English name 'en' must be a non-empty text")
    assert "harus" not in problem.message("en")


def test_bad_english_names_in_units_governments_and_jurisdictions_are_caught_too(rules):
    edit(rules / "governments" / "PESAWARAN" / "opds.yaml",
         'en: "Gedong Tataan Community Health Centre (Puskesmas)"', 'en: ""')
    edit(rules / "routing" / "jurisdictions.yaml", "      en: Metro City\n", "      en: 7\n")
    files = sorted(p.file.rsplit("rules/", 1)[1] for p in only(static(rules), "name_en_bad"))
    assert files == ["governments/PESAWARAN/opds.yaml", "routing/jurisdictions.yaml"]


def test_a_name_in_another_shape_or_with_other_keys_is_an_error(rules):
    path = rules / "routing" / "categories.yaml"
    edit(path, PAJAK, "    name:\n      id: Pajak alat berat\n      english: Heavy equipment tax\n")
    [problem] = only(static(rules), "unknown_key")
    assert problem.params["key"] == "english" and "id, en" in problem.params["allowed"]
    edit(path, "      english: Heavy equipment tax\n", "      en: Heavy equipment tax\n")
    edit(path, "      id: Pajak alat berat\n", "")
    [problem] = only(static(rules), "missing_key")
    assert problem.params["key"] == "id"


def test_a_government_file_must_repeat_the_jurisdictions_english_name(rules):
    path = rules / "governments" / "BANDARLAMPUNG" / "government.yaml"
    edit(path, "  en: Bandar Lampung City\n", "  en: City of Bandar Lampung\n")
    [problem] = only(static(rules), "government_mismatch")
    assert problem.params["key"] == "name"


def test_english_names_change_the_rules_version(rules, tmp_path):
    before = built(rules, tmp_path).version
    edit(rules / "routing" / "categories.yaml", "      en: Heavy equipment tax\n", "      en: Tax on heavy equipment\n")
    again = tmp_path / "again"
    again.mkdir()
    assert built(rules, again).version != before
