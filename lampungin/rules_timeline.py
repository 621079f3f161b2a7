"""Play a complaint timeline through the rules: the clocks it starts, the deadlines, the sweeps.

This is what `rules test`, `rules explain` and the property tests run. It uses only the bundle's
public interface (clock_actions, clock_policy, due_at, evaluate), so a case that passes here
exercises the same rules the Lambdas run. After the last event nothing else happens: clocks that
are still running run out, and the sweep sees them (a missed clock yields exactly one decision).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

# the complaint status each timeline event leads to (CONTRACT.md); None: unchanged
EVENT_STATUS = {"submitted": "assigned", "claimed": None, "followed_up": "followed_up",
                "approved": "resolved", "returned": "assigned", "transferred": "assigned",
                "forwarded": "forwarded", "rejected": "rejected", "info_requested": "waiting_citizen",
                "citizen_replied": "assigned", "rated": "closed", "reopened": "assigned"}


@dataclass
class ClockRun:
    clock: str
    started_at: datetime
    policy: object
    pauses: list = field(default_factory=list)       # [[from, to | None]]
    stopped_at: datetime | None = None
    warned: bool = False
    missed: bool = False
    due_value: datetime | None = None                 # the deadline once the timeline is played

    def due(self, bundle) -> datetime | None:
        return bundle.due_at(self.policy, self.started_at, pauses=[tuple(p) for p in self.pauses])

    def warn_at(self, bundle) -> datetime | None:
        if any(hi is None for _, hi in self.pauses):
            return None
        budget = self.policy.hours * 3600 * self.policy.warn_at_percent / 100
        closed = sorted((lo, hi) for lo, hi in self.pauses)
        return bundle.add_time_paused(self.started_at, budget, self.policy.mode, closed)


@dataclass
class Step:
    at: datetime
    kind: str            # "event" | "warning" | "missed"
    label: str
    fired: list = field(default_factory=list)   # rule ids that matched
    detail: list = field(default_factory=list)  # ClockActions or Decisions


@dataclass
class Outcome:
    routing: object = None
    clocks: list = field(default_factory=list)      # ClockRun, in start order
    decisions: list = field(default_factory=list)   # (at, Decision)
    steps: list = field(default_factory=list)
    fired: set = field(default_factory=set)


def play(bundle, category: str, timeline: list[tuple[datetime, str]], *, operator_misses: int = 0,
         opd_misses: int = 0) -> Outcome:
    out = Outcome(routing=bundle.route(category))
    context = {"category": category, "sector": out.routing.sector, "opd": out.routing.opd}
    running: dict[str, ClockRun] = {}
    misses = {"followup": operator_misses, "approval": opd_misses}
    status = None
    for at, event in sorted(timeline, key=lambda item: item[0]):
        _sweep_until(bundle, running, at, misses, context, out)
        to_status = EVENT_STATUS[event] or status
        facts = {"event": event, "from_status": status or "", "to_status": to_status, "at": at, **context}
        actions = bundle.clock_actions(facts)
        out.steps.append(Step(at, "event", event, [a.rule_id for a in actions], actions))
        out.fired.update(a.rule_id for a in actions)
        for action in actions:
            _apply(bundle, action, at, running, out)
        status = to_status
    _sweep_until(bundle, running, None, misses, context, out)
    for run in out.clocks:
        run.due_value = run.due(bundle)
    return out


def _apply(bundle, action, at, running, out) -> None:
    run = running.get(action.clock)
    if action.action == "start":
        if run is not None:
            run.stopped_at = at
        running[action.clock] = ClockRun(action.clock, at, bundle.clock_policy(action.clock, at))
        out.clocks.append(running[action.clock])
    elif run is not None and action.action == "stop":
        run.stopped_at = at
        del running[action.clock]
    elif run is not None and action.action == "pause" and not (run.pauses and run.pauses[-1][1] is None):
        run.pauses.append([at, None])
    elif run is not None and action.action == "resume" and run.pauses and run.pauses[-1][1] is None:
        run.pauses[-1][1] = at


def _sweep_until(bundle, running, until, misses, context, out) -> None:
    """What the sweep finds before `until` (None: ever after): warnings first, then misses."""
    for run in list(running.values()):
        due = run.due(bundle)
        if due is None:
            continue
        warn_at = run.warn_at(bundle)
        if not run.warned and warn_at is not None and warn_at < due and (until is None or warn_at < until):
            run.warned = True
            _decide(bundle, run, warn_at, "progress", run.policy.warn_at_percent, misses, context, out)
        if not run.missed and (until is None or due < until):
            run.missed = True
            _decide(bundle, run, due, "missed", 100.0, misses, context, out)
            misses[run.clock] += 1


def _decide(bundle, run, at, event, used_percent, misses, context, out) -> None:
    subject = "operator" if run.clock == "followup" else "opd"
    facts = {"event": event, "clock": run.clock, "subject_type": subject, "at": at,
             "misses": misses[run.clock] + 1, "opd_misses": misses["approval"] + 1,
             "hours_late": 0.0, "used_percent": used_percent, **context}
    decisions = bundle.evaluate(facts)
    label = f"{run.clock} {'warning' if event == 'progress' else 'missed'}"
    fired = bundle.engine.match("sanctions", bundle.engine.fact(facts, _fields())[0])
    out.steps.append(Step(at, "warning" if event == "progress" else "missed", label, fired, decisions))
    out.fired.update(fired)
    out.decisions.extend((at, d) for d in decisions)


def _fields():
    from chalicelib.rules.vocabulary import SANCTION_FIELDS
    return SANCTION_FIELDS
