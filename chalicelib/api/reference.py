"""Reference data and public figures: health, categories, OPDs, jurisdictions, rules, league table.
No token needed: frontends load these before anyone signs in."""
from __future__ import annotations

import time

from chalice import Blueprint

from ..domain.governments import PROVINCE
from ..domain.model import CHANNELS
from ..domain.times import local_date
from ..rules.model import ParameterLapsed
from ..services.stats import league_table
from ..wiring import container
from .errors import invalid
from .http import endpoint
from .queries import parse_time

api = Blueprint(__name__)


@api.route("/v1/health", methods=["GET"])
@endpoint(api, auth=False)
def health(call):
    return {"status": "ok", "rules_version": container.rules.version}


@api.route("/v1/categories", methods=["GET"])
@endpoint(api, auth=False)
def categories(call):
    return [{"code": c.code, "name": c.name_in(call.lang), "sector": c.sector, "opd": c.opd}
            for c in container.rules.categories]


@api.route("/v1/opds", methods=["GET"])
@endpoint(api, auth=False)
def opds(call):
    """Every onboarded government's OPDs (`?government=`: one government's), with their units;
    names in the caller's language (Indonesian where the rules give no English name)."""
    government = government_query(call)
    return [{"code": o.code, "name": o.name_in(call.lang), "government": o.government, "sectors": list(o.sectors),
             "units": [{"code": u.code, "name": u.name_in(call.lang), "region": u.region} for u in o.units]}
            for o in container.rules.opds.values() if government in (None, o.government)]


@api.route("/v1/governments", methods=["GET"])
@endpoint(api, auth=False)
def governments(call):
    """The province and the kabupaten/kota (CONTRACT.md Additions, "Governments")."""
    return [{"code": g.code, "name": g.name_in(call.lang), "kind": g.kind, "onboarded": g.onboarded, "region": g.region,
             "contact": dict(g.contact)} for g in container.rules.governments.values()]


@api.route("/v1/regions", methods=["GET"])
@endpoint(api, auth=False)
def regions(call):
    """The Kemendagri regions directly under `parent` (default: the province, so its 15
    kabupaten/kota): what a frontend offers for a complaint's `location.region`."""
    parent = call.query("parent") or "18"
    known = container.rules.regions
    if known.get(parent) is None:
        raise invalid("parent", "unknown_region", value=parent[:16])
    return [{"code": r.code, "name": r.name, "level": r.level, "parent": r.parent} for r in known.children(parent)]


def government_query(call, *, onboarded: bool = False) -> str | None:
    """`?government=`: a code of GET /v1/governments (422 otherwise); `onboarded`: one with its
    own rules on the platform (422 `not_onboarded`)."""
    code = call.query("government")
    if code is None:
        return None
    known = container.rules.governments
    if code not in known:
        raise invalid("government", "unknown_government", value=code[:64])
    if onboarded and not known[code].onboarded:
        raise invalid("government", "not_onboarded", value=code)
    return code


@api.route("/v1/jurisdictions", methods=["GET"])
@endpoint(api, auth=False)
def jurisdictions(call):
    """Each also with `contact` {"id", "en"}: where a citizen reaches that government."""
    return [{"code": j.code, "name": j.name_in(call.lang), "contact": dict(j.contact)}
            for j in container.rules.jurisdictions.values()]


@api.route("/v1/rules", methods=["GET"])
@endpoint(api, auth=False)
def rules(call):
    """The service levels in force now, or on `?at=` (a date or time, WIB without an offset: what
    was in force then, or is announced for then): the province's, or `?government=`'s own."""
    government = government_query(call, onboarded=True) or PROVINCE
    at = parse_time(call.query("at"), "at") or container.now()
    try:
        return container.rules.service_levels(at, government)
    except ParameterLapsed:           # before the first dated value, or after one that ends it
        raise invalid("at", "no_rules_in_force", value=local_date(at).isoformat()) from None


@api.route("/v1/stats/opds", methods=["GET"])
@endpoint(api, auth=False)
def opd_stats(call):
    """Public and unauthenticated: one read of each OPD's day counters per computation, and
    computed at most once a minute per warm Lambda, so a burst of page loads costs one."""
    government = government_query(call)          # `?government=`: that government's OPDs only
    channel = call.query("channel")         # `?channel=`: on that channel's complaints only
    if channel is not None and channel not in CHANNELS:
        raise invalid("channel", "not_allowed_value", expected=", ".join(CHANNELS))
    now = time.monotonic()
    cached = _tables.get((government, channel))
    if cached is None or now - cached[1] > STATS_TTL_SECONDS:
        cached = _tables[(government, channel)] = (_league_table(government, channel), now)
    return 200, named_rows(cached[0], call.lang), {"Cache-Control": f"public, max-age={STATS_TTL_SECONDS}",
                                                   "Content-Language": call.lang, "Vary": "Accept-Language"}


STATS_TTL_SECONDS = 60
_tables: dict[tuple[str | None, str | None], tuple[dict, float]] = {}   # per (government, channel) filter
container.on_reset.append(_tables.clear)   # tests swap stores: forget them


def named_rows(table: dict, lang: str) -> dict:
    """The cached table (computed once for every language) with each row's `name` in `lang`."""
    opds = container.rules.opds
    return {**table, "opds": [{**row, "name": opds[row["opd"]].name_in(lang) if row["opd"] in opds else row["name"]}
                              for row in table["opds"]]}


def _league_table(government: str | None, channel: str | None) -> dict:
    opds = {code: o for code, o in container.rules.opds.items() if government in (None, o.government)}
    return {**league_table(opds, container.clocks, container.now(), channel=channel), "government": government}
