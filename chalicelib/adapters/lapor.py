"""The SP4N-LAPOR! exchange over HTTP, against the interface docs/lapor.md documents (LAPOR!'s own
integration API is not public; a real connection implements this interface on LAPOR!'s side or in
a gateway). Spoken with urllib alone, as the Twilio channel is, for the Lambda's cold start.

* `LaporInbox.disposed(cursor)`: `GET {base}/v1/disposisi?setelah=<cursor>` → complaints disposed
  to the province, oldest first, and the cursor to go on from.
* `LaporChannel.send(tracking_id, message)`: the `lapor` delivery channel. A notification meant
  for a LAPOR! reporter becomes `POST {base}/v1/laporan/<tracking_id>/tindak-lanjut` with the
  notification id as `update_id` (LAPOR! keeps one update per id: a retried delivery is no
  second update), the status it means for LAPOR!, and the text the reporter would have read.
"""
from __future__ import annotations

import json
import re
import urllib.parse
from typing import Any

from chalicelib.services.ports import DeliveryFailed, LaporComplaint, LaporPage, OutgoingMessage

TRACKING_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,63}", re.ASCII)
TITLE, DESCRIPTION = (5, 200), (10, 5000)           # the API's own limits (api/schemas.NewComplaint)
# What each notification to a reporter means on LAPOR! (docs/lapor.md, statuses)
STATUS = {"citizen.submitted": "diterima", "citizen.claimed": "diproses", "citizen.assigned_to": "diproses",
          "citizen.disposed": "diproses", "citizen.transferred": "diproses", "citizen.handed_over": "diproses",
          "citizen.returned": "diproses", "citizen.reopened": "diproses",
          "citizen.info_requested": "menunggu_pelapor", "citizen.followed_up": "ditindaklanjuti",
          "citizen.approved": "selesai", "citizen.rejected": "ditolak", "citizen.forwarded": "diteruskan"}


class LaporHttp:
    def __init__(self, base_url: str, token: str | None, timeout: float = 5.0) -> None:
        if urllib.parse.urlsplit(base_url).scheme not in ("https", "http"):   # http: the local fake only
            raise ValueError("the LAPOR! base URL must be http(s)")
        self._base, self._timeout = base_url.rstrip("/"), timeout
        self._token = token or ""
        self._headers = {"Accept": "application/json", "User-Agent": "lampungin-lapor/1",
                         **({"Authorization": f"Bearer {token}"} if token else {})}

    def call(self, method: str, path: str, body: dict | None = None) -> Any:
        # lazy: urllib.request brings http.client and ssl; only the exchange pays for them
        import urllib.error
        import urllib.request

        data = json.dumps(body, ensure_ascii=False).encode("utf-8") if body is not None else None
        headers = {**self._headers, **({"Content-Type": "application/json"} if data is not None else {})}
        # the scheme is checked to be http(s) in __init__ (S310 guards against file: and custom ones)
        request = urllib.request.Request(self._base + path, data=data, headers=headers, method=method)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as response:  # noqa: S310
                raw = response.read()
        except urllib.error.HTTPError as error:
            status = error.code
            error.close()
            raise DeliveryFailed(f"LAPOR! {method} {path.split('?')[0]}: HTTP {status}",
                                 retryable=status == 429 or status >= 500) from None
        except (urllib.error.URLError, OSError) as error:
            raise DeliveryFailed(self._clean(f"LAPOR! {method}: network: {error}")) from None
        try:
            return json.loads(raw.decode("utf-8")) if raw else None
        except ValueError:
            raise DeliveryFailed(f"LAPOR! {method} {path.split('?')[0]}: a reply that is not JSON") from None

    def _clean(self, text: str) -> str:
        return text.replace(self._token, "<token>") if self._token else text


class LaporInbox:
    def __init__(self, http: LaporHttp) -> None:
        self._http = http

    def disposed(self, cursor: str | None) -> LaporPage:
        query = f"?{urllib.parse.urlencode({'setelah': cursor})}" if cursor else ""
        answer = self._http.call("GET", f"/v1/disposisi{query}")
        if not isinstance(answer, dict) or not isinstance(answer.get("items", []), list):
            raise DeliveryFailed("LAPOR! /v1/disposisi: not the documented shape")
        items, problems = [], []
        for raw in answer.get("items", []):
            item, problem = parse_item(raw)
            if item is not None:
                items.append(item)
            else:
                problems.append(problem)
        nxt = answer.get("next")
        return LaporPage(items, str(nxt) if isinstance(nxt, (str, int)) and str(nxt) else None, problems)


def parse_item(raw: Any) -> tuple[LaporComplaint | None, str]:
    """One `items[]` entry, or None and why (the same limits as the API: nothing is stored that a
    citizen could not have filed)."""
    if not isinstance(raw, dict):
        return None, "an item that is not an object"
    tracking = raw.get("tracking_id")
    if not isinstance(tracking, str) or not TRACKING_ID.fullmatch(tracking):
        return None, "tracking_id missing or not 1-64 letters, digits and dashes"
    title, description = raw.get("title"), raw.get("description")
    for field, text, (low, high) in (("title", title, TITLE), ("description", description, DESCRIPTION)):
        if not isinstance(text, str) or not low <= len(text.strip()) <= high:
            return None, f"{tracking}: {field} must be {low}-{high} characters"
    category, name = raw.get("category"), raw.get("reporter_name")
    return LaporComplaint(
        tracking_id=tracking, title=str(title).strip(), description=str(description).strip(),
        category=category if isinstance(category, str) else None,
        anonymous=raw.get("anonymous") is True,
        reporter_name=name.strip()[:200] if isinstance(name, str) and name.strip() else None), ""


class LaporChannel:
    """The `lapor` delivery channel (services/delivery.py): `to` is the LAPOR! tracking number."""

    name = "lapor"

    def __init__(self, http: LaporHttp) -> None:
        self._http = http

    def send(self, to: str, message: OutgoingMessage) -> str | None:
        if not TRACKING_ID.fullmatch(to):
            raise DeliveryFailed("LAPOR! tracking number not sendable", retryable=False)
        update = {"update_id": message.notification_id, "status": STATUS.get(message.type or "", "diproses"),
                  "type": message.type, "language": message.language, "title": message.title,
                  "message": message.body}
        self._http.call("POST", f"/v1/laporan/{urllib.parse.quote(to, safe='')}/tindak-lanjut", update)
        return message.notification_id
