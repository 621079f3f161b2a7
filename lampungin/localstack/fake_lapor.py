"""A local SP4N-LAPOR! speaking the exchange interface of docs/lapor.md, for `make run`.

Its state is two files in `<home>/lapor/`, so a restart keeps it and `lampungin lapor` can add to
it while the stack runs:
* `disposisi.jsonl`: the complaints LAPOR! disposed to the province, one JSON object per line;
  the cursor of `GET /v1/disposisi` is a line number. `lampungin lapor dispose` appends one (a
  repeat of a tracking number is how LAPOR! sending the same complaint twice looks).
* `updates.jsonl`: every update Lampung In sent back (`POST /v1/laporan/<id>/tindak-lanjut`), one
  per `update_id` as LAPOR! keeps them: a retried delivery answers 200 and adds nothing.
Requests need `Authorization: Bearer <token>` (401 otherwise); an update for a tracking number
LAPOR! never disposed is 404.
"""
from __future__ import annotations

import hmac
import json
import re
import threading
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from .loopback import LoopbackServer

PAGE = 50
INBOX, UPDATES = "disposisi.jsonl", "updates.jsonl"
_UPDATE = re.compile(r"/v1/laporan/([A-Za-z0-9-]{1,64})/tindak-lanjut")


def read_lines(path: Path) -> list[dict]:
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            out.append({"unreadable": line[:200]})      # kept in place: the cursor counts lines
    return out


def dispose(directory: Path | str, item: dict) -> None:
    """Append one complaint to the fake's inbox (what `lampungin lapor dispose` does)."""
    path = Path(directory) / INBOX
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as out:
        out.write(json.dumps(item, ensure_ascii=False) + "\n")


class FakeLapor:
    def __init__(self, directory: Path | str, token: str) -> None:
        self.directory, self.token = Path(directory), token
        self._lock = threading.Lock()
        self._server = LoopbackServer("fake-lapor")

    def start(self) -> str:
        self.directory.mkdir(parents=True, exist_ok=True)
        fake = self

        class Handler(_Handler):
            lapor = fake

        return self._server.start(Handler)

    def stop(self) -> None:
        self._server.stop()

    def authorized(self, header: str | None) -> bool:
        scheme, _, value = (header or "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(value.encode(), self.token.encode())

    def updates(self) -> list[dict]:
        return read_lines(self.directory / UPDATES)

    def page(self, after: str | None) -> tuple[int, dict]:
        start = int(after) if after and after.isascii() and after.isdigit() and len(after) < 10 else 0
        lines = read_lines(self.directory / INBOX)
        chunk = lines[start:start + PAGE]
        return 200, {"items": chunk, "next": str(start + len(chunk)) if chunk else after}

    def update(self, tracking_id: str, body: Any) -> tuple[int, dict]:
        if not isinstance(body, dict) or not isinstance(body.get("update_id"), str) or not body.get("status"):
            return 400, {"error": "update_id and status are required"}
        known = {i.get("tracking_id") for i in read_lines(self.directory / INBOX)}
        if tracking_id not in known:
            return 404, {"error": f"no complaint {tracking_id} on LAPOR!"}
        with self._lock:
            if any(u.get("update_id") == body["update_id"] for u in self.updates()):
                return 200, {"update_id": body["update_id"], "repeat": True}
            with (self.directory / UPDATES).open("a", encoding="utf-8") as out:
                out.write(json.dumps({"tracking_id": tracking_id, **body}, ensure_ascii=False) + "\n")
        return 201, {"update_id": body["update_id"]}


class _Handler(BaseHTTPRequestHandler):
    lapor: FakeLapor
    server_version = "FakeLapor/1"

    def log_message(self, format: str, *args: Any) -> None:     # quiet: tests and dev read the files
        pass

    def _answer(self, status: int, document: dict) -> None:
        data = json.dumps(document, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:   # http.server's hook names
        path, _, query = self.path.partition("?")
        if not self.lapor.authorized(self.headers.get("Authorization")):
            return self._answer(401, {"error": "unauthorized"})
        if path != "/v1/disposisi":
            return self._answer(404, {"error": "not found"})
        after = parse_qs(query).get("setelah")
        return self._answer(*self.lapor.page(after[0] if after else None))

    def do_POST(self) -> None:
        if not self.lapor.authorized(self.headers.get("Authorization")):
            return self._answer(401, {"error": "unauthorized"})
        match = _UPDATE.fullmatch(self.path.partition("?")[0])
        if match is None:
            return self._answer(404, {"error": "not found"})
        declared = self.headers.get("Content-Length") or "0"
        length = int(declared) if declared.isascii() and declared.isdigit() and len(declared) < 9 else -1
        if not 0 <= length <= 64 * 1024:
            return self._answer(413, {"error": "too large"})
        try:
            body = json.loads(self.rfile.read(length).decode("utf-8"))
        except ValueError:
            return self._answer(400, {"error": "not JSON"})
        return self._answer(*self.lapor.update(match.group(1), body))
