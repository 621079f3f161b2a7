"""The words a rule's `when` may use: the facts the engine is given, and the comparisons.

One list shared by the compiler, `rules check` and the engine adapter, so that a fact name a
policy officer misspells is an error at check time, and the engine only ever sees these fields
(never durable_rules' reserved `sid`/`id`, which STACK-NOTES.md warns about).
"""
from __future__ import annotations

# field -> (type, Indonesian, English)
COMMON_FIELDS = {
    "at": ("number", "saat kejadian (detik epoch; diisi otomatis dari waktu fakta)",
           "when it happened (epoch seconds; filled in from the fact's time)"),
}

CLOCK_FIELDS = {
    **COMMON_FIELDS,
    "event": ("text", "jenis kejadian di linimasa aduan (submitted, followed_up, ...)",
              "timeline event type (submitted, followed_up, ...)"),
    "from_status": ("text", "status aduan sebelum kejadian", "complaint status before the event"),
    "to_status": ("text", "status aduan sesudah kejadian", "complaint status after the event"),
    "sector": ("text", "sektor aduan", "the complaint's sector"),
    "category": ("text", "kategori aduan", "the complaint's category"),
    "opd": ("text", "kode OPD yang menangani", "code of the OPD handling it"),
}

SANCTION_FIELDS = {
    **COMMON_FIELDS,
    "event": ("text", "missed (tenggat terlewat) atau progress (waktu berjalan)",
              "missed (deadline passed) or progress (time running)"),
    "clock": ("text", "followup atau approval", "followup or approval"),
    "subject_type": ("text", "operator atau opd: siapa pemegang clock", "operator or opd: who holds the clock"),
    "answering": ("text", "siapa yang menjawab clock: person (operator yang mengklaim atau ditugaskan), "
                  "desk (meja operator OPD: belum ada yang mengklaim; bukan perorangan) atau opd "
                  "(OPD, untuk clock persetujuan)",
                  "who answers for the clock: person (the operator who claimed or was assigned it), "
                  "desk (the OPD's operator desk: nobody claimed it; not a person) or opd (the OPD, "
                  "for the approval clock)"),
    "misses": ("number", "jumlah tenggat terlewat oleh subjek yang sama dalam jangka waktu "
               "sanctions.window_days, termasuk yang ini",
               "deadlines missed by the same subject within sanctions.window_days, this one included"),
    "opd_misses": ("number", "1 + jumlah pelanggaran tercatat atas nama OPD itu dalam jangka waktu itu",
                   "1 + the misses recorded against that OPD (as subject) within that window"),
    "hours_late": ("number", "jam keterlambatan", "hours late"),
    "used_percent": ("number", "persen waktu clock yang sudah terpakai", "share of the clock's time used, in percent"),
    "sector": ("text", "sektor aduan", "the complaint's sector"),
    "category": ("text", "kategori aduan", "the complaint's category"),
    "opd": ("text", "kode OPD", "OPD code"),
}

TIMELINE_EVENTS = ("submitted", "claimed", "followed_up", "approved", "returned", "transferred",
                   "forwarded", "handed_over", "rejected", "info_requested", "citizen_replied", "rated", "reopened",
                   "assigned_to", "disposed", "staff_note")
STATUSES = ("assigned", "waiting_citizen", "followed_up", "resolved", "closed", "forwarded", "rejected")
SANCTION_EVENTS = ("missed", "progress")
CLOCK_ACTIONS = ("stop", "pause", "resume", "start")     # the order they are applied in

# `when` comparisons -> durable_rules JSON operators (`in`, `not_in`, `equals` are expanded)
OPERATORS = {"at_least": "$gte", "at_most": "$lte", "above": "$gt", "below": "$lt",
             "not_equals": "$neq", "equals": "$eq", "in": "$or", "not_in": "$and"}

# priority: the matching rule with the highest level wins; collect: every matching rule counts;
# first: the first matching rule in file order wins.
TABLE_HIT_POLICIES = ("priority", "collect", "first")

CATCH_ALL = "$catch_all"


def plain_number(value):
    """A number durable_rules can read. Its C JSON parser rejects exponent notation (Python
    writes 1e-05 and 1e+20 that way) with error 204, so floats are rounded to 4 decimals and
    whole floats become ints: both then serialise without an exponent."""
    if isinstance(value, float):
        value = round(value, 4)
        if value.is_integer():
            return int(value)
    return value
