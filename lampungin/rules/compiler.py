"""Compile the (already checked) policy files into the bundle dict the Lambdas load.

Everything the Lambda needs is resolved here, at build time: routing rows get their rule ids,
parameters become sorted dated lists, the working calendar gets its holiday dates for the years
it covers (from `holidays`, national + cuti bersama, then rules/calendar/regional.yaml), the
notification templates one table by type, and the clock and sanction rules become
durable_rules rulesets (lampungin/durable.py).
"""
from __future__ import annotations

import hashlib
import json
from datetime import date

from chalicelib.rules.sourcehash import BUNDLE_FORMAT, generator_id, short_version, source_hash

from . import durable
from .source import Sources

WEEKDAYS = ("senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu")


def compile_routing(sources: Sources) -> dict:
    opds = sources.one("routing", "opds.yaml").data["opds"]
    jurisdictions = sources.one("routing", "jurisdictions.yaml").data["jurisdictions"]
    table = sources.one("routing", "categories.yaml").data
    categories = [{"code": c["code"], "name": c["name"], "sector": c["sector"], "opd": c["opd"],
                   "rule_id": f"routing/{c['code']}", "reference": c.get("reference")}
                  for c in table["categories"]]
    return {"hit_policy": table["hit_policy"], "default": table["default"],
            "opds": [{"code": o["code"], "name": o["name"], "sectors": list(o.get("sectors") or [])}
                     for o in opds],
            "jurisdictions": [{"code": j["code"], "name": j["name"],
                               "contact": {"id": j["contact"]["id"], "en": j["contact"]["en"]}}
                              for j in jurisdictions],
            "categories": categories}


def parameter_leaves(node, prefix: str):
    """Yield (dotted name, leaf) for every parameter (a mapping with `values`) under node."""
    if isinstance(node, dict) and "values" in node:
        yield prefix, node
    elif isinstance(node, dict):
        for key, child in node.items():
            yield from parameter_leaves(child, f"{prefix}.{key}" if prefix else str(key))


def compile_parameters(sources: Sources) -> dict:
    result = {}
    for source in sources.of("parameters"):
        for name, leaf in parameter_leaves(source.data, source.path.stem):
            values = [{"from": since.isoformat(), "value": entry.get("value"),
                       "reference": entry.get("reference")}
                      for since, entry in sorted(leaf["values"].items())]
            result[name] = {"description": dict(leaf.get("description") or {}),
                            "unit": leaf.get("unit"), "values": values, "file": source.rel}
    return result


def holiday_dates(calendar: dict, regional: dict) -> dict[str, dict]:
    import holidays  # lazy: a 2 MB package only `rules build` needs, not check or test

    years = range(calendar["years"]["from"], calendar["years"]["until"] + 1)
    days: dict[str, dict] = {}
    groups = []
    if calendar.get("national", True):
        groups.append(("national", ("public",)))
    if calendar.get("cuti_bersama", True):
        groups.append(("cuti_bersama", ("government",)))
    for source, categories in groups:
        found = holidays.country_holidays("ID", years=years, language="id", categories=categories)
        for day, name in sorted(found.items()):
            days.setdefault(day.isoformat(), {"name": name, "source": source})
    for item in (regional or {}).get("add") or []:
        days[_iso(item["date"])] = {"name": item["name"], "source": "regional",
                                    "reference": item.get("reference")}
    for item in (regional or {}).get("remove") or []:
        days.pop(_iso(item["date"]), None)
    return dict(sorted(days.items()))


def _iso(value) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def compile_calendar(sources: Sources) -> dict:
    calendar = sources.one("calendar", "calendar.yaml").data
    regional_file = sources.find("calendar", "regional.yaml")
    hours = {str(WEEKDAYS.index(day)): list(span) for day, span in calendar["working_hours"].items()}
    return {"timezone": calendar["timezone"], "utc_offset_hours": 7,
            "years": [calendar["years"]["from"], calendar["years"]["until"]],
            "working_days": sorted(WEEKDAYS.index(d) for d in calendar["working_days"]),
            "working_hours": hours, "reference": calendar.get("reference"),
            "holidays": holiday_dates(calendar, regional_file.data if regional_file else {})}


def compile_notifications(sources: Sources) -> dict:
    """{"templates": {type: {lang: {"title", "body"}}}}: rendered by chalicelib/rules/templates.py."""
    templates = {kind: {lang: {"title": texts["title"], "body": texts["body"]} for lang, texts in by_lang.items()}
                 for source in sources.of("notifications") for kind, by_lang in source.data["templates"].items()}
    return {"templates": dict(sorted(templates.items()))}


def compile_bundle(sources: Sources, built_at: str | None = None) -> dict:
    """The whole bundle. `built_at` is informative only: it is excluded from every hash."""
    full = source_hash(sources.root, generator_id())
    body = {
        "routing": compile_routing(sources),
        "parameters": compile_parameters(sources),
        "calendar": compile_calendar(sources),
        "notifications": compile_notifications(sources),
    }
    body.update(durable.compile_rules(sources, body["parameters"]))
    content = hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()
    manifest = {"format": BUNDLE_FORMAT, "version": short_version(full), "source_hash": full,
                "content_hash": content, "generator": generator_id(), "built_at": built_at,
                "sources": [f.rel for f in sources.all() if not f.rel.startswith("rules/tests/")]}
    return {"manifest": manifest, **body}
