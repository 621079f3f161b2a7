"""`lampungin rules whatif`: replay recorded complaint histories under proposed rules and under the
rules in force, and tell what would change (sanctions, warnings, missed clocks, the league table).

One engine: each history is played exactly as `rules test` plays a case (simulate.py) and as the
Lambdas run — `domain.clocks.replay` over `rules.schedule.BundleSchedule` gives the clocks of the
timeline so far, `domain.sanctions.sweep_step`/`next_check` say when the sweep acts, and
`services.sweep.assess`/`earlier_misses` decide what it issues. Nothing here decides a deadline or
a sanction itself; this module only drives that engine over many complaints and counts.

Why histories are played in time order across complaints: escalation counts an operator's (or an
OPD's) earlier misses within the monitoring window, over all complaints. Each side (the rules in
force, the proposed rules) keeps one heap of pending sweep moments; a complaint is a generator that
plays its own events and stops at each sweep moment until every earlier moment of every complaint
has been played. So a miss is counted exactly as the sweep, running through time, would count it.

Memory stays flat: histories arrive one at a time in filing order, a complaint leaves memory when
it has nothing left to sweep, misses older than the longest window are forgotten, and the clocks
the league tables need go to a temporary SQLite file (per-day counters, read back with `services.stats.opd_table`).
"""
from __future__ import annotations

import heapq
import json
import sqlite3
import tempfile
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from math import ceil
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from chalicelib.domain.clocks import Clock, ClockPolicy, replay
from chalicelib.domain.governments import PROVINCE
from chalicelib.domain.league import clock_tally, day_of, first_followups, sanction_tally
from chalicelib.domain.model import Event
from chalicelib.domain.sanctions import MISSED, Sanction, next_check, sweep_step
from chalicelib.domain.times import UTC, format_wib, local_date, parse_iso
from chalicelib.rules.schedule import BundleSchedule
from chalicelib.services.stats import opd_table
from chalicelib.services.sweep import assess, earlier_misses

from .simulate import SWEEP_LAG

KINDS = ("sanction", "report", "warning")
EXAMPLES = 20                       # changed complaints (and clocks) the report shows by name
SCHEDULE_DAYS = 7                   # a fresh BundleSchedule (its memo) per simulated week
MAX_EVENTS = 10_000                 # per history: a line with more is refused, not replayed
PRUNE_EVERY = 1_000                 # sweeps between forgetting misses older than the window

# Texts of the terminal table (cli_whatif) and the HTML report (whatif_html), and of reading errors.
WORDS = {
    "id": {
        "sanction": "sanksi", "report": "laporan", "warning": "peringatan", "followup": "tindak lanjut",
        "approval": "persetujuan", "bad_json": "baris ini bukan JSON yang utuh (kolom {column})",
        "bad_field": "'{field}' tidak valid: {detail}", "not_object": "'{field}' harus berupa objek JSON",
        "bad_events": "'events' harus daftar berisi 1 sampai 10.000 kejadian",
        "not_text": "berkas ini bukan teks UTF-8",
        "order": ("riwayat harus urut waktu pengajuan (seperti ditulis `lampungin export`): {id} diajukan {at}, "
                  "sebelum aduan di baris sebelumnya ({before})"),
        "first_event": "kejadian pertama harus 'submitted', bukan '{type}'",
        "title": "Simulasi aturan: {n} aduan diajukan {first} s.d. {last}, dihitung sampai {as_of}",
        "none": "Simulasi aturan: tidak ada aduan yang diputar ulang (dihitung sampai {as_of})",
        "baseline": "Aturan berlaku", "proposed": "Aturan usulan", "version": "versi",
        "unchanged": ("Tidak ada perubahan: setiap sanksi, laporan, peringatan dan tenggat yang terlewat sama "
                      "dengan aturan yang berlaku."),
        "changed": "{changed} aduan mendapat keputusan yang berbeda.", "totals": "Jumlah keputusan", "kind": "jenis",
        "before": "berlaku", "after": "usulan", "added": "bertambah", "removed": "berkurang", "by_opd": "Per OPD",
        "by_rule": "Per aturan", "by_level": "Per tingkat", "rule": "aturan", "level": "tingkat",
        "nothing": "  (tidak ada perubahan)", "more": "  … {n} baris lagi (lihat --json)",
        "clocks": "Tenggat yang terlewat", "clock": "tenggat", "newly": "baru terlewat",
        "no_longer": "tidak lagi terlewat", "league": "Klasemen OPD selama {days} hari (berlaku -> usulan)",
        "rank": "peringkat", "score": "skor", "on_time": "tindak lanjut tepat waktu", "sanctions": "sanksi",
        "examples": "Contoh aduan yang berubah", "clock_examples": "Contoh tenggat yang berubah", "due": "tenggat",
        "newly_missed": "baru terlewat", "no_longer_missed": "tidak lagi terlewat",
        "errors": "{n} aduan tidak bisa diputar ulang", "progress": "memutar ulang", "unit": "aduan",
        "html": "laporan HTML ditulis ke {path}", "no_file": "--source {path}: berkas tidak ada",
        "bad_time": "{option} {text!r}: bukan tanggal atau waktu ISO 8601 (contoh 2026-03-01)",
        "not_folder": "--baseline {path!r} bukan folder",
        "html_unwritable": "--html {path}: berkas itu tidak bisa ditulis (foldernya ada? boleh ditulis?)",
    },
    "en": {
        "sanction": "sanctions", "report": "reports", "warning": "warnings", "followup": "follow-up",
        "approval": "approval", "bad_json": "the line is not whole JSON (column {column})",
        "bad_field": "'{field}' is not valid: {detail}", "not_object": "'{field}' must be a JSON object",
        "bad_events": "'events' must be a list of 1 to 10,000 events", "not_text": "the file is not UTF-8 text",
        "order": ("histories must be in filing order (as `lampungin export` writes them): {id} was filed {at}, "
                  "before the complaint on the line before ({before})"),
        "first_event": "the first event must be 'submitted', not '{type}'",
        "title": "Rules simulation: {n} complaints filed {first} to {last}, counted up to {as_of}",
        "none": "Rules simulation: no complaint was replayed (counted up to {as_of})", "baseline": "Rules in force",
        "proposed": "Proposed rules", "version": "version",
        "unchanged": ("No change: every sanction, report, warning and missed deadline is the same as under the "
                      "rules in force."),
        "changed": "{changed} complaints get different decisions.", "totals": "Decisions", "kind": "kind",
        "before": "in force", "after": "proposed", "added": "added", "removed": "removed", "by_opd": "By OPD",
        "by_rule": "By rule", "by_level": "By level", "rule": "rule", "level": "level", "nothing": "  (no change)",
        "more": "  … {n} more rows (see --json)", "clocks": "Missed deadlines", "clock": "deadline",
        "newly": "newly missed", "no_longer": "no longer missed",
        "league": "OPD league table over {days} days (in force -> proposed)", "rank": "rank", "score": "score",
        "on_time": "follow-ups on time", "sanctions": "sanctions", "examples": "Complaints that change, for example",
        "clock_examples": "Deadlines that change, for example", "due": "due", "newly_missed": "newly missed",
        "no_longer_missed": "no longer missed", "errors": "{n} complaints could not be replayed",
        "progress": "replaying", "unit": "complaints", "html": "HTML report written to {path}",
        "no_file": "--source {path}: no such file",
        "bad_time": "{option} {text!r}: not an ISO 8601 date or time (e.g. 2026-03-01)",
        "not_folder": "--baseline {path!r} is not a folder",
        "html_unwritable": "--html {path}: the file cannot be written (does its folder exist? may it be written?)",
    },
}


class HistoryError(ValueError):
    """A history line that cannot be replayed: `where` (file:line) and a message code."""

    def __init__(self, where: str, code: str, **params):
        super().__init__(f"{where}: {code} {params}")
        self.where, self.code, self.params = where, code, params

    def render(self, lang: str = "id") -> str:
        """The line to show, in `lang`; a time in it in WIB with its day name."""
        params = {k: format_wib(v, with_day=True, lang=lang) if isinstance(v, datetime) else v
                  for k, v in self.params.items()}
        return f"{self.where}: {WORDS[lang][self.code].format(**params)}"


@dataclass
class History:
    id: str
    category: str
    opd: str
    created_at: datetime
    events: list[Event]


# --- reading histories ------------------------------------------------------------------------------
def _text(obj: dict, name: str, where: str, limit: int = 200) -> str:
    value = obj.get(name)
    if not isinstance(value, str) or not value or len(value) > limit:
        raise HistoryError(where, "bad_field", field=name, detail=repr(value)[:60])
    return value


def _time(obj: dict, name: str, where: str) -> datetime:
    text = _text(obj, name, where, 40)
    try:
        return parse_iso(text)
    except ValueError:
        raise HistoryError(where, "bad_field", field=name, detail=repr(text)) from None


def parse_history(obj, where: str = "-") -> History:
    """One export line (lampungin/export.py) as a History of domain Events; HistoryError if not."""
    if not isinstance(obj, dict):
        raise HistoryError(where, "not_object", field="line")
    cid = _text(obj, "id", where)
    raw = obj.get("events")
    if not isinstance(raw, list) or not raw or len(raw) > MAX_EVENTS:
        raise HistoryError(where, "bad_events")
    events = []
    for item in raw:
        if not isinstance(item, dict):
            raise HistoryError(where, "not_object", field="events")
        seq = item.get("seq")
        if not isinstance(seq, int) or isinstance(seq, bool) or not 0 < seq < 10**9:
            raise HistoryError(where, "bad_field", field="seq", detail=repr(seq)[:40])
        data = item.get("data") or {}
        if not isinstance(data, dict):
            raise HistoryError(where, "not_object", field="data")
        actor = item.get("actor")
        events.append(Event(complaint_id=cid, seq=seq, at=_time(item, "at", where),
                            type=_text(item, "type", where, 64), actor_role=_text(item, "actor_role", where, 32),
                            actor_id=actor if isinstance(actor, str) else None,
                            data={k: v for k, v in data.items() if isinstance(v, str | int | float | bool)}))
    events.sort(key=lambda e: e.seq)
    if events[0].type != "submitted":
        raise HistoryError(where, "first_event", type=events[0].type[:40])
    return History(cid, _text(obj, "category", where, 64), _text(obj, "opd", where, 128),
                   _time(obj, "created_at", where), events)


def in_period(created_at: datetime, since: datetime | None, until: datetime | None) -> bool:
    return (since is None or created_at >= since) and (until is None or created_at < until)


def read_file(path: Path, since: datetime | None = None, until: datetime | None = None) -> Iterator[History]:
    """The histories of a JSONL export, one line at a time, filed in [since, until)."""
    before: History | None = None
    with open(path, encoding="utf-8") as lines:
        for number, line in _numbered(lines, path):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as why:
                raise HistoryError(where, "bad_json", column=why.colno) from None
            except (ValueError, RecursionError):
                raise HistoryError(where, "bad_json", column=1) from None
            history = parse_history(obj, where)
            if before is not None and history.created_at < before.created_at:
                raise HistoryError(where, "order", id=history.id, at=history.created_at, before=before.created_at)
            before = history
            if in_period(history.created_at, since, until):
                yield history


def _numbered(lines, path: Path) -> Iterator[tuple[int, str]]:
    """The lines with their numbers; a file that is not UTF-8 is named whole (the text is decoded
    in blocks, so the line of the bad byte is not known)."""
    try:
        yield from enumerate(lines, start=1)
    except UnicodeDecodeError:
        raise HistoryError(str(path), "not_text") from None


def read_lines(lines: Iterable[dict], where: str = "local") -> Iterator[History]:
    """Histories from export lines already in memory one by one (`--source local`)."""
    for number, obj in enumerate(lines, start=1):
        yield parse_history(obj, f"{where}:{number}")


# --- one side: a rules bundle replaying every history in time order --------------------------------
class DaySchedule(BundleSchedule):
    """BundleSchedule with clock policies memoised per WIB day too: a policy depends only on the
    day its clock started (RulesBundle.clock_policy), and a replay asks for it at every event."""

    def __init__(self, bundle):
        super().__init__(bundle)
        self._policies: dict = {}

    def clock_policy(self, clock: str, started_at: datetime, government: str = PROVINCE) -> ClockPolicy:
        key = (clock, local_date(started_at), government)
        if key not in self._policies:
            self._policies[key] = super().clock_policy(clock, started_at, government)
        return self._policies[key]


@dataclass
class Played:
    """What one side made of one complaint."""

    sanctions: list[Sanction] = field(default_factory=list)
    clocks: list[Clock] = field(default_factory=list)
    error: str | None = None


class Side:
    """One set of rules playing all histories: the heap of pending sweep moments across complaints,
    and the misses so far (the sanctions table's count, services/ports.MissCounter)."""

    def __init__(self, bundle: Any, as_of: datetime, done: Callable[[str, int, History, Played], None], name: str):
        self.bundle, self.as_of, self.done, self.name = bundle, as_of, done, name
        self._heap: list = []
        self._misses: dict[str, deque] = {}
        self._window = timedelta(days=longest_window(bundle))
        self._sectors = {c.code: c.sector for c in bundle.categories}
        self._schedule = DaySchedule(bundle)
        self._week: int | None = None
        self._swept = 0
        self.now: datetime | None = None

    def schedule(self) -> DaySchedule:
        """The schedule memoises per WIB day: a fresh one each simulated week (of the replay's
        own time, which only moves forward) keeps that memo small."""
        week = int(self.now.timestamp() // (SCHEDULE_DAYS * 86400)) if self.now else 0
        if week != self._week:
            self._schedule, self._week = DaySchedule(self.bundle), week
        return self._schedule

    def count_misses(self, subject: str, since: datetime, before: datetime) -> int:
        return sum(1 for due in self._misses.get(subject, ()) if since <= due < before)

    def record(self, issued: list[Sanction]) -> None:
        for s in issued:
            if s.kind == "sanction":
                self._misses.setdefault(s.subject, deque()).append(s.due_at)

    def admit(self, n: int, history: History) -> None:
        """Play every sweep moment before this complaint's filing, then start it (`n`: its place
        in the input, which tells its two outcomes apart from a repeated id's)."""
        self.advance(history.created_at)
        self.now = max(self.now or history.created_at, history.created_at)
        self._resume(n, history, _play(self, history, Played()))

    def advance(self, until: datetime | None = None) -> None:
        """Play every pending sweep moment before `until` (None: all of them, up to as_of)."""
        while self._heap and (until is None or self._heap[0][0] < until):
            t, n, history, run = heapq.heappop(self._heap)
            self.now = max(self.now or t, t)
            self._resume(n, history, run)
            self._swept += 1
            if self._swept % PRUNE_EVERY == 0:
                self._forget(t - self._window)

    def _resume(self, n: int, history: History, run) -> None:
        try:
            t = next(run)
        except StopIteration as stop:
            self.done(self.name, n, history, stop.value)
            return
        except Exception as exc:               # one bad history must not stop the replay
            self.done(self.name, n, history, Played(error=f"{type(exc).__name__}: {exc}"[:300]))
            return
        heapq.heappush(self._heap, (t, n, history, run))

    def _forget(self, older_than: datetime) -> None:
        for subject in list(self._misses):
            dues = self._misses[subject]
            while dues and dues[0] < older_than:
                dues.popleft()
            if not dues:
                del self._misses[subject]

    def facts_of(self, history: History):
        """What `assess` reads of the complaint: its sector (by this side's catalog) and category."""
        return SimpleNamespace(sector=self._sectors.get(history.category, ""), category=history.category)


def _play(side: Side, history: History, out: Played):
    """One complaint, as simulate.play plays a case: between its events the sweep sees the clocks
    of the timeline so far; it yields each sweep moment and acts when resumed. Events after
    `as_of` have not happened yet."""
    events = [e for e in history.events if e.at <= side.as_of]
    complaint = side.facts_of(history)
    warned: set[str] = set()
    settled: set[str] = set()
    for i in range(1, len(events) + 1):
        end = min(events[i].at, side.as_of) if i < len(events) else side.as_of
        clocks = replay(history.id, events[:i], side.schedule())
        while True:
            pending = [(t, c.key, c) for c in clocks
                       for t in (next_check(c, c.key in warned, c.key in settled),) if t is not None and t < end]
            if not pending:
                break
            t, _, clock = min(pending, key=lambda p: (p[0], p[1]))
            yield t
            at = t + SWEEP_LAG
            step = sweep_step(clock, warned=clock.key in warned, settled=clock.key in settled, at=at)
            if step is None:                 # cannot happen: next_check said it was due
                warned.add(clock.key)
                settled.add(clock.key)
                continue
            issued = assess(side.bundle, clock, complaint, at=at, event=step,
                            earlier=earlier_misses(side, side.bundle, clock))
            out.sanctions.extend(issued)
            if step == MISSED:
                settled.add(clock.key)
                side.record(issued)
            else:
                warned.add(clock.key)
    out.clocks = replay(history.id, events, side.schedule())
    return out


def longest_window(bundle) -> int:
    """The longest `sanctions.window_days` any government ever sets (how long misses matter)."""
    days = [1]
    for code in (PROVINCE, *sorted(bundle.data.get("governments") or {})):
        for value in bundle.parameters_of(code).history("sanctions.window_days"):
            if isinstance(value.value, int | float):
                days.append(int(ceil(value.value)))
    return max(days)


# --- comparing the two sides --------------------------------------------------------------------------
def sanction_key(s: Sanction) -> tuple:
    """What makes two decisions the same: the clock, the rule, its level and kind."""
    return (s.clock_key, s.rule_id, s.level, s.kind, s.opd, s.clock)


def missed_clocks(clocks: list[Clock], as_of: datetime) -> dict[str, Clock]:
    return {c.key: c for c in clocks if c.missed and c.due_at is not None and c.due_at <= as_of}


def _at(stamp: float | None) -> datetime | None:
    return None if stamp is None else datetime.fromtimestamp(stamp, UTC)


def _stamp(at: datetime | None) -> float | None:
    return None if at is None else at.timestamp()


class Comparison:
    """Both sides' outcomes per complaint, counted as they arrive; one complaint at a time."""

    def __init__(self, folder: str, as_of: datetime, on_diff: Callable[[dict], None] | None = None):
        self.as_of, self.on_diff = as_of, on_diff
        self._waiting: dict[int, Played] = {}
        self.rows: dict[tuple, dict] = {}         # (group, key, kind) -> before/after/added/removed
        self.clock_rows: dict[str, dict] = {}
        self.examples: list[dict] = []
        self.clock_examples: list[dict] = []
        self.errors: list[dict] = []
        self.error_count = self.complaints = self.changed = 0
        self.first: datetime | None = None
        self.last: datetime | None = None
        self.db = sqlite3.connect(str(Path(folder) / "clocks.sqlite"))
        self.db.executescript(
            "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-2000;"
            "CREATE TABLE tallies (side TEXT, opd TEXT, day TEXT, figure TEXT, n INTEGER);")

    def done(self, side: str, n: int, history: History, played: Played) -> None:
        other = self._waiting.pop(n, None)
        if other is None:
            self._waiting[n] = played
            return
        before, after = (other, played) if side == "proposed" else (played, other)
        self._compare(history, before, after)

    def _compare(self, history: History, before: Played, after: Played) -> None:
        self.complaints += 1
        self.first = history.created_at if self.first is None else min(self.first, history.created_at)
        self.last = history.created_at if self.last is None else max(self.last, history.created_at)
        if before.error or after.error:
            self.error_count += 1
            if len(self.errors) < EXAMPLES:
                self.errors.append({"complaint_id": history.id, "baseline": before.error, "proposed": after.error})
            return
        b = {sanction_key(s): s for s in before.sanctions}
        a = {sanction_key(s): s for s in after.sanctions}
        added, removed = [a[k] for k in a if k not in b], [b[k] for k in b if k not in a]
        for column, items in (("before", b.values()), ("after", a.values()),
                              ("added", added), ("removed", removed)):
            for s in items:
                for group, key in (("opd", s.opd), ("rule", s.rule_id), ("level", s.level), ("total", "")):
                    row = self.rows.setdefault((group, key, s.kind),
                                               {"before": 0, "after": 0, "added": 0, "removed": 0})
                    row[column] += 1
        mb, ma = missed_clocks(before.clocks, self.as_of), missed_clocks(after.clocks, self.as_of)
        for key in {*mb, *ma}:
            name = key.split("#", 1)[0]
            row = self.clock_rows.setdefault(name, {"before": 0, "after": 0, "newly_missed": 0,
                                                   "no_longer_missed": 0})
            row["before"] += key in mb
            row["after"] += key in ma
            if (key in ma) != (key in mb):
                row["newly_missed" if key in ma else "no_longer_missed"] += 1
                if len(self.clock_examples) < EXAMPLES:
                    self.clock_examples.append({
                        "complaint_id": history.id, "clock": name, "opd": (ma.get(key) or mb[key]).opd,
                        "change": "newly_missed" if key in ma else "no_longer_missed",
                        "due_before": _iso(_due(before.clocks, key)), "due_after": _iso(_due(after.clocks, key))})
        if added or removed:
            self.changed += 1
            diff = {"complaint_id": history.id, "opd": history.opd, "category": history.category,
                    "added": [_brief(s) for s in added], "removed": [_brief(s) for s in removed]}
            if len(self.examples) < EXAMPLES:
                self.examples.append(diff)
            if self.on_diff is not None:
                self.on_diff(diff)
        self._store("baseline", before)
        self._store("proposed", after)

    def _store(self, side: str, played: Played) -> None:
        """What this side's clocks and sanctions add to the league table's day counters, by the
        same arithmetic the stream and the sweep use (domain/league.py); a clock still running
        past its due time counts as late, as once the sweep has recorded its miss."""
        firsts = first_followups(played.clocks)
        rows = []
        for c in played.clocks:
            settled = c.state == "running" and c.due_at is not None and c.due_at <= self.as_of
            tally = clock_tally(c, counts_complaint=c.key in firsts, settled=settled)
            rows += [(side, c.opd, day_of(c.started_at), figure, n) for figure, n in tally.items()]
        for sanction in played.sanctions:
            rows += [(side, sanction.opd, day_of(sanction.issued_at), figure, n)
                     for figure, n in sanction_tally(sanction.kind, played_channel(played)).items()]
        self.db.executemany("INSERT INTO tallies VALUES (?,?,?,?,?)", rows)

    def league(self, side: str, opds: dict, window_days: int) -> dict:
        """`services.stats.opd_table` over this side's day counters: the league table the public reads."""
        self.db.execute("CREATE INDEX IF NOT EXISTS by_opd ON tallies (side, opd, day)")

        def days_for(opd: str, first: str, last: str) -> list[dict[str, int]]:
            days: dict[str, Counter] = {}
            for day, figure, n in self.db.execute(
                    "SELECT day, figure, SUM(n) FROM tallies WHERE side = ? AND opd = ? AND day BETWEEN ? AND ? "
                    "GROUP BY day, figure", (side, opd, first, last)):
                days.setdefault(day, Counter())[figure] += int(n)
            return [dict(counts) for counts in days.values()]
        return opd_table(opds, days_for, self.as_of, window_days)


def played_channel(played: Played) -> str:
    """The channel of the complaint a side played (its clocks carry it; "app" without any)."""
    return next((c.channel for c in played.clocks), "app")


def _due(clocks: list[Clock], key: str) -> datetime | None:
    return next((c.due_at for c in clocks if c.key == key), None)


def _iso(at: datetime | None) -> str | None:
    return at.astimezone(UTC).isoformat() if at is not None else None


def _brief(s: Sanction) -> dict:
    return {"kind": s.kind, "rule_id": s.rule_id, "level": s.level, "clock": s.clock,
            "subject_type": s.subject_type, "due_at": _iso(s.due_at)}


# --- the whole replay ---------------------------------------------------------------------------------
@dataclass
class Rules:
    """One side's rules: the folder they came from and the compiled bundle."""

    folder: str
    bundle: Any


def whatif(histories: Iterable[History], baseline: Rules, proposed: Rules, *, as_of: datetime | None = None,
           since: datetime | None = None, until: datetime | None = None,
           progress: Callable[[int], None] | None = None, on_diff: Callable[[dict], None] | None = None) -> dict:
    """Replay every history under both rules; the report (a JSON-ready dict). `progress(n)` is
    told after each history is admitted; `on_diff` receives each complaint whose decisions change."""
    as_of = as_of or datetime.now(timezone.utc)
    with tempfile.TemporaryDirectory(prefix="lampungin-whatif-") as folder:
        comparison = Comparison(folder, as_of, on_diff)
        sides = [Side(baseline.bundle, as_of, comparison.done, "baseline"),
                 Side(proposed.bundle, as_of, comparison.done, "proposed")]
        for n, history in enumerate(histories, start=1):
            if history.created_at <= as_of:          # filed later: not yet, as of as_of
                for side in sides:
                    side.admit(n, history)
            if progress is not None:
                progress(n)
        for side in sides:
            side.advance(None)
        report = _report(comparison, baseline, proposed, as_of, since, until)
        comparison.db.close()
    return report


def _report(c: Comparison, baseline: Rules, proposed: Rules, as_of: datetime,
            since: datetime | None, until: datetime | None) -> dict:
    start = since or c.first or as_of
    window_days = max(1, ceil((as_of - start).total_seconds() / 86400))
    opds = {**baseline.bundle.opds, **proposed.bundle.opds}
    levels = {lv["code"]: lv.get("name", {}) for b in (baseline.bundle, proposed.bundle)
              for lv in b.data.get("levels", [])}

    def group(name: str, label: str) -> list[dict]:
        rows = [{label: key, "kind": kind, **counts} for (g, key, kind), counts in c.rows.items() if g == name]
        return sorted(rows, key=lambda r: (-(r["added"] + r["removed"]), r[label], KINDS.index(r["kind"])))

    totals = {kind: dict(c.rows.get(("total", "", kind), {"before": 0, "after": 0, "added": 0, "removed": 0}))
              for kind in KINDS}
    clocks = {name: c.clock_rows.get(name, {"before": 0, "after": 0, "newly_missed": 0, "no_longer_missed": 0})
              for name in ("followup", "approval")}
    unchanged = (not any(t["added"] or t["removed"] for t in totals.values())
                 and not any(r["newly_missed"] or r["no_longer_missed"] for r in clocks.values()))
    return {
        "rules": {"baseline": {"folder": baseline.folder, "version": baseline.bundle.version},
                  "proposed": {"folder": proposed.folder, "version": proposed.bundle.version}},
        "period": {"since": _iso(since), "until": _iso(until), "as_of": _iso(as_of),
                   "first_filed": _iso(c.first), "last_filed": _iso(c.last)},
        "complaints": c.complaints, "changed_complaints": c.changed, "unchanged": unchanged,
        "totals": totals,
        "by_opd": group("opd", "opd"), "by_rule": group("rule", "rule_id"),
        "by_level": [{**r, "name": levels.get(r["level"], {})} for r in group("level", "level")],
        "clocks": clocks, "clock_examples": c.clock_examples, "examples": c.examples,
        "errors": {"count": c.error_count, "examples": c.errors},
        "league": {"window_days": window_days, "before": c.league("baseline", opds, window_days),
                   "after": c.league("proposed", opds, window_days)},
    }


# --- numbers and times as people read them ------------------------------------------------------
def number(value, lang: str) -> str:
    """12.345 in Indonesian, 12,345 in English."""
    text = f"{value:,}"
    return text.replace(",", ".") if lang == "id" else text


def decimal(value: float, lang: str, places: int = 3) -> str:
    """0,700 in Indonesian, 0.700 in English (a score: fixed places, no thousands)."""
    text = f"{value:.{places}f}"
    return text.replace(".", ",") if lang == "id" else text


def when(iso: str | None, lang: str) -> str:
    return format_wib(datetime.fromisoformat(iso), with_day=True, lang=lang) if iso else "-"
