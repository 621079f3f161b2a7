"""Messages of `lampungin rules check|test|build`, in Indonesian and English (per LANG).

Policy officers read these, so each says what is wrong in their vocabulary and where
(`file:line: message`), never a Python traceback.
"""
from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from typing import NamedTuple

MESSAGES = {
    "yaml": ("YAML tidak valid: {detail}", "invalid YAML: {detail}"),
    "missing_file": ("berkas wajib tidak ada: {name}", "required file is missing: {name}"),
    "unknown_folder": ("folder tidak dikenal: {name} (yang dikenal: {known})",
                       "unknown folder: {name} (known: {known})"),
    "duplicate_key": ("kunci '{key}' ditulis dua kali", "key '{key}' is written twice"),
    "not_mapping": ("'{where}' harus berupa pasangan kunci: nilai", "'{where}' must be a mapping of key: value"),
    "not_list": ("'{where}' harus berupa daftar", "'{where}' must be a list"),
    "missing_key": ("'{key}' wajib diisi di {where}", "'{key}' is required in {where}"),
    "unknown_key": ("kunci tidak dikenal '{key}' di {where} (yang boleh: {allowed})",
                    "unknown key '{key}' in {where} (allowed: {allowed})"),
    "wrong_type": ("'{key}' harus {expected}, bukan {got!r}", "'{key}' must be {expected}, not {got!r}"),
    "name_en_bad": ("nama bahasa Inggris 'en' harus teks yang tidak kosong, bukan {got!r} (hapus 'en' bila "
                    "belum ada terjemahannya: nama bahasa Indonesia yang ditampilkan)",
                    "the English name 'en' must be a non-empty text, not {got!r} (leave 'en' out while there "
                    "is no translation: the Indonesian name is shown)"),
    "bad_value": ("'{key}' bernilai {got!r}; yang boleh: {allowed}", "'{key}' is {got!r}; allowed: {allowed}"),
    "duplicate_code": ("kode '{code}' sudah dipakai di baris {first}", "code '{code}' is already used on line {first}"),
    "routing_overlap": ("kategori '{code}' tumpang tindih dengan baris {first} (kebijakan unik: satu baris per kategori)",
                        "category '{code}' overlaps line {first} (unique hit policy: one row per category)"),
    "routing_gap": ("sektor '{sector}' tidak punya satu pun baris kategori", "sector '{sector}' has no category row"),
    "unknown_opd": ("OPD '{opd}' tidak ada di routing/opds.yaml", "OPD '{opd}' is not in routing/opds.yaml"),
    "opd_sector": ("OPD '{opd}' tidak menangani sektor '{sector}' (lihat opds.yaml)",
                   "OPD '{opd}' does not handle sector '{sector}' (see opds.yaml)"),
    "default_missing": ("kategori default '{code}' tidak ada di tabel", "default category '{code}' is not in the table"),
    "undated": ("nilai '{key}' harus diberi tanggal berlaku (YYYY-MM-DD), bukan {got!r}",
                "value '{key}' must be dated (YYYY-MM-DD), not {got!r}"),
    "unreferenced": ("nilai {name} sejak {since} tidak punya 'reference' (peraturan dan pasal)",
                     "value {name} from {since} has no 'reference' (regulation and article)"),
    "lapses": ("{what} berakhir pada {end}, kurang dari 90 hari lagi (hari ini {today})",
               "{what} lapses on {end}, less than 90 days from today ({today})"),
    "unknown_param": ("parameter '{name}' tidak ada di parameters/", "parameter '{name}' is not in parameters/"),
    "missing_param": ("parameter wajib '{name}' tidak ada", "required parameter '{name}' is missing"),
    "effective_order": ("'until' ({until}) harus sesudah 'from' ({since})", "'until' ({until}) must be after 'from' ({since})"),
    "never_fires": ("aturan '{rule}' tidak pernah terpicu di contoh mana pun di tests/",
                    "rule '{rule}' never fires in any case under tests/"),
    "compile": ("aturan '{rule}' tidak bisa dikompilasi: {detail}", "rule '{rule}' does not compile: {detail}"),
    "unknown_field": ("fakta '{key}' tidak dikenal (yang ada: {allowed})", "unknown fact '{key}' (known: {allowed})"),
    "unknown_level": ("tingkat '{level}' tidak ada di sanctions/levels.yaml", "level '{level}' is not in sanctions/levels.yaml"),
    "template_unknown_type": ("jenis notifikasi '{type}' tidak dikenal (yang ada: {known})",
                              "unknown notification type '{type}' (known: {known})"),
    "template_missing": ("jenis notifikasi '{type}' belum punya templat: tulis 'id' dan 'en', masing-masing dengan 'title' dan 'body'",
                         "notification type '{type}' has no template: write 'id' and 'en', each with 'title' and 'body'"),
    "template_duplicate": ("templat '{type}' sudah ditulis di {first}", "template '{type}' is already written at {first}"),
    "template_empty": ("'{key}' di {where} kosong; tuliskan kalimatnya", "'{key}' in {where} is empty; write the text"),
    "template_not_text": ("'{key}' di {where} harus berupa teks (teks yang diawali '{{' harus diapit tanda kutip)",
                          "'{key}' in {where} must be text (text that starts with '{{' must be quoted)"),
    "template_brace": ("{where}: kurung kurawal tanpa pasangan; isian ditulis {{nama}}, kurung kurawal biasa ditulis dobel: {{{{ atau }}}}",
                       "{where}: unbalanced brace; a field is written {{name}}, a literal brace is doubled: {{{{ or }}}}"),
    "template_field": ("{where}: isian {text} tidak valid; tulis nama isiannya saja, misalnya {{opd}} (tanpa titik, indeks atau angka)",
                       "{where}: field {text} is not valid; write just the field's name, e.g. {{opd}} (no dots, indexes or numbers)"),
    "template_format": ("{where}: isian {text} tidak boleh memakai format atau konversi ('!' atau ':'); tulis {{nama}} saja",
                        "{where}: field {text} may not use a format or conversion ('!' or ':'); write just {{name}}"),
    "template_placeholder": ("{where}: isian {text} tidak tersedia untuk {type} (yang boleh: {allowed})",
                             "{where}: field {text} is not available for {type} (allowed: {allowed})"),
    "by_region_target": ("baris by_region harus menyebut tepat satu tujuan: 'government' atau 'opd'",
                         "a by_region entry names exactly one target: 'government' or 'opd'"),
    "government_unknown": ("folder governments/{code} bukan kabupaten/kota di routing/jurisdictions.yaml (yang ada: {known})",
                           "folder governments/{code} is not a kabupaten/kota of routing/jurisdictions.yaml (known: {known})"),
    "government_unknown_file": ("berkas tidak dikenal di folder pemerintah: {name} (yang boleh: government.yaml, opds.yaml, "
                                "categories.yaml, calendar/regional.yaml, parameters/*.yaml, tests/*.yaml)",
                                "unknown file in a government's folder: {name} (allowed: government.yaml, opds.yaml, "
                                "categories.yaml, calendar/regional.yaml, parameters/*.yaml, tests/*.yaml)"),
    "government_mismatch": ("'{key}' bernilai {got!r}, tidak sama dengan routing/jurisdictions.yaml ({want!r})",
                            "'{key}' is {got!r}, not what routing/jurisdictions.yaml says ({want!r})"),
    "government_inspectorate": ("inspektorat '{opd}' bukan salah satu OPD {government}",
                                "inspectorate '{opd}' is not one of {government}'s OPDs"),
    "government_unknown_opd": ("OPD '{opd}' tidak ada di governments/{government}/opds.yaml",
                               "OPD '{opd}' is not in governments/{government}/opds.yaml"),
    "government_foreign_opd": ("OPD '{opd}' milik {owner}, bukan {government}: tabel sebuah pemerintah hanya boleh menunjuk OPD-nya sendiri",
                               "OPD '{opd}' belongs to {owner}, not {government}: a government's table may only name its own OPDs"),
    "unknown_category": ("kategori '{code}' tidak ada di katalog provinsi (routing/categories.yaml)",
                         "category '{code}' is not in the province's catalog (routing/categories.yaml)"),
    "unknown_unit": ("unit '{unit}' tidak ada di OPD {opd} (yang ada: {known})",
                     "unit '{unit}' does not exist in OPD {opd} (known: {known})"),
    "unknown_region": ("kode wilayah '{region}' tidak ada di data wilayah Kemendagri (regions/)",
                       "region code '{region}' does not exist in the Kemendagri regions data (regions/)"),
    "region_outside": ("wilayah '{region}' berada di luar wilayah {name} ({outer})",
                       "region '{region}' lies outside {name} ({outer})"),
    "region_overlap": ("baris kategori '{code}' untuk wilayah {region} tumpang tindih dengan baris {first} (wilayah {other}); "
                       "kebijakan unik: satu baris per (kategori, wilayah), dan wilayah yang bersarang tidak boleh",
                       "the '{code}' row for region {region} overlaps line {first} (region {other}); unique hit "
                       "policy: one row per (category, region), and no nested regions"),
    "unknown_government": ("pemerintah '{code}' tidak dikenal (yang ada: {known})",
                           "unknown government '{code}' (known: {known})"),
    "param_override_unknown": ("parameter '{name}' tidak dikenal: sebuah pemerintah hanya dapat mengubah parameter yang ada di parameters/ provinsi",
                               "unknown parameter '{name}': a government may only change parameters the province's parameters/ defines"),
    "param_not_overridable": ("parameter '{name}' dipakai aturan when/then ({rules}) dan berlaku sama untuk semua pemerintah; tidak dapat diubah per pemerintah",
                              "parameter '{name}' is used by when/then rules ({rules}) and holds for every government alike; it cannot be changed per government"),
    "case_unknown_government": ("contoh '{case}': pemerintah '{government}' tidak dikenal atau belum bergabung (yang bergabung: {known})",
                                "case '{case}': government '{government}' is unknown or not onboarded (onboarded: {known})"),
    "regions_data": ("{id}", "{en}"),     # worded by lampungin/rules/regions.check_regions
    "case_first_event": ("contoh '{case}': linimasa harus dimulai dengan 'diajukan', bukan '{event}'",
                         "case '{case}': a timeline starts with 'diajukan', not '{event}'"),
    # the detail is Python's own text, in English: shown only with LANG=en, never inside Indonesian
    "case_error": ("contoh '{case}' tidak bisa dijalankan karena kesalahan di dalam perangkat aturan; "
                   "rinciannya (dalam bahasa Inggris) tampil dengan LANG=en",
                   "case '{case}' could not run: {detail}"),
    # issue 14: what a careful reviewer catches (dates that do not exist, numbers out of range,
    # misspelt names, calendar days that contradict each other or the calendar)
    "bad_date": ("tanggal {text} tidak ada: {why}", "the date {text} does not exist: {why}"),
    "date_quoted": ("'{key}' harus ditulis sebagai tanggal YYYY-MM-DD tanpa tanda kutip, bukan {got!r}",
                    "'{key}' must be written as a date YYYY-MM-DD without quotes, not {got!r}"),
    "date_with_time": ("'{key}' harus tanggal saja (YYYY-MM-DD) tanpa jam, bukan {got}",
                       "'{key}' must be a date only (YYYY-MM-DD) without a time, not {got}"),
    "param_no_range": ("parameter angka '{name}' belum punya batas nilai yang ditetapkan (lampungin/rules/ranges.py); "
                       "minta engineer menetapkannya, atau periksa ejaan namanya",
                       "numeric parameter '{name}' has no declared range (lampungin/rules/ranges.py); ask an "
                       "engineer to declare one, or check the spelling of its name"),
    "param_unknown": ("parameter '{name}' tidak dikenal (tidak ada di antara parameter yang ditetapkan; periksa "
                      "ejaan namanya)",
                      "unknown parameter '{name}' (not among the declared parameters; check the spelling of its name)"),
    "param_kind": ("parameter '{name}' berisi {got!r}, tidak cocok untuk '{op}' pada fakta '{key}' (harus {expected})",
                   "parameter '{name}' holds {got!r}, which does not fit '{op}' on the fact '{key}' (must be {expected})"),
    "years_order": ("tahun 'until' ({until}) tidak boleh sebelum tahun 'from' ({since})",
                    "the 'until' year ({until}) must not be before the 'from' year ({since})"),
    "day_without_hours": ("hari kerja '{day}' tidak punya jam kerja di {where}; clock dengan mode "
                          "working_hours tidak dapat dihitung pada hari itu",
                          "working day '{day}' has no office hours in {where}; a clock in mode "
                          "working_hours cannot be counted on that day"),
    # units and calendars (issue 14 part 3)
    "duration_unit": ("'{name}' bernilai {got!r} tanpa satuan: tulis mis. '24 jam' atau '3 hari kerja' (atau "
                      "'unit: hour' pada parameternya)",
                      "'{name}' is {got!r} with no unit: write e.g. '24 jam' or '3 hari kerja' (or 'unit: hour' "
                      "on the parameter)"),
    "duration_bad": ("'{name}' bernilai {got!r}; tulis jumlah dan satuannya: '24 jam' atau '3 hari kerja'",
                     "'{name}' is {got!r}; write the number and its unit: '24 jam' (hours) or '3 hari kerja' "
                     "(working days)"),
    "duration_unit_name": ("satuan '{unit}' pada '{name}' tidak dikenal; tenggat memakai 'unit: hour' (atau "
                           "tulis satuannya pada nilai: '3 hari kerja')",
                           "unit '{unit}' on '{name}' is unknown; a deadline uses 'unit: hour' (or writes the unit "
                           "in the value: '3 hari kerja')"),
    "days_against_mode": ("'{name}' sejak {since} ditulis dalam hari kerja ({got}) dan dihitung dalam hari kerja, "
                          "tetapi '{mode_name}' yang berlaku saat itu adalah '{mode}': hapus nilai itu atau jadikan "
                          "working_days, atau tulis tenggatnya dalam jam",
                          "'{name}' from {since} is written in working days ({got}) and counted in working days, "
                          "but '{mode_name}' in force then is '{mode}': remove that value or make it working_days, "
                          "or write the deadline in hours"),
    "dated_order": ("{what}: tanggal {since} harus sesudah entri sebelumnya ({before})",
                    "{what}: date {since} must come after the previous entry ({before})"),
    "hours_start_late": ("jam kerja pertama baru berlaku sejak {since}, sesudah awal tahun {first} yang "
                         "dikompilasi; mulailah dari {first}-01-01 atau lebih awal",
                         "the first office hours start on {since}, after the start of the compiled year {first}; "
                         "start on {first}-01-01 or earlier"),
    "ramadan_order": ("Ramadan {since}: 'until' ({until}) tidak boleh sebelum 'from'",
                      "Ramadan {since}: 'until' ({until}) must not be before 'from'"),
    "ramadan_long": ("Ramadan {since} sampai {until} lebih dari 30 hari; periksa tanggalnya",
                     "Ramadan {since} to {until} is longer than 30 days; check its dates"),
    "ramadan_overlap": ("Ramadan {since} tumpang tindih dengan Ramadan di baris {first}",
                        "Ramadan {since} overlaps the Ramadan on line {first}"),
    "ramadan_missing": ("tahun {year} dikompilasi tetapi tidak punya jam kerja Ramadan di 'ramadan'; tambahkan "
                        "tanggal Ramadan tahun itu (mode working_hours memakainya)",
                        "year {year} is compiled but has no Ramadan hours in 'ramadan'; add that year's Ramadan "
                        "dates (mode working_hours uses them)"),
    "cuti_year_outside": ("cuti bersama tahun {year} di luar tahun yang dikompilasi ({first} sampai {last})",
                          "cuti bersama of {year} lie outside the compiled years ({first} to {last})"),
    "cuti_unreferenced": ("paket holidays mengenal {count} hari cuti bersama tahun {year} ({days}), tetapi "
                          "'cuti_bersama' tidak menyebut SKB tahun itu: tanpa SKB hari-hari itu dihitung hari kerja; "
                          "tambahkan {year}: {{reference: ...}}",
                          "the holidays package knows {count} cuti bersama days in {year} ({days}), but "
                          "'cuti_bersama' names no SKB for that year: without one they count as working days; add "
                          "{year}: {{reference: ...}}"),
    "holiday_outside_years": ("tanggal {date} di luar tahun kalender yang dikompilasi ({first} sampai {last}, "
                              "calendar/calendar.yaml 'years'): tanggal itu tidak akan pernah dipakai; perpanjang "
                              "'years' atau hapus baris ini",
                              "{date} lies outside the compiled calendar years ({first} to {last}, "
                              "calendar/calendar.yaml 'years'): it would never be used; extend 'years' or "
                              "remove this entry"),
    "holiday_weekend": ("tanggal {date} jatuh pada hari {day}, yang memang bukan hari kerja (working_days); "
                        "baris '{part}' ini tidak mengubah apa pun: periksa tanggalnya",
                        "{date} falls on a {day}, which is not a working day anyway (working_days); this "
                        "'{part}' entry changes nothing: check the date"),
    "holiday_conflict": ("tanggal {date} ditulis di '{part}' dan juga di '{other}' (baris {first}): sebuah hari "
                         "tidak bisa sekaligus libur dan masuk kerja",
                         "{date} is written under '{part}' and also under '{other}' (line {first}): a day cannot "
                         "be both a day off and a working day"),
    "holiday_twice": ("tanggal {date} sudah ditulis di '{part}' pada baris {first}",
                      "{date} is already written under '{part}' on line {first}"),
    # rules test (issue 14 part 2): lampungin/rules/cases.py, expect.py, coverage.py, reports.py
    "case_file_shape": ("berkas contoh harus berisi 'cases:', sebuah daftar contoh",
                        "a case file holds 'cases:', a list of cases"),
    "case_file_unknown_key": ("kunci tidak dikenal '{key}' di berkas contoh{hint_id} (yang boleh: {allowed})",
                              "unknown key '{key}' in the case file{hint_en} (allowed: {allowed})"),
    "case_file_wrong_type": ("'{key}' di berkas contoh harus {expected_id}, bukan {got}",
                             "'{key}' in the case file must be {expected_en}, not {got}"),
    "case_not_mapping": ("contoh ke-{n} harus berupa pasangan kunci: nilai (name, category, timeline, expect, ...)",
                         "case number {n} must be a mapping of key: value (name, category, timeline, expect, ...)"),
    "case_unknown_key": ("contoh '{case}': kunci tidak dikenal '{key}' di {where_id}{hint_id} (yang boleh: {allowed})",
                         "case '{case}': unknown key '{key}' in {where_en}{hint_en} (allowed: {allowed})"),
    "case_missing_key": ("contoh '{case}': '{key}' wajib diisi di {where_id}", "case '{case}': '{key}' is required in {where_en}"),
    "case_wrong_type": ("contoh '{case}': '{key}' harus {expected_id}, bukan {got}",
                        "case '{case}': '{key}' must be {expected_en}, not {got}"),
    "case_duplicate_key": ("contoh '{case}': kunci '{key}' ditulis dua kali (yang terakhir menimpa yang pertama)",
                           "case '{case}': key '{key}' is written twice (the last one would replace the first)"),
    "case_no_expect": ("contoh '{case}' tidak membuktikan apa pun: tulis 'expect' dengan sedikitnya satu dari {known}",
                       "case '{case}' proves nothing: write 'expect' with at least one of {known}"),
    "case_unknown_event_word": ("contoh '{case}': kejadian '{event}' tidak dikenal{hint_id} (yang ada: {known})",
                                "case '{case}': unknown event '{event}'{hint_en} (known: {known})"),
    "case_bad_time": ("contoh '{case}': waktu '{text}' tidak terbaca; tulis misalnya 'Jumat 2026-01-09 16:00'",
                      "case '{case}': cannot read the time '{text}'; write e.g. 'Jumat 2026-01-09 16:00'"),
    "case_no_such_time": ("contoh '{case}': tanggal atau jam '{when}' tidak ada di kalender",
                          "case '{case}': there is no '{when}' in the calendar"),
    "case_unknown_day": ("contoh '{case}': '{day}' bukan nama hari{hint_id} (Senin, Selasa, Rabu, Kamis, Jumat, Sabtu, Minggu)",
                         "case '{case}': '{day}' is not a day name{hint_en} (Monday ... Sunday, or Senin ... Minggu)"),
    "case_wrong_day": ("contoh '{case}': {date} bukan hari {day}, melainkan hari {actual_id}",
                       "case '{case}': {date} is not a {day} (it is a {actual_en})"),
    "case_no_event": ("contoh '{case}': baris linimasa perlu kejadian sesudah waktunya (misalnya '... 16:00 diajukan')",
                      "case '{case}': a timeline line needs an event after its time (e.g. '... 16:00 diajukan')"),
    "case_no_target": ("contoh '{case}': '{event}' tidak punya tujuan; hapus '{extra}'",
                       "case '{case}': '{event}' takes no target; remove '{extra}'"),
    "case_extra_words": ("contoh '{case}': '{extra}' tidak dimengerti; sesudah '{event}' hanya boleh satu tujuan ('ke KODE')",
                         "case '{case}': '{extra}' is not understood; after '{event}' comes at most one target ('ke CODE')"),
    "case_time_backwards": ("contoh '{case}': waktu {at_id} lebih awal dari kejadian sebelumnya ({before_id}); waktu tidak bisa mundur",
                            "case '{case}': {at_en} is earlier than the event before it ({before_en}); time cannot go backwards"),
    "case_unknown_category": ("contoh '{case}': kategori '{category}' tidak ada di routing/categories.yaml{hint_id}",
                              "case '{case}': category '{category}' is not in routing/categories.yaml{hint_en}"),
    "case_unknown_region": ("contoh '{case}': kode wilayah '{region}' tidak ada di data wilayah Kemendagri (regions/); sistem akan menolak aduan ini",
                            "case '{case}': region code '{region}' is not in the Kemendagri regions data (regions/); the system would refuse this complaint"),
    "case_parameter_unit": ("contoh '{case}': '{name}' bernilai {got!r} tanpa satuan: tulis mis. '24 jam' atau "
                            "'3 hari kerja' (angka saja hanya boleh bila parameternya menyatakan 'unit: hour')",
                            "case '{case}': '{name}' is {got!r} with no unit: write e.g. '24 jam' (hours) or "
                            "'3 hari kerja' (working days); a bare number only where the parameter says 'unit: hour'"),
    "case_parameter_bad": ("contoh '{case}': '{name}' bernilai {got!r}; tulis jumlah dan satuannya: '24 jam' atau "
                           "'3 hari kerja'",
                           "case '{case}': '{name}' is {got!r}; write the number and its unit: '24 jam' (hours) or "
                           "'3 hari kerja' (working days)"),
    "case_parameter_range": ("contoh '{case}': '{name}' bernilai {got!r}; yang boleh: {allowed}",
                             "case '{case}': '{name}' is {got!r}; allowed: {allowed}"),
    "case_days_against_mode": ("contoh '{case}': '{hours_name}' ditulis dalam hari kerja ({got}) dan dihitung dalam "
                               "hari kerja, tetapi '{mode_name}' di contoh ini '{mode}': hapus '{mode_name}' atau "
                               "tulis tenggatnya dalam jam",
                               "case '{case}': '{hours_name}' is written in working days ({got}) and counted in "
                               "working days, but this case's '{mode_name}' is '{mode}': remove '{mode_name}' or "
                               "write the deadline in hours"),
    "case_bad_parameter": ("contoh '{case}': 'parameters' hanya boleh mengubah clocks.followup|approval.hours atau .mode, bukan '{name}'{hint_id}",
                           "case '{case}': 'parameters' may only set clocks.followup|approval.hours or .mode, not '{name}'{hint_en}"),
    "case_expected": ("contoh '{case}' gagal: {what_id}: diharapkan {want_id}, ternyata {got_id}",
                      "case '{case}' failed: {what_en}: expected {want_en}, got {got_en}"),
    "case_expected_count": ("contoh '{case}' gagal: {what_id}: diharapkan {want}, ternyata {got}: {listed_id}",
                            "case '{case}' failed: {what_en}: expected {want}, got {got}: {listed_en}"),
    "case_refused_status": ("contoh '{case}': '{event}' tidak bisa terjadi saat aduan {status_id}; sistem akan menolaknya "
                            "('{event}' hanya bisa saat aduan {allowed_id})",
                            "case '{case}': '{event}' cannot happen while the complaint is {status_en}; the system would refuse it "
                            "('{event}' is only possible while it is {allowed_en})"),
    "case_refused_why": ("contoh '{case}': sistem akan menolak '{event}': {why_id}",
                         "case '{case}': the system would refuse '{event}': {why_en}"),
    "case_target_unknown": ("contoh '{case}': tujuan '{target}' untuk '{event}' tidak ada ({where_id}){hint_id}",
                            "case '{case}': target '{target}' of '{event}' does not exist ({where_en}){hint_en}"),
    "case_none_selected": ("tidak ada contoh yang cocok dengan -k {selectors} (nama atau keywords)",
                           "no case matches -k {selectors} (names or keywords)"),
    "coverage_uncovered": ("{kind_id} '{item}' tidak dijalankan contoh mana pun", "{kind_en} '{item}' is exercised by no case"),
    "coverage_below": ("cakupan contoh {percent}% di bawah batas minimum {minimum}%",
                       "case coverage {percent}% is below the minimum {minimum}%"),
    "report_unwritable": ("tidak bisa menulis laporan {path}: {why}", "cannot write the report {path}: {why}"),
    # end of: rules test (issue 14 part 2)
}

SUGGESTION = ("; maksud Anda '{suggestion}'?", "; did you mean '{suggestion}'?")


class Words(NamedTuple):
    """A parameter of a message that is itself words: Indonesian and English (one shown at a time)."""
    id: str
    en: str

    def in_(self, lang: str) -> str:
        return self.id if lang == "id" else self.en


def did_you_mean(word, candidates) -> str | None:
    """The known name closest to a misspelt one (difflib), or None when nothing is close: a
    suggestion must be a likely typo ("folowup" -> "followup"), not merely another name."""
    if not isinstance(word, str) or not word:
        return None
    names = [c for c in dict.fromkeys(candidates) if isinstance(c, str) and c != word]
    found = difflib.get_close_matches(word, names, n=1, cutoff=0.75)
    if not found:
        folded = {c.lower(): c for c in names}
        found = [folded[w] for w in difflib.get_close_matches(word.lower(), list(folded), n=1, cutoff=0.75)]
    return found[0] if found else None


def language(env=None) -> str:
    """`id` unless LANG (or LC_ALL/LC_MESSAGES) asks for English: Indonesian is the default."""
    env = os.environ if env is None else env
    lang = env.get("LC_ALL") or env.get("LC_MESSAGES") or env.get("LANG") or ""
    return "en" if lang.lower().startswith("en") else "id"


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    code: str
    params: dict = field(default_factory=dict)

    def message(self, lang: str = "id") -> str:
        """What is wrong, in one language (a parameter that is Words is shown in that language)."""
        lang = "id" if lang == "id" else "en"
        params = {k: v.in_(lang) if isinstance(v, Words) else v for k, v in self.params.items()}
        return MESSAGES[self.code][0 if lang == "id" else 1].format(**params)

    def hint(self, lang: str = "id") -> str:
        """The suggestion said after the message, on the same line (`; did you mean 'followup'?`),
        when a misspelt name has a close known one (params `suggestion`); else empty."""
        suggestion = self.params.get("suggestion")
        return SUGGESTION[0 if lang == "id" else 1].format(suggestion=suggestion) if suggestion else ""

    def render(self, lang: str = "id") -> str:
        return f"{self.file}:{self.line}: {self.message(lang)}{self.hint(lang)}"
