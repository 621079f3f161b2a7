"""Per-file shape checks of rules/: which keys each file has, of which type (see README.md)."""
from __future__ import annotations

import re
from datetime import date

from chalicelib.rules.model import CLOCKS, MODES, SECTORS, SUBJECT_TYPES
from chalicelib.rules.vocabulary import CLOCK_ACTIONS, STATUSES, TABLE_HIT_POLICIES

from .dated import DURATIONS, package_cuti_bersama, read_duration
from .messages import Words, did_you_mean
from .ranges import CALENDAR_YEARS, RANGES
from .schema import (
    Ctx,
    anything,
    boolean,
    check_duplicates,
    date_text,
    display_name,
    iso_date,
    list_of,
    one_of,
    record,
    text,
    translation,
    within,
)
from .source import BadDate, LineDict, line_of

WEEKDAYS = ("senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu")
HHMM = re.compile(r"^(([01]\d|2[0-3]):[0-5]\d|24:00)$")      # 24:00 is the end of a day, 24:30 is no time


def hhmm_span(ctx, value, parent, key) -> bool:
    if isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) and HHMM.match(v) for v in value) \
            and value[0] < value[1]:
        return True
    ctx.add(line_of(parent, key), "wrong_type", key=key, expected=Words('["JJ:MM", "JJ:MM"] (jam mulai sebelum jam '
            'selesai)', '["HH:MM", "HH:MM"] (start before end)'), got=value)
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


UNIT = record({"code": text, "name": display_name}, {"region": _region_code}, where="unit")
OPD_FILE = record({"opds": list_of(record({"code": text, "name": display_name, "sectors": list_of(one_of(*SECTORS))},
                                          {"units": list_of(UNIT)}, where="opd"))})


REGION_CODE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")


def region_code(ctx, value, parent, key) -> bool:
    """A Kemendagri code written as text ("18.71", "18.71.01", "18.71.01.1001"): quoted, since
    YAML reads 18.10 as the number 18.1."""
    if isinstance(value, str) and REGION_CODE.match(value):
        return True
    ctx.add(line_of(parent, key), "wrong_type", key=key, expected=Words('kode wilayah Kemendagri bertanda kutip, '
            'mis. "18.71"', 'a quoted Kemendagri region code, e.g. "18.71"'), got=value)
    return False


def jurisdiction(ctx, value, parent, key) -> bool:
    """A kabupaten/kota: its code, name, kind, region and `contact` {id, en} (named by its code)."""
    code = value.get("code") if isinstance(value, dict) else None
    where = f"kabupaten/kota {code}" if isinstance(code, str) else "jurisdiction"
    return record({"code": text, "name": display_name, "kind": one_of("kabupaten", "kota"), "region": region_code,
                   "contact": translation}, where=where)(ctx, value, parent, key)


PROVINCE_ENTRY = record({"code": one_of("LAMPUNG"), "name": display_name, "kind": one_of("provinsi"),
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
                        "categories": list_of(record({"code": text, "name": display_name,
                                                      "sector": one_of(*SECTORS), "opd": text},
                                                     {"reference": text, "by_region": list_of(by_region_entry)},
                                                     where="category"),
                                              allow_empty=False)})
DAY_LIST = list_of(record({"date": iso_date, "name": text, "reference": text}, where="date"))
YEAR = within(CALENDAR_YEARS)


def calendar_years(ctx, value, parent, key) -> bool:
    """{from, until}: years the bundle's calendar covers, in order."""
    if not record({"from": YEAR, "until": YEAR}, where="years")(ctx, value, parent, key):
        return False
    if value["until"] < value["from"]:
        ctx.add(line_of(value, "until"), "years_order", since=value["from"], until=value["until"])
        return False
    return True


def cuti_bersama(ctx, value, parent, key) -> bool:
    """`false` (none), or {year: {reference}}: the years whose cuti bersama count, each with its SKB."""
    if value is False:
        return True
    if not isinstance(value, dict):
        ctx.add(line_of(parent, key), "wrong_type", key=key,
                expected=Words("false, atau pasangan tahun: {reference: SKB ...}",
                               "false, or pairs year: {reference: SKB ...}"), got=value)
        return False
    ok = check_duplicates(ctx, value)
    for year, entry in value.items():
        ok &= YEAR(ctx, year, value, year) and record({"reference": text}, where=f"cuti_bersama {year}")(
            ctx, entry, value, year)
    return ok


OFFICE_HOURS = list_of(record({"from": iso_date, "hours": working_hours, "reference": text}, where="office_hours"),
                       allow_empty=False)
RAMADAN = list_of(record({"from": iso_date, "until": iso_date, "hours": working_hours, "reference": text},
                         where="ramadan"))
CALENDAR_FILE = record({"timezone": one_of("Asia/Jakarta"),
                        "years": calendar_years,
                        "working_days": list_of(one_of(*WEEKDAYS), allow_empty=False),
                        "office_hours": OFFICE_HOURS, "reference": text},
                       {"national": boolean, "cuti_bersama": cuti_bersama, "ramadan": RAMADAN})
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

# parameters/: known parameter names -> validator of each dated value. Every number has its range
# in ranges.py (one place); the others are words from a fixed list.
KNOWN_PARAMETERS = {
    **{name: within(declared, name=name) for name, declared in RANGES.items()},
    "clocks.followup.mode": one_of(*MODES), "clocks.approval.mode": one_of(*MODES),
    "clocks.followup.pause_in": list_of(one_of(*STATUSES)),
    "clocks.approval.pause_in": list_of(one_of(*STATUSES)),
    "evidence.action": one_of("flag", "refuse"),
}
PARAMETER_KEYS = ("description", "unit", "values")


def parameter_files(files) -> list:
    """The problems of parameter files (the province's parameters/, or a government's overrides:
    the same shape): a YAML error where it is, else the tree's checks."""
    problems: list = []
    for source in files:
        ctx = Ctx(source.rel)
        if source.error:
            ctx.add(source.error[0], "yaml", detail=source.error[1])
        else:
            check_parameter_tree(ctx, source.data, source.path.stem, {})
        problems += ctx.problems
    return problems


def check_parameter_tree(ctx: Ctx, node, name: str, found: dict, line: int | None = None) -> None:
    """Walk a parameters file: a leaf has `values: {date: {value, reference}}`."""
    if not isinstance(node, dict):
        ctx.add(getattr(node, "line", 1), "not_mapping", where=name)
        return
    check_duplicates(ctx, node)
    if "values" not in node:
        _days_against_mode(ctx, node, name)
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
    if name in DURATIONS:
        validator = _duration(name, node.get("unit"))
        if node.get("unit") not in (None, "hour"):
            ctx.add(line_of(node, "unit"), "duration_unit_name", unit=node.get("unit"), name=name)
    for since, entry in values.items():
        line = line_of(values, since)
        if isinstance(since, BadDate):
            continue                              # reported where the file was read: a day that does not exist
        if not hasattr(since, "isoformat") or hasattr(since, "hour"):
            if not date_text(ctx, since, line, f"{name}.values"):
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
                        allowed="value, reference", suggestion=did_you_mean(key, ("value", "reference")))
        if entry["value"] is not None:
            validator(ctx, entry["value"], entry, "value")


def _duration(name: str, unit):
    """A deadline length: '24 jam', '3 hari kerja', or a bare number of hours where `unit: hour` says so;
    then inside its range (ranges.py, in hours)."""
    def validate(ctx, value, parent, key) -> bool:
        read = read_duration(value, unit)
        if read is None:
            bare = isinstance(value, (int, float)) and not isinstance(value, bool)
            ctx.add(line_of(parent, key), "duration_unit" if bare else "duration_bad", name=name, got=value)
            return False
        return within(RANGES[name], name=name)(ctx, read[0], parent, key)
    return validate


def _days_against_mode(ctx: Ctx, node: dict, name: str) -> None:
    """A clock whose length is written in hari kerja is counted in working days; a `mode` in the same
    file that says otherwise while that value is in force would be silently ignored: say so."""
    hours, mode = node.get("hours"), node.get("mode")
    if not (isinstance(hours, dict) and isinstance(mode, dict)):
        return
    hours_values, mode_values = hours.get("values"), mode.get("values")
    if not (isinstance(hours_values, dict) and isinstance(mode_values, dict)):
        return
    modes = sorted((d, e.get("value")) for d, e in mode_values.items()
                   if isinstance(d, date) and not isinstance(d, BadDate) and isinstance(e, dict))
    hour_dates = sorted(d for d in hours_values if isinstance(d, date) and not isinstance(d, BadDate))
    for i, since in enumerate(hour_dates):
        entry = hours_values[since]
        read = read_duration(entry.get("value"), hours.get("unit")) if isinstance(entry, dict) else None
        if read is None or read[1] != "working_days":
            continue
        until = hour_dates[i + 1] if i + 1 < len(hour_dates) else None
        in_force = [m for j, (d, m) in enumerate(modes)
                    if (until is None or d < until) and (j + 1 == len(modes) or modes[j + 1][0] > since)]
        for mode_value in in_force:
            if mode_value not in (None, "working_days"):
                ctx.add(line_of(hours_values, since), "days_against_mode", name=f"{name}.hours",
                        since=since.isoformat(), got=entry["value"], mode_name=f"{name}.mode", mode=mode_value)
                break


# calendar/regional.yaml (the province's and each government's): days that contradict the calendar
DAY_WORDS = {"id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
             "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")}


def calendar_hours(ctx: Ctx, calendar: dict) -> None:
    """The dated office hours and Ramadan spans, and the years of the cuti bersama.

    Why each: a working day without hours cannot be counted in mode working_hours; office hours that
    start after the first compiled year leave its first days without any; entries out of order or
    a Ramadan span that ends before it starts (or overlaps another, or lasts a season) is a typo; a
    compiled year with no Ramadan span would count Ramadan at the ordinary hours without a word;
    the cuti bersama of a year nobody wrote the SKB of are not compiled, so say so."""
    first, last = calendar["years"]["from"], calendar["years"]["until"]
    office = calendar["office_hours"]
    for i, entry in enumerate(office):
        since_text = entry["from"].isoformat()
        where = Words(f"office_hours sejak {since_text}", f"office_hours from {since_text}")
        _day_hours(ctx, calendar, entry, where)
        if i and entry["from"] <= office[i - 1]["from"]:
            ctx.add(line_of(entry, "from"), "dated_order", what="office_hours", since=entry["from"].isoformat(),
                    before=office[i - 1]["from"].isoformat())
    if office and office[0]["from"] > date(first, 1, 1):
        ctx.add(line_of(office[0], "from"), "hours_start_late", since=office[0]["from"].isoformat(), first=first)
    spans = calendar.get("ramadan") or []
    seen: list = []
    for entry in spans:
        since, until, line = entry["from"], entry["until"], line_of(entry, "from")
        _day_hours(ctx, calendar, entry, Words(f"ramadan sejak {since.isoformat()}",
                                               f"ramadan from {since.isoformat()}"))
        if until < since:
            ctx.add(line_of(entry, "until"), "ramadan_order", since=since.isoformat(), until=until.isoformat())
            continue
        if (until - since).days > 30:
            ctx.add(line_of(entry, "until"), "ramadan_long", since=since.isoformat(), until=until.isoformat())
        for other_since, other_until, other_line in seen:
            if since <= other_until and other_since <= until:
                ctx.add(line, "ramadan_overlap", since=since.isoformat(), first=other_line)
        seen.append((since, until, line))
    for year in range(first, last + 1):
        if not any(s.year == year or u.year == year for s, u, _ in seen):
            ctx.add(line_of(calendar, "ramadan", line_of(calendar, "office_hours")), "ramadan_missing", year=year)
    _cuti_bersama_years(ctx, calendar, first, last)


def _day_hours(ctx: Ctx, calendar: dict, entry: dict, where: Words) -> None:
    for day in calendar["working_days"]:
        if day not in entry["hours"]:
            ctx.add(line_of(entry, "hours"), "day_without_hours", day=day, where=where)


def _cuti_bersama_years(ctx: Ctx, calendar: dict, first: int, last: int) -> None:
    listed = calendar.get("cuti_bersama")
    listed = listed if isinstance(listed, dict) else {}
    for year in listed:
        if not first <= year <= last:
            ctx.add(line_of(listed, year), "cuti_year_outside", year=year, first=first, last=last)
    if calendar.get("cuti_bersama") is False:
        return
    known: dict[int, list] = {}
    for day in sorted(package_cuti_bersama(range(first, last + 1))):
        known.setdefault(day.year, []).append(day)
    for year, days in sorted(known.items()):
        if year not in listed:
            ctx.add(line_of(calendar, "cuti_bersama", line_of(calendar, "national")), "cuti_unreferenced",
                    year=year, count=len(days), days=", ".join(d.isoformat() for d in days))


def regional_days(ctx: Ctx, calendar: dict, regional: dict) -> None:
    """`add`/`remove` entries: inside the compiled years, on working days, each date once.

    Why each: a day outside `years` is never compiled into the bundle (it silently does nothing); a
    day off on a Saturday changes nothing, so its date is most likely mistyped; a date both added and
    removed leaves the reader (and the compiler, which removes last) to guess which was meant."""
    first, last = calendar["years"]["from"], calendar["years"]["until"]
    working = {WEEKDAYS.index(d) for d in calendar["working_days"]}
    seen: dict = {}
    for part in ("add", "remove"):
        items = regional.get(part) or []
        for i, item in enumerate(items):
            day, line = item["date"], line_of(item, "date", line_of(items, i))
            if not first <= day.year <= last:
                ctx.add(line, "holiday_outside_years", date=day.isoformat(), first=first, last=last)
            elif day.weekday() not in working:
                ctx.add(line, "holiday_weekend", date=day.isoformat(), part=part,
                        day=Words(DAY_WORDS["id"][day.weekday()], DAY_WORDS["en"][day.weekday()]))
            if day in seen:
                other, first_line = seen[day]
                code = "holiday_twice" if other == part else "holiday_conflict"
                ctx.add(line, code, date=day.isoformat(), part=part, other=other, first=first_line)
            else:
                seen[day] = (part, line)
