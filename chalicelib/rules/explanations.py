"""Explanations of rule decisions in Indonesian and English.

Why: every sanction must be understandable by the person sanctioned and checkable by the
Inspectorate, so it names the rule, its legal reference, the facts it tested and the parameter
values in force (with their own references), and the rules version (DESIGN.md, issue 3 item 4).
"""
from __future__ import annotations


class _Facts(dict):
    """Facts for str.format_map: numbers shown briefly, unknown names left as written."""

    def __missing__(self, key):
        return "{" + key + "}"


def show(value) -> str:
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
    return str(value)


def describe(template: str, shown: dict) -> str:
    """The rule's own description with {fact} placeholders filled in (`shown`: facts as text)."""
    try:
        return template.format_map(_Facts(shown))
    except (ValueError, IndexError):
        return template


def summarise(rule: dict, facts: dict) -> dict:
    """What the rule says happened, in each language, without the audit detail (rule id, facts,
    parameters, version): the sentence a notification tells the person concerned."""
    shown = {k: show(v) for k, v in facts.items()}
    return {lang: describe(text, shown) for lang, text in (rule.get("description") or {}).items()}


def explain_rule(rule: dict, facts: dict, params: list, level_name: dict | None,
                 rules_version: str) -> dict:
    """`params`: ParameterValue list (name, value, since, reference) the rule compared against."""
    shown = {k: show(v) for k, v in facts.items()}
    tested = [f for f in rule["when"] if f in facts]
    for extra in ("opd", "hours_late"):
        if extra in facts and extra not in tested:
            tested.append(extra)
    fact_text = ", ".join(f"{f}={shown[f]}" for f in tested)
    desc = rule.get("description", {})
    level = level_name or {}
    out = {}
    for lang, words in (("id", ("Aturan", "Tingkat", "Dasar", "Fakta", "Parameter", "berlaku sejak",
                                "Versi aturan")),
                        ("en", ("Rule", "Level", "Reference", "Facts", "Parameters", "in force since",
                                "Rules version"))):
        rule_w, level_w, ref_w, facts_w, params_w, since_w, version_w = words
        parts = [f"{rule_w} {rule['id']}: {describe(desc.get(lang, ''), shown)}".rstrip()]
        if "level" in rule.get("then", {}):
            parts.append(f"{level_w}: {level.get(lang, rule['then']['level'])}.")
        parts.append(f"{ref_w}: {rule['reference']}.")
        if fact_text:
            parts.append(f"{facts_w}: {fact_text}.")
        if params:
            parts.append(f"{params_w}: " + "; ".join(
                f"{p.name} = {show(p.value)} ({since_w} {p.since.isoformat()}, {p.reference})"
                for p in params) + ".")
        parts.append(f"{version_w} {rules_version}.")
        out[lang] = " ".join(parts)
    return out
