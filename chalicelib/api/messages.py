"""Error messages people read, in Indonesian (default) and English. One place, so a frontend
or a translator can see every message the API can send."""
from __future__ import annotations

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
    "bad_cursor": ("Kursor halaman tidak sah.", "The page cursor is not valid."),
    "rate_limited": ("Terlalu banyak aduan dalam 24 jam. Coba lagi dalam {retry_after} detik.",
                     "Too many complaints in 24 hours. Try again in {retry_after} seconds."),
    "internal": ("Terjadi kesalahan pada server. Coba lagi.", "Something went wrong on our side. Try again."),
    "rules_unavailable": ("Aturan tidak tersedia.", "The rules bundle is not available."),
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
STATUS_WORDS = {"assigned": ("menunggu tindak lanjut", "waiting for a follow-up"),
                "waiting_citizen": ("menunggu jawaban warga", "waiting for the citizen"),
                "followed_up": ("menunggu persetujuan", "waiting for approval"),
                "resolved": ("sudah selesai", "resolved"), "closed": ("sudah ditutup", "closed"),
                "forwarded": ("sudah diteruskan", "forwarded"), "rejected": ("sudah ditolak", "rejected")}


def render(catalog: dict, code: str, lang: str, **params) -> str:
    pair = catalog.get(code) or MESSAGES["internal"]
    text = pair[1] if lang == "en" else pair[0]
    if params.get("status") in STATUS_WORDS:
        params = {**params, "status": STATUS_WORDS[params["status"]][1 if lang == "en" else 0]}
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return text
