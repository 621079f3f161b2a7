// Sign-in through Cognito's hosted UI (web/src/signin.ts), against a fake of Cognito's OAuth
// endpoints in this file: /oauth2/authorize answers with a code and the state it was given (or,
// when told, a forged state or an error), /oauth2/token checks the PKCE verifier against the
// challenge and answers an ID token shaped like the user pool's (`cognito:groups`, `custom:opd`,
// `lampungin:mfa`, aud = the client) signed with the local stack's key, so the local API takes
// it as the deployed API takes Cognito's; /logout sends the person back to logout_uri.
// /config.json is the cognito kind (page.route), and the console's documents carry the CSP of
// infra/stack.json (its ${Api} = this origin, ${Auth} = the fake), so what the console needs in
// production and the policy disagree, the browser says so (a console error fails the test).
// Checked: a citizen signs in, files a complaint and sees it; an operator of BAPENDA signs in and
// finds it in the queue; the code and state leave the address; a forged state and a refused
// sign-in are shown in Indonesian (and English), and no token is asked for; sign-out goes to the
// hosted UI's logout with client_id and logout_uri and leaves no session.
import assert from "node:assert/strict";
import { createHash, createSign } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { runScenario, ROOT, person, check, freePort } from "./harness.mjs";

const CLIENT = "console-client-id";
const b64url = buf => Buffer.from(buf).toString("base64").replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

/** An RS256 JWT with the local stack's key, as `lampungin dev` signs (issuer lampungin-local). */
function idToken(home, claims) {
  const key = readFileSync(join(home, "auth", "signing-key.pem"), "utf8");
  const { keys: [jwk] } = JSON.parse(readFileSync(join(home, "auth", "jwks.json"), "utf8"));
  const now = Math.floor(Date.now() / 1000);
  const head = b64url(JSON.stringify({ alg: "RS256", kid: jwk.kid, typ: "JWT" }));
  const body = b64url(JSON.stringify({ ...claims, iss: "lampungin-local", aud: CLIENT, token_use: "id", iat: now, exp: now + 3600 }));
  const signer = createSign("RSA-SHA256");
  signer.update(`${head}.${body}`);
  return `${head}.${body}.${b64url(signer.sign(key))}`;
}

/** Back to the console as a new navigation (a page that moves on), not a 302: Playwright does not
 * route a redirect's next request, and the console's document must get its CSP. */
function sendBack(res, to) {
  const safe = to.replace(/&/g, "&amp;").replace(/"/g, "&quot;");
  res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" })
    .end(`<!doctype html><html lang="en"><title>Hosted UI</title><meta http-equiv="refresh" content="0;url=${safe}"><p>Signing in…</p></html>`);
}

/** The fake hosted UI. `next` says who signs in next and how the answer goes. */
async function fakeCognito(home, consoleOrigin) {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const fake = { origin, next: null, codes: new Map(), authorized: [], exchanged: [], logouts: [], refused: [] };
  const server = createServer((req, res) => {
    const url = new URL(req.url, origin);
    if (req.method === "GET" && url.pathname === "/oauth2/authorize") {
      const q = Object.fromEntries(url.searchParams);
      fake.authorized.push(q);
      assert.equal(q.response_type, "code");
      assert.equal(q.client_id, CLIENT);
      assert.equal(q.redirect_uri, `${consoleOrigin}/`);
      assert.equal(q.code_challenge_method, "S256");
      assert.match(q.code_challenge, /^[A-Za-z0-9_-]{43}$/);
      assert.deepEqual(q.scope.split(" "), ["openid", "email", "profile"]);
      const { claims, answer = "ok" } = fake.next;
      const back = new URL(q.redirect_uri);
      if (answer === "deny") {
        back.searchParams.set("error", "access_denied");
        back.searchParams.set("error_description", "Call 0800 to unlock your account");   // never shown
      } else {
        const code = b64url(createHash("sha256").update(String(Math.random())).digest()).slice(0, 24);
        fake.codes.set(code, { challenge: q.code_challenge, redirect_uri: q.redirect_uri, claims });
        back.searchParams.set("code", code);
        back.searchParams.set("state", answer === "forge" ? "forged-state" : q.state);
      }
      sendBack(res, back.toString());
      return;
    }
    if (req.method === "POST" && url.pathname === "/oauth2/token") {
      let raw = "";
      req.on("data", d => { raw += d; });
      req.on("end", () => {
        const cors = { "Access-Control-Allow-Origin": consoleOrigin, "Content-Type": "application/json" };
        const form = Object.fromEntries(new URLSearchParams(raw));
        const issued = fake.codes.get(form.code);
        fake.codes.delete(form.code);                      // one use
        const problem =
          !String(req.headers["content-type"]).startsWith("application/x-www-form-urlencoded") ? "not a form" :
          form.grant_type !== "authorization_code" ? "grant_type" :
          form.client_id !== CLIENT ? "client_id" :
          !issued ? "unknown or used code" :
          form.redirect_uri !== issued.redirect_uri ? "redirect_uri" :
          b64url(createHash("sha256").update(form.code_verifier || "").digest()) !== issued.challenge ? "PKCE verifier" : null;
        if (problem) {
          fake.refused.push(problem);
          res.writeHead(400, cors).end(JSON.stringify({ error: "invalid_grant" }));
          return;
        }
        fake.exchanged.push(form);
        const token = idToken(home, issued.claims);
        res.writeHead(200, cors).end(JSON.stringify({ id_token: token, access_token: token, refresh_token: "r", token_type: "Bearer", expires_in: 3600 }));
      });
      return;
    }
    if (req.method === "GET" && url.pathname === "/logout") {
      fake.logouts.push(Object.fromEntries(url.searchParams));
      sendBack(res, url.searchParams.get("logout_uri"));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise(ok => server.listen(port, "127.0.0.1", ok));
  fake.close = () => new Promise(ok => { server.close(ok); server.closeAllConnections(); });   // the browser keeps its connections
  return fake;
}

/** The CSP the distribution sends (infra/stack.json), for this origin and the fake hosted UI. */
function productionCsp(fake) {
  const stack = JSON.parse(readFileSync(join(ROOT, "infra", "stack.json"), "utf8"));
  const [text] = stack.Resources.ConsoleResponseHeadersPolicy.Properties.ResponseHeadersPolicyConfig
    .SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy["Fn::Sub"];
  return text.replace("${Api}", "").replace("${Auth}", fake.origin).replace("${Uploads}", "https://uploads.invalid");
}

/** A person whose console is deployed with the cognito sign-in (and, with `csp`, its headers). */
async function cognitoPerson(browser, base, fake, { csp = false, lang = "id" } = {}) {
  const page = await person(browser, base);
  const context = page.context();
  await context.route(`${base}/config.json`, route => route.fulfill({ json: {
    api_base: "", map_tiles: null,
    sign_in: { kind: "cognito", domain: fake.origin, client_id: CLIENT, redirect_uri: `${base}/`, scopes: ["openid", "email", "profile"] },
  } }));
  if (csp) {
    const policy = productionCsp(fake);
    await context.route(url => url.origin === base && (url.pathname === "/" || url.pathname === "/index.html"), async route => {
      const response = await route.fetch();
      await route.fulfill({ response, headers: { ...response.headers(), "content-security-policy": policy } });
    });
    // Chromium takes a document given by the test as a public one, and refuses its calls to another
    // loopback origin (Local Network Access): the fake hosted UI's answers pass through the test too
    // (after the browser's CSP has let the request go)
    await context.route(url => url.origin === fake.origin, async route => route.fulfill({ response: await route.fetch() }));
  }
  if (lang === "en") await page.evaluate(() => localStorage.setItem("lang", "en"));
  await page.waitForLoadState("networkidle");
  await page.reload();             // a new load: the routed config.json and documents
  await page.waitForLoadState("networkidle");
  await page.goto(`${base}/#/sign-in`);
  return page;
}

async function session(page) {
  return page.evaluate(() => JSON.parse(sessionStorage.getItem("session") || "null"));
}

async function hostedSignIn(page, fake, who) {
  fake.next = who;
  await page.getByRole("button", { name: who.button || "Lanjut ke halaman masuk" }).click();
}

runScenario("hosted-ui", async ({ browser, base, stack }) => {
  const fake = await fakeCognito(stack.home, base);
  try {
    // the sign-in page of a deployed console: the way to the hosted UI, axe clean
    const visitor = await cognitoPerson(browser, base, fake);
    await visitor.getByRole("heading", { level: 1, name: "Masuk ke Lampung In" }).waitFor();
    assert.equal(await visitor.locator("#sign-in-role").count(), 0, "no local sign-in form");
    await check(visitor, "hosted-01-sign-in");

    // a citizen signs in through the hosted UI, under the production CSP, and files a complaint
    const citizen = await cognitoPerson(browser, base, fake, { csp: true });
    await hostedSignIn(citizen, fake, { claims: { sub: "c0ffee-citizen-1", "cognito:groups": ["citizen"], email: "siti@example.id", name: "Siti" } });
    await citizen.getByText("Masuk sebagai Siti (Warga)").waitFor();
    await citizen.getByRole("heading", { level: 1, name: "Aduan saya" }).waitFor();
    const url = new URL(citizen.url());
    assert.equal(url.search, "", `code and state left the address: ${citizen.url()}`);
    const [authorize] = fake.authorized;
    const [exchange] = fake.exchanged;
    assert.equal(exchange.redirect_uri, `${base}/`);
    assert.match(exchange.code_verifier, /^[A-Za-z0-9_-]{43,128}$/);
    assert.equal(b64url(createHash("sha256").update(exchange.code_verifier).digest()), authorize.code_challenge);
    const kept = await session(citizen);
    assert.deepEqual(kept.claims, { sub: "c0ffee-citizen-1", role: "citizen", name: "Siti" });
    assert.equal(await citizen.evaluate(() => sessionStorage.getItem("sign-in-pending")), null, "the verifier is used once");
    await citizen.getByRole("link", { name: "Buat aduan" }).click();
    await citizen.locator("#complaint-category option[value='pajak-kendaraan']").waitFor({ state: "attached" });
    await citizen.getByLabel("Kategori").selectOption("pajak-kendaraan");
    await citizen.getByLabel("Judul").fill("Pajak motor dihitung dua kali");
    await citizen.getByLabel("Uraian").fill("Tagihan PKB motor saya muncul dua kali di Samsat.");
    await citizen.getByRole("button", { name: "Kirim aduan" }).click();
    await citizen.waitForURL(/#\/complaints\/ADU-/);
    const id = decodeURIComponent(citizen.url().split("/").pop());
    await citizen.locator("#complaint-status").getByText("Menunggu tindak lanjut").waitFor();
    await citizen.waitForLoadState("networkidle");

    // an operator of BAPENDA (MFA set up: the pre-token trigger's claim) finds it in the queue
    const operator = await cognitoPerson(browser, base, fake);
    await hostedSignIn(operator, fake, { claims: { sub: "op-bapenda-1", "cognito:groups": ["operator"], "custom:opd": "BAPENDA",
      "lampungin:mfa": "true", email: "operator@bapenda.lampungprov.go.id" } });
    await operator.getByRole("heading", { level: 1, name: "Antrean OPD" }).waitFor();
    await operator.getByText("Masuk sebagai operator@bapenda.lampungprov.go.id (Operator BAPENDA)").waitFor();
    await operator.locator(`li.complaint[data-id='${id}']`).waitFor();
    await check(operator, "hosted-02-operator-queue");

    // sign-out: the hosted UI's logout, back to the console, no session left
    await citizen.getByRole("button", { name: "Keluar" }).click();
    await citizen.waitForURL(`${base}/`);
    await citizen.getByRole("heading", { level: 1, name: "Layanan aduan Provinsi Lampung" }).waitFor();
    assert.deepEqual(fake.logouts, [{ client_id: CLIENT, logout_uri: `${base}/` }]);
    assert.equal(await session(citizen), null);
    await citizen.getByRole("link", { name: "Masuk" }).first().waitFor();

    // a forged state: refused with a clear message, no token asked for, no session
    const exchanges = fake.exchanged.length;
    const forged = await cognitoPerson(browser, base, fake);
    await hostedSignIn(forged, fake, { answer: "forge", claims: { sub: "attacker", "cognito:groups": ["admin"] } });
    await forged.getByRole("alert").getByText(/Masuk ditolak: jawaban halaman masuk tidak cocok/).waitFor();
    assert.equal(fake.exchanged.length, exchanges, "no code exchanged on a forged state");
    assert.equal(await session(forged), null);
    assert.equal(new URL(forged.url()).search, "");
    assert.equal(new URL(forged.url()).hash, "#/sign-in");
    await check(forged, "hosted-03-state-refused");
    // a replay of that address (the pending sign-in is gone) is refused the same way
    await forged.goto(`${base}/?code=whatever&state=forged-state#/`);
    await forged.getByRole("alert").getByText(/Masuk ditolak/).waitFor();

    // refused at the hosted UI, in English: our words and the error's code, never its description
    const refused = await cognitoPerson(browser, base, fake, { lang: "en" });
    await hostedSignIn(refused, fake, { answer: "deny", button: "Continue to the sign-in page" });
    const alert = refused.getByRole("alert");
    await alert.getByText("Sign-in was cancelled or refused by the sign-in page. Code: access_denied").waitFor();
    assert.ok(!(await alert.textContent()).includes("0800"));
    assert.equal(await session(refused), null);
    await check(refused, "hosted-04-refused-en");
    // the switch says it again in Indonesian, one language at a time
    await refused.getByRole("button", { name: "Bahasa Indonesia" }).click();
    await refused.getByRole("alert").getByText("Masuk dibatalkan atau ditolak oleh halaman masuk. Kode: access_denied").waitFor();
    assert.ok(!(await refused.getByRole("alert").textContent()).includes("Sign-in"));
    assert.deepEqual(fake.refused, []);
  } finally {
    await fake.close();
  }
});
