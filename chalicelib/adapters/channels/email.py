"""E-mail: Amazon SES (API v2) when deployed, plain SMTP for the local sink of `lampungin dev`.

Both take the same OutgoingMessage and answer the delivery worker in one vocabulary: a failure
that may pass (throttling, a quota that resets, a 5xx, a dropped connection) is retryable; one
that never will (a rejected message, a malformed address, a suspended account) is not, so the
queue sends it to the dead-letter queue at once instead of burning retries on it.
"""
from __future__ import annotations

import re
import threading
from typing import TYPE_CHECKING, Any

from chalicelib.services.ports import DeliveryFailed, OutgoingMessage

if TYPE_CHECKING:
    from email.message import EmailMessage

# SES v2 error codes that mean "try again later"; any other 4xx is permanent (MessageRejected,
# BadRequestException for a malformed address, AccountSuspended, SendingPaused, MailFrom...).
_SES_RETRYABLE = {"TooManyRequestsException", "LimitExceededException", "Throttling",
                  "ThrottlingException", "ServiceUnavailable", "InternalFailure",
                  "RequestTimeout", "ExpiredToken", "ExpiredTokenException"}
_TAG_VALUE = re.compile(r"[A-Za-z0-9_-]{1,256}", re.ASCII)
_ID_PART = re.compile(r"[A-Za-z0-9._-]{1,128}", re.ASCII)
_ADDRESS = re.compile(r"[^\s@<>()\[\],;:\"']+@[^\s@<>()\[\],;:\"']+")


def without_addresses(text: str) -> str:
    """Failure texts end up in logs and the dead-letter queue: no personal data in them."""
    return _ADDRESS.sub("<address>", text)


def subject_of(message: OutgoingMessage) -> str:
    """A header holds one line: a line break in a title would end the header (or be refused)."""
    return " ".join(message.title.split()) or "Lampung In"


def valid_address(to: str) -> bool:
    """Cheap local check, so an address no server would take fails without a network call.
    Takes `name <address>` too. (No email.utils: it and smtplib cost ~28 ms at a cold start.)"""
    address = to.rpartition("<")[2].partition(">")[0] if "<" in to else to.strip()
    local, at, domain = address.rpartition("@")
    return (bool(at and local and "." in domain.strip(".")) and " " not in address
            and not any(c in to for c in "\r\n"))


def message_id(notification_id: str) -> str:
    """Deterministic, so a redelivered notification carries the same Message-ID and receivers
    (and the sink) can drop the repeat. An id with characters a msg-id cannot hold is hashed."""
    if _ID_PART.fullmatch(notification_id):
        return f"<{notification_id}@lampungin>"
    import hashlib  # lazy: only for unusual ids (not a cold start cost worth paying up front)
    return f"<{hashlib.sha256(notification_id.encode()).hexdigest()[:32]}@lampungin>"


class SesEmail:
    """SES v2 `SendEmail` with Simple content (SES builds the MIME; UTF-8 subject and body)."""

    name = "email"

    def __init__(self, sender: str, region: str, configuration_set: str | None = None,
                 client: Any = None) -> None:
        self._sender = sender
        self._region = region
        self._configuration_set = configuration_set
        self._client = client
        self._lock = threading.Lock()

    def _ses(self) -> Any:
        """The client is made on first send and kept: boto3 costs ~145 ms to import."""
        with self._lock:
            if self._client is None:
                # lazy: boto3 and botocore are imported here, not at module level (cold start)
                import boto3
                from botocore.config import Config
                self._client = boto3.client("sesv2", region_name=self._region, config=Config(
                    connect_timeout=3, read_timeout=5, retries={"max_attempts": 2, "mode": "standard"}))
            return self._client

    def send(self, to: str, message: OutgoingMessage) -> str | None:
        if not valid_address(to):
            raise DeliveryFailed("email: malformed recipient address", retryable=False)
        request: dict[str, Any] = {
            "FromEmailAddress": self._sender,
            "Destination": {"ToAddresses": [to]},
            "Content": {"Simple": {
                "Subject": {"Data": subject_of(message), "Charset": "UTF-8"},
                "Body": {"Text": {"Data": message.body, "Charset": "UTF-8"}}}},
        }
        if self._configuration_set:
            request["ConfigurationSetName"] = self._configuration_set
            if _TAG_VALUE.fullmatch(message.notification_id):
                # the configuration set's bounce/complaint events then name the notification
                request["EmailTags"] = [{"Name": "notification_id", "Value": message.notification_id}]
        try:
            answer = self._ses().send_email(**request)
        except Exception as error:
            raise ses_failure(error) from error
        return answer.get("MessageId")


def ses_failure(error: Exception) -> DeliveryFailed:
    response = getattr(error, "response", None)
    if not isinstance(response, dict):      # BotoCoreError: connection, timeout, credentials
        return DeliveryFailed(f"email (SES): {type(error).__name__}: {error}", retryable=True)
    code = response.get("Error", {}).get("Code", "")
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
    retryable = code in _SES_RETRYABLE or status == 429 or status >= 500
    text = without_addresses(str(response.get("Error", {}).get("Message", "")))
    return DeliveryFailed(f"email (SES): {code or 'error'} (HTTP {status}): {text}", retryable=retryable)


class SmtpEmail:
    """Plain SMTP (no TLS, no login): the SMTP sink of the local stack, or a relay on a trusted
    network. One connection per message: notifications are few and the sink is on loopback."""

    name = "email"

    def __init__(self, host: str, port: int, sender: str, timeout: float = 10.0) -> None:
        self._host, self._port, self._sender, self._timeout = host, port, sender, timeout

    def compose(self, to: str, message: OutgoingMessage) -> EmailMessage:
        # lazy: the e-mail package and smtplib only where SMTP is used (never in Lambda: cold start)
        from email.message import EmailMessage
        from email.utils import formatdate
        mail = EmailMessage()        # policy "default": RFC 2047 headers, UTF-8 text body
        mail["From"] = self._sender
        mail["To"] = to
        mail["Subject"] = subject_of(message)
        mail["Date"] = formatdate(usegmt=True)
        mail["Message-ID"] = message_id(message.notification_id)
        mail["Auto-Submitted"] = "auto-generated"   # RFC 3834: no vacation auto-replies, please
        mail.set_content(message.body, charset="utf-8")
        mail["Content-Language"] = message.language  # after set_content, which drops Content-*
        return mail

    def send(self, to: str, message: OutgoingMessage) -> str | None:
        if not valid_address(to):
            raise DeliveryFailed("email: malformed recipient address", retryable=False)
        import smtplib  # lazy: see compose (cold start)
        try:
            mail = self.compose(to, message)
            with smtplib.SMTP(self._host, self._port, timeout=self._timeout) as smtp:
                smtp.send_message(mail)
        except Exception as error:
            raise smtp_failure(error) from error
        return str(mail["Message-ID"])


def smtp_failure(error: Exception) -> DeliveryFailed:
    """SMTP says it in the reply code: 4xx is transient, 5xx permanent. All recipients refused
    (SMTPRecipientsRefused) carries one code per recipient instead; there is one recipient."""
    code = getattr(error, "smtp_code", None)
    recipients = getattr(error, "recipients", None)
    if isinstance(recipients, dict):
        codes = [reply[0] for reply in recipients.values() if isinstance(reply, tuple) and reply]
        code = max(codes) if codes else None
    if isinstance(code, int):
        return DeliveryFailed(f"email (SMTP): {type(error).__name__}, reply {code}", retryable=code < 500)
    return DeliveryFailed(f"email (SMTP): {type(error).__name__}: {without_addresses(str(error))}",
                          retryable=True)
