// Browser test of the web console in Debian's headless Chromium, driven by playwright-core.
// Starts its own local stack (in-memory store, temp LAMPUNGIN_HOME, a free port), then: a citizen
// files a complaint; an operator claims and follows it up; a supervisor approves; the citizen rates
// it and sees every step in the timeline; anyone tracks it by number; the public board shows the
// OPD's numbers. Every page: no console errors, no serious/critical axe violations, screenshots at
// phone (390x844) and desktop (1280x800) size into build/screenshots/.
// Run: make browser-test (or: cd web && npm run browser-test after make web).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runScenario, ROOT, png, person, check, signIn, tokenFor, apiCall } from "./harness.mjs";

runScenario("browser-test", async ({ browser, base, stack }) => {
  // anyone: the home page, and the sign-in screen of the local stack
  const visitor = await person(browser, base);
  await visitor.getByRole("heading", { level: 1, name: "Layanan aduan Provinsi Lampung" }).waitFor();
  await check(visitor, "01-home");
  // keyboard: the first Tab reaches the skip link, Enter moves to the page's heading
  await visitor.keyboard.press("Tab");
  assert.equal(await visitor.evaluate(() => document.activeElement.id), "skip-link");
  await visitor.keyboard.press("Enter");
  assert.equal(await visitor.evaluate(() => document.activeElement.tagName), "H1");
  assert.ok(visitor.url().endsWith("/"), visitor.url());
  await visitor.goto(`${base}/#/sign-in`);
  await visitor.getByText("halaman masuk khusus sistem lokal").waitFor();
  await visitor.locator("#sign-in-opd option[value='BAPENDA']").waitFor({ state: "attached" });
  await check(visitor, "02-sign-in");

  // a citizen files a complaint
  const citizen = await person(browser, base);
  await signIn(citizen, base, { role: "citizen", sub: "warga-1", name: "Siti" });
  await citizen.getByRole("heading", { level: 1, name: "Aduan saya" }).waitFor();
  await citizen.getByText("Belum ada aduan.").waitFor();
  await check(citizen, "03-citizen-empty-list");
  await citizen.getByRole("link", { name: "Buat aduan" }).click();
  await citizen.locator("#complaint-category option[value='pajak-kendaraan']").waitFor({ state: "attached" });
  assert.ok(await citizen.locator("optgroup[label='Pajak'] option[value='pajak-kendaraan']").count(), "categories grouped by sector");
  await check(citizen, "04-citizen-new");
  await citizen.getByLabel("Kategori").selectOption("pajak-kendaraan");
  await citizen.getByLabel("Judul").fill("Denda pajak motor salah");
  await citizen.getByLabel("Uraian").fill("Denda PKB motor saya dihitung dua kali di Samsat.");
  await citizen.getByLabel("Alamat lokasi (opsional)").fill("Samsat Bandar Lampung");
  await citizen.getByLabel("Foto dan dokumen").setInputFiles({ name: "struk-denda.png", mimeType: "image/png", buffer: png(200, 30, 30) });
  await citizen.getByRole("button", { name: "Kirim aduan" }).click();
  await citizen.waitForURL(/#\/complaints\/ADU-/);
  const id = decodeURIComponent(citizen.url().split("/").pop());
  await citizen.locator("#complaint-status").getByText("Menunggu tindak lanjut").waitFor();
  await citizen.locator(".countdown").getByText(/sisa 23 jam/).waitFor();
  await citizen.getByText(/WIB/).first().waitFor();
  await check(citizen, "05-citizen-complaint-filed");
  await citizen.getByRole("link", { name: "Aduan saya" }).click();
  await citizen.getByRole("link", { name: "Denda pajak motor salah" }).waitFor();
  await check(citizen, "06-citizen-list");

  // an operator of BAPENDA claims it from the queue and follows it up
  const operator = await person(browser, base);
  await signIn(operator, base, { role: "operator", sub: "operator.bapenda", opd: "BAPENDA" });
  await operator.getByRole("heading", { level: 1, name: "Antrean OPD" }).waitFor();
  const row = operator.locator(`li.complaint[data-id='${id}']`);
  await row.locator(".countdown").getByText(/sisa/).waitFor();
  await check(operator, "07-operator-queue");
  await row.getByRole("button", { name: "Klaim" }).click();
  await operator.locator(`li.complaint[data-id='${id}']`).getByText("Petugas: operator.bapenda").waitFor();
  await operator.locator(`li.complaint[data-id='${id}'] a`).click();
  await operator.getByLabel("Pesan tindak lanjut untuk pelapor").fill("Denda sudah dikoreksi di Samsat Bandar Lampung hari ini.");
  await operator.getByLabel("Foto hasil pekerjaan (opsional)").setInputFiles({ name: "bukti-koreksi.png", mimeType: "image/png", buffer: png(20, 160, 60, 64) });
  await check(operator, "08-operator-complaint");
  await operator.getByRole("button", { name: "Kirim tindak lanjut" }).click();
  await operator.locator("#complaint-status").getByText("Menunggu persetujuan").waitFor();
  await operator.getByText("Tindak lanjut terkirim").waitFor();

  // a supervisor of BAPENDA approves it
  const supervisor = await person(browser, base);
  await signIn(supervisor, base, { role: "supervisor", sub: "supervisor.bapenda", opd: "BAPENDA", keyboard: true });
  await supervisor.getByRole("heading", { level: 1, name: "Tindak lanjut menunggu persetujuan" }).waitFor();
  await supervisor.locator(`li.complaint[data-id='${id}'] .countdown`).getByText(/sisa 2 hari 23 jam|sisa 3 hari/).waitFor();
  await check(supervisor, "09-supervisor-approvals");
  await supervisor.locator(`li.complaint[data-id='${id}'] a`).click();
  await supervisor.getByLabel("Catatan (opsional)").fill("Sesuai");
  await check(supervisor, "10-supervisor-complaint");
  await supervisor.getByRole("button", { name: "Setujui" }).click();
  await supervisor.locator("#complaint-status").getByText("Selesai, menunggu penilaian").waitFor();

  // the citizen rates it and sees every step
  await citizen.goto(`${base}/#/complaints/${id}`);
  await citizen.getByLabel("Nilai (1 sampai 5 bintang)").selectOption("5");
  await check(citizen, "11-citizen-rate");
  await citizen.getByRole("button", { name: "Kirim penilaian" }).click();
  await citizen.locator("#complaint-status").getByText("Ditutup").waitFor();
  const steps = await citizen.locator("ol.timeline li").evaluateAll(lis => lis.map(li => li.dataset.type));
  assert.deepEqual(steps, ["submitted", "claimed", "followed_up", "approved", "rated"]);
  for (const label of ["Aduan diajukan", "Diklaim oleh operator", "Ditindaklanjuti", "Tindak lanjut disetujui", "Dinilai oleh pelapor"]) {
    await citizen.locator("ol.timeline").getByText(label).waitFor();
  }
  await citizen.locator("ol.timeline").getByText("Denda sudah dikoreksi di Samsat Bandar Lampung hari ini.").waitFor();
  // both photos, the citizen's and the operator's, checked and shown
  await citizen.locator(".files li[data-status='ready'][data-role='citizen'] img").waitFor();
  await citizen.locator(".files li[data-status='ready'][data-role='operator'] img").waitFor();
  await citizen.waitForFunction(() => [...document.querySelectorAll(".files img")].every(i => i.complete && i.naturalWidth > 0));
  await check(citizen, "12-citizen-closed-timeline");

  // English switch: the same page, all in English
  await citizen.getByRole("button", { name: "Switch to English" }).click();
  await citizen.locator("#complaint-status").getByText("Closed").waitFor();
  await citizen.locator("ol.timeline li").first().getByText(/WIB/).waitFor();
  await check(citizen, "13-citizen-closed-english");
  await citizen.getByRole("button", { name: "Ganti ke Bahasa Indonesia" }).click();
  await citizen.locator("#complaint-status").getByText("Ditutup").waitFor();

  // the citizen's notifications: made by the stream a moment after each change
  await citizen.getByRole("link", { name: "Pemberitahuan" }).click();
  await citizen.getByRole("heading", { level: 1, name: "Pemberitahuan" }).waitFor();
  for (let i = 0; i < 40; i++) {
    await citizen.locator("li.notification, p.empty").first().waitFor();
    if (await citizen.locator("li.notification").count()) break;
    await citizen.waitForTimeout(500);
    await citizen.reload();
  }
  assert.ok(await citizen.locator("li.notification").count() >= 1, "the citizen has notifications");
  await check(citizen, "16-citizen-notifications");
  const unread = await citizen.locator("li.notification.unread").count();
  await citizen.locator("li.notification.unread").first().getByRole("button", { name: "Tandai sudah dibaca" }).click();
  await citizen.waitForFunction(n => document.querySelectorAll("li.notification.unread").length === n - 1, unread);

  // the citizen's notification settings: e-mail and SMS; the phone number comes back as +62…
  await citizen.getByRole("link", { name: "Pengaturan" }).click();
  await citizen.getByRole("heading", { level: 1, name: "Pengaturan pemberitahuan" }).waitFor();
  await citizen.getByRole("textbox", { name: "E-mail" }).fill("siti@contoh.go.id");
  await citizen.getByLabel("Nomor HP").fill("0812-3456-7890");
  await citizen.getByRole("checkbox", { name: "SMS" }).check();
  await citizen.getByRole("button", { name: "Simpan" }).click();
  await citizen.getByText("Pengaturan disimpan.").waitFor();
  await citizen.reload();
  await citizen.waitForFunction(() => document.getElementById("pref-phone")?.value === "+6281234567890");
  assert.ok(await citizen.locator("#pref-sms").isChecked());
  await check(citizen, "16b-citizen-preferences");

  // a second complaint (filed over the API): the operator asks the citizen, the citizen answers
  const signed = await (await fetch(`${base}/local/sign-in`, { method: "POST",
    body: JSON.stringify({ sub: "warga-1", role: "citizen", name: "Siti" }) })).json();
  const second = await (await fetch(`${base}/v1/complaints`, { method: "POST",
    headers: { Authorization: `Bearer ${signed.token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ category: "pajak-kendaraan", title: "Nomor rangka tertukar", visibility: "public",
      location: { lat: -5.43, lon: 105.26, address: "Samsat Bandar Lampung" },
      description: "Nomor rangka di STNK saya tidak sama dengan kendaraan." }) })).json();
  assert.match(second.id, /^ADU-/);
  await operator.goto(`${base}/#/complaints/${second.id}`);
  await operator.locator("#claim-button").click();
  await operator.getByText("Aduan diklaim.").waitFor();
  await operator.getByLabel("Pertanyaan untuk pelapor").fill("Mohon kirim nomor polisi kendaraan.");
  await operator.getByRole("button", { name: "Kirim pertanyaan" }).click();
  await operator.locator("#complaint-status").getByText("Menunggu jawaban pelapor").waitFor();
  await operator.locator(".paused").getByText("Batas waktu berhenti sementara").waitFor();
  await citizen.goto(`${base}/#/complaints/${second.id}`);
  await citizen.getByLabel("Jawaban Anda").fill("BE 1234 XY");
  await check(citizen, "17-citizen-reply");
  await citizen.getByRole("button", { name: "Kirim jawaban" }).click();
  await citizen.locator("#complaint-status").getByText("Menunggu tindak lanjut").waitFor();
  await citizen.locator("ol.timeline").getByText("Mohon kirim nomor polisi kendaraan.").waitFor();

  // the supervisor disposes the second complaint to a unit of BAPENDA
  await supervisor.goto(`${base}/#/complaints/${second.id}`);
  await supervisor.locator("#dispose-choice option[value='UPTD-BANDARLAMPUNG']").waitFor({ state: "attached" });
  await supervisor.getByLabel("Unit OPD").selectOption("UPTD-BANDARLAMPUNG");
  await check(supervisor, "23-supervisor-dispose");
  await supervisor.getByRole("button", { name: "Disposisikan" }).click();
  await supervisor.getByText("Aduan didisposisikan.").waitFor();
  await supervisor.locator("ol.timeline li[data-type='disposed']").waitFor();

  // anyone tracks it by number, without signing in (lower case, as a person might type it)
  await visitor.goto(`${base}/#/track`);
  await visitor.getByLabel("Nomor aduan").fill(id.toLowerCase());
  await visitor.getByRole("button", { name: "Lacak" }).click();
  await visitor.getByRole("heading", { level: 2, name: id }).waitFor();
  await visitor.locator("#track-result").getByText("Ditutup").waitFor();
  assert.equal(await visitor.locator("#track-result ol.timeline li").count(), 5);
  await check(visitor, "14-track");

  // the public board: BAPENDA's numbers and the service levels
  await visitor.goto(`${base}/#/board`);
  const bapenda = visitor.locator("tr[data-opd='BAPENDA']");
  await bapenda.waitFor();
  assert.equal(await bapenda.locator(".complaints-count").textContent(), "2");
  assert.match(await bapenda.textContent(), /100 % \(1\/1\)/);
  await visitor.getByRole("cell", { name: "24 jam kalender" }).waitFor();
  await visitor.locator(`.public-list li[data-id='${second.id}']`).getByText("0 pendukung", { exact: false }).waitFor();
  assert.equal(await visitor.locator(`.public-list li[data-id='${id}']`).count(), 0, "a private complaint is not on the board");
  await check(visitor, "15-board");
  await visitor.getByRole("button", { name: "Switch to English" }).click();
  await visitor.getByRole("heading", { level: 2, name: "OPD league table" }).waitFor();
  await visitor.getByRole("cell", { name: "24 calendar hours" }).waitFor();
  await visitor.locator(`.public-list li[data-id='${second.id}']`).getByText("0 supporters", { exact: false }).waitFor();
  await check(visitor, "15-board-english");
  await visitor.getByRole("button", { name: "Ganti ke Bahasa Indonesia" }).click();
  await visitor.getByRole("heading", { level: 2, name: "Peringkat OPD" }).waitFor();

  // ten days later (a sweep as if then): the second complaint's follow-up clock was missed
  const later = new Date(Date.now() + 10 * 86400_000).toISOString();
  const swept = JSON.parse(execFileSync(join(ROOT, ".venv", "bin", "lampungin"), ["sweep", "--at", later],
    { cwd: ROOT, env: { ...process.env, LAMPUNGIN_HOME: stack.home, PYTHONPATH: ROOT }, encoding: "utf-8" }));
  assert.equal(swept.sanctions_issued, 1);

  // an inspector: the overview of every complaint, exported to CSV, and the sanctions
  const inspector = await person(browser, base);
  await signIn(inspector, base, { role: "inspector", sub: "inspektorat" });
  await inspector.getByRole("heading", { level: 1, name: "Ringkasan aduan" }).waitFor();
  await inspector.locator(`li.complaint[data-id='${id}']`).waitFor();
  assert.equal(await inspector.locator("li.complaint").count(), 2);
  await check(inspector, "18-inspector-overview");
  const [download] = await Promise.all([inspector.waitForEvent("download"), inspector.getByRole("button", { name: "Unduh CSV" }).click()]);
  const csv = readFileSync(await download.path(), "utf-8");
  assert.match(csv, /^\ufeffNomor aduan,Status,OPD,/);
  assert.ok(csv.includes(id) && csv.includes(second.id) && csv.includes("Ditutup"), csv);
  await inspector.getByLabel("Status").selectOption("closed");
  await inspector.getByRole("button", { name: "Terapkan" }).click();
  await inspector.waitForURL(/status=closed/);
  await inspector.waitForFunction(only => {
    const items = [...document.querySelectorAll("li.complaint")];
    return items.length === 1 && items[0].dataset.id === only;
  }, id);
  await inspector.getByRole("link", { name: "Sanksi" }).click();
  await inspector.locator("li.sanction").getByText(second.id).waitFor();
  await inspector.locator("li.sanction").getByText(/Operator melewatkan batas waktu tindak lanjut/).waitFor();
  await check(inspector, "19-inspector-sanctions");
  // the reports to the Inspectorate and the warnings, each on its own list
  const inspectorToken = await inspector.evaluate(() => JSON.parse(sessionStorage.getItem("session")).token);
  const reports = await (await fetch(`${base}/v1/sanctions?kind=report&limit=100`,
    { headers: { Authorization: `Bearer ${inspectorToken}` } })).json();
  assert.ok(Array.isArray(reports.items), JSON.stringify(reports));
  await inspector.getByLabel("Jenis").selectOption("report");
  await inspector.getByRole("button", { name: "Terapkan" }).click();
  await inspector.waitForURL(/kind=report/);
  if (reports.items.length) {
    await inspector.locator("li.sanction.kind-report").first().waitFor();
    assert.equal(await inspector.locator("li.sanction:not(.kind-report)").count(), 0);
  } else {
    await inspector.getByText("Belum ada laporan ke Inspektorat.").waitFor();
  }
  await check(inspector, "19b-inspector-reports");
  await inspector.getByLabel("Jenis").selectOption("warning");
  await inspector.getByRole("button", { name: "Terapkan" }).click();
  await inspector.waitForURL(/kind=warning/);
  await inspector.waitForFunction(() => document.querySelector("li.sanction.kind-warning") || [...document.querySelectorAll("p.empty")].some(p => p.textContent === "Belum ada peringatan."));
  assert.equal(await inspector.locator("li.sanction:not(.kind-warning)").count(), 0);

  // the audit trail, all and for one complaint
  await inspector.getByRole("link", { name: "Jejak audit" }).click();
  await inspector.locator("#audit-table tr[data-action='sanction_issued']").first().waitFor();
  await inspector.getByLabel("Nomor aduan").fill(id);
  await inspector.getByRole("button", { name: "Terapkan" }).click();
  await inspector.waitForURL(/complaint=/);
  await inspector.waitForFunction(only => {
    const rows = [...document.querySelectorAll("#audit-table tbody tr")];
    return rows.length > 0 && rows.every(r => r.textContent.includes(only));
  }, id);
  await inspector.locator("#audit-table tr[data-action='approved']").getByText("Tindak lanjut disetujui").waitFor();
  await check(inspector, "21-inspector-audit");

  // another citizen supports the public complaint from its tracking page
  const neighbour = await person(browser, base);
  await signIn(neighbour, base, { role: "citizen", sub: "warga-2", name: "Joko" });
  await neighbour.goto(`${base}/#/track/${second.id}`);
  await neighbour.getByText("Nomor rangka di STNK saya").waitFor();
  await neighbour.getByRole("button", { name: "Dukung aduan ini" }).click();
  await neighbour.locator("#supporters").getByText("1 pendukung").waitFor();
  await check(neighbour, "22-citizen-support");

  // the operator sees their own sanction too
  await operator.getByRole("link", { name: "Sanksi" }).click();
  await operator.locator("li.sanction").getByText("Operator: operator.bapenda", { exact: false }).waitFor();
  await check(operator, "20-operator-sanctions");

  // a third complaint: return, reopen, a staff note only staff see, reject
  const tokenOf = who => tokenFor(base, who);
  const call = (token, path, body) => apiCall(base, token, "POST", path, body);
  const citizenToken = await tokenOf({ sub: "warga-1", role: "citizen" });
  const operatorToken = await tokenOf({ sub: "operator.bapenda", role: "operator", opd: "BAPENDA" });
  const third = await call(citizenToken, "/v1/complaints", { category: "pajak-kendaraan", title: "Pajak progresif salah hitung",
    description: "Kendaraan kedua saya dikenai tarif progresif padahal atas nama berbeda." });
  await call(operatorToken, `/v1/complaints/${third.id}/claim`, {});
  await call(operatorToken, `/v1/complaints/${third.id}/followups`, { message: "Sudah dicek." });
  await supervisor.goto(`${base}/#/complaints/${third.id}`);
  await supervisor.getByLabel("Alasan pengembalian").fill("Jelaskan hasil pengecekan kepada pelapor.");
  await supervisor.getByRole("button", { name: "Kembalikan" }).click();
  await supervisor.locator("#complaint-status").getByText("Menunggu tindak lanjut").waitFor();
  await supervisor.locator("ol.timeline li[data-type='returned']").waitFor();
  // the redone follow-up copies the first complaint's word for word: flagged for the supervisor
  const redone = await call(operatorToken, `/v1/complaints/${third.id}/followups`, { message: "Denda sudah dikoreksi di Samsat Bandar Lampung hari ini." });
  assert.ok(redone.flags && redone.flags.length, JSON.stringify(redone.flags));
  await supervisor.getByRole("link", { name: "Menunggu persetujuan" }).click();
  await supervisor.locator(`li.complaint[data-id='${third.id}']`).getByText("Ditandai mirip aduan lain").waitFor();
  await check(supervisor, "24a-supervisor-flagged");
  await supervisor.locator(`li.complaint[data-id='${third.id}'] a`).click();
  await supervisor.getByRole("button", { name: "Setujui" }).click();
  await supervisor.locator("#complaint-status").getByText("Selesai, menunggu penilaian").waitFor();
  await citizen.goto(`${base}/#/complaints/${third.id}`);
  await citizen.getByLabel("Alasan membuka kembali").fill("Tagihan di Samsat masih memakai tarif progresif.");
  await check(citizen, "24-citizen-reopen");
  await citizen.getByRole("button", { name: "Buka kembali" }).click();
  await citizen.locator("#complaint-status").getByText("Menunggu tindak lanjut").waitFor();
  await operator.goto(`${base}/#/complaints/${third.id}`);
  await operator.getByLabel("Catatan (hanya terlihat oleh staf)").fill("Perlu cek data BPKB.");
  await operator.getByRole("button", { name: "Simpan catatan" }).click();
  await operator.locator("ol.timeline li[data-type='staff_note']").getByText("Perlu cek data BPKB.").waitFor();
  await supervisor.reload();
  await supervisor.getByLabel("Alasan penolakan").fill("Bukan kewenangan BAPENDA: atas nama pihak lain.");
  await check(supervisor, "25-supervisor-reject");
  await supervisor.getByRole("button", { name: "Tolak", exact: true }).click();
  await supervisor.locator("#complaint-status").getByText("Ditolak").waitFor();
  await citizen.reload();
  await citizen.locator("#complaint-status").getByText("Ditolak").waitFor();
  const seen = await citizen.locator("ol.timeline li").evaluateAll(lis => lis.map(li => li.dataset.type));
  assert.deepEqual(seen, ["submitted", "claimed", "followed_up", "returned", "followed_up", "approved", "reopened", "rejected"]);
  assert.equal(await citizen.getByText("Perlu cek data BPKB.").count(), 0, "a staff note never reaches the citizen");
  await check(citizen, "26-citizen-rejected");

  // a third citizen, at the same Samsat, files in the same category: the public one nearby is offered
  const nearby = await person(browser, base, { geolocation: { latitude: -5.4302, longitude: 105.2601 }, permissions: ["geolocation"] });
  await signIn(nearby, base, { role: "citizen", sub: "warga-3" });
  await nearby.getByRole("link", { name: "Buat aduan" }).click();
  await nearby.locator("#complaint-category option[value='pajak-kendaraan']").waitFor({ state: "attached" });
  await nearby.getByLabel("Kategori").selectOption("pajak-kendaraan");
  await nearby.getByLabel("Judul").fill("STNK saya juga salah");
  await nearby.getByLabel("Uraian").fill("Nomor rangka di STNK saya juga tidak sesuai.");
  await nearby.getByRole("button", { name: "Pakai lokasi saya" }).click();
  await nearby.waitForFunction(() => document.getElementById("complaint-lat")?.value === "-5.430200");
  assert.equal(await nearby.getByLabel("Bujur").inputValue(), "105.260100");
  await nearby.getByRole("button", { name: "Kirim aduan" }).click();
  await nearby.getByRole("heading", { level: 1, name: "Aduan serupa di sekitar Anda" }).waitFor();
  const offered = nearby.locator(`.similar li[data-id='${second.id}']`);
  await offered.getByText(/m dari lokasi Anda/).waitFor();
  await check(nearby, "27-citizen-similar");
  await offered.getByRole("button", { name: "Dukung aduan ini" }).click();
  await offered.getByText("2 pendukung").waitFor();
  await nearby.getByRole("link", { name: "Lanjut ke aduan saya" }).click();
  await nearby.locator("#complaint-status").getByText("Menunggu tindak lanjut").waitFor();

  // a refused (expired) token sends the person back to the sign-in screen (a 401 is logged by
  // the browser itself, so this page is not held to the no-console-error rule)
  const stale = await (await browser.newContext()).newPage();
  await stale.addInitScript(() => sessionStorage.setItem("session",
    JSON.stringify({ token: "expired", claims: { sub: "warga-1", role: "citizen" } })));
  await stale.goto(`${base}/#/complaints`);
  await stale.getByRole("heading", { level: 1, name: "Masuk ke sistem lokal" }).waitFor();
  assert.equal(await stale.evaluate(() => sessionStorage.getItem("session")), null);
});
