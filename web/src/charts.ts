// The public board's charts over time (GET /v1/stats/opds/monthly): on-time rates per month (lines),
// median times per month (lines), sanctions per month (bars). Inline SVG drawn here, no library:
// each chart has an accessible name and description, shapes that do not rely on colour alone
// (circles and squares, solid and dashed), and its figures as a table in a <details> beside it.
// Sized in real pixels to the width it is given (redrawn when the window is resized), so its text
// stays readable at phone width. Its words live here, beside the only code that uses them.
import "./charts.css";
import type { MonthStats, MonthlyStats } from "./api";

export type ChartLang = "id" | "en";

const WORDS = {
  id: {
    trendsTitle: "Kinerja per bulan",
    trendsText: (n: number) => `Angka ${n} bulan terakhir, per bulan (WIB): aduan dan batas waktu yang dimulai pada bulan itu, sanksi yang dijatuhkan pada bulan itu.`,
    whose: "Untuk",
    allOpds: "Semua OPD",
    ratesTitle: "Ketepatan waktu per bulan",
    mediansTitle: "Waktu median per bulan (jam)",
    sanctionsTitle: "Sanksi per bulan",
    followup: "Tindak lanjut tepat waktu",
    approval: "Persetujuan tepat waktu",
    followupMedian: "Median tindak lanjut",
    approvalMedian: "Median persetujuan",
    sanctions: "Sanksi",
    complaints: "Aduan",
    month: "Bulan",
    table: "Tabel data",
    noData: "belum ada data",
    latest: (month: string, parts: string) => `Bulan terakhir (${month}): ${parts}.`,
    total: (n: number) => `Jumlah ${n} bulan: `,
    hoursUnit: "jam",
    loading: "Memuat…",
  },
  en: {
    trendsTitle: "Performance per month",
    trendsText: (n: number) => `Figures of the last ${n} months, per month (WIB): complaints and deadlines that started in the month, sanctions issued in it.`,
    whose: "For",
    allOpds: "All OPDs",
    ratesTitle: "On-time rates per month",
    mediansTitle: "Median times per month (hours)",
    sanctionsTitle: "Sanctions per month",
    followup: "Follow-ups on time",
    approval: "Approvals on time",
    followupMedian: "Median follow-up",
    approvalMedian: "Median approval",
    sanctions: "Sanctions",
    complaints: "Complaints",
    month: "Month",
    table: "Data table",
    noData: "no data yet",
    latest: (month: string, parts: string) => `Latest month (${month}): ${parts}.`,
    total: (n: number) => `Total over ${n} months: `,
    hoursUnit: "hours",
    loading: "Loading…",
  },
};
export const chartWords = (lang: ChartLang) => WORDS[lang];

const SVG = "http://www.w3.org/2000/svg";
type Attrs = Record<string, string | number>;

function svg(tag: string, attrs: Attrs = {}, text?: string): SVGElement {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

function el(tag: string, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

const locale = (lang: ChartLang) => (lang === "id" ? "id-ID" : "en-GB");

/** "2026-11" as a month name in the person's language: "Nov" / "November 2026". */
export function monthName(month: string, lang: ChartLang, style: "short" | "long"): string {
  const [y, m] = month.split("-").map(Number);
  const options: Intl.DateTimeFormatOptions = style === "short" ? { month: "short", timeZone: "UTC" }
    : { month: "long", year: "numeric", timeZone: "UTC" };
  return new Intl.DateTimeFormat(locale(lang), options).format(new Date(Date.UTC(y, m - 1, 15)));
}

const percent = (v: number | null) => (v === null ? "–" : `${Math.round(v * 100)} %`);
const number = (lang: ChartLang) => (v: number | null) =>
  (v === null ? "–" : v.toLocaleString(locale(lang), { maximumFractionDigits: 1 }));

interface Series { name: string; values: (number | null)[]; style: "a" | "b"; format: (v: number | null) => string }
interface Spec { id: string; title: string; kind: "line" | "bar"; months: string[]; series: Series[]; max: number; ticks: number[]; tick: (v: number) => string }

/** A nice upper bound for a y axis: 1, 2, 5 × 10^k at or above the largest value. */
function niceMax(values: (number | null)[], floor: number): number {
  const top = Math.max(floor, ...values.map(v => v ?? 0));
  const power = 10 ** Math.floor(Math.log10(top));
  return [1, 2, 5, 10].map(f => f * power).find(c => c >= top) as number;
}

function draw(spec: Spec, width: number, lang: ChartLang): SVGElement {
  const height = 220, left = 46, right = 12, top = 14, bottom = 44;
  const plotW = Math.max(120, width - left - right), plotH = height - top - bottom;
  const n = spec.months.length;
  const band = plotW / n;
  const x = (i: number) => left + band * (i + 0.5);
  const y = (v: number) => top + plotH - (v / spec.max) * plotH;
  const root = svg("svg", { width, height, viewBox: `0 0 ${width} ${height}`, role: "img",
    "aria-labelledby": `${spec.id}-title ${spec.id}-desc`, class: "chart-svg", focusable: "false" });
  for (const t of spec.ticks) {
    root.append(svg("line", { x1: left, x2: left + plotW, y1: y(t), y2: y(t), class: "grid" }));
    root.append(svg("text", { x: left - 6, y: y(t) + 4, "text-anchor": "end", class: "tick" }, spec.tick(t)));
  }
  const step = Math.max(1, Math.ceil(38 / band));          // thin the month labels when they would touch
  let yearShown = "";                                       // the year under the first label and each new year's
  spec.months.forEach((month, i) => {
    if ((n - 1 - i) % step !== 0) return;
    root.append(svg("text", { x: x(i), y: top + plotH + 16, "text-anchor": "middle", class: "tick" }, monthName(month, lang, "short")));
    if (month.slice(0, 4) !== yearShown) {
      yearShown = month.slice(0, 4);
      root.append(svg("text", { x: x(i), y: top + plotH + 32, "text-anchor": "middle", class: "tick year" }, yearShown));
    }
  });
  if (spec.kind === "bar") {
    const [series] = spec.series;
    series.values.forEach((v, i) => {
      if (!v) return;
      const w = Math.max(4, Math.min(36, band * 0.6));
      const bar = svg("rect", { x: x(i) - w / 2, y: y(v), width: w, height: y(0) - y(v), class: "bar", "data-month": spec.months[i] });
      bar.append(svg("title", {}, `${monthName(spec.months[i], lang, "long")}: ${series.format(v)}`));
      root.append(bar, svg("text", { x: x(i), y: y(v) - 4, "text-anchor": "middle", class: "value" }, series.format(v)));
    });
  } else {
    for (const series of spec.series) {
      let d = "";
      series.values.forEach((v, i) => {
        if (v === null) { return; }
        d += `${i > 0 && series.values[i - 1] !== null ? "L" : "M"}${x(i).toFixed(1)},${y(v).toFixed(1)} `;
      });
      if (d) root.append(svg("path", { d: d.trim(), class: `line line-${series.style}` }));
      series.values.forEach((v, i) => {
        if (v === null) return;
        const mark = series.style === "a" ? svg("circle", { cx: x(i), cy: y(v), r: 4, class: `mark mark-${series.style}` })
          : svg("rect", { x: x(i) - 4, y: y(v) - 4, width: 8, height: 8, class: `mark mark-${series.style}` });
        mark.setAttribute("data-month", spec.months[i]);
        mark.append(svg("title", {}, `${series.name}, ${monthName(spec.months[i], lang, "long")}: ${series.format(v)}`));
        root.append(mark);
      });
    }
  }
  root.append(svg("line", { x1: left, x2: left + plotW, y1: y(0), y2: y(0), class: "axis" }));
  return root;
}

/** The description people hear with the chart: the latest month's figures, or "no data yet". */
function describe(spec: Spec, lang: ChartLang): string {
  const w = WORDS[lang];
  const last = spec.months.length - 1;
  const parts = spec.series.map(s => `${s.name} ${s.values[last] === null ? w.noData : s.format(s.values[last])}`).join(", ");
  const latest = w.latest(monthName(spec.months[last], lang, "long"), parts);
  if (spec.kind !== "bar") return latest;
  const sum = spec.series[0].values.reduce<number>((a, v) => a + (v ?? 0), 0);
  return `${latest} ${w.total(spec.months.length)}${sum}.`;
}

/** A chart, its description, legend and data table; `cells` (one per series) write a series' table
cells from the month's figures where the plotted value alone says too little (a rate and its n). */
function figure(spec: Spec, lang: ChartLang, rows: MonthStats[], extra: { head: string; cell: (m: MonthStats) => string }[],
  cells?: ((m: MonthStats) => string)[]): HTMLElement {
  const w = WORDS[lang];
  const holder = el("div", { class: "chart-canvas" });
  const legend = spec.series.length > 1
    ? el("ul", { class: "legend" }, ...spec.series.map(s => el("li", {}, el("span", { class: `key key-${s.style}`, "aria-hidden": "true" }), s.name)))
    : "";
  const table = el("table", {},
    el("caption", {}, spec.title),
    el("thead", {}, el("tr", {}, el("th", { scope: "col" }, w.month), ...spec.series.map(s => el("th", { scope: "col" }, s.name)),
      ...extra.map(e => el("th", { scope: "col" }, e.head)))),
    el("tbody", {}, ...spec.months.map((month, i) => el("tr", { "data-month": month },
      el("th", { scope: "row" }, monthName(month, lang, "long")),
      ...spec.series.map((s, k) => el("td", { class: "num" }, cells ? cells[k](rows[i]) : s.format(s.values[i]))),
      ...extra.map(e => el("td", { class: "num" }, e.cell(rows[i])))))));
  const box = el("figure", { class: "chart", id: spec.id },
    el("h3", { id: `${spec.id}-title` }, spec.title),
    el("p", { id: `${spec.id}-desc`, class: "hint" }, describe(spec, lang)),
    holder, legend,
    el("details", {}, el("summary", {}, `${w.table}: ${spec.title}`), el("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": `${w.table}: ${spec.title}` }, table)));
  let drawn = 0;
  const render = () => {
    const width = Math.round(Math.min(760, holder.clientWidth || 600));
    if (Math.abs(width - drawn) < 8) return;
    drawn = width;
    holder.replaceChildren(draw(spec, width, lang));
  };
  requestAnimationFrame(render);
  let timer = 0;
  const onResize = () => {                // redrawn at the new width; forgotten once the page is left
    clearTimeout(timer);
    timer = window.setTimeout(() => (box.isConnected ? render() : window.removeEventListener("resize", onResize)), 100);
  };
  window.addEventListener("resize", onResize);
  return box;
}

/** The three charts of one answer of GET /v1/stats/opds/monthly. */
export function charts(data: MonthlyStats, lang: ChartLang): HTMLElement[] {
  const w = WORDS[lang];
  const rows = data.months;
  const months = rows.map(m => m.month);
  const hours = number(lang);
  const medians = [...rows.map(m => m.followup.median_hours), ...rows.map(m => m.approval.median_hours)];
  const hoursMax = niceMax(medians, 1);
  const sanctionsMax = niceMax(rows.map(m => m.sanctions), 1);
  const count = (v: number | null) => (v === null ? "–" : String(v));
  const rate = (c: "followup" | "approval") => (m: MonthStats) => `${percent(m[c].on_time_rate)} (${m[c].on_time}/${m[c].decided})`;
  return [
    figure({ id: "chart-rates", title: w.ratesTitle, kind: "line", months, max: 1, ticks: [0, 0.5, 1], tick: v => `${Math.round(v * 100)} %`,
      series: [{ name: w.followup, values: rows.map(m => m.followup.on_time_rate), style: "a", format: percent },
        { name: w.approval, values: rows.map(m => m.approval.on_time_rate), style: "b", format: percent }] }, lang, rows,
    [{ head: w.complaints, cell: m => String(m.complaints) }], [rate("followup"), rate("approval")]),
    figure({ id: "chart-medians", title: w.mediansTitle, kind: "line", months, max: hoursMax, ticks: [0, hoursMax / 2, hoursMax], tick: v => hours(v),
      series: [{ name: w.followupMedian, values: rows.map(m => m.followup.median_hours), style: "a", format: hours },
        { name: w.approvalMedian, values: rows.map(m => m.approval.median_hours), style: "b", format: hours }] }, lang, rows, []),
    figure({ id: "chart-sanctions", title: w.sanctionsTitle, kind: "bar", months, max: sanctionsMax, ticks: [0, sanctionsMax / 2, sanctionsMax],
      tick: v => (Number.isInteger(v) ? String(v) : ""), series: [{ name: w.sanctions, values: rows.map(m => m.sanctions), style: "a", format: count }] }, lang, rows, []),
  ];
}

/** The board's section: a choice of the government's OPDs (all by default), then the charts. */
export function trendsSection(lang: ChartLang, opds: { code: string; name: string }[],
  load: (opd: string) => Promise<MonthlyStats>, onError: (error: unknown) => void): HTMLElement {
  const w = WORDS[lang];
  const select = el("select", { id: "trends-opd" }, el("option", { value: "" }, w.allOpds),
    ...opds.map(o => el("option", { value: o.code }, `${o.code} – ${o.name}`))) as HTMLSelectElement;
  const body = el("div", { class: "charts", "aria-live": "polite" }, w.loading);
  const show = () => {
    body.setAttribute("aria-busy", "true");
    load(select.value).then(data => {
      body.replaceChildren(...charts(data, lang));
      body.removeAttribute("aria-busy");
    }).catch(onError);
  };
  select.addEventListener("change", show);
  const section = el("section", { class: "card", "aria-labelledby": "trends-heading", id: "trends" },
    el("h2", { id: "trends-heading" }, w.trendsTitle), el("p", {}, w.trendsText(12)),
    el("div", { class: "field" }, el("label", { for: "trends-opd" }, w.whose), select), body);
  show();
  return section;
}
