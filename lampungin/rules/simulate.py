"""Play a case's timeline through the engine the Lambdas run, and nothing else.

Each event goes through the complaint lifecycle (`domain.lifecycle.decide`): an event the
lifecycle refuses (an approval before any follow-up, a reply nobody asked for) fails the case as
production would refuse the request. Between events the sweep sees the clocks `domain.clocks.replay`
derives from the timeline so far, exactly as the stream stores them; what it does with a clock is
`domain.sanctions.sweep_step`, and the sanctions are `services.sweep.assess` — the sweep's own
function — with repeat misses counted in the monitoring window as the sanctions table would count
them. The sweep is imagined to run an instant after each warning or due time (the real one runs
every 5 minutes, so it may issue up to 5 minutes later; what it issues is the same).

After the last event nothing else happens: clocks that still run run out and are missed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from chalicelib.domain import lifecycle
from chalicelib.domain.clocks import Clock, replay
from chalicelib.domain.errors import DomainError
from chalicelib.domain.governments import PROVINCE, government_of, opd_code
from chalicelib.domain.model import Actor, Complaint, Event, Location, Role
from chalicelib.domain.sanctions import (
    MISSED,
    Sanction,
    next_check,
    sweep_step,
)
from chalicelib.rules.model import NotOnboarded, RoutingDecision
from chalicelib.rules.schedule import BundleSchedule
from chalicelib.rules.vocabulary import SANCTION_FIELDS
from chalicelib.services.complaints import decide_forward
from chalicelib.services.sweep import assess, earlier_misses, rules_moment

CASE_ID = "ADU-CONTOH-0000001"
CITIZEN = Actor("warga-contoh", Role.CITIZEN, name="Warga Contoh")
SWEEP_LAG = timedelta(microseconds=1)     # the sweep runs just after the instant it is due
# who takes each action in a case, and what they write (the lifecycle requires the text fields)
ACTORS = {"claim": "operator", "follow_up": "operator", "request_info": "operator",
          "approve": "supervisor", "return": "supervisor", "transfer": "supervisor",
          "forward": "supervisor", "reject": "supervisor",
          "reply": "citizen", "rate": "citizen", "reopen": "citizen",
          "assign": "supervisor", "note": "operator", "dispose": "supervisor"}
TEXT = {"message": "contoh", "reason": "contoh", "question": "contoh", "stars": 4, "note": "contoh"}


class Refused(ValueError):
    """The lifecycle refused an event of the case (production would answer 403/409/422)."""

    def __init__(self, index: int, event: str, error: DomainError, status: str):
        super().__init__(f"{event}: {error.code} (status {status})")
        self.index, self.event, self.error, self.status = index, event, error, status


@dataclass
class Step:
    at: datetime
    kind: str            # "event" | "warning" | "missed"
    label: str
    fired: list = field(default_factory=list)    # rule ids that matched
    detail: list = field(default_factory=list)   # (clock, action, rule id) or Sanction


@dataclass
class Verdict:
    at: datetime         # the instant it became due (warning time or due time)
    sanction: Sanction


@dataclass
class Outcome:
    routing: RoutingDecision
    complaint: Complaint | None = None
    clocks: list[Clock] = field(default_factory=list)
    verdicts: list[Verdict] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    fired: set = field(default_factory=set)


class _Sweeps:
    """What the sweep has done so far: flags per clock and the primary sanctions issued."""

    def __init__(self, bundle, operator_misses: int, opd_misses: int):
        self.bundle, self.given = bundle, {"operator": operator_misses, "opd": opd_misses}
        self.warned: set[str] = set()
        self.settled: set[str] = set()
        self.history: list[tuple[str, datetime]] = []       # (subject key, due) of misses

    def count_misses(self, subject: str, since: datetime, before: datetime) -> int:
        """The sanctions table's count (services.ports.SanctionRepository), so the sweep's own
        `earlier_misses` counts; the case's `given` misses are earlier misses, inside the window,
        of whoever answers (any operator) and of the OPD."""
        kind = subject.split("#", 1)[0]
        return self.given.get(kind, 0) + sum(1 for k, due in self.history if k == subject and since <= due < before)

    def until(self, clocks: list[Clock], complaint: Complaint, end: datetime | None, out: Outcome) -> None:
        """Every sweep action due before `end` (None: ever after) on these clocks."""
        while True:
            pending = []
            for c in clocks:
                t = next_check(c, c.key in self.warned, c.key in self.settled)
                if t is not None and (end is None or t < end):
                    pending.append((t, c.key, c))
            if not pending:
                return
            t, _, clock = min(pending, key=lambda p: (p[0], p[1]))
            self._sweep(clock, complaint, t, out)

    def _sweep(self, clock: Clock, complaint: Complaint, t: datetime, out: Outcome) -> None:
        at = t + SWEEP_LAG
        step = sweep_step(clock, warned=clock.key in self.warned, settled=clock.key in self.settled, at=at)
        if step is None:                      # cannot happen: next_check said it was due
            self.warned.add(clock.key)
            self.settled.add(clock.key)
            return
        earlier = earlier_misses(self, self.bundle, clock)
        issued = assess(self.bundle, clock, complaint, at=at, event=step, earlier=earlier)
        engine = self.bundle.engine
        facts = issued[0].facts if issued else {}
        fired = (engine.match("sanctions", engine.fact(facts, SANCTION_FIELDS, rules_moment(clock, step, at))[0])
                 if facts else [])
        label = f"{clock.name} {'missed' if step == MISSED else 'warning'}"
        out.steps.append(Step(t, "missed" if step == MISSED else "warning", label, fired, issued))
        out.fired.update(fired)
        out.verdicts.extend(Verdict(t, s) for s in issued)
        if step == MISSED:
            self.settled.add(clock.key)
            self.history.extend((s.subject, s.due_at) for s in issued if s.kind == "sanction")
        else:
            self.warned.add(clock.key)


HANDED_OVER = "handed_over"       # a forward that lands in an onboarded government (domain/clocks.MOVES)


def play(bundle, category: str, timeline: list[tuple[datetime, str, str | None]], *,
         operator_misses: int = 0, opd_misses: int = 0, government: str = PROVINCE,
         region: str | None = None) -> Outcome:
    """Play `timeline` — (time, event, target) with the first event `submitted` — and report the
    clocks, warnings, sanctions and every rule that matched on the way. The complaint is filed in
    `government` (its table routes it, by `region` where rows depend on it)."""
    schedule = BundleSchedule(bundle)
    try:
        routing = bundle.route(category, government=government, region=region)
    except NotOnboarded:
        raise Refused(0, "submitted", _unknown_government(bundle, government), "-") from None
    out = Outcome(routing=routing)
    (t0, first, _), rest = timeline[0], timeline[1:]
    if first != "submitted":
        raise Refused(0, first, DomainError("first_event_not_submitted"), "-")
    complaint, event = lifecycle.file_complaint(
        complaint_id=CASE_ID, actor=CITIZEN, at=t0, category=category, sector=routing.sector,
        opd=routing.opd, unit=routing.unit, title="Contoh", description="Contoh",
        location=Location(region=region) if region else None, visibility="private",
        anonymous=False, routing_rule=routing.rule_id, rules_version=routing.rules_version)
    events: list[Event] = [event]
    sweeps = _Sweeps(bundle, operator_misses, opd_misses)
    for index, (at, name, target) in enumerate(rest, start=1):
        sweeps.until(replay(CASE_ID, events, schedule), complaint, at, out)
        complaint, event = _take(bundle, complaint, index, at, name, target)
        events.append(event)
    clocks = replay(CASE_ID, events, schedule)
    sweeps.until(clocks, complaint, None, out)
    out.complaint, out.clocks = complaint, clocks
    replay(CASE_ID, events, schedule, on_event=lambda e, actions: _event_step(out, e, actions))
    out.steps.sort(key=lambda s: (s.at, s.kind != "event"))
    return out


def _take(bundle, complaint: Complaint, index: int, at: datetime, name: str, target: str | None):
    if name == HANDED_OVER or (name == "forwarded" and _lands(bundle, target)):
        return _hand_over(bundle, complaint, index, at, name, target)
    action = lifecycle.EVENT_ACTION.get(name)
    if action is None:
        raise Refused(index, name, DomainError("unknown_event"), complaint.status.value)
    who = ACTORS[action.value]
    actor = CITIZEN if who == "citizen" else Actor(f"{who}-{complaint.opd.lower()}", Role(who), complaint.opd)
    payload = dict(TEXT)
    if action == lifecycle.Action.TRANSFER:
        own = sorted(o.code for o in bundle.opds_of(government_of(complaint.opd)))   # transfers stay within
        payload["opd"] = target or next(c for c in own if c != complaint.opd)         # a government
        if target and opd_code(government_of(complaint.opd), target) in own:          # a short code
            payload["opd"] = opd_code(government_of(complaint.opd), target)
        if payload["opd"] not in own:
            raise Refused(index, name, DomainError("unknown_opd", value=payload["opd"]), complaint.status.value)
    elif action == lifecycle.Action.ASSIGN:      # to the operator named, else the OPD's case operator
        payload["operator"] = target or f"operator-{complaint.opd.lower()}"
    elif action == lifecycle.Action.DISPOSE:          # to a unit of the OPD that holds it
        opd = bundle.opds.get(complaint.opd)
        payload["unit"] = target or (opd.units[0].code if opd is not None and opd.units else "")
        if opd is None or opd.unit(payload["unit"]) is None:
            raise Refused(index, name, DomainError("unknown_unit", value=payload["unit"]), complaint.status.value)
    elif action == lifecycle.Action.FORWARD:          # to a government that is not onboarded
        payload["jurisdiction"] = target or next(c for c, g in bundle.governments.items()
                                                 if not g.onboarded and c in bundle.jurisdictions)
        if payload["jurisdiction"] not in bundle.jurisdictions:
            raise Refused(index, name, DomainError("unknown_jurisdiction", value=payload["jurisdiction"]),
                          complaint.status.value)
    try:
        return lifecycle.decide(complaint, action, actor, at, payload)
    except DomainError as error:
        raise Refused(index, name, error, complaint.status.value) from None


def _unknown_government(bundle, code: str) -> DomainError:
    onboarded = ", ".join(c for c, g in bundle.governments.items() if g.onboarded)
    return DomainError("unknown_government", value=code, known=onboarded)


def _lands(bundle, target: str | None) -> bool:
    """Whether a forward to `target` lands: an onboarded government (the province included)."""
    government = bundle.governments.get(target or "")
    return government is not None and government.onboarded


def _hand_over(bundle, complaint: Complaint, index: int, at: datetime, name: str, target: str | None):
    """A forward that lands, decided as the API decides it (services/complaints.decide_forward): the
    receiving government's own table names the OPD; handing back to the province routes by its
    table alone (its by_region rows would send the complaint straight back)."""
    if target is None or not _lands(bundle, target) or target == government_of(complaint.opd):
        raise Refused(index, name, _unknown_government(bundle, target or ""), complaint.status.value)
    actor = Actor(f"supervisor-{complaint.opd.lower()}", Role.SUPERVISOR, complaint.opd)
    payload = {"jurisdiction": target, "reason": TEXT["reason"]}
    try:
        return decide_forward(bundle, complaint, actor, at, payload)
    except DomainError as error:
        raise Refused(index, name, error, complaint.status.value) from None


def _event_step(out: Outcome, event: Event, actions: list[tuple]) -> None:
    fired = [rule_id for _, _, rule_id in actions]
    out.steps.append(Step(event.at, "event", event.type, fired, list(actions)))
    out.fired.update(fired)
