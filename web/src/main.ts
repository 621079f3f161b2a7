// The Lampung In web console: a hash-routed single page over the public API.
import "./style.css";
import { api, ApiError, Attachment, Category, Preferences, PublicComplaint, Complaint, Role, Session, setLanguage, setToken, TimelineEvent } from "./api";
import { countdown, Lang, t, wib } from "./i18n";
import { loadConfig } from "./config";
import { trendsSection } from "./charts";
import { finishHostedSignIn, hostedSignOutUrl, hostedUi, SignInOutcome, startHostedSignIn } from "./signin";
import { locationMap, pinPicker, pointsMap } from "./map";
import { keepFresh, updateList } from "./refresh";

// ---------- state ----------
let lang: Lang = localStorage.getItem("lang") === "en" ? "en" : "id";
let session: Session | null = JSON.parse(sessionStorage.getItem("session") || "null");
setLanguage(lang);
setToken(session ? session.token : null);
const T = () => t(lang);

// ---------- DOM helper: text is always set as text, never parsed as HTML ----------
type Attrs = Record<string, string | boolean | ((e: Event) => void)>;
type Child = Node | string | null | undefined | false;
function h(tag: string, attrs: Attrs = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (typeof value === "function") el.addEventListener(key.slice(2).toLowerCase(), value);
    else if (value === true) el.setAttribute(key, "");
    else if (value !== false) el.setAttribute(key, value);
  }
  for (const child of children) if (child) el.append(child);
  return el;
}
const main = document.getElementById("main") as HTMLElement;

function field(id: string, label: string, control: HTMLElement, hint?: string): HTMLElement {
  control.id = id;
  if (hint) control.setAttribute("aria-describedby", `${id}-hint`);
  return h("div", { class: "field" }, h("label", { for: id }, label), control,
    hint ? h("p", { class: "hint", id: `${id}-hint` }, hint) : null);
}

function alertBox(): HTMLElement { return h("div", { class: "alert", role: "alert" }); }
function showError(box: HTMLElement, error: unknown): void {
  box.className = "alert error";
  if (error instanceof ApiError && error.status === 401 && session) {     // expired or refused token: sign in again
    session = null;
    sessionStorage.removeItem("session");
    setToken(null);
    location.hash = "#/sign-in";
    return;
  }
  if (error instanceof ApiError) box.textContent = error.status === 0 ? T().errorNetwork : error.message || T().errorGeneric;
  else box.textContent = T().errorGeneric;
}
function showOk(box: HTMLElement, text: string): void { box.className = "alert ok"; box.textContent = text; }

function statusBadge(status: string): HTMLElement {
  return h("span", { class: `badge status-${status}` }, T().statuses[status] || status);
}

function dueOf(c: { deadlines: Complaint["deadlines"] }): string | null {
  return c.deadlines.followup_due || c.deadlines.approval_due;
}
/** A live countdown: updated every 30 s by tick(). */
function deadlineCell(c: { deadlines: Complaint["deadlines"]; status?: string }): HTMLElement {
  const due = dueOf(c);
  if (!due && c.status === "waiting_citizen") return h("span", { class: "paused" }, T().paused);
  if (!due) return h("span", {}, T().noDeadline);
  const label = c.deadlines.followup_due ? T().followupDue : T().approvalDue;
  const el = h("span", { class: "deadline" },
    h("span", { class: "due-label" }, `${label}: ${wib(due, lang)}`), " ",
    h("strong", { class: "countdown", "data-due": due }));
  tickOne(el.querySelector(".countdown") as HTMLElement);
  return el;
}
function tickOne(el: HTMLElement): void {
  const { text, late } = countdown(el.dataset.due as string, lang);
  el.textContent = `(${text})`;
  el.classList.toggle("late", late);
}
setInterval(() => document.querySelectorAll<HTMLElement>(".countdown").forEach(tickOne), 30000);

const PHOTO_TYPES = "image/jpeg,image/png,image/webp,image/heic,application/pdf";
const MAX_PHOTOS = 10;

/** Uploads the chosen files; with `ready`, waits until the stack has checked them (at most ~30 s). */
async function uploadAll(id: string, files: File[], ready: boolean, box: HTMLElement): Promise<string[]> {
  const ids: string[] = [];
  for (const file of files.slice(0, MAX_PHOTOS)) {
    box.className = "alert ok";
    box.textContent = T().uploading(file.name);
    ids.push((await api.upload(id, file)).id);
  }
  if (!ready || !ids.length) return ids;
  box.textContent = T().processing;
  for (let i = 0; i < 60; i++) {
    const listed = await api.attachments(id);
    const mine = listed.filter(a => ids.includes(a.id));
    if (mine.some(a => a.status === "rejected")) throw new ApiError(422, "attachment_rejected", T().photoRejected);
    if (mine.length === ids.length && mine.every(a => a.status === "ready")) return ids;
    await new Promise(r => setTimeout(r, 500));
  }
  throw new ApiError(0, "timeout", T().photoTimeout);
}

function photoInput(id: string): HTMLInputElement {
  const input = h("input", { type: "file", accept: PHOTO_TYPES, multiple: true }) as HTMLInputElement;
  input.id = id;
  return input;
}

/** A file field in the page's language (the browser's own button would speak the browser's). */
function photoField(id: string, label: string, input: HTMLInputElement): HTMLElement {
  input.className = "visually-hidden";
  input.setAttribute("aria-describedby", `${id}-hint ${id}-chosen`);
  const chosen = h("span", { id: `${id}-chosen`, class: "chosen" }, T().noFiles);
  input.addEventListener("change", () => {
    const names = [...(input.files || [])].map(f => f.name);
    chosen.textContent = names.length ? names.join(", ") : T().noFiles;
  });
  return h("div", { class: "field" }, h("label", { for: id }, label),
    h("div", { class: "file-row" }, input, h("label", { for: id, class: "file-button", "aria-hidden": "true" }, T().chooseFiles), chosen),
    h("p", { class: "hint", id: `${id}-hint` }, T().photosHint));
}

let categoryCache: Promise<Category[]> | null = null;
function categories(): Promise<Category[]> {
  if (!categoryCache) categoryCache = api.categories().catch(error => { categoryCache = null; throw error; });
  return categoryCache;
}

function requireRole(...roles: Role[]): boolean {
  if (session && roles.includes(session.claims.role)) return true;
  location.hash = "#/sign-in";
  return false;
}

// ---------- chrome: nav, who, language ----------
function renderChrome(): void {
  document.documentElement.lang = lang;
  document.title = "Lampung In";
  (document.getElementById("skip-link") as HTMLElement).textContent = T().skip;
  const nav = document.getElementById("nav") as HTMLElement;
  nav.setAttribute("aria-label", T().menu);
  const links: [string, string][] = [];
  const role = session?.claims.role;
  if (role === "citizen") links.push(["#/new", T().navNew], ["#/complaints", T().navMine]);
  if (role === "operator") links.push(["#/queue", T().navQueue]);
  if (role === "supervisor") links.push(["#/approvals", T().navApprovals], ["#/queue", T().navQueue]);
  if (role === "inspector" || role === "admin") links.push(["#/overview", T().navOverview], ["#/audit", T().navAudit]);
  if (role && role !== "citizen") links.push(["#/sanctions", T().navSanctions]);
  if (role) links.push(["#/notifications", T().navNotifications], ["#/preferences", T().navPreferences]);
  links.push(["#/track", T().navTrack], ["#/board", T().navBoard]);
  const here = location.hash.split("?")[0].split("/").slice(0, 2).join("/");
  nav.replaceChildren(h("ul", {}, ...links.map(([href, text]) =>
    h("li", {}, h("a", { href, ...(href === here ? { "aria-current": "page" } : {}) }, text)))));
  const who = document.getElementById("who") as HTMLElement;
  if (session) {
    const c = session.claims;
    who.replaceChildren(h("span", { class: "who-text" }, T().signedInAs(c.name || c.sub, T().roles[c.role] + (c.opd ? ` ${c.opd}` : ""))),
      h("button", { type: "button", id: "sign-out", onclick: signOut }, T().signOut));
  } else {
    who.replaceChildren(h("a", { href: "#/sign-in", class: "button-link" }, T().signIn));
  }
  const sw = document.getElementById("lang-switch") as HTMLElement;
  sw.textContent = T().switchTo;
  sw.setAttribute("lang", lang === "id" ? "en" : "id");
  sw.setAttribute("aria-label", T().switchLabel);
}

function signOut(): void {
  session = null;
  sessionStorage.removeItem("session");
  setToken(null);
  const logout = hostedSignOutUrl();          // Cognito: end the hosted UI's session too
  if (logout) { location.assign(logout); return; }
  location.hash = "#/";
}

// the skip link moves focus only: "#main" is not a route
(document.getElementById("skip-link") as HTMLElement).addEventListener("click", (e) => {
  e.preventDefault();
  (main.querySelector("h1") as HTMLElement | null || main).focus();
});

(document.getElementById("lang-switch") as HTMLElement).addEventListener("click", () => {
  lang = lang === "id" ? "en" : "id";
  localStorage.setItem("lang", lang);
  setLanguage(lang);
  route();
});

// ---------- pages ----------
let firstPage = true;
/** A page's content under its heading; after a navigation the heading takes the focus (not on the
 * first load, where the skip link comes first). */
function page(title: string, ...children: Child[]): void {
  const heading = h("h1", { tabindex: "-1" }, title);
  main.replaceChildren(heading, ...children.filter((c): c is Node | string => !!c));
  if (!firstPage) heading.focus();
  firstPage = false;
}

function home(): void {
  const role = session?.claims.role;
  if (role === "citizen") { location.hash = "#/complaints"; return; }
  if (role === "operator") { location.hash = "#/queue"; return; }
  if (role === "supervisor") { location.hash = "#/approvals"; return; }
  if (role) { location.hash = "#/overview"; return; }
  page(T().welcome, h("p", {}, T().welcomeText),
    h("ul", { class: "actions" },
      h("li", {}, h("a", { href: "#/sign-in", class: "button-link" }, T().signIn)),
      h("li", {}, h("a", { href: "#/track", class: "button-link secondary" }, T().navTrack)),
      h("li", {}, h("a", { href: "#/board", class: "button-link secondary" }, T().navBoard))));
}

let signInProblem: SignInOutcome | null = null;     // the hosted UI's last answer, shown until the next try

async function signIn(): Promise<void> {
  if (hostedUi()) {
    const box = alertBox();
    if (signInProblem?.problem) {
      box.className = "alert error";
      box.textContent = T().signInProblems[signInProblem.problem] +
        (signInProblem.detail ? ` ${T().signInProblemCode(signInProblem.detail)}` : "");
    }
    const go = h("button", { type: "button", id: "hosted-sign-in" }, T().hostedSignInButton);
    go.addEventListener("click", () => { signInProblem = null; void startHostedSignIn("#/"); });
    page(T().hostedSignIn, h("div", { class: "card" }, h("p", {}, T().hostedSignInNote), box, go));
    return;
  }
  const roles: Role[] = ["citizen", "operator", "supervisor", "inspector"];
  const role = h("select", {}, ...roles.map(r => h("option", { value: r }, T().roles[r]))) as HTMLSelectElement;
  const sub = h("input", { type: "text", required: true, autocomplete: "username", value: "warga-1" }) as HTMLInputElement;
  const name = h("input", { type: "text", autocomplete: "name" }) as HTMLInputElement;
  const opd = h("select", {}, h("option", { value: "" }, T().chooseOpd)) as HTMLSelectElement;
  const box = alertBox();
  const form = h("form", { class: "card", novalidate: true },
    h("p", { class: "note" }, T().localSignInNote),
    field("sign-in-role", T().role, role),
    field("sign-in-sub", T().userId, sub, T().userIdHint),
    field("sign-in-name", T().name, name),
    field("sign-in-opd", T().opd, opd, T().opdHint),
    box, h("button", { type: "submit" }, T().signIn));
  page(T().localSignIn, form);
  role.addEventListener("change", () => {
    const staff = role.value === "operator" || role.value === "supervisor";
    if (sub.value === "warga-1" || sub.value.includes(".")) {
      sub.value = staff ? `${role.value}.${(opd.value || "bapenda").toLowerCase()}` : role.value === "inspector" ? "inspektorat" : "warga-1";
    }
  });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      const staff = role.value === "operator" || role.value === "supervisor";
      session = await api.signIn({ sub: sub.value.trim(), role: role.value as Role, name: name.value.trim() || undefined,
        opd: staff ? opd.value || undefined : undefined });
      sessionStorage.setItem("session", JSON.stringify(session));
      setToken(session.token);
      location.hash = "#/";
    } catch (error) { showError(box, error); }
  });
  try {
    const opds = await api.opds();
    opd.append(...opds.map(o => h("option", { value: o.code }, `${o.code} · ${o.name}`)));
  } catch (error) { showError(box, error); }
}

function track(id?: string): void {
  const input = h("input", { type: "text", required: true, autocomplete: "off", value: id || "", spellcheck: "false" }) as HTMLInputElement;
  const box = alertBox();
  const result = h("div", { id: "track-result" });
  const form = h("form", { class: "card", role: "search" },
    h("p", {}, T().trackText), field("track-number", T().number, input), box,
    h("button", { type: "submit" }, T().trackButton));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const num = input.value.trim();
    if (num) location.hash = `#/track/${encodeURIComponent(num)}`;
  });
  page(T().trackTitle, form, result);
  if (!id) return;
  api.track(id).then(c => {
    result.replaceChildren(h("section", { class: "card", "aria-labelledby": "tracked-heading" },
      h("h2", { id: "tracked-heading" }, c.id),
      c.title ? h("p", {}, c.title) : null,
      h("dl", {},
        h("dt", {}, T().status), h("dd", {}, statusBadge(c.status)),
        h("dt", {}, T().opd), h("dd", {}, c.opd),
        h("dt", {}, T().filed), h("dd", {}, wib(c.created_at, lang)),
        h("dt", {}, T().deadline), h("dd", {}, deadlineCell(c))),
      c.description ? h("p", {}, c.description) : null,
      c.visibility === "public" && c.supporters !== null ? supportBlock(c.id, c.supporters) : null,
      h("h3", {}, T().timeline), timelineList(c.timeline)));
  }).catch(error => {
    if (error instanceof ApiError && error.status === 404) { box.className = "alert error"; box.textContent = T().notFound; }
    else showError(box, error);
  });
}

function attachmentList(files: Attachment[]): HTMLElement {
  return h("section", { class: "card", "aria-labelledby": "files-heading" },
    h("h2", { id: "files-heading" }, T().photos),
    h("ul", { class: "files" }, ...files.map(a => h("li", { "data-status": a.status, "data-role": a.uploaded_by_role },
      a.status === "ready" && a.url && a.content_type.startsWith("image/")
        ? h("a", { href: a.url, target: "_blank", rel: "noopener" },
            h("img", { src: a.url, alt: T().photoAlt(a.filename, T().roles[a.uploaded_by_role] || a.uploaded_by_role), loading: "lazy" }))
        : a.status === "ready" && a.url ? h("a", { href: a.url, target: "_blank", rel: "noopener" }, a.filename) : h("span", {}, a.filename),
      h("p", { class: "meta" }, `${T().roles[a.uploaded_by_role] || a.uploaded_by_role} · ${T().fileStatus[a.status]}`)))));
}

function supportBlock(id: string, count: number): HTMLElement {
  const shown = h("p", { id: "supporters" }, T().supporters(count));
  const box = alertBox();
  const canSupport = session?.claims.role === "citizen";
  const button = canSupport ? h("button", { type: "button", id: "support-button", onclick: async () => {
    try { const { supporters } = await api.support(id); shown.textContent = T().supporters(supporters); showOk(box, T().supported); }
    catch (error) { showError(box, error); }
  } }, T().support) : null;
  return h("div", { class: "support" }, shown, button, box);
}

function timelineList(events: TimelineEvent[]): HTMLElement {
  return h("ol", { class: "timeline" }, ...events.map(ev => h("li", { "data-type": ev.type },
    h("time", { datetime: ev.at }, wib(ev.at, lang)), " ",
    h("span", { class: "event-label" }, ev.label),
    ev.note ? h("p", { class: "event-note" }, ev.note) : null)));
}

async function fileComplaint(): Promise<void> {
  if (!requireRole("citizen")) return;
  const category = h("select", { required: true }, h("option", { value: "" }, T().chooseCategory)) as HTMLSelectElement;
  const title = h("input", { type: "text", required: true, maxlength: "200" }) as HTMLInputElement;
  const description = h("textarea", { required: true, rows: "5" }) as HTMLTextAreaElement;
  const address = h("input", { type: "text", autocomplete: "street-address" }) as HTMLInputElement;
  const lat = h("input", { type: "number", step: "any", min: "-90", max: "90", inputmode: "decimal" }) as HTMLInputElement;
  const lon = h("input", { type: "number", step: "any", min: "-180", max: "180", inputmode: "decimal" }) as HTMLInputElement;
  const locate = h("button", { type: "button", class: "secondary-button", id: "use-my-location" }, T().useMyLocation) as HTMLButtonElement;
  const mapHolder = h("div", { class: "map-holder" });
  const photos = photoInput("complaint-photos");
  const visible = h("input", { type: "checkbox", id: "complaint-public", "aria-describedby": "complaint-public-hint" }) as HTMLInputElement;
  const box = alertBox();
  const key = crypto.randomUUID();
  const submit = h("button", { type: "submit" }, T().submit) as HTMLButtonElement;
  const form = h("form", { class: "card" },
    field("complaint-category", T().category, category), field("complaint-title", T().title, title),
    field("complaint-description", T().description, description), field("complaint-address", T().address, address),
    h("fieldset", { class: "coords" }, h("legend", {}, T().coordinates),
      h("p", { class: "hint" }, T().coordinatesHint),
      h("div", { class: "pair" }, field("complaint-lat", T().latitude, lat), field("complaint-lon", T().longitude, lon)), locate, mapHolder),
    photoField("complaint-photos", T().photos, photos),
    h("div", { class: "check" }, visible, h("label", { for: "complaint-public" }, T().makePublic)),
    h("p", { class: "hint", id: "complaint-public-hint" }, T().makePublicHint), box, submit);
  page(T().newTitle, form);
  void pinPicker(mapHolder, lat, lon, lang);          // a map only when tiles are configured and load
  locate.addEventListener("click", () => {
    if (!navigator.geolocation) { box.className = "alert error"; box.textContent = T().noLocation; return; }
    navigator.geolocation.getCurrentPosition(pos => {
      lat.value = pos.coords.latitude.toFixed(6);
      lon.value = pos.coords.longitude.toFixed(6);
      lon.dispatchEvent(new Event("input"));       // the map's pin follows
    }, () => { box.className = "alert error"; box.textContent = T().noLocation; }, { timeout: 10000 });
  });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    submit.disabled = true;
    try {
      const where = {
        ...(address.value.trim() ? { address: address.value.trim() } : {}),
        ...(lat.value && lon.value ? { lat: Number(lat.value), lon: Number(lon.value) } : {}),
      };
      const body = { category: category.value, title: title.value.trim(), description: description.value.trim(),
        visibility: visible.checked ? "public" : "private",
        ...(Object.keys(where).length ? { location: where } : {}) };
      const created = await api.file(body, key);
      await uploadAll(created.id, [...(photos.files || [])], false, box);
      if (created.similar && created.similar.length) { similarPage(created.id, created.similar); return; }
      location.hash = `#/complaints/${encodeURIComponent(created.id)}`;
    } catch (error) { showError(box, error); submit.disabled = false; }
  });
  try {
    const all = await categories();
    const sectors = [...new Set(all.map(c => c.sector))];
    category.append(...sectors.map(s => h("optgroup", { label: T().sectors[s] || s },
      ...all.filter(c => c.sector === s).map(c => h("option", { value: c.code }, c.name)))));
  } catch (error) { showError(box, error); }
}

/** After filing: open public complaints like it nearby, offered for support. */
function similarPage(id: string, similar: PublicComplaint[]): void {
  page(T().similarTitle, h("p", { class: "alert ok", role: "status" }, T().filedOk(id)), h("p", {}, T().similarText),
    h("ul", { class: "public-list similar" }, ...similar.map(c => {
      const shown = h("span", {}, T().supporters(c.supporters));
      const box = alertBox();
      return h("li", { "data-id": c.id },
        h("a", { href: `#/track/${encodeURIComponent(c.id)}` }, c.title), " ", statusBadge(c.status),
        h("p", { class: "meta" }, `${c.id} · ${c.distance_m != null ? T().metres(c.distance_m) : ""} · `, shown),
        h("button", { type: "button", class: "support-similar", onclick: async () => {
          try { const r = await api.support(c.id); shown.textContent = T().supporters(r.supporters); showOk(box, T().supported); }
          catch (error) { showError(box, error); }
        } }, T().support), box);
    })),
    h("p", {}, h("a", { href: `#/complaints/${encodeURIComponent(id)}`, class: "button-link", id: "to-my-complaint" }, T().toMyComplaint)));
}

function complaintTable(items: Complaint[], withClaim: boolean, refresh: () => void): HTMLElement {
  if (!items.length) return h("p", { class: "empty" }, T().none);
  return h("ul", { class: "complaints" }, ...items.map(c => {
    const box = alertBox();
    const claim = withClaim && c.actions.includes("claim")
      ? h("button", { type: "button", class: "claim", onclick: async () => {
          try { await api.act(c, "claim"); showOk(box, T().claimed); refresh(); } catch (error) { showError(box, error); }
        } }, T().claim)
      : null;
    return h("li", { class: `complaint${c.overdue ? " overdue" : ""}`, "data-id": c.id, "data-status": c.status, "data-sig": signature(c) },
      h("div", { class: "row" },
        h("a", { href: `#/complaints/${encodeURIComponent(c.id)}`, class: "complaint-link" }, c.title),
        statusBadge(c.status),
        c.overdue ? h("span", { class: "badge overdue-badge" }, T().overdue) : null,
        c.flags && c.flags.length ? h("span", { class: "badge flag-badge" }, T().flagged) : null),
      h("p", { class: "meta" }, `${c.id} · ${c.opd} · ${T().assignee}: ${c.assignee || T().unassigned}`),
      h("p", { class: "meta" }, deadlineCell(c)), claim, box);
  }));
}

/** What a row shows: a row whose signature is unchanged is kept as it is when the list refreshes. */
function signature(c: Complaint): string {
  return JSON.stringify([c.version, c.status, c.overdue, c.assignee, c.title, c.opd, c.deadlines, c.actions, (c.flags || []).length]);
}

/** The line under a self-refreshing list (when it was last loaded) and its polite announcer. */
function liveNotes(): { refreshed: HTMLElement; announcer: HTMLElement; loaded: () => void } {
  const refreshed = h("p", { class: "hint refreshed" });
  const announcer = h("p", { class: "live-note", role: "status", "aria-live": "polite", id: "list-news" });
  return { refreshed, announcer, loaded: () => { refreshed.textContent = T().refreshedAt(wib(new Date().toISOString(), lang)); } };
}

function byUrgency(a: Complaint, b: Complaint): number {
  if (a.overdue !== b.overdue) return a.overdue ? -1 : 1;
  const da = dueOf(a), db = dueOf(b);
  if (!da || !db) return da ? -1 : db ? 1 : 0;
  return new Date(da).getTime() - new Date(db).getTime();
}

const OPEN = ["assigned", "waiting_citizen", "followed_up"];

async function listPage(title: string, intro: string | null, query: string, withClaim: boolean, roles: Role[], sort: boolean): Promise<void> {
  if (!requireRole(...roles)) return;
  const holder = h("div", { class: "list-holder" }, T().loading);
  const box = alertBox();
  const notes = liveNotes();
  page(title, intro ? h("p", {}, intro) : null, notes.refreshed, notes.announcer, box, holder);
  const load = async () => {
    try {
      let { items } = await api.complaints(query);
      if (sort) items = items.filter(c => OPEN.includes(c.status)).sort(byUrgency);
      notes.loaded();
      updateList(holder, complaintTable(items, withClaim, load), notes.announcer, T());
    } catch (error) { showError(box, error); }
  };
  await load();
  keepFresh(holder, load);
}

async function complaintPage(id: string): Promise<void> {
  if (!requireRole("citizen", "operator", "supervisor", "inspector", "admin")) return;
  const box = alertBox();
  const body = h("div", {}, T().loading);
  page(id, box, body);
  const gone = (notice: string) => {
    // the action (a transfer, a hand-over) took the complaint out of this person's sight
    showOk(box, notice);
    body.replaceChildren(h("p", { id: "moved-away" }, T().movedAway),
      h("p", {}, h("a", { href: "#/queue", class: "button-link", id: "back-to-queue" }, T().backToQueue)));
  };
  const render = async (notice?: string, after?: Complaint) => {
    const mine = session?.claims.opd;
    // (only a transfer or a forward answers with a complaint of another OPD; a note answers with its event)
    if (notice && after && typeof after.opd === "string" && mine && (session?.claims.role === "operator" || session?.claims.role === "supervisor") && after.opd !== mine) {
      gone(notice);
      return;
    }
    try {
      const [c, events, all, files] = await Promise.all([api.complaint(id), api.timeline(id), categories(), api.attachments(id)]);
      const categoryName = all.find(x => x.code === c.category)?.name || c.category;
      const hasPoint = c.location?.lat != null && c.location?.lon != null;
      const where = h("div", { class: "map-holder", hidden: true });
      if (hasPoint) void locationMap(where, c.location?.lat as number, c.location?.lon as number, lang);
      if (notice) showOk(box, notice);
      body.replaceChildren(
        h("section", { class: "card", "aria-labelledby": "complaint-title" },
          h("h2", { id: "complaint-title" }, c.title),
          h("p", { class: "description" }, c.description),
          h("dl", {},
            h("dt", {}, T().status), h("dd", { id: "complaint-status" }, statusBadge(c.status)),
            h("dt", {}, T().category), h("dd", { lang: "id" }, categoryName),
            h("dt", {}, T().opd), h("dd", { id: "complaint-opd" }, c.opd),
            c.assignee ? h("dt", {}, T().assignee) : null, c.assignee ? h("dd", { id: "complaint-assignee" }, c.assignee) : null,
            c.location?.address ? h("dt", {}, T().place) : null, c.location?.address ? h("dd", {}, c.location.address) : null,
            hasPoint ? h("dt", {}, T().point) : null,
            hasPoint ? h("dd", { id: "complaint-point" }, `${c.location?.lat?.toFixed(6)}, ${c.location?.lon?.toFixed(6)}`) : null,
            h("dt", {}, T().filed), h("dd", {}, wib(c.created_at, lang)),
            h("dt", {}, T().deadline), h("dd", {}, deadlineCell(c)),
            c.rating ? h("dt", {}, T().rating) : null, c.rating ? h("dd", {}, T().rated(c.rating.stars)) : null),
          where),
        ...(files.length ? [attachmentList(files)] : []),
        ...actionForms(c, render),
        h("section", { class: "card", "aria-labelledby": "timeline-heading" },
          h("h2", { id: "timeline-heading" }, T().timeline), timelineList(events)));
    } catch (error) {
      body.replaceChildren();
      if (notice && error instanceof ApiError && error.status === 404) { gone(notice); return; }
      showError(box, error);
    }
  };
  await render();
}

/** Exactly the actions the API says this caller may take now (`actions`). */
function actionForms(c: Complaint, render: (notice?: string, after?: Complaint) => Promise<void>): HTMLElement[] {
  const forms: HTMLElement[] = [];
  const act = (form: HTMLElement, box: HTMLElement, action: string, body: () => unknown, done: string) =>
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      try { const after = await api.act(c, action, body()); await render(done, after); } catch (error) { showError(box, error); }
    });
  if (c.actions.includes("claim")) {
    const box = alertBox();
    const form = h("form", { class: "card inline" }, box, h("button", { type: "submit", id: "claim-button" }, T().claim));
    act(form, box, "claim", () => ({}), T().claimed);
    forms.push(form);
  }
  if (c.actions.includes("followups")) {
    const message = h("textarea", { required: true, rows: "4" }) as HTMLTextAreaElement;
    const photos = photoInput("followup-photos");
    const box = alertBox();
    const submit = h("button", { type: "submit" }, T().sendFollowup) as HTMLButtonElement;
    const form = h("form", { class: "card", "aria-labelledby": "followup-heading" },
      h("h2", { id: "followup-heading" }, T().followupTitle), field("followup-message", T().message, message),
      photoField("followup-photos", T().workPhotos, photos), box, submit);
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      submit.disabled = true;
      try {
        const ids = await uploadAll(c.id, [...(photos.files || [])], true, box);
        await api.act(c, "followups", { message: message.value.trim(), ...(ids.length ? { attachments: ids } : {}) });
        await render(T().followedUp);
      } catch (error) { showError(box, error); submit.disabled = false; }
    });
    forms.push(form);
  }
  if (c.actions.includes("approve")) {
    const note = h("input", { type: "text" }) as HTMLInputElement;
    const box = alertBox();
    const form = h("form", { class: "card", "aria-labelledby": "approve-heading" },
      h("h2", { id: "approve-heading" }, T().approve), field("approve-note", T().note, note), box,
      h("button", { type: "submit" }, T().approve));
    act(form, box, "approve", () => (note.value.trim() ? { note: note.value.trim() } : {}), T().approved);
    forms.push(form);
  }
  if (c.actions.includes("rating")) {
    const stars = h("select", { required: true }, ...[5, 4, 3, 2, 1].map(n => h("option", { value: String(n) }, T().starOption(n)))) as HTMLSelectElement;
    const comment = h("textarea", { rows: "3" }) as HTMLTextAreaElement;
    const box = alertBox();
    const form = h("form", { class: "card", "aria-labelledby": "rate-heading" },
      h("h2", { id: "rate-heading" }, T().rateTitle), field("rating-stars", T().stars, stars),
      field("rating-comment", T().comment, comment), box, h("button", { type: "submit" }, T().rate));
    act(form, box, "rating", () => ({ stars: Number(stars.value), ...(comment.value.trim() ? { comment: comment.value.trim() } : {}) }),
      T().rated(Number(stars.value)));
    forms.push(form);
  }
  // the actions that choose something (an OPD, a government, a unit, an operator), with a reason where asked
  for (const action of c.actions) {
    const spec = CHOICE_ACTIONS[action];
    if (!spec) continue;
    const texts = T().choiceActions[action];
    const choice = (spec.free ? h("input", { type: "text", required: true, spellcheck: "false" })
      : h("select", { required: true }, h("option", { value: "" }, T().choose))) as HTMLInputElement | HTMLSelectElement;
    const reason = spec.reason ? h("textarea", { required: true, rows: "2" }) as HTMLTextAreaElement : null;
    const box = alertBox();
    const form = h("form", { class: "card", "aria-labelledby": `${action}-heading`, "data-action": action },
      h("h2", { id: `${action}-heading` }, texts.title), field(`${action}-choice`, texts.label, choice),
      reason ? field(`${action}-reason`, T().reason, reason) : null, box, h("button", { type: "submit" }, texts.button));
    act(form, box, action, () => ({ [spec.field]: choice.value.trim(), ...(reason ? { reason: reason.value.trim() } : {}) }), texts.done);
    if (!spec.free) {
      optionsFor(action, c).then(options => (choice as HTMLSelectElement).append(...options.map(([v, label]) => h("option", { value: v }, label))))
        .catch(error => showError(box, error));
    }
    forms.push(form);
  }
  // the actions that take one text: a form each, in the order of the API's list
  for (const action of c.actions) {
    const spec = TEXT_ACTIONS[action];
    if (!spec) continue;
    const texts = T().textActions[action];
    const input = h("textarea", { required: true, rows: "3" }) as HTMLTextAreaElement;
    const box = alertBox();
    const form = h("form", { class: "card", "aria-labelledby": `${action}-heading`, "data-action": action },
      h("h2", { id: `${action}-heading` }, texts.title), field(`${action}-text`, texts.label, input), box,
      h("button", { type: "submit" }, texts.button));
    act(form, box, action, () => ({ [spec]: input.value.trim() }), texts.done);
    forms.push(form);
  }
  return forms;
}

const CHOICE_ACTIONS: Record<string, { field: string; reason: boolean; free?: boolean }> = {
  transfer: { field: "opd", reason: true }, forward: { field: "jurisdiction", reason: true },
  dispose: { field: "unit", reason: false }, assign: { field: "operator", reason: false, free: true },
};

async function optionsFor(action: string, c: Complaint): Promise<[string, string][]> {
  if (action === "forward") {
    const all = await api.jurisdictions();
    return [...(c.government && c.government !== "LAMPUNG" ? [["LAMPUNG", "Provinsi Lampung"] as [string, string]] : []),
      ...all.filter(j => j.code !== c.government).map(j => [j.code, j.name] as [string, string])];
  }
  const opds = await api.opds();
  if (action === "dispose") return (opds.find(o => o.code === c.opd)?.units || []).map(u => [u.code, `${u.code} · ${u.name}`]);
  return opds.filter(o => o.code !== c.opd && o.government === c.government).map(o => [o.code, `${o.code} · ${o.name}`]);
}

/** Action path → the one field its body carries (docs/contract.md). */
const TEXT_ACTIONS: Record<string, string> = {
  "request-info": "question", replies: "message", "return": "reason", reject: "reason", reopen: "reason", notes: "note",
};

async function preferences(): Promise<void> {
  if (!requireRole("citizen", "operator", "supervisor", "inspector", "admin")) return;
  page(T().preferencesTitle, h("p", {}, T().loading));
  let saved: Preferences;
  try { saved = await api.preferences(); } catch (error) { const box = alertBox(); main.append(box); showError(box, error); return; }
  const email = h("input", { type: "email", autocomplete: "email" }) as HTMLInputElement;
  const phone = h("input", { type: "tel", autocomplete: "tel" }) as HTMLInputElement;
  const language = h("select", {}, h("option", { value: "id" }, "Bahasa Indonesia"), h("option", { value: "en", lang: "en" }, "English")) as HTMLSelectElement;
  const channels = ["email", "sms", "whatsapp"].map(ch => {
    const box = h("input", { type: "checkbox", id: `pref-${ch}`, value: ch }) as HTMLInputElement;
    return { ch, box, row: h("div", { class: "check" }, box, h("label", { for: `pref-${ch}` }, T().channels[ch])) };
  });
  const box = alertBox();
  const form = h("form", { class: "card" }, h("p", {}, T().preferencesText),
    field("pref-email", T().email, email), field("pref-phone", T().phone, phone, T().phoneHint),
    h("fieldset", { class: "coords" }, h("legend", {}, T().channelsLegend), ...channels.map(c => c.row)),
    field("pref-language", T().messageLanguage, language), box, h("button", { type: "submit" }, T().save));
  main.replaceChildren(main.querySelector("h1") as HTMLElement, form);
  email.value = saved.email || "";
  phone.value = saved.phone || "";
  language.value = saved.language;
  for (const c of channels) c.box.checked = saved.channels.includes(c.ch);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      await api.savePreferences({ ...(email.value.trim() ? { email: email.value.trim() } : {}), ...(phone.value.trim() ? { phone: phone.value.trim() } : {}),
        channels: channels.filter(c => c.box.checked).map(c => c.ch), language: language.value });
      showOk(box, T().saved);
    } catch (error) { showError(box, error); }
  });
}

async function notifications(): Promise<void> {
  if (!requireRole("citizen", "operator", "supervisor", "inspector", "admin")) return;
  const box = alertBox();
  const holder = h("div", { "aria-live": "polite" }, T().loading);
  page(T().notificationsTitle, box, holder);
  const load = async () => {
    try {
      const { items } = await api.notifications();
      if (!items.length) { holder.replaceChildren(h("p", { class: "empty" }, T().noNotifications)); return; }
      holder.replaceChildren(h("ul", { class: "notifications" }, ...items.map(n => h("li", { class: `notification${n.read_at ? "" : " unread"}`, "data-type": n.type },
        h("p", { class: "row" }, h("strong", {}, n.title), " ", n.read_at ? null : h("span", { class: "badge" }, T().unread)),
        h("p", {}, n.body),
        h("p", { class: "meta" }, h("time", { datetime: n.at }, wib(n.at, lang)),
          n.complaint_id ? " · " : null,
          n.complaint_id ? h("a", { href: `#/complaints/${encodeURIComponent(n.complaint_id)}` }, n.complaint_id) : null),
        n.read_at ? null : h("button", { type: "button", class: "secondary-button", onclick: async () => {
          try { await api.markRead(n.id); await load(); } catch (error) { showError(box, error); }
        } }, T().markRead)))));
    } catch (error) { showError(box, error); }
  };
  await load();
}

const percent = (rate: number | null) => (rate === null ? "–" : `${Math.round(rate * 100)} %`);
const hours = (value: number | null) => (value === null ? "–" : value.toLocaleString(lang === "id" ? "id-ID" : "en-GB", { maximumFractionDigits: 1 }));

async function board(government = "LAMPUNG"): Promise<void> {
  const box = alertBox();
  const select = h("select", {}) as HTMLSelectElement;
  const league = h("section", { class: "card", "aria-labelledby": "league-heading" }, h("h2", { id: "league-heading" }, T().leagueTitle), T().loading);
  const levels = h("section", { class: "card", "aria-labelledby": "levels-heading" }, h("h2", { id: "levels-heading" }, T().levelsTitle), T().loading);
  const open = h("section", { class: "card", "aria-labelledby": "public-heading" }, h("h2", { id: "public-heading" }, T().publicTitle), T().loading);
  page(T().boardTitle, field("board-government", T().government, select), box, league, levels, open);
  api.publicComplaints().then(({ items }) => {
    const onMap = h("div", { class: "map-holder", hidden: true });
    open.replaceChildren(h("h2", { id: "public-heading" }, T().publicTitle), onMap, items.length
      ? h("ul", { class: "public-list" }, ...items.map(c => h("li", { "data-id": c.id },
          h("a", { href: `#/track/${encodeURIComponent(c.id)}` }, c.title), " ", statusBadge(c.status),
          h("p", { class: "meta" }, `${c.id} · ${c.opd} · ${wib(c.created_at, lang)} · ${T().supporters(c.supporters)}`))))
      : h("p", { class: "empty" }, T().none));
    void pointsMap(onMap, items.flatMap(c => c.location && c.location.lat != null && c.location.lon != null
      ? [{ id: c.id, lat: c.location.lat, lon: c.location.lon, title: c.title, href: `#/track/${encodeURIComponent(c.id)}` }] : []), lang);
  }).catch(error => showError(box, error));
  select.addEventListener("change", () => { location.hash = `#/board/${encodeURIComponent(select.value)}`; });
  try {
    const [governments, stats, rules] = await Promise.all([api.governments(), api.stats(government), api.rules(government)]);
    select.append(...governments.filter(g => g.onboarded).map(g => h("option", { value: g.code, ...(g.code === government ? { selected: true } : {}) }, g.name)));
    const rows = [...stats.opds].sort((a, b) => (a.rank ?? 1e9) - (b.rank ?? 1e9) || b.complaints - a.complaints || a.opd.localeCompare(b.opd));
    league.replaceChildren(h("h2", { id: "league-heading" }, T().leagueTitle),
      h("p", {}, T().leagueText(stats.window_days)), h("p", { class: "hint" }, T().notRankedNote),
      h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-labelledby": "league-heading" },
        h("table", {},
          h("thead", {}, h("tr", {}, ...[T().rank, T().opd, T().complaints, T().followupOnTime, T().medianHours, T().approvalOnTime, T().sanctions]
            .map(text => h("th", { scope: "col" }, text)))),
          h("tbody", {}, ...rows.map(o => h("tr", { "data-opd": o.opd },
            h("td", {}, o.rank === null ? h("span", { title: T().notRanked }, "–") : String(o.rank)),
            h("th", { scope: "row" }, h("span", { class: "opd-code" }, o.opd), " ", h("span", { class: "opd-name" }, o.name)),
            h("td", { class: "num complaints-count" }, String(o.complaints)),
            h("td", { class: "num" }, `${percent(o.followup.on_time_rate)} (${o.followup.on_time}/${o.followup.decided})`),
            h("td", { class: "num" }, hours(o.followup.median_hours)),
            h("td", { class: "num" }, `${percent(o.approval.on_time_rate)} (${o.approval.on_time}/${o.approval.decided})`),
            h("td", { class: "num" }, String(o.sanctions))))))));
    // over time: the same figures per month, of the government or one of its OPDs (charts.ts)
    league.after(trendsSection(lang, [...stats.opds].sort((a, b) => a.opd.localeCompare(b.opd)).map(o => ({ code: o.opd, name: o.name })),
      opd => api.monthly(government, opd), error => showError(box, error)));
    levels.replaceChildren(h("h2", { id: "levels-heading" }, T().levelsTitle),
      h("p", {}, T().rulesVersion(rules.rules_version)),
      h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-labelledby": "levels-heading" },
        h("table", {},
          h("thead", {}, h("tr", {}, ...[T().clock, T().limit, T().basis].map(text => h("th", { scope: "col" }, text)))),
          h("tbody", {}, ...rules.clocks.map(c => h("tr", {},
            h("th", { scope: "row" }, T().clocks[c.clock] || c.clock),
            h("td", {}, c.description[lang]),
            h("td", { lang: "id" }, c.reference)))))));
  } catch (error) { showError(box, error); }
}

/** A list as CSV (RFC 4180), cells that a spreadsheet would run as a formula made inert. */
export function toCsv(rows: string[][]): string {
  const cell = (v: string) => {
    const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  return rows.map(r => r.map(cell).join(",")).join("\r\n") + "\r\n";
}

async function overview(): Promise<void> {
  if (!requireRole("inspector", "admin")) return;
  const params = new URLSearchParams(location.hash.split("?")[1] || "");
  const status = h("select", {}, h("option", { value: "" }, T().allStatuses),
    ...Object.keys(T().statuses).map(st => h("option", { value: st, ...(params.get("status") === st ? { selected: true } : {}) }, T().statuses[st]))) as HTMLSelectElement;
  const overdue = h("input", { type: "checkbox", ...(params.get("overdue") === "true" ? { checked: true } : {}) }) as HTMLInputElement;
  overdue.id = "overview-overdue";
  const box = alertBox();
  const holder = h("div", { class: "list-holder" }, T().loading);
  const notes = liveNotes();
  const csv = h("button", { type: "button", id: "csv-export", disabled: true }, T().exportCsv) as HTMLButtonElement;
  const filters = h("form", { class: "card filters" }, field("overview-status", T().status, status),
    h("div", { class: "check" }, overdue, h("label", { for: "overview-overdue" }, T().onlyOverdue)),
    h("button", { type: "submit" }, T().apply), " ", csv);
  filters.addEventListener("submit", (e) => {
    e.preventDefault();
    const q = new URLSearchParams();
    if (status.value) q.set("status", status.value);
    if (overdue.checked) q.set("overdue", "true");
    location.hash = `#/overview${q.toString() ? `?${q}` : ""}`;
  });
  page(T().overviewTitle, h("p", {}, T().overviewText), filters, notes.refreshed, notes.announcer, box, holder);
  const q = new URLSearchParams({ limit: "100" });
  if (params.get("status")) q.set("status", params.get("status") as string);
  if (params.get("overdue") === "true") q.set("overdue", "true");
  let items: Complaint[] = [];
  const load = async () => {
    try {
      items = (await api.complaints(`?${q}`)).items;
      notes.loaded();
      updateList(holder, complaintTable(items, false, () => undefined), notes.announcer, T());
      csv.disabled = !items.length;
    } catch (error) { showError(box, error); }
  };
  await load();
  keepFresh(holder, load);
  csv.addEventListener("click", () => {
    const head = [T().number, T().status, T().opd, T().category, T().title, T().filed, T().followupDue, T().approvalDue, T().overdue, T().assignee];
    const rows = items.map(c => [c.id, T().statuses[c.status] || c.status, c.opd, c.category, c.title, wib(c.created_at, lang),
      c.deadlines.followup_due ? wib(c.deadlines.followup_due, lang) : "", c.deadlines.approval_due ? wib(c.deadlines.approval_due, lang) : "",
      c.overdue ? T().yes : T().no, c.assignee || ""]);
    const url = URL.createObjectURL(new Blob(["\ufeff" + toCsv([head, ...rows])], { type: "text/csv;charset=utf-8" }));
    const link = h("a", { href: url, download: `aduan-${new Date().toISOString().slice(0, 10)}.csv` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  });
}

const KINDS = ["sanction", "warning", "report"];

async function sanctions(): Promise<void> {
  if (!requireRole("operator", "supervisor", "inspector", "admin")) return;
  const params = new URLSearchParams(location.hash.split("?")[1] || "");
  const wanted = KINDS.includes(params.get("kind") || "") ? params.get("kind") as string : "sanction";
  const kind = h("select", {}, ...KINDS.map(k => h("option", { value: k }, T().kinds[k]))) as HTMLSelectElement;
  kind.value = wanted;
  const form = h("form", { class: "card", role: "search" }, field("sanctions-kind", T().kindLabel, kind),
    h("button", { type: "submit" }, T().apply));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    location.hash = `#/sanctions?kind=${encodeURIComponent(kind.value)}`;
  });
  const box = alertBox();
  const holder = h("div", { "aria-live": "polite" }, T().loading);
  page(T().sanctionsTitle, form, box, holder);
  try {
    const { items } = await api.sanctions(wanted);
    if (!items.length) { holder.replaceChildren(h("p", { class: "empty" }, T().noneOfKind[wanted])); return; }
    holder.replaceChildren(h("ul", { class: "sanctions" }, ...items.map(x => h("li", { class: `sanction kind-${x.kind}`, "data-id": x.id },
      h("p", { class: "row" }, h("strong", {}, T().kinds[x.kind] || x.kind), " ",
        h("span", { class: "badge" }, x.level), " ",
        h("a", { href: `#/complaints/${encodeURIComponent(x.complaint_id)}` }, x.complaint_id)),
      h("p", {}, x.explanation[lang]),
      h("p", { class: "meta" }, `${T().subjects[x.subject_type] || x.subject_type}: ${x.subject_id} · ${x.opd} · ${T().issued}: ${wib(x.issued_at, lang)} · ${T().hoursLate(x.hours_late)}`)))));
  } catch (error) { showError(box, error); }
}

async function audit(): Promise<void> {
  if (!requireRole("inspector", "admin")) return;
  const params = new URLSearchParams(location.hash.split("?")[1] || "");
  const complaint = h("input", { type: "text", value: params.get("complaint") || "", spellcheck: "false" }) as HTMLInputElement;
  const box = alertBox();
  const holder = h("div", { "aria-live": "polite" }, T().loading);
  const form = h("form", { class: "card", role: "search" }, field("audit-complaint", T().number, complaint), h("button", { type: "submit" }, T().apply));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    location.hash = complaint.value.trim() ? `#/audit?complaint=${encodeURIComponent(complaint.value.trim())}` : "#/audit";
  });
  page(T().auditTitle, h("p", {}, T().auditText), form, box, holder);
  try {
    const { items } = await api.audit(params.get("complaint") || "");
    holder.replaceChildren(items.length ? h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": T().auditTitle },
      h("table", { id: "audit-table" },
        h("thead", {}, h("tr", {}, ...[T().when, T().actor, T().actionCol, T().number, T().sourceIp].map(x => h("th", { scope: "col" }, x)))),
        h("tbody", {}, ...items.map(a => h("tr", { "data-action": a.action },
          h("td", {}, wib(a.at, lang)),
          h("td", {}, `${T().roles[a.actor_role] || a.actor_role}${a.actor_id ? ` · ${a.actor_id}` : ""}`),
          h("td", {}, T().auditActions[a.action] || h("code", {}, a.action)),
          h("td", {}, a.complaint_id ? h("a", { href: `#/complaints/${encodeURIComponent(a.complaint_id)}` }, a.complaint_id) : "–"),
          h("td", {}, a.source_ip || "–"))))))
      : h("p", { class: "empty" }, T().none));
  } catch (error) { showError(box, error); }
}

// ---------- router ----------
function route(): void {
  renderChrome();
  const parts = location.hash.replace(/^#\/?/, "").split("?")[0].split("/").map(decodeURIComponent);
  const [name, arg] = parts;
  switch (name) {
    case "": return home();
    case "sign-in": void signIn(); return;
    case "track": return track(arg);
    case "new": void fileComplaint(); return;
    case "complaints":
      if (arg) { void complaintPage(arg); return; }
      void listPage(T().mineTitle, null, "", false, ["citizen"], false); return;
    case "queue": void listPage(T().queueTitle, T().queueText, "", true, ["operator", "supervisor"], true); return;
    case "approvals": void listPage(T().approvalsTitle, T().approvalsText, "?status=followed_up", false, ["supervisor"], true); return;
    case "board": void board(arg || "LAMPUNG"); return;
    case "notifications": void notifications(); return;
    case "preferences": void preferences(); return;
    case "overview": void overview(); return;
    case "sanctions": void sanctions(); return;
    case "audit": void audit(); return;
    default: location.hash = "#/";
  }
}
// Routes only once /config.json is read (and a return from Cognito's hosted UI is finished): a
// hash change before that (a quick first click) would render the page twice, the second time
// over what the person had begun to fill in.
void loadConfig().then(async () => {
  const outcome = await finishHostedSignIn();     // back from Cognito's hosted UI?
  if (outcome?.session) {
    session = outcome.session;
    sessionStorage.setItem("session", JSON.stringify(session));
    setToken(session.token);
  }
  if (outcome) {
    signInProblem = outcome.session ? null : outcome;
    history.replaceState(null, "", location.pathname + (outcome.session ? outcome.back || "#/" : "#/sign-in"));
  }
  window.addEventListener("hashchange", route);
  route();
});
