// The staff forms of a complaint's page that browser.mjs does not use, each through the UI and
// its effect checked where a person would see it:
// * transfer (operator, and supervisor): to another OPD of the province: gone from BAPENDA's
//   queue, in the other OPD's queue with a new follow-up clock, the timeline says so with the reason;
// * forward (supervisor) to a kabupaten that is not on the platform: status "Diteruskan", the
//   timeline entry, no more actions but a note; and to an onboarded city: handed over to that
//   city's OPD, whose operator finds it in their queue with the hand-over in the timeline;
// * assign (supervisor) to another operator: the assignee on the page and in the queue, the
//   timeline entry, the other operator can follow it up and the first one can no longer claim it.
import assert from "node:assert/strict";
import { runScenario, person, check, signIn, tokenFor, apiCall } from "./harness.mjs";

runScenario("staff-actions", async ({ browser, base }) => {
  const tokenOf = who => tokenFor(base, who);
  const call = (token, method, path, body) => apiCall(base, token, method, path, body);
  const citizenToken = await tokenOf({ sub: "warga-1", role: "citizen" });
  const inspectorToken = await tokenOf({ sub: "inspektorat", role: "inspector" });
  const file = title => call(citizenToken, "POST", "/v1/complaints", { category: "pajak-kendaraan", title,
    description: `${title}: mohon ditangani.` });
  const toTransfer = await file("Parkir liar di depan Samsat");
  const toTransferToo = await file("Rambu di depan Samsat hilang");
  const toForward = await file("Retribusi pasar kabupaten");
  const toHandOver = await file("Pajak reklame kota");
  const toAssign = await file("Denda PKB belum dihapus");
  const timelineTypes = async (page) => page.locator("ol.timeline li").evaluateAll(lis => lis.map(li => li.dataset.type));

  // transfer, by the operator: BAPENDA → DISHUB
  const operator = await person(browser, base);
  await signIn(operator, base, { role: "operator", sub: "operator.bapenda", opd: "BAPENDA" });
  await operator.locator(`li.complaint[data-id='${toTransfer.id}'] a`).click();
  const transfer = operator.locator("form[data-action='transfer']");
  await transfer.getByRole("heading", { name: "Pindahkan ke OPD lain" }).waitFor();
  await operator.locator("#transfer-choice option[value='DISHUB']").waitFor({ state: "attached" });
  assert.equal(await operator.locator("#transfer-choice option[value='BAPENDA']").count(), 0, "not to its own OPD");
  assert.equal(await operator.locator("#transfer-choice option[value^='BANDARLAMPUNG.']").count(), 0, "only the province's OPDs");
  await operator.getByLabel("OPD tujuan").selectOption("DISHUB");
  await transfer.getByLabel("Alasan").fill("Parkir liar urusan Dinas Perhubungan.");
  await check(operator, "staff-01-transfer-form");
  await transfer.getByRole("button", { name: "Pindahkan" }).click();
  await operator.getByText("Aduan dipindahkan.").waitFor();
  await operator.locator("#moved-away").getByText("ditangani di luar OPD Anda").waitFor();
  await check(operator, "staff-02-transferred");
  await operator.getByRole("link", { name: "Kembali ke antrean" }).click();
  await operator.locator(`li.complaint[data-id='${toAssign.id}']`).waitFor();
  assert.equal(await operator.locator(`li.complaint[data-id='${toTransfer.id}']`).count(), 0, "gone from BAPENDA's queue");
  const moved = await call(inspectorToken, "GET", `/v1/complaints/${toTransfer.id}`);
  assert.equal(moved.opd, "DISHUB");
  assert.equal(moved.status, "assigned");

  // DISHUB's operator finds it in their queue, with a new clock and the transfer in the timeline
  const dishub = await person(browser, base);
  await signIn(dishub, base, { role: "operator", sub: "operator.dishub", opd: "DISHUB" });
  const row = dishub.locator(`li.complaint[data-id='${toTransfer.id}']`);
  await row.getByText("Menunggu tindak lanjut").waitFor();
  await row.getByText(`${toTransfer.id} · DISHUB · Petugas: belum diklaim`).waitFor();
  await row.locator(".countdown").getByText(/sisa 23 jam/).waitFor();
  await check(dishub, "staff-03-other-opd-queue");
  await row.locator("a").click();
  await dishub.locator("#complaint-opd").getByText("DISHUB").waitFor();
  const entry = dishub.locator("ol.timeline li[data-type='transferred']");
  await entry.getByText("Dipindahkan ke OPD lain").waitFor();
  await entry.getByText("Parkir liar urusan Dinas Perhubungan.").waitFor();
  assert.deepEqual(await timelineTypes(dishub), ["submitted", "transferred"]);
  await dishub.locator("#claim-button").waitFor();
  await check(dishub, "staff-04-other-opd-complaint");

  // the citizen sees the transfer in their timeline too
  const citizen = await person(browser, base);
  await signIn(citizen, base, { role: "citizen", sub: "warga-1" });
  await citizen.goto(`${base}/#/complaints/${toTransfer.id}`);
  await citizen.locator("ol.timeline li[data-type='transferred']").getByText("Dipindahkan ke OPD lain").waitFor();
  await citizen.locator("#complaint-opd").getByText("DISHUB").waitFor();

  // transfer, by the supervisor
  const supervisor = await person(browser, base);
  await signIn(supervisor, base, { role: "supervisor", sub: "supervisor.bapenda", opd: "BAPENDA" });
  await supervisor.goto(`${base}/#/complaints/${toTransferToo.id}`);
  await supervisor.locator("#transfer-choice option[value='DISHUB']").waitFor({ state: "attached" });
  await supervisor.getByLabel("OPD tujuan").selectOption("DISHUB");
  await supervisor.locator("form[data-action='transfer']").getByLabel("Alasan").fill("Rambu lalu lintas urusan Dinas Perhubungan.");
  await supervisor.getByRole("button", { name: "Pindahkan" }).click();
  await supervisor.getByText("Aduan dipindahkan.").waitFor();
  await dishub.goto(`${base}/#/queue`);
  await dishub.locator(`li.complaint[data-id='${toTransferToo.id}']`).waitFor();

  // forward, by the supervisor, to a kabupaten not on the platform: it ends in "Diteruskan"
  await supervisor.goto(`${base}/#/complaints/${toForward.id}`);
  const forward = supervisor.locator("form[data-action='forward']");
  await forward.getByRole("heading", { name: "Teruskan ke pemerintah lain" }).waitFor();
  await supervisor.locator("#forward-choice option[value='LAMSEL']").waitFor({ state: "attached" });
  assert.equal(await supervisor.locator("#forward-choice option[value='LAMPUNG']").count(), 0, "not to its own government");
  await supervisor.getByLabel("Pemerintah tujuan").selectOption("LAMSEL");
  await forward.getByLabel("Alasan").fill("Retribusi pasar kewenangan Kabupaten Lampung Selatan.");
  await check(supervisor, "staff-05-forward-form");
  await forward.getByRole("button", { name: "Teruskan" }).click();
  await supervisor.getByText("Aduan diteruskan.").waitFor();
  await supervisor.locator("#complaint-status").getByText("Diteruskan").waitFor();
  const fwd = supervisor.locator("ol.timeline li[data-type='forwarded']");
  await fwd.getByText("Retribusi pasar kewenangan Kabupaten Lampung Selatan.").waitFor();
  assert.equal(await supervisor.locator("form[data-action]").evaluateAll(fs => fs.map(f => f.dataset.action)).then(a => a.join()), "notes",
    "a forwarded complaint takes only notes");
  await check(supervisor, "staff-06-forwarded");
  const forwarded = await call(inspectorToken, "GET", `/v1/complaints/${toForward.id}`);
  assert.equal(forwarded.status, "forwarded");
  await citizen.goto(`${base}/#/complaints/${toForward.id}`);
  await citizen.locator("#complaint-status").getByText("Diteruskan").waitFor();
  await citizen.locator("ol.timeline li[data-type='forwarded']").waitFor();

  // forward to an onboarded city: handed over to the city's OPD, in its operator's queue
  await supervisor.goto(`${base}/#/complaints/${toHandOver.id}`);
  await supervisor.locator("#forward-choice option[value='BANDARLAMPUNG']").waitFor({ state: "attached" });
  await supervisor.getByLabel("Pemerintah tujuan").selectOption("BANDARLAMPUNG");
  await supervisor.locator("form[data-action='forward']").getByLabel("Alasan").fill("Pajak reklame pajak kota.");
  await supervisor.getByRole("button", { name: "Teruskan" }).click();
  await supervisor.getByText("Aduan diteruskan.").waitFor();
  await supervisor.locator("#moved-away").waitFor();
  const handed = await call(inspectorToken, "GET", `/v1/complaints/${toHandOver.id}`);
  assert.equal(handed.government, "BANDARLAMPUNG");
  assert.equal(handed.status, "assigned");
  assert.match(handed.opd, /^BANDARLAMPUNG\./);
  const city = await person(browser, base);
  await signIn(city, base, { role: "operator", sub: "operator.kota", opd: handed.opd });
  await city.locator(`li.complaint[data-id='${toHandOver.id}']`).getByText(`${toHandOver.id} · ${handed.opd}`, { exact: false }).waitFor();
  await city.locator(`li.complaint[data-id='${toHandOver.id}'] a`).click();
  await city.locator("ol.timeline li[data-type='handed_over']").getByText("Pajak reklame pajak kota.").waitFor();
  await check(city, "staff-07-city-complaint");

  // assign, by the supervisor, to operator2
  await supervisor.goto(`${base}/#/complaints/${toAssign.id}`);
  const assign = supervisor.locator("form[data-action='assign']");
  await assign.getByRole("heading", { name: "Tugaskan kepada operator" }).waitFor();
  assert.equal(await supervisor.locator("#complaint-assignee").count(), 0, "nobody yet");
  await supervisor.getByLabel("ID operator (misalnya operator2.bapenda)").fill("operator2.bapenda");
  await check(supervisor, "staff-08-assign-form");
  await assign.getByRole("button", { name: "Tugaskan" }).click();
  await supervisor.getByText("Operator ditugaskan.").waitFor();
  await supervisor.locator("#complaint-assignee").getByText("operator2.bapenda").waitFor();
  await supervisor.locator("ol.timeline li[data-type='assigned_to']").getByText("Ditugaskan kepada operator").waitFor();
  await check(supervisor, "staff-09-assigned");
  await supervisor.getByRole("link", { name: "Antrean OPD" }).click();
  await supervisor.locator(`li.complaint[data-id='${toAssign.id}']`).getByText("Petugas: operator2.bapenda", { exact: false }).waitFor();
  // the first operator can no longer claim it; operator2 follows it up
  await operator.goto(`${base}/#/complaints/${toAssign.id}`);
  await operator.locator("#complaint-assignee").getByText("operator2.bapenda").waitFor();
  assert.equal(await operator.locator("#claim-button").count(), 0, "no claim of someone else's complaint");
  const operator2 = await person(browser, base);
  await signIn(operator2, base, { role: "operator", sub: "operator2.bapenda", opd: "BAPENDA" });
  await operator2.locator(`li.complaint[data-id='${toAssign.id}']`).getByText("Petugas: operator2.bapenda", { exact: false }).waitFor();
  await operator2.locator(`li.complaint[data-id='${toAssign.id}'] a`).click();
  await operator2.getByLabel("Pesan tindak lanjut untuk pelapor").fill("Denda sudah dihapus dari sistem.");
  await operator2.getByRole("button", { name: "Kirim tindak lanjut" }).click();
  await operator2.locator("#complaint-status").getByText("Menunggu persetujuan").waitFor();
  assert.deepEqual(await timelineTypes(operator2), ["submitted", "assigned_to", "followed_up"]);
  // the citizen sees the assignment as a step, but no staff id
  await citizen.goto(`${base}/#/complaints/${toAssign.id}`);
  await citizen.locator("ol.timeline li[data-type='assigned_to']").waitFor();
  assert.equal(await citizen.getByText("operator2.bapenda").count(), 0, "citizens see staff as roles, not ids");
  await check(citizen, "staff-10-citizen-assigned");
});
