"""`lampungin rules history PARAM [--rules DIR] [--government CODE] [--today DATE]`: a parameter's
dated values, oldest first, each with its legal reference, the file and line that sets it, and
whether it is past, in force or announced for later (relative to `--today`, default today in WIB).

Why from the files and not the bundle: a policy officer asks what rules/ says now, including a
value just written and not yet built. The values are read exactly as the compiler reads them
(dated.parameter_leaves), and a government's own series replaces the province's for it, as in
the bundle (RulesBundle.parameters_of), so before its first date it has no value at all.
"""
from __future__ import annotations

import difflib
import re
import sys
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from chalicelib.domain.governments import PROVINCE
from chalicelib.domain.times import day_name, local_date
from chalicelib.rules.clock_time import MODE_NAMES

from .check import shapes
from .dated import parameter_leaves
from .messages import language
from .schema import name_id
from .source import Sources, line_of, load_sources

TEXT: dict[str, dict[str, str]] = {
    "id": {"own": "{name}: deret nilainya sendiri ({file}), menggantikan deret provinsi",
           "follows": "{name}: tidak menetapkan sendiri, mengikuti provinsi",
           "province": "{name} ({file})", "since": "sejak", "until": "s.d.", "open": "sejak {since}, seterusnya",
           "past": "sudah lewat", "now": "berlaku hari ini", "future": "diumumkan, akan berlaku",
           "ends": "berakhir (tidak ada nilai)", "reference": "dasar hukum",
           "today": "hari ini: {today}", "before_first": "sebelum {since} tidak ada nilai",
           "unknown": "parameter '{name}' tidak ada di parameters/{hint}", "did_you_mean": "; maksudnya: {names}?",
           "unknown_government": "pemerintah '{code}' belum bergabung (yang bergabung: {known})",
           "bad_today": "--today {text!r}: harus tanggal YYYY-MM-DD"},
    "en": {"own": "{name}: its own series ({file}), replacing the province's",
           "follows": "{name}: sets none of its own, follows the province",
           "province": "{name} ({file})", "since": "from", "until": "to", "open": "from {since} onwards",
           "past": "past", "now": "in force today", "future": "announced, not yet in force",
           "ends": "ends (no value)", "reference": "reference",
           "today": "today: {today}", "before_first": "no value before {since}",
           "unknown": "parameter '{name}' is not in parameters/{hint}", "did_you_mean": "; did you mean: {names}?",
           "unknown_government": "government '{code}' is not onboarded (onboarded: {known})",
           "bad_today": "--today {text!r}: must be a date, YYYY-MM-DD"},
}
UNITS = {"id": {"hour": "jam", "day": "hari", "percent": "persen", "misses": "pelanggaran"},
         "en": {"hour": "hours", "day": "days", "percent": "percent", "misses": "misses"}}

DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")      # ASCII digits only


@dataclass(frozen=True)
class Dated:
    since: date
    until: date | None          # the next value's date (exclusive), None: open-ended
    value: object
    reference: str
    where: str                  # file:line of the value's date


@dataclass(frozen=True)
class Series:
    name: str
    description: dict
    unit: str | None
    file: str
    values: list[Dated]


def series(files, name: str) -> Series | None:
    """The dated values of `name` in these parameter files, as the compiler reads them."""
    for source in files:
        for leaf_name, leaf in parameter_leaves(source.data, source.path.stem):
            if leaf_name != name:
                continue
            values = leaf["values"]
            dates = sorted(values)
            return Series(name, dict(leaf.get("description") or {}), leaf.get("unit"), source.rel, [
                Dated(since, dates[i + 1] if i + 1 < len(dates) else None, values[since].get("value"),
                      str(values[since].get("reference") or ""), f"{source.rel}:{line_of(values, since)}")
                for i, since in enumerate(dates)])
    return None


def names(files) -> list[str]:
    return sorted(n for source in files for n, _ in parameter_leaves(source.data, source.path.stem))


def status(value: Dated, today: date) -> str:
    """past | now | future, relative to `today` (a value is in force from 00:00 WIB of its date)."""
    if value.since > today:
        return "future"
    return "past" if value.until is not None and value.until <= today else "now"


def show_value(value, unit: str | None, lang: str) -> str:
    t = TEXT[lang]
    if value is None:
        return t["ends"]
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    if isinstance(value, str) and value in MODE_NAMES:
        return f"{value} ({MODE_NAMES[value][0 if lang == 'id' else 1]})"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value} {UNITS[lang].get(unit or '', unit or '')}".rstrip()


def _day(d: date, lang: str) -> str:
    return f"{day_name(d, lang)} {d.isoformat()}"


def render(s: Series, today: date, heading: str, lang: str) -> list[str]:
    t = TEXT[lang]
    lines = [f"{s.name} — {s.description.get(lang) or s.description.get('id') or ''}".rstrip(" —"), heading]
    for v in s.values:
        last = v.until - timedelta(days=1) if v.until else None     # its last day in force
        span = (f"{t['since']} {_day(v.since, lang)} {t['until']} {_day(last, lang)}" if last
                else t["open"].format(since=_day(v.since, lang)))
        mark = t[status(v, today)]
        lines.append(f"  {span}: {show_value(v.value, s.unit, lang)}  [{mark}]  {v.where}")
        lines.append(f"      {t['reference']}: {v.reference}")
    lines.append(t["today"].format(today=_day(today, lang)))
    return lines


def government_name(sources: Sources, code: str) -> str:
    if code == PROVINCE:
        return name_id(sources.one("routing", "jurisdictions.yaml").data["province"]["name"])
    return name_id(sources.government_one(code, "government.yaml").data["name"])


def history(rules_dir: Path, name: str, government: str | None = None, today: date | None = None,
            lang: str = "id") -> tuple[int, list[str]]:
    """(exit code, lines to print) for `rules history`."""
    t = TEXT[lang]
    sources = load_sources(rules_dir)
    problems = shapes(sources)
    if problems:
        return 1, [p.render(lang) for p in sorted(problems, key=lambda p: (p.file, p.line))]
    today = today or local_date(datetime.now(timezone.utc))
    code = (government or PROVINCE).upper()
    if code != PROVINCE and code not in sources.government_codes():
        return 1, [t["unknown_government"].format(code=code[:60], known=", ".join(sources.government_codes()))]
    province = series(sources.of("parameters"), name)
    if province is None:
        close = difflib.get_close_matches(name, names(sources.of("parameters")), n=3, cutoff=0.5)
        hint = t["did_you_mean"].format(names=", ".join(close)) if close else ""
        return 1, [t["unknown"].format(name=name[:80], hint=hint)]
    if code == PROVINCE:
        return 0, render(province, today, t["province"].format(name=government_name(sources, code),
                                                                 file=province.file), lang)
    own = series(sources.of_government(code, "parameters"), name)
    if own is None:
        return 0, render(province, today, t["follows"].format(name=government_name(sources, code)), lang)
    lines = render(own, today, t["own"].format(name=government_name(sources, code), file=own.file), lang)
    if own.values:
        lines.insert(2, "  " + t["before_first"].format(since=_day(own.values[0].since, lang)))
    return 0, lines


def cmd_history(args) -> int:
    lang = language()
    try:
        if args.today and not DATE.fullmatch(args.today):
            raise ValueError(args.today)
        today = date.fromisoformat(args.today) if args.today else None
    except ValueError:
        print(f"lampungin rules history: {TEXT[lang]['bad_today'].format(text=args.today[:40])}", file=sys.stderr)
        return 2
    code, lines = history(Path(args.rules), args.param, args.government, today, lang)
    print("\n".join(lines))
    return code
