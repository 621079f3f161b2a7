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
    outbox_path: str | None         # local: JSON-lines file of every delivery (`lampungin outbox`)
    # Notifications (services/notifications.py, services/delivery.py, adapters/channels/)
    email_sender: str               # From: of notification e-mails (an SES-verified identity)
    ses_configuration_set: str | None
    smtp_host: str | None           # local: e-mail goes to this SMTP sink instead of SES
    smtp_port: int
    twilio_account_sid: str | None  # SMS and WhatsApp: Twilio's Messages API
    twilio_auth_token: str | None
    twilio_base_url: str            # https://api.twilio.com, or the local fake
    twilio_sms_from: str | None     # the sender number (E.164) or messaging service
    twilio_whatsapp_from: str | None
    push_platform_arn: str | None   # SNS platform application of the mobile app (push)
    people_kms_key: str | None      # KMS key that encrypts preferences' personal fields
    user_pool_id: str | None        # production staff directory: the Cognito user pool
    staff_directory_path: str | None   # local staff directory (a JSON file under .local/)
    delivery_retry_seconds: float   # first backoff of a failed delivery (then ×2 per attempt)
    attachments_bucket: str | None  # evidence files (S3); unset: this stage keeps none
    # Shadow mode (services/shadow.py): a second compiled rules bundle evaluated beside the active
    # one by the stream and the sweep, its "would have sanctioned" decisions recorded, never acted
    # on. A path relative to chalicelib/rules/ (what `chalice package` ships) or absolute; unset: off.
    shadow_rules: str | None
    # Intake (domain/claims.py): the key of the one-time codes a person filed for at a desk claims
    # their complaint with. Unset: no code is sent and claiming is refused (409 claim_unavailable).
    claim_code_secret: str | None
    # SP4N-LAPOR! exchange (docs/lapor.md): the interface's base URL and bearer token; without a
    # URL there is no exchange (nothing is pulled, no `lapor` delivery channel)
    lapor_base_url: str | None = None
    lapor_token: str | None = None

    def table_name(self, short: str) -> str:
        return f"{self.table_prefix}{short}"

    def queue_name(self, channel: str) -> str:
        """The delivery queue of one channel (its dead-letter queue adds `-dlq`)."""
        return f"{self.table_prefix}notify-{channel}"


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
        email_sender=env.get("EMAIL_SENDER") or "Lampung In <noreply@lampungin.lampungprov.go.id>",
        ses_configuration_set=env.get("SES_CONFIGURATION_SET") or None,
        smtp_host=env.get("SMTP_HOST") or None,
        smtp_port=_port(env.get("SMTP_PORT"), 25),
        twilio_account_sid=env.get("TWILIO_ACCOUNT_SID") or None,
        twilio_auth_token=env.get("TWILIO_AUTH_TOKEN") or None,
        twilio_base_url=env.get("TWILIO_BASE_URL") or "https://api.twilio.com",
        twilio_sms_from=env.get("TWILIO_SMS_FROM") or None,
        twilio_whatsapp_from=env.get("TWILIO_WHATSAPP_FROM") or None,
        push_platform_arn=env.get("PUSH_PLATFORM_APPLICATION_ARN") or None,
        people_kms_key=env.get("PEOPLE_KMS_KEY") or None,
        user_pool_id=env.get("USER_POOL_ID") or None,
        staff_directory_path=env.get("STAFF_DIRECTORY_PATH") or None,
        delivery_retry_seconds=_seconds(env.get("DELIVERY_RETRY_SECONDS"), 30.0),
        attachments_bucket=env.get("ATTACHMENTS_BUCKET") or None,
        shadow_rules=env.get("SHADOW_RULES") or None,
        claim_code_secret=env.get("CLAIM_CODE_SECRET") or None,
        lapor_base_url=env.get("LAPOR_BASE_URL") or None,
        lapor_token=env.get("LAPOR_TOKEN") or None,
    )


def _seconds(text: str | None, default: float) -> float:
    try:
        value = float(text) if text else default
    except ValueError:
        return default
    return value if 0 <= value <= 3600 else default


def _port(text: str | None, default: int) -> int:
    return int(text) if text and text.isascii() and text.isdigit() and 0 < int(text) < 65536 else default


@lru_cache(maxsize=1)
def settings() -> Settings:
    return from_env()
