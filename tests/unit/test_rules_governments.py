"""Governments as tenants on the rules side (issue 13): the bundle's interface, `rules check` on a
government's folder, and `rules test` cases filed in (or handed over to) a government.

GIVEN a copy of the shipped rules/ with one mistake in a government's folder, WHEN checked, THEN
exactly that mistake is reported as `file:line: message` in Indonesian and English. GIVEN the
shipped rules, the bundle routes, times and publishes per government.
"""
from __future__ import annotations

import shutil
from datetime import date, datetime

import pytest

from chalicelib.domain.clocks import replay
from chalicelib.domain.model import Event
from chalicelib.domain.times import WIB
from chalicelib.rules import Government, NotOnboarded, UnknownCategory
from chalicelib.rules.bundle import RulesBundle
from chalicelib.rules.schedule import BundleSchedule
from lampungin.rules.cases import collect, compiled_bundle, run_case
from lampungin.rules.compiler import compile_bundle
from lampungin.rules.source import load_sources
from tests.rules.helpers import edit, full, line_of, only, rules_copy, static

CITY, REGENCY = "BANDARLAMPUNG", "PESAWARAN"


def wib(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=WIB)


@pytest.fixture
def rules(tmp_path):
    return rules_copy(tmp_path)


@pytest.fixture(scope="module")
def bundle():
    return compiled_bundle()


def city(rules, name):
    return rules / "governments" / CITY / name


# --- the bundle -----------------------------------------------------------------------------------
def test_governments_are_the_province_then_the_jurisdictions_in_order(bundle):
    governments = bundle.governments
    assert list(governments)[0] == "LAMPUNG" and list(governments)[1:] == list(bundle.jurisdictions)
    assert governments["LAMPUNG"] == Government("LAMPUNG", "Provinsi Lampung", "provinsi", "18", True,
                                                governments["LAMPUNG"].contact, "INSPEKTORAT")
    city_ = governments[CITY]
    assert (city_.kind, city_.region, city_.onboarded, city_.inspectorate) == ("kota", "18.71", True,
                                                                              "BANDARLAMPUNG.INSPEKTORAT")
    assert governments[REGENCY].kind == "kabupaten" and governments[REGENCY].onboarded
    assert sorted(c for c, g in governments.items() if g.onboarded) == sorted(["LAMPUNG", CITY, REGENCY])
    assert governments["METRO"].inspectorate is None and governments["METRO"].region == "18.72"
    assert governments["METRO"].contact_in("en").startswith("Inspektorat Kota Metro")


def test_every_onboarded_opd_is_in_the_bundle_under_its_full_code(bundle):
    dinkes = bundle.opds["BANDARLAMPUNG.DINKES"]
    assert dinkes.government == CITY and dinkes.sectors == ("kesehatan",)
    assert dinkes.unit("PKM-KEDATON").region == "18.71.01" and dinkes.unit("NOPE") is None
    assert bundle.opds["DINKES"].government == "LAMPUNG" and bundle.opds["DINKES"].units == ()
    assert {o.code for o in bundle.opds_of(REGENCY)} >= {"PESAWARAN.DPUPR", "PESAWARAN.INSPEKTORAT"}
    assert all(o.government == "LAMPUNG" and "." not in o.code for o in bundle.opds_of("LAMPUNG"))
    assert bundle.opds_of("METRO") == []


def test_a_road_in_the_city_goes_to_the_city_and_the_explanation_names_both_rules(bundle):
    decision = bundle.route("jalan-kabupaten", region="18.71.01")
    assert (decision.government, decision.opd, decision.unit, decision.rule_id) == (
        CITY, "BANDARLAMPUNG.DPU", "BINA-MARGA", "routing/BANDARLAMPUNG/jalan-kabupaten")
    for lang in ("id", "en"):
        text = decision.explanation[lang]
        assert "routing/jalan-kabupaten@18.71" in text and "routing/BANDARLAMPUNG/jalan-kabupaten" in text
    assert decision.explanation["id"].startswith("Aturan ") and decision.explanation["en"].startswith("Rule ")


def test_a_region_of_a_government_that_is_not_onboarded_stays_with_the_rows_own_opd(bundle):
    decision = bundle.route("jalan-kabupaten", region="18.72.01")
    assert (decision.government, decision.opd, decision.rule_id) == ("LAMPUNG", "BIRO-ORG", "routing/jalan-kabupaten")
    assert "Kota Metro" in decision.explanation["en"] and "not onboarded" in decision.explanation["en"]
    assert bundle.route("jalan-kabupaten").opd == "BIRO-ORG"
    assert bundle.route("jalan-provinsi", region="18.71.01").opd == "BMBK"    # no by_region row


def test_a_government_routes_by_its_rows_the_most_specific_region_then_its_default(bundle):
    kedaton = bundle.route("penyakit-menular", government=CITY, region="18.71.01")
    assert (kedaton.opd, kedaton.unit, kedaton.rule_id) == ("BANDARLAMPUNG.DINKES", "PKM-KEDATON",
                                                           "routing/BANDARLAMPUNG/penyakit-menular@18.71.01")
    village = bundle.route("penyakit-menular", government=CITY, region="18.71.01.1003")
    assert village.unit == "PKM-KEDATON"                  # a kelurahan lies in its kecamatan
    elsewhere = bundle.route("penyakit-menular", government=CITY, region="18.71.04")
    assert (elsewhere.unit, elsewhere.rule_id) == ("P2P", "routing/BANDARLAMPUNG/penyakit-menular")
    default = bundle.route("layanan-rsudam", government=CITY)
    assert (default.opd, default.rule_id, default.sector) == ("BANDARLAMPUNG.BAGIAN-ORG",
                                                              "routing/BANDARLAMPUNG/default", "kesehatan")
    assert "default" in default.explanation["id"]


def test_routing_within_a_government_without_a_folder_or_an_unknown_category_is_refused(bundle):
    with pytest.raises(NotOnboarded) as raised:
        bundle.route("sampah", government="METRO")
    assert raised.value.government == "METRO"
    with pytest.raises(NotOnboarded):
        bundle.route("sampah", government="ATLANTIS")
    with pytest.raises(UnknownCategory):
        bundle.route("jalan-desa", government=CITY)


def test_a_government_clock_uses_its_own_series_and_names_its_calendar(bundle):
    at = wib(2026, 3, 2, 8)
    city_ = bundle.clock_policy("followup", at, government=CITY)
    assert (city_.hours, city_.mode, city_.calendar, city_.since) == (12, "calendar", CITY, "2026-01-01")
    assert "Wali Kota Bandar Lampung" in city_.reference and "contoh" in city_.reference
    assert bundle.clock_policy("approval", at, government=CITY).hours == 72      # the province's
    regency = bundle.clock_policy("followup", at, government=REGENCY)
    assert (regency.hours, regency.mode, regency.calendar) == (24, "working_days", REGENCY)
    province = bundle.clock_policy("followup", at)
    assert (province.hours, province.calendar) == (24, "LAMPUNG")
    assert bundle.due_at("followup", at, government=CITY) == wib(2026, 3, 2, 20)
    with pytest.raises(NotOnboarded):
        bundle.clock_policy("followup", at, government="METRO")


def test_a_government_series_replaces_the_provinces(bundle):
    """Before the city's own first value there is no value for the city (not the province's)."""
    from chalicelib.rules import ParameterLapsed
    with pytest.raises(ParameterLapsed):
        bundle.clock_policy("followup", wib(2025, 12, 31, 23), government=CITY)
    assert bundle.parameter("clocks.followup.hours", date(2026, 6, 1), government=CITY) == 12
    assert bundle.parameter("clocks.followup.hours", date(2026, 6, 1)) == 24
    assert bundle.parameter("sanctions.window_days", date(2026, 6, 1), government=CITY) == 30


def test_working_days_count_on_the_governments_own_calendar(bundle):
    friday = wib(2026, 10, 30, 10)                      # Pesawaran's day off is Monday 2026-11-02
    assert bundle.add_time(friday, 24 * 3600, "working_days", calendar=REGENCY) == wib(2026, 11, 3, 10)
    assert bundle.add_time(friday, 24 * 3600, "working_days") == wib(2026, 11, 2, 10)
    assert bundle.time_between(friday, wib(2026, 11, 3, 10), "working_days", calendar=REGENCY) == 24 * 3600
    assert bundle.calendar_of(REGENCY).is_working_day(date(2026, 11, 2)) is False
    assert bundle.calendar_of("LAMPUNG").is_working_day(date(2026, 11, 2)) is True
    assert bundle.calendar_of(CITY).is_working_day(date(2026, 6, 17)) is False
    assert bundle.calendar_of(REGENCY).is_working_day(date(2026, 3, 20)) is False   # cuti bersama too
    with pytest.raises(NotOnboarded):
        bundle.add_time(friday, 3600, "working_days", calendar="METRO")


def test_the_engine_replays_a_hand_over_under_the_receiving_governments_parameters(bundle):
    """domain.clocks.replay through BundleSchedule: `handed_over` restarts the follow-up clock with
    the city's 12 hours (rules/clocks followup.start) and the old one stops there."""
    def event(seq, at, type_, **data):
        return Event("ADU-1", seq, at, type_, "supervisor", "x", None, data)
    events = [event(1, wib(2026, 3, 2, 8), "submitted", opd="DINKES"),
              event(2, wib(2026, 3, 2, 10), "handed_over", to_opd="BANDARLAMPUNG.DINKES")]
    first, second = replay("ADU-1", events, BundleSchedule(bundle))
    assert (first.opd, first.state, first.ended_by) == ("DINKES", "stopped", "handed_over")
    assert (second.opd, second.policy.hours, second.policy.calendar) == ("BANDARLAMPUNG.DINKES", 12, CITY)
    assert second.due_at == wib(2026, 3, 2, 22)


def test_service_levels_per_government_carry_its_references(bundle):
    levels = bundle.service_levels(wib(2026, 6, 1, 9), government=CITY)
    followup = next(c for c in levels["clocks"] if c["clock"] == "followup")
    assert (levels["government"], followup["hours"], followup["in_force_since"]) == (CITY, 12, "2026-01-01")
    assert "Wali Kota" in followup["references"]["clocks.followup.hours"]
    assert "Pergub" in followup["references"]["clocks.followup.mode"]
    assert bundle.service_levels(wib(2026, 6, 1, 9))["clocks"][0]["hours"] == 24


def test_a_report_reaches_the_inspectorate_of_the_complaints_government(bundle):
    facts = {"event": "missed", "clock": "approval", "subject_type": "opd", "answering": "opd",
             "misses": 3, "opd_misses": 3, "hours_late": 5.0, "opd": "BANDARLAMPUNG.DINSOS"}
    decisions = bundle.evaluate(facts, at=wib(2026, 3, 19, 12))
    assert [d.notify for d in decisions if d.rule_id == "report.opd.repeat"] == ["BANDARLAMPUNG.INSPEKTORAT"]
    province = bundle.evaluate({**facts, "opd": "DINSOS"}, at=wib(2026, 3, 19, 12))
    assert [d.notify for d in province if d.rule_id == "report.opd.repeat"] == ["INSPEKTORAT"]


def test_a_governments_example_cases_are_not_part_of_the_rules_version(rules):
    before = RulesBundle(compile_bundle(load_sources(rules))).version
    (rules / "governments" / CITY / "tests" / "more.yaml").write_text("cases: []\n", encoding="utf-8")
    assert RulesBundle(compile_bundle(load_sources(rules))).version == before
    edit(city(rules, "parameters/clocks.yaml"), "value: 12", "value: 10")
    assert RulesBundle(compile_bundle(load_sources(rules))).version != before


# --- rules check ----------------------------------------------------------------------------------
def test_the_shipped_governments_pass_every_check(rules):
    assert full(rules) == []


def test_a_government_folder_that_is_not_a_jurisdiction(rules):
    shutil.copytree(rules / "governments" / REGENCY, rules / "governments" / "PESAWARAN2")
    [problem] = only(static(rules), "government_unknown")
    assert problem.file.endswith("rules/governments/PESAWARAN2") and problem.line == 1
    assert problem.message("id").startswith("folder governments/PESAWARAN2 bukan kabupaten/kota")
    assert problem.message("en").startswith("folder governments/PESAWARAN2 is not a kabupaten/kota")


def test_a_row_naming_another_governments_opd(rules):
    path = city(rules, "categories.yaml")
    edit(path, "  - {category: bencana, opd: BPBD}", "  - {category: bencana, opd: BPBD}\n"
                                                     "  - {category: pajak-kendaraan, opd: BAPENDA}")
    edit(path, "  - {category: bantuan-sosial, opd: DINSOS}", "  - {category: bantuan-sosial, opd: PESAWARAN.DINSOS}")
    edit(path, "  - {category: angkutan-umum, opd: DISHUB}", "  - {category: angkutan-umum, opd: BMBK}")
    problems = only(static(rules), "government_foreign_opd")
    assert [(p.line, p.params["owner"]) for p in problems] == [
        (line_of(path, "opd: BMBK"), "LAMPUNG"), (line_of(path, "PESAWARAN.DINSOS"), REGENCY)]
    assert problems[0].message("id") == ("OPD 'BMBK' milik LAMPUNG, bukan BANDARLAMPUNG: tabel sebuah "
                                         "pemerintah hanya boleh menunjuk OPD-nya sendiri")
    assert problems[1].message("en").startswith("OPD 'PESAWARAN.DINSOS' belongs to PESAWARAN, not BANDARLAMPUNG")


def test_a_row_naming_an_unknown_opd_or_category(rules):
    path = city(rules, "categories.yaml")
    edit(path, "  - {category: bencana, opd: BPBD}", "  - {category: bencana, opd: BPBDX}\n"
                                                     "  - {category: jalan-desa, opd: DPU}")
    [opd] = only(static(rules), "government_unknown_opd")
    assert opd.line == line_of(path, "BPBDX")
    assert opd.message("en") == "OPD 'BPBDX' is not in governments/BANDARLAMPUNG/opds.yaml"
    [category] = only(static(rules), "unknown_category")
    assert category.line == line_of(path, "jalan-desa")
    assert category.message("id") == "kategori 'jalan-desa' tidak ada di katalog provinsi (routing/categories.yaml)"


def test_a_unit_that_does_not_exist_in_that_opd(rules):
    path = city(rules, "categories.yaml")
    edit(path, "unit: PKM-KEMILING}", "unit: PKM-TELUKBETUNG}")
    [problem] = only(static(rules), "unknown_unit")
    assert problem.line == line_of(path, "PKM-TELUKBETUNG")
    assert problem.message("en").startswith("unit 'PKM-TELUKBETUNG' does not exist in OPD DINKES (known: PKM-KEDATON")


def test_a_unit_of_another_opd_is_not_a_unit_of_this_one(rules):
    path = city(rules, "categories.yaml")
    edit(path, "    opd: DLH\n    unit: PERSAMPAHAN", "    opd: DPU\n    unit: PERSAMPAHAN")
    [problem] = only(static(rules), "unknown_unit")
    assert problem.line == line_of(path, "unit: PERSAMPAHAN")


def test_a_region_outside_the_government(rules):
    path = city(rules, "categories.yaml")
    edit(path, 'region: "18.71.13"', 'region: "18.09.05"')
    [problem] = only(static(rules), "region_outside")
    assert problem.line == line_of(path, '"18.09.05"')
    assert problem.message("id") == "wilayah '18.09.05' berada di luar wilayah Kota Bandar Lampung (18.71)"
    opds = city(rules, "opds.yaml")
    edit(opds, 'region: "18.71.04"', 'region: "18.72.04"')
    [unit, _] = only(static(rules), "region_outside")        # opds.yaml is checked first
    assert unit.file.endswith("governments/BANDARLAMPUNG/opds.yaml") and unit.line == line_of(opds, '"18.72.04"')


def test_a_region_code_that_is_not_a_quoted_kemendagri_code(rules):
    path = city(rules, "categories.yaml")
    edit(path, 'region: "18.71.13"', "region: 18.71")
    [problem] = only(static(rules), "wrong_type")
    assert problem.line == line_of(path, "region: 18.71,")
    assert "quoted Kemendagri region code" in problem.message("en")


def test_two_rows_for_the_same_category_and_region_overlap(rules):
    path = city(rules, "categories.yaml")
    edit(path, "  - {category: bencana, opd: BPBD}", "  - {category: bencana, opd: BPBD}\n"
                                                     "  - {category: bencana, opd: SATPOLPP}")
    [problem] = only(static(rules), "region_overlap")
    assert problem.line == line_of(path, "category: bencana, opd: SATPOLPP")
    assert problem.params["first"] == line_of(path, "category: bencana, opd: BPBD")
    assert "unique hit policy" in problem.message("en")


def test_nested_region_rows_of_one_category_overlap(rules):
    path = city(rules, "categories.yaml")
    edit(path, '  - {category: penyakit-menular, region: "18.71.13", opd: DINKES, unit: PKM-KEMILING}',
         '  - {category: penyakit-menular, region: "18.71.13", opd: DINKES, unit: PKM-KEMILING}\n'
         '  - {category: penyakit-menular, region: "18.71.01.1003", opd: DINKES, unit: P2P}')
    [problem] = only(static(rules), "region_overlap")
    assert problem.line == line_of(path, '"18.71.01.1003"')
    assert (problem.params["region"], problem.params["other"]) == ("18.71.01.1003", "18.71.01")


def test_by_region_targets_must_be_known_governments_and_unnested(rules):
    path = rules / "routing" / "categories.yaml"
    edit(path, 'government: METRO, reference: "UU 38', 'government: KOTAMETRO, reference: "UU 38')
    [unknown] = only(static(rules), "unknown_government")
    assert unknown.line == line_of(path, "KOTAMETRO") and unknown.message("en").startswith(
        "unknown government 'KOTAMETRO' (known: LAMBAR")
    edit(path, '      - {region: "18.04", government: LAMBAR, reference: "UU 38',
         '      - {region: "18.71.02", government: BANDARLAMPUNG, reference: "x"}\n'
         '      - {region: "18.04", government: LAMBAR, reference: "UU 38')
    [overlap] = only(static(rules), "region_overlap")
    assert overlap.params["other"] == "18.71.02" and overlap.params["region"] == "18.71"
    edit(path, 'government: LAMBAR, reference: "UU 38', 'government: LAMBAR, opd: BMBK, reference: "UU 38')
    assert only(static(rules), "by_region_target")


def test_a_by_region_row_outside_its_target_government(rules):
    path = rules / "routing" / "categories.yaml"
    edit(path, '{region: "18.72", government: METRO, reference: "UU 38', '{region: "18.10", government: METRO, '
                                                                           'reference: "UU 38')
    [problem] = only(static(rules), "region_outside")
    assert problem.line == line_of(path, 'region: "18.10", government: METRO')
    assert problem.message("en") == "region '18.10' lies outside Kota Metro (18.72)"


def test_a_region_code_that_does_not_exist_in_the_shipped_regions_data(rules):
    path = city(rules, "categories.yaml")
    edit(path, 'region: "18.71.13"', 'region: "18.71.21"')              # Bandar Lampung has 20 kecamatan
    [problem] = only(static(rules), "unknown_region")
    assert problem.line == line_of(path, '"18.71.21"')
    assert problem.message("en") == "region code '18.71.21' does not exist in the Kemendagri regions data (regions/)"


def test_a_parameter_override_with_an_unknown_name_or_a_wrong_value(rules):
    path = city(rules, "parameters/clocks.yaml")
    edit(path, "followup:\n  hours:", "followup:\n  jam:")
    [unknown] = only(static(rules), "param_override_unknown")
    assert unknown.line == line_of(path, "  jam:") and "clocks.followup.jam" in unknown.message("en")
    edit(path, "followup:\n  jam:", "followup:\n  hours:")
    edit(path, "value: 12", 'value: "dua belas jam"')
    [wrong] = only(static(rules), "duration_bad")
    assert wrong.file.endswith("governments/BANDARLAMPUNG/parameters/clocks.yaml")
    assert wrong.line == line_of(path, "dua belas jam")


def test_a_parameter_the_shared_rules_compare_with_cannot_be_overridden(rules):
    path = city(rules, "parameters/sanctions.yaml")
    path.write_text("operator_written_warning_after:\n  values:\n    2026-01-01:\n      value: 2\n"
                    "      reference: contoh\n", encoding="utf-8")
    [problem] = only(static(rules), "param_not_overridable")
    assert problem.line == 1 and "sanction.operator.repeat" in problem.message("en")
    path.write_text("window_days:\n  values:\n    2026-01-01:\n      value: 14\n      reference: contoh\n",
                    encoding="utf-8")
    assert static(rules) == []


def test_an_inspectorate_that_is_not_one_of_its_opds(rules):
    path = city(rules, "government.yaml")
    edit(path, "inspectorate: INSPEKTORAT", "inspectorate: INSPEKTORAT-KOTA")
    [problem] = only(static(rules), "government_inspectorate")
    assert problem.line == line_of(path, "inspectorate: INSPEKTORAT-KOTA")
    assert problem.message("id") == "inspektorat 'INSPEKTORAT-KOTA' bukan salah satu OPD BANDARLAMPUNG"


def test_a_government_file_that_contradicts_the_jurisdictions(rules):
    path = city(rules, "government.yaml")
    edit(path, "kind: kota", "kind: kabupaten")
    [problem] = only(static(rules), "government_mismatch")
    assert problem.line == line_of(path, "kind: kabupaten")
    assert problem.message("en") == "'kind' is 'kabupaten', not what routing/jurisdictions.yaml says ('kota')"


def test_a_government_folder_without_its_table_or_with_a_stray_file(rules):
    city(rules, "categories.yaml").unlink()
    (city(rules, "calendar") / "libur.yaml").write_text("add: []\n", encoding="utf-8")
    [missing] = only(static(rules), "missing_file")
    assert "governments/BANDARLAMPUNG/categories.yaml" in missing.message("en")
    [stray] = only(static(rules), "government_unknown_file")
    assert stray.file.endswith("calendar/libur.yaml")


def test_a_build_refuses_a_broken_government(rules, tmp_path):
    from lampungin.rules.build import build
    edit(city(rules, "categories.yaml"), "unit: PKM-KEMILING}", "unit: PKM-NOWHERE}")
    bundle, problems = build(rules, tmp_path / "out.json")
    assert bundle is None and [p.code for p in problems] == ["unknown_unit"]


# --- rules test -----------------------------------------------------------------------------------
def test_cases_in_a_governments_tests_folder_are_filed_in_that_government():
    sources = load_sources()
    cases = [c for c in collect(sources) if "governments/" in c.file]
    assert {c.data["government"] for c in cases} == {CITY, REGENCY}
    assert all(c.file.split("governments/")[1].startswith(c.data["government"]) for c in cases)


def test_a_file_level_government_and_region_apply_to_its_cases(rules, bundle):
    path = rules / "tests" / "berkas-kota.yaml"
    path.write_text("government: BANDARLAMPUNG\nregion: \"18.71.02\"\ncases:\n"
                    "  - name: Sukarame\n    category: penyakit-menular\n    timeline:\n"
                    "      - Senin 2026-03-02 08:00 diajukan\n      - Senin 2026-03-02 09:00 ditindaklanjuti\n"
                    "      - Senin 2026-03-02 10:00 disetujui\n"
                    "    expect:\n      routing: {government: BANDARLAMPUNG, unit: PKM-SUKARAME}\n"
                    "  - name: Metro\n    government: METRO\n    category: sampah\n    timeline:\n"
                    "      - Senin 2026-03-02 08:00 diajukan\n", encoding="utf-8")
    sukarame, metro = [c for c in collect(load_sources(rules)) if c.file.endswith("berkas-kota.yaml")]
    assert run_case(bundle, sukarame).ok
    [problem] = run_case(bundle, metro).failures
    assert problem.code == "case_unknown_government"
    assert problem.message("en") == ("case 'Metro': government 'METRO' is unknown or not onboarded "
                                     "(onboarded: LAMPUNG, PESAWARAN, BANDARLAMPUNG)")


def test_a_hand_over_to_a_government_that_is_not_onboarded_fails_at_its_line(rules, bundle):
    path = rules / "tests" / "serah.yaml"
    path.write_text("cases:\n  - name: Serah\n    category: sampah\n    timeline:\n"
                    "      - Senin 2026-03-02 08:00 diajukan\n      - Senin 2026-03-02 09:00 diserahkan ke METRO\n",
                    encoding="utf-8")
    [case] = [c for c in collect(load_sources(rules)) if c.file.endswith("serah.yaml")]
    [problem] = run_case(bundle, case).failures
    assert problem.code == "case_unknown_government" and problem.line == 6


def test_a_forward_to_an_onboarded_government_lands_and_one_to_another_ends(bundle):
    from lampungin.rules.cases import parse_entry
    from lampungin.rules.simulate import play
    landed = play(bundle, "sampah", [parse_entry("Jumat 2026-10-30 09:00 diajukan"),
                                     parse_entry("Jumat 2026-10-30 14:00 diteruskan ke PESAWARAN")])
    assert landed.complaint.opd == "PESAWARAN.DLH" and landed.complaint.status.value == "assigned"
    assert [c.policy.calendar for c in landed.clocks] == ["LAMPUNG", REGENCY]
    ended = play(bundle, "sampah", [parse_entry("Jumat 2026-10-30 09:00 diajukan"),
                                    parse_entry("Jumat 2026-10-30 14:00 diteruskan ke METRO")])
    assert ended.complaint.status.value == "forwarded" and [c.state for c in ended.clocks] == ["stopped"]


# --- the regions data, wired in (lampungin/rules/region_lookup.py) ---------------------------------
class FakeRegions:
    """Hand-written stand-in for chalicelib/rules/regions.Regions: knows the codes it was given."""

    def __init__(self, compiled):
        self.codes = set(compiled["codes"])

    def valid(self, code):
        return code in self.codes


def fake_regions_modules(monkeypatch, codes, problems=()):
    import sys
    import types
    compiler = types.ModuleType("lampungin.rules.regions")
    compiler.compile_regions = lambda root: {"codes": sorted(codes)}
    compiler.check_regions = lambda root, lang="id": [(f, n, f"{m} ({lang})") for f, n, m in problems]
    reader = types.ModuleType("chalicelib.rules.regions")
    reader.Regions = FakeRegions
    monkeypatch.setitem(sys.modules, "lampungin.rules.regions", compiler)
    monkeypatch.setitem(sys.modules, "chalicelib.rules.regions", reader)


SHIPPED_CODES = {"18", "18.71", "18.71.01", "18.71.02", "18.71.04", "18.71.05", "18.71.12", "18.71.13", "18.71.15",
                 "18.09", "18.09.01", "18.09.05"} | {f"18.{n:02d}" for n in range(1, 14)} | {"18.72"}


def test_with_regions_data_a_code_that_does_not_exist_is_an_error(rules, monkeypatch):
    (rules / "regions").mkdir(exist_ok=True)
    fake_regions_modules(monkeypatch, SHIPPED_CODES)
    assert static(rules) == []
    path = city(rules, "categories.yaml")
    edit(path, 'region: "18.71.13"', 'region: "18.71.99"')
    [problem] = only(static(rules), "unknown_region")
    assert problem.line == line_of(path, '"18.71.99"')
    assert problem.message("id") == "kode wilayah '18.71.99' tidak ada di data wilayah Kemendagri (regions/)"


def test_the_regions_datas_own_problems_and_compiled_form_reach_check_and_bundle(rules, monkeypatch):
    (rules / "regions").mkdir(exist_ok=True)
    fake_regions_modules(monkeypatch, SHIPPED_CODES, [("rules/regions/lampung.csv", 7, "kode ganda 18.71.01")])
    [problem] = only(static(rules), "regions_data")
    assert problem.render("id") == "rules/regions/lampung.csv:7: kode ganda 18.71.01 (id)"
    assert problem.render("en") == "rules/regions/lampung.csv:7: kode ganda 18.71.01 (en)"
    fake_regions_modules(monkeypatch, SHIPPED_CODES)
    built = RulesBundle(compile_bundle(load_sources(rules)))
    assert built.data["regions"] == {"codes": sorted(SHIPPED_CODES)}
    assert built.regions.valid("18.71.01") and not built.regions.valid("18.71.99")


def test_a_bundle_built_without_regions_data_says_so(rules):
    from chalicelib.rules import RulesError
    shutil.rmtree(rules / "regions", ignore_errors=True)
    built = RulesBundle(compile_bundle(load_sources(rules)))
    assert "regions" not in built.data
    with pytest.raises(RulesError, match="no regions data"):
        _ = built.regions
