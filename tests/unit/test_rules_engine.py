"""The durable_rules adapter: the safe pattern of STACK-NOTES.md, hit policies in Python,
effective dates and dated parameters, explanations, and errors that are never swallowed."""
from __future__ import annotations

import copy
import threading
from datetime import datetime, timezone

import pytest

from chalicelib.rules import RuleActionFailed, RulesError
from chalicelib.rules.bundle import RulesBundle
from chalicelib.rules.matchers import DurableMatcher, durable_matcher
from chalicelib.rules.vocabulary import CATCH_ALL
from lampungin.rules.cases import compiled_bundle
from lampungin.rules.compiler import compile_bundle
from lampungin.rules.source import RULES_DIR, load_sources
from tests.rules.helpers import edit, rules_copy

AT = datetime(2026, 3, 1, 3, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def bundle():
    return compiled_bundle(RULES_DIR)


def missed(clock="followup", **extra):
    subject = "operator" if clock == "followup" else "opd"
    return {"event": "missed", "clock": clock, "subject_type": subject, "misses": 1, "opd_misses": 1,
            "answering": "person" if clock == "followup" else "opd",     # as sanction_facts says
            "hours_late": 2.5, "opd": "DINKES", "at": AT, **extra}


def test_every_ruleset_ends_with_a_lowest_priority_catch_all(bundle):
    for definition in bundle.data["rulesets"].values():
        catch_all = definition[CATCH_ALL]
        assert catch_all["pri"] > max(r["pri"] for n, r in definition.items() if n != CATCH_ALL)
        assert all(rule["run"] == name.split("#")[0] for name, rule in definition.items())


def test_a_fact_that_matches_no_rule_is_simply_no_decision(bundle):
    assert bundle.evaluate({"event": "unheard-of", "at": AT}) == []
    assert bundle.clock_actions({"event": "rated", "from_status": "resolved", "to_status": "closed", "at": AT}) == []


def test_sessions_are_deleted_so_the_1024_limit_is_never_reached(bundle):
    for i in range(3000):
        assert bundle.evaluate(missed(misses=1 + i % 2))[0].rule_id == "sanction.operator.miss"


def test_no_background_timer_threads():
    durable_matcher()
    assert not [t for t in threading.enumerate() if isinstance(t, threading.Timer)]


def test_priority_hit_policy_gives_one_sanction_the_heaviest(bundle):
    first, third = bundle.evaluate(missed(misses=1)), bundle.evaluate(missed(misses=3))
    assert [(d.rule_id, d.level) for d in first] == [("sanction.operator.miss", "teguran-lisan")]
    assert [(d.rule_id, d.level) for d in third] == [("sanction.operator.repeat", "teguran-tertulis")]
    matched = bundle.engine.match("sanctions", bundle.engine.fact(missed(misses=3), _fields())[0])
    assert set(matched) == {"sanction.operator.miss", "sanction.operator.repeat"}


def test_collect_hit_policy_adds_the_report(bundle):
    decisions = bundle.evaluate(missed("approval", misses=3))
    assert [(d.rule_id, d.subject_type, d.notify) for d in decisions] == [
        ("sanction.opd.miss", "opd", None), ("report.opd.repeat", "opd", "INSPEKTORAT")]


def test_first_hit_policy(tmp_path):
    rules = rules_copy(tmp_path)
    edit(rules / "sanctions" / "operator.yaml", "\nhit_policy: priority", "\nhit_policy: first")
    b = RulesBundle(compile_bundle(load_sources(rules)))
    assert [d.rule_id for d in b.evaluate(missed(misses=3))] == ["sanction.operator.miss"]


def test_warning_before_the_deadline(bundle):
    progress = {"event": "progress", "clock": "followup", "used_percent": 75, "at": AT}
    [warning] = bundle.evaluate(progress)
    assert (warning.rule_id, warning.level, warning.subject_type) == ("warning.followup", "peringatan", "operator")
    assert bundle.evaluate({**progress, "used_percent": 74.99}) == []
    assert bundle.evaluate({**progress, "used_percent": 100}) == []


def test_decisions_explain_rule_reference_facts_parameters_and_version(bundle):
    [d] = bundle.evaluate(missed(misses=3))
    for lang, word in (("id", "Fakta"), ("en", "Facts")):
        text = d.explanation[lang]
        assert "sanction.operator.repeat" in text and d.reference in text and bundle.version in text
        assert f"{word}: event=missed, clock=followup, misses=3" in text
        assert "sanctions.operator_written_warning_after = 3" in text
    assert d.facts["misses"] == 3 and d.facts["at"] == AT.isoformat() and d.rules_version == bundle.version


def test_dated_parameters_and_effective_dates_are_compiled_into_periods(tmp_path):
    rules = rules_copy(tmp_path)
    path = rules / "parameters" / "sanctions.yaml"
    text = path.read_text()
    anchor = text.index("\n", text.index("reference:", text.index("operator_written_warning_after"))) + 1
    path.write_text(text[:anchor] + "    2026-07-01:\n      value: 2\n      reference: Pergub perubahan\n"
                    + text[anchor:])
    edit(rules / "sanctions" / "opd.yaml", "effective: {from: 2025-01-01}",
         "effective: {from: 2025-01-01, until: 2027-01-01}")
    b = RulesBundle(compile_bundle(load_sources(rules)))
    assert {"sanction.operator.repeat#1", "sanction.operator.repeat#2"} <= set(b.data["rulesets"]["sanctions"])
    june, july = datetime(2026, 6, 30, 16, 59, tzinfo=timezone.utc), datetime(2026, 6, 30, 17, 0, tzinfo=timezone.utc)
    assert b.evaluate(missed(misses=2, at=june))[0].rule_id == "sanction.operator.miss"
    [d] = b.evaluate(missed(misses=2, at=july))                    # 2026-07-01 00:00 WIB
    assert d.rule_id == "sanction.operator.repeat" and "Pergub perubahan" in d.explanation["en"]
    assert b.evaluate(missed("approval", at=datetime(2027, 1, 1, tzinfo=timezone.utc))) == []


def test_facts_need_a_time_and_proper_numbers(bundle):
    with pytest.raises(RulesError, match="facts need 'at'"):
        bundle.evaluate({"event": "missed", "clock": "followup"})
    with pytest.raises(RulesError, match="must be a number"):
        bundle.evaluate(missed(misses="3"))
    with pytest.raises(RulesError, match="finite"):
        bundle.evaluate(missed(hours_late=float("nan")))
    # durable_rules' parser rejects exponent notation (1e-05): the adapter writes plain numbers
    assert bundle.evaluate({"event": "progress", "clock": "followup", "used_percent": 1e-05, "at": AT}) == []
    assert bundle.evaluate(missed(hours_late=1e20))[0].rule_id == "sanction.operator.miss"


def test_exceptions_inside_actions_are_raised_not_swallowed(bundle):
    class Failing(DurableMatcher):
        def _action(self, rule_id):
            def boom(c):
                raise ValueError("boom in " + rule_id)
            return boom

    name, definition = bundle.engine.rulesets["sanctions"]
    fact = bundle.engine.fact(missed(), _fields())[0]
    with pytest.raises(RuleActionFailed, match="boom in"):
        Failing().match(name + "_failing", definition, fact)


def test_the_compiled_definition_is_not_mutated(bundle):
    before = copy.deepcopy(bundle.data["rulesets"])
    bundle.evaluate(missed())
    assert bundle.data["rulesets"] == before


def test_clock_actions_apply_stop_before_start(bundle):
    actions = bundle.clock_actions({"event": "returned", "from_status": "followed_up",
                                    "to_status": "assigned", "at": AT})
    assert [(a.clock, a.action, a.rule_id) for a in actions] == [
        ("approval", "stop", "approval.stop"), ("followup", "start", "followup.start")]


def _fields():
    from chalicelib.rules.vocabulary import SANCTION_FIELDS
    return SANCTION_FIELDS
