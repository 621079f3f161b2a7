// The browser tests' shared harness: a local stack of its own, Debian's headless Chromium, one
// browser context per person, and the per-page check (no console errors, axe clean at serious and
// critical impact, screenshots at phone and desktop size into build/screenshots/). Every scenario
// file (web/tests/*.mjs but this one) imports it; `npm run browser-test` runs them one after another.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { deflateSync } from "node:zlib";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const SHOTS = join(ROOT, "build", "screenshots");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const AXE = require.resolve("axe-core/axe.min.js");
export const VIEWPORTS = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 800 } };

if (!existsSync(CHROMIUM)) {
  console.error(`browser-test: ${CHROMIUM} is missing; install it with: apt-get install -y chromium`);
  process.exit(1);
}
if (!existsSync(join(ROOT, "web", "dist", "index.html"))) {
  console.error("browser-test: web/dist is missing; run make web first");
  process.exit(1);
}

/** A small valid PNG of one colour (the stack re-encodes images, so it must be a real one). */
export function png(r, g, b, size = 48) {
  const table = Array.from({ length: 256 }, (_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c >>> 0; });
  const crc = buf => { let c = 0xffffffff; for (const x of buf) c = table[(c ^ x) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const sum = Buffer.alloc(4); sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0); header.writeUInt32BE(size, 4); header[8] = 8; header[9] = 2;
  const rows = [];
  for (let y = 0; y < size; y++) {
    rows.push(0);
    for (let x = 0; x < size; x++) rows.push((x + y) % 8 < 4 ? r : 255 - r, g, (x * y) % 256 < 128 ? b : 255 - b);
  }
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.from(rows))), chunk("IEND", Buffer.alloc(0))]);
}

export function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.unref();
    server.on("error", fail);
    server.listen(0, "127.0.0.1", () => { const { port } = server.address(); server.close(() => ok(port)); });
  });
}

/** A `lampungin dev --store memory` of its own. `extraEnv` is added to its environment (e.g.
 * LAMPUNGIN_MAP_TILES); map tiles are never inherited from the caller's environment, so no test
 * reaches the internet for them. */
export async function startStack(extraEnv = {}) {
  const home = mkdtempSync(join(tmpdir(), "lampungin-web-"));
  const port = await freePort();
  const env = { ...process.env, LAMPUNGIN_HOME: home, PYTHONPATH: ROOT };
  delete env.PORT;
  delete env.LAMPUNGIN_MAP_TILES;
  delete env.LAMPUNGIN_MAP_ATTRIBUTION;
  Object.assign(env, extraEnv);
  const proc = spawn(join(ROOT, ".venv", "bin", "lampungin"), ["dev", "--store", "memory", "--port", String(port)],
    { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  proc.stdout.on("data", d => { log += d; });
  proc.stderr.on("data", d => { log += d; });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`lampungin dev exited ${proc.exitCode}:\n${log.slice(-3000)}`);
    try { if ((await fetch(`${base}/v1/health`)).ok) return { base, proc, home, log: () => log }; } catch { /* not yet */ }
    await new Promise(r => setTimeout(r, 250));
  }
  proc.kill("SIGTERM");
  throw new Error(`lampungin dev not healthy after 90 s:\n${log.slice(-3000)}`);
}

export async function stopStack(stack) {
  if (stack.proc.exitCode !== null) return;
  const exited = new Promise(r => stack.proc.once("exit", r));
  stack.proc.kill("SIGTERM");
  const timer = setTimeout(() => stack.proc.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
  rmSync(stack.home, { recursive: true, force: true });
}

export const problems = [];
export const pagesChecked = [];
/** What a person's `expect` option accepted instead of counting it as a problem. */
export const expected = [];

/** One browser context per person: its own sessionStorage (its own sign-in). Options go to the
 * browser context, but for `expect(kind, url, text)`: a failed request ("requestfailed") or a
 * console error ("console", with the URL it is about) that the scenario expects returns true and
 * lands in `expected` instead of `problems`; `before(context)` runs before the first page loads
 * (to set up routes). */
export async function person(browser, base, options = {}) {
  const { expect, before, ...contextOptions } = options;
  const context = await browser.newContext({ viewport: VIEWPORTS.desktop, locale: "id-ID", timezoneId: "Asia/Jakarta", ...contextOptions });
  if (before) await before(context);
  const page = await context.newPage();
  const report = (kind, url, line) => {
    if (expect && expect(kind, url, line)) expected.push(line);
    else problems.push(line);
  };
  page.on("console", msg => { if (msg.type() === "error") report("console", msg.location()?.url || "", `console error on ${page.url()}: ${msg.text()}`); });
  page.on("pageerror", err => problems.push(`page error on ${page.url()}: ${err.message}`));
  page.on("requestfailed", req => report("requestfailed", req.url(), `request failed on ${page.url()}: ${req.url()} ${req.failure()?.errorText}`));
  await page.goto(`${base}/`);
  return page;
}

/** No console errors so far, axe clean (serious/critical) at both sizes, screenshots at both sizes. */
export async function check(page, name) {
  await page.waitForLoadState("networkidle");
  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(viewport);
    await page.addScriptTag({ path: AXE });
    const violations = await page.evaluate(async () => {
      const result = await window.axe.run(document, { resultTypes: ["violations"] });
      return result.violations.filter(v => v.impact === "serious" || v.impact === "critical")
        .map(v => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map(n => n.target.join(" ")).slice(0, 3).join(", ")}`);
    });
    for (const v of violations) problems.push(`axe on ${name} (${size}): ${v}`);
    await page.screenshot({ path: join(SHOTS, `${name}-${size}.png`), fullPage: true });
  }
  await page.setViewportSize(VIEWPORTS.desktop);
  pagesChecked.push(name);
  assert.deepEqual(problems, [], `problems after ${name}`);
}

export async function signIn(page, base, { role, sub, opd, name, keyboard }) {
  await page.goto(`${base}/#/sign-in`);
  await page.getByLabel("Peran").selectOption(role);
  await page.getByLabel("ID pengguna").fill(sub);
  if (name) await page.getByLabel("Nama (opsional)").fill(name);
  if (opd) {
    await page.locator("#sign-in-opd option[value='" + opd + "']").waitFor({ state: "attached" });
    await page.getByLabel("OPD", { exact: true }).selectOption(opd);
  }
  if (keyboard) await page.getByLabel("ID pengguna").press("Enter");
  else await page.getByRole("button", { name: "Masuk", exact: true }).last().click();
  await page.getByText(/Masuk sebagai/).waitFor();
}

/** Debian's chromium, headless, with nothing reaching out to the network on its own. */
export function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** Runs one scenario file: its own stack (with `options.env` added to its environment) and
 * browser, the summary line, exit 1 on any failure. */
export async function runScenario(name, scenario, options = {}) {
  const started = Date.now();
  mkdirSync(SHOTS, { recursive: true });
  let stack;
  let browser;
  try {
    stack = await startStack(options.env || {});
    browser = await launch();
    await scenario({ browser, base: stack.base, stack });
    assert.deepEqual(problems, []);
  } catch (err) {
    console.error(`${name}: FAILED\n${err.stack || err}`);
    // what every open page showed when it failed, to look at
    let n = 0;
    for (const context of browser ? browser.contexts() : []) {
      for (const p of context.pages()) {
        const file = join(SHOTS, `FAILED-${name}-${++n}.png`);
        await p.screenshot({ path: file, fullPage: true }).then(() => console.error(`${p.url()}: ${file}`), () => undefined);
      }
    }
    if (problems.length) console.error(problems.join("\n"));
    if (stack) console.error(stack.log().slice(-2000));
    process.exitCode = 1;
  } finally {
    if (browser) await browser.close();
    if (stack) await stopStack(stack);
  }
  if (!process.exitCode) {
    console.log(`${name}: ok, ${pagesChecked.length} pages checked (no console errors, axe clean), ` +
      `screenshots in ${SHOTS}, ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

/** A token of the local stack for `who` ({sub, role, opd?, name?}): its POST /local/sign-in. */
export async function tokenFor(base, who) {
  const r = await fetch(`${base}/local/sign-in`, { method: "POST", body: JSON.stringify(who) });
  const text = await r.text();
  assert.ok(r.ok, `sign-in of ${JSON.stringify(who)}: ${r.status} ${text}`);
  return JSON.parse(text).token;
}

/** One API request with `token` (a JSON `body` unless undefined), held to a 2xx answer; its JSON. */
export async function apiCall(base, token, method, path, body) {
  const r = await fetch(`${base}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body),
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" } });
  const text = await r.text();
  assert.ok(r.ok, `${method} ${path}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}
