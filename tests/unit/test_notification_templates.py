"""Notification templates: plain `{name}` fields only, escaped braces, "-" for a missing value,
Indonesian when a language has no template; and the shipped rules/notifications/ keep the promise
of chalicelib/domain/notification_types.py in both languages."""
from __future__ import annotations

import re

import pytest

from chalicelib.domain.notification_types import PLACEHOLDER_MEANING, TYPES
from chalicelib.rules.templates import MISSING, TemplateError, Templates, UnknownTemplate, fields, parse
from lampungin.rules.compiler import compile_notifications
from lampungin.rules.source import RULES_DIR, load_sources

ONE = {"citizen.info_requested": {
    "id": {"title": "Aduan {complaint_id}", "body": "Petugas {opd} bertanya: {note}. Kode {{ADU}}."},
    "en": {"title": "Complaint {complaint_id}", "body": "{opd} asks: {note}."}}}


@pytest.fixture(scope="module")
def shipped() -> Templates:
    return Templates(compile_notifications(load_sources(RULES_DIR))["templates"])


def test_render_fills_in_the_fields():
    title, body = Templates(ONE).render("citizen.info_requested", "id",
                                        {"complaint_id": "ADU-7", "opd": "Dinas Kesehatan", "note": "Di mana?"})
    assert title == "Aduan ADU-7"
    assert body == "Petugas Dinas Kesehatan bertanya: Di mana?. Kode {ADU}."


def test_a_missing_or_empty_value_renders_as_a_dash():
    _, body = Templates(ONE).render("citizen.info_requested", "en", {"opd": "", "note": None})
    assert body == f"{MISSING} asks: {MISSING}."


def test_values_are_inserted_as_they_are_never_read_as_fields():
    _, body = Templates(ONE).render("citizen.info_requested", "en",
                                    {"opd": "{note.__class__}", "note": "{0} {{x}} }"})
    assert body == "{note.__class__} asks: {0} {{x}} }."


@pytest.mark.parametrize("lang", ["jv", "", None, "fr-FR"])
def test_an_unknown_language_falls_back_to_indonesian(lang):
    assert Templates(ONE).render("citizen.info_requested", lang, {})[0] == f"Aduan {MISSING}"


def test_a_regional_english_tag_is_english():
    assert Templates(ONE).render("citizen.info_requested", "en-US", {})[0] == f"Complaint {MISSING}"


def test_an_unknown_type_raises():
    with pytest.raises(UnknownTemplate, match="citizen.nothing"):
        Templates(ONE).render("citizen.nothing", "id", {})


@pytest.mark.parametrize("template, kind, text", [
    ("a {b", "brace", ""), ("a } b", "brace", ""), ("{x!}", "brace", ""),
    ("{x.y}", "field", "{x.y}"), ("{x[0]}", "field", "{x[0]}"), ("{}", "field", "{}"), ("{0}", "field", "{0}"),
    ("{ x }", "field", "{ x }"), ("{x!r}", "format", "{x!r}"), ("{x:>3}", "format", "{x:>3}"),
    ("{x!s:{y}}", "format", "{x!s:{y}}"),
])
def test_only_plain_name_fields_parse(template, kind, text):
    with pytest.raises(TemplateError) as caught:
        parse(template)
    assert (caught.value.kind, caught.value.text) == (kind, text)


def test_fields_and_escapes():
    assert fields("{{literal}} {a} and {b_2} {a}") == ["a", "b_2", "a"]
    with pytest.raises(TemplateError):
        Templates({"citizen.submitted": {"id": {"title": "{x.y}", "body": "b"}}})


def test_the_shipped_templates_cover_every_type_in_both_languages(shipped):
    assert shipped.types == frozenset(TYPES)
    for kind in TYPES:
        for lang in ("id", "en"):
            text = shipped.text(kind, lang)
            assert text["title"].strip() and text["body"].strip(), (kind, lang)


def test_the_shipped_templates_use_only_allowed_placeholders(shipped):
    for kind, allowed in TYPES.items():
        for lang in ("id", "en"):
            used = {name for part in shipped.text(kind, lang).values() for name in fields(part)}
            assert used <= allowed, (kind, lang, used - allowed)


@pytest.mark.parametrize("kind", sorted(TYPES))
@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_shipped_template_renders_with_every_placeholder_filled(shipped, kind, lang):
    params = {name: f"<{name}>" for name in TYPES[kind]}
    title, body = shipped.render(kind, lang, params)
    for text in (title, body):
        assert "{" not in text and "}" not in text, text
        assert MISSING not in re.sub(r"<\w+>", "", text).split(), text     # nothing left unfilled
        assert "\n" not in text and text == text.strip()
    assert "<complaint_id>" in title + body
    if lang == "en":
        assert shipped.render(kind, "id", params) != (title, body)         # really translated


def test_the_forwarded_notice_names_the_jurisdiction_and_its_contact(shipped):
    _, body = shipped.render("citizen.forwarded", "id", {
        "complaint_id": "ADU-1", "jurisdiction": "Kota Metro",
        "jurisdiction_contact": "Inspektorat Kota Metro"})
    assert body == ("Aduan ADU-1 bukan kewenangan Pemerintah Provinsi Lampung dan telah diteruskan ke "
                    "Kota Metro. Hubungi: Inspektorat Kota Metro")


def test_citizen_texts_in_indonesian_carry_no_codes_or_english(shipped):
    english = re.compile(r"\b(the|and|complaint|follow[- ]?up|officer|deadline|status|update|app)\b", re.I)
    for kind in (k for k in TYPES if k.startswith("citizen.")):
        for part in shipped.text(kind, "id").values():
            words = re.sub(r"\{\w+\}", "", part)
            assert not english.search(words) and not re.search(r"\b(OPD|ADU-)", words), (kind, part)


def test_the_readme_documents_every_type_and_placeholder():
    readme = (RULES_DIR / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## notifications/"):]
    for kind in TYPES:
        assert f"`{kind}`" in section, kind
    for name in PLACEHOLDER_MEANING:
        assert f"`{{{name}}}`" in section, name
