// The map and pin of the filing page and the small map of a complaint's page (web/src/map.ts).
// The stack is started with LAMPUNGIN_MAP_TILES naming a tile host that does not exist; the
// browser serves its tiles itself (Playwright's route), so nothing reaches the internet:
// 1. tiles load: a citizen sees the map (named, in Indonesian), drops the pin by clicking the map,
//    the fields fill; Enter on the focused map drops it at the centre; the pin is reached with Tab
//    and moved with the arrow keys; typed coordinates
//    and "use my location" move it; the complaint is filed with the pin's coordinates (checked on
//    its page and through the API) and its page shows the small map; both in English too; the
//    board shows a public complaint with a point as a pin (Enter opens its tracking page);
// 2. tiles configured but unreachable (every tile request aborted): exactly one failed request,
//    the probe tile, and nothing else; no map, Leaflet never loaded, filing works as before;
// 3. tiles not configured (a second stack without the variable): no tile request, no map, the
//    same form as before.
import assert from "node:assert/strict";
import { runScenario, startStack, stopStack, png, person, check, signIn, expected, tokenFor, apiCall } from "./harness.mjs";

const TILES = "https://tiles.lampungin.test/{z}/{x}/{y}.png";
const TILE_HOST = "https://tiles.lampungin.test/";
const PROBE = `${TILE_HOST}8/202/131.png`;   // zoom 8 tile of (-5.0, 105.0), the picker's first view

const apiGet = (base, token, path) => apiCall(base, token, "GET", path);
async function fillComplaint(page, title) {
  await page.locator("#complaint-category option[value='pajak-kendaraan']").waitFor({ state: "attached" });
  await page.getByLabel("Kategori").selectOption("pajak-kendaraan");
  await page.getByLabel("Judul").fill(title);
  await page.getByLabel("Uraian").fill("Jalan menuju kantor Samsat rusak dan berlubang.");
}
const num = async (page, id) => Number(await page.locator(`#${id}`).inputValue());

runScenario("map", async ({ browser, base }) => {
  // 1. tiles load
  const tileRequests = [];
  const citizen = await person(browser, base, {
    geolocation: { latitude: -5.1, longitude: 105.3 }, permissions: ["geolocation"],
    before: context => context.route(`${TILE_HOST}**`, route => {
      tileRequests.push(route.request().url());
      return route.fulfill({ status: 200, contentType: "image/png", body: png(170, 200, 150, 256) });
    }),
  });
  await signIn(citizen, base, { role: "citizen", sub: "warga-peta", name: "Rina" });
  await citizen.getByRole("link", { name: "Buat aduan" }).click();
  const map = citizen.getByRole("application", { name: "Peta untuk menaruh titik lokasi aduan" });
  await map.waitFor();
  await citizen.locator("#complaint-map .leaflet-tile-loaded").first().waitFor();
  assert.ok(tileRequests.includes(PROBE), `the probe tile was asked for: ${tileRequests.slice(0, 5)}`);
  assert.equal(await citizen.locator("#complaint-map").getAttribute("aria-describedby"), "complaint-map-hint");
  await citizen.getByText("klik atau ketuk peta untuk menaruh titik", { exact: false }).waitFor();
  await citizen.getByRole("button", { name: "Perbesar" }).waitFor();
  await citizen.locator(".leaflet-control-attribution").getByText("Peta uji").waitFor();
  assert.equal(await citizen.locator("#complaint-pin").count(), 0, "no pin before one is placed");
  await fillComplaint(citizen, "Jalan ke Samsat rusak");
  await check(citizen, "map-01-new-with-map");

  // keyboard: on the focused map, Enter drops the pin at the centre of the map
  await map.focus();
  await citizen.keyboard.press("Enter");
  await citizen.locator("#complaint-pin").waitFor();
  // (the centre it opened on, give or take the pixels a resize by check() moved it)
  assert.ok(Math.abs(await num(citizen, "complaint-lat") + 5) < 0.05, await citizen.locator("#complaint-lat").inputValue());
  assert.ok(Math.abs(await num(citizen, "complaint-lon") - 105) < 0.05, await citizen.locator("#complaint-lon").inputValue());
  const centred = await citizen.locator("#complaint-lat").inputValue();

  // a click on the map drops the pin and fills the fields (north-east of the centre: lat up, lon up)
  const box = await map.boundingBox();
  await map.click({ position: { x: box.width / 2 + 60, y: box.height / 2 - 40 } });
  await citizen.waitForFunction(was => document.getElementById("complaint-lat").value !== was, centred);
  const clickedLat = await num(citizen, "complaint-lat"), clickedLon = await num(citizen, "complaint-lon");
  assert.ok(clickedLat > -5.0 && clickedLat < -4.5 && clickedLon > 105.0 && clickedLon < 105.6, `${clickedLat}, ${clickedLon}`);
  assert.match(await citizen.locator("#complaint-pin").getAttribute("aria-label"),
    new RegExp(`lintang ${clickedLat.toFixed(6)}, bujur ${clickedLon.toFixed(6)}`));

  // keyboard: Tab from "use my location" reaches the map, then the pin; arrows move the pin
  await citizen.locator("#use-my-location").focus();
  await citizen.keyboard.press("Tab");
  assert.equal(await citizen.evaluate(() => document.activeElement.id), "complaint-map");
  await citizen.keyboard.press("Tab");
  assert.equal(await citizen.evaluate(() => document.activeElement.id), "complaint-pin");
  assert.equal(await citizen.locator("#complaint-pin").getAttribute("role"), "button");
  await citizen.keyboard.press("ArrowRight");
  await citizen.keyboard.press("ArrowRight");
  const keyedLon = await num(citizen, "complaint-lon");
  assert.ok(keyedLon > clickedLon, `ArrowRight moves the pin east: ${keyedLon} > ${clickedLon}`);
  assert.equal(await num(citizen, "complaint-lat"), clickedLat, "ArrowRight keeps the latitude");
  assert.equal(await citizen.evaluate(() => document.activeElement.id), "complaint-pin", "the pin keeps the focus");
  await check(citizen, "map-02-pin-placed");

  // typed coordinates move the pin; so does the device's location
  await citizen.getByLabel("Lintang", { exact: true }).fill("-5.43");
  await citizen.getByLabel("Bujur", { exact: true }).fill("105.26");
  await citizen.waitForFunction(() => document.getElementById("complaint-pin")?.getAttribute("aria-label").includes("lintang -5.430000, bujur 105.260000"));
  await citizen.getByRole("button", { name: "Pakai lokasi saya" }).click();
  await citizen.waitForFunction(() => document.getElementById("complaint-pin")?.getAttribute("aria-label").includes("lintang -5.100000, bujur 105.300000"));
  // and a last click sets the point the complaint is filed with
  await map.click({ position: { x: box.width / 2 - 50, y: box.height / 2 + 30 } });
  await citizen.waitForFunction(() => document.getElementById("complaint-lat").value !== "-5.100000");
  const lat = await citizen.locator("#complaint-lat").inputValue(), lon = await citizen.locator("#complaint-lon").inputValue();
  await citizen.getByRole("button", { name: "Kirim aduan" }).click();
  await citizen.waitForURL(/#\/complaints\/ADU-/);
  const id = decodeURIComponent(citizen.url().split("/").pop());
  await citizen.locator("#complaint-point").getByText(`${lat}, ${lon}`).waitFor();
  const filed = await apiGet(base, await tokenFor(base, { sub: "warga-peta", role: "citizen" }), `/v1/complaints/${id}`);
  assert.equal(filed.location.lat, Number(lat));
  assert.equal(filed.location.lon, Number(lon));
  const small = citizen.getByRole("region", { name: `Peta lokasi aduan di lintang ${lat}, bujur ${lon}` });
  await small.waitFor();
  await citizen.locator("#complaint-location-map .leaflet-tile-loaded").first().waitFor();
  await citizen.locator("#complaint-location-map .map-pin").waitFor();
  await check(citizen, "map-03-complaint-with-map");
  await citizen.getByRole("button", { name: "Switch to English" }).click();
  await citizen.getByRole("region", { name: `Map of the complaint's location at latitude ${lat}, longitude ${lon}` }).waitFor();
  await citizen.getByRole("button", { name: "Zoom in" }).waitFor();
  await citizen.locator("#complaint-point").getByText(`${lat}, ${lon}`).waitFor();
  await check(citizen, "map-04-complaint-with-map-english");
  await citizen.getByRole("link", { name: "New complaint" }).click();
  await citizen.getByRole("application", { name: "Map to place the complaint's location" }).waitFor();
  await citizen.getByText("click or tap the map to place the pin", { exact: false }).waitFor();
  await check(citizen, "map-05-new-with-map-english");
  await citizen.getByRole("button", { name: "Ganti ke Bahasa Indonesia" }).click();

  // the board: public complaints with a point are pins on a map above the list; Enter on a pin
  // opens its tracking page (a private one, like the complaint above, is never on it)
  const neighbour = await tokenFor(base, { sub: "warga-tetangga", role: "citizen" });
  const filedPublic = await fetch(`${base}/v1/complaints`, { method: "POST",
    headers: { Authorization: `Bearer ${neighbour}`, "Content-Type": "application/json" },
    body: JSON.stringify({ category: "pajak-kendaraan", title: "Antrean Samsat mengular", visibility: "public",
      description: "Loket pembayaran PKB hanya satu yang buka.", location: { lat: -5.3971, lon: 105.2668 } }) });
  const pub = JSON.parse(await filedPublic.text());
  assert.equal(filedPublic.status, 201, JSON.stringify(pub));
  await citizen.goto(`${base}/#/board`);
  const board = citizen.getByRole("region", { name: "Peta 1 aduan publik yang bertitik lokasi" });
  await board.waitFor();
  await citizen.locator("#public-map .leaflet-tile-loaded").first().waitFor();
  const pin = citizen.locator(`#public-map .map-pin[data-id='${pub.id}']`);
  assert.equal(await pin.getAttribute("aria-label"), "Aduan publik: Antrean Samsat mengular; buka untuk melacaknya");
  assert.equal(await citizen.locator("#public-map .map-pin").count(), 1, "only the public complaint is a pin");
  assert.equal(await citizen.locator(`.public-list li[data-id='${pub.id}']`).count(), 1, "the list stays beside the map");
  await check(citizen, "map-07-board-map");
  await citizen.getByRole("button", { name: "Switch to English" }).click();
  await citizen.getByRole("region", { name: "Map of 1 public complaint with a location" }).waitFor();
  await check(citizen, "map-08-board-map-english");
  await citizen.getByRole("button", { name: "Ganti ke Bahasa Indonesia" }).click();
  await citizen.getByRole("region", { name: "Peta 1 aduan publik yang bertitik lokasi" }).waitFor();
  await citizen.locator(`#public-map .map-pin[data-id='${pub.id}']`).focus();
  await citizen.keyboard.press("Enter");
  await citizen.waitForURL(new RegExp(`#/track/${pub.id}$`));
  await citizen.getByText("Antrean Samsat mengular").first().waitFor();
  assert.equal(expected.length, 0, "nothing failed while the tiles loaded");

  // 2. configured but unreachable: the probe fails (the one expected failure), no map
  const aborted = [];
  const offline = await person(browser, base, {
    expect: (kind, url) => url.startsWith(TILE_HOST),
    before: context => context.route(`${TILE_HOST}**`, route => { aborted.push(route.request().url()); return route.abort("internetdisconnected"); }),
  });
  const assets = [];
  offline.on("request", r => { if (r.url().includes("/assets/")) assets.push(r.url()); });
  await signIn(offline, base, { role: "citizen", sub: "warga-luring" });
  const probeFailed = offline.waitForEvent("requestfailed", r => r.url().startsWith(TILE_HOST));
  await offline.getByRole("link", { name: "Buat aduan" }).click();
  await fillComplaint(offline, "Lampu jalan padam");
  await probeFailed;
  await offline.waitForTimeout(500);
  assert.equal(await offline.locator(".leaflet-container, .map").count(), 0, "no map without tiles");
  assert.ok(!assets.some(u => /leaflet/.test(u)), `Leaflet is not loaded: ${assets}`);
  assert.deepEqual(aborted, [PROBE], "the probe tile is the only tile asked for");
  const failures = expected.filter(line => line.startsWith("request failed"));
  assert.equal(failures.length, 1, expected.join("\n"));
  assert.ok(failures[0].includes(PROBE), failures[0]);
  assert.ok(expected.every(line => line.includes(PROBE) || /Failed to load resource/.test(line)), expected.join("\n"));
  await check(offline, "map-06-new-tiles-unreachable");
  await offline.getByLabel("Lintang", { exact: true }).fill("-5.4");
  await offline.getByLabel("Bujur", { exact: true }).fill("105.25");
  await offline.getByRole("button", { name: "Kirim aduan" }).click();
  await offline.waitForURL(/#\/complaints\/ADU-/);
  await offline.locator("#complaint-point").getByText("-5.400000, 105.250000").waitFor();
  await offline.waitForTimeout(300);
  assert.equal(await offline.locator(".leaflet-container").count(), 0);
  assert.deepEqual(aborted, [PROBE], "the probe's answer is kept: no second probe");
  await check(offline, "map-07-complaint-tiles-unreachable");

  // 3. not configured: a stack without LAMPUNGIN_MAP_TILES
  const plain = await startStack();
  try {
    const config = await (await fetch(`${plain.base}/config.json`)).json();
    assert.equal(config.map_tiles, null);
    const before = expected.length;
    const asked = [];
    const noMap = await person(browser, plain.base, { before: context => context.route(`${TILE_HOST}**`, route => { asked.push(route.request().url()); return route.abort(); }) });
    const loaded = [];
    noMap.on("request", r => loaded.push(r.url()));
    await signIn(noMap, plain.base, { role: "citizen", sub: "warga-biasa" });
    await noMap.getByRole("link", { name: "Buat aduan" }).click();
    await fillComplaint(noMap, "Sekolah tanpa guru");
    await noMap.getByText("Isi lintang dan bujur, atau pakai lokasi perangkat Anda.").waitFor();
    await check(noMap, "map-08-new-no-tiles");
    await noMap.getByLabel("Lintang", { exact: true }).fill("-5.45");
    await noMap.getByLabel("Bujur", { exact: true }).fill("105.27");
    await noMap.getByRole("button", { name: "Kirim aduan" }).click();
    await noMap.waitForURL(/#\/complaints\/ADU-/);
    await noMap.locator("#complaint-point").getByText("-5.450000, 105.270000").waitFor();
    await check(noMap, "map-09-complaint-no-tiles");
    assert.equal(await noMap.locator(".leaflet-container, .map").count(), 0);
    assert.deepEqual(asked, [], "no tile asked for");
    assert.ok(!loaded.some(u => /leaflet|tiles\./.test(u)), loaded.join("\n"));
    assert.equal(expected.length, before, "nothing failed");
  } finally { await stopStack(plain); }
}, { env: { LAMPUNGIN_MAP_TILES: TILES, LAMPUNGIN_MAP_ATTRIBUTION: "© Peta uji" } });
