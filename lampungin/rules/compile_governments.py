"""Compile each onboarded government's folder (rules/governments/<CODE>/) into the bundle.

Why resolved at build time: the Lambda must find a government's OPDs under their full codes
(`BANDARLAMPUNG.DINKES`, the code tokens and complaints carry), its routing rows with their rule
ids, its parameter overrides in the province's shape, and its working calendar's holiday dates
(national + cuti bersama from `holidays`, then ITS regional add/remove; the province's office
hours), without PyYAML or `holidays`. The files were checked first (check_governments.py).
"""
from __future__ import annotations

from chalicelib.domain.governments import opd_code

from .dated import compile_parameter_files, holiday_dates
from .schema import bundle_names as names
from .source import Sources


def compile_governments(sources: Sources) -> dict:
    """{code: compiled government} for every folder under governments/, in jurisdictions.yaml order."""
    order = [j["code"] for j in sources.one("routing", "jurisdictions.yaml").data["jurisdictions"]]
    calendar = sources.one("calendar", "calendar.yaml").data
    codes = sorted(sources.government_codes(), key=lambda c: order.index(c) if c in order else len(order))
    return {code: compile_government(sources, code, calendar) for code in codes}


def compile_government(sources: Sources, code: str, calendar: dict) -> dict:
    info = sources.government_one(code, "government.yaml").data
    opds = sources.government_one(code, "opds.yaml").data["opds"]
    table = sources.government_one(code, "categories.yaml").data
    regional = next((f.data for f in sources.of_government(code, "calendar")
                     if f.path.name == "regional.yaml"), None)
    rows = [{"category": r["category"], "opd": opd_code(code, r["opd"]), "unit": r.get("unit"),
             "region": str(r["region"]) if r.get("region") is not None else None,
             "reference": r.get("reference"), "rule_id": rule_id(code, r["category"], r.get("region"))}
            for r in table["categories"]]
    return {
        "code": code, **names(info["name"]), "kind": info["kind"], "region": str(info["region"]),
        "inspectorate": opd_code(code, info["inspectorate"]),
        "opds": [{"code": opd_code(code, o["code"]), "short": o["code"], **names(o["name"]),
                  "sectors": list(o.get("sectors") or []),
                  "units": [{"code": u["code"], **names(u["name"]),
                             "region": str(u["region"]) if u.get("region") is not None else None}
                            for u in o.get("units") or []]}
                 for o in opds],
        "routing": {"hit_policy": table["hit_policy"], "default": opd_code(code, table["default"]),
                    "default_rule_id": f"routing/{code}/default", "rows": rows},
        "parameters": compile_parameter_files(sources.of_government(code, "parameters")),
        "calendar": {"holidays": holiday_dates(calendar, regional or {})},
    }


def rule_id(government: str, category: str, region=None) -> str:
    """`routing/BANDARLAMPUNG/penyakit-menular` (its category row) or `...@18.71.01` (a region row)."""
    base = f"routing/{government}/{category}"
    return f"{base}@{region}" if region is not None else base
