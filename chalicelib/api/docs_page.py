"""The API describes itself: GET /openapi.json (the spec), GET /docs (a readable reference page)
and the page's viewer at GET /docs/redoc.standalone.js. No token: frontends read them first.

Why served by the app itself, and why vendored: the page must show exactly the deployed routes,
and a reference page that loads its viewer from a CDN breaks offline and trusts a third party
with every visitor. The viewer (Redoc, from the npm registry, integrity-checked) is fetched once at
build time by lampungin/docs_viewer.py into VIEWER_DIR (git-ignored, inside chalicelib so the
Lambda package carries it). Not fetched: /docs and the viewer answer 404 `docs_viewer_missing` in
the contract's shape (not a 5xx: the contract promises none); the spec is served either way.

The page uses relative URLs only, so it works under API Gateway's stage prefix (`/api/docs`) as
on `make run` (`/docs`). The spec and the viewer are read once per process and kept.
"""
from __future__ import annotations

import json
from pathlib import Path

from chalice import Blueprint, Response

from .errors import ApiError
from .http import endpoint

api = Blueprint(__name__)

VIEWER_DIR = Path(__file__).resolve().parent / "docs_viewer"
VIEWER_FILE = "redoc.standalone.js"
VIEWER_MARKER = ".integrity"                # written last by the fetch: its presence means complete
VIEWER_CACHE = "public, max-age=86400"
SPEC_CACHE = "public, max-age=300"
# Only our own script runs; Redoc styles inline (styled-components) and searches in a blob: worker.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "font-src 'self' data:; connect-src 'self'; worker-src blob:; base-uri 'none'; form-action 'none'; "
       "frame-ancestors 'none'")
PAGE = """<!DOCTYPE html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Lampung In API — referensi / reference</title>
</head>
<body>
<noscript>Halaman ini memerlukan JavaScript. Deskripsi API: <a href="openapi.json">openapi.json</a>.
This page needs JavaScript. The API description: <a href="openapi.json">openapi.json</a>.</noscript>
<redoc spec-url="openapi.json" expand-responses="200,201" required-props-first="true"
       json-sample-expand-level="2" hide-hostname="true"></redoc>
<script src="docs/redoc.standalone.js"></script>
</body>
</html>
"""
_kept: dict[str, str] = {}


@api.route("/openapi.json", methods=["GET"])
@endpoint(api, auth=False)
def openapi_json(call):
    if "spec" not in _kept:
        from .openapi import document  # lazy: the spec's schemas are built on its first request, not on a cold start
        _kept["spec"] = json.dumps(document(), ensure_ascii=False)
    return Response(body=_kept["spec"], status_code=200,
                    headers={"Content-Type": "application/json; charset=utf-8", "Cache-Control": SPEC_CACHE})


@api.route("/docs", methods=["GET"])
@endpoint(api, auth=False)
def docs(call):
    viewer_script()                                    # 404 rather than a page that could not work
    return Response(body=PAGE, status_code=200, headers={
        "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": CSP,
        "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "Cache-Control": SPEC_CACHE})


@api.route(f"/docs/{VIEWER_FILE}", methods=["GET"])
@endpoint(api, auth=False)
def docs_viewer(call):
    return Response(body=viewer_script(), status_code=200, headers={
        "Content-Type": "application/javascript; charset=utf-8", "X-Content-Type-Options": "nosniff",
        "Cache-Control": VIEWER_CACHE})


def viewer_installed(directory: Path | None = None) -> bool:
    where = directory or VIEWER_DIR
    return (where / VIEWER_MARKER).is_file() and (where / VIEWER_FILE).is_file()


def viewer_script() -> str:
    """The viewer's JavaScript, read once; ApiError 404 while it has not been fetched."""
    key = str(VIEWER_DIR)
    if key not in _kept:
        if not viewer_installed():
            raise ApiError(404, "docs_viewer_missing")
        _kept[key] = (VIEWER_DIR / VIEWER_FILE).read_text(encoding="utf-8")
    return _kept[key]
