"""Staff who exist: who is an operator or supervisor of which OPD, who heads it, who inspects.

The directory (services/ports.StaffDirectory) is Cognito in production and a seeded file under
`.local/` locally; notifications ask it who "the OPD's supervisors" or "the OPD head" are.
"""
from __future__ import annotations

from dataclasses import dataclass

STAFF_DIRECTORY_ROLES = ("operator", "supervisor", "inspector", "admin")


@dataclass(frozen=True)
class StaffMember:
    sub: str                       # the token subject (Cognito's `sub`, or the local token's)
    role: str                      # one of STAFF_DIRECTORY_ROLES
    opd: str | None = None         # operators and supervisors: their OPD
    name: str | None = None
    email: str | None = None
    head: bool = False             # the OPD head (kepala OPD): answerable for the OPD's misses
    government: str | None = None  # an inspector of a kabupaten/kota (None: the province's); an OPD's
                                   # staff belong to their OPD's government (domain/governments)
