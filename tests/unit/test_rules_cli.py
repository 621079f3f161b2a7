"""`lampungin rules check|test|explain|build`: exit codes and what a policy officer reads."""
from __future__ import annotations

import json

import pytest

from lampungin.cli import main
from lampungin.rules.cases import collect
from lampungin.rules.source import load_sources
from tests.rules.helpers import edit, line_of, rules_copy


@pytest.fixture
def rules(tmp_path):
    return rules_copy(tmp_path)


def run(capsys, *argv) -> tuple[int, str]:
    code = main(["rules", *argv])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_check_passes_on_the_shipped_rules(capsys, rules, monkeypatch):
    monkeypatch.setenv("LANG", "id_ID.UTF-8")
    assert run(capsys, "check", "--rules", str(rules), "--today", "2026-06-01") == (0, "aturan OK\n")


def test_check_prints_file_line_message_in_the_language_of_lang(capsys, rules, monkeypatch):
    path = rules / "routing" / "categories.yaml"
    edit(path, "opd: BMBK", "opd: PUPR")
    line = line_of(path, "opd: PUPR")
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    code, out = run(capsys, "check", "--rules", str(rules))
    assert code == 1 and f"categories.yaml:{line}: OPD 'PUPR' is not in routing/opds.yaml" in out
    monkeypatch.setenv("LANG", "id_ID.UTF-8")
    code, out = run(capsys, "check", "--rules", str(rules))
    assert code == 1 and f"categories.yaml:{line}: OPD 'PUPR' tidak ada di routing/opds.yaml" in out


def test_test_runs_the_cases_and_fails_on_a_wrong_expectation(capsys, rules, monkeypatch):
    monkeypatch.setenv("LANG", "en")
    code, out = run(capsys, "test", "--rules", str(rules))
    assert code == 0 and out.strip().endswith("0 failed")
    path = rules / "tests" / "followup.yaml"
    edit(path, "due: Rabu 2026-02-04 22:00", "due: Rabu 2026-02-04 23:00")
    code, out = run(capsys, "test", "--rules", str(rules))
    assert code == 1
    assert f"followup.yaml:{line_of(path, 'due: Rabu 2026-02-04 23:00')}: case " in out
    assert "expected Wed 2026-02-04 23:00 WIB, got Wed 2026-02-04 22:00 WIB" in out


def test_a_case_with_a_wrong_weekday_is_reported(capsys, rules, monkeypatch):
    monkeypatch.setenv("LANG", "en")
    edit(rules / "tests" / "followup.yaml", "Jumat 2026-01-09 16:00 diajukan", "Kamis 2026-01-09 16:00 diajukan")
    code, out = run(capsys, "test", "--rules", str(rules))
    assert code == 1 and "2026-01-09 is not a Kamis" in out


def test_explain_a_case(capsys, rules, monkeypatch):
    monkeypatch.setenv("LANG", "en")
    code, out = run(capsys, "explain", "followup:1", "--rules", str(rules))
    assert code == 0
    assert "rules matched: followup.start" in out
    assert "sanction.operator.miss [teguran-lisan] Rule sanction.operator.miss" in out
    assert "warning.followup" in out and "Reference: PP 94/2021" in out


def test_explain_facts(capsys, rules, monkeypatch):
    monkeypatch.setenv("LANG", "id")
    facts = {"event": "missed", "clock": "approval", "misses": 3, "opd": "DLH", "at": "2026-05-01T02:00:00Z"}
    code, out = run(capsys, "explain", "--facts", json.dumps(facts), "--rules", str(rules))
    assert code == 0
    assert "aturan cocok: sanction.opd.miss, report.opd.repeat" in out
    assert "sanctions.opd_report_after=3" in out


def test_build_writes_the_bundle(capsys, rules, tmp_path):
    out_file = tmp_path / "out" / "bundle.json"
    code, out = run(capsys, "build", "--rules", str(rules), "--out", str(out_file))
    bundle = json.loads(out_file.read_text())
    assert code == 0 and bundle["manifest"]["version"] in out
    assert set(bundle) >= {"manifest", "routing", "parameters", "calendar", "rulesets", "sanction_rules"}


REFUSED_CASES = """cases:
  - name: Disetujui sebelum ditindaklanjuti
    category: jalan-provinsi
    timeline:
      - Jumat 2026-01-09 16:00 diajukan
      - Jumat 2026-01-09 17:00 disetujui
    expect: {sanctions: []}
  - name: Waktu mundur
    category: jalan-provinsi
    timeline:
      - Jumat 2026-01-09 16:00 diajukan
      - Kamis 2026-01-08 09:00 ditindaklanjuti
    expect: {sanctions: []}
  - name: Kejadian salah eja
    category: jalan-provinsi
    timeline:
      - Jumat 2026-01-09 16:00 diajukan
      - Jumat 2026-01-09 17:00 ditindaklanjut
    expect: {sanctions: []}
  - name: Dipindahkan ke OPD yang tidak ada
    category: jalan-provinsi
    timeline:
      - Jumat 2026-01-09 16:00 diajukan
      - Jumat 2026-01-09 17:00 dipindahkan ke DINASX
    expect: {sanctions: []}
  - name: Dijawab warga tanpa ditanya
    category: jalan-provinsi
    timeline:
      - Jumat 2026-01-09 16:00 diajukan
      - Jumat 2026-01-09 17:00 dijawab-warga
    expect: {sanctions: []}
"""


def test_a_case_the_lifecycle_refuses_fails_at_the_refused_line(capsys, rules, monkeypatch):
    """What production would refuse (409/422), `rules test` refuses too, at that timeline line."""
    path = rules / "tests" / "refused.yaml"
    path.write_text(REFUSED_CASES, encoding="utf-8")
    monkeypatch.setenv("LANG", "id_ID.UTF-8")
    code, out = run(capsys, "test", "--rules", str(rules))
    total = len(collect(load_sources(rules)))            # the shipped cases and these five
    assert code == 1 and f"{total} contoh, 5 gagal" in out
    approve = line_of(path, "17:00 disetujui")
    assert (f"refused.yaml:{approve}: contoh 'Disetujui sebelum ditindaklanjuti': 'disetujui' tidak bisa "
            "terjadi saat aduan ditugaskan ke OPD; sistem akan menolaknya") in out
    assert f"refused.yaml:{line_of(path, '09:00 ditindaklanjuti')}: contoh 'Waktu mundur': waktu " in out
    assert f"refused.yaml:{line_of(path, '17:00 ditindaklanjut')}: contoh 'Kejadian salah eja': kejadian " \
           "'ditindaklanjut' tidak dikenal" in out
    assert f"refused.yaml:{line_of(path, 'DINASX')}: contoh 'Dipindahkan ke OPD yang tidak ada': " \
           "tujuan 'DINASX'" in out
    assert f"refused.yaml:{line_of(path, 'dijawab-warga')}: contoh 'Dijawab warga tanpa ditanya'" in out
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    code, out = run(capsys, "test", "--rules", str(rules), "-k", "sebelum")
    assert code == 1 and ("'disetujui' cannot happen while the complaint is assigned to an OPD; "
                          "the system would refuse it") in out


def test_a_named_transfer_target_is_used(capsys, rules):
    from lampungin.rules.cases import compiled_bundle, parse_entry
    from lampungin.rules.simulate import play
    timeline = [parse_entry("Jumat 2026-01-09 16:00 diajukan"),
                parse_entry("Jumat 2026-01-09 17:00 dipindahkan ke DINKES")]
    out = play(compiled_bundle(rules), "jalan-provinsi", timeline)
    assert out.complaint.opd == "DINKES" and [c.opd for c in out.clocks] == ["BMBK", "DINKES"]


def test_assignments_and_staff_notes_play_in_a_case(rules):
    """`ditugaskan ke OP` makes that operator answer for the clock; `dicatat-staf` moves nothing."""
    from lampungin.rules.cases import compiled_bundle, parse_entry
    from lampungin.rules.simulate import play
    timeline = [parse_entry("Jumat 2026-01-09 16:00 diajukan"),
                parse_entry("Jumat 2026-01-09 16:30 dicatat-staf"),
                parse_entry("Jumat 2026-01-09 17:00 ditugaskan ke op-7")]
    out = play(compiled_bundle(rules), "jalan-provinsi", timeline)
    [clock] = out.clocks
    assert clock.holder == "op-7" and clock.state == "running"
    assert [v.sanction.subject_id for v in out.verdicts if v.sanction.kind == "sanction"] == ["op-7"]
