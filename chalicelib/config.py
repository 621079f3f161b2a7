"""One Settings object from the environment. Nothing else in the app reads os.environ."""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Settings:
    stage: str
    region: str
    table_prefix: str
    complaints_stream_arn: str
    auth_issuer: str | None
    auth_audience: str | None
    auth_jwks_url: str | None       # production: the Cognito user pool's JWKS
    auth_jwks_path: str | None      # local: the JWKS file `lampungin dev` writes
    log_level: str
    max_body_bytes: int
    cors_allow_origin: str          # the web frontend's origin ("*" when any may call)
    daily_complaint_limit: int      # complaints one citizen may file in 24 hours (429 beyond)
    notify_topic_arn: str | None    # SNS topic for sanctions and warnings (production)
    outbox_path: str | None         # local: JSON-lines file the outbox appends to

    def table_name(self, short: str) -> str:
        return f"{self.table_prefix}{short}"


def from_env(env=None) -> Settings:
    env = os.environ if env is None else env
    stage = env.get("STAGE", "local")
    return Settings(
        stage=stage,
        region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "ap-southeast-3",
        table_prefix=env.get("TABLE_PREFIX", f"lampungin-{stage}-"),
        complaints_stream_arn=env.get(
            "COMPLAINTS_STREAM_ARN",
            "arn:aws:dynamodb:ap-southeast-3:000000000000:table/lampungin-local-complaints/stream/local"),
        auth_issuer=env.get("AUTH_ISSUER") or None,
        auth_audience=env.get("AUTH_AUDIENCE") or None,
        auth_jwks_url=env.get("AUTH_JWKS_URL") or None,
        auth_jwks_path=env.get("AUTH_JWKS_PATH") or None,
        log_level=env.get("LOG_LEVEL", "INFO"),
        max_body_bytes=int(env.get("MAX_BODY_BYTES", str(64 * 1024))),
        cors_allow_origin=env.get("CORS_ALLOW_ORIGIN", "*"),
        daily_complaint_limit=min(100, max(1, int(env.get("DAILY_COMPLAINT_LIMIT", "20")))),
        notify_topic_arn=env.get("NOTIFY_TOPIC_ARN") or None,
        outbox_path=env.get("OUTBOX_PATH") or None,
    )


@lru_cache(maxsize=1)
def settings() -> Settings:
    return from_env()
