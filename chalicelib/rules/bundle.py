"""Load the compiled rules bundle (chalicelib/rules/bundle/bundle.json) once per process.

Why a bundle: Chalice ships only app.py, chalicelib/ and vendor/, so the policy files in rules/
are compiled by `lampungin rules build` into one JSON file here. The Lambda reads only that JSON
(no PyYAML, no `holidays`). A stale bundle is never used: in a checkout where rules/ sits beside
chalicelib/, the source hash must equal the manifest's, else StaleBundle. In Lambda rules/ is
absent and the bundle is trusted (the deploy built it).
"""
from __future__ import annotations

import json
import threading
from datetime import date, datetime
from pathlib import Path

from ..domain.clocks import ClockPolicy
from ..domain.governments import PROVINCE
from ..domain.times import local_date
from . import clock_time
from .model import Category, ClockAction, Decision, Jurisdiction, Opd, RoutingDecision, StaleBundle
from .parameters import Parameters
from .routing import RoutingTable
from .sourcehash import generator_id, source_files, source_hash
from .templates import Templates
from .working_calendar import WorkingCalendar

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_PATH = PACKAGE_DIR / "bundle" / "bundle.json"
DEFAULT_SOURCE_DIR = PACKAGE_DIR.parent.parent / "rules"
BUILD_HINT = "run `.venv/bin/lampungin rules build`"

_cache: dict[str, list] = {}     # path -> [mtime_ns, bundle, verified source fingerprint]
_lock = threading.Lock()


class RulesBundle:
    """The rules in force: routing, dated parameters, working calendar and compiled rulesets."""

    def __init__(self, data: dict):
        self.data = data
        self.manifest = data["manifest"]
        self.version: str = self.manifest["version"]
        self.routing = RoutingTable(data["routing"], self.version)
        self.parameters = Parameters(data["parameters"])
        self.calendar = WorkingCalendar(data["calendar"])
        self._engine = None
        self._templates: Templates | None = None

    # --- routing (rules/routing) -------------------------------------------------------------
    @property
    def opds(self) -> dict[str, Opd]:
        return self.routing.opds

    @property
    def categories(self) -> list[Category]:
        return self.routing.categories

    @property
    def jurisdictions(self) -> dict[str, Jurisdiction]:
        return self.routing.jurisdictions

    @property
    def default_category(self) -> str:
        return self.routing.default_category

    def category(self, code: str) -> Category | None:
        return self.routing.category(code)

    def route(self, category_code: str) -> RoutingDecision:
        return self.routing.route(category_code)

    # --- notifications (rules/notifications) ----------------------------------------------------
    @property
    def templates(self) -> Templates:
        """The notification templates: `bundle.templates.render(type, lang, params)`."""
        if self._templates is None:
            self._templates = Templates(self.data.get("notifications", {}).get("templates", {}))
        return self._templates

    # --- clocks and deadlines (rules/parameters/clocks.yaml, rules/calendar) -------------------
    def clock_policy(self, clock: str, started_at: datetime, government: str = PROVINCE) -> ClockPolicy:
        """The clock's parameters as in force when it started (a later change never applies)."""
        return clock_time.clock_policy(self.parameters, clock, local_date(started_at))

    def due_at(self, clock: str | ClockPolicy, started_at: datetime) -> datetime:
        """When a clock started at `started_at` and never paused runs out (the published service
        level; the engine in domain.clocks handles pauses and stops)."""
        policy = clock if isinstance(clock, ClockPolicy) else self.clock_policy(clock, started_at)
        return self.add_time(started_at, policy.hours * 3600, policy.mode)

    def add_time(self, start: datetime, seconds: float, mode: str, calendar: str = PROVINCE) -> datetime:
        """domain.clocks.Schedule: `start` plus clock time counted in `mode`."""
        return clock_time.add_time(self.calendar, start, seconds, mode)

    def time_between(self, start: datetime, end: datetime, mode: str, calendar: str = PROVINCE) -> float:
        """domain.clocks.Schedule: seconds of clock time counted in `mode` between two instants."""
        return clock_time.time_between(self.calendar, start, end, mode)

    def parameter(self, name: str, on: date | datetime):
        return self.parameters.value(name, local_date(on) if isinstance(on, datetime) else on)

    def service_levels(self, at: datetime) -> dict:
        """What `GET /v1/rules` publishes: the active version and the deadlines in force at `at`."""
        return clock_time.service_levels(self, at)

    # --- rules engine (rules/clocks, rules/sanctions) ------------------------------------------
    @property
    def engine(self):
        """The durable_rules adapter, built on first use (the API Lambda never pays for it)."""
        if self._engine is None:
            from .engine import RulesEngine  # lazy for cold start: durable_rules loads only here
            self._engine = RulesEngine(self)
        return self._engine

    def evaluate(self, facts: dict, *, at: datetime | None = None) -> list[Decision]:
        """Sanctions/warnings for a clock; `at` (or facts["at"]) picks the rules in force."""
        return self.engine.evaluate(facts, at=at)

    def clock_actions(self, facts: dict, *, at: datetime | None = None) -> list[ClockAction]:
        return self.engine.clock_actions(facts, at=at)


def check_fresh(manifest: dict, source_dir: Path) -> None:
    """Raise StaleBundle unless the bundle was built from exactly these source files."""
    current = source_hash(source_dir, generator_id())
    if manifest.get("source_hash") != current:
        raise StaleBundle(f"rules bundle {manifest.get('version')} is stale: the files in "
                          f"{source_dir} changed since it was built; {BUILD_HINT}")


def _fingerprint(files: list[Path]) -> tuple:
    """Cheap change detector (names, sizes, mtimes) so the hash is recomputed only on change."""
    return tuple((str(p), st.st_size, st.st_mtime_ns) for p in files for st in (p.stat(),))


def load_bundle(path: str | Path | None = None, *, source_dir: str | Path | None = None,
                check: bool = True) -> RulesBundle:
    """The bundle for this process (cached; reloaded if the file was rebuilt). Without `path`,
    the packaged bundle, checked against rules/ beside chalicelib when that folder exists (a dev
    or test checkout) on every call: a stale bundle is never handed out."""
    path = Path(path) if path else DEFAULT_PATH
    if source_dir is None and path == DEFAULT_PATH:
        source_dir = DEFAULT_SOURCE_DIR
    source = Path(source_dir) if (check and source_dir and (Path(source_dir) / "routing").is_dir()) else None
    with _lock:
        try:
            stamp = path.stat().st_mtime_ns
        except FileNotFoundError:
            raise StaleBundle(f"no rules bundle at {path}; {BUILD_HINT}") from None
        cached = _cache.get(str(path))
        if cached is None or cached[0] != stamp:
            bundle = RulesBundle(json.loads(path.read_text(encoding="utf-8")))
            cached = _cache[str(path)] = [stamp, bundle, None]
        if source is not None:
            fingerprint = _fingerprint(source_files(source))
            if cached[2] != fingerprint:
                check_fresh(cached[1].manifest, source)
                cached[2] = fingerprint
        return cached[1]


def clear_cache() -> None:
    """Forget loaded bundles (tests, and `lampungin dev` after a rebuild)."""
    with _lock:
        _cache.clear()
