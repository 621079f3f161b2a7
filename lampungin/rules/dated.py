"""Dated values, compiled: parameters (OpenFisca style, one series per dotted name) and the
holiday dates of a working calendar. Shared by the province's compiler (compiler.py) and each
onboarded government's (compile_governments.py), which use the very same shapes."""
from __future__ import annotations

from datetime import date


def parameter_leaves(node, prefix: str):
    """Yield (dotted name, leaf) for every parameter (a mapping with `values`) under node."""
    if isinstance(node, dict) and "values" in node:
        yield prefix, node
    elif isinstance(node, dict):
        for key, child in node.items():
            yield from parameter_leaves(child, f"{prefix}.{key}" if prefix else str(key))


def compile_parameter_files(files) -> dict:
    """{dotted name: {description, unit, values: [{from, value, reference}], file}} of these files
    (the province's, or one government's overrides: the same shape)."""
    result = {}
    for source in files:
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
