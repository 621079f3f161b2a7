"""GIVEN proposed rules running in shadow mode beside the rules in force, WHEN complaints are worked
and the stream and the sweep run, THEN the shadow rules' decisions are recorded at their own
deadlines and nothing is acted on: no notification, no audit entry, no count the rules in force
use (services/shadow.py)."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.domain.commands import FileComplaint
from chalicelib.domain.errors import Forbidden
from chalicelib.domain.lifecycle import Action
from chalicelib.domain.model import Actor, Role
from chalicelib.rules.bundle import load_bundle
from chalicelib.rules.schedule import BundleSchedule
from chalicelib.services import complaints as service
from chalicelib.services.clocks import reconcile
from chalicelib.services.shadow import ShadowDeps, list_shadow_decisions
from chalicelib.services.sweep import SweepDeps, sweep
from tests.fakes import FakeComplaintRepository
from tests.fakes_audit import FakeAuditLog
from tests.fakes_deadlines import FakeClockRepository, FakeSanctionRepository, RecordingNotifier
from tests.shadow_rules import followup_bundle

T0 = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)     # Tuesday 09:00 WIB
H = timedelta(hours=1)
CITIZEN = Actor("warga-1", Role.CITIZEN)
OPERATOR = Actor("op-1", Role.OPERATOR, "DPMPTSP")
SUPERVISOR = Actor("spv-1", Role.SUPERVISOR, "DPMPTSP")
INSPECTOR = Actor("insp-1", Role.INSPECTOR)
CITY_INSPECTOR = Actor("insp-bl", Role.INSPECTOR, government="BANDARLAMPUNG")
NEW = {"category": "izin-berusaha", "title": "NIB belum terbit", "description": "Sudah tiga minggu menunggu."}


@pytest.fixture(scope="module")
def proposals(tmp_path_factory):
    folder = tmp_path_factory.mktemp("shadow")
    return {12: followup_bundle(folder, 12), 48: followup_bundle(folder, 48)}


class World:
    def __init__(self, shadow_rules):
        self.now = T0
        self.bundle = load_bundle()
        self.complaints = FakeComplaintRepository()
        self.notifier, self.audit = RecordingNotifier(), FakeAuditLog()
        self.sanctions, self.shadow_sanctions = FakeSanctionRepository(), FakeSanctionRepository()
        self.shadow_clocks = FakeClockRepository()
        self.deps = service.Deps(repo=self.complaints, rules=self.bundle, now=lambda: self.now, new_id=self._id)
        self.active = SweepDeps(complaints=self.complaints, clocks=FakeClockRepository(),
                                schedule=BundleSchedule(self.bundle), rules_version=self.bundle.version,
                                now=lambda: self.now, sanctions=self.sanctions, notifier=self.notifier,
                                audit=self.audit, rules=self.bundle)
        self.shadow = replace(self.active, clocks=self.shadow_clocks, sanctions=self.shadow_sanctions,
                              schedule=BundleSchedule(shadow_rules), rules=shadow_rules,
                              rules_version=shadow_rules.version, acting=False)
        self.counter = 0

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
        events = self.complaints.timeline(cid)
        reconcile(self.active, cid, events)
        reconcile(self.shadow, cid, events)

    def sweep(self, at_hours):
        at = T0 + at_hours * H
        return sweep(self.active, at), sweep(self.shadow, at)

    @staticmethod
    def decided(repo, kind="sanction"):
        return sorted((s.complaint_id, s.rule_id) for s in repo.all() if s.kind == kind)


def test_a_shorter_shadow_deadline_records_what_it_would_have_sanctioned_and_tells_no_one(proposals):
    world = World(proposals[12])
    cid = world.file()
    world.act(cid, OPERATOR, Action.FOLLOW_UP, 18, message="sudah dicek ke bidang perizinan")
    active, shadow = world.sweep(30)
    assert active.sanctions_issued == 0 and shadow.sanctions_issued == 1 and shadow.clocks_missed == 1
    [s] = [s for s in world.shadow_sanctions.all() if s.kind == "sanction"]
    assert (s.complaint_id, s.rule_id, s.clock, s.hours_late) == (cid, "sanction.operator.miss", "followup", 6.0)
    assert s.rules_version == proposals[12].version != world.bundle.version
    assert world.decided(world.sanctions) == []
    # nothing acted on: no message on the decisions feed, no audit entry, nothing marked notified
    assert world.notifier.sent == [] and world.audit.all() == []
    assert world.shadow_sanctions.items[s.id]["notified_at"] is None
    assert world.shadow_sanctions.calls["mark_notified"] == 0


def test_a_longer_shadow_deadline_is_swept_at_its_own_time(proposals):
    """The active clock ran out and was settled at 24 h; the shadow clock is still due at 48 h and
    is found then, in the shadow rules' own index: a follow-up at 30 h is in time for them."""
    world = World(proposals[48])
    late, never = world.file(), world.file()
    active, shadow = world.sweep(25)
    assert (active.sanctions_issued, shadow.sanctions_issued, shadow.warnings_sent) == (2, 0, 0)
    world.act(late, OPERATOR, Action.FOLLOW_UP, 30, message="sudah ditindaklanjuti")
    _, shadow = world.sweep(37)              # 36 of 48 hours used: the shadow rules' own warning
    assert (shadow.warnings_sent, shadow.sanctions_issued) == (1, 0)
    active, shadow = world.sweep(49)
    assert active.sanctions_issued == 0 and shadow.sanctions_issued == 1
    assert world.decided(world.shadow_sanctions) == [(never, "sanction.operator.miss")]
    assert world.decided(world.sanctions) == sorted([(late, "sanction.operator.miss"),
                                                     (never, "sanction.operator.miss")])
    assert [m for _, m in world.notifier.sent if m["type"] == "sanction"] and all(
        m["rules_version"] == world.bundle.version for _, m in world.notifier.sent)


def test_shadow_sweeps_repeat_without_recording_twice_and_count_their_own_repeat_misses(proposals):
    """Four complaints followed up after 18-21 hours: in time for the rules in force, late for
    12-hour shadow rules, for which the operator then misses again and again (escalating within
    the shadow rules). A fifth complaint the operator claims and both miss is that operator's
    first miss for the rules in force, and a repeat for the shadow rules."""
    world = World(proposals[12])
    worked = [world.file(i) for i in range(4)]
    for i, cid in enumerate(worked):
        world.act(cid, OPERATOR, Action.FOLLOW_UP, 18 + i, message="sudah")
    for _ in range(3):
        _, shadow = world.sweep(16)
    assert shadow.sanctions_issued == 0 and shadow.duplicates_skipped == 0
    shadow_rules = [rule for _, rule in world.decided(world.shadow_sanctions)]
    assert sorted(shadow_rules) == ["sanction.operator.miss"] * 2 + ["sanction.operator.repeat"] * 2
    assert world.decided(world.sanctions) == []
    missed = world.file(30)
    world.act(missed, OPERATOR, Action.CLAIM, 31)
    world.sweep(60)
    assert world.decided(world.sanctions) == [(missed, "sanction.operator.miss")]
    assert (missed, "sanction.operator.repeat") in world.decided(world.shadow_sanctions)


def test_only_oversight_lists_shadow_decisions_each_marked_whether_the_rules_in_force_agreed(proposals):
    world = World(proposals[12])
    agreed, only_shadow = world.file(), world.file()
    world.act(only_shadow, OPERATOR, Action.FOLLOW_UP, 18, message="sudah")
    world.sweep(30)
    deps = ShadowDeps(decisions=world.shadow_sanctions, active=world.sanctions, opds=world.bundle.opds,
                      rules_version=proposals[12].version)
    page = list_shadow_decisions(deps, INSPECTOR)
    assert {(d.sanction.complaint_id, d.in_active) for d in page.items} == {(agreed, True), (only_shadow, False)}
    assert world.sanctions.calls["existing"] == 1          # one batch read for the page
    assert list_shadow_decisions(deps, CITY_INSPECTOR).items == []      # the province's OPDs: not theirs
    for who in (OPERATOR, SUPERVISOR, CITIZEN):
        with pytest.raises(Forbidden):
            list_shadow_decisions(deps, who)
