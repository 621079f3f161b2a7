"""Wrong claim codes counted in memory (adapters/dynamo/claims.py is the real one)."""
from __future__ import annotations

import threading
from collections import Counter


class FakeClaimAttempts:
    def __init__(self):
        self.counts: Counter = Counter()
        self._lock = threading.Lock()

    def wrong_codes(self, complaint_id):
        return self.counts[complaint_id]

    def add_wrong_code(self, complaint_id):
        with self._lock:
            self.counts[complaint_id] += 1
            return self.counts[complaint_id]
