"""Every example in rules/tests/, played through the code the Lambdas run — the complaint
services, the stream handler's reconcile after each change, and the sweep every 5 minutes as
EventBridge fires it — must reach the sanctions, warnings and deadlines the policy officer wrote.

`lampungin rules test` plays the same cases through the same domain engine (lifecycle, replay,
sweep_step, the sweep's assess) without the services and stores; this test proves that the stores,
the stream and the 5-minute sweep add nothing and lose nothing.
"""
from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.domain.clocks import replay
from chalicelib.domain.commands import FileComplaint
from chalicelib.domain.governments import opd_code
from chalicelib.domain.lifecycle import Action
from chalicelib.domain.model import Actor, Location, Role
from chalicelib.domain.sanctions import Sanction
from chalicelib.rules.schedule import BundleSchedule
from chalicelib.services import complaints as service
from chalicelib.services.clocks import reconcile
from chalicelib.services.sweep import SweepDeps, sweep
from lampungin.rules.cases import collect, compiled_bundle, parse_entry, parse_when, with_parameters
from lampungin.rules.source import RULES_DIR, load_sources
from tests.fakes import FakeComplaintRepository
from tests.fakes_audit import FakeAuditLog
from tests.fakes_deadlines import FakeClockRepository, FakeSanctionRepository, RecordingNotifier

TICK = timedelta(minutes=5)
CITIZEN = Actor("warga-kasus", Role.CITIZEN)
ACTIONS = {   # timeline event -> (action, who, payload)
    "claimed": (Action.CLAIM, "operator", {}),
    "followed_up": (Action.FOLLOW_UP, "operator", {"message": "ditindaklanjuti"}),
    "approved": (Action.APPROVE, "supervisor", {}),
    "returned": (Action.RETURN, "supervisor", {"reason": "belum lengkap"}),
    "transferred": (Action.TRANSFER, "supervisor", {"reason": "salah OPD"}),
    "forwarded": (Action.FORWARD, "supervisor", {"jurisdiction": "METRO", "reason": "kewenangan kota"}),
    "rejected": (Action.REJECT, "supervisor", {"reason": "bukan aduan"}),
    "info_requested": (Action.REQUEST_INFO, "operator", {"question": "Mohon detail"}),
    "citizen_replied": (Action.REPLY, "citizen", {"message": "Ini detailnya"}),
    "rated": (Action.RATE, "citizen", {"stars": 4}),
    "reopened": (Action.REOPEN, "citizen", {"reason": "belum selesai"}),
    "handed_over": (Action.FORWARD, "supervisor", {"reason": "kewenangan pemerintah itu"}),
    "disposed": (Action.DISPOSE, "supervisor", {}),
}
CASES = collect(load_sources(RULES_DIR))


def filed_elsewhere(case) -> bool:
    """A case filed directly in a kabupaten/kota (its folder's tests) whose routing the province's
    table does not reach through the location's region: through the API only that government's
    own intake desk files it (services/intake.py), so it is played as filed there."""
    data, bundle = case.data, compiled_bundle()
    government = data.get("government") or "LAMPUNG"
    if government == "LAMPUNG":
        return False
    via_province = bundle.route(data["category"], region=data.get("region"))
    own = bundle.route(data["category"], government=government, region=data.get("region"))
    return (via_province.opd, via_province.unit) != (own.opd, own.unit)


PARAMS = [pytest.param(c, id=c.id) for c in CASES]


def floor_tick(at):
    return at - timedelta(minutes=at.minute % 5, seconds=at.second, microseconds=at.microsecond)


class Province:
    """One complaint's world on fakes, with a clock we move."""

    def __init__(self, bundle):
        self.now, self.bundle = None, bundle
        self.complaints, self.clocks = FakeComplaintRepository(), FakeClockRepository()
        self.sanctions, self.notifier = FakeSanctionRepository(), RecordingNotifier()
        self.audit = FakeAuditLog()
        self.deps = service.Deps(repo=self.complaints, rules=bundle, now=lambda: self.now,
                                 new_id=lambda at: "ADU-CASE-0000001", daily_limit=100)
        self.sweep_deps = SweepDeps(complaints=self.complaints, clocks=self.clocks,
                                    schedule=BundleSchedule(bundle), rules_version=bundle.version,
                                    now=lambda: self.now, sanctions=self.sanctions,
                                    notifier=self.notifier, audit=self.audit, rules=bundle)

    def actor(self, who, opd):
        return CITIZEN if who == "citizen" else Actor(f"{who}-{opd.lower()}", Role(who), opd)

    def sweep_until(self, until):
        tick = floor_tick(self.now) + TICK
        while tick <= until:
            sweep(self.sweep_deps, tick)
            tick += TICK

    def earlier_misses(self, subject_type, subject_id, opd, count, before):
        for i in range(count):
            due = before - timedelta(days=2 + i)
            self.sanctions.add(Sanction(
                id=f"earlier-{subject_type}-{subject_id}-{i}", kind="sanction", complaint_id=f"ADU-EARLIER-{i}",
                subject_type=subject_type, subject_id=subject_id, opd=opd, rule_id="earlier",
                level="teguran-lisan", clock="followup" if subject_type == "operator" else "approval",
                clock_key="x", due_at=due, issued_at=due, hours_late=1, rules_version="-",
                reference="-", explanation={}, facts={}))


@pytest.mark.parametrize("case", PARAMS)
def test_case_on_the_lambda_path(case):
    data = case.data
    bundle = compiled_bundle()
    if data.get("parameters"):
        bundle = with_parameters(bundle, data["parameters"])
    world = Province(bundle)
    timeline = [parse_entry(line) for line in data["timeline"]]
    (first_at, first, _), rest = timeline[0], timeline[1:]
    assert first == "submitted"
    world.now = first_at
    located = Location(region=str(data["region"])) if data.get("region") else None
    if filed_elsewhere(case):          # at that government's own desk (issue 18), for a walk-in person
        government = data["government"]
        desk = Actor(f"intake-{government.lower()}", Role.INTAKE, bundle.opds_of(government)[0].code,
                     government=government)
        complaint, _ = service.submit(world.deps, desk, FileComplaint(data["category"], "Contoh kasus", case.name,
                                                                      location=located, channel="desk"))
    else:
        complaint, _ = service.submit(world.deps, CITIZEN, FileComplaint(data["category"], "Contoh kasus",
                                                                         case.name, location=located))
    opd = complaint.opd
    given = data.get("given") or {}
    for operator in (f"{opd}:desk", world.actor("operator", opd).sub):   # whoever answers
        world.earlier_misses("operator", operator, opd, int(given.get("operator_misses", 0)), first_at)
    world.earlier_misses("opd", opd, opd, int(given.get("opd_misses", 0)), first_at)
    reconcile(world.sweep_deps, complaint.id)
    for at, event, target in rest:
        world.sweep_until(at - timedelta(microseconds=1))
        world.now = at
        action, who, payload = ACTIONS[event]
        current = world.complaints.get(complaint.id)
        if action == Action.TRANSFER:       # as the simulator picks it: named, else the first other
            own = sorted(o.code for o in bundle.opds_of(current.government))   # transfers stay in a government
            named = target and (target if target in own else opd_code(current.government, target))
            payload = {**payload, "opd": named or next(c for c in own if c != current.opd)}
        elif action == Action.FORWARD:      # named, else the first kabupaten/kota not onboarded
            payload = {**payload, "jurisdiction": target or "METRO"}
        elif action == Action.DISPOSE:      # named, else the OPD's first unit
            payload = {"unit": target or bundle.opds[current.opd].units[0].code}
        service.act(world.deps, world.actor(who, current.opd), complaint.id, action, payload)
        reconcile(world.sweep_deps, complaint.id)
    world.sweep_until(world.now + timedelta(days=10))          # nothing else happens

    expect = data.get("expect") or {}
    filed = world.complaints.get(complaint.id)
    routed = {"opd": complaint.opd, "sector": complaint.sector, "rule": filed.routing_rule,
              "government": complaint.government, "unit": complaint.unit}
    for key, want in (expect.get("routing") or {}).items():
        if key in routed:
            assert routed[key] == want, (key, routed)
    issued = [s for s in world.sanctions.all() if not s.id.startswith("earlier-")]
    if "sanctions" in expect:
        want = sorted((e["rule"], e.get("level"), parse_when(e["at"])[0] if "at" in e else None)
                      for e in expect["sanctions"] or [])
        got = sorted((s.rule_id, s.level, s.due_at) for s in issued if s.kind != "warning")
        # compare only what the case states (a case may leave out level or time)
        got = [(r, lv if w[1] is not None else None, due if w[2] is not None else None)
               for (r, lv, due), w in zip(got, want, strict=True)] if len(got) == len(want) else got
        assert got == want
    if "warnings" in expect:
        want = sorted(e["rule"] for e in expect["warnings"] or [])
        assert sorted(s.rule_id for s in issued if s.kind == "warning") == want
        for e in expect["warnings"] or []:
            if "at" in e:
                at = parse_when(e["at"])[0]
                [w] = [s for s in issued if s.kind == "warning" and s.rule_id == e["rule"]]
                assert at <= w.issued_at < at + TICK          # the first sweep after it is due
    if "deadlines" in expect:
        clocks = replay(complaint.id, world.complaints.timeline(complaint.id), BundleSchedule(bundle))
        seen: dict = {}
        for e in expect["deadlines"] or []:             # the n-th expectation of a clock: its n-th run
            n = seen[e["clock"]] = seen.get(e["clock"], -1) + 1
            runs = [c for c in clocks if c.name == e["clock"]]
            assert n < len(runs), (e, runs)
            c = runs[n]
            for key, got in (("started", c.started_at), ("due", c.due_at), ("stopped", c.ended_at)):
                if key in e:
                    assert got == (parse_when(e[key])[0] if e[key] else None), (key, e, c)
