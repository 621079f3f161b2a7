// Sign-in through the Cognito user pool's hosted UI (config().sign_in.kind === "cognito"): the
// OAuth 2.0 authorization code flow with PKCE (RFC 7636, S256) for a public client, no secret.
//
//   start   a random verifier (kept in sessionStorage with a random `state`), its SHA-256 as the
//           code_challenge, then the browser goes to <domain>/oauth2/authorize
//   return  the hosted UI sends the person back to redirect_uri with ?code=&state= (or ?error=):
//           the state must be the one kept (CSRF), the code is exchanged at <domain>/oauth2/token
//           with the verifier; the ID token is the bearer token the API takes (its `aud` is the
//           app client, it carries `cognito:groups`, `custom:opd` and, for staff, `lampungin:mfa`)
//   out     <domain>/logout?client_id=&logout_uri= ends the hosted UI's own session too
//
// The session is kept as the local sign-in keeps it (sessionStorage "session", api.ts Session).
import type { Role, Session } from "./api";
import { config } from "./config";

type Cognito = Extract<ReturnType<typeof config>["sign_in"], { kind: "cognito" }>;
export type SignInProblem = "denied" | "state" | "exchange" | "token";
export interface SignInOutcome { session?: Session; problem?: SignInProblem; detail?: string; back?: string }

const PENDING = "sign-in-pending";
// auth.py takes the first group that names a role; the console knows these
const ROLES = ["admin", "inspector", "supervisor", "operator", "intake", "citizen"];

export function hostedUi(): Cognito | null {
  const s = config().sign_in;
  return s.kind === "cognito" ? s : null;
}

function base64url(bytes: Uint8Array): string {
  let text = "";
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function random(size: number): string {
  return base64url(crypto.getRandomValues(new Uint8Array(size)));
}

async function challengeOf(verifier: string): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))));
}

/** Off to the hosted UI; `back` is the page (hash) to return to once signed in. */
export async function startHostedSignIn(back: string): Promise<void> {
  const c = hostedUi();
  if (!c) return;
  const verifier = random(48);          // 64 characters of [A-Za-z0-9_-]: RFC 7636's 43..128
  const state = random(24);
  sessionStorage.setItem(PENDING, JSON.stringify({ state, verifier, back }));
  const query = new URLSearchParams({
    response_type: "code", client_id: c.client_id, redirect_uri: c.redirect_uri, scope: c.scopes.join(" "),
    state, code_challenge: await challengeOf(verifier), code_challenge_method: "S256",
  });
  location.assign(`${c.domain}/oauth2/authorize?${query}`);
}

/** The claims of a JWT, unverified: the API verifies it; the console only shows who it is. */
function claimsOf(token: string): Record<string, unknown> | null {
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const bytes = Uint8Array.from(atob(part + "=".repeat((4 - part.length % 4) % 4)), ch => ch.charCodeAt(0));
    const claims = JSON.parse(new TextDecoder().decode(bytes));
    return claims && typeof claims === "object" ? claims : null;
  } catch { return null; }
}

/** A Session from an ID token, read as auth.py reads it: the role from `role` or else the first of
 * Cognito's groups that names one, the OPD from `opd` or Cognito's `custom:opd`. */
export function sessionOf(idToken: string): Session | null {
  const claims = claimsOf(idToken);
  if (!claims || typeof claims.sub !== "string") return null;
  const text = (v: unknown) => (typeof v === "string" && v ? v : undefined);
  const groups = Array.isArray(claims["cognito:groups"]) ? claims["cognito:groups"] as unknown[] : [];
  const role = text(claims.role) || groups.find((g): g is string => typeof g === "string" && ROLES.includes(g));
  if (!role || !ROLES.includes(role)) return null;
  return { token: idToken, claims: { sub: claims.sub, role: role as Role, opd: text(claims.opd) || text(claims["custom:opd"]),
    name: text(claims.name) || text(claims.email) } };
}

/** On start-up: when the hosted UI sent the person back (?code= or ?error=), finishes the sign-in
 * and takes code and state out of the address; null when this load is not such a return. */
export async function finishHostedSignIn(): Promise<SignInOutcome | null> {
  const c = hostedUi();
  const params = new URLSearchParams(location.search);
  if (!c || !(params.has("code") || params.has("error"))) return null;
  history.replaceState(null, "", location.pathname + location.hash);
  let pending: { state?: string; verifier?: string; back?: string } | null = null;
  try { pending = JSON.parse(sessionStorage.getItem(PENDING) || "null"); } catch { pending = null; }
  sessionStorage.removeItem(PENDING);       // one use: a replayed address finds nothing
  if (params.has("error")) {
    // only the error's code, never its description: the address is anyone's to write
    const code = params.get("error") || "";
    return { problem: "denied", detail: /^[a-z_]{1,40}$/.test(code) ? code : undefined };
  }
  if (!pending || !pending.state || !pending.verifier || params.get("state") !== pending.state) return { problem: "state" };
  let response: Response;
  try {
    response = await fetch(`${c.domain}/oauth2/token`, {
      method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "authorization_code", client_id: c.client_id,
        code: params.get("code") || "", code_verifier: pending.verifier, redirect_uri: c.redirect_uri }),
    });
  } catch { return { problem: "exchange" }; }
  let data: { id_token?: string; error?: string } | null = null;
  try { data = await response.json(); } catch { data = null; }
  if (!response.ok || !data || !data.id_token) {
    const code = data && typeof data.error === "string" && /^[a-z_]{1,40}$/.test(data.error) ? data.error : String(response.status);
    return { problem: "exchange", detail: code };
  }
  const session = sessionOf(data.id_token);
  if (!session) return { problem: "token" };
  return { session, back: typeof pending.back === "string" && pending.back.startsWith("#/") ? pending.back : "#/" };
}

/** Where sign-out sends the person: the hosted UI's logout, back to the console. */
export function hostedSignOutUrl(): string | null {
  const c = hostedUi();
  if (!c) return null;
  return `${c.domain}/logout?${new URLSearchParams({ client_id: c.client_id, logout_uri: c.redirect_uri })}`;
}
