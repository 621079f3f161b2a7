"""The notification side of the local stack: what production has in SQS, SES, Twilio, SNS push,
KMS and Cognito, stood in for on this machine so that `make run` delivers for real.

* each channel's delivery queue and dead-letter queue, on moto's SQS, polled into the app's own
  `deliver_<channel>` handlers (queues.py), as Lambda's SQS integration would;
* e-mail to a local SMTP sink (`mail/*.eml`), SMS and WhatsApp to a fake of Twilio's Messages
  API (`twilio/messages.jsonl`), push to an SNS platform application on moto (sinks.py);
* the staff directory as a seeded file (`staff.json`; `lampungin staff` edits it);
* every delivery noted in `outbox.jsonl` (`lampungin outbox` shows it).

`environment()` runs before `app` is imported (the app reads its settings at import).
"""
from __future__ import annotations

import functools
import logging
import secrets
from pathlib import Path

from chalicelib.domain.people import DELIVERY_CHANNELS as CHANNELS

from .queues import QueuePoller, provision_delivery_queues
from .sinks import FakeTwilio, SmtpSink

log = logging.getLogger("lampungin.dev.delivery")
TWILIO_SID = "AC" + "0" * 30 + "01"        # the local fake's account (not a real one)
SMS_FROM, WHATSAPP_FROM = "+6272100000001", "+6272100000002"   # the fake's sender numbers
LOCAL_RETRY_SECONDS = "5"                  # first backoff locally (production: 30 s)


def sqs_sources(app) -> list:
    return [s for s in getattr(app, "event_sources", []) if getattr(s, "queue", None)]


class LocalDelivery:
    def __init__(self, home: Path):
        self.home = home
        self.smtp: SmtpSink | None = None
        self.twilio: FakeTwilio | None = None

    def environment(self, settings, opds: dict[str, str]) -> dict[str, str]:
        """Provision and start the stand-ins; the variables that point the app at them."""
        import boto3  # lazy: the dev stack imports this module before moto is up

        logging.getLogger("mail.log").setLevel(logging.WARNING)     # aiosmtpd: a line per connection
        provision_delivery_queues(boto3.client("sqs"), settings, CHANNELS, visibility_seconds=10)
        self.smtp = SmtpSink(self.home / "mail")
        smtp_host, smtp_port = self.smtp.start()
        token = secrets.token_hex(16)
        self.twilio = FakeTwilio(self.home / "twilio", TWILIO_SID, token)
        twilio_url = self.twilio.start()
        push = boto3.client("sns").create_platform_application(
            Name=f"{settings.table_prefix}app", Platform="GCM",
            Attributes={"PlatformCredential": "local-fcm-server-key"})["PlatformApplicationArn"]
        staff_path = self.home / "staff.json"
        from chalicelib.adapters.staff_directory import seed_local_staff  # lazy: only the dev stack seeds
        seed_local_staff(staff_path, opds)
        return {"SMTP_HOST": smtp_host, "SMTP_PORT": str(smtp_port),
                "TWILIO_ACCOUNT_SID": TWILIO_SID, "TWILIO_AUTH_TOKEN": token, "TWILIO_BASE_URL": twilio_url,
                "TWILIO_SMS_FROM": SMS_FROM, "TWILIO_WHATSAPP_FROM": WHATSAPP_FROM,
                "PUSH_PLATFORM_APPLICATION_ARN": push, "STAFF_DIRECTORY_PATH": str(staff_path),
                "OUTBOX_PATH": str(self.home / "outbox.jsonl"), "DELIVERY_RETRY_SECONDS": LOCAL_RETRY_SECONDS,
                "EMAIL_SENDER": "Lampung In <noreply@lampungin.local>"}

    def pollers(self, app, invoke, region: str, on_stats) -> list[QueuePoller]:
        """One poller per `@app.on_sqs_message` handler (one per channel)."""
        import boto3  # lazy: as above

        sqs = boto3.client("sqs")
        out = []
        for source in sqs_sources(app):
            url = sqs.get_queue_url(QueueName=source.queue)["QueueUrl"]
            report = functools.partial(on_stats, f"queue:{source.name}")
            out.append(QueuePoller(sqs, url, invoke(source.name), region=region, on_stats=report))
        return out

    def stop(self) -> None:
        for server in (self.smtp, self.twilio):
            if server is not None:
                server.stop()
