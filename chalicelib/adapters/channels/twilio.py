"""SMS and WhatsApp through Twilio's Messages API, spoken with urllib alone.

The twilio SDK pulls in requests, aiohttp-style helpers and hundreds of generated modules: too
much import time for a Lambda cold start, for one POST. The same class serves both channels;
WhatsApp differs only in the `whatsapp:` prefix Twilio wants on both numbers.
"""
from __future__ import annotations

import base64
import json
import re
import urllib.parse
from typing import Any, Literal

from chalicelib.services.ports import DeliveryFailed, OutgoingMessage

MAX_BODY = 1600                 # Twilio refuses longer bodies (error 21617), in UTF-16 code units
ELLIPSIS = "…"
_SERVICE_SID = re.compile(r"MG[0-9a-f]{32}", re.ASCII)
_NUMBER = re.compile(r"\+?[0-9][0-9 ()-]{5,}[0-9]", re.ASCII)


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def fit(text: str, limit: int = MAX_BODY) -> str:
    """`text` cut to `limit` UTF-16 units (Twilio's unit; an emoji counts two), ending in an
    ellipsis when cut. Never splits a character."""
    if utf16_units(text) <= limit:
        return text
    budget = limit - utf16_units(ELLIPSIS)
    out, used = [], 0
    for char in text:
        used += utf16_units(char)
        if used > budget:
            break
        out.append(char)
    return "".join(out).rstrip() + ELLIPSIS


def text_of(message: OutgoingMessage) -> str:
    """A text message has no subject line: the title leads the body."""
    title, body = message.title.strip(), message.body.strip()
    return f"{title}\n{body}" if title and body else title or body


class TwilioMessages:
    """`POST {base_url}/2010-04-01/Accounts/{sid}/Messages.json`; returns the message `sid`.

    `sender` is a number in E.164 or a Messaging Service SID (`MG…`, sent as MessagingServiceSid,
    Twilio then picks the number). Failures: 429, 5xx and network errors are retryable; any other
    4xx (21211 invalid To, 21610 unsubscribed, 20003 bad credentials) is not.
    """

    def __init__(self, channel: Literal["sms", "whatsapp"], account_sid: str, auth_token: str,
                 sender: str, base_url: str = "https://api.twilio.com", timeout: float = 5.0) -> None:
        if channel not in ("sms", "whatsapp"):
            raise ValueError(f"unknown Twilio channel {channel!r}")
        scheme = urllib.parse.urlsplit(base_url).scheme
        if scheme not in ("https", "http"):       # http only for the local fake on loopback
            raise ValueError("the Twilio base URL must be http(s)")
        self.name: str = channel
        self._sender = sender
        self._timeout = timeout
        self._url = (f"{base_url.rstrip('/')}/2010-04-01/Accounts/"
                     f"{urllib.parse.quote(account_sid, safe='')}/Messages.json")
        basic = base64.b64encode(f"{account_sid}:{auth_token}".encode()).decode("ascii")
        self._secrets = [secret for secret in (auth_token, basic) if secret]
        self._headers = {"Authorization": f"Basic {basic}", "Accept": "application/json",
                         "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
                         "User-Agent": "lampungin-notify/1"}

    def _address(self, number: str) -> str:
        number = number.strip()
        if self.name == "whatsapp" and not number.startswith("whatsapp:"):
            return f"whatsapp:{number}"
        return number

    def form(self, to: str, message: OutgoingMessage) -> dict[str, str]:
        fields = {"To": self._address(to), "Body": fit(text_of(message))}
        if _SERVICE_SID.fullmatch(self._sender):
            fields["MessagingServiceSid"] = self._sender
        else:
            fields["From"] = self._address(self._sender)
        return fields

    def send(self, to: str, message: OutgoingMessage) -> str | None:
        # lazy: urllib.request brings http.client, ssl and email (~15 ms); only a sender pays that
        # cold start, not the stream handler that builds the channels for their names
        import urllib.error
        import urllib.request

        data = urllib.parse.urlencode(self.form(to, message)).encode("utf-8")
        # the scheme is checked to be http(s) in __init__ (S310 guards against file: and custom ones)
        request = urllib.request.Request(self._url, data=data, headers=self._headers, method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as response:  # noqa: S310
                answer = json.loads(response.read().decode("utf-8"))
            return str(answer["sid"])
        except urllib.error.HTTPError as error:
            raise self._refused(error) from None
        except (urllib.error.URLError, OSError) as error:   # refused, reset, timed out, DNS
            raise DeliveryFailed(self._clean(f"twilio {self.name}: network: {error}")) from None
        except Exception as error:                            # a reply that is not Twilio's JSON
            raise DeliveryFailed(self._clean(f"twilio {self.name}: bad reply: "
                                             f"{type(error).__name__}")) from None

    def _refused(self, error: Any) -> DeliveryFailed:
        """An HTTPError: Twilio's JSON error says the code; the status says whether to retry."""
        status = error.code
        try:
            detail = json.loads(error.read().decode("utf-8", "replace"))
        except Exception:
            detail = {}
        finally:
            error.close()
        detail = detail if isinstance(detail, dict) else {}
        code = detail.get("code", "?")
        text = _NUMBER.sub("<number>", str(detail.get("message", "")))[:300]
        return DeliveryFailed(self._clean(f"twilio {self.name}: HTTP {status}, code {code}: {text}"),
                              retryable=status == 429 or status >= 500)

    def _clean(self, text: str) -> str:
        """Whatever a server or a proxy echoes, the auth token never reaches a log."""
        for secret in self._secrets:
            text = text.replace(secret, "<token>")
        return text
