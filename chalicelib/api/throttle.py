"""Request throttling for the API as a whole: a token bucket per source IP and one per bearer
token, checked before any route runs, answering 429 with Retry-After in the contract's shape.

Why here and what it is not: the buckets live in one warm Lambda (or the local server), so N
concurrent Lambdas admit up to N times these rates. It is the first line against one client
hammering the API; the real limit in production is API Gateway's stage throttling (infra/). The
per-citizen daily limit on filings is another thing (services/complaints.check_daily_limit).

The time is an injected clock (monotonic seconds), so tests never sleep; memory is bounded: at
most `max_keys` buckets of each kind, least recently used dropped first, and a bucket that has
refilled is dropped as soon as it is the oldest (a full bucket is the same as none).
"""
from __future__ import annotations

import hashlib
import json
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from chalice import Response

from .errors import ApiError, body
from .messages import pick_language


@dataclass(frozen=True)
class Rate:
    per_second: float         # sustained requests a second
    burst: int                # requests at once after a quiet spell (the bucket's size)

    @property
    def enabled(self) -> bool:
        return self.per_second > 0 and self.burst > 0


class TokenBuckets:
    """One bucket per key: `burst` tokens, refilled at `per_second`; a request takes one."""

    def __init__(self, rate: Rate, max_keys: int):
        self.rate, self.max_keys = rate, max(1, max_keys)
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key -> (tokens, at)

    def __len__(self) -> int:
        return len(self._buckets)

    def tokens(self, key: str, now: float) -> float:
        stored = self._buckets.get(key)
        if stored is None:
            return float(self.rate.burst)
        tokens, at = stored
        return min(float(self.rate.burst), tokens + max(0.0, now - at) * self.rate.per_second)

    def wait(self, key: str, now: float) -> float:
        """Seconds until the key's bucket holds a whole token (0: it does now)."""
        missing = 1.0 - self.tokens(key, now)
        return max(0.0, missing / self.rate.per_second)

    def take(self, key: str, now: float) -> None:
        self._buckets[key] = (self.tokens(key, now) - 1.0, now)
        self._buckets.move_to_end(key)
        self._evict(now)

    def _evict(self, now: float) -> None:
        refill = self.rate.burst / self.rate.per_second      # seconds from empty to full
        while self._buckets:
            oldest, (_, at) = next(iter(self._buckets.items()))
            if len(self._buckets) <= self.max_keys and now - at < refill:
                return
            del self._buckets[oldest]


class Throttle:
    def __init__(self, *, per_ip: Rate, per_token: Rate, max_keys: int = 10_000,
                 clock: Callable[[], float] = time.monotonic):
        self.per_ip = TokenBuckets(per_ip, max_keys) if per_ip.enabled else None
        self.per_token = TokenBuckets(per_token, max_keys) if per_token.enabled else None
        self._clock, self._lock = clock, threading.Lock()   # the local server is threaded

    @classmethod
    def unlimited(cls) -> Throttle:
        """Admits everything (a rate of 0 turns a throttle off)."""
        return cls(per_ip=Rate(0, 0), per_token=Rate(0, 0))

    def admit(self, source_ip: str, token: str | None) -> float:
        """0 when the request may go on (it then takes a token from each of its buckets), else the
        seconds until it could; a refused request takes nothing."""
        buckets = [(self.per_ip, source_ip), (self.per_token, token_key(token) if token else None)]
        applicable = [(b, key) for b, key in buckets if b is not None and key is not None]
        with self._lock:
            now = self._clock()
            wait = max((b.wait(key, now) for b, key in applicable), default=0.0)
            if wait > 0:
                return wait
            for b, key in applicable:
                b.take(key, now)
            return 0.0


def token_key(authorization: str) -> str:
    """A bucket per Authorization header, kept as a digest (never the token itself)."""
    return hashlib.sha256(authorization.encode("utf-8", "backslashreplace")).hexdigest()[:32]


def source_ip(request) -> str:
    """API Gateway's (and chalice.local's) `requestContext.identity.sourceIp`; never a header a
    client could set (X-Forwarded-For)."""
    identity = (getattr(request, "context", None) or {}).get("identity") or {}
    ip = identity.get("sourceIp")
    return ip if isinstance(ip, str) and ip else "unknown"


def middleware(get_throttle: Callable[[], Throttle], cors=None):
    """Chalice http middleware over the throttle `get_throttle()` gives (the composition root's,
    so tests can swap it). `cors`: the app's CORSConfig, whose headers a browser needs to read a
    429 that no route produced."""
    def throttle_requests(request, get_response):
        headers = request.headers or {}
        wait = get_throttle().admit(source_ip(request), headers.get("authorization"))
        if wait <= 0:
            return get_response(request)
        return too_many_requests(pick_language(headers.get("accept-language")), math.ceil(wait), cors)
    return throttle_requests


def too_many_requests(lang: str, retry_after: int, cors=None) -> Response:
    err = ApiError(429, "too_many_requests", retry_after=retry_after)
    headers: dict[str, str | list[str]] = {
        "Content-Type": "application/json; charset=utf-8", "Content-Language": lang,
        "Retry-After": str(retry_after)}
    if cors is not None:
        headers.update(cors.get_access_control_headers())
    return Response(body=json.dumps(body(err, lang), ensure_ascii=False), status_code=429,
                    headers=headers)
