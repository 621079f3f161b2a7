"""A case's `parameters:` speak the parameter files' units (issue 14, part 3): `clocks.*.hours` is
read by the same reader as parameters/ ("24 jam", "3 hari kerja", a bare number only where the
parameter says `unit: hour`), inside the same range (ranges.py), and a mistake is a `file:line`
failure in the reader's language, never a silent 3 hours for "3"."""
from __future__ import annotations

import pytest

from lampungin.rules.cases import collect, compiled_bundle, run_case
from lampungin.rules.source import load_sources
from tests.rules.helpers import line_of, rules_copy

NYEPI = """  - name: {name}
    category: keringanan-pajak
    parameters: {parameters}
    timeline:
      - Selasa 2026-03-17 09:00 diajukan
      - Selasa 2026-03-17 15:00 ditindaklanjuti
      - Jumat 2026-03-27 10:00 disetujui
    expect:
      deadlines:
        - {{clock: followup, due: Rabu 2026-03-18 09:00}}
        - {{clock: approval, due: {due}, hours: 72, mode: {mode}}}
"""


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    return rules_copy(tmp_path_factory.mktemp("units"))


@pytest.fixture
def cases_file(shared):
    path = shared / "tests" / "zz-units.yaml"
    yield path
    path.unlink(missing_ok=True)


def results(rules, path, text):
    path.write_text("cases:\n" + text, encoding="utf-8")
    sources = load_sources(rules)
    bundle = compiled_bundle(sources.root)
    return {c.name: run_case(bundle, c) for c in collect(sources) if c.file.endswith(path.name)}


def test_three_working_days_in_a_case_count_as_the_parameter_files_count_them(shared, cases_file):
    """GIVEN "3 hari kerja" (and the same as 72 hours in mode working_days) THEN the same deadline,
    past Nyepi and the Idul Fitri cuti bersama; "72 jam" and a bare 72 stay calendar hours."""
    text = (NYEPI.format(name="hari kerja", parameters="{clocks.approval.hours: 3 hari kerja}",
                         due="Jumat 2026-03-27 15:00", mode="working_days")
            + NYEPI.format(name="jam hari kerja", parameters="{clocks.approval.hours: 72 jam, "
                           "clocks.approval.mode: working_days}", due="Jumat 2026-03-27 15:00", mode="working_days")
            + NYEPI.format(name="jam", parameters="{clocks.approval.hours: 72 jam}", due="Jumat 2026-03-20 15:00",
                           mode="calendar")
            + NYEPI.format(name="angka", parameters="{clocks.approval.hours: 72}", due="Jumat 2026-03-20 15:00",
                           mode="calendar"))
    found = results(shared, cases_file, text)
    for name in ("hari kerja", "jam hari kerja", "jam", "angka"):
        assert found[name].ok, [f.render("en") for f in found[name].failures]
    [_, approval] = found["hari kerja"].outcome.clocks
    assert (approval.policy.hours, approval.policy.mode) == (72, "working_days")


PESAWARAN = """  - name: {name}
    category: sampah
    government: PESAWARAN
    parameters: {{clocks.followup.hours: {hours}}}
    timeline:
      - Senin 2026-07-06 09:00 diajukan
    expect: {{deadlines: [{{clock: followup, due: {due}}}]}}
"""


def test_a_government_without_unit_hour_takes_units_and_its_own_series_is_replaced(shared, cases_file):
    """Pesawaran's own follow-up series (1 hari kerja) declares no unit: a case there writes "8 jam";
    a bare 8 is refused as the parameter file would refuse it; the override replaces its series."""
    text = (PESAWARAN.format(name="jam", hours="8 jam", due="Senin 2026-07-06 17:00")
            + PESAWARAN.format(name="dua hari", hours="2 hari kerja", due="Rabu 2026-07-08 09:00")
            + PESAWARAN.format(name="angka", hours="8", due="Senin 2026-07-06 17:00"))
    found = results(shared, cases_file, text)
    assert found["jam"].ok and found["dua hari"].ok, [f.render("en") for f in found["jam"].failures
                                                     + found["dua hari"].failures]
    [failure] = found["angka"].failures
    assert failure.code == "case_parameter_unit" and failure.line == line_of(cases_file, "hours: 8}")
    assert failure.message("id") == ("contoh 'angka': 'clocks.followup.hours' bernilai 8 tanpa satuan: tulis mis. "
                                     "'24 jam' atau '3 hari kerja' (angka saja hanya boleh bila parameternya "
                                     "menyatakan 'unit: hour')")


BAD = """  - name: {name}
    category: jalan-provinsi
    parameters:
      {parameters}
    timeline: [Rabu 2026-02-04 16:00 diajukan]
    expect: {{sanctions: []}}
"""


@pytest.mark.parametrize(("parameters", "code", "indonesian", "english"), [
    ("clocks.followup.hours: 0 jam", "case_parameter_range",
     "'clocks.followup.hours' bernilai '0 jam'; yang boleh: lebih dari 0 sampai 8760 jam",
     "'clocks.followup.hours' is '0 jam'; allowed: more than 0 up to 8760 hours"),
    ("clocks.followup.hours: -24", "case_parameter_range", "bernilai -24; yang boleh: lebih dari 0",
     "is -24; allowed: more than 0 up to 8760 hours"),
    ("clocks.approval.hours: 400 hari kerja", "case_parameter_range", "bernilai '400 hari kerja'; yang boleh",
     "is '400 hari kerja'; allowed"),
    ("clocks.approval.hours: 3 hari", "case_parameter_bad", "tulis jumlah dan satuannya: '24 jam' atau '3 hari kerja'",
     "write the number and its unit"),
    ("clocks.approval.hours: 3 days", "case_parameter_bad", "bernilai '3 days'", "is '3 days'"),
    ("clocks.approval.hours: true", "case_parameter_bad", "bernilai True", "is True"),
])
def test_a_length_the_parameter_files_would_refuse_fails_at_its_line(shared, cases_file, parameters, code,
                                                                      indonesian, english):
    found = results(shared, cases_file, BAD.format(name="salah", parameters=parameters))
    [failure] = found["salah"].failures
    assert failure.code == code and failure.line == line_of(cases_file, parameters)
    assert indonesian in failure.message("id") and english in failure.message("en")
    assert failure.message("id").startswith("contoh 'salah': ") and failure.message("en").startswith("case 'salah': ")


def test_working_days_beside_a_mode_that_says_otherwise_is_refused(shared, cases_file):
    text = BAD.format(name="bertentangan", parameters="{clocks.followup.hours: 3 hari kerja, "
                      "clocks.followup.mode: working_hours}".strip("{}").replace(", ", "\n      "))
    [failure] = results(shared, cases_file, text)["bertentangan"].failures
    assert failure.code == "case_days_against_mode" and failure.line == line_of(cases_file, "clocks.followup.mode")
    assert "'clocks.followup.mode' di contoh ini 'working_hours'" in failure.message("id")
    assert "this case's 'clocks.followup.mode' is 'working_hours'" in failure.message("en")
