"""Public figures over time: the league table's figures per WIB month (`GET /v1/stats/opds/monthly`),
for the public board's charts. No token needed; aggregates only (domain/policy.public_month).

Bounded like the league table: one read of each OPD's day counters per computation, computed at
most once a minute per (government, OPD, months) per warm Lambda; the answer is the same for every
language but its `name`, put in after the cache.
"""
from __future__ import annotations

import re
import time

from chalice import Blueprint

from ..services.stats import DEFAULT_MONTHS, MAX_MONTHS, monthly_table
from ..wiring import container
from .errors import ApiError, invalid
from .http import endpoint
from .reference import STATS_TTL_SECONDS, government_query

api = Blueprint(__name__)
_MONTHS = re.compile(r"[0-9]{1,2}")           # ASCII digits only: "١٢".isdigit() is true too


@api.route("/v1/stats/opds/monthly", methods=["GET"])
@endpoint(api, auth=False)
def opd_stats_monthly(call):
    """Per month: complaints, on-time follow-up and approval rates, median times, sanctions — of
    one government's OPDs (`government`), one OPD's (`opd`), or every OPD's."""
    government = government_query(call, onboarded=True)
    months = months_query(call)
    opd = opd_query(call, government)
    government = government or (container.rules.opds[opd].government if opd else None)
    key = (government, opd, months)
    now = time.monotonic()
    cached = _tables.get(key)
    if cached is None or now - cached[1] > STATS_TTL_SECONDS:
        cached = _tables[key] = (_compute(government, opd, months), now)
    return 200, {**cached[0], "name": _name(government, opd, call.lang)}, {
        "Cache-Control": f"public, max-age={STATS_TTL_SECONDS}", "Content-Language": call.lang,
        "Vary": "Accept-Language"}                 # `name` is in the caller's language


def months_query(call) -> int:
    """`?months=`: 1..MAX_MONTHS in ASCII digits (default DEFAULT_MONTHS), else 422 naming the range."""
    try:
        text = call.query("months")
    except ApiError:                      # not printable ASCII, or longer than any parameter
        text = "invalid"
    if text is None:
        return DEFAULT_MONTHS
    if not _MONTHS.fullmatch(text) or not 1 <= int(text) <= MAX_MONTHS:
        raise invalid("months", "months_range", max=MAX_MONTHS)
    return int(text)


def opd_query(call, government: str | None) -> str | None:
    """`?opd=`: an OPD of GET /v1/opds (422 `unknown_opd`), of `government` when both are given
    (422 `opd_other_government`)."""
    code = call.query("opd")
    if code is None:
        return None
    found = container.rules.opds.get(code)
    if found is None:
        raise invalid("opd", "unknown_opd", value=code[:64])
    if government is not None and found.government != government:
        raise invalid("opd", "opd_other_government", value=code, government=government)
    return code


def _compute(government: str | None, opd: str | None, months: int) -> dict:
    opds = {code: o for code, o in container.rules.opds.items()
            if (opd is None or code == opd) and government in (None, o.government)}
    return {"government": government, "opd": opd,
            **monthly_table(opds, container.clocks, container.now(), months)}


def _name(government: str | None, opd: str | None, lang: str) -> str | None:
    """Whose figures these are, in the caller's language: the OPD's name, else the government's."""
    rules = container.rules
    if opd is not None:
        return rules.opds[opd].name_in(lang)
    return rules.governments[government].name_in(lang) if government else None


_tables: dict[tuple[str | None, str | None, int], tuple[dict, float]] = {}   # bounded: validated keys only
container.on_reset.append(_tables.clear)   # tests swap stores: forget them
