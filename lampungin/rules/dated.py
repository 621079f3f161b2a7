"""Dated values, compiled: parameters (OpenFisca style, one series per dotted name) and the
holiday dates of a working calendar. Shared by the province's compiler (compiler.py) and each
onboarded government's (compile_governments.py), which use the very same shapes."""
from __future__ import annotations

import re
from datetime import date

# Deadline lengths (rules/parameters/clocks.yaml and the governments' overrides): written in hours
# ("24 jam", or a bare number on a parameter whose `unit` is `hour`) or in working days ("3 hari
# kerja"). README.md, "Satuan tenggat", says how each is counted; here they become the bundle's
# hours (what the engine counts) plus `counted: working_days` for one written in hari kerja.
DURATIONS = ("clocks.followup.hours", "clocks.approval.hours")
DURATION_TEXT = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(jam|hari kerja)\s*$")
HOURS_A_WORKING_DAY = 24          # mode working_days: a working day counts whole, 00:00-24:00 WIB


def read_duration(value, unit) -> tuple[float, str | None] | None:
    """(hours, counted) of a deadline length as written, or None when it does not say its length and
    unit unambiguously. `counted` is "working_days" for "N hari kerja", else None (the `mode`
    parameter decides). A bare number counts only on a parameter declaring `unit: hour`."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return (value, None) if unit == "hour" else None
    if not isinstance(value, str):
        return None
    match = DURATION_TEXT.match(value)
    if not match:
        return None
    number = float(match[1]) if "." in match[1] else int(match[1])
    if match[2] == "jam":
        return number, None
    return number * HOURS_A_WORKING_DAY, "working_days"


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
            values = [compiled_value(name, since, entry, leaf.get("unit"))
                      for since, entry in sorted(leaf["values"].items())]
            result[name] = {"description": dict(leaf.get("description") or {}),
                            "unit": leaf.get("unit"), "values": values, "file": source.rel}
    return result


def compiled_value(name: str, since: date, entry: dict, unit) -> dict:
    value = {"from": since.isoformat(), "value": entry.get("value"), "reference": entry.get("reference")}
    if name in DURATIONS and entry.get("value") is not None:
        read = read_duration(entry["value"], unit)                   # checked first (check_files.py)
        if read is None:
            raise ValueError(f"{name} {since}: {entry['value']!r} states no unit (run rules check)")
        hours, counted = read
        value["value"] = hours
        if counted:
            value["counted"] = counted
        if isinstance(entry["value"], str):
            value["written"] = entry["value"].strip()
    return value


def cuti_bersama_years(calendar: dict) -> dict[int, str]:
    """{year: SKB reference} of calendar.yaml's `cuti_bersama` (none when `false`)."""
    listed = calendar.get("cuti_bersama")
    if not isinstance(listed, dict):
        return {}
    return {int(year): entry["reference"] for year, entry in listed.items()}


def package_cuti_bersama(years) -> dict[date, str]:
    """The cuti bersama the `holidays` package knows for these years (its `government` category)."""
    import holidays  # lazy: a 2 MB package only `rules build` and `rules check` need

    return dict(holidays.country_holidays("ID", years=list(years), language="id", categories=("government",)))


def holiday_dates(calendar: dict, regional: dict) -> dict[str, dict]:
    """{date: {name, source, reference?}}: national holidays (source `national`), the cuti bersama
    of the years calendar.yaml names with their SKB (source `cuti_bersama`: a kind of day of its
    own, non-working like the others), then the regional `add`/`remove`."""
    import holidays  # lazy: a 2 MB package only `rules build` needs, not check or test

    years = range(calendar["years"]["from"], calendar["years"]["until"] + 1)
    days: dict[str, dict] = {}
    if calendar.get("national", True):
        found = holidays.country_holidays("ID", years=years, language="id", categories=("public",))
        for day, name in sorted(found.items()):
            days.setdefault(day.isoformat(), {"name": name, "source": "national"})
    skb = cuti_bersama_years(calendar)
    for day, name in sorted(package_cuti_bersama([y for y in years if y in skb]).items()):
        days.setdefault(day.isoformat(), {"name": name, "source": "cuti_bersama", "reference": skb[day.year]})
    for item in (regional or {}).get("add") or []:
        days[_iso(item["date"])] = {"name": item["name"], "source": "regional",
                                    "reference": item.get("reference")}
    for item in (regional or {}).get("remove") or []:
        days.pop(_iso(item["date"]), None)
    return dict(sorted(days.items()))


def _iso(value) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)
