"""Local stand-ins for the delivery providers, for `lampungin dev` and the tests (never shipped).

* SmtpSink: an SMTP server (aiosmtpd) on loopback that keeps every message it is sent, as an
  `.eml` file a mail client opens and as parsed fields for tests.
* FakeTwilio: Twilio's Messages endpoint on loopback, with Twilio's status codes, error codes and
  reply shape, so chalicelib/adapters/channels/twilio.py runs unchanged against it.

Both bind to 127.0.0.1 on a port the kernel picks (no collisions between parallel stacks) and
answer from threads, so several delivery workers may send at once.
"""
from __future__ import annotations

import asyncio
import base64
import binascii
import hmac
import json
import re
import secrets
import socket
import threading
from datetime import datetime, timezone
from email import policy
from email.parser import BytesParser
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from aiosmtpd.controller import Controller

from .loopback import LOOPBACK, LoopbackServer


# --- e-mail ---------------------------------------------------------------------------------------
class _LoopbackController(Controller):
    """aiosmtpd's Controller, bound to a port the kernel picks: it cannot take port 0 itself
    (it connects to `self.port` to check the server is up), so the socket is bound here first."""

    def _create_server(self):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind((LOOPBACK, 0))
        self.port = sock.getsockname()[1]
        return self.loop.create_server(self._factory_invoker, sock=sock, ssl=self.ssl_context)


class SmtpSink:
    """`start()` -> (host, port); every message is written to `directory/NNNNN.eml` and kept
    parsed (`messages()`). Accepts any sender and recipient: it is a sink, not a relay."""

    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)
        self._lock = threading.Lock()
        self._messages: list[dict[str, Any]] = []
        self._controller: _LoopbackController | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:   # aiosmtpd's hook name
        raw = envelope.original_content or envelope.content
        mail = BytesParser(policy=policy.default).parsebytes(raw)
        text = mail.get_body(preferencelist=("plain",))
        with self._lock:
            path = self.directory / f"{len(self._messages) + 1:05d}.eml"
            path.write_bytes(raw)
            self._messages.append({
                "to": list(envelope.rcpt_tos), "from": envelope.mail_from,
                "header_to": str(mail["To"] or ""), "header_from": str(mail["From"] or ""),
                "subject": str(mail["Subject"] or ""),
                "body": text.get_content() if text is not None else "",
                "message_id": str(mail["Message-ID"] or ""),
                "language": str(mail["Content-Language"] or ""), "path": str(path)})
        return "250 Message accepted for delivery"

    def start(self) -> tuple[str, int]:
        self.directory.mkdir(parents=True, exist_ok=True)
        self._controller = _LoopbackController(self, hostname=LOOPBACK, enable_SMTPUTF8=True,
                                               loop=asyncio.new_event_loop())
        self._controller.start()
        return LOOPBACK, self._controller.port

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def messages(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(m) for m in self._messages]


# --- Twilio ---------------------------------------------------------------------------------------
API = "/2010-04-01/Accounts/"
_CREATE = re.compile(r"/2010-04-01/Accounts/([^/]+)/Messages\.json")
_FETCH = re.compile(r"/2010-04-01/Accounts/([^/]+)/Messages/(SM[0-9a-f]{32})\.json")
_E164 = re.compile(r"\+[0-9]{8,15}", re.ASCII)
_SERVICE = re.compile(r"MG[0-9a-f]{32}", re.ASCII)
MAX_BODY = 1600


def twilio_error(status: int, code: int, message: str) -> dict[str, Any]:
    return {"code": code, "message": message, "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status}


def _segments(body: str) -> int:
    """Approximation of Twilio's count: ASCII as GSM-7 (160, or 153 when split), else UCS-2."""
    single, part = (160, 153) if body.isascii() else (70, 67)
    units = len(body.encode("utf-16-le")) // 2
    return 1 if units <= single else -(-units // part)


class FakeTwilio:
    """`start()` -> base URL for TwilioMessages. Messages to a number in `fail_numbers` (bare
    E.164, mutable at any time) get a 500, as when Twilio has an outage."""

    def __init__(self, directory: Path | str, account_sid: str, auth_token: str) -> None:
        self.directory = Path(directory)
        self.account_sid, self.auth_token = account_sid, auth_token
        self.fail_numbers: set[str] = set()
        self._lock = threading.Lock()
        self._messages: list[dict[str, Any]] = []
        self._server = LoopbackServer("fake-twilio")

    def start(self) -> str:
        self.directory.mkdir(parents=True, exist_ok=True)
        fake = self

        class Handler(_TwilioHandler):
            twilio = fake

        return self._server.start(Handler)

    def stop(self) -> None:
        self._server.stop()

    def messages(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(m) for m in self._messages]

    def authorized(self, header: str | None) -> bool:
        scheme, _, value = (header or "").partition(" ")
        try:
            given = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            return False
        expected = f"{self.account_sid}:{self.auth_token}".encode()
        return scheme.lower() == "basic" and hmac.compare_digest(given, expected)

    def create(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """Twilio's checks in Twilio's order, then the 201 reply; the accepted message is kept."""
        to, sender, service = form.get("To", ""), form.get("From", ""), form.get("MessagingServiceSid", "")
        body = form.get("Body", "")
        if not to:
            return 400, twilio_error(400, 21604, "A 'To' phone number is required.")
        if not sender and not service:
            return 400, twilio_error(400, 21603, "A 'From' phone number is required.")
        if not body:
            return 400, twilio_error(400, 21602, "Message body is required.")
        if len(body.encode("utf-16-le")) // 2 > MAX_BODY:
            return 400, twilio_error(400, 21617, "The concatenated message body exceeds the 1600 character limit.")
        whatsapp = to.startswith("whatsapp:")
        if not _E164.fullmatch(to.removeprefix("whatsapp:")):
            return 400, twilio_error(400, 21211, f"Invalid 'To' Phone Number: {to}")
        if service and not _SERVICE.fullmatch(service):
            return 400, twilio_error(400, 21701, f"The Messaging Service Sid {service} is invalid.")
        if sender and not _E164.fullmatch(sender.removeprefix("whatsapp:")):
            return 400, twilio_error(400, 21212, f"Invalid From Number (caller ID): {sender}")
        if sender and sender.startswith("whatsapp:") != whatsapp:
            return 400, twilio_error(400, 21910, "Invalid From and To pair. From and To should be of the same channel")
        if to.removeprefix("whatsapp:") in self.fail_numbers:
            return 500, twilio_error(500, 20500, "An internal server error has occurred")
        sid, now = "SM" + secrets.token_hex(16), format_datetime(datetime.now(timezone.utc))
        message = {
            "account_sid": self.account_sid, "api_version": "2010-04-01", "body": body,
            "date_created": now, "date_updated": now, "date_sent": None, "direction": "outbound-api",
            "error_code": None, "error_message": None, "from": sender or None,
            "messaging_service_sid": service or None, "num_media": "0", "num_segments": str(_segments(body)),
            "price": None, "price_unit": "USD", "sid": sid, "status": "queued", "to": to,
            "uri": f"{API}{self.account_sid}/Messages/{sid}.json"}
        with self._lock:
            self._messages.append(message)
            with (self.directory / "messages.jsonl").open("a", encoding="utf-8") as out:
                out.write(json.dumps(message, ensure_ascii=False) + "\n")
        return 201, message

    def fetch(self, sid: str) -> tuple[int, dict[str, Any]]:
        with self._lock:
            found = next((m for m in self._messages if m["sid"] == sid), None)
        if found is None:
            return 404, twilio_error(404, 20404, f"The requested resource {API}{self.account_sid}/Messages/"
                                                 f"{sid}.json was not found")
        return 200, dict(found)


class _TwilioHandler(BaseHTTPRequestHandler):
    twilio: FakeTwilio
    server_version = "FakeTwilio/1"

    def log_message(self, format: str, *args: Any) -> None:     # quiet: tests and dev read the files
        pass

    def _answer(self, status: int, document: dict[str, Any]) -> None:
        data = json.dumps(document, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        if status == 401:
            self.send_header("WWW-Authenticate", 'Basic realm="Twilio API"')
        self.end_headers()
        self.wfile.write(data)

    def _route(self, method: str) -> None:
        path = self.path.partition("?")[0]
        create, fetch = _CREATE.fullmatch(path), _FETCH.fullmatch(path)
        match = create or fetch
        if match is None:
            return self._answer(404, twilio_error(404, 20404, f"The requested resource {path} was not found"))
        if not self.twilio.authorized(self.headers.get("Authorization")) or match.group(1) != self.twilio.account_sid:
            return self._answer(401, twilio_error(401, 20003, "Authenticate"))
        if fetch and method == "GET":
            return self._answer(*self.twilio.fetch(fetch.group(2)))
        if not (create and method == "POST"):
            return self._answer(405, twilio_error(405, 20004, "Method not allowed"))
        declared = self.headers.get("Content-Length") or "0"
        length = int(declared) if declared.isascii() and declared.isdigit() and len(declared) < 9 else -1
        if not 0 <= length <= 64 * 1024:
            return self._answer(413, twilio_error(413, 20400, "Request entity too large"))
        raw = parse_qs(self.rfile.read(length).decode("utf-8", "replace"), keep_blank_values=True)
        return self._answer(*self.twilio.create({key: values[0] for key, values in raw.items()}))

    def do_GET(self) -> None:   # http.server's hook names
        self._route("GET")

    def do_POST(self) -> None:
        self._route("POST")
