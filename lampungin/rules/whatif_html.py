"""The HTML report of `lampungin rules whatif --html FILE`: one self-contained page (charts as inline
SVG drawn by matplotlib, tables, no script, nothing fetched) in the reader's language.

Why matplotlib's object API (Figure, never pyplot): no global figure state and no display backend,
so it draws the same on a server without a screen; it is imported here only, and only this module
imports it, so neither the CLI's other commands nor any Lambda pays for it.
"""
from __future__ import annotations

import html
import io
import textwrap

from chalicelib.services.stats import MIN_EVIDENCE

from .whatif import KINDS, WORDS, decimal, number, when

HTML_TEXT = {
    "id": {"title": "Simulasi aturan Lampung In", "chart_totals": "Keputusan: aturan berlaku dan usulan",
           "chart_opd": "Perubahan sanksi, laporan dan peringatan per OPD", "chart_level": "Keputusan per tingkat",
           "chart_clocks": "Clock yang terlewat", "chart_league": "Skor klasemen OPD (batas bawah Wilson 95%)",
           "count": "jumlah", "change": "perubahan", "none": "Tidak ada perubahan.",
           "complaints": "aduan",
           "method": ("Peringkat menurut batas bawah Wilson 95% dari persentase tenggat yang dipenuhi; OPD dengan "
                      "kurang dari {min} tenggat yang sudah diputuskan tidak diberi peringkat.")},
    "en": {"title": "Lampung In rules simulation", "chart_totals": "Decisions: rules in force and proposed",
           "chart_opd": "Change in sanctions, reports and warnings per OPD", "chart_level": "Decisions per level",
           "chart_clocks": "Missed clocks", "chart_league": "OPD league table score (95% Wilson lower bound)",
           "count": "count", "change": "change", "none": "No change.",
           "complaints": "complaints",
           "method": ("Ranked by the 95% Wilson lower bound of the share of deadlines met; OPDs with fewer than "
                      "{min} decided deadlines are not ranked.")},
}
BEFORE, AFTER, ADDED, REMOVED = "#7f8c8d", "#2e86c1", "#c0392b", "#27ae60"
TOP = 15


def _svg(fig) -> str:
    """The figure as inline SVG: text kept as text, no timestamp, no XML prologue."""
    # lazy: matplotlib (and numpy under it) load only when an HTML report is drawn
    import matplotlib
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "lampungin"}):
        fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def _figure(width: float, height: float):
    # lazy: see _svg
    from matplotlib.figure import Figure
    fig = Figure(figsize=(width, height), dpi=96)
    return fig, fig.add_subplot()


def _num(value: float, lang: str) -> str:
    """A chart's number as the reader writes it (Indonesian 0,5; English 0.5)."""
    text = f"{value:g}"
    return text.replace(".", ",") if lang == "id" else text


def _axis_numbers(ax, lang: str, *, absolute: bool = False) -> None:
    """Tick labels of both axes in the reader's decimal mark (matplotlib writes 0.2 whatever the
    language); `absolute`: the left of a diverging chart counts removals, shown without a sign."""
    # lazy: see _svg
    from matplotlib.ticker import FuncFormatter
    shown = FuncFormatter(lambda v, _pos: _num(abs(v) if absolute else v, lang))
    ax.xaxis.set_major_formatter(shown)
    ax.yaxis.set_major_formatter(shown)


def _grouped(labels: list[str], series: list[tuple[str, list[float], str]], title: str, ylabel: str,
             lang: str = "en") -> str:
    """Vertical bars, one group per label, one bar per series."""
    fig, ax = _figure(max(4.0, 1.6 * len(labels) + 1.5), 3.4)
    width = 0.8 / max(1, len(series))
    for i, (name, values, colour) in enumerate(series):
        xs = [x + (i - (len(series) - 1) / 2) * width for x in range(len(labels))]
        bars = ax.bar(xs, values, width, label=name, color=colour)
        ax.bar_label(bars, labels=[_num(v, lang) for v in values], fontsize=8, padding=2)
    _axis_numbers(ax, lang)
    ax.set_xticks(range(len(labels)), labels)
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    ax.legend(frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig)


def _diverging(labels: list[str], added: list[int], removed: list[int], title: str, t: dict,
               lang: str = "en") -> str:
    """Horizontal bars: what is added to the right, what is removed to the left."""
    fig, ax = _figure(7.0, max(2.0, 0.32 * len(labels) + 1.2))
    ys = list(range(len(labels)))[::-1]
    ax.barh(ys, added, color=ADDED, label=t["added"])
    ax.barh(ys, [-r for r in removed], color=REMOVED, label=t["removed"])
    _axis_numbers(ax, lang, absolute=True)
    ax.set_yticks(ys, labels)
    ax.axvline(0, color="#333333", linewidth=0.8)
    ax.set_title(title)
    ax.legend(frameon=False, loc="lower right")
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig)


def _league_chart(rows: list[tuple[str, float, float]], title: str, t: dict, lang: str = "en") -> str:
    fig, ax = _figure(7.0, max(2.0, 0.3 * len(rows) + 1.2))
    ys = list(range(len(rows)))[::-1]
    for y, (_, before, after) in zip(ys, rows, strict=True):
        ax.plot([before, after], [y, y], color="#bbbbbb", linewidth=2, zorder=1)
    ax.scatter([r[1] for r in rows], ys, color=BEFORE, label=t["before"], zorder=2)
    ax.scatter([r[2] for r in rows], ys, color=AFTER, label=t["after"], zorder=3)
    _axis_numbers(ax, lang)
    ax.set_yticks(ys, [r[0] for r in rows])
    ax.set_xlim(0, 1)
    ax.set_title(title)
    ax.legend(frameon=False, loc="lower right")
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig)


def _table(header: list[str], rows: list[list], numeric_from: int = 1) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f'<td class="{"n" if i >= numeric_from else ""}">{html.escape(str(c))}</td>'
                                    for i, c in enumerate(r)) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _counts(r: dict, lang: str) -> list[str]:
    return [number(r["before"], lang), number(r["after"], lang), "+" + number(r["added"], lang),
            "-" + number(r["removed"], lang)]


def render_html(report: dict, lang: str = "id") -> str:
    t = w = WORDS[lang]
    h = HTML_TEXT[lang]
    esc = html.escape
    period, rules, totals = report["period"], report["rules"], report["totals"]
    parts = [f"<h1>{esc(h['title'])}</h1>"]
    if report["complaints"]:
        parts.append("<p>" + esc(t["title"].format(
            n=number(report["complaints"], lang), first=when(period["first_filed"], lang),
            last=when(period["last_filed"], lang), as_of=when(period["as_of"], lang))) + "</p>")
    else:
        parts.append("<p>" + esc(t["none"].format(as_of=when(period["as_of"], lang))) + "</p>")
    parts.append("<ul>" + "".join(f"<li>{esc(t[side])}: <code>{esc(rules[side]['folder'])}</code> "
                                  f"({esc(t['version'])} {esc(rules[side]['version'])})</li>"
                                  for side in ("baseline", "proposed")) + "</ul>")
    verdict = t["unchanged"] if report["unchanged"] else t["changed"].format(
        changed=number(report["changed_complaints"], lang))
    parts.append(f'<p class="verdict">{esc(verdict)}</p>')

    labels = [w[k] for k in KINDS]
    parts.append(f"<h2>{esc(t['totals'])}</h2>")
    parts.append(_grouped(labels, [(t["before"], [totals[k]["before"] for k in KINDS], BEFORE),
                                   (t["after"], [totals[k]["after"] for k in KINDS], AFTER)],
                          h["chart_totals"], h["count"], lang))
    parts.append(_table([t["kind"], t["before"], t["after"], t["added"], t["removed"]],
                        [[w[k], *_counts(totals[k], lang)] for k in KINDS]))

    parts.append(f"<h2>{esc(t['by_opd'])}</h2>")
    changed = [r for r in report["by_opd"] if r["added"] or r["removed"]]
    if changed:
        by_opd: dict[str, list[int]] = {}
        for r in changed:
            by_opd.setdefault(r["opd"], [0, 0])
            by_opd[r["opd"]][0] += r["added"]
            by_opd[r["opd"]][1] += r["removed"]
        top = sorted(by_opd.items(), key=lambda kv: (-(kv[1][0] + kv[1][1]), kv[0]))[:TOP]
        parts.append(_diverging([k for k, _ in top], [v[0] for _, v in top], [v[1] for _, v in top],
                                h["chart_opd"], t, lang))
    parts.append(_group_table(changed, "opd", "OPD", t, w, lang, h))

    parts.append(f"<h2>{esc(t['by_level'])}</h2>")
    levels = report["by_level"]
    if levels:
        names = [(r.get("name") or {}).get(lang) or r["level"] for r in levels]
        parts.append(_grouped([f"{textwrap.fill(n, 16)}\n({w[r['kind']]})" for n, r in zip(names, levels, strict=True)],
                              [(t["before"], [r["before"] for r in levels], BEFORE),
                               (t["after"], [r["after"] for r in levels], AFTER)],
                              h["chart_level"], h["count"], lang))
    parts.append(_group_table(levels, "level", t["level"], t, w, lang, h, every=True))
    parts.append(f"<h2>{esc(t['by_rule'])}</h2>")
    parts.append(_group_table(report["by_rule"], "rule_id", t["rule"], t, w, lang, h, every=True))

    parts.append(f"<h2>{esc(t['clocks'])}</h2>")
    clocks = report["clocks"]
    parts.append(_grouped([w[c] for c in clocks], [(t["before"], [r["before"] for r in clocks.values()], BEFORE),
                                                   (t["after"], [r["after"] for r in clocks.values()], AFTER)],
                          h["chart_clocks"], h["count"], lang))
    parts.append(_table([t["clock"], t["before"], t["after"], t["newly"], t["no_longer"]],
                        [[w[c], number(r["before"], lang), number(r["after"], lang),
                          "+" + number(r["newly_missed"], lang), "-" + number(r["no_longer_missed"], lang)]
                         for c, r in clocks.items()]))

    parts += _league_part(report, t, h, lang)
    parts += _examples(report, t, w, lang)
    style = ("body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}"
             "table{border-collapse:collapse;margin:0.5rem 0 1.5rem}th,td{padding:0.2rem 0.6rem;"
             "border-bottom:1px solid #ddd;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}"
             ".verdict{font-weight:bold}svg{max-width:100%;height:auto;display:block;margin:0.5rem 0}")
    return (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
            f"<title>{esc(h['title'])}</title><style>{style}</style></head><body>\n"
            + "\n".join(parts) + "\n</body></html>\n")


def _group_table(rows: list[dict], key: str, label: str, t: dict, w: dict, lang: str, h: dict,
                 every: bool = False) -> str:
    rows = rows if every else [r for r in rows if r["added"] or r["removed"]]
    if not rows:
        return f"<p>{html.escape(h['none'])}</p>"
    return _table([label, t["kind"], t["before"], t["after"], t["added"], t["removed"]],
                  [[r[key], w[r["kind"]], *_counts(r, lang)] for r in rows], numeric_from=2)


def _league_part(report: dict, t: dict, h: dict, lang: str) -> list[str]:
    league = report["league"]
    after = {r["opd"]: r for r in league["after"]["opds"]}
    rows = [(b, after.get(b["opd"], b)) for b in league["before"]["opds"] if b["complaints"]
            or after.get(b["opd"], b)["complaints"]]
    rows.sort(key=lambda p: (p[1]["rank"] is None, p[1]["rank"] or 0, p[0]["opd"]))
    out = [f"<h2>{html.escape(t['league'].format(days=number(league['window_days'], lang)))}</h2>"]
    if not rows:
        return [*out, f"<p>{html.escape(h['none'])}</p>"]
    out.append(_league_chart([(b["opd"], b["score"], a["score"]) for b, a in rows[:30]], h["chart_league"], t, lang))
    rate = lambda r: "-" if r["followup"]["on_time_rate"] is None else f"{r['followup']['on_time_rate']:.0%}"
    rank = lambda r: "-" if r["rank"] is None else str(r["rank"])
    out.append(_table(["OPD", t["rank"], t["score"], t["on_time"], t["sanctions"], h["complaints"]],
                      [[b["opd"], f"{rank(b)} → {rank(a)}",
                        f"{decimal(b['score'], lang)} → {decimal(a['score'], lang)}",
                        f"{rate(b)} → {rate(a)}", f"{number(b['sanctions'], lang)} → {number(a['sanctions'], lang)}",
                        number(a["complaints"], lang)] for b, a in rows]))
    out.append(f"<p><small>{html.escape(h['method'].format(min=MIN_EVIDENCE))}</small></p>")
    return out


def _examples(report: dict, t: dict, w: dict, lang: str) -> list[str]:
    out = []
    if report["examples"]:
        items = [f"{d['complaint_id']} ({d['opd']}): {sign} {s['rule_id']} [{s['level']}] {w[s['clock']]}, "
                 f"{t['due']} {when(s['due_at'], lang)}"
                 for d in report["examples"] for sign, group in (("+", d["added"]), ("−", d["removed"]))
                 for s in group]
        out.append(f"<h2>{html.escape(t['examples'])}</h2><ul>"
                   + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>")
    if report["clock_examples"]:
        items = [f"{c['complaint_id']} ({c['opd']}): {w[c['clock']]} {t[c['change']]}, {t['due']} "
                 f"{when(c['due_before'], lang)} → {when(c['due_after'], lang)}" for c in report["clock_examples"]]
        out.append(f"<h2>{html.escape(t['clock_examples'])}</h2><ul>"
                   + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>")
    if report["errors"]["count"]:
        out.append(f"<h2>{html.escape(t['errors'].format(n=number(report['errors']['count'], lang)))}</h2><ul>"
                   + "".join(f"<li>{html.escape(e['complaint_id'])}: {html.escape(str(e['baseline'] or e['proposed']))}"
                             "</li>" for e in report["errors"]["examples"]) + "</ul>")
    return out

