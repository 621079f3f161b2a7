"""GIVEN complaints worked (or not) through the services, WHEN the stream has reconciled their
clocks and the sweep runs at a controlled time, THEN the default rules of CONTRACT.md hold:
a miss yields exactly one sanction of the right subject, whatever repeats."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.domain.commands import FileComplaint
from chalicelib.domain.lifecycle import Action
from chalicelib.domain.model import Actor, Role
from chalicelib.rules.bundle import load_bundle
from chalicelib.rules.schedule import BundleSchedule
from chalicelib.services import complaints as service
from chalicelib.services.clocks import reconcile
from chalicelib.services.sweep import SweepDeps, sweep
from tests.fakes import FakeComplaintRepository
from tests.fakes_audit import FakeAuditLog
from tests.fakes_deadlines import FakeClockRepository, FakeSanctionRepository, RecordingNotifier

T0 = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)     # Tuesday 09:00 WIB
H = timedelta(hours=1)
CITIZEN = Actor("warga-1", Role.CITIZEN)
OPERATOR = Actor("op-1", Role.OPERATOR, "DPMPTSP")
SUPERVISOR = Actor("spv-1", Role.SUPERVISOR, "DPMPTSP")
NEW = {"category": "izin-berusaha", "title": "NIB belum terbit", "description": "Sudah tiga minggu menunggu."}


class World:
    def __init__(self):
        self.now = T0
        self.bundle = load_bundle()
        self.complaints = FakeComplaintRepository()
        self.clocks = FakeClockRepository()
        self.sanctions = FakeSanctionRepository()
        self.notifier = RecordingNotifier()
        self.audit = FakeAuditLog()
        self.counter = 0
        self.deps = service.Deps(repo=self.complaints, rules=self.bundle, now=lambda: self.now,
                                 new_id=self._id)
        self.sweep_deps = SweepDeps(complaints=self.complaints, clocks=self.clocks,
                                    schedule=BundleSchedule(self.bundle), rules_version=self.bundle.version,
                                    now=lambda: self.now, sanctions=self.sanctions,
                                    notifier=self.notifier, audit=self.audit, rules=self.bundle)

    def _id(self, at):
        self.counter += 1
        return f"ADU-TEST-{self.counter:04d}"

    def file(self, at_hours=0.0):
        self.now = T0 + at_hours * H
        c, _ = service.submit(self.deps, CITIZEN, FileComplaint.from_request(NEW))
        self.stream(c.id)
        return c.id

    def act(self, cid, actor, action, at_hours, **payload):
        self.now = T0 + at_hours * H
        service.act(self.deps, actor, cid, action, payload)
        self.stream(cid)

    def stream(self, cid):
        reconcile(self.sweep_deps, cid)

    def sweep(self, at_hours, **kw):
        return sweep(self.sweep_deps, T0 + at_hours * H, **kw)

    def issued(self, kind="sanction"):
        return sorted((s.subject_type, s.subject_id, s.clock, s.level, s.rule_id)
                      for s in self.sanctions.all() if s.kind == kind)


@pytest.fixture
def world():
    return World()


def test_unclaimed_miss_penalises_the_operator_desk_once(world):
    cid = world.file()
    assert world.sweep(23).sanctions_issued == 0
    report = world.sweep(25)
    assert report.sanctions_issued == 1 and report.clocks_due == 1
    [s] = [s for s in world.sanctions.all() if s.kind == "sanction"]
    assert (s.subject_type, s.subject_id, s.clock, s.rule_id) == ("operator", "DPMPTSP:desk", "followup",
                                                                  "sanction.operator.miss")
    assert s.hours_late == 1.0 and s.rules_version == world.bundle.version
    assert s.explanation["id"] and s.explanation["en"] and s.reference
    for hours in (25, 26, 100):
        assert world.sweep(hours).sanctions_issued == 0
    assert len([x for x in world.sanctions.all() if x.kind == "sanction"]) == 1
    assert any(m["type"] == "sanction" and m["complaint_id"] == cid for _, m in world.notifier.sent)


def test_claimed_miss_penalises_the_claimer(world):
    cid = world.file()
    world.act(cid, OPERATOR, Action.CLAIM, 1)
    world.sweep(30)
    assert world.issued() == [("operator", "op-1", "followup", "teguran-lisan", "sanction.operator.miss")]


def test_follow_up_in_time_yields_no_sanction_and_starts_approval(world):
    cid = world.file()
    world.act(cid, OPERATOR, Action.FOLLOW_UP, 20, message="sudah")
    assert world.sweep(30).sanctions_issued == 0
    world.sweep(20 + 73)
    assert world.issued() == [("opd", "DPMPTSP", "approval", "teguran-tertulis", "sanction.opd.miss")]


def test_approval_in_time_yields_nothing(world):
    cid = world.file()
    world.act(cid, OPERATOR, Action.FOLLOW_UP, 2, message="sudah")
    world.act(cid, SUPERVISOR, Action.APPROVE, 50)
    assert world.sweep(500).sanctions_issued == 0 and world.issued() == []


def test_pause_is_honoured(world):
    cid = world.file()
    world.act(cid, OPERATOR, Action.REQUEST_INFO, 10, question="Nomor NIB?")
    assert world.sweep(200).sanctions_issued == 0                       # paused: never due
    world.act(cid, CITIZEN, Action.REPLY, 200, message="NIB 123")        # 14 hours were left
    assert world.sweep(213).sanctions_issued == 0
    assert world.sweep(214.5).sanctions_issued == 1


def test_return_and_transfer_restart_the_followup_clock(world):
    cid = world.file()
    world.act(cid, OPERATOR, Action.FOLLOW_UP, 5, message="cek")
    world.act(cid, SUPERVISOR, Action.RETURN, 6, reason="kurang")
    assert world.sweep(29).sanctions_issued == 0                        # old clock stopped in time
    assert world.sweep(30.5).sanctions_issued == 1                      # new one: 6 + 24
    cid2 = world.file(100)
    world.act(cid2, OPERATOR, Action.TRANSFER, 120, opd="DINKES", reason="kesehatan")
    assert world.sweep(125).sanctions_issued == 0
    world.sweep(145)
    assert ("operator", "DINKES:desk", "followup") in [i[:3] for i in world.issued()]


def test_forward_or_reject_stops_everything(world):
    a, b = world.file(), world.file()
    world.act(a, SUPERVISOR, Action.FORWARD, 3, jurisdiction="METRO", reason="kota")
    world.act(b, OPERATOR, Action.FOLLOW_UP, 3, message="x")
    world.act(b, SUPERVISOR, Action.REJECT, 4, reason="spam")
    assert world.sweep(1000).sanctions_issued == 0 and world.issued() == []


def test_sweep_before_the_stream_caught_up_does_not_punish_a_timely_follow_up(world):
    cid = world.file()
    world.now = T0 + 20 * H
    service.act(world.deps, OPERATOR, cid, Action.FOLLOW_UP, {"message": "tepat waktu"})  # no stream yet
    assert world.sweep(25).sanctions_issued == 0
    assert world.issued() == []


def test_third_miss_in_30_days_becomes_a_written_warning(world):
    levels = []
    for day in range(3):
        cid = world.file(day * 48)
        world.act(cid, OPERATOR, Action.CLAIM, day * 48 + 1)
        world.sweep(day * 48 + 30)
    levels = [lvl for (_, who, _, lvl, _) in world.issued() if who == "op-1"]
    assert sorted(levels) == ["teguran-lisan", "teguran-lisan", "teguran-tertulis"]


def test_warning_goes_out_before_the_deadline_once(world):
    world.file()
    assert world.sweep(17).warnings_sent == 0
    assert world.sweep(18.5).warnings_sent == 1
    assert world.sweep(19).warnings_sent == 0
    assert [s.rule_id for s in world.sanctions.all() if s.kind == "warning"] == ["warning.followup"]
    assert world.sweep(25).sanctions_issued == 1


def test_a_sweep_killed_half_way_and_rerun_issues_the_same_sanctions(world):
    for i in range(10):
        world.file(i * 0.1)
    expected = World()
    for i in range(10):
        expected.file(i * 0.1)
    expected.sweep(40)

    calls = {"n": 0}
    real_mark = world.clocks.mark

    def crash_after_four(*a, **kw):
        calls["n"] += 1
        if calls["n"] == 5:
            raise SystemExit("Lambda timed out")
        return real_mark(*a, **kw)

    world.clocks.mark = crash_after_four
    with pytest.raises(SystemExit):
        world.sweep(40)
    world.clocks.mark = real_mark
    world.sweep(40)
    world.sweep(40)
    assert world.issued() == expected.issued() and len(world.issued()) == 10


def test_two_sweeps_at_once_issue_each_sanction_once(world):
    for i in range(20):
        world.file(i * 0.01)
    reports = []
    threads = [threading.Thread(target=lambda: reports.append(world.sweep(30))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r.sanctions_issued for r in reports) == 20
    assert len([s for s in world.sanctions.all() if s.kind == "sanction"]) == 20


def test_sweep_stops_at_its_time_budget_and_the_next_one_resumes(world):
    for i in range(5):
        world.file(i * 0.01)
    first = world.sweep(30, deadline=0)           # a budget already spent
    assert not first.complete and first.sanctions_issued == 0
    second = world.sweep(30)
    assert second.complete and second.sanctions_issued == 5


def test_a_backlog_larger_than_a_page_is_swept_whole(world):
    for i in range(12):
        world.file(i * 0.01)
    report = world.sweep(30, page_size=2)
    assert report.sanctions_issued == 12 and report.clocks_due == 12 and report.complete


def test_repeat_misses_in_one_backlog_escalate_in_the_order_they_happened(world):
    """Three of op-1's complaints miss on different days, spread over shards; one late sweep
    must still see the third as the third."""
    ids = []
    for day in range(3):
        cid = world.file(day * 24)
        world.act(cid, OPERATOR, Action.CLAIM, day * 24 + 1)
        ids.append(cid)
    world.sweep(24 * 5)
    by_complaint = {s.complaint_id: s.level for s in world.sanctions.all()
                    if s.kind == "sanction" and s.subject_id == "op-1"}
    assert [by_complaint[c] for c in ids] == ["teguran-lisan", "teguran-lisan", "teguran-tertulis"]


def test_notifications_name_the_recipients_and_give_the_time_in_wib(world):
    world.file()
    world.sweep(25)
    [(dedup, message)] = [(d, m) for d, m in world.notifier.sent if m["type"] == "sanction"]
    assert dedup == message["id"]
    assert message["due_at_wib"] == "25-11-2026 09:00 WIB"
    assert {"operator:DPMPTSP:desk", "opd-head:DPMPTSP", "INSPEKTORAT"} <= set(message["recipients"])


def test_every_sanction_and_warning_is_in_the_audit_trail_once(world):
    """GIVEN an ignored complaint, WHEN the sweep runs (and runs again), THEN the audit trail holds
    one entry per warning and sanction, by the system, and a second sweep adds nothing."""
    cid = world.file()
    for hours in (19, 25, 26):
        world.sweep(hours)
    issued = world.sanctions.all()
    entries = world.audit.all()
    assert issued and sorted(e.id for e in entries) == sorted(f"sanction:{s.id}" for s in issued)
    assert {e.action for e in entries} == {f"{s.kind}_issued" for s in issued}
    assert all(e.actor_role == "system" and e.complaint_id == cid for e in entries)
