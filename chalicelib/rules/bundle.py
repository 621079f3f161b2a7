"""Load the compiled rules bundle (chalicelib/rules/bundle/bundle.json) once per process.

Why a bundle: Chalice ships only app.py, chalicelib/ and vendor/, so the policy files in rules/
are compiled by `lampungin rules build` into one JSON file here. The Lambda reads only that JSON
(no PyYAML, no `holidays`). A stale bundle is never used: in a checkout where rules/ sits beside
chalicelib/, the source hash must equal the manifest's, else StaleBundle. In Lambda rules/ is
absent and the bundle is trusted (the deploy built it).
"""
from __future__ import annotations

import importlib
import json
import threading
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

from ..domain.clocks import ClockPolicy
from ..domain.governments import PROVINCE
from ..domain.times import local_date
from . import clock_time
from .model import (
    Category,
    ClockAction,
    Decision,
    Government,
    Jurisdiction,
    NotOnboarded,
    Opd,
    RoutingDecision,
    RulesError,
    StaleBundle,
)
from .parameters import Parameters
from .routing import RoutingTable
from .sourcehash import generator_id, source_files, source_hash
from .templates import Templates
from .working_calendar import WorkingCalendar

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_PATH = PACKAGE_DIR / "bundle" / "bundle.json"
DEFAULT_SOURCE_DIR = PACKAGE_DIR.parent.parent / "rules"
BUILD_HINT = "run `.venv/bin/lampungin rules build`"
# Where `lampungin rules build --rules DIR --out …` puts a shadow bundle that `chalice package` ships
# (SHADOW_RULES=shadow/bundle.json), for services/shadow.py.
SHADOW_PATH = PACKAGE_DIR / "shadow" / "bundle.json"


def shadow_bundle_path(setting: str) -> Path:
    """SHADOW_RULES as a file: absolute, or relative to chalicelib/rules/ (inside the package)."""
    path = Path(setting)
    return path if path.is_absolute() else PACKAGE_DIR / path

_cache: dict[str, list] = {}     # path -> [mtime_ns, bundle, verified source fingerprint]
_lock = threading.Lock()


class RulesBundle:
    """The rules in force: routing, dated parameters, working calendar and compiled rulesets."""

    def __init__(self, data: dict):
        self.data = data
        self.manifest = data["manifest"]
        self.version: str = self.manifest["version"]
        self._onboarded: dict = data.get("governments") or {}
        self.routing = RoutingTable(data["routing"], self.version, self._onboarded)
        self.parameters = Parameters(data["parameters"])
        self.calendar = WorkingCalendar(data["calendar"])
        self._parameters: dict[str, Parameters] = {PROVINCE: self.parameters}
        self._calendars: dict[str, WorkingCalendar] = {PROVINCE: self.calendar}
        self._engine = None
        self._templates: Templates | None = None
        self._regions = None

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

    def route(self, category_code: str, *, government: str = PROVINCE, region: str | None = None) -> RoutingDecision:
        """The OPD for a category: the province's table (whose by_region rows may send a located
        complaint to an onboarded kabupaten/kota), or an onboarded government's own table.
        UnknownCategory, NotOnboarded."""
        return self.routing.route(category_code, government=government, region=region)

    # --- governments (rules/routing/jurisdictions.yaml, rules/governments) -----------------------
    @property
    def governments(self) -> dict[str, Government]:
        """LAMPUNG first, then every kabupaten/kota in jurisdictions.yaml order, onboarded or not."""
        return self.routing.governments

    def opds_of(self, government: str) -> list[Opd]:
        return self.routing.opds_of(government)

    def parameters_of(self, government: str = PROVINCE) -> Parameters:
        """The government's parameters: its own series where it sets one, the province's otherwise."""
        if government not in self._parameters:
            own = self._own(government)["parameters"]
            self._parameters[government] = Parameters({**self.data["parameters"], **own})
        return self._parameters[government]

    def calendar_of(self, government: str = PROVINCE) -> WorkingCalendar:
        """The government's working calendar: national holidays and cuti bersama, its own regional
        days, the province's office hours."""
        if government not in self._calendars:
            own = self._own(government)["calendar"]
            self._calendars[government] = WorkingCalendar({**self.data["calendar"], "holidays": own["holidays"]})
        return self._calendars[government]

    def _own(self, government: str) -> dict:
        try:
            return self._onboarded[government]
        except KeyError:
            raise NotOnboarded(government) from None

    @property
    def regions(self):
        """The Kemendagri regions of Lampung (chalicelib/rules/regions.Regions over the bundle's
        "regions"), built on first use; RulesError when this bundle was built without them."""
        if self._regions is None:
            if "regions" not in self.data:
                raise RulesError("this rules bundle carries no regions data (rules/regions/)")
            reader = importlib.import_module(f"{__package__}.regions")   # lazy for cold start
            self._regions = reader.Regions(self.data["regions"])
        return self._regions

    # --- notifications (rules/notifications) ----------------------------------------------------
    @property
    def templates(self) -> Templates:
        """The notification templates: `bundle.templates.render(type, lang, params)`."""
        if self._templates is None:
            self._templates = Templates(self.data.get("notifications", {}).get("templates", {}))
        return self._templates

    # --- clocks and deadlines (rules/parameters/clocks.yaml, rules/calendar) -------------------
    def clock_policy(self, clock: str, started_at: datetime, government: str = PROVINCE) -> ClockPolicy:
        """The clock's parameters as in force when it started (a later change never applies),
        the government's own where it sets them; `calendar` names whose working calendar counts
        its time. NotOnboarded for a government without a folder."""
        policy = clock_time.clock_policy(self.parameters_of(government), clock, local_date(started_at))
        return replace(policy, calendar=government)

    def due_at(self, clock: str | ClockPolicy, started_at: datetime, government: str = PROVINCE) -> datetime:
        """When a clock started at `started_at` and never paused runs out (the published service
        level; the engine in domain.clocks handles pauses and stops)."""
        policy = clock if isinstance(clock, ClockPolicy) else self.clock_policy(clock, started_at, government)
        return self.add_time(started_at, policy.hours * 3600, policy.mode, calendar=policy.calendar)

    def add_time(self, start: datetime, seconds: float, mode: str, calendar: str = PROVINCE) -> datetime:
        """domain.clocks.Schedule: `start` plus clock time counted in `mode` on that calendar."""
        return clock_time.add_time(self.calendar_of(calendar), start, seconds, mode)

    def time_between(self, start: datetime, end: datetime, mode: str, calendar: str = PROVINCE) -> float:
        """domain.clocks.Schedule: seconds of clock time counted in `mode` between two instants."""
        return clock_time.time_between(self.calendar_of(calendar), start, end, mode)

    def parameter(self, name: str, on: date | datetime, government: str = PROVINCE):
        return self.parameters_of(government).value(name, local_date(on) if isinstance(on, datetime) else on)

    def service_levels(self, at: datetime, government: str = PROVINCE) -> dict:
        """What `GET /v1/rules` publishes: the active version and the deadlines in force at `at`
        for that government (its own parameters and their references)."""
        return clock_time.service_levels(self, at, government)

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
