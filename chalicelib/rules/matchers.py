"""Who finds the rules a fact matches: durable_rules, behind a one-method interface.

`Matcher.match(name, definition, fact) -> [rule ids]` is all RulesEngine needs, so the engine can
be swapped without touching policy files. DurableMatcher follows the only pattern that stayed
safe and flat over 100,000 evaluations (STACK-NOTES.md): one host per process with its background
timer loop disabled, rulesets registered once, a catch-all rule so every fact matches, one fact
per evaluation under a fresh session id, the session always deleted, actions that only record
the match, and exceptions from actions raised here instead of swallowed. PythonMatcher reads the
same compiled JSON in plain Python: the reference the property tests compare against.
"""
from __future__ import annotations

import copy
import itertools
import threading
from typing import Protocol

from .model import RuleActionFailed, RulesError
from .vocabulary import CATCH_ALL


class Matcher(Protocol):
    def match(self, name: str, definition: dict, fact: dict) -> list[str]: ...


class DurableMatcher:
    """One per process (see `durable_matcher()`): durable_rules never frees a ruleset name."""

    def __init__(self):
        from durable import engine as durable  # lazy for cold start: the API never loads it

        matcher = self

        class QuietHost(durable.Host):
            def _run(self):          # no timer threads: they race synchronous calls (error 307)
                self._d_timer = self._t_timer = None

            def get_action(self, action_name):
                return matcher._action(action_name)

        self._durable = durable
        self._host = QuietHost()
        self._lock = threading.Lock()
        self._sessions = itertools.count(1)
        self._fired: list[str] | None = None
        self._errors: list[BaseException] = []

    def _action(self, rule_id: str):
        def record(c):               # record only: side effects happen after, outside the engine
            try:
                self._fired.append(rule_id)
            except BaseException as exc:      # surfaced by match(); durable would swallow it
                self._errors.append(exc)
                raise
        return record

    def _ensure(self, name: str, definition: dict) -> None:
        if name not in self._host._ruleset_directory:
            self._host.register_rulesets({name: copy.deepcopy(definition)})   # Ruleset mutates it

    def _delete(self, name: str, sid: str) -> None:
        """Always delete the session (1024 live sessions is the limit); a session the engine
        never created (error 309) is not an error of its own."""
        try:
            self._host.delete_state(name, sid)
        except Exception as exc:
            if "309" not in str(exc):
                raise RulesError(f"durable_rules could not delete session {sid}: {exc}") from exc

    def match(self, name: str, definition: dict, fact: dict) -> list[str]:
        with self._lock:
            self._ensure(name, definition)
            sid = f"e{next(self._sessions)}"          # fresh session: at most 1024 live per ruleset
            self._fired, self._errors = [], []
            try:
                state = self._host.assert_fact(name, {**fact, "sid": sid})
            except self._durable.MessageNotHandledException as exc:
                raise RulesError(f"no rule (not even the catch-all) matched: {exc.message}") from None
            except Exception as exc:      # e.g. error 204: the engine could not read the fact
                raise RulesError(f"durable_rules refused the fact {fact!r}: {exc}") from exc
            finally:
                fired, errors, self._fired = self._fired, self._errors, None
                self._delete(name, sid)
            problem = (state or {}).get("exception") if isinstance(state, dict) else None
            if errors or problem:
                raise RuleActionFailed(f"a rule action failed in {name}: {errors[0] if errors else problem}")
            return [rule_id for rule_id in fired if rule_id != CATCH_ALL]


_shared: DurableMatcher | None = None
_shared_lock = threading.Lock()


def durable_matcher() -> DurableMatcher:
    """The process's single durable_rules host."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = DurableMatcher()
        return _shared


class PythonMatcher:
    """The compiled rulesets read in plain Python (no durable_rules): a reference and a fallback."""

    def match(self, name: str, definition: dict, fact: dict) -> list[str]:
        fired = []
        for rule in definition.values():
            if rule["run"] != CATCH_ALL and all(_test(c["m"], fact) for c in rule["all"]):
                fired.append(rule["run"])
        return fired


_COMPARE = {"$gte": lambda a, b: a >= b, "$lte": lambda a, b: a <= b, "$gt": lambda a, b: a > b,
            "$lt": lambda a, b: a < b, "$neq": lambda a, b: a != b, "$eq": lambda a, b: a == b}


def _compare(op: str, left, right) -> bool:
    try:
        return _COMPARE[op](left, right)
    except TypeError:                   # text against number: durable_rules does not match either
        return False


def _test(expr: dict, fact: dict) -> bool:
    for key, operand in expr.items():
        if key == "$and":
            ok = all(_test(e, fact) for e in operand)
        elif key == "$or":
            ok = any(_test(e, fact) for e in operand)
        elif key == "$ex":
            ok = all(f in fact for f in operand)
        elif key == "$nex":
            ok = all(f not in fact for f in operand)
        elif key in _COMPARE:
            (field, value), = operand.items()
            ok = field in fact and _compare(key, fact[field], value)   # durable: absent = no match
        else:
            ok = key in fact and fact[key] == operand
        if not ok:
            return False
    return True
