"""How late, and how long, in each language (issue 14, part 4): a miss recorded at the due instant
says so plainly instead of "(0 jam terlambat)", lateness under an hour is said in minutes, and a
number carries its language's decimal mark (1,5 jam / 1.5 hours) wherever the rules explain
themselves (sanction explanations and summaries, clock lengths, what-if scores, coverage)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from chalicelib.rules.clock_time import describe_length
from chalicelib.rules.explanations import late_text, number_text, show
from lampungin.rules.cases import compiled_bundle
from lampungin.rules.coverage import shown
from lampungin.rules.source import RULES_DIR
from lampungin.rules.whatif import decimal

AT = datetime(2026, 3, 1, 3, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(("hours", "indonesian", "english"), [
    (0, "tercatat tepat pada batas waktu", "recorded at the deadline"),
    (0.0, "tercatat tepat pada batas waktu", "recorded at the deadline"),
    (0.005, "kurang dari 1 menit terlambat", "less than a minute late"),
    (1 / 60, "1 menit terlambat", "1 minute late"),
    (0.25, "15 menit terlambat", "15 minutes late"),
    (0.999, "1 jam terlambat", "1 hour late"),
    (1, "1 jam terlambat", "1 hour late"),
    (1.5, "1,5 jam terlambat", "1.5 hours late"),
    (25.25, "25,25 jam terlambat", "25.25 hours late"),
    (72, "72 jam terlambat", "72 hours late"),
])
def test_lateness_in_words(hours, indonesian, english):
    assert late_text(hours, "id") == indonesian and late_text(hours, "en") == english


def test_numbers_carry_their_languages_decimal_mark():
    assert [number_text(v, "id") for v in (3, 3.0, 1.5, 0.125)] == ["3", "3", "1,5", "0,12"]
    assert [number_text(v, "en") for v in (3, 3.0, 1.5, 0.125)] == ["3", "3", "1.5", "0.12"]
    assert (show(True, "id"), show(False, "en"), show("desk", "id")) == ("ya", "no", "desk")
    assert describe_length(1.5, "calendar") == ("1,5 jam kalender", "1.5 calendar hours")
    assert describe_length(36, "working_days") == ("36 jam pada hari kerja", "36 hours on working days")
    assert describe_length(72, "working_days") == ("3 hari kerja", "3 working days")
    assert (decimal(0.7, "id"), decimal(0.7, "en")) == ("0,700", "0.700")
    assert (shown(38.06, "id"), shown(38.06, "en"), shown(79.96)) == ("38,0", "38,0".replace(",", "."), "79.9")


@pytest.fixture(scope="module")
def bundle():
    return compiled_bundle(RULES_DIR)


def missed(hours_late: float, clock: str = "followup") -> dict:
    subject = "operator" if clock == "followup" else "opd"
    return {"event": "missed", "clock": clock, "subject_type": subject, "misses": 1, "opd_misses": 1,
            "answering": "person" if clock == "followup" else "opd", "hours_late": hours_late, "opd": "DINKES",
            "at": AT}


@pytest.mark.parametrize("clock", ["followup", "approval"])
def test_a_miss_at_the_due_instant_is_said_plainly(bundle, clock):
    """The sweep decides a miss at the instant it falls due (hours_late 0): never "0 jam terlambat"."""
    [decision] = bundle.evaluate(missed(0, clock))
    for text in (decision.explanation, decision.summary):
        assert "(tercatat tepat pada batas waktu)" in text["id"] and "(recorded at the deadline)" in text["en"]
        assert "0 jam" not in text["id"] and "0 hours" not in text["en"] and "{late}" not in text["id"] + text["en"]


def test_lateness_and_facts_follow_the_readers_decimal_mark(bundle):
    [decision] = bundle.evaluate(missed(1.5))
    assert "(1,5 jam terlambat)" in decision.summary["id"] and "(1.5 hours late)" in decision.summary["en"]
    assert "hours_late=1,5" in decision.explanation["id"] and "hours_late=1.5" in decision.explanation["en"]
    [decision] = bundle.evaluate(missed(0.5))
    assert "(30 menit terlambat)" in decision.summary["id"] and "(30 minutes late)" in decision.summary["en"]
    assert decision.facts["hours_late"] == 0.5                  # the fact itself stays a number


def test_a_warning_does_not_list_a_lateness_it_cannot_have(bundle):
    [warning] = bundle.evaluate({"event": "progress", "clock": "followup", "subject_type": "operator",
                                 "used_percent": 80.5, "hours_late": 0, "opd": "DINKES", "at": AT})
    assert "used_percent=80,5" in warning.explanation["id"] and "used_percent=80.5" in warning.explanation["en"]
    assert "hours_late" not in warning.explanation["id"] + warning.explanation["en"]
    assert "80,5 persen" in warning.summary["id"] and "80.5 percent" in warning.summary["en"]
