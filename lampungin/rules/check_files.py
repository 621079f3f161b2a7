"""Per-file shape checks of rules/: which keys each file has, of which type (see README.md)."""
from __future__ import annotations

import re

from chalicelib.rules.model import CLOCKS, MODES, SECTORS, SUBJECT_TYPES
from chalicelib.rules.vocabulary import CLOCK_ACTIONS, STATUSES, TABLE_HIT_POLICIES

from .schema import (
    Ctx,
    anything,
    boolean,
    check_duplicates,
    integer,
    iso_date,
    list_of,
    number,
    one_of,
    record,
    text,
    translation,
)
from .source import LineDict, line_of

WEEKDAYS = ("senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu")
HHMM = re.compile(r"^([01]\d|2[0-4]):[0-5]\d$")


def hhmm_span(ctx, value, parent, key) -> bool:
    if isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) and HHMM.match(v) for v in value) \
            and value[0] < value[1]:
        return True
    ctx.add(line_of(parent, key), "wrong_type", key=key, expected='["HH:MM", "HH:MM"]', got=value)
    return False


def working_hours(ctx, value, parent, key) -> bool:
    if not isinstance(value, dict):
        ctx.add(line_of(parent, key), "not_mapping", where=key)
        return False
    ok = check_duplicates(ctx, value)
    for day, span in value.items():
        ok &= one_of(*WEEKDAYS)(ctx, day, value, day) and hhmm_span(ctx, span, value, day)
    return ok


def _region_code(ctx, value, parent, key) -> bool:       # defined below; units name one
    return region_code(ctx, value, parent, key)


UNIT = record({"code": text, "name": text}, {"region": _region_code}, where="unit")
OPD_FILE = record({"opds": list_of(record({"code": text, "name": text, "sectors": list_of(one_of(*SECTORS))},
                                          {"units": list_of(UNIT)}, where="opd"))})


REGION_CODE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")


def region_code(ctx, value, parent, key) -> bool:
    """A Kemendagri code written as text ("18.71", "18.71.01", "18.71.01.1001"): quoted, since
    YAML reads 18.10 as the number 18.1."""
    if isinstance(value, str) and REGION_CODE.match(value):
        return True
    ctx.add(line_of(parent, key), "wrong_type", key=key, expected='kode wilayah Kemendagri bertanda kutip, '
            'mis. "18.71" / a quoted Kemendagri region code, e.g. "18.71"', got=value)
    return False


def jurisdiction(ctx, value, parent, key) -> bool:
    """A kabupaten/kota: its code, name, kind, region and `contact` {id, en} (named by its code)."""
    code = value.get("code") if isinstance(value, dict) else None
    where = f"kabupaten/kota {code}" if isinstance(code, str) else "jurisdiction"
    return record({"code": text, "name": text, "kind": one_of("kabupaten", "kota"), "region": region_code,
                   "contact": translation}, where=where)(ctx, value, parent, key)


PROVINCE_ENTRY = record({"code": one_of("LAMPUNG"), "name": text, "kind": one_of("provinsi"),
                         "region": region_code, "inspectorate": text, "contact": translation}, where="province")
JURISDICTION_FILE = record({"province": PROVINCE_ENTRY, "jurisdictions": list_of(jurisdiction)})


def by_region_entry(ctx, value, parent, key) -> bool:
    """{region, government | opd, reference}: exactly one target."""
    ok = record({"region": region_code, "reference": text}, {"government": text, "opd": text},
                where="by_region")(ctx, value, parent, key)
    if ok and ("government" in value) == ("opd" in value):
        ctx.add(line_of(value), "by_region_target")
        return False
    return ok


CATEGORY_FILE = record({"hit_policy": one_of("unique"), "default": text,
                        "categories": list_of(record({"code": text, "name": text,
                                                      "sector": one_of(*SECTORS), "opd": text},
                                                     {"reference": text, "by_region": list_of(by_region_entry)},
                                                     where="category"),
                                              allow_empty=False)})
DAY_LIST = list_of(record({"date": iso_date, "name": text, "reference": text}, where="date"))
CALENDAR_FILE = record({"timezone": one_of("Asia/Jakarta"),
                        "years": record({"from": integer, "until": integer}),
                        "working_days": list_of(one_of(*WEEKDAYS), allow_empty=False),
                        "working_hours": working_hours, "reference": text},
                       {"national": boolean, "cuti_bersama": boolean})
REGIONAL_FILE = record({}, {"add": DAY_LIST, "remove": DAY_LIST})
LEVELS_FILE = record({"levels": list_of(record({"code": text, "name": translation}, where="level"),
                                        allow_empty=False)})
EFFECTIVE = record({"from": iso_date}, {"until": iso_date})


def rules_file(then_required: dict, then_optional: dict | None = None):
    rule = record({"id": text, "description": translation, "reference": text, "effective": EFFECTIVE,
                   "when": _when_shape, "then": record(then_required, then_optional)}, where="rule")
    return record({"hit_policy": one_of(*TABLE_HIT_POLICIES), "rules": list_of(rule, allow_empty=False)})


def _when_shape(ctx, value, parent, key) -> bool:
    if not isinstance(value, dict) or not value:
        ctx.add(line_of(parent, key), "not_mapping", where="when")
        return False
    return check_duplicates(ctx, value)


CLOCK_RULES_FILE = rules_file({"clock": one_of(*CLOCKS), "action": one_of(*CLOCK_ACTIONS)})
SANCTION_RULES_FILE = rules_file({"level": text, "subject": one_of(*SUBJECT_TYPES)}, {"notify": text})

# parameters/: known parameter names -> validator of each dated value
_percent = number


def _whole_between(low: int, high: int):
    def validate(ctx, value, parent, key) -> bool:
        if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
            return True
        ctx.add(line_of(parent, key), "bad_value", key=key, got=value, allowed=f"{low}..{high}")
        return False
    return validate
KNOWN_PARAMETERS = {
    "clocks.followup.hours": number, "clocks.approval.hours": number,
    "clocks.followup.mode": one_of(*MODES), "clocks.approval.mode": one_of(*MODES),
    "clocks.followup.pause_in": list_of(one_of(*STATUSES)),
    "clocks.approval.pause_in": list_of(one_of(*STATUSES)),
    "clocks.followup.warn_at_percent": _percent, "clocks.approval.warn_at_percent": _percent,
    "sanctions.window_days": integer, "sanctions.operator_written_warning_after": integer,
    "sanctions.opd_report_after": integer,
    "similar.radius_m": integer,
    "evidence.photo_max_distance": _whole_between(0, 7),      # what domain/evidence's index can find
    "evidence.text_min_similarity": _whole_between(1, 100),
    "evidence.action": one_of("flag", "refuse"),
}
PARAMETER_KEYS = ("description", "unit", "values")


def check_parameter_tree(ctx: Ctx, node, name: str, found: dict, line: int | None = None) -> None:
    """Walk a parameters file: a leaf has `values: {date: {value, reference}}`."""
    if not isinstance(node, dict):
        ctx.add(getattr(node, "line", 1), "not_mapping", where=name)
        return
    check_duplicates(ctx, node)
    if "values" not in node:
        for key, child in node.items():
            child_name = f"{name}.{key}"
            if not isinstance(child, dict):
                ctx.add(line_of(node, key), "not_mapping", where=child_name)
            else:
                check_parameter_tree(ctx, child, child_name, found, line_of(node, key))
        return
    found[name] = (ctx.file, line or (node.line if isinstance(node, LineDict) else 1))
    record({"values": lambda *a: True}, {"description": translation, "unit": text}, where=name)(
        ctx, node, None, name)
    values = node["values"]
    if not isinstance(values, dict) or not values:
        ctx.add(line_of(node, "values"), "not_mapping", where=f"{name}.values")
        return
    check_duplicates(ctx, values)
    validator = KNOWN_PARAMETERS.get(name, anything)
    for since, entry in values.items():
        line = line_of(values, since)
        if not hasattr(since, "isoformat") or hasattr(since, "hour"):
            ctx.add(line, "undated", key=f"{name}.values", got=since)
            continue
        if not isinstance(entry, dict) or "value" not in entry:
            ctx.add(line, "missing_key", key="value", where=f"{name} {since}")
            continue
        if not entry.get("reference"):
            ctx.add(line, "unreferenced", name=name, since=since.isoformat())
        for key in entry:
            if key not in ("value", "reference"):
                ctx.add(line_of(entry, key), "unknown_key", key=key, where=f"{name} {since}",
                        allowed="value, reference")
        if entry["value"] is not None:
            validator(ctx, entry["value"], entry, "value")
