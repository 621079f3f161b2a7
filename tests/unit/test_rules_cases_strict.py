"""`lampungin rules test` must prove something (issue 14 part 2): a case without an expectation, a
key nobody reads, a misspelt event or an impossible timeline fails at its `file:line` (never a
traceback, never a silent pass); `-k` repeats and matches keywords; `--coverage` says what the
cases exercise; `--junit`/`--json` write CI reports; every message is in one language."""
from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET  # noqa: S405 (parses the XML this test just wrote)

import pytest

from lampungin.cli import main
from lampungin.rules.cases import collect, compiled_bundle, file_problems, parse_entry, run_case, run_sources
from lampungin.rules.coverage import measure
from lampungin.rules.source import RULES_DIR, load_sources
from tests.rules.helpers import edit, line_of, rules_copy

CASE = """  - name: {name}
    category: jalan-provinsi
    timeline:
      - Jumat 2026-01-09 16:00 diajukan
      - Jumat 2026-01-09 18:00 ditindaklanjuti
      - Jumat 2026-01-09 19:00 disetujui
"""
ENGLISH_IN_INDONESIAN = re.compile(r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun|Monday|Tuesday|Wednesday|Thursday|Friday|"
                                   r"Saturday|Sunday|expected|got|case|unknown|did you mean|from|none)\b")
INDONESIAN_IN_ENGLISH = re.compile(r"\b(Senin|Selasa|Rabu|Kamis|Jumat|Sabtu|Minggu|diharapkan|ternyata|contoh|"
                                   r"mungkin maksudnya|mulai|tidak)\b")


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One copy of rules/ for the whole module (its bundle compiles once); each test writes its own
    case file into tests/ and removes it (case files are not part of the rules version)."""
    return rules_copy(tmp_path_factory.mktemp("strict"))


@pytest.fixture
def cases_file(shared):
    path = shared / "tests" / "zz-strict.yaml"
    yield path
    path.unlink(missing_ok=True)


def results_of(rules, path, text):
    path.write_text(text, encoding="utf-8")
    sources = load_sources(rules)
    bundle = compiled_bundle(sources.root)
    return [run_case(bundle, c) for c in collect(sources) if c.file.endswith(path.name)]


def run(capsys, *argv) -> tuple[int, str]:
    code = main(["rules", *argv])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def only_failure(result):
    assert len(result.failures) == 1, [f.render("en") for f in result.failures]
    return result.failures[0]


# --- 1. a case must expect something; unknown keys are errors ------------------------------------

def test_a_case_that_plays_but_expects_nothing_fails_and_one_that_expects_none_passes(shared, cases_file):
    text = ("cases:\n" + CASE.format(name="Tanpa expect")
            + CASE.format(name="Expect kosong") + "    expect: {}\n"
            + CASE.format(name="Routing kosong") + "    expect: {routing: {}}\n"
            + CASE.format(name="Tanpa sanksi") + "    expect: {sanctions: []}\n")
    missing, empty, empty_routing, none = results_of(shared, cases_file, text)
    problem = only_failure(missing)
    assert problem.code == "case_no_expect" and problem.line == line_of(cases_file, "name: Tanpa expect")
    assert problem.render("id").endswith("contoh 'Tanpa expect' tidak membuktikan apa pun: tulis 'expect' dengan "
                                         "sedikitnya satu dari routing, deadlines, sanctions, warnings")
    assert only_failure(empty).line == line_of(cases_file, "expect: {}")
    assert only_failure(empty_routing).code == "case_no_expect"
    assert none.ok


def test_unknown_keys_anywhere_in_a_case_fail_at_their_line_with_a_suggestion(shared, cases_file):
    text = """cases:
  - name: Kunci salah
    category: jalan-provinsi
    expct: {sanctions: []}
    given: {operator_mises: 1}
    timeline:
      - Jumat 2026-01-09 16:00 diajukan
      - Senin 2026-01-12 09:00 ditindaklanjuti
      - Senin 2026-01-12 11:00 disetujui
  - name: Expect salah
    category: jalan-provinsi
    timeline:
      - Jumat 2026-01-09 16:00 diajukan
    expect:
      sanction: []
      routing: {opdd: BMBK}
      deadlines:
        - {clock: followup, duee: Sabtu 2026-01-10 16:00}
      warnings:
        - {rule: warning.followup, att: Sabtu 2026-01-10 10:00}
      sanctions:
        - {rule: sanction.operator.miss, levl: teguran-lisan}
"""
    keys, expect = results_of(shared, cases_file, text)
    found = {p.params["key"]: p for p in keys.failures}
    assert set(found) == {"expct", "operator_mises"}
    assert found["expct"].line == line_of(cases_file, "expct:")
    assert found["expct"].message("en") == (
        "case 'Kunci salah': unknown key 'expct' in the case; did you mean 'expect'? (allowed: name, category, "
        "government, region, keywords, given, parameters, timeline, expect)")
    assert "mungkin maksudnya 'expect'?" in found["expct"].message("id")
    assert "did you mean 'operator_misses'?" in found["operator_mises"].message("en")
    found = {p.params["key"]: p for p in expect.failures}
    assert set(found) == {"sanction", "opdd", "duee", "att", "levl"}
    for key, suggestion in (("sanction", "sanctions"), ("opdd", "opd"), ("duee", "due"), ("att", "at"),
                            ("levl", "level")):
        assert found[key].line == line_of(cases_file, f"{key}:"), key
        assert f"did you mean '{suggestion}'?" in found[key].message("en"), key
    assert "in expect.deadlines entry 1" in found["duee"].message("en")
    assert "di expect.sanctions ke-1" in found["levl"].message("id")


def test_a_case_file_with_an_unknown_key_or_no_cases_list_fails_the_run(capsys, shared, cases_file):
    cases_file.write_text("case:\n" + CASE.format(name="Berkas salah") + "    expect: {sanctions: []}\n",
                          encoding="utf-8")
    [shape, unknown] = [p for p in file_problems(load_sources(shared)) if p.file.endswith(cases_file.name)]
    assert shape.code == "case_file_shape"
    assert unknown.code == "case_file_unknown_key" and "did you mean 'cases'?" in unknown.message("en")
    code, out = run(capsys, "test", "--rules", str(shared))
    assert code == 1 and f"zz-strict.yaml:{line_of(cases_file, 'case:')}: berkas contoh harus berisi 'cases:'" in out


def test_the_shipped_cases_are_strict_clean():
    sources = load_sources(RULES_DIR)
    assert file_problems(sources) == []
    results = run_sources(sources)
    assert len(results) >= 20 and all(r.ok for r in results), [f.render("en") for r in results for f in r.failures]


# --- 1. misspelt events and impossible timelines --------------------------------------------------

def test_a_misspelt_event_is_a_file_line_error_with_a_suggestion_never_a_traceback(capsys, shared, cases_file):
    cases_file.write_text("cases:\n  - name: Salah eja\n    category: jalan-provinsi\n    timeline:\n"
                          "      - Jumat 2026-01-09 16:00 diajukn\n      - Jumat 2026-01-09 18:00 ditindaklanjut\n"
                          "    expect: {sanctions: []}\n", encoding="utf-8")
    code, out = run(capsys, "test", "--rules", str(shared))
    assert code == 1 and "Traceback" not in out and "Error" not in out
    assert (f"zz-strict.yaml:{line_of(cases_file, 'diajukn')}: contoh 'Salah eja': kejadian 'diajukn' tidak dikenal; "
            "mungkin maksudnya 'diajukan'? (yang ada: diajukan, diklaim,") in out
    assert f"zz-strict.yaml:{line_of(cases_file, 'ditindaklanjut')}: " in out and "maksudnya 'ditindaklanjuti'?" in out
    with pytest.raises(ValueError) as raised:             # a CaseError, with its code and parameters
        parse_entry("Jumat 2026-01-09 16:00 diajukn")
    assert raised.value.code == "case_unknown_event_word" and raised.value.params["hint_en"]


IMPOSSIBLE = """cases:
  - name: Tanggal tidak ada
    category: jalan-provinsi
    timeline: [Senin 2026-02-30 16:00 diajukan]
    expect: {sanctions: []}
  - name: Jam tidak ada
    category: jalan-provinsi
    timeline: [Senin 2026-03-02 25:00 diajukan]
    expect: {sanctions: []}
  - name: Hari salah
    category: jalan-provinsi
    timeline: [Senin 2026-02-03 16:00 diajukan]
    expect: {sanctions: []}
  - name: Bukan nama hari
    category: jalan-provinsi
    timeline: [Snein 2026-02-02 16:00 diajukan]
    expect: {sanctions: []}
  - name: Waktu mundur
    category: jalan-provinsi
    timeline:
      - Rabu 2026-02-04 16:00 diajukan
      - Selasa 2026-02-03 09:00 ditindaklanjuti
    expect: {sanctions: []}
  - name: Disetujui terlalu dini
    category: jalan-provinsi
    timeline:
      - Rabu 2026-02-04 16:00 diajukan
      - Rabu 2026-02-04 17:00 disetujui
    expect: {sanctions: []}
  - name: Tujuan tanpa arti
    category: jalan-provinsi
    timeline:
      - Rabu 2026-02-04 16:00 diajukan
      - Rabu 2026-02-04 17:00 ditindaklanjuti ke BMBK
    expect: {sanctions: []}
  - name: Tanggal expect tidak ada
    category: jalan-provinsi
    timeline: [Rabu 2026-02-04 16:00 diajukan]
    expect:
      deadlines: [{clock: followup, due: Kamis 2026-02-31 16:00}]
"""


def test_impossible_timelines_fail_at_their_line_in_one_language(shared, cases_file):
    results = {r.case.name: only_failure(r) for r in results_of(shared, cases_file, IMPOSSIBLE)}
    assert results["Tanggal tidak ada"].code == "case_no_such_time"
    assert results["Tanggal tidak ada"].line == line_of(cases_file, "2026-02-30")
    assert results["Jam tidak ada"].code == "case_no_such_time"
    day = results["Hari salah"]
    assert day.message("id") == "contoh 'Hari salah': 2026-02-03 bukan hari Senin, melainkan hari Selasa"
    assert day.message("en") == "case 'Hari salah': 2026-02-03 is not a Senin (it is a Tuesday)"
    assert "mungkin maksudnya 'Senin'?" in results["Bukan nama hari"].message("id")
    back = results["Waktu mundur"]
    assert back.line == line_of(cases_file, "2026-02-03 09:00")
    assert back.message("id") == ("contoh 'Waktu mundur': waktu Selasa 2026-02-03 09:00 WIB lebih awal dari kejadian "
                                  "sebelumnya (Rabu 2026-02-04 16:00 WIB); waktu tidak bisa mundur")
    assert ("Tue 2026-02-03 09:00 WIB is earlier than the event before it (Wed 2026-02-04 16:00 WIB)"
            in back.message("en"))
    refused = results["Disetujui terlalu dini"]
    assert refused.line == line_of(cases_file, "17:00 disetujui")
    assert refused.message("id") == (
        "contoh 'Disetujui terlalu dini': 'disetujui' tidak bisa terjadi saat aduan ditugaskan ke OPD; sistem akan "
        "menolaknya ('disetujui' hanya bisa saat aduan sudah ditindaklanjuti)")
    assert refused.message("en").endswith("('disetujui' is only possible while it is followed up)")
    assert results["Tujuan tanpa arti"].code == "case_no_target"
    assert results["Tanggal expect tidak ada"].line == line_of(cases_file, "2026-02-31")
    for problem in results.values():
        assert not ENGLISH_IN_INDONESIAN.search(problem.message("id").split(": ", 1)[1]), problem.message("id")


def test_unknown_category_region_and_parameters_fail_with_suggestions(shared, cases_file):
    text = """cases:
  - name: Kategori
    category: jalan-provinsii
    timeline: [Rabu 2026-02-04 16:00 diajukan]
    expect: {sanctions: []}
  - name: Wilayah
    category: jalan-kabupaten
    region: "18.71.99"
    timeline: [Rabu 2026-02-04 16:00 diajukan]
    expect: {sanctions: []}
  - name: Wilayah angka
    category: jalan-kabupaten
    region: 18.10
    timeline: [Rabu 2026-02-04 16:00 diajukan]
    expect: {sanctions: []}
  - name: Parameter
    category: jalan-provinsi
    parameters: {clocks.followup.hour: 8, clocks.approval.mode: weekly}
    timeline: [Rabu 2026-02-04 16:00 diajukan]
    expect: {sanctions: []}
"""
    category, region, number, parameters = results_of(shared, cases_file, text)
    assert "did you mean 'jalan-provinsi'?" in only_failure(category).message("en")
    assert only_failure(region).code == "case_unknown_region"
    assert only_failure(number).code == "case_wrong_type" and "18.10" in only_failure(number).message("id")
    hour, mode = parameters.failures
    assert hour.code == "case_bad_parameter" and "did you mean 'clocks.followup.hours'?" in hour.message("en")
    assert mode.code == "case_wrong_type" and mode.line == line_of(cases_file, "clocks.followup.hour")


# --- 5. one language per message -----------------------------------------------------------------

def test_comparison_failures_speak_one_language(shared, cases_file):
    text = ("cases:\n" + CASE.format(name="Salah banding") + """    expect:
      routing: {opd: DINKES}
      deadlines:
        - {clock: followup, due: Sabtu 2026-01-10 17:00}
      sanctions:
        - {rule: sanction.operator.miss, at: Sabtu 2026-01-10 16:00}
""")
    [result] = results_of(shared, cases_file, text)
    by_line = {f.line: f for f in result.failures}
    routing, due, count = (by_line[line_of(cases_file, needle)]
                           for needle in ("opd: DINKES", "due: Sabtu", "sanctions:"))
    assert due.message("id") == ("contoh 'Salah banding' gagal: tenggat ke-1 (tindak lanjut) 'due': diharapkan "
                                 "Sabtu 2026-01-10 17:00 WIB, ternyata Sabtu 2026-01-10 16:00 WIB")
    assert due.message("en") == ("case 'Salah banding' failed: deadline 1 (follow-up) due: expected "
                                 "Sat 2026-01-10 17:00 WIB, got Sat 2026-01-10 16:00 WIB")
    assert count.message("id").endswith("jumlah sanksi ('sanctions'): diharapkan 1, ternyata 0: tidak ada")
    assert count.message("en").endswith("number of sanctions: expected 1, got 0: none")
    assert "diharapkan DINKES, ternyata BMBK" in routing.message("id")
    for failure in result.failures:
        assert not ENGLISH_IN_INDONESIAN.search(failure.message("id").split("gagal: ", 1)[1]), failure.message("id")
        assert not INDONESIAN_IN_ENGLISH.search(failure.message("en").split("failed: ", 1)[1]), failure.message("en")


def test_a_wrong_clock_count_lists_the_clocks_in_the_readers_language(shared, cases_file):
    text = "cases:\n" + CASE.format(name="Jumlah") + "    expect:\n      deadlines: [{clock: followup}]\n"
    [result] = results_of(shared, cases_file, text)
    problem = only_failure(result)
    assert problem.message("id").endswith("jumlah clock ('deadlines'): diharapkan 1, ternyata 2: tindak lanjut mulai "
                                          "Jumat 2026-01-09 16:00 WIB; persetujuan mulai Jumat 2026-01-09 18:00 WIB")
    assert problem.message("en").endswith("number of clocks (deadlines): expected 1, got 2: follow-up from "
                                          "Fri 2026-01-09 16:00 WIB; approval from Fri 2026-01-09 18:00 WIB")


# --- 2. -k, repeatable, names and keywords -------------------------------------------------------

def test_k_repeats_and_matches_names_and_keywords(capsys, shared, cases_file, monkeypatch):
    monkeypatch.setenv("LANG", "id_ID.UTF-8")
    cases_file.write_text("keywords: [berkas-ini]\ncases:\n"
                          + CASE.format(name="Alfa unik") + "    expect: {sanctions: []}\n"
                          + CASE.format(name="Beta unik") + "    keywords: [kata-rahasia]\n"
                          + "    expect: {sanctions: []}\n"
                          + CASE.format(name="Gamma unik") + "    expect: {sanctions: []}\n", encoding="utf-8")
    code, out = run(capsys, "test", "--rules", str(shared), "-v", "-k", "alfa UNIK", "-k", "rahasia")
    assert code == 0 and out.strip().endswith("2 contoh, 0 gagal")
    assert "Alfa unik" in out and "Beta unik" in out and "Gamma unik" not in out
    code, out = run(capsys, "test", "--rules", str(shared), "-k", "berkas-ini")       # the file's keywords
    assert code == 0 and out.strip().endswith("3 contoh, 0 gagal")
    code, out = run(capsys, "test", "--rules", str(shared), "-k", "tidak-ada-yang-cocok")
    assert code == 1 and "tidak ada contoh yang cocok dengan -k 'tidak-ada-yang-cocok'" in out


def test_keywords_must_be_a_list_of_texts(shared, cases_file):
    [result] = results_of(shared, cases_file, "cases:\n" + CASE.format(name="Kata") + "    keywords: satu\n"
                          "    expect: {sanctions: []}\n")
    assert only_failure(result).code == "case_wrong_type"


# --- 3. coverage ---------------------------------------------------------------------------------

def coverage_of(rules, select=None):
    sources = load_sources(rules)
    return measure(sources, compiled_bundle(sources.root), run_sources(sources, select))


def test_coverage_lists_rules_rows_and_dated_values_with_their_lines_and_cases():
    coverage = coverage_of(RULES_DIR)
    items = {(i.kind, i.id): i for i in coverage.items}
    clocks = RULES_DIR / "clocks" / "clocks.yaml"
    start = items[("clock_rule", "followup.start")]
    assert start.file.endswith("rules/clocks/clocks.yaml") and start.line == line_of(clocks, "id: followup.start")
    assert "followup:11" in start.cases
    assert items[("sanction_rule", "sanction.operator.repeat")].cases == ["followup:60"]
    categories = RULES_DIR / "routing" / "categories.yaml"
    assert items[("routing", "routing/jalan-provinsi")].line == line_of(categories, "code: jalan-provinsi")
    metro = items[("routing", "routing/jalan-kabupaten@18.72")]      # a by_region entry, to a government not onboarded
    assert metro.cases == ["governments:30"]
    assert items[("routing", "routing/BANDARLAMPUNG/obat-alkes")].cases == ["governments:42"]    # a hand-over
    assert not items[("routing", "routing/PESAWARAN/default")].covered
    hours = items[("parameter", "clocks.followup.hours@2025-01-01")]
    assert hours.file.endswith("rules/parameters/clocks.yaml") and hours.covered
    city = items[("parameter", "BANDARLAMPUNG/clocks.followup.hours@2026-01-01")]
    assert "governments:42" in city.cases and "followup:11" not in city.cases
    assert items[("parameter", "sanctions.operator_written_warning_after@2025-01-01")].cases == ["followup:60",
                                                                                                 "followup:73"]
    assert not items[("parameter", "evidence.photo_max_distance@2025-01-01")].counted
    covered, total, percent = coverage.figures()
    assert 0 < covered < total and percent == pytest.approx(100 * covered / total)


def test_a_new_dated_value_is_uncovered_until_a_case_runs_under_it(tmp_path):
    rules = rules_copy(tmp_path)
    path = rules / "parameters" / "clocks.yaml"
    edit(path, "        reference: Rancangan Pergub Lampung tentang Pengelolaan Aduan Lampung In, Pasal 7 ayat (1)\n"
               "  mode:",
         "        reference: Rancangan Pergub Lampung tentang Pengelolaan Aduan Lampung In, Pasal 7 ayat (1)\n"
         "      2027-01-01:\n        value: 12\n        reference: Contoh, Pasal 7 ayat (1)\n  mode:")
    item = {i.id: i for i in coverage_of(rules).items}["clocks.followup.hours@2027-01-01"]
    assert not item.covered and item.line == line_of(path, "2027-01-01")
    (rules / "tests" / "tahun-depan.yaml").write_text(
        "cases:\n  - name: Tahun depan\n    category: jalan-provinsi\n    timeline:\n"
        "      - Senin 2027-03-01 08:00 diajukan\n      - Senin 2027-03-01 09:00 ditindaklanjuti\n"
        "      - Senin 2027-03-01 10:00 disetujui\n    expect:\n      deadlines:\n"
        "        - {clock: followup, hours: 12}\n        - {clock: approval, hours: 72}\n", encoding="utf-8")
    items = {i.id: i for i in coverage_of(rules).items}
    assert items["clocks.followup.hours@2027-01-01"].cases == ["tahun-depan:2"]
    assert "tahun-depan:2" not in items["clocks.followup.hours@2025-01-01"].cases
    assert "tahun-depan:2" in items["clocks.followup.mode@2025-01-01"].cases


def test_a_cases_own_parameters_do_not_cover_the_files_value(shared, cases_file):
    cases_file.write_text("cases:\n" + CASE.format(name="Bagaimana jika")
                          + "    parameters: {clocks.followup.hours: 8}\n    expect: {sanctions: []}\n",
                          encoding="utf-8")
    items = {i.id: i for i in coverage_of(shared, ["Bagaimana jika"]).items}
    assert items["clocks.followup.hours@2025-01-01"].cases == []
    assert items["clocks.followup.mode@2025-01-01"].cases == ["zz-strict:2"]


def test_coverage_report_and_minimum(capsys, shared, monkeypatch):
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    code, out = run(capsys, "test", "--rules", str(shared), "--coverage")
    percent = float(re.search(r"^Coverage: \d+ of \d+ \(([0-9.]+)%\)$", out, re.M)[1])
    assert code == 0 and 0 < percent < 100
    assert re.search(r"^  \S+rules/clocks/clocks\.yaml:\d+  followup\.start  exercised by approval:4", out, re.M)
    city = shared / "governments" / "BANDARLAMPUNG" / "categories.yaml"
    assert (f"BANDARLAMPUNG/categories.yaml:{line_of(city, 'category: bencana')}: routing row "
            "'routing/BANDARLAMPUNG/bencana' is exercised by no case") in out
    code, out = run(capsys, "test", "--rules", str(shared), "--coverage-min", str(int(percent)))
    assert code == 0
    code, out = run(capsys, "test", "--rules", str(shared), "--coverage-min", str(int(percent) + 1))
    assert code == 1 and out.strip().endswith(f"is below the minimum {int(percent) + 1}%")
    monkeypatch.setenv("LANG", "id_ID.UTF-8")
    code, out = run(capsys, "test", "--rules", str(shared), "--coverage-min", "99")
    assert code == 1 and "di bawah batas minimum 99%" in out and "tidak dijalankan contoh mana pun" in out
    assert not ENGLISH_IN_INDONESIAN.search(out.split("Cakupan contoh", 1)[1])
    with pytest.raises(SystemExit):
        main(["rules", "test", "--rules", str(shared), "--coverage-min", "101"])


# --- 4. CI reports -------------------------------------------------------------------------------

def test_junit_and_json_reports(capsys, shared, cases_file, tmp_path, monkeypatch):
    monkeypatch.setenv("LANG", "id_ID.UTF-8")
    cases_file.write_text("cases:\n" + CASE.format(name="Gagal <untuk> CI & XML")
                          + "    expect: {routing: {opd: DINKES}}\n", encoding="utf-8")
    junit, report = tmp_path / "junit.xml", tmp_path / "report.json"
    code, _ = run(capsys, "test", "--rules", str(shared), "--junit", str(junit), "--json", str(report),
                  "--coverage-min", "1")
    total = len(collect(load_sources(shared)))
    assert code == 1
    suite = ET.parse(junit).getroot().find("testsuite")       # noqa: S314 (our own file)
    cases = suite.findall("testcase")
    assert suite.get("tests") == str(total + 1) and suite.get("failures") == "1"      # + the coverage minimum
    [failed] = [c for c in cases if c.find("failure") is not None]
    assert failed.get("name") == "Gagal <untuk> CI & XML" and failed.get("line") == "2"
    assert failed.get("classname").endswith("tests/zz-strict.yaml")
    assert "diharapkan DINKES, ternyata BMBK" in failed.find("failure").get("message")
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["summary"] == {"cases": total, "failed": 1, "problems": 0, "ok": False}
    [bad] = [c for c in data["cases"] if not c["ok"]]
    assert bad["failures"][0]["message"]["en"].endswith("routing.opd: expected DINKES, got BMBK")
    assert data["coverage"]["minimum"] == 1 and not data["coverage"]["below_minimum"]
    assert {i["kind"] for i in data["coverage"]["items"]} == {"clock_rule", "sanction_rule", "routing", "parameter"}


def test_a_report_that_cannot_be_written_exits_2(capsys, shared, tmp_path, monkeypatch):
    monkeypatch.setenv("LANG", "id_ID.UTF-8")
    code, out = run(capsys, "test", "--rules", str(shared), "--json", str(tmp_path / "tidak-ada" / "r.json"))
    assert code == 2 and "tidak bisa menulis laporan" in out and "folder tujuannya tidak ada" in out


def test_static_errors_are_reported_in_the_junit_file_too(capsys, tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    edit(rules / "routing" / "categories.yaml", "opd: BMBK", "opd: PUPR")
    junit = tmp_path / "junit.xml"
    code, _ = run(capsys, "test", "--rules", str(rules), "--junit", str(junit))
    suite = ET.parse(junit).getroot().find("testsuite")       # noqa: S314 (our own file)
    assert code == 1 and suite.get("failures") == "1"
    assert "PUPR" in suite.find("testcase/failure").get("message")
