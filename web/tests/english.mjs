// Every page type of the console in English (home, sign-in, a citizen's list, a new complaint,
// a complaint's page for the citizen, the operator and the supervisor, tracking, the queue, the
// approvals, notifications, preferences, the inspector's overview, sanctions, the audit trail and
// the board), each with the usual check (no console errors, axe clean, screenshots), and on each:
// * no Indonesian UI text of web/src/i18n.ts shows (its strings, and the fixed parts of its
//   templates, that differ from the English ones), in text or in aria-label/title/placeholder/alt/
//   label. Data may stay Indonesian: titles, descriptions and reasons typed in this test, and the
//   names the API gives (categories, OPDs, governments, legal bases) are taken out first; so is
//   what the page itself marks lang="id";
// * every time shown is in WIB, computed here from the API's timestamps, though the browser's own
//   time zone is New York's.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";
import { runScenario, ROOT, person, check, tokenFor, apiCall } from "./harness.mjs";

// the console's own texts, compiled from web/src/i18n.ts
async function texts() {
  const source = readFileSync(join(ROOT, "web", "src", "i18n.ts"), "utf-8");
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2020 } }).outputText;
  const dir = mkdtempSync(join(tmpdir(), "i18n-"));
  const file = join(dir, "i18n.mjs");
  writeFileSync(file, js);
  try { return await import(pathToFileURL(file).href); } finally { rmSync(dir, { recursive: true, force: true }); }
}

/** Every string of a text tree, and the fixed parts of its templates (called with markers). */
function pieces(value, out = new Set()) {
  const MARK = "\u0001";
  if (typeof value === "string") out.add(value);
  else if (typeof value === "function") {
    for (const args of [[MARK, MARK, MARK], [1, 1, 1], [2, 2, 2], [0, 0, 1], [0, 1, 1]]) {
      let result;
      try { result = value(...args.map(a => (a === MARK ? MARK : a))); } catch { continue; }
      if (typeof result === "string") {
        for (const part of result.split(MARK).flatMap(p => p.split(/\d+(?:[.,]\d+)?/))) out.add(part);
      }
    }
  } else if (value && typeof value === "object") for (const v of Object.values(value)) pieces(v, out);
  return out;
}

function indonesianOnly(i18n) {
  const clean = s => s.replace(/^[\s:;,.()·–-]+|[\s:;,.()·–-]+$/g, "");
  const id = [...pieces(i18n.t("id"))].map(clean);
  const en = new Set([...pieces(i18n.t("en"))].map(clean));
  // words and names the same in both languages are not Indonesian
  const same = new Set(["WIB", "OPD", "CSV", "SMS", "WhatsApp", "E-mail", "Status", "Operator", "operator", "supervisor", "admin", "Lampung In", "English"]);
  return [...new Set(id)].filter(s => s.length >= 3 && /[a-z]/i.test(s) && !en.has(s) && !same.has(s)).sort((a, b) => b.length - a.length);
}

const escape = s => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

runScenario("english", async ({ browser, base, stack }) => {
  const i18n = await texts();
  const indonesian = indonesianOnly(i18n);
  assert.ok(indonesian.includes("Menunggu tindak lanjut") && indonesian.includes("Masuk sebagai") && indonesian.includes("sisa"),
    "the Indonesian texts were read");
  const patterns = indonesian.map(s => [s, new RegExp(`(^|[^\\p{L}])${escape(s)}($|[^\\p{L}])`, "u")]);

  // data the pages may show in Indonesian: the API's names, and what this test types
  const get = async (path, token, lang = "id") => (await fetch(`${base}${path}`,
    { headers: { "Accept-Language": lang, ...(token ? { Authorization: `Bearer ${token}` } : {}) } })).json();
  const data = new Set();
  // in both languages: an English name may keep an Indonesian proper noun ("BPJS Kesehatan")
  for (const lang of ["id", "en"]) {
    for (const c of await get("/v1/categories", null, lang)) data.add(c.name);
    for (const o of await get("/v1/opds", null, lang)) { data.add(o.name); for (const u of o.units || []) data.add(u.name); }
    for (const g of await get("/v1/governments", null, lang)) data.add(g.name);
    for (const j of await get("/v1/jurisdictions", null, lang)) data.add(j.name);
  }
  const englishCategory = (await get("/v1/categories", null, "en")).find(c => c.code === "pajak-kendaraan").name;
  assert.notEqual(englishCategory, (await get("/v1/categories")).find(c => c.code === "pajak-kendaraan").name,
    "the API names categories in English");
  for (const c of (await get("/v1/rules?government=LAMPUNG")).clocks) data.add(c.reference);
  const typed = ["Lampu jalan di depan sekolah padam", "Sudah tiga minggu lampu jalan di depan SMA Negeri 2 padam.",
    "Jalan depan SMA Negeri 2, Bandar Lampung", "Lampu sudah diganti oleh petugas.", "Denda PKB ganda",
    "Denda PKB motor saya dihitung dua kali di Samsat.", "Ijazah belum terbit", "Ijazah anak saya belum terbit sejak Juli."];
  for (const s of typed) data.add(s);
  for (const s of ["warga-1", "warga-en", "inspektorat", "operator.bapenda", "supervisor.bapenda"]) data.add(s);   // user ids
  const known = [...data].filter(Boolean).sort((a, b) => b.length - a.length);

  const LEGAL = /(Rancangan )?(Pergub|Perda|Permendagri|Peraturan|Undang-Undang|UU)\b[^.]*/g;
  const seen = [];
  /** The page's visible texts and labels, outside what it marks lang="id", data taken out. */
  async function noIndonesian(page, name) {
    const [lang, found] = await findIndonesian(page);
    assert.equal(lang, "en", `${name}: <html lang="en">`);
    assert.deepEqual(found, [], `${name}: Indonesian UI text in English mode`);
    seen.push(name);
  }
  async function findIndonesian(page) {
    const units = await page.evaluate(() => {
      const out = [];
      const marked = el => { const m = el.closest("[lang]"); return !!m && m !== document.documentElement && m.getAttribute("lang") === "id"; };
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const el = n.parentElement;
        if (!el || ["SCRIPT", "STYLE"].includes(el.tagName) || marked(el)) continue;
        if (!el.closest("select") && !el.getClientRects().length) continue;     // not shown
        if (n.textContent.trim()) out.push(n.textContent.trim());
      }
      for (const el of document.querySelectorAll("[aria-label], [title], [placeholder], [alt], optgroup[label]")) {
        if (marked(el)) continue;
        for (const a of ["aria-label", "title", "placeholder", "alt", "label"]) if (el.getAttribute(a)) out.push(el.getAttribute(a));
      }
      out.push(document.title, document.documentElement.lang);
      return out;
    });
    const found = [];
    for (let unit of units) {
      for (const d of known) if (unit.includes(d)) unit = unit.split(d).join(" ");
      unit = unit.replace(LEGAL, " ");                // titles of regulations cited as legal basis
      for (const [s, re] of patterns) if (re.test(unit)) { found.push(`"${s}" in "${unit}"`); break; }
    }
    return [units.at(-1), found];
  }
  const WIB = new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Jakarta", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" });
  const wib = iso => `${WIB.format(new Date(iso))} WIB`;
  /** Every <time> shows its datetime in WIB; every "… WIB" on the page is one of `expected`. */
  async function inWib(page, name, expected = []) {
    const times = await page.locator("time").evaluateAll(ts => ts.map(t => [t.getAttribute("datetime"), t.textContent]));
    for (const [iso, shown] of times) assert.equal(shown, wib(iso), `${name}: a <time> in WIB`);
    const body = await page.locator("main").innerText();
    for (const e of expected) assert.ok(body.includes(e), `${name}: shows ${e}\n${body}`);
    assert.ok(!/\b(GMT|UTC|EST|EDT)\b/.test(body), `${name}: no other time zone`);
  }
  async function signInEnglish(page, { role, sub, opd }) {
    await page.goto(`${base}/#/sign-in`);
    await page.getByLabel("Role").selectOption(role);
    await page.getByLabel("User id").fill(sub);
    if (opd) {
      await page.locator(`#sign-in-opd option[value='${opd}']`).waitFor({ state: "attached" });
      await page.getByLabel("OPD", { exact: true }).selectOption(opd);
    }
    await page.getByRole("button", { name: "Sign in", exact: true }).last().click();
    await page.getByText(/Signed in as/).waitFor();
  }
  const english = { locale: "en-US", timezoneId: "America/New_York", before: context => context.addInitScript(() => localStorage.setItem("lang", "en")) };

  // anyone: home, sign-in, tracking, the board
  const visitor = await person(browser, base, english);
  await visitor.getByRole("heading", { level: 1, name: "The complaint service of Lampung province" }).waitFor();
  await noIndonesian(visitor, "home");
  await check(visitor, "en-01-home");
  await visitor.goto(`${base}/#/sign-in`);
  await visitor.locator("#sign-in-opd option[value='BAPENDA']").waitFor({ state: "attached" });
  await visitor.getByLabel("Role").waitFor();
  await noIndonesian(visitor, "sign-in");
  await check(visitor, "en-02-sign-in");

  // a citizen, signed in through the English sign-in page
  const citizen = await person(browser, base, english);
  await citizen.goto(`${base}/#/sign-in`);
  await citizen.getByLabel("Role").selectOption("citizen");
  await citizen.getByLabel("User id").fill("warga-en");
  await citizen.getByRole("button", { name: "Sign in", exact: true }).last().click();
  await citizen.getByRole("heading", { level: 1, name: "My complaints" }).waitFor();
  await citizen.getByText("No complaints yet.").waitFor();
  await noIndonesian(citizen, "citizen-empty-list");
  await check(citizen, "en-02b-citizen-empty-list");
  await citizen.getByRole("link", { name: "New complaint" }).click();
  await citizen.locator("#complaint-category option[value='pajak-kendaraan']").waitFor({ state: "attached" });
  assert.equal((await citizen.locator("#complaint-category option[value='pajak-kendaraan']").textContent()).trim(),
    englishCategory, "the category picker names categories in English");
  await noIndonesian(citizen, "new-complaint");
  await check(citizen, "en-03-new");
  await citizen.locator("#complaint-category").selectOption("pajak-kendaraan");
  await citizen.getByLabel("Title").fill(typed[0]);
  await citizen.getByLabel("Description").fill(typed[1]);
  await citizen.getByLabel("Address of the place (optional)").fill(typed[2]);
  await citizen.getByRole("button", { name: "Send the complaint" }).click();
  await citizen.waitForURL(/#\/complaints\/ADU-/);
  const id = decodeURIComponent(citizen.url().split("/").pop());
  const citizenToken = await citizen.evaluate(() => JSON.parse(sessionStorage.getItem("session")).token);
  const filed = await get(`/v1/complaints/${id}`, citizenToken);
  await citizen.locator("#complaint-status").getByText("Waiting for follow-up").waitFor();
  await citizen.locator(".countdown").getByText(/\(23 h \d+ min left\)/).waitFor();
  await noIndonesian(citizen, "citizen-complaint");
  await inWib(citizen, "citizen-complaint", [wib(filed.created_at), wib(filed.deadlines.followup_due)]);
  await check(citizen, "en-04-citizen-complaint");
  await citizen.getByRole("link", { name: "My complaints" }).click();
  await citizen.locator(`li.complaint[data-id='${id}']`).waitFor();
  await noIndonesian(citizen, "citizen-list");
  await inWib(citizen, "citizen-list", [wib(filed.deadlines.followup_due)]);
  await check(citizen, "en-05-citizen-list");

  // more complaints, over the API, for the queue, the approvals and the sanctions
  const tokenOf = who => tokenFor(base, who);
  const post = (token, path, body) => apiCall(base, token, "POST", path, body);
  const operatorToken = await tokenOf({ sub: "operator.bapenda", role: "operator", opd: "BAPENDA" });
  const tax = await post(citizenToken, "/v1/complaints", { category: "pajak-kendaraan", title: typed[4], description: typed[5], visibility: "public" });
  await post(operatorToken, `/v1/complaints/${tax.id}/claim`, {});
  await post(operatorToken, `/v1/complaints/${tax.id}/followups`, { message: typed[7] });
  const school = await post(citizenToken, "/v1/complaints", { category: "pajak-kendaraan", title: typed[6], description: typed[7] });
  await post(operatorToken, `/v1/complaints/${school.id}/claim`, {});     // its missed clock is then the operator's
  // ten days later (a sweep as if then): the claimed complaint's follow-up clock was missed (the
  // stream opens the clocks a moment after each change: sweep again until the operator's is there;
  // a sweep never issues a sanction twice)
  const later = new Date(Date.now() + 10 * 86400_000).toISOString();
  let own = [];
  for (let i = 0; i < 40 && !own.length; i++) {
    if (i) await new Promise(r => setTimeout(r, 500));
    execFileSync(join(ROOT, ".venv", "bin", "lampungin"), ["sweep", "--at", later],
      { cwd: ROOT, env: { ...process.env, LAMPUNGIN_HOME: stack.home, PYTHONPATH: ROOT }, encoding: "utf-8" });
    own = (await get("/v1/sanctions?limit=100", operatorToken)).items;
  }
  assert.ok(own.length >= 1, "the operator has a sanction");

  // the operator: queue, a complaint with its forms, sanctions, notifications, preferences
  const operator = await person(browser, base, english);
  await signInEnglish(operator, { role: "operator", sub: "operator.bapenda", opd: "BAPENDA" });
  await operator.getByRole("heading", { level: 1, name: "OPD queue" }).waitFor();
  await operator.locator(`li.complaint[data-id='${school.id}']`).waitFor();
  await noIndonesian(operator, "queue");
  await inWib(operator, "queue", [wib(school.deadlines.followup_due)]);
  await check(operator, "en-06-queue");
  await operator.locator(`li.complaint[data-id='${school.id}'] a`).click();
  await operator.locator("form[data-action='transfer'] #transfer-choice option[value='DISHUB']").waitFor({ state: "attached" });
  await operator.locator("#followup-message").waitFor();
  await noIndonesian(operator, "operator-complaint");
  await check(operator, "en-07-operator-complaint");
  await operator.getByRole("link", { name: "Sanctions" }).click();
  await operator.locator("li.sanction").first().waitFor();
  await noIndonesian(operator, "operator-sanctions");
  await check(operator, "en-08-operator-sanctions");

  // the supervisor: approvals, a complaint with approve/return/reject/forward
  const supervisor = await person(browser, base, english);
  await signInEnglish(supervisor, { role: "supervisor", sub: "supervisor.bapenda", opd: "BAPENDA" });
  await supervisor.getByRole("heading", { level: 1, name: "Follow-ups waiting for approval" }).waitFor();
  await supervisor.locator(`li.complaint[data-id='${tax.id}']`).waitFor();
  await noIndonesian(supervisor, "approvals");
  await check(supervisor, "en-09-approvals");
  await supervisor.locator(`li.complaint[data-id='${tax.id}'] a`).click();
  await supervisor.locator("form[data-action='return']").waitFor();
  await supervisor.locator("#forward-choice option[value='LAMSEL']").waitFor({ state: "attached" });
  await noIndonesian(supervisor, "supervisor-complaint");
  const events = await get(`/v1/complaints/${tax.id}/timeline`, citizenToken);
  await inWib(supervisor, "supervisor-complaint", events.map(e => wib(e.at)));
  await check(supervisor, "en-10-supervisor-complaint");

  // the citizen: notifications (made by the stream a moment after each change), preferences
  await citizen.getByRole("link", { name: "Notifications" }).click();
  await citizen.getByRole("heading", { level: 1, name: "Notifications" }).waitFor();
  for (let i = 0; i < 40 && !(await citizen.locator("li.notification").count()); i++) {
    await citizen.waitForTimeout(500);
    await citizen.reload();
    await citizen.locator("li.notification, p.empty").first().waitFor();
  }
  assert.ok(await citizen.locator("li.notification").count() >= 1, "the citizen has notifications");
  await noIndonesian(citizen, "notifications");
  await inWib(citizen, "notifications");
  await check(citizen, "en-11-notifications");
  await citizen.getByRole("link", { name: "Settings" }).click();
  await citizen.getByRole("heading", { level: 1, name: "Notification settings" }).waitFor();
  await citizen.getByRole("checkbox", { name: "SMS" }).waitFor();
  await noIndonesian(citizen, "preferences");
  await check(citizen, "en-12-preferences");

  // tracking and the board, for anyone
  await visitor.goto(`${base}/#/track/${tax.id}`);
  await visitor.getByRole("heading", { level: 2, name: tax.id }).waitFor();
  await noIndonesian(visitor, "track");
  await inWib(visitor, "track", [wib(tax.created_at)]);
  await check(visitor, "en-13-track");
  await visitor.goto(`${base}/#/board`);
  await visitor.locator("tr[data-opd='BAPENDA']").waitFor();
  await visitor.locator(`.public-list li[data-id='${tax.id}']`).waitFor();
  await noIndonesian(visitor, "board");
  await check(visitor, "en-14-board");

  // the inspector: overview, sanctions, audit
  const inspector = await person(browser, base, english);
  await signInEnglish(inspector, { role: "inspector", sub: "inspektorat" });
  await inspector.getByRole("heading", { level: 1, name: "Complaints overview" }).waitFor();
  await inspector.locator(`li.complaint[data-id='${id}']`).waitFor();
  await noIndonesian(inspector, "overview");
  await check(inspector, "en-15-overview");
  await inspector.getByRole("link", { name: "Sanctions" }).click();
  await inspector.locator("li.sanction").first().waitFor();
  await noIndonesian(inspector, "inspector-sanctions");
  await check(inspector, "en-16-inspector-sanctions");
  await inspector.getByRole("link", { name: "Audit trail" }).click();
  await inspector.locator("#audit-table tbody tr").first().waitFor();
  await noIndonesian(inspector, "audit");
  const audit = await get("/v1/audit?limit=100", await inspector.evaluate(() => JSON.parse(sessionStorage.getItem("session")).token));
  await inWib(inspector, "audit", audit.items.slice(0, 5).map(a => wib(a.at)));
  await check(inspector, "en-17-audit");
  assert.equal(seen.length, 18, seen.join(", "));
  // the check itself sees Indonesian when there is some: the board back in Indonesian
  await visitor.getByRole("button", { name: "Ganti ke Bahasa Indonesia" }).click();
  await visitor.getByRole("heading", { level: 2, name: "Peringkat OPD" }).waitFor();
  const [lang, found] = await findIndonesian(visitor);
  assert.equal(lang, "id");
  assert.ok(found.some(f => f.startsWith('"Peringkat OPD"')) && found.some(f => f.startsWith('"Papan publik"')), found.join("\n"));
});
