"""Words people read for codes the system uses: statuses and clocks, in Indonesian and English.
The API's messages and the notifications both say a status this way (never the code)."""
from __future__ import annotations

STATUS_WORDS = {"assigned": ("menunggu tindak lanjut", "waiting for a follow-up"),
                "waiting_citizen": ("menunggu jawaban warga", "waiting for the citizen"),
                "followed_up": ("menunggu persetujuan", "waiting for approval"),
                "resolved": ("sudah selesai", "resolved"), "closed": ("sudah ditutup", "closed"),
                "forwarded": ("sudah diteruskan", "forwarded"), "rejected": ("sudah ditolak", "rejected")}

CLOCK_WORDS = {"followup": ("tindak lanjut", "follow-up"), "approval": ("persetujuan", "approval")}

SUBJECT_WORDS = {"operator": ("operator", "the operator"),
                 "desk": ("meja operator OPD", "the OPD's operator desk"),
                 "opd": ("OPD", "the OPD")}


def word(table: dict, code: str | None, lang: str) -> str:
    """The word for `code` in `lang` ("id" unless "en"); "-" for an unknown or missing code."""
    pair = table.get(code or "")
    if pair is None:
        return "-"
    return pair[1] if lang == "en" else pair[0]
