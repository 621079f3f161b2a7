"""`lampungin rules whatif` and `lampungin export` (issue 14, part 5).

GIVEN recorded histories WHEN they are replayed under proposed rules THEN the report says exactly
what changes: nothing for identical rules; for a follow-up deadline halved from a date, exactly the
sanctions and warnings a plain reading of the rule predicts (computed here independently, without
the engine); misses counted in time order across complaints; memory that does not grow with the
number of histories. The export writes nothing that names or quotes a person.
"""
from __future__ import annotations

import gc
import importlib.util
import io
import json
import tracemalloc
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from chalicelib.domain.times import WIB
from lampungin.cli import main
from lampungin.export import histories as export_histories
from lampungin.export import pseudonymiser
from lampungin.rules.cases import compiled_bundle
from lampungin.rules.cli_whatif import Progress
from lampungin.rules.source import RULES_DIR
from lampungin.rules.whatif import HistoryError, Rules, Side, parse_history, read_file, whatif
from tests.rules.helpers import rules_copy


def _benchmark():
    """benchmarks/whatif_memory.py (a script, not a package: loaded by its path), whose generator
    and measurement the memory test runs at a small size."""
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "whatif_memory.py"
    spec = importlib.util.spec_from_file_location("whatif_memory", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BENCHMARK = _benchmark()
halved_rules, measure, write_export = BENCHMARK.halved_rules, BENCHMARK.measure, BENCHMARK.write_export
AS_OF = datetime(2027, 1, 1, tzinfo=timezone.utc)
HALVED = datetime(2026, 2, 1, tzinfo=WIB)              # the new dated value: 12 hours from this day
START = datetime(2026, 1, 30, 0, 0, tzinfo=WIB)
FOLLOW_UP_AFTER = [1, 8, 9, 9.5, 11.9, 12, 12.5, 17, 18, 18.5, 23, 24, 25, 30]    # hours after filing


# --- histories, written as `lampungin export` writes them -------------------------------------------
def iso(at: datetime) -> str:
    return at.astimezone(timezone.utc).isoformat()


def line(cid: str, filed: datetime, steps: list[tuple[float, str, str, str | None]], opd: str = "BAPENDA",
         category: str = "pajak-kendaraan") -> dict:
    """steps: (hours after filing, event, role, actor pseudonym)."""
    events = [{"seq": 1, "at": iso(filed), "type": "submitted", "actor_role": "citizen",
               "data": {"opd": opd, "category": category}}]
    for hours, kind, role, actor in steps:
        item = {"seq": len(events) + 1, "at": iso(filed + timedelta(hours=hours)), "type": kind,
                "actor_role": role, "data": {}}
        if actor:
            item["actor"] = actor
        events.append(item)
    return {"id": cid, "category": category, "opd": opd, "created_at": iso(filed), "events": events}


def simple_histories() -> list[dict]:
    """Every 53 minutes from 30 January: claimed by an operator of its own (so no miss is ever a
    repeat), followed up after one of FOLLOW_UP_AFTER hours, approved two hours later."""
    out = []
    for i in range(120):
        filed = START + timedelta(minutes=53 * i)
        d = FOLLOW_UP_AFTER[i % len(FOLLOW_UP_AFTER)]
        out.append(line(f"ADU-UJI-{i:04d}", filed, [
            (0.1, "claimed", "operator", f"staf-op-{i}"), (d, "followed_up", "operator", f"staf-op-{i}"),
            (d + 2, "approved", "supervisor", "staf-kepala")]))
    return out


def write(path: Path, lines: list[dict]) -> Path:
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    return path


def expected(lines: list[dict], halved: bool) -> set[tuple[str, str]]:
    """Plain Python, no engine: (complaint, rule) of every decision rules/ describes. The follow-up
    clock runs from filing (24 hours; 12 for a clock started on or after HALVED when halved); a
    follow-up later than that is a miss (exactly at the deadline is in time), and the sweep warns
    when 75 % of the time is used, if the follow-up has not come by then."""
    out = set()
    for x in lines:
        filed = datetime.fromisoformat(x["created_at"])
        followed = next(datetime.fromisoformat(e["at"]) for e in x["events"] if e["type"] == "followed_up")
        d = (followed - filed).total_seconds() / 3600
        hours = 12 if halved and filed.astimezone(WIB).date() >= HALVED.date() else 24
        if d > hours:
            out.add((x["id"], "sanction.operator.miss"))
        if d > 0.75 * hours:
            out.add((x["id"], "warning.followup"))
    return out


@pytest.fixture(scope="module")
def baseline() -> Rules:
    return Rules(str(RULES_DIR), compiled_bundle(RULES_DIR))


@pytest.fixture(scope="module")
def halved(tmp_path_factory) -> Rules:
    folder = halved_rules(tmp_path_factory.mktemp("halved"))
    return Rules(str(folder), compiled_bundle(folder))


@pytest.fixture(scope="module")
def same(tmp_path_factory) -> Rules:
    folder = rules_copy(tmp_path_factory.mktemp("same"))
    return Rules(str(folder), compiled_bundle(folder))


def replay(lines: list[dict], baseline: Rules, proposed: Rules, **kw) -> tuple[dict, list[dict]]:
    diffs: list[dict] = []
    report = whatif((parse_history(x) for x in lines), baseline, proposed, as_of=AS_OF,
                    on_diff=diffs.append, **kw)
    return report, diffs


# --- what the replay reports ------------------------------------------------------------------------
def test_identical_rules_report_no_change(baseline, same, tmp_path):
    lines = [json.loads(x) for x in write_export(tmp_path / "h.jsonl", 300, every_minutes=30).read_text().splitlines()]
    report, diffs = replay(lines, baseline, same)
    assert report["unchanged"] and diffs == [] and report["changed_complaints"] == 0
    assert report["complaints"] == 300 and report["errors"]["count"] == 0
    assert report["totals"]["sanction"]["before"] > 0 and report["totals"]["warning"]["before"] > 0
    for row in [*report["totals"].values(), *report["by_opd"], *report["by_rule"], *report["by_level"]]:
        assert row["added"] == row["removed"] == 0 and row["before"] == row["after"]
    assert all(r["newly_missed"] == r["no_longer_missed"] == 0 for r in report["clocks"].values())
    assert report["league"]["before"]["opds"] == report["league"]["after"]["opds"]


def test_a_halved_follow_up_deadline_adds_exactly_the_misses_a_plain_reading_predicts(baseline, halved):
    lines = simple_histories()
    report, diffs = replay(lines, baseline, halved)
    before, after = expected(lines, halved=False), expected(lines, halved=True)
    added = {(d["complaint_id"], s["rule_id"]) for d in diffs for s in d["added"]}
    removed = {(d["complaint_id"], s["rule_id"]) for d in diffs for s in d["removed"]}
    assert added == after - before and removed == before - after == set()
    assert {x for x in added if x[1] == "sanction.operator.miss"}, "the example must add sanctions"
    assert {x[0] for x in added} <= {x["id"] for x in lines if x["created_at"] >= iso(HALVED)}
    sanctions = {x for x in after - before if x[1] == "sanction.operator.miss"}
    warnings = {x for x in after - before if x[1] == "warning.followup"}
    assert report["totals"]["sanction"] == {"before": len([x for x in before if x[1].startswith("sanction")]),
                                            "after": len([x for x in after if x[1].startswith("sanction")]),
                                            "added": len(sanctions), "removed": 0}
    assert report["totals"]["warning"]["added"] == len(warnings) and report["totals"]["report"]["added"] == 0
    assert report["clocks"]["followup"]["newly_missed"] == len(sanctions)
    assert report["clocks"]["approval"] == {"before": 0, "after": 0, "newly_missed": 0, "no_longer_missed": 0}
    rule = next(r for r in report["by_rule"] if r["rule_id"] == "sanction.operator.miss")
    assert (rule["added"], rule["removed"], rule["kind"]) == (len(sanctions), 0, "sanction")
    level = next(r for r in report["by_level"] if r["level"] == "teguran-lisan")
    assert level["added"] == len(sanctions) and level["name"]["id"] == "Teguran lisan"
    assert [(r["opd"], r["kind"], r["added"]) for r in report["by_opd"] if r["added"]] == \
        [("BAPENDA", "warning", len(warnings)), ("BAPENDA", "sanction", len(sanctions))]
    league = {side: next(r for r in report["league"][side]["opds"] if r["opd"] == "BAPENDA")
              for side in ("before", "after")}
    assert league["after"]["sanctions"] - league["before"]["sanctions"] == len(sanctions)
    assert league["after"]["followup"]["late"] - league["before"]["followup"]["late"] == len(sanctions)
    assert league["after"]["score"] < league["before"]["score"]


def test_misses_escalate_in_the_order_they_fall_due_across_complaints(baseline):
    """Operator X misses four follow-ups. A was filed first, but its clock paused while the
    citizen was asked, so it falls due last: B and C are misses 1 and 2 (verbal reprimands), D and
    A misses 3 and 4 (written ones: sanctions.operator_written_warning_after is 3)."""
    day = datetime(2026, 3, 2, 8, 0, tzinfo=WIB)
    x = "staf-x"
    approve = ("approved", "supervisor", "staf-kepala")
    lines = [line("ADU-A", day, [(0.2, "claimed", "operator", x), (1, "info_requested", "operator", x),
                                 (28, "citizen_replied", "citizen", None), (60, "followed_up", "operator", x),
                                 (61, *approve)])]
    for n, name in enumerate("BCD", start=1):
        lines.append(line(f"ADU-{name}", day + timedelta(hours=n), [(0.2, "claimed", "operator", x),
                                                                    (30, "followed_up", "operator", x),
                                                                    (31, *approve)]))
    played: dict[str, list] = {}
    side = Side(baseline.bundle, AS_OF, lambda _s, _n, h, p: played.setdefault(h.id, p.sanctions), "baseline")
    for n, x_line in enumerate(lines):
        side.admit(n, parse_history(x_line))
    side.advance(None)
    levels = {cid: [(s.rule_id, s.level) for s in sanctions if s.kind == "sanction"]
              for cid, sanctions in played.items()}
    assert levels == {"ADU-B": [("sanction.operator.miss", "teguran-lisan")],
                      "ADU-C": [("sanction.operator.miss", "teguran-lisan")],
                      "ADU-D": [("sanction.operator.repeat", "teguran-tertulis")],
                      "ADU-A": [("sanction.operator.repeat", "teguran-tertulis")]}


def test_a_history_the_rules_cannot_replay_is_reported_and_the_rest_go_on(baseline, same):
    lines = simple_histories()[:5]
    lines[2] = line("ADU-LAIN", datetime.fromisoformat(lines[2]["created_at"]),
                    [(1, "followed_up", "operator", "staf-y")], opd="TIDAKADA.DINKES")
    report, _ = replay(lines, baseline, same)
    assert report["complaints"] == 5 and report["errors"]["count"] == 1
    assert report["errors"]["examples"][0]["complaint_id"] == "ADU-LAIN"
    assert "TIDAKADA" in report["errors"]["examples"][0]["baseline"]
    bapenda = next(r for r in report["league"]["before"]["opds"] if r["opd"] == "BAPENDA")
    assert bapenda["complaints"] == 4 and bapenda["followup"]["on_time"] == 4       # the other four went on


def test_since_and_until_choose_the_complaints_filed_in_that_period(baseline, halved, tmp_path):
    path = write(tmp_path / "h.jsonl", simple_histories())
    since, until = datetime(2026, 2, 1, tzinfo=WIB), datetime(2026, 2, 2, tzinfo=WIB)
    chosen = list(read_file(path, since, until))
    assert chosen and all(since <= h.created_at < until for h in chosen)
    report = whatif(iter(chosen), baseline, halved, as_of=AS_OF, since=since, until=until)
    late = [h for h in chosen if next(e.at for e in h.events if e.type == "followed_up") - h.created_at
            > timedelta(hours=12)]                   # filed on 1 February: 12 hours under the new value
    assert report["complaints"] == len(chosen) and report["totals"]["sanction"]["after"] == len(late) > 0
    assert report["period"]["since"] == since.astimezone(timezone.utc).isoformat()


def test_as_of_is_the_moment_counted_up_to(baseline, same):
    """What was filed later has not happened yet; what ran out later is not missed yet."""
    lines = simple_histories()[:10]
    seen: list[int] = []
    cut = datetime.fromisoformat(lines[6]["created_at"])
    report = whatif((parse_history(x) for x in lines), baseline, same, as_of=cut, progress=seen.append)
    assert seen == list(range(1, 11)) and report["complaints"] == 7
    assert report["period"]["as_of"] == cut.isoformat() and report["period"]["last_filed"] == cut.isoformat()
    open_clocks = [x for x in lines[:7] if datetime.fromisoformat(x["events"][2]["at"]) > cut]
    assert open_clocks and report["clocks"]["followup"]["before"] == 0       # none ran out by then


# --- reading a history file ------------------------------------------------------------------------
@pytest.mark.parametrize("text, code", [
    ("{not json\n", "bad_json"),
    ("[1, 2]\n", "not_object"),
    ('{"id": "A", "category": "c", "opd": "X", "created_at": "2026-01-01T00:00:00Z", "events": []}\n', "bad_events"),
    ('{"id": "A", "category": "c", "opd": "X", "created_at": "kemarin", "events": '
     '[{"seq": 1, "at": "2026-01-01T00:00:00Z", "type": "submitted", "actor_role": "citizen"}]}\n', "bad_field"),
    ('{"id": "A", "category": "c", "opd": "X", "created_at": "2026-01-01T00:00:00Z", "events": '
     '[{"seq": 1, "at": "2026-01-01T00:00:00Z", "type": "claimed", "actor_role": "operator"}]}\n', "first_event"),
])
def test_a_broken_line_is_refused_with_its_file_and_line(tmp_path, text, code):
    good = json.dumps(simple_histories()[0]) + "\n"
    path = tmp_path / "h.jsonl"
    path.write_text(good + text, encoding="utf-8")
    with pytest.raises(HistoryError) as caught:
        list(read_file(path))
    assert caught.value.code == code and caught.value.where == f"{path}:2"
    assert caught.value.render("id").startswith(f"{path}:2: ")


def test_a_file_that_is_not_text_is_refused_in_the_readers_language(tmp_path):
    path = tmp_path / "h.jsonl"
    path.write_bytes(json.dumps(simple_histories()[0]).encode() + b"\n\xff\xfe\n")
    with pytest.raises(HistoryError) as caught:
        list(read_file(path))
    assert caught.value.render("id") == f"{path}: berkas ini bukan teks UTF-8"
    assert caught.value.render("en") == f"{path}: the file is not UTF-8 text"


def test_histories_out_of_filing_order_are_refused(tmp_path):
    lines = simple_histories()[:3]
    path = write(tmp_path / "h.jsonl", [lines[0], lines[2], lines[1]])
    with pytest.raises(HistoryError) as caught:
        list(read_file(path))
    assert caught.value.code == "order" and "ADU-UJI-0001" in caught.value.render("en")
    assert "urut waktu pengajuan" in caught.value.render("id")


# --- the command ------------------------------------------------------------------------------------
def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(["rules", "whatif", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def halved_dir(tmp_path) -> Path:
    return halved_rules(tmp_path)


def test_the_command_prints_a_table_in_indonesian_and_in_english(capsys, monkeypatch, tmp_path, halved_dir):
    path = write(tmp_path / "h.jsonl", simple_histories())
    monkeypatch.setenv("LANG", "id_ID.UTF-8")
    code, out, _ = run(capsys, "--rules", str(halved_dir), "--source", str(path), "--as-of", "2027-01-01")
    assert code == 0
    assert out.startswith("Simulasi aturan: 120 aduan diajukan Jumat 30-01-2026 00:00 WIB")
    assert "aduan mendapat keputusan yang berbeda" in out and "sanction.operator.miss" in out
    assert "Klasemen OPD" in out and "Tenggat yang terlewat" in out and "Jumlah keputusan" in out
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    code, out, _ = run(capsys, "--rules", str(halved_dir), "--source", str(path), "--as-of", "2027-01-01")
    assert code == 0 and out.startswith("Rules simulation: 120 complaints filed Friday 30-01-2026 00:00 WIB")
    assert "Missed deadlines" in out and "OPD league table" in out and "Simulasi" not in out


def test_the_command_writes_json_and_an_html_report_with_charts(capsys, monkeypatch, tmp_path, halved_dir):
    path = write(tmp_path / "h.jsonl", simple_histories())
    page = tmp_path / "laporan.html"
    monkeypatch.setenv("LANG", "id")
    code, out, err = run(capsys, "--rules", str(halved_dir), "--source", str(path), "--as-of", "2027-01-01",
                         "--json", "--html", str(page))
    assert code == 0 and f"laporan HTML ditulis ke {page}" in err
    report = json.loads(out)
    added = report["totals"]["sanction"]["added"]
    assert added == len({x for x in expected(simple_histories(), True) - expected(simple_histories(), False)
                         if x[1].startswith("sanction")})
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and '<html lang="id">' in html
    assert html.count("<svg") >= 5 and "Simulasi aturan Lampung In" in html and "<script" not in html
    assert f"+{added}" in html and "Klasemen OPD" in html
    # the charts' numbers in the reader's decimal mark (the league chart's axis runs 0 to 1)
    import re
    shown = re.findall(r"<text[^>]*>([^<]*)</text>", html)
    assert any(re.fullmatch(r"0,\d+", t.strip()) for t in shown), shown[:40]
    assert not any(re.search(r"\d\.\d", t) for t in shown), [t for t in shown if re.search(r"\d\.\d", t)]
    monkeypatch.setenv("LANG", "en")
    run(capsys, "--rules", str(halved_dir), "--source", str(path), "--as-of", "2027-01-01", "--html", str(page))
    english = page.read_text(encoding="utf-8")
    assert "Lampung In rules simulation" in english
    assert any(re.fullmatch(r"0\.\d+", t.strip()) for t in re.findall(r"<text[^>]*>([^<]*)</text>", english))


def test_no_change_is_said_plainly(capsys, monkeypatch, tmp_path):
    path = write(tmp_path / "h.jsonl", simple_histories()[:20])
    monkeypatch.setenv("LANG", "id")
    code, out, _ = run(capsys, "--rules", str(rules_copy(tmp_path)), "--source", str(path))
    assert code == 0 and "Tidak ada perubahan" in out


def test_the_command_refuses_what_it_cannot_use(capsys, monkeypatch, tmp_path, halved_dir):
    monkeypatch.setenv("LANG", "id")
    code, _, err = run(capsys, "--rules", str(halved_dir), "--source", str(tmp_path / "tidak-ada.jsonl"))
    assert code == 2 and "berkas tidak ada" in err
    code, _, err = run(capsys, "--rules", str(halved_dir), "--since", "kemarin", "--source", "local")
    assert code == 2 and "bukan tanggal" in err
    bad = write(tmp_path / "h.jsonl", [simple_histories()[1], simple_histories()[0]])
    code, _, err = run(capsys, "--rules", str(halved_dir), "--source", str(bad))
    assert code == 1 and f"{bad}:2: riwayat harus urut waktu pengajuan" in err
    broken = rules_copy(tmp_path / "rusak")
    (broken / "parameters" / "clocks.yaml").write_text("followup: [\n", encoding="utf-8")
    code, out, _ = run(capsys, "--rules", str(broken), "--source", str(bad))
    assert code == 1 and "clocks.yaml" in out
    binary = tmp_path / "biner.jsonl"
    binary.write_bytes(b"\xff\xfe\x00\n")
    code, _, err = run(capsys, "--rules", str(halved_dir), "--source", str(binary))
    assert code == 1 and "bukan teks UTF-8" in err
    good = write(tmp_path / "baik.jsonl", simple_histories()[:3])
    code, _, err = run(capsys, "--rules", str(halved_dir), "--source", str(good), "--html",
                       str(tmp_path / "tidak" / "ada" / "r.html"))
    assert code == 2 and "tidak bisa ditulis" in err
    monkeypatch.setenv("LAMPUNGIN_HOME", str(tmp_path / "no-stack"))
    code, _, err = run(capsys, "--rules", str(halved_dir))               # --source local: nothing running
    assert code == 1 and "lampungin dev" in err


def test_the_progress_bar_goes_to_stderr(capsys, monkeypatch, tmp_path, halved_dir):
    path = write(tmp_path / "h.jsonl", simple_histories()[:30])
    code, _, err = run(capsys, "--rules", str(halved_dir), "--source", str(path), "--progress")
    assert code == 0 and "30/30" in err
    code, _, err = run(capsys, "--rules", str(halved_dir), "--source", str(path), "--no-progress")
    assert code == 0 and "30/30" not in err


def test_the_plain_progress_bar_without_tqdm():
    stream = io.StringIO()
    bar = Progress(200, "en", enabled=True, use_tqdm=False, stream=stream)
    for n in range(1, 201):
        bar.update(n)
    bar.close()
    assert "replaying [" in stream.getvalue() and "200/200 complaints (100%" in stream.getvalue()
    quiet = io.StringIO()
    bar = Progress(None, "id", enabled=False, stream=quiet)
    bar.update(5)
    bar.close()
    assert quiet.getvalue() == ""


# --- memory -------------------------------------------------------------------------------------------
def test_memory_does_not_grow_with_the_number_of_histories(tmp_path, baseline, halved):
    """benchmarks/whatif_memory.py runs 100,000; here 1,000 and 2,000 (one an hour: both past the
    time a complaint stays open). Holding the histories would cost about 2 MiB per 1,000."""
    warm = write_export(tmp_path / "warm.jsonl", 200, every_minutes=60)
    measure(warm, baseline, halved)
    gc.collect()
    peaks = {}
    for n in (1000, 2000):
        result = measure(write_export(tmp_path / f"h{n}.jsonl", n, every_minutes=60), baseline, halved)
        assert result["histories"] == n
        peaks[n] = result["traced_peak_mib"]
    assert not tracemalloc.is_tracing()
    assert peaks[2000] - peaks[1000] < 0.5, peaks


# --- the export ----------------------------------------------------------------------------------------
@pytest.fixture
def store(monkeypatch):
    """The complaints table on in-process moto, as `lampungin export` reads the local stack's."""
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_DEFAULT_REGION": "ap-southeast-3", "AWS_REGION": "ap-southeast-3",
                        "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled"}.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB"):
        monkeypatch.delenv(name, raising=False)
    import boto3
    from moto import mock_aws

    from chalicelib.adapters.dynamo.complaints import DynamoComplaintRepository
    from chalicelib.adapters.dynamo.tables import create_tables
    from chalicelib.config import from_env
    settings = from_env({"STAGE": "test", "AWS_REGION": "ap-southeast-3",
                         "TABLE_PREFIX": f"lampungin-test-{uuid.uuid4().hex[:10]}-"})
    with mock_aws():
        create_tables(boto3.client("dynamodb", region_name="ap-southeast-3"), settings)
        yield settings, DynamoComplaintRepository(settings)


def file_and_work(repo, cid: str, at: datetime, *, operator: str = "operator.bapenda") -> None:
    from chalicelib.domain import lifecycle
    from chalicelib.domain.model import Actor, Location, Role
    citizen = Actor("warga-rahasia-1", Role.CITIZEN, name="Siti Rahayu")
    complaint, event = lifecycle.file_complaint(
        complaint_id=cid, actor=citizen, at=at, category="pajak-kendaraan", sector="pajak", opd="BAPENDA",
        title="Denda pajak motor salah", description="Nomor HP saya 0812-3456-7890",
        location=Location(-5.4, 105.2, "Jalan Rahasia 7"), visibility="private", anonymous=False,
        routing_rule="routing/pajak-kendaraan", rules_version="v1",
        routing_explanation={"id": "teks", "en": "text"})
    repo.add(complaint, event)
    steps = [(lifecycle.Action.CLAIM, Actor(operator, Role.OPERATOR, "BAPENDA"), {}, 1),
             (lifecycle.Action.FOLLOW_UP, Actor(operator, Role.OPERATOR, "BAPENDA"),
              {"message": "Sudah kami telepon Ibu Siti"}, 30),
             (lifecycle.Action.APPROVE, Actor("supervisor.bapenda", Role.SUPERVISOR, "BAPENDA"),
              {"note": "ok"}, 32)]
    for action, actor, payload, hours in steps:
        complaint, event = lifecycle.decide(complaint, action, actor, at + timedelta(hours=hours), payload)
        repo.save(complaint, event)


def test_the_export_writes_de_identified_histories_in_filing_order(store, tmp_path, baseline, halved):
    from lampungin.export import StoreReader
    settings, repo = store
    days = [datetime(2026, 2, d, 9, 0, tzinfo=WIB) for d in (5, 3, 4)]
    for i, day in enumerate(days):
        file_and_work(repo, f"ADU-EKSPOR-{i}", day)
    reader = StoreReader(settings)
    lines = list(export_histories(reader))
    assert [x["id"] for x in lines] == ["ADU-EKSPOR-1", "ADU-EKSPOR-2", "ADU-EKSPOR-0"]
    text = json.dumps(lines)
    for secret in ("warga-rahasia-1", "Siti", "Rahasia", "0812", "telepon", "Denda", "operator.bapenda",
                   "supervisor.bapenda", "teks", "-5.4"):
        assert secret not in text, secret
    first = lines[0]
    assert set(first) == {"id", "category", "opd", "created_at", "events"}
    assert [e["type"] for e in first["events"]] == ["submitted", "claimed", "followed_up", "approved"]
    assert first["events"][0]["data"] == {"opd": "BAPENDA", "category": "pajak-kendaraan",
                                          "routing_rule": "routing/pajak-kendaraan", "rules_version": "v1"}
    assert "actor" not in first["events"][0] and first["events"][0]["actor_role"] == "citizen"
    operators = {e["actor"] for x in lines for e in x["events"] if e["actor_role"] == "operator"}
    assert len(operators) == 1 and next(iter(operators)).startswith("staf-")    # one person, one pseudonym
    again = list(export_histories(reader))
    assert again[0]["events"][1]["actor"] != first["events"][1]["actor"]         # a new key per export
    fixed = pseudonymiser(b"k" * 32)
    assert fixed("operator.bapenda") == pseudonymiser(b"k" * 32)("operator.bapenda") != fixed("operator.lain")
    since = datetime(2026, 2, 4, tzinfo=WIB)
    assert [x["id"] for x in export_histories(reader, since, since + timedelta(days=1))] == ["ADU-EKSPOR-2"]
    path = write(tmp_path / "ekspor.jsonl", lines)              # what `whatif --source FILE` reads
    report = whatif(read_file(path), baseline, halved, as_of=AS_OF)
    assert report["complaints"] == 3 and report["totals"]["sanction"]["before"] == 3    # 30 h > 24 h


def test_export_without_a_running_stack_says_how_to_start_one(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("LAMPUNGIN_HOME", str(tmp_path))
    monkeypatch.setenv("LANG", "id")
    assert main(["export"]) == 1
    err = capsys.readouterr().err
    assert "lampungin dev" in err and "atau pakai --from-env" in err
    assert main(["export", "--since", "2026-02-30"]) == 1
    assert "bukan tanggal" in capsys.readouterr().err


def test_export_cli_writes_the_file(store, tmp_path, capsys, monkeypatch):
    settings, repo = store
    file_and_work(repo, "ADU-EKSPOR-9", datetime(2026, 2, 5, 9, 0, tzinfo=WIB))
    monkeypatch.setenv("TABLE_PREFIX", settings.table_prefix)
    monkeypatch.setenv("LANG", "en")
    out = tmp_path / "out.jsonl"
    assert main(["export", "--from-env", "--out", str(out), "--until", "2026-02-05"]) == 0
    assert "1 complaint(s) written" in capsys.readouterr().err
    assert [json.loads(x)["id"] for x in out.read_text().splitlines()] == ["ADU-EKSPOR-9"]
    assert main(["export", "--from-env", "--until", "2026-02-04"]) == 0
    assert capsys.readouterr().out == ""
