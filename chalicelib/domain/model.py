"""Value objects of a complaint (aduan). Frozen dataclasses: a change makes a new value."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from .governments import PROVINCE, government_of


class Status(StrEnum):
    ASSIGNED = "assigned"                 # waiting for the operator's follow-up (tindak lanjut)
    WAITING_CITIZEN = "waiting_citizen"   # the operator asked the citizen; followup clock paused
    FOLLOWED_UP = "followed_up"           # waiting for the OPD's approval
    RESOLVED = "resolved"
    CLOSED = "closed"
    FORWARDED = "forwarded"               # not the province's authority: sent to a kabupaten/kota
    REJECTED = "rejected"


FINAL_STATUSES = frozenset({Status.CLOSED, Status.FORWARDED, Status.REJECTED})


class Role(StrEnum):
    CITIZEN = "citizen"
    OPERATOR = "operator"        # staff of one OPD who follows complaints up
    SUPERVISOR = "supervisor"    # staff of one OPD who approves its follow-ups
    INSPECTOR = "inspector"      # oversight, read-only: province-wide, or one government's (`government`)
    ADMIN = "admin"
    INTAKE = "intake"            # a desk (the P4 desk at DPMPTSP, a call centre) filing for a person


# How a complaint came in (CONTRACT.md, Intake channels): a citizen's own filing, or intake staff's
CITIZEN_CHANNELS = ("app", "web")
INTAKE_CHANNELS = ("desk", "phone", "social", "email")
CHANNELS = (*CITIZEN_CHANNELS, *INTAKE_CHANNELS, "lapor")
# A complaint disposed to the province on SP4N-LAPOR! (services/lapor.py) is filed by this system
# filer (no person's sub: Cognito's are UUIDs) for its LAPOR! reporter, "lapor:<tracking number>",
# who hears of every change back on LAPOR! (the `lapor` delivery channel).
LAPOR_FILER = "system:lapor"
LAPOR_PREFIX = "lapor:"
CONTACT_PREFIX = "contact:"      # the reporter of a person filed for by intake: "contact:<complaint id>"


STAFF_ROLES = frozenset({Role.OPERATOR, Role.SUPERVISOR})


@dataclass(frozen=True)
class Actor:
    """Who is calling: the claims of a verified token."""

    sub: str
    role: Role
    opd: str | None = None
    name: str | None = None
    source_ip: str | None = None     # where the request came from (the audit trail records it)
    government: str = PROVINCE       # whose staff: an OPD's government (domain/governments), or the
                                     # `government` claim of an inspector or admin
    unit: str | None = None          # an operator of one unit of the OPD (disposisi): its queue only


@dataclass(frozen=True)
class Location:
    lat: float | None = None
    lon: float | None = None
    address: str | None = None
    region: str | None = None        # Kemendagri code: kabupaten/kota "18.71", kecamatan "18.71.01",
                                     # desa/kelurahan "18.71.01.1001" (rules/regions)


@dataclass(frozen=True)
class Reporter:
    sub: str
    name: str | None = None


@dataclass(frozen=True)
class Rating:
    stars: int
    comment: str | None = None


@dataclass(frozen=True)
class Event:
    """One immutable timeline entry. `seq` is the complaint version the event produced."""

    complaint_id: str
    seq: int
    at: datetime
    type: str
    actor_role: str
    actor_id: str | None = None
    note: str | None = None
    data: dict = field(default_factory=dict)
    source_ip: str | None = None     # for the audit trail only: no view shows it (domain/policy)


@dataclass(frozen=True)
class Complaint:
    id: str
    status: Status
    category: str
    sector: str
    opd: str
    title: str
    description: str
    reporter: Reporter
    created_at: datetime
    updated_at: datetime
    version: int = 1
    location: Location | None = None
    visibility: str = "private"        # "private" | "public"
    anonymous: bool = False
    assignee: str | None = None
    jurisdiction: str | None = None    # set when forwarded to a kabupaten/kota not on the platform
    rating: Rating | None = None
    routing_rule: str | None = None    # the routing rule that chose the OPD
    rules_version: str | None = None   # the rules bundle in force when it was routed
    flags: tuple = ()                  # the current follow-up's evidence flags (domain/evidence.Flag dicts)
    unit: str | None = None            # the unit of its OPD it is disposed to (None: the OPD as a whole)
    channel: str = "app"               # how it came in (CHANNELS)
    filed_by: str | None = None        # the intake staff member who filed it for the person, if one did
    lapor_id: str | None = None        # its SP4N-LAPOR! tracking number, when it came from LAPOR!

    @property
    def government(self) -> str:
        """The government answerable for it now: its OPD's (domain/governments.py)."""
        return government_of(self.opd)

    def evolve(self, **changes) -> Complaint:
        return replace(self, **changes)
