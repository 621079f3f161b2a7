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
    "unknown_category": MESSAGES["unknown_category"],
    "unknown_opd": MESSAGES["unknown_opd"],
    "unknown_jurisdiction": MESSAGES["unknown_jurisdiction"],
    "same_opd": MESSAGES["same_opd"],
    "unknown_operator": MESSAGES["unknown_operator"],
    "stars_range": ("Bintang harus 1 sampai 5.", "Stars must be 1 to 5."),
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
