"""Hand-written fake of the Open311 key store (services/open311_keys.ApiKeyStore), and what the
Open311 tests read answers with: the spec's error shape, and our own XML parsed with defusedxml."""
from __future__ import annotations

import json
import threading
from collections import Counter
from dataclasses import replace

from defusedxml import ElementTree as SafeET  # type: ignore[import-untyped]  # no stubs pinned

from chalicelib.services.open311_keys import ApiKey


class FakeApiKeyStore:
    """In memory, with the adapter's rules: add never overwrites, revoke happens once."""

    def __init__(self):
        self.keys: dict[str, ApiKey] = {}
        self.calls: Counter = Counter()
        self._lock = threading.Lock()

    def add(self, key: ApiKey) -> bool:
        self.calls["add"] += 1
        with self._lock:
            if key.key_id in self.keys:
                return False
            self.keys[key.key_id] = key
            return True

    def get(self, key_id: str) -> ApiKey | None:
        self.calls["get"] += 1
        return self.keys.get(key_id)

    def all(self) -> list[ApiKey]:
        return sorted(self.keys.values(), key=lambda k: (k.created_at, k.key_id))

    def revoke(self, key_id: str, at) -> bool:
        with self._lock:
            key = self.keys.get(key_id)
            if key is None or key.revoked_at is not None:
                return False
            self.keys[key_id] = replace(key, revoked_at=at)
            return True


def xml(raw: bytes):
    """Our own XML answer as an element (defusedxml: no entity or DTD tricks, even in tests)."""
    assert raw.startswith(b'<?xml version="1.0" encoding="UTF-8"?>'), raw[:80]
    return SafeET.fromstring(raw)


def children(element) -> dict[str, str]:
    """The text of each child element by tag (empty elements read as "")."""
    return {child.tag: (child.text or "") for child in element}


def open311_errors(status: int, raw: bytes, content_type: str) -> list[tuple[int, str]]:
    """(code, description) of each error of an Open311 error document, checking its shape: JSON
    `[{"code", "description"}]` or XML `<errors><error><code/><description/></error></errors>`,
    the code equal to the HTTP status, a description to read."""
    if content_type.startswith("text/xml"):
        root = xml(raw)
        assert root.tag == "errors", raw[:300]
        entries = [children(e) for e in root]
        assert all(e.keys() == {"code", "description"} for e in entries), raw[:300]
        out = [(int(e["code"]), e["description"]) for e in entries]
    else:
        assert content_type.startswith("application/json"), content_type
        body = json.loads(raw)
        assert isinstance(body, list) and body, raw[:300]
        assert all(isinstance(e, dict) and set(e) == {"code", "description"} for e in body), raw[:300]
        out = [(e["code"], e["description"]) for e in body]
    assert out and all(code == status and isinstance(d, str) and d for code, d in out), (status, raw[:300])
    return out
