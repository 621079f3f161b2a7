"""Explanations of rule decisions in Indonesian and English.

Why: every sanction must be understandable by the person sanctioned and checkable by the
Inspectorate, so it names the rule, its legal reference, the facts it tested and the parameter
values in force (with their own references), and the rules version (DESIGN.md, issue 3 item 4).
Each text is in one language: numbers with that language's decimal mark (1,5 jam / 1.5 hours) and
lateness said plainly ("tercatat tepat pada batas waktu", never "0 jam terlambat").
"""
from __future__ import annotations

import math

from ..domain.wording import late_text, number_text

LANGS = ("id", "en")
YES_NO = {"id": ("ya", "tidak"), "en": ("yes", "no")}
WORDS = {"id": ("Aturan", "Tingkat", "Dasar", "Fakta", "Parameter", "berlaku sejak", "Versi aturan"),
         "en": ("Rule", "Level", "Reference", "Facts", "Parameters", "in force since", "Rules version")}


class _Facts(dict):
    """Facts for str.format_map: numbers shown briefly, unknown names left as written."""

    def __missing__(self, key):
        return "{" + key + "}"


def show(value, lang: str = "en") -> str:
    """A fact's value in `lang`: numbers with its decimal mark, true/false as yes/no (ya/tidak)."""
    if isinstance(value, bool):
        return YES_NO[_lang(lang)][0 if value else 1]
    if isinstance(value, (int, float)) and math.isfinite(value):
        return number_text(value, _lang(lang))
    return str(value)


def shown_facts(facts: dict, lang: str) -> dict:
    """The facts as text in `lang`, plus {late} (late_text of hours_late) for a description."""
    shown = {k: show(v, lang) for k, v in facts.items()}
    if "hours_late" in facts:
        shown["late"] = late_text(facts["hours_late"], lang)
    return shown


def describe(template: str, shown: dict) -> str:
    """The rule's own description with {fact} placeholders filled in (`shown`: facts as text)."""
    try:
        return template.format_map(_Facts(shown))
    except (ValueError, IndexError):
        return template


def summarise(rule: dict, facts: dict) -> dict:
    """What the rule says happened, in each language, without the audit detail (rule id, facts,
    parameters, version): the sentence a notification tells the person concerned."""
    return {lang: describe(text, shown_facts(facts, lang))
            for lang, text in (rule.get("description") or {}).items()}


def explain_rule(rule: dict, facts: dict, params: list, level_name: dict | None,
                 rules_version: str) -> dict:
    """`params`: ParameterValue list (name, value, since, reference) the rule compared against."""
    tested = [f for f in rule["when"] if f in facts]
    extras = ("opd",) if facts.get("event") == "progress" else ("opd", "hours_late")   # a warning is never late
    tested += [f for f in extras if f in facts and f not in tested]
    desc = rule.get("description", {})
    level = level_name or {}
    out = {}
    for lang in LANGS:
        shown = shown_facts(facts, lang)
        rule_w, level_w, ref_w, facts_w, params_w, since_w, version_w = WORDS[lang]
        parts = [f"{rule_w} {rule['id']}: {describe(desc.get(lang, ''), shown)}".rstrip()]
        if "level" in rule.get("then", {}):
            parts.append(f"{level_w}: {level.get(lang, rule['then']['level'])}.")
        parts.append(f"{ref_w}: {rule['reference']}.")
        if tested:
            parts.append(f"{facts_w}: " + ", ".join(f"{f}={shown[f]}" for f in tested) + ".")
        if params:
            parts.append(f"{params_w}: " + "; ".join(
                f"{p.name} = {show(p.value, lang)} ({since_w} {p.since.isoformat()}, {p.reference})"
                for p in params) + ".")
        parts.append(f"{version_w} {rules_version}.")
        out[lang] = " ".join(parts)
    return out


def _lang(lang: str) -> str:
    return "id" if lang == "id" else "en"
