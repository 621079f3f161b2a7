// Lists that refresh themselves (web/src/refresh.ts): the operator's queue, the supervisor's
// approvals, the citizen's own list and the inspector's overview reload every 30 s while the tab
// is visible (the browser's clock is Playwright's, fast-forwarded past the 30 s), not while it is
// hidden, and at once when it becomes visible again; the person's focus, scroll position and a
// half-filled form stay; new complaints and changed statuses are announced politely (role=status)
// in the person's language. Other people file and change complaints through the API meanwhile.
import assert from "node:assert/strict";
import { runScenario, person, check, signIn, tokenFor, apiCall } from "./harness.mjs";

runScenario("live", async ({ browser, base }) => {
  const tokenOf = who => tokenFor(base, who);
  const post = (token, path, body) => apiCall(base, token, "POST", path, body);
  const citizenToken = await tokenOf({ sub: "warga-1", role: "citizen" });
  const neighbourToken = await tokenOf({ sub: "warga-2", role: "citizen" });
  const operator2Token = await tokenOf({ sub: "operator2.bapenda", role: "operator", opd: "BAPENDA" });
  const file = (token, title) => post(token, "/v1/complaints", { category: "pajak-kendaraan", title,
    description: `${title}: mohon diperiksa oleh petugas Samsat.` });
  const first = [];
  for (const title of ["Denda PKB ganda", "STNK belum terbit", "Plat nomor salah cetak", "Pajak progresif keliru"]) {
    first.push(await file(citizenToken, title));
  }

  // the operator's open queue, on a clock the test moves
  const operator = await person(browser, base, { before: context => context.clock.install() });
  let reloads = 0;
  operator.on("request", r => { if (r.method() === "GET" && new URL(r.url()).pathname === "/v1/complaints") reloads += 1; });
  await signIn(operator, base, { role: "operator", sub: "operator.bapenda", opd: "BAPENDA" });
  await operator.getByRole("heading", { level: 1, name: "Antrean OPD" }).waitFor();
  await operator.locator("li.complaint").nth(3).waitFor();
  await operator.getByText(/Diperbarui sendiri setiap 30 detik; terakhir .* WIB\./).waitFor();
  await check(operator, "live-01-queue");
  await operator.evaluate(() => { window.notReloaded = true; });

  // at phone size the queue scrolls; the operator scrolls down and is on the second row's link
  await operator.setViewportSize({ width: 390, height: 600 });
  const link = operator.locator(`li.complaint[data-id='${first[1].id}'] a.complaint-link`);
  await link.focus();
  await operator.evaluate(() => window.scrollTo(0, 250));
  const focused = await link.elementHandle();
  const scrolled = await operator.evaluate(() => window.scrollY);
  assert.ok(scrolled > 0, "the page scrolls at phone size");
  const top = await link.evaluate(el => el.getBoundingClientRect().top);
  const before = reloads;

  // a citizen files a new complaint; another operator claims the first one
  const fresh = await file(neighbourToken, "Samsat keliling tidak datang");
  await post(operator2Token, `/v1/complaints/${first[0].id}/claim`, {});
  await operator.waitForTimeout(200);
  assert.equal(await operator.locator(`li.complaint[data-id='${fresh.id}']`).count(), 0, "not before the refresh");
  await operator.clock.fastForward(31_000);
  await operator.locator(`li.complaint[data-id='${fresh.id}']`).waitFor();
  await operator.locator(`li.complaint[data-id='${first[0].id}']`).getByText("Petugas: operator2.bapenda").waitFor();
  assert.equal(reloads, before + 1, "one reload of the list");
  assert.ok(await operator.evaluate(() => window.notReloaded === true), "the page itself was not reloaded");
  assert.ok(await focused.evaluate(el => el === document.activeElement && el.isConnected), "the focus stays on the same link");
  assert.ok(await operator.evaluate(() => window.scrollY) >= scrolled, "the scroll position stays (or follows what grew above)");
  const moved = await link.evaluate(el => el.getBoundingClientRect().top) - top;
  assert.ok(Math.abs(moved) < 1, `the focused row stays where it was on the screen (moved ${moved} px)`);
  const news = operator.getByRole("status").filter({ hasText: "aduan baru" });
  assert.equal(await news.textContent(), "1 aduan baru: Samsat keliling tidak datang.");
  assert.equal(await operator.locator("#list-news").getAttribute("aria-live"), "polite");
  await check(operator, "live-02-queue-refreshed");

  // hidden: no reload however long; visible again: a reload at once
  const setVisibility = state => operator.evaluate(s => {
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => s });
    Object.defineProperty(document, "hidden", { configurable: true, get: () => s === "hidden" });
    document.dispatchEvent(new Event("visibilitychange"));
  }, state);
  await setVisibility("hidden");
  const whileHidden = await file(neighbourToken, "Antrean Samsat terlalu panjang");
  const hiddenAt = reloads;
  await operator.clock.fastForward(31_000);
  await operator.clock.fastForward(31_000);
  await operator.waitForTimeout(500);
  assert.equal(reloads, hiddenAt, "no reload while the tab is hidden");
  assert.equal(await operator.locator(`li.complaint[data-id='${whileHidden.id}']`).count(), 0);
  await setVisibility("visible");
  await operator.locator(`li.complaint[data-id='${whileHidden.id}']`).waitFor();
  assert.equal(reloads, hiddenAt + 1, "one reload when the tab is visible again");
  assert.equal(await news.textContent(), "1 aduan baru: Antrean Samsat terlalu panjang.");

  // in English, the announcement is in English
  await operator.getByRole("button", { name: "Switch to English" }).click();
  await operator.getByRole("heading", { level: 1, name: "OPD queue" }).waitFor();
  await operator.locator("li.complaint").first().waitFor();
  const english = await file(neighbourToken, "Nomor rangka tidak cocok");
  await operator.clock.fastForward(31_000);
  await operator.locator(`li.complaint[data-id='${english.id}']`).waitFor();
  assert.equal(await operator.locator("#list-news").textContent(), "1 new complaint: Nomor rangka tidak cocok.");
  await operator.getByText(/Refreshes itself every 30 seconds; last at .* WIB\./).waitFor();
  await check(operator, "live-03-queue-english");
  await operator.getByRole("button", { name: "Ganti ke Bahasa Indonesia" }).click();

  // the citizen's own list and the supervisor's approvals follow a follow-up made elsewhere
  const citizen = await person(browser, base, { before: context => context.clock.install() });
  await signIn(citizen, base, { role: "citizen", sub: "warga-1" });
  await citizen.locator(`li.complaint[data-id='${first[0].id}']`).getByText("Menunggu tindak lanjut").waitFor();
  const supervisor = await person(browser, base, { before: context => context.clock.install() });
  await signIn(supervisor, base, { role: "supervisor", sub: "supervisor.bapenda", opd: "BAPENDA" });
  await supervisor.getByRole("heading", { level: 1, name: "Tindak lanjut menunggu persetujuan" }).waitFor();
  await supervisor.getByText("Belum ada aduan.").waitFor();
  await post(operator2Token, `/v1/complaints/${first[0].id}/followups`, { message: "Denda ganda sudah dihapus." });
  await citizen.clock.fastForward(31_000);
  await citizen.locator(`li.complaint[data-id='${first[0].id}']`).getByText("Menunggu persetujuan").waitFor();
  assert.equal(await citizen.locator("#list-news").textContent(), "Status 1 aduan berubah: Denda PKB ganda.");
  await check(citizen, "live-04-citizen-list-refreshed");
  await supervisor.clock.fastForward(31_000);
  await supervisor.locator(`li.complaint[data-id='${first[0].id}']`).waitFor();
  assert.equal(await supervisor.locator("#list-news").textContent(), "1 aduan baru: Denda PKB ganda.");
  await check(supervisor, "live-05-approvals-refreshed");

  // the inspector's overview: a half-filled filter form stays as it was, focus included
  const inspector = await person(browser, base, { before: context => context.clock.install() });
  await signIn(inspector, base, { role: "inspector", sub: "inspektorat" });
  await inspector.locator("li.complaint").first().waitFor();
  await inspector.getByLabel("Status").selectOption("assigned");
  await inspector.getByLabel("Hanya yang terlambat").check();
  await inspector.getByLabel("Hanya yang terlambat").focus();
  const last = await file(neighbourToken, "Bukti bayar hilang");
  await inspector.clock.fastForward(31_000);
  await inspector.locator(`li.complaint[data-id='${last.id}']`).waitFor();
  assert.equal(await inspector.getByLabel("Status").inputValue(), "assigned");
  assert.ok(await inspector.getByLabel("Hanya yang terlambat").isChecked());
  assert.equal(await inspector.evaluate(() => document.activeElement.id), "overview-overdue");
  assert.equal(await inspector.locator("#list-news").textContent(), "1 aduan baru: Bukti bayar hilang.");
  assert.ok(!inspector.url().includes("status="), "the filter was not applied by the refresh");
  await check(inspector, "live-06-overview-refreshed");
});
