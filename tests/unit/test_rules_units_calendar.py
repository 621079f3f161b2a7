"""Units and calendars policy staff think in (issue 14 part 3): deadlines in `jam` or `hari kerja`,
dated office hours and Ramadan hours, cuti bersama as their own kind of day with their SKB."""
from __future__ import annotations

from datetime import date

import pytest

from chalicelib.rules.bundle import RulesBundle
from lampungin.rules.cases import compiled_bundle, parse_when
from lampungin.rules.compiler import compile_bundle
from lampungin.rules.dated import read_duration
from lampungin.rules.source import RULES_DIR, load_sources
from tests.rules.helpers import edit, line_of, only, rules_copy, static

PESAWARAN_HOURS = "        value: 1 hari kerja\n"


def wib(text: str):
    return parse_when(text)[0]


@pytest.fixture
def rules(tmp_path):
    return rules_copy(tmp_path)


@pytest.fixture(scope="module")
def bundle() -> RulesBundle:
    """The Lambda's own class over the bundle the build writes (no PyYAML, no holidays)."""
    return RulesBundle(compile_bundle(load_sources(RULES_DIR)))


@pytest.mark.parametrize("value, unit, read", [
    (24, "hour", (24, None)), ("24 jam", None, (24, None)), ("1.5 jam", None, (1.5, None)),
    ("3 hari kerja", None, (72, "working_days")), ("  2 hari kerja ", "hour", (48, "working_days")),
    (3, None, None), ("3", "hour", None), ("3 hari", None, None), ("3 days", None, None), (True, "hour", None),
])
def test_a_deadline_says_its_unit(value, unit, read):
    assert read_duration(value, unit) == read


def test_working_days_compile_into_hours_and_mode_on_the_lambda_path(bundle):
    policy = bundle.clock_policy("followup", wib("Selasa 2026-03-17 14:00"), government="PESAWARAN")
    assert (policy.hours, policy.mode, policy.calendar) == (24.0, "working_days", "PESAWARAN")
    assert "Peraturan Bupati Pesawaran" in policy.references["clocks.followup.mode"]
    # Nyepi, cuti bersama and Idul Fitri: due the same time of day on the next working day
    assert bundle.due_at(policy, wib("Selasa 2026-03-17 14:00")) == wib("Rabu 2026-03-25 14:00")
    assert bundle.due_at(policy, wib("Sabtu 2026-05-02 10:00")) == wib("Selasa 2026-05-05 00:00")
    data = bundle.data["governments"]["PESAWARAN"]["parameters"]["clocks.followup.hours"]["values"]
    assert data == [{"from": "2026-01-01", "value": 24, "counted": "working_days", "written": "1 hari kerja",
                     "reference": data[0]["reference"]}]
    levels = {c["clock"]: c for c in bundle.service_levels(wib("Senin 2026-03-02 08:00"), "PESAWARAN")["clocks"]}
    assert levels["followup"]["description"] == {"id": "1 hari kerja", "en": "1 working day"}
    assert levels["approval"]["description"]["id"] == "72 jam kalender"


def test_a_bare_number_needs_a_unit_and_days_need_a_working_days_mode(rules):
    path = rules / "parameters" / "clocks.yaml"
    edit(path, "    unit: hour\n    values:\n      2025-01-01:\n        value: 24\n",
         "    values:\n      2025-01-01:\n        value: 24\n")
    [problem] = only(static(rules), "duration_unit")
    assert problem.line == line_of(path, "value: 24")
    assert "tanpa satuan" in problem.message("id") and "with no unit" in problem.message("en")
    edit(path, "        value: 24\n", "        value: 3 hari\n")
    [problem] = only(static(rules), "duration_bad")
    edit(path, "        value: 3 hari\n", "        value: 1 hari kerja\n")
    [problem] = only(static(rules), "days_against_mode")        # the same file's mode says calendar
    assert problem.params["mode"] == "calendar"
    edit(path, "        value: calendar\n", "        value: working_days\n", count=1)
    assert not [p for p in static(rules) if p.code.startswith(("duration", "days_"))]
    edit(path, "        value: 1 hari kerja\n", "        value: 400 hari kerja\n")
    [problem] = only(static(rules), "bad_value")                 # 9600 hours: beyond a year


def test_a_government_override_states_its_unit(rules):
    path = rules / "governments" / "PESAWARAN" / "parameters" / "clocks.yaml"
    edit(path, PESAWARAN_HOURS, "        value: 1\n")
    [problem] = only(static(rules), "duration_unit")
    assert problem.file.endswith("PESAWARAN/parameters/clocks.yaml")


def test_office_hours_are_dated_and_ramadan_replaces_them(bundle):
    cal = bundle.calendar
    assert cal.hours_on(date(2026, 1, 12))[0] == ("07:30", "16:00")
    assert cal.hours_on(date(2026, 1, 16))[0] == ("07:30", "16:30")          # Jumat
    span, reference = cal.hours_on(date(2026, 3, 2))                        # Ramadan 1447 H
    assert span == ("08:00", "15:00") and "Perpres 21/2023" in reference
    assert cal.hours_on(date(2026, 3, 6))[0] == ("08:00", "15:30")
    assert cal.hours_on(date(2026, 3, 21))[0] is None                       # a Saturday
    assert bundle.add_time(wib("Senin 2026-03-02 08:00"), 8 * 3600, "working_hours") == wib("Selasa 2026-03-03 09:00")
    assert bundle.add_time(wib("Senin 2026-01-12 08:00"), 8 * 3600, "working_hours") == wib("Senin 2026-01-12 16:00")


def test_later_office_hours_take_over_from_their_date(rules):
    path = rules / "calendar" / "calendar.yaml"
    edit(path, "ramadan:\n", 'ramadan:\n', count=1)
    text = path.read_text()
    extra = ('  - from: 2026-06-01\n    hours:\n' + "".join(f'      {d}: ["08:00", "16:00"]\n' for d in
             ("senin", "selasa", "rabu", "kamis", "jumat")) + '    reference: "contoh"\n')
    path.write_text(text.replace("ramadan:\n", extra + "ramadan:\n", 1))
    assert static(rules) == []
    b = compiled_bundle(rules)
    assert b.calendar.hours_on(date(2026, 5, 29))[0] == ("07:30", "16:30")
    assert b.calendar.hours_on(date(2026, 6, 1))[0] == ("08:00", "16:00")
    path.write_text(path.read_text().replace("  - from: 2026-06-01\n", "  - from: 2024-06-01\n"))
    [problem] = only(static(rules), "dated_order")


def test_ramadan_spans_are_checked(rules):
    path = rules / "calendar" / "calendar.yaml"
    edit(path, "    until: 2026-03-20\n", "    until: 2026-04-30\n")
    [problem] = only(static(rules), "ramadan_long")
    edit(path, "    until: 2026-04-30\n", "    until: 2026-02-01\n")
    [problem] = only(static(rules), "ramadan_order")
    edit(path, "  - from: 2026-02-19\n    until: 2026-02-01\n", "  - from: 2025-03-20\n    until: 2025-04-10\n")
    codes = sorted(p.code for p in static(rules))
    assert codes == ["ramadan_missing", "ramadan_overlap"]


def test_cuti_bersama_are_their_own_kind_of_day_with_their_skb(bundle, rules):
    day = bundle.calendar.day_off(date(2026, 3, 23))
    assert day["source"] == "cuti_bersama" and "1497 Tahun 2025" in day["reference"]
    assert bundle.calendar.day_off(date(2026, 3, 19))["source"] == "national"
    assert not bundle.calendar.is_working_day(date(2026, 3, 23))
    path = rules / "calendar" / "calendar.yaml"
    text = path.read_text()
    start = text.index("  2027:\n")
    path.write_text(text[:start] + text[text.index("working_days:"):])          # no SKB for 2027
    [problem] = only(static(rules), "cuti_unreferenced")
    assert problem.params["year"] == 2027 and "2027-03-09" in problem.params["days"]
    assert compiled_bundle(rules).calendar.is_working_day(date(2027, 3, 9))     # not compiled without its SKB
