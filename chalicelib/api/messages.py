"""Error messages people read, in Indonesian (default) and English. One place, so a frontend
or a translator can see every message the API can send."""
from __future__ import annotations

from ..domain.words import STATUS_WORDS

MESSAGES: dict[str, tuple[str, str]] = {
    # code: (Bahasa Indonesia, English)
    "malformed_json": ("Badan permintaan bukan JSON yang sah.", "The request body is not valid JSON."),
    "unsupported_media_type": ("Kirim badan permintaan sebagai application/json.",
                               "Send the request body as application/json."),
    "body_too_large": ("Badan permintaan terlalu besar (maksimal {limit} byte).",
                       "The request body is too large (at most {limit} bytes)."),
    "validation_failed": ("Isi permintaan tidak valid.", "The request content is not valid."),
    "unauthenticated": ("Token tidak ada atau tidak sah. Masuk kembali.",
                        "The token is missing or invalid. Sign in again."),
    "forbidden": ("Peran Anda tidak diizinkan melakukan tindakan ini.",
                  "Your role is not allowed to do this."),
    "forbidden_scope": ("Anda hanya dapat melihat data OPD Anda sendiri.",
                        "You can only see your own OPD's data."),
    "not_found": ("Data tidak ditemukan.", "Not found."),
    "notification_not_found": ("Pemberitahuan tidak ditemukan.", "Notification not found."),
    "wrong_state": ("Tindakan ini tidak dapat dilakukan pada aduan yang {status}.",
                    "This action is not possible on a complaint that is {status}."),
    "conflict": ("Aduan baru saja diubah oleh orang lain. Muat ulang lalu coba lagi.",
                 "The complaint was just changed by someone else. Reload and try again."),
    "idempotency_key_reused": ("Idempotency-Key ini sudah dipakai untuk permintaan lain.",
                               "This Idempotency-Key was already used for a different request."),
    "invalid_idempotency_key": ("Idempotency-Key harus 1–128 karakter ASCII yang terlihat.",
                                "Idempotency-Key must be 1–128 visible ASCII characters."),
    "invalid_if_match": ("If-Match harus nomor versi aduan, mis. \"3\".",
                         "If-Match must be the complaint's version number, e.g. \"3\"."),
    "unknown_category": ("Kategori '{value}' tidak dikenal. Lihat GET /v1/categories.",
                         "Unknown category '{value}'. See GET /v1/categories."),
    "unknown_opd": ("OPD '{value}' tidak dikenal. Lihat GET /v1/opds.",
                    "Unknown OPD '{value}'. See GET /v1/opds."),
    "unknown_jurisdiction": ("Kabupaten/kota '{value}' tidak dikenal.", "Unknown jurisdiction '{value}'."),
    "same_opd": ("Aduan sudah berada di OPD ini.", "The complaint is already with this OPD."),
    "unknown_government": ("Pemerintah '{value}' tidak dikenal. Lihat GET /v1/governments.",
                           "Unknown government '{value}'. See GET /v1/governments."),
    "not_onboarded": ("Pemerintah '{value}' belum bergabung di Lampung In: belum ada tenggat atau OPD-nya di sini.",
                      "The government '{value}' is not onboarded on Lampung In: it has no deadlines or OPDs here."),
    "same_government": ("Aduan sudah berada di pemerintah '{value}'. Pindahkan ke OPD lain dengan transfer.",
                        "The complaint is already with the government '{value}'. Move it to another OPD with "
                        "transfer."),
    "transfer_other_government": ("OPD '{value}' milik pemerintah lain: pindah antarpemerintah dilakukan dengan "
                                  "meneruskan (forward) ke pemerintah itu.",
                                  "The OPD '{value}' belongs to another government: send it there by forwarding "
                                  "to that government."),
    "unknown_unit": ("Unit '{value}' tidak ada di {opd}. Lihat GET /v1/opds.",
                     "The unit '{value}' does not exist in {opd}. See GET /v1/opds."),
    "unknown_region": ("Kode wilayah '{value}' tidak dikenal: tulis kode Kemendagri seperti \"18.71.01\" "
                       "(kecamatan). Lihat GET /v1/regions.",
                       "Unknown region code '{value}': write a Kemendagri code such as \"18.71.01\" "
                       "(a kecamatan). See GET /v1/regions."),
    "flagged_follow_up": ("Tindak lanjut ini ditandai: teks atau fotonya mirip bukti pada aduan lain, "
                          "sehingga tidak dapat disetujui. Kembalikan kepada operator.",
                          "This follow-up is flagged: its text or photos match evidence on another "
                          "complaint, so it cannot be approved. Return it to the operator."),
    "unknown_operator": ("'{value}' bukan operator {opd} yang terdaftar.",
                         "'{value}' is not a registered operator of {opd}."),
    "bad_cursor": ("Kursor halaman tidak sah.", "The page cursor is not valid."),
    "rate_limited": ("Terlalu banyak aduan dalam 24 jam. Coba lagi dalam {retry_after} detik.",
                     "Too many complaints in 24 hours. Try again in {retry_after} seconds."),
    "internal": ("Terjadi kesalahan pada server. Coba lagi.", "Something went wrong on our side. Try again."),
    "rules_unavailable": ("Aturan tidak tersedia.", "The rules bundle is not available."),
    "filing_contended": ("Terlalu banyak aduan Anda dikirim bersamaan. Coba lagi sebentar lagi.",
                         "Too many of your complaints were sent at the same time. Try again shortly."),
    "too_many_requests": ("Terlalu banyak permintaan. Coba lagi dalam {retry_after} detik.",
                          "Too many requests. Try again in {retry_after} seconds."),
    "claim_unavailable": ("Aduan belum dapat diklaim di sini. Hubungi loket tempat aduan dicatat.",
                          "Complaints cannot be claimed here yet. Ask the desk that recorded it."),
    "claim_locked": ("Terlalu banyak kode yang salah untuk aduan ini. Hubungi loket tempat aduan dicatat.",
                     "Too many wrong codes for this complaint. Ask the desk that recorded it."),
}

# Field-level messages (details[]), keyed by our own short codes.
FIELD_MESSAGES: dict[str, tuple[str, str]] = {
    "required": ("Wajib diisi.", "This field is required."),
    "too_short": ("Terlalu pendek (minimal {limit}).", "Too short (at least {limit})."),
    "too_long": ("Terlalu panjang (maksimal {limit}).", "Too long (at most {limit})."),
    "wrong_type": ("Jenis nilai salah: harus {expected}.", "Wrong type: must be {expected}."),
    "out_of_range": ("Di luar rentang yang diizinkan.", "Out of the allowed range."),
    "not_allowed_value": ("Nilai tidak diizinkan; pilihan: {expected}.", "Value not allowed; choose: {expected}."),
    "unknown_field": ("Kolom tidak dikenal.", "Unknown field."),
    "invalid": ("Nilai tidak valid.", "Invalid value."),
    "intake_only": ("Hanya petugas loket yang mencatat kontak orang lain.",
                    "Only intake staff record another person's contact."),
    "anonymous_with_name": ("Aduan anonim tidak mencatat nama.", "An anonymous complaint records no name."),
    "wrong_code": ("Kode salah. Sisa percobaan: {attempts_left}.", "Wrong code. Attempts left: {attempts_left}."),
    "unknown_category": MESSAGES["unknown_category"],
    "unknown_opd": MESSAGES["unknown_opd"],
    "unknown_jurisdiction": MESSAGES["unknown_jurisdiction"],
    "same_opd": MESSAGES["same_opd"],
    "same_government": MESSAGES["same_government"],
    "unknown_government": MESSAGES["unknown_government"],
    "no_rules_in_force": ("Tidak ada aturan yang berlaku pada {value}.", "No rules are in force on {value}."),
    "not_onboarded": MESSAGES["not_onboarded"],
    "transfer_other_government": MESSAGES["transfer_other_government"],
    "unknown_unit": MESSAGES["unknown_unit"],
    "unknown_region": MESSAGES["unknown_region"],
    "unknown_operator": MESSAGES["unknown_operator"],
    "stars_range": ("Bintang harus 1 sampai 5.", "Stars must be 1 to 5."),
    "months_range": ("Jumlah bulan harus bilangan bulat 1 sampai {max} (angka 0-9).",
                     "The number of months must be a whole number from 1 to {max} (digits 0-9)."),
    "opd_other_government": ("OPD '{value}' bukan milik pemerintah '{government}'. Lihat GET /v1/opds.",
                             "The OPD '{value}' does not belong to the government '{government}'. See GET /v1/opds."),
}


def pick_language(accept_language: str | None) -> str:
    """'en' when the caller prefers English over Indonesian, else 'id' (the default)."""
    best, best_q = "id", -1.0
    for part in (accept_language or "").split(","):
        tag, _, params = part.strip().partition(";")
        lang = tag.strip().lower().split("-")[0]
        if lang not in ("id", "en", "in"):
            continue
        q = 1.0
        for p in params.split(";"):
            k, _, v = p.strip().partition("=")
            if k == "q":
                try:
                    q = float(v)
                except ValueError:
                    q = 0.0
        if q > best_q:
            best, best_q = ("en" if lang == "en" else "id"), q
    return best


# How a person reads a status (a code never appears inside an Indonesian sentence).



def render(catalog: dict, code: str, lang: str, **params) -> str:
    pair = catalog.get(code) or MESSAGES["internal"]
    text = pair[1] if lang == "en" else pair[0]
    if params.get("status") in STATUS_WORDS:
        params = {**params, "status": STATUS_WORDS[params["status"]][1 if lang == "en" else 0]}
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return text


# Errors for requests no route takes (CONTRACT.md, Additions: "Errors for routes that do not exist"),
# and what API Gateway answers itself (lampungin/deploy/gateway.py maps its gateway responses to these).
MESSAGES.update({
    "route_not_found": ("Alamat ini tidak ada di API Lampung In.", "There is no such address in the Lampung In API."),
    "method_not_allowed": ("Metode HTTP ini tidak didukung di alamat ini (yang didukung: {allowed}).",
                           "This HTTP method is not supported at this address (supported: {allowed})."),
    "bad_request": ("Permintaan tidak sah.", "The request is not valid."),
    "invalid_header": ("Header {header} tidak sah atau terlalu panjang.", "The {header} header is not valid or too long."),
    "service_unavailable": ("Layanan sedang tidak tersedia. Coba lagi sebentar lagi.",
                            "The service is unavailable right now. Try again shortly."),
})


# A timeline event's `label`: its human name, by event type (api/views.event_label picks one).
EVENT_LABELS: dict[str, tuple[str, str]] = {
    "submitted": ("Aduan diajukan", "Complaint submitted"),
    "claimed": ("Diklaim oleh operator", "Claimed by an operator"),
    "assigned_to": ("Ditugaskan kepada operator", "Assigned to an operator"),
    "followed_up": ("Ditindaklanjuti", "Followed up"),
    "approved": ("Tindak lanjut disetujui", "Follow-up approved"),
    "returned": ("Dikembalikan kepada operator", "Returned to the operator"),
    "transferred": ("Dipindahkan ke OPD lain", "Transferred to another OPD"),
    "transferred.decides_approval": ("Dipindahkan ke OPD lain oleh supervisor sebagai keputusan atas tindak lanjut",
                                     "Transferred to another OPD by the supervisor, deciding the follow-up's approval"),
    "forwarded": ("Diteruskan ke kabupaten/kota", "Forwarded to a regency or city"),
    "handed_over": ("Diserahkan kepada pemerintah yang berwenang dan ditugaskan ke OPD-nya",
                    "Handed over to the government responsible and assigned to its OPD"),
    "handed_over.decides_approval": ("Diserahkan kepada pemerintah yang berwenang oleh supervisor sebagai "
                                     "keputusan atas tindak lanjut",
                                     "Handed over to the government responsible by the supervisor, deciding "
                                     "the follow-up's approval"),
    "disposed": ("Didisposisikan ke unit OPD", "Disposed to a unit of the OPD"),
    "rejected": ("Aduan ditolak", "Complaint rejected"),
    "info_requested": ("Pelapor dimintai informasi", "Information requested from the reporter"),
    "citizen_replied": ("Pelapor menjawab", "The reporter replied"),
    "rated": ("Dinilai oleh pelapor", "Rated by the reporter"),
    "reopened": ("Dibuka kembali oleh pelapor", "Reopened by the reporter"),
    "staff_note": ("Catatan petugas", "Staff note"),
    "": ("Perubahan aduan", "Complaint update"),          # an event type without a label of its own
}
MESSAGES.update({
    "already_claimed": ("Aduan ini sudah diklaim operator lain. Supervisor OPD dapat menugaskannya ulang.",
                        "This complaint is already claimed by another operator. The OPD's supervisor can reassign it."),
})

# A person's own preferences (PUT /v1/me/preferences): services/people.py names the field.
FIELD_MESSAGES.update({
    "invalid_email": ("Alamat e-mail tidak valid, mis. nama@contoh.go.id.",
                      "The e-mail address is not valid, e.g. name@example.go.id."),
    "invalid_phone": ("Nomor HP harus nomor seluler Indonesia, mis. 0812-3456-7890 atau +62 812-3456-7890.",
                      "The phone number must be an Indonesian mobile number, e.g. 0812-3456-7890 or +62 812-3456-7890."),
    "invalid_push_token": ("Token push harus 1–{limit} karakter ASCII yang terlihat.",
                           "The push token must be 1–{limit} visible ASCII characters."),
    "duplicate": ("Nilai '{value}' disebut lebih dari sekali.", "The value '{value}' is given more than once."),
    "address_required": ("Wajib diisi bila saluran {channel} dipilih.", "Required when the {channel} channel is chosen."),
})

# The API's own reference page (GET /docs, chalicelib/api/docs_page.py) when its viewer was not fetched.
MESSAGES.update({
    "docs_viewer_missing": ("Halaman referensi belum tersedia di sini (penampilnya belum diunduh: `make docs-viewer`). "
                            "Deskripsi API ada di /openapi.json.",
                            "The reference page is not available here (its viewer was not fetched: `make docs-viewer`). "
                            "The API description is at /openapi.json."),
})

# Public tracking, the public list and support (chalicelib/api/public.py).
MESSAGES.update({
    "own_complaint": ("Anda tidak dapat mendukung aduan Anda sendiri.", "You cannot support your own complaint."),
    "support_contended": ("Banyak dukungan masuk bersamaan. Coba lagi sebentar lagi.",
                          "Many supports arrived at the same time. Try again shortly."),
})
FIELD_MESSAGES.update({
    "invalid_near": ("Tulis sebagai lintang,bujur dalam derajat desimal, mis. -5.43,105.26.",
                     "Write it as latitude,longitude in decimal degrees, e.g. -5.43,105.26."),
    "radius_range": ("Radius harus bilangan bulat {min}–{max} meter.", "The radius must be a whole number of metres, {min} to {max}."),
    "requires_near": ("Hanya dapat dipakai bersama near=lintang,bujur.", "Only allowed together with near=latitude,longitude."),
    "radius_too_large": ("Radius terlalu besar untuk lokasi ini.", "The radius is too large for this location."),
})

# Open311 GeoReport v2 (/open311/v2/…, chalicelib/api/open311*.py): errors as the spec's
# [{"code", "description"}], the description in these words.
MESSAGES.update({
    "open311_invalid_api_key": ("api_key tidak ada atau tidak sah.", "The api_key is missing or not valid."),
    "open311_form_required": ("Kirim permintaan sebagai application/x-www-form-urlencoded (UTF-8).",
                              "Send the request as application/x-www-form-urlencoded (UTF-8)."),
    "open311_form_invalid": ("Badan permintaan bukan formulir yang sah (UTF-8, paling banyak {limit} kolom).",
                             "The request body is not a valid form (UTF-8, at most {limit} fields)."),
    "open311_unknown_format": ("Format tidak dikenal: akhiri alamat dengan .json atau .xml.",
                               "Unknown format: end the address with .json or .xml."),
    "open311_service_not_found": ("service_code tidak dikenal. Lihat services.json.",
                                  "Unknown service_code. See services.json."),
    "open311_request_not_found": ("Permintaan layanan tidak ditemukan.", "Service request not found."),
    "open311_token_not_found": ("Token tidak ditemukan.", "Token not found."),
    "open311_unknown_jurisdiction": ("jurisdiction_id tidak dikenal; di sini hanya {expected}.",
                                     "Unknown jurisdiction_id; this endpoint serves only {expected}."),
})
FIELD_MESSAGES.update({
    "open311_location_required": ("Sebutkan lat dan long, atau address_string.", "Give lat and long, or address_string."),
    "open311_lat_long_pair": ("lat dan long harus diisi keduanya.", "lat and long must be given together."),
    "open311_not_a_number": ("Harus angka desimal, mis. -5.4291.", "Must be a decimal number, e.g. -5.4291."),
    "open311_invalid_url": ("Harus alamat http:// atau https://.", "Must be an http:// or https:// address."),
    "open311_window_reversed": ("end_date harus sesudah start_date.", "end_date must be after start_date."),
    "open311_window_too_long": ("Rentang start_date sampai end_date paling lama {days} hari.",
                                "start_date to end_date may span at most {days} days."),
    "open311_too_many_ids": ("Paling banyak {limit} service_request_id sekaligus.",
                             "At most {limit} service_request_id at once."),
    "open311_unknown_service": ("service_code '{value}' tidak dikenal.", "Unknown service_code '{value}'."),
})
# What Open311 clients show people (chalicelib/api/open311_views.py): (Bahasa Indonesia, English).
OPEN311_WORDS: dict[str, tuple[str, str]] = {
    "agency_notice": ("Ditangani oleh {opd}.", "Handled by {opd}."),
    "deadline_notice": ("Batas waktu {clock}: {due}.", "{clock} due by {due}."),
    "paused_notice": ("Batas waktu berhenti sementara: menunggu jawaban pelapor.",
                      "The deadline is paused: waiting for the reporter's answer."),
    "forwarded_to": ("Sudah diteruskan ke {jurisdiction}", "Forwarded to {jurisdiction}"),
    "filed_notice": ("Aduan {id} diterima dan diteruskan ke {opd}.", "Complaint {id} was received and sent to {opd}."),
    "contact": ("Pemerintah Provinsi Lampung, layanan aduan Lampung In", "Lampung Province, the Lampung In complaints service"),
    "key_service": ("Kunci API diberikan oleh admin Lampung In kepada aplikasi klien (lampungin open311 keys add).",
                    "API keys are issued to client applications by Lampung In's admins (lampungin open311 keys add)."),
    "perizinan": ("Perizinan", "Licensing"),
    "pendidikan": ("Pendidikan", "Education"),
    "kesehatan": ("Kesehatan", "Health"),
    "pajak": ("Pajak", "Tax"),
    "lainnya": ("Lainnya", "Other"),
}

# Attachments (POST/GET /v1/complaints/{id}/attachments, follow-ups' photos): services/attachments.py.
MESSAGES.update({
    "attachment_limit_reached": ("Aduan ini sudah memiliki {limit} lampiran, jumlah terbanyak yang diizinkan.",
                                 "This complaint already has {limit} attachments, the most it may have."),
    "attachments_disabled": ("Lampiran tidak diaktifkan pada layanan ini.", "Attachments are not enabled on this service."),
})
FIELD_MESSAGES.update({
    "invalid_filename": ("Nama berkas harus 1–{limit} karakter yang terlihat, tanpa / \\ atau \", dan tidak diawali titik.",
                         "The file name must be 1–{limit} visible characters, without / \\ or \", not starting with a dot."),
    "extension_mismatch": ("Ekstensi nama berkas tidak sesuai jenisnya; gunakan {expected}.",
                           "The file name's extension does not match its type; use {expected}."),
    "file_too_large": ("Berkas terlalu besar (maksimal {limit} byte, 10 MB).", "The file is too large (at most {limit} bytes, 10 MB)."),
    "attachment_not_usable": ("Lampiran ini tidak dapat dipakai: harus unggahan Anda sendiri pada aduan ini yang sudah selesai diproses.",
                              "This attachment cannot be used: it must be your own upload to this complaint, already processed."),
})
