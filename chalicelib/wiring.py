"""The composition root: builds the real dependencies once per Lambda container (warm starts
reuse them) and lets tests swap in fakes. Handlers ask it; nothing else constructs adapters."""
from __future__ import annotations

import secrets
from datetime import datetime, timezone

from .config import Settings, settings
from .domain.ids import complaint_id


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def new_complaint_id(at: datetime) -> str:
    return complaint_id(at, secrets.randbits(35))


class Container:
    def __init__(self):
        self._overrides: dict = {}
        self._built: dict = {}
        self.on_reset: list = []     # caches kept outside the container register here

    def override(self, **things) -> None:
        """Tests: replace any dependency (repo, rules, now, verifier, new_id, settings)."""
        self._overrides.update(things)
        self._built.clear()
        for hook in self.on_reset:
            hook()

    def reset(self) -> None:
        self._overrides.clear()
        self._built.clear()
        for hook in self.on_reset:
            hook()

    def _get(self, name: str, factory):
        if name in self._overrides:
            return self._overrides[name]
        if name not in self._built:
            self._built[name] = factory()
        return self._built[name]

    @property
    def settings(self) -> Settings:
        return self._get("settings", settings)

    @property
    def repo(self):
        def build():
            from .adapters.dynamo.complaints import DynamoComplaintRepository
            return DynamoComplaintRepository(self.settings)
        return self._get("repo", build)

    @property
    def rules(self):
        def build():
            from .rules.bundle import load_bundle
            return load_bundle()
        return self._get("rules", build)

    @property
    def verifier(self):
        def build():
            from .adapters.auth import TokenVerifier
            s = self.settings
            return TokenVerifier(jwks_url=s.auth_jwks_url, jwks_path=s.auth_jwks_path,
                                 issuer=s.auth_issuer, audience=s.auth_audience)
        return self._get("verifier", build)

    @property
    def now(self):
        return self._get("now", lambda: utc_now)

    @property
    def new_id(self):
        return self._get("new_id", lambda: new_complaint_id)

    @property
    def clocks(self):
        def build():
            from .adapters.dynamo.clocks import DynamoClockRepository
            return DynamoClockRepository(self.settings)
        return self._get("clocks", build)

    @property
    def sanctions(self):
        def build():
            from .adapters.dynamo.sanctions import DynamoSanctionRepository
            return DynamoSanctionRepository(self.settings)
        return self._get("sanctions", build)

    @property
    def notifier(self):
        def build():
            from .adapters import notify
            s = self.settings
            if s.notify_topic_arn:
                return notify.SnsNotifier(s.notify_topic_arn, s.region)
            if s.outbox_path:
                return notify.FileNotifier(s.outbox_path)
            return notify.LogNotifier()
        return self._get("notifier", build)

    @property
    def schedule(self):
        """Deadline arithmetic and clock rules over the bundle; kept warm (it memoises)."""
        def build():
            from .rules.schedule import BundleSchedule
            return BundleSchedule(self.rules)
        return self._get("schedule", build)

    def clock_deps(self):
        from .services.deadlines import ClockDeps
        return ClockDeps(complaints=self.repo, clocks=self.clocks, schedule=self.schedule,
                         rules_version=self.rules.version, now=self.now)

    def sweep_deps(self):
        from .services.sweep import SweepDeps
        return SweepDeps(complaints=self.repo, clocks=self.clocks, schedule=self.schedule,
                         rules_version=self.rules.version, now=self.now, sanctions=self.sanctions,
                         notifier=self.notifier, rules=self.rules)

    def deps(self):
        from .services.complaints import Deps
        return Deps(repo=self.repo, rules=self.rules, now=self.now, new_id=self.new_id,
                    daily_limit=self.settings.daily_complaint_limit)


container = Container()
