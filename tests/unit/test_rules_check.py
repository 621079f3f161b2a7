"""`lampungin rules check`: one broken file per kind of error, asserting the message and the line.

GIVEN a copy of the shipped rules/ with one mistake, WHEN checked, THEN exactly that mistake is
reported as `file:line: message` in Indonesian and English.
"""
from __future__ import annotations

from datetime import date

import pytest

from chalicelib.domain.notification_types import TYPES
from tests.rules.helpers import TODAY, edit, full, line_of, only, rules_copy, static


@pytest.fixture
def rules(tmp_path):
    return rules_copy(tmp_path)


def test_the_shipped_rules_pass_every_check(rules):
    assert full(rules) == []


def test_invalid_yaml_names_its_line(rules):
    path = rules / "routing" / "categories.yaml"
    edit(path, "      id: Pajak alat berat", "      id: [Pajak alat berat")
    [problem] = only(static(rules), "yaml")
    assert problem.file.endswith("rules/routing/categories.yaml")
    assert problem.line >= line_of(path, "[Pajak alat berat")
    assert problem.message("id").startswith("YAML tidak valid")


def test_missing_required_file(rules):
    (rules / "routing" / "opds.yaml").unlink()
    [problem] = only(static(rules), "missing_file")
    assert "routing/opds.yaml" in problem.message("en")


def test_unknown_folder(rules):
    (rules / "sanksi").mkdir()
    [problem] = only(static(rules), "unknown_folder")
    assert problem.message("en").startswith("unknown folder: sanksi")


def test_duplicate_key(rules):
    path = rules / "calendar" / "calendar.yaml"
    edit(path, "timezone: Asia/Jakarta\n", "timezone: Asia/Jakarta\ntimezone: Asia/Jakarta\n")
    [problem] = only(static(rules), "duplicate_key")
    assert problem.line == line_of(path, "timezone:", 2)
    assert problem.message("en") == "key 'timezone' is written twice"


def test_unknown_key_names_the_allowed_ones(rules):
    path = rules / "routing" / "categories.yaml"
    edit(path, "    opd: BAPENDA\n", "    opd: BAPENDA\n    opdd: BAPENDA\n")
    [problem] = only(static(rules), "unknown_key")
    assert problem.line == line_of(path, "opdd:")
    assert problem.message("en").startswith("unknown key 'opdd' in category (allowed: code, name")
    assert problem.message("id").startswith("kunci tidak dikenal 'opdd'")


def test_wrong_type(rules):
    path = rules / "parameters" / "clocks.yaml"
    edit(path, "value: 75\n", 'value: "75 persen"\n', count=1)
    [problem] = only(static(rules), "wrong_type")
    assert problem.line == line_of(path, '"75 persen"')
    assert "'value' must be a number, not '75 persen'" in problem.message("en")
    assert "'value' harus angka, bukan '75 persen'" in problem.message("id")


def test_bad_value(rules):
    path = rules / "routing" / "categories.yaml"
    edit(path, "\nhit_policy: unique", "\nhit_policy: first")
    [problem] = only(static(rules), "bad_value")
    assert problem.line == line_of(path, "hit_policy: first")
    assert problem.message("en") == "'hit_policy' is 'first'; allowed: unique"


def test_overlapping_routing_rows(rules):
    path = rules / "routing" / "categories.yaml"
    edit(path, "  - code: bbnkb-dummy", "", count=0)
    edit(path, "  - code: pajak-air-permukaan\n", "  - code: pajak-kendaraan\n")
    [problem] = only(static(rules), "routing_overlap")
    assert problem.line == line_of(path, "code: pajak-kendaraan", 2)
    first = line_of(path, "code: pajak-kendaraan")
    assert problem.message("en") == (f"category 'pajak-kendaraan' overlaps line {first}"
                                     " (unique hit policy: one row per category)")


def test_missing_routing_rows_for_a_sector(rules):
    path = rules / "routing" / "categories.yaml"
    edit(path, "sector: pajak", "sector: lainnya", count=6)
    edit(path, "opd: BAPENDA", "opd: BIRO-ORG", count=6)
    [problem] = only(static(rules), "routing_gap")
    assert problem.line == line_of(path, "categories:")
    assert problem.message("id") == "sektor 'pajak' tidak punya satu pun baris kategori"


def test_category_with_unknown_opd(rules):
    path = rules / "routing" / "categories.yaml"
    edit(path, "opd: BMBK", "opd: PUPR")
    [problem] = only(static(rules), "unknown_opd")
    assert problem.line == line_of(path, "opd: PUPR")


def test_category_routed_to_an_opd_of_another_sector(rules):
    path = rules / "routing" / "categories.yaml"
    edit(path, "    sector: pajak\n    opd: BAPENDA\n", "    sector: pajak\n    opd: DINKES\n")
    [problem] = only(static(rules), "opd_sector")
    assert problem.line == line_of(path, "code: pajak-kendaraan") + 5      # below its name {id, en}
    assert problem.message("en") == "OPD 'DINKES' does not handle sector 'pajak' (see opds.yaml)"


def test_default_category_must_exist(rules):
    path = rules / "routing" / "categories.yaml"
    edit(path, "default: lainnya", "default: umum")
    [problem] = only(static(rules), "default_missing")
    assert problem.line == line_of(path, "default: umum")


def test_undated_parameter_value(rules):
    path = rules / "parameters" / "sanctions.yaml"
    edit(path, "    2025-01-01:\n      value: 30", "    mulai 2025:\n      value: 30")
    [problem] = only(static(rules), "undated")
    assert problem.line == line_of(path, "mulai 2025")
    assert "must be dated (YYYY-MM-DD), not 'mulai 2025'" in problem.message("en")


def test_unreferenced_parameter_value(rules):
    path = rules / "parameters" / "sanctions.yaml"
    text = path.read_text()
    start = text.index("value: 30")
    end = text.index("\n", text.index("reference:", start))
    path.write_text(text[:start] + "value: 30" + text[end:])
    [problem] = only(static(rules), "unreferenced")
    assert problem.line == line_of(path, "value: 30") - 1
    assert problem.message("en") == ("value sanctions.window_days from 2025-01-01 has no 'reference' "
                                     "(regulation and article)")


def test_parameter_that_lapses_within_90_days(rules):
    path = rules / "parameters" / "sanctions.yaml"
    text = path.read_text()
    end = text.index("\n", text.index("reference:", text.index("value: 30"))) + 1
    path.write_text(text[:end] + "    2026-08-01:\n      value: null\n      reference: Pergub pencabutan\n"
                    + text[end:])
    [problem] = only(static(rules), "lapses")
    assert problem.line == line_of(path, "window_days:")
    assert problem.message("en").startswith("parameter sanctions.window_days lapses on 2026-08-01")
    assert only(static(rules, today=date(2026, 9, 1)), "lapses")        # already lapsed
    assert not [p for p in static(rules, today=date(2026, 1, 1)) if p.code == "lapses"]   # 212 days


def test_calendar_that_lapses_within_90_days(rules):
    path = rules / "calendar" / "calendar.yaml"
    [problem] = only(static(rules, today=date(2030, 11, 1)), "lapses")
    assert problem.line == line_of(path, "until: 2030")
    assert problem.message("id").startswith("calendar berakhir pada 2030-12-31")
    assert static(rules, today=TODAY) == []


def test_missing_required_parameter(rules):
    path = rules / "parameters" / "clocks.yaml"
    edit(path, "  warn_at_percent:", "  warn_percent:", count=1)
    [problem] = only(static(rules), "missing_param")
    assert problem.message("en") == "required parameter 'clocks.followup.warn_at_percent' is missing"


def test_rule_with_unknown_fact(rules):
    path = rules / "sanctions" / "operator.yaml"
    edit(path, "      clock: followup\n    then: {level: teguran-lisan",
         "      jam: followup\n    then: {level: teguran-lisan")
    [problem] = only(static(rules), "unknown_field")
    assert problem.line == line_of(path, "jam: followup")
    assert problem.message("en").startswith("unknown fact 'jam' (known: event, clock")


def test_rule_with_unknown_parameter(rules):
    path = rules / "sanctions" / "operator.yaml"
    edit(path, "sanctions.operator_written_warning_after", "sanctions.written_after")
    [problem] = only(static(rules), "unknown_param")
    assert problem.line == line_of(path, "sanctions.written_after")
    assert problem.message("id") == "parameter 'sanctions.written_after' tidak ada di parameters/"


def test_rule_with_unknown_level(rules):
    path = rules / "sanctions" / "opd.yaml"
    edit(path, "level: teguran-tertulis", "level: teguran-keras")
    [problem] = only(static(rules), "unknown_level")
    assert problem.line == line_of(path, "teguran-keras")


def test_rule_effective_until_before_from(rules):
    path = rules / "sanctions" / "opd.yaml"
    edit(path, "effective: {from: 2025-01-01}", "effective: {from: 2025-01-01, until: 2024-12-31}")
    [problem] = only(static(rules), "effective_order")
    assert problem.line == line_of(path, "until: 2024-12-31")


def test_duplicate_rule_id(rules):
    path = rules / "sanctions" / "opd.yaml"
    edit(path, "id: sanction.opd.miss", "id: sanction.operator.miss")
    [problem] = only(static(rules), "duplicate_code")
    other = rules / "sanctions" / "operator.yaml"           # files are read in name order
    assert problem.file.endswith("sanctions/operator.yaml")
    assert problem.line == line_of(other, "id: sanction.operator.miss")
    assert problem.message("en").endswith(f"already used on line {problem.params['first']}")
    assert problem.params["first"].endswith(f"sanctions/opd.yaml:{line_of(path, 'id: sanction.operator.miss')}")


def test_rule_that_does_not_compile(rules):
    path = rules / "sanctions" / "opd.yaml"
    edit(path, "      clock: approval\n", "      clock: []\n")
    [problem] = only(static(rules), "compile")
    assert problem.line == line_of(path, "- id: sanction.opd.miss")
    assert problem.message("en").startswith("rule 'sanction.opd.miss' does not compile: it can never apply")


def test_rule_that_never_fires_in_any_test(rules):
    path = rules / "sanctions" / "opd.yaml"
    path.write_text(path.read_text() + """
  - id: sanction.opd.very-late
    description: {id: Sangat terlambat., en: Very late.}
    reference: Rancangan Pergub, Pasal 13 ayat (3)
    effective: {from: 2025-01-01}
    when: {event: missed, clock: approval, hours_late: {above: 240}}
    then: {level: laporan-inspektorat, subject: opd}
""")
    assert static(rules) == []
    [problem] = only(full(rules), "never_fires")
    assert problem.line == line_of(path, "id: sanction.opd.very-late")
    assert problem.message("en") == "rule 'sanction.opd.very-late' never fires in any case under tests/"
    assert problem.render("en").startswith(f"{problem.file}:{problem.line}: rule ")


# --- notification templates (rules/notifications/) and jurisdiction contacts ------------------------

WARGA = ("notifications", "warga.yaml")
INFO_BODY = "Petugas {opd} membutuhkan keterangan tambahan untuk aduan {complaint_id}: {note}. Balas"


def test_unknown_placeholder_names_the_allowed_ones(rules):
    path = rules.joinpath(*WARGA)
    edit(path, "{complaint_id}: {note}. Balas", "{complaint_id}: {catatan}. Balas")
    [problem] = only(static(rules), "template_placeholder")
    assert problem.file.endswith("rules/notifications/warga.yaml")
    assert problem.line == line_of(path, "{catatan}") - 1                # the `body: >-` line
    assert problem.message("id") == (
        "citizen.info_requested.id.body: isian {catatan} tidak tersedia untuk citizen.info_requested "
        "(yang boleh: {at}, {category}, {complaint_id}, {note}, {opd}, {status}, {title})")
    assert problem.render().startswith(f"{problem.file}:{problem.line}: citizen.info_requested")


def test_a_placeholder_of_another_type_is_refused(rules):
    path = rules.joinpath(*WARGA)
    edit(path, 'title: "Aduan {complaint_id} sedang ditangani"', 'title: "Aduan {complaint_id} ke {to_opd}"')
    [problem] = only(static(rules), "template_placeholder")
    assert problem.line == line_of(path, "{to_opd}\"")
    assert "{to_opd}" in problem.message("en") and "citizen.claimed" in problem.message("en")


@pytest.mark.parametrize("bad, code, text", [
    ("{complaint_id", "template_brace", ""), ("{complaint_id}}", "template_brace", ""),
    ("{complaint_id.upper}", "template_field", "{complaint_id.upper}"),
    ("{complaint_id[0]}", "template_field", "{complaint_id[0]}"),
    ("{complaint_id!r}", "template_format", "{complaint_id!r}"),
    ("{complaint_id:>3}", "template_format", "{complaint_id:>3}"),
])
def test_malformed_template(rules, bad, code, text):
    path = rules.joinpath(*WARGA)
    edit(path, 'title: "Aduan {complaint_id} sedang ditangani"', f'title: "Aduan {bad} sedang ditangani"')
    [problem] = [p for p in static(rules) if p.code.startswith("template_")]
    assert (problem.code, problem.params["text"]) == (code, text)
    assert problem.line == line_of(path, f"Aduan {bad} sedang")
    assert problem.message("id").startswith("citizen.claimed.id.title: ")
    if code == "template_brace":
        assert "{{ atau }}" in problem.message("id")


def test_literal_braces_are_fine(rules):
    edit(rules.joinpath(*WARGA), 'title: "Aduan {complaint_id} sedang ditangani"',
         'title: "Aduan {complaint_id} sedang ditangani {{segera}}"')
    assert static(rules) == []


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_missing_language(rules, lang):
    path = rules.joinpath(*WARGA)
    text = path.read_text(encoding="utf-8")
    block = text.index("  citizen.rejected:\n")
    en, after = text.index("    en:\n", block), text.index("  citizen.info_requested:\n")
    first = text.index("    id:\n", block)
    path.write_text(text[:first] + text[en:] if lang == "id" else text[:en] + "\n" + text[after:],
                    encoding="utf-8")
    [problem] = only(static(rules), "missing_key")
    assert problem.params == {"key": lang, "where": "citizen.rejected"}
    assert problem.message("id") == f"'{lang}' wajib diisi di citizen.rejected"
    assert problem.line == line_of(path, "citizen.rejected:") + 1       # where its mapping starts


@pytest.mark.parametrize("part", ["title", "body"])
def test_a_missing_title_or_body(rules, part):
    path = rules.joinpath(*WARGA)
    if part == "title":
        edit(path, '      title: "Aduan {complaint_id} sedang ditangani"\n', "")
    else:
        edit(path, '      body: >-\n        Seorang petugas {opd} telah mengambil aduan Anda "{title}" dan mulai '
             'menanganinya pada\n        {at}. Kami akan mengabari Anda setiap ada perkembangan.\n', "")
    [problem] = only(static(rules), "missing_key")
    assert problem.params == {"key": part, "where": "citizen.claimed.id"}
    assert problem.line == line_of(path, "citizen.claimed:") + 2


def test_empty_text(rules):
    path = rules.joinpath(*WARGA)
    edit(path, 'title: "Aduan {complaint_id} sedang ditangani"', 'title: "  "')
    [problem] = only(static(rules), "template_empty")
    assert problem.line == line_of(path, 'title: "  "')
    assert problem.message("id") == "'title' di citizen.claimed.id kosong; tuliskan kalimatnya"


def test_unquoted_text_that_starts_with_a_brace(rules):
    path = rules.joinpath(*WARGA)
    edit(path, 'title: "Aduan {complaint_id} sedang ditangani"', "title: {complaint_id}")
    [problem] = only(static(rules), "template_not_text")
    assert problem.line == line_of(path, "title: {complaint_id}")
    assert "harus diapit tanda kutip" in problem.message("id")


def test_unknown_type_names_the_known_ones(rules):
    path = rules.joinpath(*WARGA)
    edit(path, "  citizen.claimed:\n", "  citizen.diklaim:\n")
    [problem] = only(static(rules), "template_unknown_type")
    assert problem.line == line_of(path, "citizen.diklaim:")
    assert problem.message("id").startswith("jenis notifikasi 'citizen.diklaim' tidak dikenal (yang ada: "
                                            "citizen.submitted, citizen.claimed,")
    assert "staff." not in problem.message("id")


def test_a_type_without_a_template(rules):
    path = rules.joinpath(*WARGA)
    text = path.read_text(encoding="utf-8")
    start = text.index("  citizen.claimed:\n")
    path.write_text(text[:start] + text[text.index("  citizen.assigned_to:\n"):], encoding="utf-8")
    [problem] = only(static(rules), "template_missing")
    assert problem.file.endswith("rules/notifications/warga.yaml")
    assert problem.line == line_of(path, "templates:")
    assert problem.message("id").startswith("jenis notifikasi 'citizen.claimed' belum punya templat")


def test_without_notification_files_every_type_is_missing_at_the_folder(rules):
    for path in (rules / "notifications").iterdir():
        path.unlink()
    problems = only(static(rules), "template_missing")
    assert sorted(p.params["type"] for p in problems) == sorted(TYPES)
    assert {(p.file, p.line) for p in problems} == {("rules/notifications", 1)}


def test_a_type_written_twice(rules):
    staff = rules / "notifications" / "petugas.yaml"
    staff.write_text(staff.read_text(encoding="utf-8") + """
  citizen.submitted:
    id: {title: "Diterima", body: "Aduan {complaint_id} diterima."}
    en: {title: "Received", body: "Complaint {complaint_id} received."}
""", encoding="utf-8")
    [problem] = only(static(rules), "template_duplicate")
    warga = rules.joinpath(*WARGA)
    assert problem.file.endswith("rules/notifications/warga.yaml")       # files are read in name order
    assert problem.line == line_of(warga, "citizen.submitted:")
    assert problem.params["first"].endswith(f"notifications/petugas.yaml:{line_of(staff, 'citizen.submitted:')}")


def test_a_type_written_twice_in_one_file(rules):
    path = rules.joinpath(*WARGA)
    path.write_text(path.read_text(encoding="utf-8") + """
  citizen.claimed:
    id: {title: "Diambil", body: "Aduan {complaint_id} diambil."}
    en: {title: "Taken", body: "Complaint {complaint_id} taken."}
""", encoding="utf-8")
    [problem] = only(static(rules), "duplicate_key")
    assert problem.line == line_of(path, "citizen.claimed:", 2)


def test_a_jurisdiction_without_contact(rules):
    path = rules / "routing" / "jurisdictions.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("    contact:", text.index("code: METRO"))
    path.write_text(text[:start], encoding="utf-8")
    [problem] = only(static(rules), "missing_key")
    assert problem.line == line_of(path, "code: METRO")
    assert problem.message("id") == "'contact' wajib diisi di kabupaten/kota METRO"
    assert problem.message("en") == "'contact' is required in kabupaten/kota METRO"


def test_a_contact_needs_both_languages(rules):
    path = rules / "routing" / "jurisdictions.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("      en:", text.index("contact:", text.index("code: METRO")))
    path.write_text(text[:start], encoding="utf-8")
    [problem] = only(static(rules), "missing_key")
    assert problem.params == {"key": "en", "where": "contact"}
