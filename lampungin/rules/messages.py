"""Messages of `lampungin rules check|test|build`, in Indonesian and English (per LANG).

Policy officers read these, so each says what is wrong in their vocabulary and where
(`file:line: message`), never a Python traceback.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

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
    "case_failed": ("contoh '{case}' gagal: {detail}", "case '{case}' failed: {detail}"),
    "case_refused": ("contoh '{case}': '{event}' tidak bisa terjadi saat aduan {status_id}; sistem akan menolaknya",
                     "case '{case}': '{event}' cannot happen while the complaint is {status_en}; the system would refuse it"),
    "case_unknown_event": ("contoh '{case}': kejadian '{event}' tidak dikenal (yang ada: {known})",
                           "case '{case}': unknown event '{event}' (known: {known})"),
    "case_unknown_target": ("contoh '{case}': tujuan '{target}' untuk '{event}' tidak ada di routing/ (OPD lain atau kabupaten/kota)",
                            "case '{case}': target '{target}' of '{event}' is not in routing/ (another OPD, or a kabupaten/kota)"),
    "case_first_event": ("contoh '{case}': linimasa harus dimulai dengan 'diajukan', bukan '{event}'",
                         "case '{case}': a timeline starts with 'diajukan', not '{event}'"),
    "case_time_back": ("contoh '{case}': waktu {at} lebih awal dari kejadian sebelumnya ({before})",
                       "case '{case}': {at} is earlier than the event before it ({before})"),
    "case_error": ("contoh '{case}' tidak bisa dijalankan: {detail}", "case '{case}' could not run: {detail}"),
}


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
        template = MESSAGES[self.code][0 if lang == "id" else 1]
        return template.format(**self.params)

    def render(self, lang: str = "id") -> str:
        return f"{self.file}:{self.line}: {self.message(lang)}"
