"""The attachments bucket on S3 (services/attachments.FileStore), and how its uploads reach the
processor.

Presigned POST, not PUT: a POST policy can say what S3 must refuse — this key exactly, this
Content-Type exactly, exactly the declared number of bytes (content-length-range [n, n]) — and
expires after 15 minutes; a presigned PUT binds none of the body. Downloads are presigned GETs of
the sanitised copy for 5 minutes, with the served type and a Content-Disposition S3 answers
with. SigV4 always (ap-southeast-3 accepts nothing else). The endpoint comes from the
environment (AWS_ENDPOINT_URL: moto's server under `make run`, whose URL a local frontend reaches).

Uploads reach the processor as EventBridge "Object Created" events (the bucket sends its events
to EventBridge; Chalice's @app.on_cw_event subscribes the Lambda). Not @app.on_s3_event: `chalice
package` refuses to package it, and path (b) of docs/deploy.md is `chalice package`.
"""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote, unquote_plus

from ..domain.attachments import UPLOADS

OBJECT_CREATED = "Object Created"


def upload_event_pattern(table_prefix: str) -> dict:
    """The EventBridge pattern of objects created under uploads/ in this stage's bucket (named
    `<prefix>attachments…`: lampungin-<stage>-attachments-<account>-<region> when deployed)."""
    return {"source": ["aws.s3"], "detail-type": [OBJECT_CREATED],
            "detail": {"bucket": {"name": [{"prefix": f"{table_prefix}attachments"}]},
                       "object": {"key": [{"prefix": UPLOADS}]}}}


def created_objects(event: dict) -> list[tuple[str, str]]:
    """(bucket, key) of each object an event says was created: EventBridge's shape (what the
    bucket sends in production, and the local stack's poller) or S3's own notification shape
    (`Records`, keys URL-encoded)."""
    if isinstance(event.get("Records"), list):
        return [(r["s3"]["bucket"]["name"], unquote_plus(r["s3"]["object"]["key"]))
                for r in event["Records"] if str(r.get("eventName", "")).startswith("ObjectCreated")]
    detail = event.get("detail") or {}
    if event.get("detail-type") == OBJECT_CREATED and "bucket" in detail and "object" in detail:
        return [(detail["bucket"]["name"], detail["object"]["key"])]
    return []


def _disposition(filename: str, inline: bool) -> str:
    ascii_name = "".join(c if c.isascii() and c.isprintable() and c not in '"\\;' else "_" for c in filename)
    return f"{'inline' if inline else 'attachment'}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


class S3Files:
    def __init__(self, bucket: str, region: str, client=None):
        if client is None:
            # lazy: boto3 is ~145 ms of cold start, paid only by a Lambda that touches the bucket
            import boto3
            from botocore.config import Config
            # virtual-hosted: the regional https://<bucket>.s3.<region>.amazonaws.com (with only
            # "s3v4" botocore signs for the global endpoint, which an opt-in region's bucket
            # redirects); an IP endpoint (moto under `make run`) gets path style all the same
            client = boto3.client("s3", region_name=region, config=Config(
                signature_version="s3v4", s3={"addressing_style": "virtual"}, retries={"mode": "standard"}))
        self.bucket, self._s3 = bucket, client

    def upload_form(self, key: str, content_type: str, size: int, ttl: timedelta) -> dict:
        post = self._s3.generate_presigned_post(
            self.bucket, key, Fields={"Content-Type": content_type},
            Conditions=[{"Content-Type": content_type}, ["content-length-range", size, size]],
            ExpiresIn=int(ttl.total_seconds()))
        return {"url": post["url"], "fields": post["fields"]}

    def download_url(self, key: str, ttl: timedelta, *, filename: str, content_type: str) -> str:
        return self._s3.generate_presigned_url("get_object", ExpiresIn=int(ttl.total_seconds()), Params={
            "Bucket": self.bucket, "Key": key, "ResponseContentType": content_type,
            "ResponseContentDisposition": _disposition(filename, inline=content_type.startswith("image/")),
            "ResponseCacheControl": "private, max-age=300"})

    def size(self, key: str) -> int | None:
        try:
            return int(self._s3.head_object(Bucket=self.bucket, Key=key)["ContentLength"])
        except self._s3.exceptions.ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise

    def read(self, key: str, limit: int) -> bytes | None:
        try:
            body = self._s3.get_object(Bucket=self.bucket, Key=key, Range=f"bytes=0-{limit}")["Body"]
        except self._s3.exceptions.NoSuchKey:
            return None
        with body:
            return body.read(limit + 1)

    def put(self, key: str, body: bytes, content_type: str) -> None:
        self._s3.put_object(Bucket=self.bucket, Key=key, Body=body, ContentType=content_type,
                            CacheControl="private, max-age=300")

    def delete(self, key: str) -> None:
        self._s3.delete_object(Bucket=self.bucket, Key=key)

    def keys(self, prefix: str = UPLOADS) -> list[dict]:
        """Every object under `prefix` (Key, Size, ETag): the local stack's stand-in for events."""
        pages = self._s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix)
        return [obj for page in pages for obj in page.get("Contents", [])]
