"""The web console and its sign-in, served by the local dev server only (never by app.py).

`lampungin dev` answers, before the Chalice gateway sees the request:
* `GET /` (and `/index.html`) and `GET /assets/...`: the built web app in `web/dist/` (`make web`);
  without a build, `/` is an Indonesian page saying to run `make web`;
* `GET /config.json`: the console's runtime settings (web/src/config.ts): the API on this origin,
  local sign-in, and map tiles from `$LAMPUNGIN_MAP_TILES` (a `{z}/{x}/{y}` URL; unset: no map);
* `POST /local/sign-in {"sub", "role", "opd"?, "name"?, "government"?}`: a token minted with the
  local key (keys.mint_token, the claims checked as `lampungin token` checks them). Local only: it
  answers only clients on the loopback address, is not a route of the app and is not in
  /openapi.json. In production people sign in through Cognito.
Every other request goes on to the API unchanged.
"""
from __future__ import annotations

import argparse
import ipaddress
import json
import mimetypes
import os
from pathlib import Path

from . import keys

SIGN_IN_PATH = "/local/sign-in"
SIGN_IN_TTL = 12 * 3600
MAP_TILES_ENV = "LAMPUNGIN_MAP_TILES"
MAP_ATTRIBUTION_ENV = "LAMPUNGIN_MAP_ATTRIBUTION"

NO_BUILD_PAGE = """<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>Lampung In: konsol web belum dibangun</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem">
<main><h1>Konsol web belum dibangun</h1>
<p>Jalankan <code>make web</code> di folder proyek, lalu muat ulang halaman ini.
(<code>make run</code> melakukannya sendiri.)</p>
<p>API tetap berjalan: lihat <a href="/docs">/docs</a>.</p></main></body></html>
"""

MESSAGES = {
    "id": {"invalid_sign_in": "Data masuk tidak valid: periksa peran, ID dan OPD.",
           "not_loopback": "Masuk lokal hanya dapat dipakai dari komputer ini.",
           "bad_json": "Isi permintaan harus JSON yang valid."},
    "en": {"invalid_sign_in": "Invalid sign-in: check the role, the id and the OPD.",
           "not_loopback": "Local sign-in only works from this computer.",
           "bad_json": "The request body must be valid JSON."},
}


def _lang(headers: dict) -> str:
    accept = next((v for k, v in headers.items() if k.lower() == "accept-language"), "") or ""
    return "en" if accept.strip().lower().startswith("en") else "id"


def _answer(status: int, body: bytes | str, content_type: str, extra: dict | None = None) -> dict:
    headers = {"Content-Type": content_type, "Cache-Control": "no-store",
               "X-Content-Type-Options": "nosniff", **(extra or {})}
    return {"statusCode": status, "headers": headers, "multiValueHeaders": {},
            "body": body if isinstance(body, bytes) else body.encode("utf-8")}


def _error(status: int, code: str, lang: str, details: list | None = None) -> dict:
    payload = {"error": {"code": code, "message": MESSAGES[lang][code], "details": details or []}}
    return _answer(status, json.dumps(payload, ensure_ascii=False), "application/json; charset=utf-8")


def is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address.split("%")[0]).is_loopback
    except ValueError:
        return False


class LocalRoutes:
    """What the dev server answers itself; `answer` returns None for everything else."""

    def __init__(self, home: Path, dist: Path, issuer: str = keys.LOCAL_ISSUER) -> None:
        self.home, self.dist, self.issuer = Path(home), Path(dist), issuer

    def answer(self, method: str, path: str, headers: dict, body: bytes | None,
               client: str) -> dict | None:
        bare = path.split("?", 1)[0]
        if bare == SIGN_IN_PATH:
            if method != "POST":
                return None              # the gateway answers 404 in the contract's shape
            return self.sign_in(headers, body, client)
        if method not in ("GET", "HEAD"):
            return None
        if bare in ("/", "/index.html"):
            index = self.dist / "index.html"
            if not index.is_file():
                return _answer(200, NO_BUILD_PAGE, "text/html; charset=utf-8")
            return _answer(200, index.read_bytes(), "text/html; charset=utf-8")
        if bare.startswith("/assets/"):
            return self.asset(bare)
        if bare == "/config.json":
            return _answer(200, json.dumps(self.console_config(), ensure_ascii=False),
                           "application/json; charset=utf-8")
        return None

    @staticmethod
    def console_config() -> dict:
        tiles = os.environ.get(MAP_TILES_ENV, "").strip()
        return {"api_base": "", "sign_in": {"kind": "local"},
                "map_tiles": {"url": tiles, "attribution": os.environ.get(MAP_ATTRIBUTION_ENV, "")}
                if tiles else None}

    def asset(self, path: str) -> dict | None:
        root = (self.dist / "assets").resolve()
        try:
            target = (self.dist / path.lstrip("/")).resolve()
        except (OSError, ValueError):
            return None
        if not target.is_relative_to(root) or not target.is_file():
            return None                  # 404 from the gateway, in the contract's shape
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in ("application/javascript", "image/svg+xml"):
            kind += "; charset=utf-8"
        # Vite names assets by content hash: they never change under their name
        return _answer(200, target.read_bytes(), kind,
                       {"Cache-Control": "public, max-age=31536000, immutable"})

    def sign_in(self, headers: dict, body: bytes | None, client: str) -> dict:
        # lazy: tokens imports the domain model
        from ..tokens import claims_from
        lang = _lang(headers)
        if not is_loopback(client):
            return _error(403, "not_loopback", lang)
        try:
            data = json.loads(body or b"")
        except ValueError:
            return _error(400, "bad_json", lang)
        if not isinstance(data, dict) or not all(isinstance(data.get(k), str) for k in ("sub", "role")):
            return _error(422, "invalid_sign_in", lang)
        fields = {k: (data.get(k) if isinstance(data.get(k), str) and data.get(k) else None)
                  for k in ("opd", "name", "government", "unit")}
        args = argparse.Namespace(sub=data["sub"], role=data["role"], ttl=str(SIGN_IN_TTL), **fields)
        try:
            claims = claims_from(args)
        except ValueError:
            return _error(422, "invalid_sign_in", lang)
        token = keys.mint_token(self.home, claims, SIGN_IN_TTL, issuer=self.issuer)
        payload = {"token": token, "claims": claims, "expires_in": SIGN_IN_TTL}
        return _answer(200, json.dumps(payload, ensure_ascii=False), "application/json; charset=utf-8")
