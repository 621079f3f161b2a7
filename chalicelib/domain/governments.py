"""Governments as tenants (CONTRACT.md Additions, "Governments"): the province and the kabupaten/
kota on one platform. A complaint belongs to one government at a time — the government of the OPD
it is assigned to — and forwarding moves it.

Why the government is read off the OPD's code: an OPD of a kabupaten/kota is named with its
government's code and a dot (`BANDARLAMPUNG.DINKES`), the province's without (`DINKES`). So every
place that already knows the OPD (a token's claim, a clock's accountable OPD, a sanction's subject)
knows the government too, and no second field can disagree with it.
"""
from __future__ import annotations

PROVINCE = "LAMPUNG"
SEPARATOR = "."


def government_of(opd: str | None) -> str:
    """The government an OPD belongs to: its code's prefix, else the province."""
    if not opd or SEPARATOR not in opd:
        return PROVINCE
    return opd.split(SEPARATOR, 1)[0]


def opd_code(government: str, short: str) -> str:
    """The full code of a government's OPD (`BANDARLAMPUNG`, `DINKES` -> `BANDARLAMPUNG.DINKES`)."""
    return short if government == PROVINCE else f"{government}{SEPARATOR}{short}"
