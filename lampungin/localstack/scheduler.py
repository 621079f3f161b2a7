"""The app's `@app.schedule` handlers, fired locally the way EventBridge fires them.

EventBridge schedules never fire in moto (STACK-NOTES), so the local stack reads each schedule
from the app object itself (`app.event_sources`) instead of repeating "5 minutes" here, and calls
the handler with the event EventBridge would send. Like EventBridge, the first run comes one
period after the start. `LAMPUNGIN_SWEEP_SECONDS` / `--sweep-every` shortens the period locally
(a demo of a missed deadline should not wait five minutes for the next sweep).
"""
from __future__ import annotations

import logging
import re
import threading
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

log = logging.getLogger("lampungin.dev.schedule")

_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}


def rate_seconds(expression) -> float | None:
    """Seconds between runs of a Chalice `Rate` (or a `rate(...)` string); None for cron."""
    text = expression.to_string() if hasattr(expression, "to_string") else str(expression)
    match = re.fullmatch(r"rate\((\d+) (minute|hour|day)s?\)", text.strip())
    if not match:
        return None
    return int(match.group(1)) * _UNIT_SECONDS[match.group(2)]


def scheduled_event(rule_name: str, at: datetime, region: str = "ap-southeast-3",
                    account: str = "123456789012") -> dict:
    """What EventBridge hands a scheduled Lambda: `time` is whole-second UTC with a `Z`."""
    return {
        "version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event",
        "source": "aws.events", "account": account, "region": region,
        "time": at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "resources": [f"arn:aws:events:{region}:{account}:rule/{rule_name}"], "detail": {},
    }


def schedules_of(app) -> list:
    """The ScheduledEventConfig entries Chalice recorded for `@app.schedule` handlers."""
    return [s for s in getattr(app, "event_sources", []) if hasattr(s, "schedule_expression")]


class Scheduler:
    """Calls `handler(event)` every `period` seconds until stopped. `fire()` is one run, for
    tests and for a clean first/last run; errors are logged and counted, never fatal."""

    def __init__(self, name: str, handler: Callable[[dict], object], period: float, *,
                 region: str = "ap-southeast-3", now: Callable[[], datetime] | None = None,
                 on_stats: Callable[[dict], None] | None = None):
        self.name, self.handler, self.period, self.region = name, handler, period, region
        self.now = now or (lambda: datetime.now(timezone.utc))
        self.on_stats = on_stats
        self.stats: dict[str, Any] = {"schedule": name, "every_seconds": period, "runs": 0, "errors": 0,
                      "last_run_at": None, "last_result": None, "last_error": None}

    def fire(self) -> object:
        event = scheduled_event(self.name, self.now(), self.region)
        self.stats["runs"] += 1
        self.stats["last_run_at"] = event["time"]
        try:
            result = self.handler(event)
        except Exception as exc:
            log.exception("scheduled handler %s failed", self.name)
            self.stats["errors"] += 1
            self.stats["last_error"] = f"{type(exc).__name__}: {exc}"
            result = None
        else:
            self.stats["last_result"] = result
            if isinstance(result, dict) and result.get("sanctions_issued"):
                log.info("%s: %s", self.name, result)
        if self.on_stats is not None:
            self.on_stats(dict(self.stats))
        return result

    def run(self, stop: threading.Event) -> None:
        """Fire every `period` seconds, on a fixed cadence (a slow run does not drift it)."""
        next_at = time.monotonic() + self.period
        while not stop.wait(max(0.0, next_at - time.monotonic())):
            self.fire()
            next_at = max(next_at + self.period, time.monotonic())
