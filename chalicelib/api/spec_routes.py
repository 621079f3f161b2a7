"""The descriptions of the routes that have none beside them (chalicelib/api/spec.py explains the
registry). Imported by openapi.py when the spec is first built, never on a cold start.

A new route: add a `describe(...)` here, or beside the route itself. The complaint actions are
described from the lifecycle table (domain/lifecycle.TRANSITIONS), so who may take each and from
which statuses cannot drift from what the code does.
"""
from __future__ import annotations

from ..domain.lifecycle import TRANSITIONS, Action, Party
from ..domain.model import CHANNELS, Status
from ..services.sanctions import KINDS, SUBJECT_TYPES
from ..services.stats import DEFAULT_MONTHS, MAX_MONTHS
from . import schemas as s
from .complaints import ACTION_BODIES
from .spec import IDEMPOTENCY_KEY, IF_MATCH, PAGING, SINCE, Param, choice_query, describe, text_query
from .views import ACTION_PATHS

CID = "/v1/complaints/{complaint_id}"
COMPLAINT = {
    "id": "ADU-261127-D9BEVXG", "status": "assigned", "category": "pajak-kendaraan", "sector": "pajak",
    "opd": "BAPENDA", "title": "Denda pajak motor salah",
    "description": "Denda PKB motor saya dihitung dua kali di Samsat.",
    "location": {"lat": -5.43, "lon": 105.26, "address": "Samsat Bandar Lampung"},
    "visibility": "private", "anonymous": False, "assignee": None,
    "created_at": "2026-11-27T02:00:00Z", "updated_at": "2026-11-27T02:00:00Z",
    "deadlines": {"followup_due": "2026-11-28T02:00:00Z", "approval_due": None}, "overdue": False,
    "reporter": {"id": "warga-1", "name": "Siti"}, "version": 1, "jurisdiction": None, "rating": None,
    "routing": {"rule_id": "routing/pajak-kendaraan", "rules_version": "9b64ffe10536"}, "actions": [],
}
EVENT = {"at": "2026-11-27T02:00:00Z", "type": "submitted", "label": "Aduan diajukan", "actor_role": "citizen",
         "note": None}
SANCTION = {
    "id": "SAN-5f0c", "kind": "sanction", "complaint_id": "ADU-261127-D9BEVXG", "subject_type": "operator",
    "subject_id": "operator.bapenda", "opd": "BAPENDA", "rule_id": "operator-terlambat", "level": "teguran_lisan",
    "clock": "followup", "due_at": "2026-11-28T02:00:00Z", "issued_at": "2026-11-28T02:05:00Z",
    "hours_late": 0.1, "rules_version": "9b64ffe10536", "reference": "Pasal 12",
    "explanation": {"id": "Tindak lanjut terlambat 0,1 jam.", "en": "The follow-up was 0.1 hours late."},
    "facts": {"hours_late": 0.1},
}
STAFF = ("operator", "supervisor", "inspector", "admin")
PARTY_WORDS = {Party.OWNER: "the citizen who filed it", Party.OPERATOR: "an operator of its OPD",
               Party.SUPERVISOR: "the supervisor of its OPD", Party.INSPECTOR: "an inspector"}
PARTY_ROLES = {Party.OWNER: "citizen", Party.OPERATOR: "operator", Party.SUPERVISOR: "supervisor",
               Party.INSPECTOR: "inspector"}
ACTIONS = {  # action: (summary, ringkasan)
    Action.CLAIM: ("Claim a complaint", "Klaim aduan"),
    Action.FOLLOW_UP: ("Follow a complaint up", "Tindak lanjuti aduan"),
    Action.APPROVE: ("Approve the follow-up", "Setujui tindak lanjut"),
    Action.RETURN: ("Return the follow-up to the operator", "Kembalikan ke operator"),
    Action.TRANSFER: ("Transfer to another OPD", "Pindahkan ke OPD lain"),
    Action.FORWARD: ("Forward to another government", "Teruskan ke pemerintah lain"),
    Action.REJECT: ("Reject the complaint", "Tolak aduan"),
    Action.REQUEST_INFO: ("Ask the citizen for information", "Minta informasi dari pelapor"),
    Action.REPLY: ("Answer the operator's question", "Jawab pertanyaan operator"),
    Action.RATE: ("Rate the resolution", "Beri penilaian"),
    Action.REOPEN: ("Reopen a resolved complaint", "Buka kembali aduan"),
    Action.ASSIGN: ("Assign to an operator", "Tugaskan ke operator"),
    Action.NOTE: ("Write a staff note", "Tulis catatan petugas"),
    Action.DISPOSE: ("Dispose to a unit of the OPD (disposisi)", "Disposisikan ke unit OPD"),
}
MORE = {  # what an action's description says beyond its row of the transition table
    Action.FORWARD: " To a kabupaten/kota that is not on the platform the status becomes `forwarded` (event "
                    "`forwarded`); to an onboarded government (GET /v1/governments; `LAMPUNG`, the province, "
                    "from a kabupaten/kota) it is a hand-over: routed by that government's own table (and the "
                    "complaint's region), the status becomes `assigned` to its OPD with that government's "
                    "clocks (event `handed_over`). 422 `same_government`, `unknown_jurisdiction`.",
    Action.TRANSFER: " Within the complaint's government only (422 `transfer_other_government`: forward instead).",
    Action.DISPOSE: " The unit's operators work it; the OPD's clocks keep running and the OPD stays answerable. "
                    "422 `unknown_unit` for a unit the OPD does not have (GET /v1/opds lists them).",
}


def _reference() -> None:
    public = {"roles": None, "tag": "Reference"}
    describe("GET", "/v1/health", **public, summary="Health and rules version", ringkasan="Status layanan",
             response=s.Health, example={"status": "ok", "rules_version": "9b64ffe10536"})
    describe("GET", "/v1/categories", **public, summary="Complaint categories", ringkasan="Kategori aduan",
             description="What a citizen picks when filing; each routes to one OPD.", response=[s.CategoryOut],
             example=[{"code": "pajak-kendaraan", "name": "Pajak kendaraan bermotor", "sector": "pajak",
                       "opd": "BAPENDA"}])
    government = text_query("government", "only this government's (a code of GET /v1/governments)", 64)
    describe("GET", "/v1/opds", **public, summary="OPDs (government agencies)", ringkasan="Daftar OPD",
             description="Every onboarded government's OPDs, each with its `government`, sectors and units "
                         "(disposisi targets). An unknown `government` is 422 `unknown_government`.",
             params=(government,), errors=(422,), response=[s.OpdOut],
             example=[{"code": "BAPENDA", "name": "Badan Pendapatan Daerah", "government": "LAMPUNG",
                       "sectors": ["pajak"], "units": []}])
    describe("GET", "/v1/governments", **public, summary="Governments on the platform", ringkasan="Daftar pemerintah",
             description="The province (`LAMPUNG`) and its 13 kabupaten and 2 kota; `onboarded` ones handle "
                         "complaints forwarded to them with their own OPDs, routing and clocks.",
             response=[s.GovernmentOut],
             example=[{"code": "BANDARLAMPUNG", "name": "Kota Bandar Lampung", "kind": "kota", "onboarded": True,
                       "region": "18.71", "contact": {"id": "Inspektorat Kota Bandar Lampung", "en": "…"}}])
    describe("GET", "/v1/regions", **public, summary="Kemendagri regions", ringkasan="Wilayah administrasi",
             description="The regions directly under `parent` (default `18`, the province: its kabupaten/kota; "
                         "then kecamatan, then desa/kelurahan): the codes a complaint's `location.region` takes.",
             params=(text_query("parent", "a Kemendagri code, e.g. 18.71", 16),), errors=(422,),
             response=[s.RegionOut],
             example=[{"code": "18.71.01", "name": "Kedaton", "level": "kecamatan", "parent": "18.71"}])
    describe("GET", "/v1/jurisdictions", **public, summary="Kabupaten/kota (forward targets)",
             ringkasan="Kabupaten/kota tujuan penerusan", response=[s.JurisdictionOut])
    describe("GET", "/v1/rules", **public, summary="Service levels in force", ringkasan="Standar waktu layanan",
             description="The active rules version, the deadline of each clock and the sanction rules: the "
                         "province's, or with `government` that onboarded government's own (422 `not_onboarded` "
                         "for one that is not); with `at` (a date, or a time; WIB without an offset) the levels "
                         "in force then, announced future values included (422 `no_rules_in_force` before the "
                         "first).", params=(government, text_query("at", "a date or time, e.g. 2027-01-01", 40)),
             errors=(422,),
             response=s.ServiceLevels)
    describe("GET", "/v1/stats/opds", **public, summary="OPD league table", ringkasan="Peringkat OPD",
             description="On-time rates, median times and sanctions of the last 90 days, every government's OPDs "
                         "or one government's (`government`), on every complaint or on one channel's "
                         "(`channel`: the ranking, rates and sanctions of those complaints only); each row and "
                         "the table count complaints per channel (where they come from); computed at most once a "
                         "minute (`Cache-Control: max-age=60`).",
             params=(government, choice_query("channel", CHANNELS, "only complaints that came in by this channel")),
             errors=(422,),
             response=s.LeagueTable, response_headers=("Cache-Control",))
    describe("GET", "/v1/stats/opds/monthly", **public, summary="OPD figures per month",
             ringkasan="Kinerja OPD per bulan",
             description="The league table's figures per WIB month, for charts: complaints, on-time follow-up and "
                         "approval rates, median hours and sanctions of each of the last `months` months (this one "
                         "so far), added up over one government's OPDs (`government`), one OPD (`opd`) or every "
                         "OPD. A month counts the clocks that started in it and the sanctions issued in it. Read "
                         "from the day counters the stream keeps (one small item per OPD per day), computed at "
                         "most once a minute (`Cache-Control: max-age=60`). 422 `months_range`, "
                         "`unknown_government`, `not_onboarded`, `unknown_opd`, `opd_other_government`.",
             params=(government, text_query("opd", "only this OPD's figures (a code of GET /v1/opds)", 64),
                     Param("months", {"type": "integer", "minimum": 1, "maximum": MAX_MONTHS,
                                      "default": DEFAULT_MONTHS},
                           f"how many months, 1–{MAX_MONTHS} (ASCII digits), the current one included",
                           example=DEFAULT_MONTHS)),
             errors=(422,), response=s.MonthlyStats, response_headers=("Cache-Control",),
             example={"government": "LAMPUNG", "opd": None, "name": "Provinsi Lampung", "window_months": 2,
                      "since": "2026-10-01T00:00:00+07:00", "until": "2026-11-30", "timezone": "Asia/Jakarta",
                      "opd_count": 16, "months": [
                          {"month": "2026-10", "complaints": 0, "sanctions": 0,
                           "followup": {"decided": 0, "on_time": 0, "late": 0, "on_time_rate": None,
                                        "median_hours": None},
                           "approval": {"decided": 0, "on_time": 0, "late": 0, "on_time_rate": None,
                                        "median_hours": None}},
                          {"month": "2026-11", "complaints": 12, "sanctions": 1,
                           "followup": {"decided": 11, "on_time": 10, "late": 1, "on_time_rate": 0.909,
                                        "median_hours": 3.5},
                           "approval": {"decided": 9, "on_time": 9, "late": 0, "on_time_rate": 1.0,
                                        "median_hours": 20.0}}]})


def _complaints() -> None:
    tag = "Complaints"
    describe("POST", "/v1/complaints", tag=tag, roles=("citizen", "intake"), summary="File a complaint",
             ringkasan="Ajukan aduan", body=s.NewComplaint, response=s.ComplaintOut, status=201,
             description="Routed at once to the category's OPD (`status` `assigned`, the follow-up clock "
                         "running). A citizen files a limited number a day (429 `rate_limited`), with `channel` "
                         "`app` (default) or `web`. Intake staff (a desk of one government) file for a person "
                         "with `channel` `desk`, `phone`, `social` or `email` and the person's `contact` "
                         "(`name`, `phone`, `email`; none: anonymous), routed by their own government's table; "
                         "the person is told of every change by SMS or e-mail.",
             params=(IDEMPOTENCY_KEY,), response_headers=("Location", "Idempotent-Replayed"), example=COMPLAINT)
    describe("POST", "/v1/complaints/{complaint_id}/claim-ownership", tag=tag, roles=("citizen",),
             summary="Claim a complaint filed for you at a desk", ringkasan="Klaim aduan yang dicatat loket",
             body=s.ClaimOwnership, response=s.ComplaintOut, errors=(404, 409, 422),
             description="The person intake staff filed for takes it into their own account with the one-time "
                         "code sent to their contact (SMS or e-mail) with the filing. A wrong code is 422 "
                         "`wrong_code` (`attempts_left`); after 5 wrong codes 409 `claim_locked`; a complaint "
                         "that cannot be claimed (or was claimed already) is 404.",
             response_headers=("ETag",), example=COMPLAINT)
    describe("GET", "/v1/complaints", tag=tag, summary="List complaints", ringkasan="Daftar aduan",
             description="A citizen sees their own, operators and supervisors their OPD's (an operator of one "
                         "unit: the complaints disposed to it), inspectors and admins all (an inspector of a "
                         "kabupaten/kota: that government's); newest first (with `overdue=true`: most overdue "
                         "first).",
             response=s.ComplaintPage, errors=(400, 403),
             params=(choice_query("status", Status, "only complaints in this status"),
                     text_query("opd", "only this OPD's (inspector, admin)", 64),
                     Param("overdue", {"type": "boolean"}, "true: the queue of complaints whose clock ran out"),
                     *PAGING), example={"items": [COMPLAINT], "next": None})
    seen = "The owner, the OPD's staff, inspectors and admins; anyone else gets 404, never its content."
    describe("GET", CID, tag=tag, summary="One complaint", ringkasan="Detail aduan", description=seen,
             response=s.ComplaintOut, response_headers=("ETag",), example=COMPLAINT)
    describe("GET", f"{CID}/timeline", tag=tag, summary="A complaint's timeline", ringkasan="Riwayat aduan",
             description=f"{seen} Oldest first; only the events (and fields) the caller may see, each with "
                         "a `label` in the caller's language.", response=[s.TimelineEvent], example=[EVENT])


def _actions() -> None:
    for action, transition in TRANSITIONS.items():
        if action not in ACTION_PATHS:          # taken through another action's route (lifecycle.TAKEN_VIA)
            continue
        summary, ringkasan = ACTIONS[action]
        parties = sorted(transition.parties)
        sources = ", ".join(f"`{x.value}`" for x in sorted(transition.sources))
        then = f"the status becomes `{transition.target.value}`" if transition.target else "the status stays"
        note = action == Action.NOTE
        describe("POST", f"{CID}/{ACTION_PATHS[action]}", tag="Complaint actions", summary=summary,
                 ringkasan=ringkasan, roles=tuple(sorted({PARTY_ROLES[p] for p in parties})),
                 body=s.Note if note else ACTION_BODIES[action],
                 response=s.TimelineEvent if note else s.ComplaintOut, status=201 if note else 200,
                 description=f"By {' or '.join(PARTY_WORDS[p] for p in parties)}. From {sources}; {then}. "
                             "A wrong state is 409 `wrong_state` and changes nothing; who may see the complaint "
                             "but not take this action gets 403, who may not see it 404." + MORE.get(action, ""),
                 params=(IF_MATCH,), errors=(409,), response_headers=("ETag", "Location") if note else ("ETag",),
                 example={**EVENT, "type": "staff_note", "label": "Catatan petugas",
                          "actor_role": "operator"} if note else COMPLAINT)


def _oversight() -> None:
    describe("GET", "/v1/sanctions", tag="Sanctions", roles=STAFF, summary="Sanctions, warnings and reports",
             ringkasan="Sanksi, teguran dan laporan", errors=(400,),
             description="Supervisors see their OPD's, operators their own, inspectors and admins all; newest "
                         "first. Another OPD's is 403 `forbidden_scope`.",
             params=(text_query("complaint", "only this complaint's", 64), text_query("opd", "only this OPD's", 64),
                     choice_query("subject_type", SUBJECT_TYPES, "operator or OPD sanctions"),
                     choice_query("kind", KINDS, "default `sanction`"), SINCE, *PAGING),
             response=s.SanctionPage, example={"items": [SANCTION], "next": None})
    describe("GET", "/v1/sanctions/shadow", tag="Oversight", roles=("inspector", "admin"),
             summary="What the shadow rules would have decided", ringkasan="Keputusan aturan bayangan",
             errors=(400,),
             description="A stage may run proposed rules in shadow mode beside the rules in force: their "
                         "sanctions, warnings and reports are recorded here and never acted on (nobody is told, "
                         "nothing counts). `in_active` says whether the rules in force took the same decision. "
                         "Filters as for GET /v1/sanctions; a kabupaten/kota's inspectors see their government's.",
             params=(text_query("complaint", "only this complaint's", 64), text_query("opd", "only this OPD's", 64),
                     choice_query("subject_type", SUBJECT_TYPES, "operator or OPD sanctions"),
                     choice_query("kind", KINDS, "default `sanction`"), SINCE, *PAGING),
             response=s.ShadowDecisionPage,
             example={"items": [{**SANCTION, "in_active": False}], "next": None,
                      "shadow_rules_version": "3f2a9c1d0b7e", "active_rules_version": "66c33917bdd1"})
    describe("GET", "/v1/audit", tag="Oversight", roles=("inspector", "admin"), summary="The audit trail",
             ringkasan="Jejak audit", errors=(400,),
             description="Every state change, staff read of a private complaint and sanction; append-only.",
             params=(text_query("complaint", "only this complaint's", 64), text_query("actor", "only this person's",
                                                                                    128), SINCE, *PAGING),
             response=s.AuditPage)


def _me() -> None:
    tag = "Me"
    describe("GET", "/v1/me/notifications", tag=tag, summary="My notifications", ringkasan="Pemberitahuan saya",
             description="Newest first; `title` and `body` in the caller's language.", params=PAGING,
             response=s.NotificationPage, errors=(400,))
    describe("POST", "/v1/me/notifications/{notification_id}/read", tag=tag, summary="Mark a notification read",
             ringkasan="Tandai sudah dibaca", response=s.NotificationOut,
             description="Only one's own: any other id is 404.")
    prefs = "Where notifications go besides the in-app list; nobody else can read them."
    describe("GET", "/v1/me/preferences", tag=tag, summary="My notification preferences",
             ringkasan="Preferensi pemberitahuan", description=prefs, response=s.PreferencesOut)
    describe("PUT", "/v1/me/preferences", tag=tag, summary="Replace my notification preferences",
             ringkasan="Ubah preferensi pemberitahuan", body=s.PreferencesIn, response=s.PreferencesOut,
             description=f"{prefs} Replaced whole; every bad field is named in one 422.")
    describe("DELETE", "/v1/me/preferences", tag=tag, summary="Clear my preferences", ringkasan="Hapus preferensi",
             description="Answers the defaults now in force; repeating it changes nothing.",
             response=s.PreferencesOut)
    describe("DELETE", "/v1/me", tag=tag, summary="Forget me", ringkasan="Hapus data saya",
             description="The right to be forgotten: preferences and notifications deleted, complaints kept "
                         "de-identified. Safe to repeat.", response=s.Forgotten)


def _documentation() -> None:
    tag = "Documentation"
    describe("GET", "/openapi.json", tag=tag, roles=None, summary="This description (OpenAPI 3.1)",
             ringkasan="Deskripsi API ini", response={"type": "object"},
             description="Generated from the schemas the API validates with.")
    describe("GET", "/docs", tag=tag, roles=None, summary="The reference page", ringkasan="Halaman referensi",
             content={"text/html": {"type": "string"}}, errors=(404,),
             description="This description in a readable page (Redoc, served by the API itself).")
    describe("GET", "/docs/redoc.standalone.js", tag=tag, roles=None, summary="The reference page's viewer",
             ringkasan="Penampil halaman referensi", content={"application/javascript": {"type": "string"}},
             errors=(404,), response_headers=("Cache-Control",))


for _part in (_reference, _complaints, _actions, _oversight, _me, _documentation):
    _part()
from . import spec_open311  # noqa: E402, F401  (the Open311 routes' descriptions)
