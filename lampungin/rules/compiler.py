"""Compile the (already checked) policy files into the bundle dict the Lambdas load.

Everything the Lambda needs is resolved here, at build time: routing rows get their rule ids,
parameters become sorted dated lists, the working calendar gets its holiday dates for the years
it covers (from `holidays`, national + the cuti bersama of the years with an SKB, then
rules/calendar/regional.yaml) and its dated office and Ramadan hours, the
notification templates one table by type, and the clock and sanction rules become
durable_rules rulesets (lampungin/durable.py).
"""
from __future__ import annotations

import hashlib
import json

from chalicelib.rules.sourcehash import BUNDLE_FORMAT, generator_id, short_version, source_hash

from . import durable
from .compile_governments import compile_governments
from .dated import compile_parameter_files, holiday_dates
from .region_lookup import compiled_regions
from .schema import bundle_names as names
from .source import Sources

WEEKDAYS = ("senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu")


def compile_routing(sources: Sources) -> dict:
    opds = sources.one("routing", "opds.yaml").data["opds"]
    places = sources.one("routing", "jurisdictions.yaml").data
    table = sources.one("routing", "categories.yaml").data
    categories = [{"code": c["code"], **names(c["name"]), "sector": c["sector"], "opd": c["opd"],
                   "rule_id": f"routing/{c['code']}", "reference": c.get("reference"),
                   "by_region": [{"region": e["region"], "government": e.get("government"), "opd": e.get("opd"),
                                  "reference": e["reference"], "rule_id": f"routing/{c['code']}@{e['region']}"}
                                 for e in c.get("by_region") or []]}
                  for c in table["categories"]]
    province = places["province"]
    return {"hit_policy": table["hit_policy"], "default": table["default"],
            "province": {"code": province["code"], **names(province["name"]), "kind": province["kind"],
                         "region": str(province["region"]), "inspectorate": province["inspectorate"],
                         "contact": {"id": province["contact"]["id"], "en": province["contact"]["en"]}},
            "opds": [{"code": o["code"], **names(o["name"]), "sectors": list(o.get("sectors") or []),
                      "units": [{"code": u["code"], **names(u["name"]),
                                 **({"region": str(u["region"])} if u.get("region") is not None else {})}
                                for u in o.get("units") or []]}
                     for o in opds],
            "jurisdictions": [{"code": j["code"], **names(j["name"]), "kind": j["kind"], "region": str(j["region"]),
                               "contact": {"id": j["contact"]["id"], "en": j["contact"]["en"]}}
                              for j in places["jurisdictions"]],
            "categories": categories}


def compile_parameters(sources: Sources) -> dict:
    """The province's parameters (rules/parameters/)."""
    return compile_parameter_files(sources.of("parameters"))


def _weekday_hours(hours: dict) -> dict:
    return {str(WEEKDAYS.index(day)): list(span) for day, span in hours.items()}


def compile_calendar(sources: Sources) -> dict:
    """The province's calendar: holiday dates, and office hours as dated data (a series from-date ->
    hours per weekday, and each year's Ramadan span), each with its reference."""
    calendar = sources.one("calendar", "calendar.yaml").data
    regional_file = sources.find("calendar", "regional.yaml")
    office = [{"from": e["from"].isoformat(), "hours": _weekday_hours(e["hours"]), "reference": e["reference"]}
              for e in sorted(calendar["office_hours"], key=lambda e: e["from"])]
    ramadan = [{"from": e["from"].isoformat(), "until": e["until"].isoformat(), "hours": _weekday_hours(e["hours"]),
                "reference": e["reference"]}
               for e in sorted(calendar.get("ramadan") or [], key=lambda e: e["from"])]
    return {"timezone": calendar["timezone"], "utc_offset_hours": 7,
            "years": [calendar["years"]["from"], calendar["years"]["until"]],
            "working_days": sorted(WEEKDAYS.index(d) for d in calendar["working_days"]),
            "office_hours": office, "ramadan": ramadan, "reference": calendar.get("reference"),
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
        "governments": compile_governments(sources),
    }
    regions = compiled_regions(sources.root)
    if regions is not None:
        body["regions"] = regions
    body.update(durable.compile_rules(sources, body["parameters"]))
    content = hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()
    manifest = {"format": BUNDLE_FORMAT, "version": short_version(full), "source_hash": full,
                "content_hash": content, "generator": generator_id(), "built_at": built_at,
                "sources": [f.rel for f in sources.all() if f not in sources.of("tests")]}
    return {"manifest": manifest, **body}
