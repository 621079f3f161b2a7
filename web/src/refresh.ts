// Lists that refresh themselves (the operator's queue, the supervisor's approvals, the citizen's
// own list, the inspector's overview): reloaded every 30 s while the tab is visible, not while it
// is hidden, and at once when it becomes visible again. An update changes only the rows that
// changed, so the person's focus, scroll position and anything typed elsewhere on the page stay;
// new rows (and rows whose status changed) are announced politely in a live region.

export const REFRESH_MS = 30_000;

/** Calls `load` every `every` ms while the page is visible and `anchor` is still on the page
 * (a navigation replaces it: the timer then stops itself), and at once when the page becomes
 * visible again. Never two loads at a time. */
export function keepFresh(anchor: HTMLElement, load: () => Promise<void>, every = REFRESH_MS): void {
  let busy = false;
  const run = async () => {
    if (busy) return;
    busy = true;
    try { await load(); } finally { busy = false; }
  };
  const stop = () => { clearInterval(timer); document.removeEventListener("visibilitychange", onVisible); };
  const tick = () => {
    if (!anchor.isConnected) { stop(); return; }
    if (document.visibilityState === "visible") void run();
  };
  const onVisible = () => {
    if (!anchor.isConnected) { stop(); return; }
    if (document.visibilityState === "visible") void run();
  };
  const timer = setInterval(tick, every);
  document.addEventListener("visibilitychange", onVisible);
}

export interface ListTexts {
  newItems: (n: number, titles: string) => string;
  changedItems: (n: number, titles: string) => string;
}

type Row = { id: string; sig: string; status: string; title: string; el: HTMLElement };
function rows(list: Element | null): Row[] {
  if (!list) return [];
  return [...list.querySelectorAll<HTMLElement>(":scope > li[data-id]")].map(el => ({
    id: el.dataset.id as string, sig: el.dataset.sig || "", status: el.dataset.status || "",
    title: (el.querySelector(".complaint-link")?.textContent || el.dataset.id || "").trim(), el,
  }));
}
const FOCUSABLE = "a[href], button, input, select, textarea, [tabindex]";

/** Puts `next` (a fresh rendering of the list: `ul` of `li[data-id][data-sig]`, or an empty
 * note) into `holder`. The first time, or when either is not a list, it just replaces; otherwise
 * rows whose `data-sig` is unchanged are kept as they are (with what they show: a message, the
 * focus), changed rows are swapped, new ones inserted in place, gone ones removed. The focus, if
 * it was in a row that was swapped, goes to the same control of the new row; the row the person
 * was looking at (focused, else the first on screen) stays where it was on the screen, unless the
 * page was at its top. Returns what was
 * announced (also written into `announcer`), "" for nothing. */
export function updateList(holder: HTMLElement, next: HTMLElement, announcer: HTMLElement, texts: ListTexts): string {
  const current = holder.firstElementChild as HTMLElement | null;
  const isList = (el: Element | null) => !!el && el.tagName === "UL";
  if (!current || !isList(current) || !isList(next) || !holder.dataset.loaded) {
    const hadList = !!holder.dataset.loaded;
    const before = hadList ? rows(current) : [];
    holder.replaceChildren(next);
    holder.dataset.loaded = "1";
    return hadList ? announce(announcer, texts, before, rows(isList(next) ? next : null)) : "";
  }
  const before = rows(current);
  const after = rows(next);
  const old = new Map(before.map(r => [r.id, r]));
  // where the focus is: which row, which of its controls
  const active = document.activeElement as HTMLElement | null;
  const row = active && current.contains(active) ? active.closest<HTMLElement>("li[data-id]") : null;
  const focusAt = row ? [...row.querySelectorAll(FOCUSABLE)].indexOf(active as Element) : -1;
  // what the person looks at: the focused row, else the first row on screen; it stays where it is
  const seen = row || before.find(r => r.el.getBoundingClientRect().bottom > 0)?.el || null;
  const seenId = seen?.dataset.id;
  const seenTop = seen ? seen.getBoundingClientRect().top : 0;
  const scrolled = window.scrollY > 0;
  const wanted: HTMLElement[] = after.map(r => {
    const kept = old.get(r.id);
    return kept && kept.sig === r.sig ? kept.el : r.el;
  });
  const keep = new Set(wanted);
  for (const r of before) if (!keep.has(r.el)) r.el.remove();
  wanted.forEach((el, i) => {
    const at = current.children[i];
    if (at !== el) current.insertBefore(el, at || null);
  });
  if (row && active && document.activeElement !== active) {
    const again = current.querySelector<HTMLElement>(`:scope > li[data-id="${CSS.escape(row.dataset.id as string)}"]`);
    const controls = again ? [...again.querySelectorAll<HTMLElement>(FOCUSABLE)] : [];
    (controls[focusAt] || controls[0])?.focus({ preventScroll: true });
  }
  const text = announce(announcer, texts, before, after);
  if (seenId && scrolled) {
    const now = current.querySelector<HTMLElement>(`:scope > li[data-id="${CSS.escape(seenId)}"]`);
    const delta = now ? now.getBoundingClientRect().top - seenTop : 0;
    if (delta) window.scrollBy(0, delta);
  }
  return text;
}

function announce(announcer: HTMLElement, texts: ListTexts, before: Row[], after: Row[]): string {
  const old = new Map(before.map(r => [r.id, r]));
  const added = after.filter(r => !old.has(r.id));
  const changed = after.filter(r => old.has(r.id) && (old.get(r.id) as Row).status !== r.status);
  const parts: string[] = [];
  const names = (list: Row[]) => list.slice(0, 3).map(r => r.title).join("; ") + (list.length > 3 ? "; …" : "");
  if (added.length) parts.push(texts.newItems(added.length, names(added)));
  if (changed.length) parts.push(texts.changedItems(changed.length, names(changed)));
  const text = parts.join(" ");
  if (text) announcer.textContent = text;
  return text;
}
