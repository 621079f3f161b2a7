"""Deadline arithmetic: calendar, working days and working hours in WIB, pauses, dated parameters.

The model is FixMyStreet's small working-days helper with injected holidays: pure functions,
time always an argument, holidays from the compiled bundle.
"""
from __future__ import annotations

import copy
from datetime import date, datetime, timedelta, timezone

import pytest

from chalicelib.domain.clocks import replay
from chalicelib.domain.model import Event
from chalicelib.rules import CalendarLapsed
from chalicelib.rules.bundle import RulesBundle
from chalicelib.rules.schedule import BundleSchedule
from lampungin.rules.cases import compiled_bundle, parse_when
from lampungin.rules.source import RULES_DIR

UTC = timezone.utc


def wib(text: str) -> datetime:
    return parse_when(text)[0]


@pytest.fixture(scope="module")
def bundle():
    return compiled_bundle(RULES_DIR)


def variant(bundle, **values) -> RulesBundle:
    """The bundle with some parameters given a single value, or extra dated values."""
    data = copy.deepcopy(bundle.data)
    for name, value in values.items():
        name = name.replace("__", ".")
        if isinstance(value, list):                       # [(from, value), ...] appended
            data["parameters"][name]["values"] += [{"from": d, "value": v, "reference": "test"} for d, v in value]
        else:
            data["parameters"][name]["values"] = [{"from": "2025-01-01", "value": value, "reference": "test"}]
    return RulesBundle(data)


def test_calendar_mode_is_plain_hours(bundle):
    assert bundle.due_at("followup", wib("Jumat 2026-01-09 16:00")) == wib("Sabtu 2026-01-10 16:00")
    assert bundle.due_at("approval", wib("Jumat 2026-01-09 16:00")) == wib("Senin 2026-01-12 16:00")


def test_working_days_skip_weekends_holidays_and_cuti_bersama(bundle):
    cal = bundle.calendar
    assert not cal.is_working_day(date(2026, 3, 20))        # cuti bersama Idul Fitri
    assert not cal.is_working_day(date(2026, 8, 17))        # Hari Kemerdekaan
    assert not cal.is_working_day(date(2026, 3, 28))        # Saturday
    assert cal.is_working_day(date(2026, 3, 25))
    three_days = variant(bundle, clocks__approval__mode="working_days")
    assert three_days.due_at("approval", wib("Selasa 2026-03-17 15:00")) == wib("Jumat 2026-03-27 15:00")


def test_working_hours_count_office_hours_only(bundle):
    b = variant(bundle, clocks__followup__hours=8, clocks__followup__mode="working_hours")
    # office hours 07:30-16:00, Jumat until 16:30 (calendar.yaml office_hours)
    assert b.due_at("followup", wib("Jumat 2026-01-09 16:00")) == wib("Senin 2026-01-12 15:00")
    assert b.due_at("followup", wib("Sabtu 2026-01-10 11:00")) == wib("Senin 2026-01-12 15:30")
    longer = variant(bundle, clocks__followup__hours=8.5, clocks__followup__mode="working_hours")
    # a budget that ends exactly at closing time is due then, not at next opening
    assert longer.due_at("followup", wib("Jumat 2026-01-09 08:00")) == wib("Jumat 2026-01-09 16:30")
    assert longer.due_at("followup", wib("Jumat 2026-01-09 07:30")) == wib("Jumat 2026-01-09 16:00")


def test_pauses_give_back_the_time_they_took(bundle):
    """The engine the Lambdas run: a pause (waiting for the citizen) is given back, an open pause
    has no deadline, the 75 % warning moves with the pause."""
    start = wib("Senin 2026-02-02 08:00")
    paused, resumed = wib("Senin 2026-02-02 20:00"), wib("Rabu 2026-02-04 10:00")
    events = [Event("C", 1, start, "submitted", "citizen", data={"opd": "BMBK"}),
              Event("C", 2, paused, "info_requested", "operator"),
              Event("C", 3, resumed, "citizen_replied", "citizen")]
    schedule = BundleSchedule(bundle)
    [running] = replay("C", events, schedule)
    assert running.due_at == wib("Rabu 2026-02-04 22:00") and running.state == "running"
    assert running.warning_at == wib("Rabu 2026-02-04 16:00")          # 18 of 24 hours used
    [waiting] = replay("C", events[:2], schedule)
    assert waiting.state == "paused" and waiting.due_at is None and waiting.remaining_seconds == 12 * 3600


def test_time_is_counted_in_wib_not_utc(bundle):
    b = variant(bundle, clocks__followup__hours=24, clocks__followup__mode="working_days")
    # 2026-01-09 20:00 UTC is Saturday 03:00 WIB: nothing counts until Monday
    assert b.due_at("followup", datetime(2026, 1, 9, 20, 0, tzinfo=UTC)) == wib("Selasa 2026-01-13 00:00")


def test_working_time_past_the_compiled_calendar_is_refused(bundle):
    b = variant(bundle, clocks__followup__mode="working_days")
    with pytest.raises(CalendarLapsed, match="extend rules/calendar/calendar.yaml"):
        b.due_at("followup", wib("2030-12-31 10:00"))
    assert bundle.due_at("followup", wib("2031-06-01 10:00")) == wib("2031-06-02 10:00")


def test_naive_times_are_refused(bundle):
    with pytest.raises(ValueError, match="naive"):
        bundle.due_at("followup", datetime(2026, 1, 1, 9, 0))


def test_a_clock_keeps_the_parameters_in_force_when_it_started(bundle):
    b = variant(bundle, clocks__followup__hours=[("2026-07-01", 12)])
    before = wib("Selasa 2026-06-30 23:59")
    after = wib("Rabu 2026-07-01 00:00")
    assert b.clock_policy("followup", before).hours == 24
    assert b.due_at("followup", before) == before + timedelta(hours=24)
    policy = b.clock_policy("followup", after)
    assert (policy.hours, policy.params_version, policy.references["clocks.followup.hours"]) == (
        12, "followup@2026-07-01", "test")


def test_regional_days_off_and_working_days_after_all(tmp_path):
    from tests.rules.helpers import edit, rules_copy
    rules = rules_copy(tmp_path)
    edit(rules / "calendar" / "regional.yaml", "add: []\nremove: []", (
        "add:\n  - {date: 2026-03-18, name: HUT Provinsi Lampung (contoh), reference: Kepgub contoh}\n"
        "remove:\n  - {date: 2026-03-24, name: Masuk kerja (contoh), reference: Kepgub contoh}\n"))
    edit(rules / "calendar" / "regional.yaml", "  - date: 2026-03-18", "  - date: 2026-03-18", count=0)
    cal = compiled_bundle(rules).calendar
    assert cal.holidays[date(2026, 3, 18)]["source"] == "regional"
    assert cal.is_working_day(date(2026, 3, 24))
