"""The public league table: counts and rates from the day counters the stored clocks, sanctions
and supports keep (domain/league.py), a ranking that small samples cannot win or lose by chance,
and one store read per OPD whatever the volume."""
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

from chalicelib.domain.clocks import Clock, ClockPolicy
from chalicelib.services.stats import wilson_lower

T0 = datetime(2026, 11, 1, 2, 0, tzinfo=timezone.utc)
H = timedelta(hours=1)
POLICY = ClockPolicy(24.0, "calendar", frozenset(), 75.0, {}, "")


def followup(cid, opd, hours_taken, *, running=False):
    due = T0 + 24 * H
    if running:
        return Clock(cid, "followup", 1, opd, T0, POLICY, "running", due, 0, None, None)
    return Clock(cid, "followup", 1, opd, T0, POLICY, "stopped", due, 0, T0 + hours_taken * H, "followed_up")


def stored(clocks, *, settled=(), sanctions=None):
    """The clocks as the stream stores them (each its complaint's first follow-up), the sweep's
    recorded misses (`settled`: complaint ids) and `sanctions` ({opd: n}) in the fakes."""
    from chalicelib.domain.sanctions import Sanction
    from tests.fakes_deadlines import FakeClockRepository, FakeSanctionRepository

    repo = FakeClockRepository()
    book = FakeSanctionRepository(league=repo.league)
    for c in clocks:
        repo.put(c, basis_seq=2, next_check_at=None, rules_version="v", counts_complaint=c.name == "followup")
        if c.complaint_id in settled:
            repo.mark(c.complaint_id, c.key, next_check_at=None, settled_at=c.due_at)
    for opd, n in (sanctions or {}).items():
        for i in range(n):
            book.add(Sanction(
                id=f"{opd}{i}", kind="sanction", complaint_id=f"{opd}-{i}", subject_type="operator",
                subject_id="op-1", opd=opd, rule_id="r", level="teguran-lisan", clock="followup",
                clock_key="followup#000001", due_at=T0, issued_at=T0 + H, hours_late=1.0, rules_version="v",
                reference="", explanation={}, facts={}))
    return repo


def table(clocks, sanctions=None, settled=()):
    from chalicelib.services.stats import league_table

    opds = {code: SimpleNamespace(name=code) for code in ("BIG", "SMALL", "BAD", "NONE")}
    return league_table(opds, stored(clocks, settled=settled, sanctions=sanctions), T0 + 30 * 24 * H)


def test_counts_rates_and_medians():
    clocks = [followup(f"B{i}", "BIG", 2 if i < 27 else 30) for i in range(30)]
    clocks.append(followup("B-open", "BIG", 0, running=True))          # overdue, its miss recorded: late
    clocks.append(followup("B-new", "BIG", 0, running=True))           # not yet recorded: pending
    row = next(r for r in table(clocks, {"BIG": 4}, settled={"B-open"})["opds"] if r["opd"] == "BIG")
    assert row["complaints"] == 32 and row["sanctions"] == 4
    assert row["followup"] == {"decided": 31, "on_time": 27, "late": 4, "on_time_rate": 0.871,
                               "median_hours": 2.0}
    assert row["approval"]["decided"] == 0 and row["approval"]["on_time_rate"] is None


def test_the_median_is_exact_to_the_tenth_of_an_hour_even_or_odd():
    rows = table([followup(f"B{i}", "BIG", h) for i, h in enumerate((1.5, 2.25, 3.0, 40.0))])["opds"]
    assert next(r for r in rows if r["opd"] == "BIG")["followup"]["median_hours"] == 2.6     # (2.2 + 3.0) / 2
    rows = table([followup(f"B{i}", "BIG", h) for i, h in enumerate((1.5, 2.25, 3.0))])["opds"]
    assert next(r for r in rows if r["opd"] == "BIG")["followup"]["median_hours"] == 2.2


def test_three_perfect_complaints_do_not_top_thirty_good_ones():
    clocks = [followup(f"B{i}", "BIG", 2 if i < 28 else 30) for i in range(30)]      # 93 %
    clocks += [followup(f"S{i}", "SMALL", 1) for i in range(3)]                       # 100 % of 3
    clocks += [followup(f"X{i}", "BAD", 30 if i < 15 else 1) for i in range(20)]      # 25 %
    rows = {r["opd"]: r for r in table(clocks)["opds"]}
    assert rows["BIG"]["rank"] == 1 and rows["BAD"]["rank"] == 2
    assert rows["SMALL"]["rank"] is None and rows["SMALL"]["enough_data"] is False
    assert rows["NONE"]["rank"] is None and rows["NONE"]["complaints"] == 0
    assert wilson_lower(3, 3) < wilson_lower(28, 30)


def test_wilson_lower_bound():
    assert wilson_lower(0, 0) == 0.0
    assert 0.0 < wilson_lower(5, 10) < 0.5 < wilson_lower(95, 100) < 0.95


def test_one_computation_reads_each_opds_counters_once_whatever_the_volume():
    """Issue 16: the table reads one small item per OPD per day (one store call per OPD), not the
    window's clocks, sanctions or supporters."""
    for n in (12, 240):
        repo = stored([followup(f"B{i}", "BIG", 2) for i in range(n)], sanctions={"BIG": 230})
        repo.calls.clear()
        from chalicelib.services.stats import league_table
        opds = {code: SimpleNamespace(name=code) for code in ("BIG", "NONE")}
        rows = {r["opd"]: r for r in league_table(opds, repo, T0 + 30 * 24 * H)["opds"]}
        assert rows["BIG"]["sanctions"] == 230 and rows["BIG"]["complaints"] == n
        assert rows["BIG"]["rank"] == 1 and rows["NONE"]["sanctions"] == 0
        assert dict(repo.calls) == {"league_days": 2}
        assert len(repo.league.days) == 1             # one day's item for all of it


def test_a_replayed_or_retried_write_counts_nothing_twice():
    repo = stored([followup("B0", "BIG", 2)])
    before = dict(repo.league.days)
    clock = followup("B0", "BIG", 2)
    for _ in range(3):       # the stream again, an older derivation, the sweep's flags
        repo.put(clock, basis_seq=2, next_check_at=None, rules_version="v", counts_complaint=True)
        repo.put(clock, basis_seq=1, next_check_at=None, rules_version="v", counts_complaint=True)
        repo.mark("B0", clock.key, next_check_at=None)
    assert repo.league.days == before
    assert sum(before[("BIG", "2026-11-01")].values()) == 3      # a complaint, on time, its duration


def test_a_clock_that_runs_late_moves_from_pending_to_late_to_its_ending():
    from dataclasses import replace

    running = followup("B0", "BIG", 0, running=True)
    repo = stored([running])
    figures = lambda: repo.league_days("BIG", "2026-11-01", "2026-11-01")[0]       # noqa: E731
    assert figures() == {"c_app": 1}
    repo.mark("B0", running.key, next_check_at=None, settled_at=running.due_at)     # the sweep's miss
    assert figures() == {"c_app": 1, "f_late_app": 1}
    late = replace(running, state="stopped", ended_at=T0 + 30 * H, ended_by="followed_up")
    repo.put(late, basis_seq=3, next_check_at=None, rules_version="v", counts_complaint=True)
    assert figures() == {"c_app": 1, "f_late_app": 1, "f_h300_app": 1}         # late stays late


def test_each_row_counts_its_complaints_per_channel_and_the_table_totals_them():
    from dataclasses import replace
    clocks = [followup(f"A{i}", "BIG", 2) for i in range(5)]
    clocks += [replace(followup(f"D{i}", "BIG", 30), channel="desk") for i in range(3)]
    clocks += [replace(followup("P0", "SMALL", 1), channel="phone")]
    clocks += [replace(followup("D0", "BIG", 30), name="approval", seq=4, channel="desk")]   # same complaint
    result = table(clocks)
    rows = {r["opd"]: r for r in result["opds"]}
    assert rows["BIG"]["channels"] == {"app": 5, "desk": 3} and rows["SMALL"]["channels"] == {"phone": 1}
    assert rows["NONE"]["channels"] == {}
    assert result["channels"] == {"app": 5, "desk": 3, "phone": 1} and result["channel"] is None


def test_one_channel_ranks_on_its_own_complaints_and_their_sanctions_only():
    from dataclasses import replace

    from chalicelib.domain.sanctions import Sanction
    from chalicelib.services.stats import league_table
    from tests.fakes_deadlines import FakeClockRepository, FakeSanctionRepository

    clocks = FakeClockRepository()
    sanctions = FakeSanctionRepository(league=clocks.league)
    for c in [followup(f"A{i}", "BIG", 2) for i in range(12)] + \
             [replace(followup(f"D{i}", "BIG", 30), channel="desk") for i in range(4)]:
        clocks.put(c, basis_seq=2, next_check_at=None, rules_version="v", counts_complaint=True)
    for n, (cid, channel) in enumerate([("D0", "desk"), ("D1", "desk"), ("A0", "app")]):
        sanctions.add(Sanction(
            id=f"S{n}", kind="sanction", complaint_id=cid, subject_type="operator", subject_id="op-1",
            opd="BIG", rule_id="r", level="teguran-lisan", clock="followup", clock_key="followup#000001",
            due_at=T0, issued_at=T0 + n * H, hours_late=6.0, rules_version="v", reference="",
            explanation={}, facts={}), channel=channel)
    opds = {"BIG": SimpleNamespace(name="BIG")}
    everything = league_table(opds, clocks, T0 + 30 * 24 * H)["opds"][0]
    desk = league_table(opds, clocks, T0 + 30 * 24 * H, channel="desk")
    row = desk["opds"][0]
    assert (everything["complaints"], everything["sanctions"]) == (16, 3)
    assert (row["complaints"], row["sanctions"], row["followup"]["late"]) == (4, 2, 4)
    assert row["channels"] == {"app": 12, "desk": 4} and desk["channel"] == "desk"   # where they come from: all


def test_a_days_histogram_is_bounded_by_the_range_of_durations_not_the_volume():
    from chalicelib.domain.league import duration_bucket

    assert duration_bucket(2.25 * 3600) == 22 and duration_bucket(23.94 * 3600) == 239
    assert duration_bucket(30.4 * 3600) == 300 and duration_bucket(30.6 * 3600) == 310
    assert duration_bucket(-5) == 0
    buckets = {duration_bucket(s) for s in range(0, 80 * 3600, 7)}       # 41,000 durations up to 80 h
    assert len(buckets) == 240 + (80 - 24) + 1


# --- the same figures per month (GET /v1/stats/opds/monthly) ---------------------------------------
def test_last_months_cross_the_year_oldest_first():
    from datetime import date

    from chalicelib.domain.league import last_months
    assert last_months(date(2026, 2, 28), 4) == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert last_months(date(2026, 12, 1), 1) == ["2026-12"]
    assert len(last_months(date(2026, 1, 31), 24)) == 24


def test_a_months_median_and_rates_add_up_over_opds_and_days():
    from chalicelib.domain.league import monthly_figures
    days = [("2026-10-31", {"c_app": 1, "f_on_app": 1, "f_h10_app": 1}),                 # 1.0 h
            ("2026-11-01", {"c_app": 2, "f_on_app": 1, "f_late_web": 1, "f_h30_app": 1, "s_app": 1}),
            ("2026-11-30", {"c_web": 1, "f_on_web": 1, "f_h50_web": 1, "a_on_app": 1, "a_h200_app": 1}),
            ("2026-09-30", {"c_app": 9})]                                                  # outside: ignored
    oct_, nov = monthly_figures(days, ["2026-10", "2026-11"])
    assert oct_["complaints"] == 1 and oct_["followup"]["median_hours"] == 1.0
    assert nov["complaints"] == 3 and nov["sanctions"] == 1
    assert nov["followup"] == {"decided": 3, "on_time": 2, "late": 1, "on_time_rate": 0.667, "median_hours": 4.0}
    assert nov["approval"]["median_hours"] == 20.0 and nov["approval"]["on_time_rate"] == 1.0


def test_the_months_read_each_opds_counters_once_whatever_the_volume_or_the_months():
    """Like the league table: one store call per OPD per computation (one Query of at most one
    small item per day), not the clocks, sanctions or supports of the months."""
    from chalicelib.services.stats import monthly_table
    for n, months in ((12, 2), (240, 12), (240, 24)):        # now: 1 December
        repo = stored([followup(f"B{i}", "BIG", 2) for i in range(n)], sanctions={"BIG": 7})
        repo.calls.clear()
        opds = {code: SimpleNamespace(name=code) for code in ("BIG", "NONE", "OTHER")}
        table = monthly_table(opds, repo, T0 + 30 * 24 * H, months)
        assert dict(repo.calls) == {"league_dated_days": 3}
        assert len(table["months"]) == months and table["opd_count"] == 3
        nov = next(m for m in table["months"] if m["month"] == "2026-11")
        assert nov["complaints"] == n and nov["sanctions"] == 7 and nov["followup"]["on_time"] == n


def test_a_month_is_cut_to_the_public_allow_list():
    from chalicelib.domain.policy import PUBLIC_MONTH_FIELDS, public_month
    month = public_month({"month": "2026-11", "complaints": 1, "channels": {"app": 1}, "supporters": 3,
                          "sanctions": 0, "followup": {"decided": 1, "secret": 2}, "approval": {}})
    assert set(month) == PUBLIC_MONTH_FIELDS and month["followup"] == {"decided": 1}
