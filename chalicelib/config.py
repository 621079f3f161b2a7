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
    # Request throttling per warm Lambda (api/throttle.py), requests a second and burst; a rate or
    # burst of 0 turns that throttle off. API Gateway's stage throttling (infra/) is the real limit.
    throttle_token_rate: float      # per bearer token
    throttle_token_burst: int
    throttle_ip_rate: float         # per source IP (a school or an office shares one)
    throttle_ip_burst: int
    throttle_max_keys: int          # buckets kept of each kind (least recently used go first)
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
        throttle_token_rate=max(0.0, float(env.get("THROTTLE_TOKEN_RATE", "10"))),
        throttle_token_burst=max(0, int(env.get("THROTTLE_TOKEN_BURST", "30"))),
        throttle_ip_rate=max(0.0, float(env.get("THROTTLE_IP_RATE", "50"))),
        throttle_ip_burst=max(0, int(env.get("THROTTLE_IP_BURST", "100"))),
        throttle_max_keys=max(1, int(env.get("THROTTLE_MAX_KEYS", "10000"))),
        notify_topic_arn=env.get("NOTIFY_TOPIC_ARN") or None,
        outbox_path=env.get("OUTBOX_PATH") or None,
    )


@lru_cache(maxsize=1)
def settings() -> Settings:
    return from_env()
