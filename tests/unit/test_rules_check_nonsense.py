"""`lampungin rules check` catches what a careful reviewer would (issue 14, part 1).

GIVEN a copy of the shipped rules/ with one piece of nonsense a policy officer could write (a day
that does not exist, a deadline of no time, a misspelt name, a holiday that contradicts the
calendar), WHEN checked (or built), THEN it is reported as `file:line: message` in Indonesian (and in
English with LANG=en), never as a traceback, and `rules build` refuses to build.
"""
from __future__ import annotations

import pytest

from lampungin.cli import main
from lampungin.rules.build import build
from lampungin.rules.check_files import KNOWN_PARAMETERS
from lampungin.rules.dated import parameter_leaves
from lampungin.rules.ranges import RANGES
from lampungin.rules.source import RULES_DIR, load_sources
from tests.rules.helpers import edit, full, line_of, only, rules_copy, static

CITY = "BANDARLAMPUNG"
FIRST_HOURS = "      2025-01-01:\n        value: 24"          # rules/parameters/clocks.yaml, followup.hours


@pytest.fixture
def rules(tmp_path):
    return rules_copy(tmp_path)


def city(rules, name):
    return rules / "governments" / CITY / name


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(["rules", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- days that do not exist -----------------------------------------------------------------------
@pytest.mark.parametrize("day, id_why, en_why", [
    ("2026-13-01", "bulan 13 tidak ada (bulan 1 sampai 12)", "there is no month 13 (months are 1 to 12)"),
    ("2026-02-30", "Februari 2026 hanya punya 28 hari", "February 2026 has only 28 days"),
])
def test_a_dated_parameter_value_on_a_day_that_does_not_exist(rules, day, id_why, en_why):
    path = rules / "parameters" / "clocks.yaml"
    edit(path, FIRST_HOURS, FIRST_HOURS.replace("2025-01-01", day))
    [problem] = static(rules)
    assert (problem.code, problem.line) == ("bad_date", line_of(path, f"{day}:"))
    assert problem.file.endswith("rules/parameters/clocks.yaml")
    assert problem.message("id") == f"tanggal {day} tidak ada: {id_why}"
    assert problem.message("en") == f"the date {day} does not exist: {en_why}"


def test_an_effective_date_that_does_not_exist(rules):
    path = rules / "sanctions" / "opd.yaml"
    edit(path, "effective: {from: 2025-01-01}", "effective: {from: 2025-01-01, until: 2027-02-29}")
    [problem] = static(rules)
    assert (problem.code, problem.line) == ("bad_date", line_of(path, "2027-02-29"))
    assert problem.message("en") == "the date 2027-02-29 does not exist: February 2027 has only 28 days"


def test_a_province_holiday_that_does_not_exist(rules):
    path = rules / "calendar" / "regional.yaml"
    edit(path, "\nadd: []", "\nadd:\n  - date: 2026-04-31\n    name: Libur contoh\n    reference: Kepgub contoh")
    [problem] = static(rules)
    assert (problem.code, problem.line) == ("bad_date", line_of(path, "date: 2026-04-31"))
    assert problem.message("id") == "tanggal 2026-04-31 tidak ada: April 2026 hanya punya 30 hari"


def test_a_government_holiday_that_does_not_exist(rules):
    path = city(rules, "calendar/regional.yaml")
    edit(path, "date: 2026-06-17", "date: 2026-06-31")
    [problem] = static(rules)
    assert problem.file.endswith("governments/BANDARLAMPUNG/calendar/regional.yaml")
    assert (problem.code, problem.line) == ("bad_date", line_of(path, "date: 2026-06-31"))


def test_a_day_that_does_not_exist_written_in_quotes_is_the_same_mistake(rules):
    """PyYAML raises for 2026-02-30 unquoted and gives a plain text when it is quoted: both say so."""
    path = city(rules, "calendar/regional.yaml")
    edit(path, "date: 2026-06-17", 'date: "2026-02-30"')
    [problem] = static(rules)
    assert (problem.code, problem.line) == ("bad_date", line_of(path, '"2026-02-30"'))
    edit(path, 'date: "2026-02-30"', 'date: "2026-06-17"')
    [quoted] = static(rules)
    assert (quoted.code, quoted.line) == ("date_quoted", line_of(path, '"2026-06-17"'))
    assert quoted.message("id") == ("'date' harus ditulis sebagai tanggal YYYY-MM-DD tanpa tanda kutip, "
                                    "bukan '2026-06-17'")


def test_a_quoted_parameter_date_that_does_not_exist(rules):
    path = rules / "parameters" / "sanctions.yaml"
    edit(path, "    2025-01-01:\n      value: 30", '    "2025-09-31":\n      value: 30')
    [problem] = static(rules)
    assert (problem.code, problem.line) == ("bad_date", line_of(path, '"2025-09-31"'))
    assert problem.message("en") == "the date 2025-09-31 does not exist: September 2025 has only 30 days"


def test_a_date_with_a_time_is_not_a_day(rules):
    path = rules / "sanctions" / "opd.yaml"
    edit(path, "effective: {from: 2025-01-01}", "effective: {from: 2025-01-01 08:00:00}")
    [problem] = static(rules)
    assert (problem.code, problem.line) == ("date_with_time", line_of(path, "2025-01-01 08:00:00"))
    assert problem.message("en") == "'from' must be a date only (YYYY-MM-DD) without a time, not 2025-01-01 08:00:00"


def test_every_day_that_does_not_exist_in_a_file_is_reported_at_its_own_line(rules):
    path = rules / "calendar" / "regional.yaml"
    edit(path, "\nadd: []", "\nadd:\n  - date: 2026-02-30\n    name: a\n    reference: b\n"
                            "  - date: 2026-02-28 25:00:00\n    name: c\n    reference: d")
    problems = static(rules)
    assert [(p.code, p.line) for p in problems] == [("bad_date", line_of(path, "2026-02-30")),
                                                    ("bad_date", line_of(path, "25:00:00"))]
    assert problems[1].message("id") == ("tanggal 2026-02-28 25:00:00 tidak ada: jam 25:00 tidak ada "
                                         "(00:00 sampai 23:59)")


def test_a_day_that_does_not_exist_is_a_file_line_message_on_the_command_line(capsys, rules, monkeypatch):
    path = rules / "parameters" / "clocks.yaml"
    edit(path, FIRST_HOURS, FIRST_HOURS.replace("2025-01-01", "2026-02-30"))
    line = line_of(path, "2026-02-30:")
    monkeypatch.setenv("LANG", "id_ID.UTF-8")
    code, out, err = run(capsys, "check", "--rules", str(rules), "--today", "2026-06-01")
    assert code == 1 and "Traceback" not in out + err
    assert out == f"{path}:{line}: tanggal 2026-02-30 tidak ada: Februari 2026 hanya punya 28 hari\n"
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    code, out, err = run(capsys, "check", "--rules", str(rules), "--today", "2026-06-01")
    assert code == 1 and out == f"{path}:{line}: the date 2026-02-30 does not exist: February 2026 has only 28 days\n"


# --- broken YAML: Indonesian (or English) words and a line, never a traceback --------------------------
@pytest.mark.parametrize("old, new, needle, id_text, en_text", [
    ("      id: Pajak alat berat", "      id: [Pajak alat berat", "[Pajak alat berat",
     "daftar [ ... ] belum ditutup dengan ']'", "expected ',' or ']'"),
    ("      id: Pajak alat berat", "      id: Pajak: alat berat", "Pajak: alat",
     "titik dua ':' tidak boleh di sini", "mapping values are not allowed here"),
    ("      id: Pajak alat berat", "\tid: Pajak alat berat", "\tid: Pajak",
     "ada karakter tab: indentasi YAML hanya boleh spasi", "found character '\\t' that cannot start any token"),
    ("      id: Pajak alat berat", "      id: *pajak", "*pajak",
     "rujukan *pajak tidak punya penanda &pajak di atasnya", "found undefined alias 'pajak'"),
    ("      id: Pajak alat berat", "      ? [Pajak]\n      : alat berat", "? [Pajak]",
     "daftar atau pasangan tidak boleh dipakai sebagai kunci", "found unhashable key"),
])
def test_broken_yaml_is_told_in_the_officers_language_at_its_line(capsys, rules, monkeypatch, old, new,
                                                                  needle, id_text, en_text):
    path = rules / "routing" / "categories.yaml"
    edit(path, old, new)
    [problem] = only(static(rules), "yaml")
    assert line_of(path, needle) <= problem.line <= line_of(path, needle) + 1
    assert problem.message("id").startswith(f"YAML tidak valid: {id_text}")
    assert en_text in problem.message("en") and "tidak" not in problem.message("en")
    monkeypatch.setenv("LANG", "id_ID.UTF-8")
    code, out, err = run(capsys, "check", "--rules", str(rules))
    assert code == 1 and "Traceback" not in out + err
    assert f"categories.yaml:{problem.line}: YAML tidak valid: {id_text}" in out


def test_a_file_that_is_not_utf8_names_its_line(rules):
    path = rules / "calendar" / "regional.yaml"
    line = line_of(path, "add: []")
    path.write_bytes(path.read_bytes().replace(b"add: []", b"add: [] # libur \xe9"))
    [problem] = only(static(rules), "yaml")
    assert problem.line == line
    assert problem.message("id") == "YAML tidak valid: berkas ini bukan teks UTF-8; simpan ulang sebagai UTF-8"


# --- numbers outside their declared range ---------------------------------------------------------
@pytest.mark.parametrize("hours", ["0", "-24", "0.0", "9000", ".inf", ".nan"])
def test_a_follow_up_deadline_of_no_time_or_too_long(rules, hours):
    path = rules / "parameters" / "clocks.yaml"
    edit(path, "value: 24\n", f"value: {hours}\n")
    [problem] = static(rules)
    assert (problem.code, problem.line) == ("bad_value", line_of(path, f"value: {hours}"))
    assert problem.message("id").startswith("'clocks.followup.hours' bernilai ")
    assert problem.message("id").endswith("; yang boleh: lebih dari 0 sampai 8760 jam")
    assert problem.message("en").endswith("; allowed: more than 0 up to 8760 hours")


def test_a_government_override_outside_the_range(rules):
    path = city(rules, "parameters/clocks.yaml")
    edit(path, "value: 12", "value: -12")
    [problem] = static(rules)
    assert problem.file.endswith("governments/BANDARLAMPUNG/parameters/clocks.yaml")
    assert (problem.code, problem.line) == ("bad_value", line_of(path, "value: -12"))
    assert problem.message("en") == "'clocks.followup.hours' is -12; allowed: more than 0 up to 8760 hours"


def test_a_warning_after_the_deadline(rules):
    path = rules / "parameters" / "clocks.yaml"
    edit(path, "value: 75\n", "value: 240\n")
    [problem] = static(rules)
    assert (problem.code, problem.line) == ("bad_value", line_of(path, "value: 240"))
    assert problem.message("id") == "'clocks.followup.warn_at_percent' bernilai 240; yang boleh: 1 sampai 99 persen"


@pytest.mark.parametrize("name, old, new, allowed_en", [
    ("sanctions.window_days", "value: 30", "value: 0", "a whole number, 1 to 365 days"),
    ("sanctions.opd_report_after", "value: 3\n      reference: Rancangan", "value: 0\n      reference: Rancangan",
     "a whole number, 1 to 100 misses"),
])
def test_sanction_scales_outside_their_range(rules, name, old, new, allowed_en):
    path = rules / "parameters" / "sanctions.yaml"
    edit(path, old, new)
    [problem] = static(rules)
    assert problem.line == line_of(path, new.split("\n")[0])
    assert problem.message("en") == f"'{name}' is 0; allowed: {allowed_en}"


def test_a_similar_radius_of_zero_turns_the_offer_off_but_a_negative_one_is_nonsense(rules):
    path = rules / "parameters" / "similar.yaml"
    edit(path, "value: 500", "value: 0")
    assert static(rules) == []                           # documented in similar.yaml: 0 = no offer
    edit(path, "value: 0\n", "value: -500\n")
    [problem] = static(rules)
    assert (problem.code, problem.line) == ("bad_value", line_of(path, "value: -500"))
    assert problem.message("id").endswith("yang boleh: 0 (tidak ditawarkan) atau bilangan bulat 50 sampai 10000 meter")


def test_every_numeric_parameter_of_the_shipped_tree_has_a_declared_range():
    sources = load_sources(RULES_DIR)
    files = sources.of("parameters") + [f for code in sources.government_codes()
                                        for f in sources.of_government(code, "parameters")]
    numeric = {name for source in files for name, leaf in parameter_leaves(source.data, source.path.stem)
               for entry in leaf["values"].values()
               if isinstance(entry["value"], (int, float)) and not isinstance(entry["value"], bool)}
    assert numeric and numeric <= set(RANGES)
    assert set(RANGES) <= set(KNOWN_PARAMETERS)


def test_a_numeric_parameter_without_a_declared_range_is_refused(rules):
    path = rules / "parameters" / "sanctions.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "desk_report_after:\n  values:\n    2025-01-01:\n"
                    "      value: 5\n      reference: Rancangan Pergub, Pasal 13\n", encoding="utf-8")
    [problem] = static(rules)
    assert (problem.code, problem.line) == ("param_no_range", line_of(path, "desk_report_after:"))
    assert problem.message("en").startswith("numeric parameter 'sanctions.desk_report_after' has no declared range")


def test_an_unknown_parameter_that_is_not_a_number_is_refused_with_a_suggestion(rules):
    path = rules / "parameters" / "clocks.yaml"
    edit(path, "  mode:\n", "  mood:\n")
    problems = static(rules)
    [unknown] = only(problems, "param_unknown")
    assert unknown.line == line_of(path, "  mood:")
    assert unknown.render("en").endswith("; did you mean 'clocks.followup.mode'?")
    assert only(problems, "missing_param")[0].params["name"] == "clocks.followup.mode"


# --- names that refer to nothing, with "did you mean ...?" ----------------------------------------
def test_a_misspelt_clock_in_a_clock_rule_then(rules, monkeypatch, capsys):
    path = rules / "clocks" / "clocks.yaml"
    edit(path, "then: {clock: followup, action: start}", "then: {clock: folowup, action: start}")
    [problem] = static(rules)
    assert (problem.code, problem.line) == ("bad_value", line_of(path, "clock: folowup"))
    assert problem.render("id") == (f"{problem.file}:{problem.line}: 'clock' bernilai 'folowup'; yang boleh: "
                                    "followup, approval; maksud Anda 'followup'?")
    assert problem.render("en").endswith("'clock' is 'folowup'; allowed: followup, approval; did you mean 'followup'?")
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    code, out, _ = run(capsys, "check", "--rules", str(rules))
    assert code == 1 and out.endswith("did you mean 'followup'?\n")


def test_an_event_no_fact_can_ever_hold(rules):
    path = rules / "sanctions" / "operator.yaml"
    edit(path, "event: missed", "event: terlambat")
    [problem] = static(rules)
    assert (problem.code, problem.line) == ("bad_value", line_of(path, "event: terlambat"))
    assert problem.message("id") == "'event' bernilai 'terlambat'; yang boleh: missed, progress"


def test_a_misspelt_timeline_event_in_a_clock_rule(rules):
    path = rules / "clocks" / "clocks.yaml"
    edit(path, "event: [submitted, transferred,", "event: [submited, transferred,")
    [problem] = static(rules)
    assert (problem.code, problem.line) == ("bad_value", line_of(path, "submited"))
    assert problem.params["suggestion"] == "submitted" and "handed_over" in problem.message("en")


@pytest.mark.parametrize("fact, value, code, suggestion", [
    ("clock", "aproval", "bad_value", "approval"),
    ("answering", "persn", "bad_value", "person"),
    ("opd", "BAPENDAA", "unknown_opd", "BAPENDA"),
    ("opd", "BANDARLAMPUNG.DINKES", None, None),           # a government's OPD, by its full code
    ("category", "pajak-kendaran", "unknown_category", "pajak-kendaraan"),
    ("sector", "kesehatn", "bad_value", "kesehatan"),
])
def test_words_a_sanction_rule_compares_facts_with(rules, fact, value, code, suggestion):
    path = rules / "sanctions" / "opd.yaml"
    edit(path, "      clock: approval\n", f"      clock: approval\n      {fact}: {value}\n"
         if fact != "clock" else f"      clock: {value}\n")
    problems = static(rules)
    if code is None:
        assert problems == []
        return
    [problem] = problems
    assert (problem.code, problem.line, problem.params["suggestion"]) == (code, line_of(path, value), suggestion)


def test_a_misspelt_status_in_a_pause_in_parameter(rules):
    path = rules / "parameters" / "clocks.yaml"
    edit(path, "value: [waiting_citizen]", "value: [waiting_citzen]")
    [problem] = static(rules)
    assert (problem.code, problem.line) == ("bad_value", line_of(path, "waiting_citzen"))
    assert problem.render("en").endswith("did you mean 'waiting_citizen'?")


def test_misspelt_facts_parameters_and_levels_in_rules(rules):
    path = rules / "sanctions" / "operator.yaml"
    edit(path, "sanctions.operator_written_warning_after", "sanctions.operator_writen_warning_after")
    edit(path, "level: teguran-lisan", "level: teguran-lisn")
    edit(path, "      clock: followup\n    then: {level: teguran-lisn",
         "      clok: followup\n    then: {level: teguran-lisn")
    problems = {p.code: p for p in static(rules)}
    assert problems["unknown_param"].line == line_of(path, "operator_writen_warning_after")
    assert problems["unknown_param"].params["suggestion"] == "sanctions.operator_written_warning_after"
    assert (problems["unknown_level"].line, problems["unknown_level"].params["suggestion"]) == (
        line_of(path, "teguran-lisn"), "teguran-lisan")
    assert (problems["unknown_field"].line, problems["unknown_field"].params["suggestion"]) == (
        line_of(path, "clok: followup"), "clock")
    assert problems["unknown_level"].render("id").endswith("; maksud Anda 'teguran-lisan'?")


def test_a_parameter_that_does_not_fit_the_comparison(rules):
    path = rules / "sanctions" / "warnings.yaml"
    edit(path, "{at_least: {param: clocks.followup.warn_at_percent}", "{at_least: {param: clocks.approval.mode}")
    [problem] = static(rules)
    assert (problem.code, problem.line) == ("param_kind", line_of(path, "param: clocks.approval.mode"))
    assert problem.message("id") == ("parameter 'clocks.approval.mode' berisi 'calendar', tidak cocok untuk "
                                     "'at_least' pada fakta 'used_percent' (harus angka)")


def test_a_misspelt_opd_and_key_in_the_routing_table(rules):
    province = rules / "routing" / "categories.yaml"
    edit(province, "    opd: BMBK\n", "    opd: BMBK\n    refrence: Perda\n")
    [problem] = static(rules)
    assert (problem.code, problem.line, problem.params["suggestion"]) == (
        "unknown_key", line_of(province, "refrence: Perda"), "reference")
    edit(province, "    refrence: Perda\n", "")
    edit(province, "opd: BAPENDA", "opd: BAPENDAA")
    [problem] = static(rules)
    assert (problem.code, problem.line, problem.params["suggestion"]) == (
        "unknown_opd", line_of(province, "BAPENDAA"), "BAPENDA")
    assert problem.render("id").endswith("OPD 'BAPENDAA' tidak ada di routing/opds.yaml; maksud Anda 'BAPENDA'?")


def test_misspelt_names_in_a_governments_table_get_a_suggestion(rules):
    path = city(rules, "categories.yaml")
    edit(path, "  - {category: bencana, opd: BPBD}", "  - {category: bencanaa, opd: BPBDX}")
    problems = {p.code: p for p in static(rules)}
    assert problems["government_unknown_opd"].line == line_of(path, "BPBDX")
    assert problems["government_unknown_opd"].render("en").endswith(
        "OPD 'BPBDX' is not in governments/BANDARLAMPUNG/opds.yaml; did you mean 'BPBD'?")
    assert problems["unknown_category"].params["suggestion"] == "bencana"


def test_a_misspelt_government_in_a_by_region_row(rules):
    path = rules / "routing" / "categories.yaml"
    edit(path, '{region: "18.71", government: BANDARLAMPUNG, reference: "UU 38',
         '{region: "18.71", government: BANDARLAMPNG, reference: "UU 38')
    [problem] = static(rules)
    assert (problem.code, problem.line) == ("unknown_government", line_of(path, "BANDARLAMPNG"))
    assert problem.params["suggestion"] == "BANDARLAMPUNG"


# --- the calendar -----------------------------------------------------------------------------------
def test_a_regional_holiday_outside_the_compiled_years(rules):
    path = city(rules, "calendar/regional.yaml")
    edit(path, "date: 2026-06-17", "date: 2031-06-17")
    [problem] = static(rules)
    assert (problem.code, problem.line) == ("holiday_outside_years", line_of(path, "date: 2031-06-17"))
    assert problem.message("id").startswith("tanggal 2031-06-17 di luar tahun kalender yang dikompilasi (2025 "
                                            "sampai 2030")


@pytest.mark.parametrize("day, id_day, en_day", [("2026-06-20", "Sabtu", "Saturday"),
                                                 ("2026-06-21", "Minggu", "Sunday")])
def test_a_holiday_on_a_weekend(rules, day, id_day, en_day):
    path = city(rules, "calendar/regional.yaml")
    edit(path, "date: 2026-06-17", f"date: {day}")
    [problem] = static(rules)
    assert (problem.code, problem.line) == ("holiday_weekend", line_of(path, f"date: {day}"))
    assert f"jatuh pada hari {id_day}," in problem.message("id")
    assert problem.message("en").startswith(f"{day} falls on a {en_day}, which is not a working day anyway")


def test_the_same_day_added_and_removed(rules):
    path = city(rules, "calendar/regional.yaml")
    edit(path, "remove: []", "remove:\n  - date: 2026-06-17\n    name: Tetap masuk\n    reference: Kepwal contoh")
    [problem] = static(rules)
    assert (problem.code, problem.line) == ("holiday_conflict", line_of(path, "date: 2026-06-17", 2))
    assert problem.message("en") == (f"2026-06-17 is written under 'remove' and also under 'add' (line "
                                     f"{line_of(path, 'date: 2026-06-17')}): a day cannot be both a day off and "
                                     "a working day")


def test_the_same_day_added_twice(rules):
    path = rules / "calendar" / "regional.yaml"
    entry = "  - date: 2026-08-18\n    name: Libur contoh\n    reference: Kepgub contoh\n"
    edit(path, "\nadd: []\n", "\nadd:\n" + entry + entry)
    [problem] = static(rules)
    assert (problem.code, problem.line) == ("holiday_twice", line_of(path, "date: 2026-08-18", 2))


def test_holidays_are_checked_even_when_another_file_has_a_mistake(rules):
    """One run tells the officer everything: the shape checks stop the cross-file ones, but the
    calendar's own days need only the calendar's own files."""
    edit(rules / "parameters" / "clocks.yaml", "value: 24\n", "value: 0\n")
    path = city(rules, "calendar/regional.yaml")
    edit(path, "date: 2026-06-17", "date: 2026-06-20")
    assert sorted(p.code for p in static(rules)) == ["bad_value", "holiday_weekend"]
    edit(path, "    name: Hari Jadi", "    nama: Hari Jadi")            # now the calendar file itself is broken
    assert sorted(p.code for p in static(rules)) == ["bad_value", "missing_key", "unknown_key"]


def test_calendar_years_office_hours_and_working_days(rules):
    path = rules / "calendar" / "calendar.yaml"
    edit(path, "  until: 2030", "  until: 2024")
    [problem] = static(rules)
    assert (problem.code, problem.line) == ("years_order", line_of(path, "until: 2024"))
    edit(path, "  until: 2024", "  until: 20300")                 # once a traceback (date(20300, 12, 31))
    [problem] = static(rules)
    assert (problem.code, problem.line) == ("bad_value", line_of(path, "until: 20300"))
    edit(path, "  until: 20300", "  until: 2030")
    edit(path, 'jumat: ["07:30", "16:30"]', 'jumat: ["07:30", "24:30"]')
    [problem] = static(rules)
    assert (problem.code, problem.line) == ("wrong_type", line_of(path, "24:30"))
    edit(path, '      jumat: ["07:30", "24:30"]\n', "")
    [problem] = static(rules)
    assert (problem.code, problem.line, problem.params["day"]) == ("day_without_hours", line_of(path, "    hours:"),
                                                                   "jumat")


# --- a tree that fails the checks is never built ----------------------------------------------------
@pytest.mark.parametrize("old, new, code", [
    ("value: 24\n", "value: 0\n", "bad_value"),
    (FIRST_HOURS, FIRST_HOURS.replace("2025-01-01", "2026-02-30"), "bad_date"),
    ("value: 75\n", "value: 240\n", "bad_value"),
])
def test_build_refuses_what_check_refuses_and_writes_nothing(rules, tmp_path, old, new, code):
    edit(rules / "parameters" / "clocks.yaml", old, new)
    out = tmp_path / "bundle.json"
    bundle, problems = build(rules, out)
    assert bundle is None and not out.exists()
    assert [p.code for p in problems] == [code] == [p.code for p in full(rules)]
    assert problems[0].render() == full(rules)[0].render()
