"""Who hears what (domain/notifications.py): GIVEN a complaint's timeline, WHEN an event or a
sweep decision happens, THEN exactly the right people get a draft, saying only what the
per-event privacy policy lets them read."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from chalicelib.domain.lifecycle import Action, decide, file_complaint
from chalicelib.domain.model import Actor, Role
from chalicelib.domain.notifications import for_event, for_sanction, notification_id
from chalicelib.domain.sanctions import Sanction
from chalicelib.services.notifications import StaffLookup, positions
from tests.fakes_notifications import FakeStaffDirectory

T0 = datetime(2026, 11, 27, 2, 0, tzinfo=timezone.utc)
CITIZEN = Actor("warga-1", Role.CITIZEN)
OP, OP2 = Actor("operator-dinkes", Role.OPERATOR, "DINKES"), Actor("operator2-dinkes", Role.OPERATOR, "DINKES")
SPV = Actor("supervisor-dinkes", Role.SUPERVISOR, "DINKES")
STAFF = StaffLookup(FakeStaffDirectory())


class Names:
    def opd(self, code):
        return {"DINKES": "Dinas Kesehatan", "DISDIK": "Dinas Pendidikan"}.get(code or "", code or "-")

    def category(self, code):
        return "Layanan Puskesmas"

    def jurisdiction(self, code):
        return "Kota Bandar Lampung", {"id": "Inspektorat Kota Bandar Lampung", "en": "the city inspectorate"}


def story(*steps, anonymous=False, visibility="private"):
    """(complaint after the last step, every event) for a list of (action, actor, payload)."""
    c, e = file_complaint(complaint_id="ADU-261127-0000001", actor=CITIZEN, at=T0, category="KES-PUSKESMAS",
                          sector="kesehatan", opd="DINKES", title="Puskesmas tutup", description="Tutup siang",
                          location=None, visibility=visibility, anonymous=anonymous, routing_rule="r",
                          rules_version="v")
    events = [e]
    for i, (action, actor, payload) in enumerate(steps, start=1):
        c, e = decide(c, action, actor, T0 + timedelta(hours=i), payload)
        events.append(e)
    return c, events


def drafts(c, events, at=-1):
    opd, assignee = positions(events)[at]
    return for_event(c, events[at], opd=opd, assignee=assignee, staff=STAFF, names=Names())


def who(ds):
    return sorted((d.recipient, d.type) for d in ds)


def test_a_new_complaint_tells_the_reporter_and_the_opds_operators():
    c, events = story()
    assert who(drafts(c, events)) == [("operator-dinkes", "staff.new_complaint"),
                                     ("operator2-dinkes", "staff.new_complaint"),
                                     ("warga-1", "citizen.submitted")]


def test_the_reporter_reads_the_question_and_the_answer_but_not_the_supervisors_words():
    c, events = story((Action.CLAIM, OP, {}), (Action.REQUEST_INFO, OP, {"question": "NIK Anda?"}),
                      (Action.REPLY, CITIZEN, {"message": "3171xxxx"}),
                      (Action.FOLLOW_UP, OP, {"message": "Sudah kami perbaiki"}),
                      (Action.APPROVE, SPV, {"note": "kerja bagus, lain kali lebih cepat"}))
    asked = {d.recipient: d for d in drafts(c, events, 2)}
    assert asked["warga-1"].type == "citizen.info_requested" and asked["warga-1"].params["note"] == "NIK Anda?"
    replied = drafts(c, events, 3)
    assert who(replied) == [("operator-dinkes", "staff.citizen_replied")]      # the assignee only
    assert replied[0].params["note"] == "3171xxxx"
    followed = {d.recipient: d for d in drafts(c, events, 4)}
    assert followed["warga-1"].params["note"] == "Sudah kami perbaiki"
    assert followed["supervisor-dinkes"].type == "staff.followed_up"
    assert "kepala-dinkes" not in followed and "operator-dinkes" not in followed   # head; the actor
    approved = drafts(c, events, 5)
    assert who(approved) == [("warga-1", "citizen.approved")]
    assert approved[0].params["note"] == "-"                # the supervisor's note is staff-only


def test_staff_notes_and_the_reporters_own_actions_tell_the_reporter_nothing():
    c, events = story((Action.NOTE, OP, {"note": "pelapor sering mengadu"}),
                      (Action.REQUEST_INFO, OP, {"question": "alamat?"}),
                      (Action.REPLY, CITIZEN, {"message": "Jl. Kartini"}))
    assert drafts(c, events, 1) == []
    assert [d.recipient for d in drafts(c, events, 3)] == ["operator-dinkes", "operator2-dinkes"]  # unclaimed


def test_an_anonymous_reporter_is_told_but_staff_drafts_never_name_them():
    c, events = story((Action.CLAIM, OP, {}), (Action.FOLLOW_UP, OP, {"message": "ok"}), anonymous=True)
    every = [d for i in range(len(events)) for d in drafts(c, events, i)]
    assert any(d.recipient == "warga-1" for d in every)
    for d in every:
        if d.recipient != "warga-1":
            assert "warga-1" not in repr(d.params)


def test_an_assignment_tells_the_operator_and_a_transfer_tells_the_new_opd():
    c, events = story((Action.ASSIGN, SPV, {"operator": "operator2-dinkes"}),
                      (Action.TRANSFER, SPV, {"opd": "DISDIK", "reason": "salah OPD"}))
    assert ("operator2-dinkes", "staff.assigned") in who(drafts(c, events, 1))
    moved = drafts(c, events, 2)
    assert ("warga-1", "citizen.transferred") in who(moved)
    assert {d.recipient for d in moved if d.type == "staff.new_complaint"} == {"operator-disdik", "operator2-disdik"}
    assert next(d for d in moved if d.recipient == "warga-1").params["to_opd"] == "Dinas Pendidikan"


def test_a_forwarded_complaint_tells_the_reporter_where_and_whom_to_contact():
    c, events = story((Action.FORWARD, SPV, {"jurisdiction": "BANDARLAMPUNG", "reason": "jalan kota"}))
    [d] = drafts(c, events)
    assert d.params["jurisdiction"] == "Kota Bandar Lampung"
    assert d.params_in("id")["jurisdiction_contact"] == "Inspektorat Kota Bandar Lampung"
    assert d.params_in("en")["jurisdiction_contact"] == "the city inspectorate"


def test_ids_are_deterministic_per_source_recipient_and_type():
    c, events = story()
    assert [d.id for d in drafts(c, events)] == [d.id for d in drafts(c, events)]
    assert len({d.id for d in drafts(c, events)}) == 3
    assert notification_id("a", "b", "c") != notification_id("a", "b", "d")


def test_a_forgotten_reporter_is_told_nothing():
    c, events = story((Action.CLAIM, OP, {}))
    c = c.evolve(reporter=c.reporter.__class__("forgotten:abc"))
    assert all(d.recipient != "forgotten:abc" for i in range(2) for d in drafts(c, events, i))


def sanction(kind, subject_type="operator", subject_id="operator-dinkes", clock="followup"):
    return Sanction(id=f"s-{kind}-{subject_id}", kind=kind, complaint_id="ADU-261127-0000001",
                    subject_type=subject_type, subject_id=subject_id, opd="DINKES", rule_id="r", level="l",
                    clock=clock, clock_key=f"{clock}#1", due_at=T0, issued_at=T0 + timedelta(hours=1),
                    hours_late=1.5, rules_version="v", reference="ref",
                    explanation={"id": "terlambat", "en": "late"})


def test_sweep_decisions_reach_who_answers_the_supervisors_the_head_and_the_inspectorate():
    c, _ = story()
    tell = lambda s: who(for_sanction(s, c, staff=STAFF, names=Names()))  # noqa: E731
    assert tell(sanction("warning")) == [("operator-dinkes", "staff.warning"), ("supervisor-dinkes", "staff.warning")]
    assert tell(sanction("warning", subject_id="DINKES:desk")) == [
        ("operator-dinkes", "staff.warning"), ("operator2-dinkes", "staff.warning"),
        ("supervisor-dinkes", "staff.warning")]
    assert tell(sanction("sanction")) == [("operator-dinkes", "staff.sanction"),
                                          ("supervisor-dinkes", "staff.sanction")]
    assert tell(sanction("sanction", "opd", "DINKES", "approval")) == [
        ("kepala-dinkes", "staff.sanction"), ("supervisor-dinkes", "staff.sanction")]
    assert tell(sanction("report", "opd", "DINKES", "approval")) == [
        ("insp-1", "staff.report"), ("kepala-dinkes", "staff.report")]
    [d, _] = for_sanction(sanction("sanction"), c, staff=STAFF, names=Names())
    assert d.params_in("id")["hours_late"] == "1,5" and d.params_in("en")["hours_late"] == "1.5"
    assert d.params_in("id")["clock"] == "tindak lanjut" and d.params_in("en")["explanation"] == "late"


def test_a_kabupaten_kotas_report_reaches_its_own_inspectorate_else_the_provinces():
    """Oversight per level (issue 13): a city OPD's report goes to the city's inspectors; a
    government with none in the directory is overseen by the province's, so no report is lost."""
    from dataclasses import replace

    from chalicelib.domain.staff import StaffMember
    c, _ = story()
    city = "BANDARLAMPUNG.DINKES"
    members = [StaffMember("insp-1", "inspector"), StaffMember("insp-bl", "inspector", government="BANDARLAMPUNG"),
               StaffMember("kepala-bl", "supervisor", city, head=True)]
    staff = StaffLookup(FakeStaffDirectory(members))
    report = replace(sanction("report", "opd", city, "approval"), opd=city)
    assert who(for_sanction(report, c, staff=staff, names=Names())) == [
        ("insp-bl", "staff.report"), ("kepala-bl", "staff.report")]
    pesawaran = replace(report, opd="PESAWARAN.DINKES", subject_id="PESAWARAN.DINKES")
    assert [w for w, _ in who(for_sanction(pesawaran, c, staff=staff, names=Names()))] == ["insp-1"]
    assert [w for w, _ in who(for_sanction(sanction("report", "opd", "DINKES", "approval"), c, staff=staff,
                                           names=Names()))] == ["insp-1"]


def test_staff_are_told_how_late_in_words_never_zero_hours():
    """A sanction recorded at the deadline itself reads "tercatat tepat pada batas waktu", not
    "terlewat 0,0 jam" (issue 14: one language, said plainly); the rendered text has it too."""
    from dataclasses import replace

    from chalicelib.rules.bundle import load_bundle
    c, _ = story()
    for hours, id_words, en_words in ((0.0, "tercatat tepat pada batas waktu", "recorded at the deadline"),
                                      (0.25, "15 menit terlambat", "15 minutes late"),
                                      (1.5, "1,5 jam terlambat", "1.5 hours late")):
        [d, _] = for_sanction(replace(sanction("sanction"), hours_late=hours), c, staff=STAFF, names=Names())
        assert (d.params_in("id")["late"], d.params_in("en")["late"]) == (id_words, en_words)
        _, body = load_bundle().templates.render("staff.sanction", "id", d.params_in("id"))
        assert f"({id_words})" in body and "0,0 jam" not in body and "{" not in body
        _, body = load_bundle().templates.render("staff.sanction", "en", d.params_in("en"))
        assert f"({en_words})" in body and "{" not in body
