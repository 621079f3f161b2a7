"""The public league table: counts and rates from clocks, and a ranking that small samples cannot
win or lose by chance."""
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

from chalicelib.domain.clocks import Clock, ClockPolicy
from chalicelib.services.stats import opd_table, wilson_lower

T0 = datetime(2026, 11, 1, 2, 0, tzinfo=timezone.utc)
H = timedelta(hours=1)
POLICY = ClockPolicy(24.0, "calendar", frozenset(), 75.0, {}, "")


def followup(cid, opd, hours_taken, *, running=False):
    due = T0 + 24 * H
    if running:
        return Clock(cid, "followup", 1, opd, T0, POLICY, "running", due, 0, None, None)
    return Clock(cid, "followup", 1, opd, T0, POLICY, "stopped", due, 0, T0 + hours_taken * H, "followed_up")


def table(clocks, sanctions=None):
    opds = {code: SimpleNamespace(name=code) for code in ("BIG", "SMALL", "BAD", "NONE")}
    return opd_table(opds, lambda opd, since: [c for c in clocks if c.opd == opd],
                     lambda opd, since: (sanctions or {}).get(opd, 0), T0 + 30 * 24 * H)


def test_counts_rates_and_medians():
    clocks = [followup(f"B{i}", "BIG", 2 if i < 27 else 30) for i in range(30)]
    clocks.append(followup("B-open", "BIG", 0, running=True))          # overdue now: late
    row = next(r for r in table(clocks, {"BIG": 4})["opds"] if r["opd"] == "BIG")
    assert row["complaints"] == 31 and row["sanctions"] == 4
    assert row["followup"] == {"decided": 31, "on_time": 27, "late": 4, "on_time_rate": 0.871,
                               "median_hours": 2.0}
    assert row["approval"]["decided"] == 0 and row["approval"]["on_time_rate"] is None


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


def test_the_league_table_service_reads_clocks_and_counts_sanctions_page_by_page():
    from chalicelib.domain.sanctions import Sanction
    from chalicelib.services.stats import league_table
    from tests.fakes_deadlines import FakeClockRepository, FakeSanctionRepository

    clocks, sanctions = FakeClockRepository(), FakeSanctionRepository()
    for i in range(12):
        clocks.put(followup(f"B{i}", "BIG", 2), basis_seq=2, next_check_at=None, rules_version="v")
    for n in range(230):                         # more than two pages of 100
        sanctions.add(Sanction(
            id=f"S{n:03d}", kind="sanction", complaint_id=f"B{n % 12}", subject_type="operator",
            subject_id="op-1", opd="BIG", rule_id="r", level="teguran-lisan", clock="followup",
            clock_key="followup#000001", due_at=T0, issued_at=T0 + n * H / 10, hours_late=1.0,
            rules_version="v", reference="", explanation={}, facts={}))
    opds = {code: SimpleNamespace(name=code) for code in ("BIG", "NONE")}
    rows = {r["opd"]: r for r in league_table(opds, clocks, sanctions, T0 + 30 * 24 * H)["opds"]}
    assert rows["BIG"]["sanctions"] == 230 and rows["BIG"]["complaints"] == 12
    assert rows["BIG"]["rank"] == 1 and rows["NONE"]["sanctions"] == 0
    assert sanctions.calls["list"] == 3 + 1 and clocks.calls["for_opd"] == 2


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

    clocks, sanctions = FakeClockRepository(), FakeSanctionRepository()
    for c in [followup(f"A{i}", "BIG", 2) for i in range(12)] + \
             [replace(followup(f"D{i}", "BIG", 30), channel="desk") for i in range(4)]:
        clocks.put(c, basis_seq=2, next_check_at=None, rules_version="v")
    for n, cid in enumerate(["D0", "D1", "A0"]):
        sanctions.add(Sanction(
            id=f"S{n}", kind="sanction", complaint_id=cid, subject_type="operator", subject_id="op-1",
            opd="BIG", rule_id="r", level="teguran-lisan", clock="followup", clock_key="followup#000001",
            due_at=T0, issued_at=T0 + n * H, hours_late=6.0, rules_version="v", reference="",
            explanation={}, facts={}))
    opds = {"BIG": SimpleNamespace(name="BIG")}
    everything = league_table(opds, clocks, sanctions, T0 + 30 * 24 * H)["opds"][0]
    desk = league_table(opds, clocks, sanctions, T0 + 30 * 24 * H, channel="desk")
    row = desk["opds"][0]
    assert (everything["complaints"], everything["sanctions"]) == (16, 3)
    assert (row["complaints"], row["sanctions"], row["followup"]["late"]) == (4, 2, 4)
    assert row["channels"] == {"app": 12, "desk": 4} and desk["channel"] == "desk"   # where they come from: all
