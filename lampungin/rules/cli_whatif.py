"""`lampungin rules whatif` and `lampungin rules history`, registered by rules/cli.py's register().

    lampungin rules whatif --rules DIR [--baseline DIR] [--since DATE] [--until DATE]
                           [--source local|FILE] [--as-of TIME] [--json] [--html FILE] [--[no-]progress]
    lampungin rules history PARAM [--rules DIR] [--government CODE] [--today DATE]

whatif replays recorded histories (the running local system's, or a `lampungin export` file)
under the rules in DIR and under the rules in force (rules/, or `--baseline DIR`) and prints what
would change: a table in the reader's language (LANG), JSON with `--json`, an HTML report with
charts with `--html FILE`. A progress bar goes to stderr while it replays (on a terminal, or with
`--progress`). Exit 0 when it ran, 1 for broken rules or histories, 2 for wrong usage.
"""
from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

from chalicelib.domain.times import WIB, parse_iso

from .cases import compiled_bundle
from .check import static_errors
from .cli_words import help_text, words
from .history import cmd_history
from .messages import language
from .source import RULES_DIR, load_sources
from .whatif import KINDS, WORDS, HistoryError, Rules, decimal, number, read_file, read_lines, whatif, when

MAX_ROWS = 30


class UsageError(ValueError):
    """Wrong usage: one line, exit 2."""


class SourceError(ValueError):
    """The histories cannot be read (no local stack running): one line, exit 1."""


# --- progress -----------------------------------------------------------------------------------------
class Progress:
    """A progress bar on stderr: tqdm where it is installed, else a plain line redrawn twice a second.
    `update(n)` sets the position (histories admitted so far)."""

    def __init__(self, total: int | None, lang: str = "id", *, enabled: bool | None = None,
                 use_tqdm: bool = True, stream=None):
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.total, self._label, self._unit = total, WORDS[lang]["progress"], WORDS[lang]["unit"]
        self._bar = None
        self._began = time.monotonic()
        self._shown = 0.0
        self.n = 0
        if self.enabled and use_tqdm:
            try:        # lazy: a bar is drawn only for a replay someone watches (tqdm has no types)
                tqdm = importlib.import_module("tqdm").tqdm
            except ImportError:
                return
            self._bar = tqdm(total=total, desc=self._label, unit=f" {self._unit}", file=self.stream,
                             mininterval=0.5, dynamic_ncols=True)

    def update(self, n: int) -> None:
        step, self.n = n - self.n, n
        if not self.enabled:
            return
        if self._bar is not None:
            self._bar.update(step)
            return
        now = time.monotonic()
        if now - self._shown >= 0.5 or n == self.total:
            self._shown = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        rate = self.n / max(now - self._began, 1e-9)
        if self.total:
            done = self.n / self.total
            bar = "#" * int(done * 30)
            line = f"\r{self._label} [{bar:<30}] {self.n}/{self.total} {self._unit} ({done:.0%}, {rate:.0f}/s)"
        else:
            line = f"\r{self._label} {self.n} {self._unit} ({rate:.0f}/s)"
        self.stream.write(line)
        self.stream.flush()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
        elif self.enabled and self.n:
            self._draw(time.monotonic())
            self.stream.write("\n")
            self.stream.flush()


# --- arguments ----------------------------------------------------------------------------------------
def parse_time(text: str | None, option: str, lang: str, *, end: bool = False) -> datetime | None:
    """A date (WIB; as `--until`, the whole day) or an ISO 8601 time (no offset: WIB)."""
    if text is None:
        return None
    try:
        at = parse_iso(text, naive_tz=WIB)
    except ValueError:
        raise UsageError(WORDS[lang]["bad_time"].format(option=option, text=text[:40])) from None
    return at + timedelta(days=1) if end and len(text.strip()) == 10 else at


def load_rules(folder: Path, lang: str) -> Rules | None:
    """The rules of a folder, compiled in memory; None (problems printed) when they do not check."""
    sources = load_sources(folder)
    problems = static_errors(sources)
    if problems:
        for problem in sorted(problems, key=lambda p: (p.file, p.line)):
            print(problem.render(lang))
        return None
    return Rules(str(folder), compiled_bundle(folder))


def _histories(args, since, until, lang):
    """The histories to replay and how many there are (None when unknown)."""
    if args.source == "local":
        # lazy: the store's client libraries load only for a replay of the live system
        from ..export import ExportError, histories, local_reader
        try:
            reader = local_reader(args.state_dir, args.from_env, lang)
        except ExportError as why:
            raise SourceError(str(why)) from None
        return read_lines(histories(reader, since, until)), None
    path = Path(args.source)
    if not path.is_file():
        raise UsageError(WORDS[lang]["no_file"].format(path=args.source[:200]))
    with open(path, "rb") as lines:              # bytes: a file that is not text is read_file's to refuse
        total = sum(1 for line in lines if line.strip())
    return read_file(path, since, until), total


def cmd_whatif(args) -> int:
    lang = language()
    try:
        since = parse_time(args.since, "--since", lang)
        until = parse_time(args.until, "--until", lang, end=True)
        as_of = parse_time(args.as_of, "--as-of", lang)
        if args.baseline and not Path(args.baseline).is_dir():
            raise UsageError(WORDS[lang]["not_folder"].format(path=args.baseline[:200]))
    except UsageError as why:
        print(f"lampungin rules whatif: {why}", file=sys.stderr)
        return 2
    baseline = load_rules(Path(args.baseline) if args.baseline else RULES_DIR, lang)
    proposed = load_rules(Path(args.rules), lang)
    if baseline is None or proposed is None:
        return 1
    try:
        histories, total = _histories(args, since, until, lang)
    except UsageError as why:
        print(f"lampungin rules whatif: {why}", file=sys.stderr)
        return 2
    except SourceError as why:                # the local stack is not running
        print(f"lampungin rules whatif: {why}", file=sys.stderr)
        return 1
    bar = Progress(total, lang, enabled=args.progress)
    try:
        report = whatif(histories, baseline, proposed, as_of=as_of, since=since, until=until,
                        progress=bar.update)
    except HistoryError as why:
        bar.close()
        print(why.render(lang), file=sys.stderr)
        return 1
    bar.close()
    if args.html:
        # lazy: matplotlib loads only for an HTML report
        from .whatif_html import render_html
        try:
            Path(args.html).write_text(render_html(report, lang), encoding="utf-8")
        except OSError:
            print(f"lampungin rules whatif: {WORDS[lang]['html_unwritable'].format(path=args.html[:200])}",
                  file=sys.stderr)
            return 2
        print(WORDS[lang]["html"].format(path=args.html), file=sys.stderr)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1, default=str))
    else:
        print(render_text(report, lang))
    return 0


# --- the terminal table -------------------------------------------------------------------------------
def _table(header: list[str], rows: list[list[str]], left: int = 1, indent: str = "  ") -> list[str]:
    """Columns padded to their widths: the first `left` ones to the left, the numbers to the right."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    return [indent + "  ".join(str(c).ljust(w) if i < left else str(c).rjust(w)
                               for i, (c, w) in enumerate(zip(r, widths, strict=True))).rstrip()
            for r in [header, *rows]]


def _counts(row: dict, lang: str) -> list[str]:
    return [number(row["before"], lang), number(row["after"], lang), f"+{number(row['added'], lang)}",
            f"-{number(row['removed'], lang)}"]


def _group(report: dict, name: str, label: str, title: str, t: dict, w: dict, lang: str) -> list[str]:
    rows = [r for r in report[name] if r["added"] or r["removed"]]
    lines = ["", t[title]]
    if not rows:
        return [*lines, t["nothing"]]
    shown = [[str(r[label]), w[r["kind"]], *_counts(r, lang)] for r in rows[:MAX_ROWS]]
    header = [t[label] if label in t else label.upper(), t["kind"], t["before"], t["after"], t["added"], t["removed"]]
    lines += _table(header, shown, left=2)
    if len(rows) > MAX_ROWS:
        lines.append(t["more"].format(n=len(rows) - MAX_ROWS))
    return lines


def render_text(report: dict, lang: str = "id") -> str:
    t, w = WORDS[lang], WORDS[lang]
    period, rules = report["period"], report["rules"]
    if report["complaints"]:
        lines = [t["title"].format(n=number(report["complaints"], lang), first=when(period["first_filed"], lang),
                                   last=when(period["last_filed"], lang), as_of=when(period["as_of"], lang))]
    else:
        lines = [t["none"].format(as_of=when(period["as_of"], lang))]
    for side in ("baseline", "proposed"):
        lines.append(f"  {t[side]}: {rules[side]['folder']} ({t['version']} {rules[side]['version']})")
    lines += ["", t["unchanged"] if report["unchanged"] else t["changed"].format(
        changed=number(report["changed_complaints"], lang))]
    lines += ["", t["totals"]]
    lines += _table([t["kind"], t["before"], t["after"], t["added"], t["removed"]],
                    [[w[k], *_counts(report["totals"][k], lang)] for k in KINDS])
    lines += _group(report, "by_opd", "opd", "by_opd", t, w, lang)
    lines += _group(report, "by_rule", "rule_id", "by_rule", {**t, "rule_id": t["rule"]}, w, lang)
    lines += _group(report, "by_level", "level", "by_level", t, w, lang)
    lines += ["", t["clocks"]]
    lines += _table([t["clock"], t["before"], t["after"], t["newly"], t["no_longer"]],
                    [[w[name], number(r["before"], lang), number(r["after"], lang),
                      f"+{number(r['newly_missed'], lang)}", f"-{number(r['no_longer_missed'], lang)}"]
                     for name, r in report["clocks"].items()])
    lines += _league(report, t, lang)
    if report["examples"]:
        lines += ["", t["examples"]]
        for diff in report["examples"]:
            for sign, items in (("+", diff["added"]), ("-", diff["removed"])):
                for s in items:
                    lines.append(f"  {diff['complaint_id']} ({diff['opd']}): {sign} {s['rule_id']} [{s['level']}] "
                                 f"{w[s['clock']]}, {t['due']} {when(s['due_at'], lang)}")
    if report["clock_examples"]:
        lines += ["", t["clock_examples"]]
        for c in report["clock_examples"]:
            lines.append(f"  {c['complaint_id']} ({c['opd']}): {w[c['clock']]} {t[c['change']]}, {t['due']} "
                         f"{when(c['due_before'], lang)} -> {when(c['due_after'], lang)}")
    if report["errors"]["count"]:
        lines += ["", t["errors"].format(n=number(report["errors"]["count"], lang))]
        for e in report["errors"]["examples"]:
            lines.append(f"  {e['complaint_id']}: {e['baseline'] or e['proposed']}")
    return "\n".join(lines)


def _league(report: dict, t: dict, lang: str) -> list[str]:
    league = report["league"]
    after = {r["opd"]: r for r in league["after"]["opds"]}
    rows = []
    for b in league["before"]["opds"]:
        a = after.get(b["opd"], b)
        if not (b["complaints"] or a["complaints"]):
            continue
        rate = lambda r: "-" if r["followup"]["on_time_rate"] is None else f"{r['followup']['on_time_rate']:.0%}"
        rank = lambda r: "-" if r["rank"] is None else str(r["rank"])
        rows.append((a["rank"] or 10**6, b["opd"], [
            b["opd"], f"{rank(b)} -> {rank(a)}", f"{decimal(b['score'], lang)} -> {decimal(a['score'], lang)}",
            f"{rate(b)} -> {rate(a)}", f"{number(b['sanctions'], lang)} -> {number(a['sanctions'], lang)}"]))
    rows.sort(key=lambda r: (r[0], r[1]))
    lines = ["", t["league"].format(days=number(league["window_days"], lang))]
    if not rows:
        return [*lines, t["nothing"]]
    lines += _table(["OPD", t["rank"], t["score"], t["on_time"], t["sanctions"]], [r[2] for r in rows[:MAX_ROWS]])
    if len(rows) > MAX_ROWS:
        lines.append(t["more"].format(n=len(rows) - MAX_ROWS))
    return lines


# --- registration ---------------------------------------------------------------------------------------
def register_extra(sub, add, lang: str) -> None:
    """Adds `whatif` and `history` to `lampungin rules` (`add` is rules/cli.py's: it gives --rules),
    every help text in `lang` (cli_words.HELP)."""
    w = add("whatif", cmd_whatif, "whatif")
    w.add_argument("--baseline", metavar=words("FOLDER", lang), help=help_text("baseline", lang))
    w.add_argument("--since", metavar=words("DATE", lang), help=help_text("since", lang))
    w.add_argument("--until", metavar=words("DATE", lang), help=help_text("until", lang))
    w.add_argument("--source", default="local", metavar=words("SOURCE", lang), help=help_text("source", lang))
    w.add_argument("--as-of", metavar=words("TIME", lang), help=help_text("as_of", lang))
    w.add_argument("--json", action="store_true", help=help_text("whatif_json", lang))
    w.add_argument("--html", metavar=words("FILE", lang), help=help_text("html", lang))
    w.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None, help=help_text("progress", lang))
    w.add_argument("--state-dir", metavar=words("FOLDER", lang), help=help_text("state_dir", lang))
    w.add_argument("--from-env", action="store_true", help=help_text("from_env", lang))
    h = add("history", cmd_history, "history")
    h.add_argument("param", metavar=words("PARAM", lang), help=help_text("param", lang))
    h.add_argument("--government", metavar=words("CODE", lang), help=help_text("government", lang))
    h.add_argument("--today", metavar=words("DATE", lang), help=help_text("history_today", lang))
