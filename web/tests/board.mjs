// The public board's charts over time (GET /v1/stats/opds/monthly): two complaints worked through
// the API (one followed up and approved, one left to miss its follow-up and be sanctioned by a sweep
// run as if a day later) show up in this month's figures — on the charts and in their data tables —
// in Indonesian and in English (with the English OPD names of rules/), for the government and for
// one OPD; no console errors, axe clean, screenshots at phone and desktop size.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { ROOT, check, person, runScenario, tokenFor, apiCall } from "./harness.mjs";

const wibMonth = date => new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Jakarta", year: "numeric", month: "2-digit" }).format(date).slice(0, 7);
const longMonth = (date, locale) => new Intl.DateTimeFormat(locale, { timeZone: "Asia/Jakarta", month: "long", year: "numeric" }).format(date);
const sleep = ms => new Promise(r => setTimeout(r, ms));

await runScenario("board", async ({ browser, base, stack }) => {
  const tokenOf = who => tokenFor(base, who);
  const call = (token, path, body) => apiCall(base, token, "POST", path, body);
  const citizen = await tokenOf({ sub: "warga-1", role: "citizen" });
  const operator = await tokenOf({ sub: "operator.bapenda", role: "operator", opd: "BAPENDA" });
  const supervisor = await tokenOf({ sub: "supervisor.bapenda", role: "supervisor", opd: "BAPENDA" });
  const filing = title => call(citizen, "/v1/complaints", { category: "pajak-kendaraan", title,
    description: "Denda pajak kendaraan saya dihitung dua kali di Samsat." });
  const done = await filing("Denda PKB dihitung dua kali");
  const missed = await filing("Pajak progresif salah hitung");
  await call(operator, `/v1/complaints/${done.id}/claim`, {});
  await call(operator, `/v1/complaints/${done.id}/followups`, { message: "Denda sudah dikoreksi di Samsat." });
  await call(supervisor, `/v1/complaints/${done.id}/approve`, { note: "Sesuai" });

  // a sweep as if 25 hours later: the second complaint's follow-up was missed (once the stream has
  // stored its clock: the sweep is repeated until it has, and a repeat issues nothing twice)
  const later = new Date(Date.now() + 25 * 3600_000);
  let issued = 0;
  for (let i = 0; i < 40 && !issued; i++) {
    const swept = JSON.parse(execFileSync(join(ROOT, ".venv", "bin", "lampungin"), ["sweep", "--at", later.toISOString()],
      { cwd: ROOT, env: { ...process.env, LAMPUNGIN_HOME: stack.home, PYTHONPATH: ROOT }, encoding: "utf-8" }));
    issued = swept.sanctions_issued;
    if (!issued) await sleep(500);
  }
  assert.equal(issued, 1, "the missed follow-up is sanctioned");

  // the stream counts asynchronously: wait until the counters show both complaints and the
  // approval, asking with months the page never asks for (each filter is cached a minute)
  const now = new Date();
  const month = wibMonth(now);
  const sanctionShown = wibMonth(later) === month;     // a sweep "tomorrow" on the month's last day counts next month
  let ready = null;
  for (let months = 24; months > 12 && !ready; months--) {
    const body = await (await fetch(`${base}/v1/stats/opds/monthly?government=LAMPUNG&months=${months}`)).json();
    const row = body.months.at(-1);
    if (row.complaints === 2 && row.approval.decided === 1 && row.followup.decided === 2) ready = row;
    else await sleep(1000);
  }
  assert.ok(ready, "the stream counted the worked complaints");
  assert.equal(ready.month, month);
  assert.deepEqual([ready.followup.on_time, ready.followup.late, ready.followup.on_time_rate], [1, 1, 0.5]);
  assert.equal(ready.sanctions, sanctionShown ? 1 : 0);

  // Indonesian: the board's charts, this month's figures in the rates chart's data table
  const visitor = await person(browser, base);
  await visitor.goto(`${base}/#/board`);
  await visitor.getByRole("heading", { level: 2, name: "Kinerja per bulan" }).waitFor();
  const rates = visitor.locator("#chart-rates");
  await rates.locator("svg[role='img']").waitFor();
  assert.equal(await rates.locator("svg").getAttribute("aria-labelledby"), "chart-rates-title chart-rates-desc");
  assert.equal(await visitor.getByRole("img", { name: /Ketepatan waktu per bulan/ }).count(), 1);
  assert.equal(await visitor.locator("#chart-rates-desc").textContent(),
    `Bulan terakhir (${longMonth(now, "id-ID")}): Tindak lanjut tepat waktu 50 %, Persetujuan tepat waktu 100 %.`);
  assert.equal(await rates.locator(`circle[data-month='${month}']`).count(), 1, "this month's follow-up point");
  assert.equal(await rates.locator(`rect.mark-b[data-month='${month}']`).count(), 1, "this month's approval point");
  await rates.getByText("Tabel data: Ketepatan waktu per bulan").click();
  const row = rates.locator(`tbody tr[data-month='${month}']`);
  await row.waitFor({ state: "visible" });
  assert.equal(await row.locator("th").textContent(), longMonth(now, "id-ID"));
  assert.deepEqual(await row.locator("td").allTextContents(), ["50 % (1/2)", "100 % (1/1)", "2"]);
  assert.equal(await rates.locator("tbody tr").count(), 12);
  const sanctions = visitor.locator("#chart-sanctions");
  assert.equal(await sanctions.locator(`rect.bar[data-month='${month}']`).count(), sanctionShown ? 1 : 0);
  await sanctions.getByText("Tabel data: Sanksi per bulan").click();
  assert.equal(await sanctions.locator(`tbody tr[data-month='${month}'] td`).textContent(), sanctionShown ? "1" : "0");
  await check(visitor, "30-board-charts");

  // one OPD: BAPENDA's figures are these; another OPD's month is empty
  await visitor.getByLabel("Untuk").selectOption("BAPENDA");
  await visitor.locator("#chart-rates-desc").getByText("50 %", { exact: false }).waitFor();
  await visitor.getByLabel("Untuk").selectOption("DINKES");
  await visitor.locator("#chart-rates-desc").getByText("Tindak lanjut tepat waktu belum ada data", { exact: false }).waitFor();
  assert.equal(await visitor.locator("#chart-sanctions rect.bar").count(), 0);
  await check(visitor, "31-board-charts-one-opd");

  // English: headings, month names and the English OPD names from rules/
  await visitor.getByRole("button", { name: "Switch to English" }).click();
  await visitor.getByRole("heading", { level: 2, name: "Performance per month" }).waitFor();
  await visitor.locator("#chart-rates svg[role='img']").waitFor();
  assert.equal(await visitor.locator("#chart-rates-desc").textContent(),
    `Latest month (${longMonth(now, "en-GB")}): Follow-ups on time 50 %, Approvals on time 100 %.`);
  assert.match(await visitor.locator("#trends-opd option[value='BAPENDA']").textContent(), /Regional Revenue Agency/);
  assert.match(await visitor.locator("tr[data-opd='BAPENDA'] .opd-name").textContent(), /^Regional Revenue Agency$/);
  await visitor.getByText("Data table: On-time rates per month").click();
  const english = visitor.locator(`#chart-rates tbody tr[data-month='${month}']`);
  assert.equal(await english.locator("th").textContent(), longMonth(now, "en-GB"));
  assert.deepEqual(await english.locator("td").allTextContents(), ["50 % (1/2)", "100 % (1/1)", "2"]);
  await check(visitor, "32-board-charts-english");
});
