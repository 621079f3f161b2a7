"""`lampungin rules history PARAM` (issue 14, part 7): a parameter's dated values with their legal
references, marked past, in force or announced, for the province or one government."""
from __future__ import annotations

from datetime import date

import pytest

from lampungin.cli import main
from lampungin.rules.history import Dated, history, status
from lampungin.rules.source import RULES_DIR
from tests.rules.helpers import edit, line_of, rules_copy

FOLLOWUP_24 = ("      2025-01-01:\n        value: 24\n        reference: Rancangan Pergub Lampung tentang "
               "Pengelolaan Aduan Lampung In, Pasal 7 ayat (1)\n")


@pytest.fixture
def rules(tmp_path):
    """rules/ with follow-up values announced: 12 hours from 2027-01-01, none from 2028-01-01."""
    folder = rules_copy(tmp_path)
    edit(folder / "parameters" / "clocks.yaml", FOLLOWUP_24, FOLLOWUP_24
         + "      2027-01-01:\n        value: 12\n        reference: Pergub Lampung Nomor 9 Tahun 2026, Pasal 7\n"
         + "      2028-01-01:\n        value: null\n        reference: Pergub Lampung Nomor 1 Tahun 2027, Pasal 2\n")
    return folder


def run(capsys, *argv) -> tuple[int, str]:
    code = main(["rules", "history", *argv])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_every_dated_value_with_its_reference_and_where_it_is_written(capsys, monkeypatch, rules):
    monkeypatch.setenv("LANG", "id_ID.UTF-8")
    code, out = run(capsys, "clocks.followup.hours", "--rules", str(rules), "--today", "2026-06-01")
    clocks = rules / "parameters" / "clocks.yaml"
    lines = out.splitlines()
    assert code == 0
    assert lines[0] == "clocks.followup.hours — Batas waktu tindak lanjut aduan oleh operator OPD"
    assert lines[1].startswith("Provinsi Lampung (") and lines[1].endswith("parameters/clocks.yaml)")
    assert lines[2].startswith("  sejak Rabu 2025-01-01 s.d. Kamis 2026-12-31: 24 jam  [berlaku hari ini]  ")
    assert lines[2].endswith(f"clocks.yaml:{line_of(clocks, '2025-01-01:')}")
    assert lines[3] == ("      dasar hukum: Rancangan Pergub Lampung tentang Pengelolaan Aduan Lampung In, "
                        "Pasal 7 ayat (1)")
    assert lines[4].startswith("  sejak Jumat 2027-01-01 s.d. Jumat 2027-12-31: 12 jam  [diumumkan, akan berlaku]")
    assert lines[5] == "      dasar hukum: Pergub Lampung Nomor 9 Tahun 2026, Pasal 7"
    assert lines[6].startswith("  sejak Sabtu 2028-01-01, seterusnya: berakhir (tidak ada nilai)  [diumumkan")
    assert lines[-1] == "hari ini: Senin 2026-06-01"


def test_today_decides_what_is_past_in_force_or_announced(capsys, monkeypatch, rules):
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    code, out = run(capsys, "clocks.followup.hours", "--rules", str(rules), "--today", "2027-03-01")
    assert code == 0
    assert "from Wednesday 2025-01-01 to Thursday 2026-12-31: 24 hours  [past]" in out
    assert "from Friday 2027-01-01 to Friday 2027-12-31: 12 hours  [in force today]" in out
    assert "from Saturday 2028-01-01 onwards: ends (no value)  [announced, not yet in force]" in out
    assert "reference: Pergub Lampung Nomor 9 Tahun 2026, Pasal 7" in out and "today: Monday 2027-03-01" in out
    assert "sejak" not in out and "berlaku" not in out


def test_a_value_is_in_force_from_its_first_day_until_the_day_the_next_begins():
    code, lines = history(RULES_DIR, "clocks.followup.hours", today=date(2026, 1, 1))
    assert code == 0 and "[berlaku hari ini]" in lines[2]
    value = Dated(date(2027, 1, 1), date(2028, 1, 1), 12, "r", "f:1")
    assert [status(value, d) for d in (date(2026, 12, 31), date(2027, 1, 1), date(2027, 12, 31),
                                       date(2028, 1, 1))] == ["future", "now", "now", "past"]


def test_a_government_shows_its_own_series_or_says_it_follows_the_province(capsys, monkeypatch, rules):
    monkeypatch.setenv("LANG", "id")
    code, out = run(capsys, "clocks.followup.hours", "--rules", str(rules), "--government", "BANDARLAMPUNG",
                    "--today", "2026-06-01")
    assert code == 0
    assert "Kota Bandar Lampung: deret nilainya sendiri (" in out and "menggantikan deret provinsi" in out
    assert "sebelum Kamis 2026-01-01 tidak ada nilai" in out
    assert "sejak Kamis 2026-01-01, seterusnya: 12 jam  [berlaku hari ini]" in out
    assert "Rancangan Peraturan Wali Kota Bandar Lampung" in out and "Pergub Lampung Nomor 9" not in out
    code, out = run(capsys, "clocks.approval.hours", "--rules", str(rules), "--government", "bandarlampung",
                    "--today", "2026-06-01")
    assert code == 0 and "Kota Bandar Lampung: tidak menetapkan sendiri, mengikuti provinsi" in out
    assert ": 72 jam  [berlaku hari ini]" in out


def test_values_that_are_not_numbers_read_as_policy_staff_write_them(capsys, monkeypatch, rules):
    monkeypatch.setenv("LANG", "en")
    code, out = run(capsys, "clocks.followup.mode", "--rules", str(rules), "--government", "PESAWARAN")
    assert code == 0 and "working_days (working days)" in out and "its own series" in out
    code, out = run(capsys, "clocks.followup.pause_in", "--rules", str(rules))
    assert code == 0 and ": [waiting_citizen]  [" in out


def test_an_unknown_parameter_or_government_is_refused_with_what_exists(capsys, monkeypatch, rules):
    monkeypatch.setenv("LANG", "id")
    code, out = run(capsys, "clocks.folowup.hours", "--rules", str(rules))
    assert code == 1
    assert out.strip() == ("parameter 'clocks.folowup.hours' tidak ada di parameters/; maksudnya: "
                           "clocks.followup.hours, clocks.followup.mode, clocks.followup.pause_in?")
    code, out = run(capsys, "clocks.followup.hours", "--rules", str(rules), "--government", "METRO")
    assert code == 1 and out.strip() == "pemerintah 'METRO' belum bergabung (yang bergabung: BANDARLAMPUNG, PESAWARAN)"
    monkeypatch.setenv("LANG", "en")
    code, out = run(capsys, "clocks.followup.hours", "--rules", str(rules), "--today", "2026-02-30")
    assert code == 2 and "--today '2026-02-30': must be a date, YYYY-MM-DD" in out
    code, out = run(capsys, "clocks.followup.hours", "--rules", str(rules), "--today", "２０２６-01-01")
    assert code == 2


def test_broken_files_are_reported_before_anything_is_read(capsys, monkeypatch, rules):
    monkeypatch.setenv("LANG", "en")
    (rules / "parameters" / "clocks.yaml").write_text("followup: [\n", encoding="utf-8")
    code, out = run(capsys, "clocks.followup.hours", "--rules", str(rules))
    assert code == 1 and "clocks.yaml:" in out and "clocks.followup.hours —" not in out
