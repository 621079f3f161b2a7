"""The notifications Lampung In sends, and the placeholders each template may use.

Policy staff word the templates (rules/notifications/, in Indonesian and English); this table is
what the code promises to fill in. `rules check` refuses a template placeholder not listed here
for its type, and a type without a template in both languages.

    type                    who gets it
    citizen.<event>         the reporter: a change to their complaint (CITIZEN_EVENTS)
    citizen.claim_code      a person filed for at a desk: the code to claim it into an account
    staff.new_complaint     the OPD's operators: a complaint entered the queue unclaimed
    staff.assigned          the operator a supervisor assigned it to
    staff.citizen_replied   the assignee (else the OPD's operators): the citizen answered
    staff.returned          the assignee: the supervisor returned the follow-up
    staff.reopened          the assignee (else the OPD's operators): the citizen reopened it
    staff.followed_up       the OPD's supervisors: a follow-up waits for their approval
    staff.warning           who answers for a clock (operator or desk) and the supervisors
    staff.sanction          the sanctioned operator (or the OPD's head), and the supervisors
    staff.report            the Inspectorate's inspectors and the OPD's head
"""
from __future__ import annotations

# Every template may use these.
COMMON = frozenset({"complaint_id", "title", "category", "opd", "status", "at"})

# Timeline events the reporter hears of (their own actions, a reply or a rating, they know of).
CITIZEN_EVENTS = ("submitted", "claimed", "assigned_to", "followed_up", "approved", "returned",
                  "transferred", "forwarded", "handed_over", "rejected", "info_requested")

_SANCTION = frozenset({"clock", "due_at", "hours_late", "late", "explanation", "subject"})

TYPES: dict[str, frozenset[str]] = {
    **{f"citizen.{e}": COMMON for e in CITIZEN_EVENTS},
    "citizen.followed_up": COMMON | {"note"},
    "citizen.claim_code": COMMON | {"code"},     # issue 18: the person filed for at a desk
    "citizen.transferred": COMMON | {"note", "to_opd"},
    "citizen.forwarded": COMMON | {"note", "jurisdiction", "jurisdiction_contact"},
    "citizen.handed_over": COMMON | {"note", "jurisdiction", "to_opd"},
    "citizen.rejected": COMMON | {"note"},
    "citizen.info_requested": COMMON | {"note"},
    "staff.new_complaint": COMMON,
    "staff.assigned": COMMON,
    "staff.citizen_replied": COMMON | {"note"},
    "staff.returned": COMMON | {"note"},
    "staff.reopened": COMMON | {"note"},
    "staff.followed_up": COMMON | {"note"},
    "staff.warning": COMMON | _SANCTION,
    "staff.sanction": COMMON | _SANCTION,
    "staff.report": COMMON | _SANCTION,
}

PLACEHOLDER_MEANING = {
    "complaint_id": "the complaint's number (ADU-…)",
    "title": "the complaint's title (staff, and the reporter)",
    "category": "the category's name",
    "opd": "the OPD's name",
    "status": "the complaint's status, in words",
    "at": "when it happened, in WIB",
    "note": "the words of the event that this recipient may read (a question, an answer, a reason)",
    "to_opd": "the OPD it was transferred to",
    "jurisdiction": "the kabupaten/kota it was forwarded to",
    "jurisdiction_contact": "that government's contact details (rules/routing/jurisdictions.yaml)",
    "clock": "which deadline: tindak lanjut / persetujuan (follow-up / approval)",
    "due_at": "the deadline, in WIB",
    "hours_late": "hours past the deadline (a number: 1,5 / 1.5)",
    "late": "how late, in words: 'tercatat tepat pada batas waktu', '25 menit terlambat', '1,5 jam terlambat'",
    "explanation": "the rule's explanation of the sanction, warning or report",
    "subject": "who answers for it: the operator, the operator desk or the OPD",
}
