"""Reference data and public figures: health, categories, OPDs, jurisdictions, rules, league table.
No token needed: frontends load these before anyone signs in."""
from __future__ import annotations

import time

from chalice import Blueprint

from ..services.stats import league_table
from ..wiring import container
from .http import endpoint

api = Blueprint(__name__)


@api.route("/v1/health", methods=["GET"])
@endpoint(api, auth=False)
def health(call):
    return {"status": "ok", "rules_version": container.rules.version}


@api.route("/v1/categories", methods=["GET"])
@endpoint(api, auth=False)
def categories(call):
    return [{"code": c.code, "name": c.name, "sector": c.sector, "opd": c.opd}
            for c in container.rules.categories]


@api.route("/v1/opds", methods=["GET"])
@endpoint(api, auth=False)
def opds(call):
    return [{"code": o.code, "name": o.name} for o in container.rules.opds.values()]


@api.route("/v1/jurisdictions", methods=["GET"])
@endpoint(api, auth=False)
def jurisdictions(call):
    """Each also with `contact` {"id", "en"}: where a citizen reaches that government."""
    return [{"code": j.code, "name": j.name, "contact": dict(j.contact)}
            for j in container.rules.jurisdictions.values()]


@api.route("/v1/rules", methods=["GET"])
@endpoint(api, auth=False)
def rules(call):
    return container.rules.service_levels(container.now())


@api.route("/v1/stats/opds", methods=["GET"])
@endpoint(api, auth=False)
def opd_stats(call):
    """Public and unauthenticated, and it reads every OPD's recent clocks: computed at most once
    a minute per warm Lambda, so a burst of page loads costs one computation."""
    now = time.monotonic()
    if _table["value"] is None or now - _table["at"] > STATS_TTL_SECONDS:
        _table.update(value=_league_table(), at=now)
    return 200, _table["value"], {"Cache-Control": f"public, max-age={STATS_TTL_SECONDS}"}


STATS_TTL_SECONDS = 60
_table: dict = {"value": None, "at": 0.0}
container.on_reset.append(lambda: _table.update(value=None))   # tests swap stores: forget it


def _league_table() -> dict:
    return league_table(container.rules.opds, container.clocks, container.sanctions, container.now(),
                        supports=container.repo)
