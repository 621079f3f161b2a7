"""Deploys the web console: `web/dist/` (`make web`) into the stage's console bucket, with its
`config.json` written from the stack's outputs, then CloudFront told to forget the two files it
must never serve stale (docs/deploy.md, "The web console").

    python -m lampungin.deploy.web --stage dev [--stack lampungin-dev-infra] [--api-url URL]
    make deploy-web STAGE=dev

* Each file gets its Content-Type and its Cache-Control: `assets/*` (content-hashed names, a new
  build never changes one) a year and `immutable`; `index.html`, `config.json` and the rest
  `no-cache` (the browser revalidates every time; the distribution does not cache them either).
* Idempotent: an object whose MD5 (its ETag: one-part uploads, SSE-S3), Content-Type and
  Cache-Control already match is not uploaded again; nothing uploaded, nothing invalidated.
* The assets go first and `index.html` last, so no visitor gets a page whose scripts are not there
  yet; the assets of earlier builds stay (an open tab may still load them; old versions expire).
* `config.json`: the API's URL (`--api-url`; else path (b)'s stack output `EndpointURL`; else path
  (a)'s deployed state in the stage's bucket), the hosted UI's domain, the app client's id and the
  console's own URL as redirect (web/src/config.ts reads it).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import mimetypes
import sys
from pathlib import Path

from . import conventions, state
from .chalice_deploy import DeployError, default_stack, deployed_rest_api, stack_outputs
from .resources import OAUTH_SCOPES

DIST = conventions.ROOT / "web" / "dist"
CONFIG_KEY = "config.json"
ALWAYS_FRESH = ("/index.html", "/config.json", "/")
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
         ".css": "text/css; charset=utf-8", ".json": "application/json", ".map": "application/json",
         ".svg": "image/svg+xml", ".png": "image/png", ".ico": "image/x-icon", ".webp": "image/webp",
         ".woff2": "font/woff2", ".txt": "text/plain; charset=utf-8", ".webmanifest": "application/manifest+json"}
NEEDED_OUTPUTS = ("ConsoleBucketName", "ConsoleDistributionId", "ConsoleUrl", "AuthDomain", "UserPoolClientId")

MESSAGES = {
    "no_dist": ("{path} tidak ada: jalankan `make web` dulu", "{path} is missing: run `make web` first"),
    "no_outputs": ("stack {stack} tidak punya keluaran {names}: perbarui stack dengan templat terbaru dulu",
                   "stack {stack} has no outputs {names}: update the stack with the current template first"),
    "no_api": ("URL API tidak diketahui: beri --api-url, atau pasang API-nya dulu ({why})",
               "the API's URL is unknown: give --api-url, or deploy the API first ({why})"),
    "bad_api": ("--api-url harus URL https://, bukan {url!r}", "--api-url must be an https:// URL, not {url!r}"),
    "tool": ("pasang konsol web (web/dist) ke bucket tahapnya di belakang CloudFront",
             "deploy the web console (web/dist) to its stage's bucket behind CloudFront"),
    "stage": ("tahapnya", "the stage"),
    "stack": ("stack yang memuat konsol (bawaan lampungin-<tahap>-infra; jalur (b): stack aplikasinya)",
              "the stack with the console (default lampungin-<stage>-infra; path (b): the app's stack)"),
    "region": ("wilayah AWS (bawaan: konfigurasi AWS Anda)", "AWS region (default: your AWS configuration)"),
    "api-url": ("URL API (bawaan: dari stack atau keadaan terpasang)",
                "the API's URL (default: from the stack or the deployed state)"),
    "dist": ("folder hasil build (bawaan web/dist)", "the built folder (default web/dist)"),
    "map-tiles": ("sumber ubin peta {z}/{x}/{y} (https://…); kosong: tanpa peta",
                  "map tile source {z}/{x}/{y} (https://…); empty: no map"),
    "map-attribution": ("atribusi ubin peta", "the map tiles' attribution"),
}


class WebDeployError(Exception):
    """A console deploy problem, its message already in the reader's language."""


def say(code: str, **params) -> str:
    return MESSAGES[code][0 if state.language() == "id" else 1].format(**params)


def content_type(key: str) -> str:
    suffix = Path(key).suffix.lower()
    return TYPES.get(suffix) or mimetypes.guess_type(key)[0] or "application/octet-stream"


def cache_control(key: str) -> str:
    return IMMUTABLE if key.startswith("assets/") else REVALIDATE


def console_config(outputs: dict, api_url: str, map_tiles: str = "", attribution: str = "") -> dict:
    """What web/src/config.ts reads: the API, the map tiles and the hosted UI sign-in."""
    return {"api_base": api_url.rstrip("/"),
            "map_tiles": {"url": map_tiles, "attribution": attribution} if map_tiles else None,
            "sign_in": {"kind": "cognito", "domain": outputs["AuthDomain"].rstrip("/"),
                        "client_id": outputs["UserPoolClientId"],
                        "redirect_uri": outputs["ConsoleUrl"].rstrip("/") + "/", "scopes": list(OAUTH_SCOPES)}}


def files_of(dist: Path, config: dict) -> dict[str, bytes]:
    """Every file to serve by its key: the build (but a config.json of its own) and config.json."""
    if not (dist / "index.html").is_file():
        raise WebDeployError(say("no_dist", path=dist / "index.html"))
    out = {p.relative_to(dist).as_posix(): p.read_bytes() for p in sorted(dist.rglob("*")) if p.is_file()}
    out[CONFIG_KEY] = (json.dumps(config, indent=1, ensure_ascii=False, sort_keys=True) + "\n").encode()
    return out


def upload_order(keys) -> list[str]:
    """The assets first, index.html last."""
    return sorted(keys, key=lambda k: (k == "index.html", not k.startswith("assets/"), k))


def _current(s3, bucket: str, key: str) -> tuple[str, str, str] | None:
    try:
        head = s3.head_object(Bucket=bucket, Key=key)
    except s3.exceptions.ClientError:
        return None
    return head["ETag"].strip('"'), head.get("ContentType", ""), head.get("CacheControl", "")


def sync(s3, bucket: str, files: dict[str, bytes]) -> list[str]:
    """Uploads what differs; returns the keys uploaded, in order."""
    listed = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        listed.update({o["Key"]: o["ETag"].strip('"') for o in page.get("Contents", [])})
    uploaded = []
    for key in upload_order(files):
        body = files[key]
        wanted = (hashlib.md5(body, usedforsecurity=False).hexdigest(), content_type(key), cache_control(key))
        if listed.get(key) == wanted[0] and _current(s3, bucket, key) == wanted:
            continue
        s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType=wanted[1], CacheControl=wanted[2])
        uploaded.append(key)
    return uploaded


def invalidate(cloudfront, distribution: str, uploaded: list[str]) -> str | None:
    """CloudFront forgets index.html and config.json (and `/`) when either changed. The caller
    reference is the content's, so a retried run does not ask twice."""
    if not {"index.html", CONFIG_KEY} & set(uploaded):
        return None
    reference = "deploy-web-" + hashlib.sha256("\n".join(sorted(uploaded)).encode()).hexdigest()[:32]
    batch = {"Paths": {"Quantity": len(ALWAYS_FRESH), "Items": list(ALWAYS_FRESH)}, "CallerReference": reference}
    return cloudfront.create_invalidation(DistributionId=distribution, InvalidationBatch=batch)["Invalidation"]["Id"]


def api_url_of(session, outputs: dict, stack: str, stage: str, given: str | None) -> str:
    if given:
        if not given.startswith("https://"):
            raise WebDeployError(say("bad_api", url=given))
        return given
    if outputs.get("EndpointURL"):              # path (b): Chalice's own output
        return outputs["EndpointURL"]
    try:
        store, _ = state.from_outputs(session, outputs, stack, stage)
        return deployed_rest_api(stage, conventions.ROOT, store.document() or {})["rest_api_url"]
    except (DeployError, state.StateError, KeyError) as exc:
        raise WebDeployError(say("no_api", why=exc)) from None


def deploy_web(session, stage: str, stack: str, *, dist: Path = DIST, api_url: str | None = None,
               map_tiles: str = "", attribution: str = "") -> dict:
    outputs, _ = stack_outputs(session, stack)
    missing = [n for n in NEEDED_OUTPUTS if not outputs.get(n)]
    if missing:
        raise WebDeployError(say("no_outputs", stack=stack, names=", ".join(missing)))
    config = console_config(outputs, api_url_of(session, outputs, stack, stage, api_url), map_tiles, attribution)
    files = files_of(dist, config)
    uploaded = sync(session.client("s3"), outputs["ConsoleBucketName"], files)
    invalidation = invalidate(session.client("cloudfront"), outputs["ConsoleDistributionId"], uploaded)
    return {"stage": stage, "url": outputs["ConsoleUrl"], "bucket": outputs["ConsoleBucketName"],
            "uploaded": uploaded, "unchanged": len(files) - len(uploaded), "invalidation": invalidation,
            "config": config}


def build_parser() -> argparse.ArgumentParser:
    # lazy: the rules toolchain's one-language argparse (its words and argparse's own)
    from lampungin.rules.cli_words import RulesParser
    lang = state.language()

    def words(key: str) -> str:
        return MESSAGES[key][0 if lang == "id" else 1]

    parser = RulesParser(prog="python -m lampungin.deploy.web", description=words("tool"), lang=lang)
    parser.add_argument("--stage", required=True, choices=conventions.STAGES, help=words("stage"))
    parser.add_argument("--stack", help=words("stack"))
    parser.add_argument("--region", metavar="WILAYAH" if lang == "id" else "REGION", help=words("region"))
    parser.add_argument("--api-url", help=words("api-url"))
    parser.add_argument("--dist", metavar="FOLDER", default=str(DIST), help=words("dist"))
    parser.add_argument("--map-tiles", default="", help=words("map-tiles").replace("%", "%%"))
    parser.add_argument("--map-attribution", default="", help=words("map-attribution"))
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    import boto3  # lazy: `--help` needs no AWS SDK
    try:
        result = deploy_web(boto3.session.Session(region_name=args.region), args.stage,
                            args.stack or default_stack(args.stage), dist=Path(args.dist), api_url=args.api_url,
                            map_tiles=args.map_tiles, attribution=args.map_attribution)
    except (WebDeployError, DeployError, state.StateError) as exc:
        print(f"deploy-web: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
