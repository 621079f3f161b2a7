// The console's runtime settings, read once from /config.json next to the built assets, so one
// build serves every place it is deployed. The local dev server answers /config.json itself
// (lampungin/localstack/webconsole.py); a deployment writes the file beside the assets.
//
//   api_base   where the public API is: "" = the same origin (the dev server; CloudFront routing
//              the API's paths to API Gateway), or an absolute URL such as
//              "https://abc.execute-api.ap-southeast-3.amazonaws.com/api"
//   map_tiles  a raster tile source {"url": ".../{z}/{x}/{y}.png", "attribution": "..."}, or null
//              for no map (locations are then given by address or coordinates only)
//   sign_in    {"kind": "local"}: the dev server's POST /local/sign-in; or
//              {"kind": "cognito", "domain": "https://<prefix>.auth.<region>.amazoncognito.com",
//               "client_id": "...", "redirect_uri": "https://.../", "scopes": ["openid", ...]}
export interface MapTiles { url: string; attribution: string }
export type SignInConfig =
  | { kind: "local" }
  | { kind: "cognito"; domain: string; client_id: string; redirect_uri: string; scopes: string[] };
export interface ConsoleConfig { api_base: string; map_tiles: MapTiles | null; sign_in: SignInConfig }

const FALLBACK: ConsoleConfig = { api_base: "", map_tiles: null, sign_in: { kind: "local" } };
let current: ConsoleConfig = FALLBACK;

/** Reads /config.json; a missing or broken file leaves the local defaults (same origin, no map). */
export async function loadConfig(): Promise<ConsoleConfig> {
  try {
    const response = await fetch("/config.json", { cache: "no-store" });
    if (response.ok) {
      const data = await response.json();
      if (data && typeof data === "object") current = { ...FALLBACK, ...data };
    }
  } catch { /* offline or not deployed with one: the defaults */ }
  return current;
}

export function config(): ConsoleConfig { return current; }
