"""Who sees what. One module decides it, so privacy is not scattered across handlers.

Complaints are private unless the reporter made them public; an anonymous reporter's identity is
never shown to staff. A caller who may not see a complaint is told it does not exist (404).

Everything shown of a complaint and of its timeline is an allow-list: a field reaches a caller
only when a table below names the caller's *audience* for it, so a field or event type added later
reaches nobody until someone decides here who may read it. The audiences (what the caller is to
this one complaint): `owner` (the citizen who filed it), `opd_staff` (operator or supervisor of
its current OPD; an operator of one unit only while the complaint is disposed to that unit),
`oversight` (admin; inspector of the province, or of the complaint's own government),
`other_staff` (staff of another OPD, an inspector of another kabupaten/kota),
`other_citizen` (a signed-in citizen who did not file it), `public` (no token), `filer` (the
intake staff member who filed it for a person at a desk, by phone or from social media: what
everyone may see, plus the person's words and name they took down; never the case's notes).
Below, "staff" is opd_staff + oversight and "case" is the owner + staff.

Timeline (EVENTS; CONTRACT.md, Additions): a caller gets an event only if its audience is in the
event's first column, and then `at`, `type`, `label`, `actor_role` and `note` (null unless the
second column allows it) and only the data fields the third allows. `actor_id` is a staff member's
to staff only (citizens see the role), a citizen's only to who may know the reporter (the owner;
staff unless anonymous).

    event            who gets it   who reads its note              data: who reads each field
    submitted        everyone      (no note)                       opd, category, routing_*, unit: everyone
    claimed          everyone      (no note)                       -
    assigned_to      everyone      (no note)                       operator: staff
    followed_up      everyone      case: the answer to the owner   attachments (photo ids): everyone; flags: staff
    approved         everyone      staff: supervisor to operator   -
    returned         everyone      staff: the return reason        -
    transferred      everyone      case                            from_opd, to_opd, decides_approval: everyone
    forwarded        everyone      case                            jurisdiction: everyone
    handed_over      everyone      case                            jurisdiction, from_opd, to_opd,
                                                                   government, unit,
                                                                   decides_approval: everyone
    disposed         everyone      (no note)                       unit, from_unit: everyone
    rejected         everyone      case                            -
    info_requested   everyone      case: the question to the owner -
    citizen_replied  case          case: the citizen's words       -
    rated            everyone      case: the citizen's comment     stars: case
    reopened         everyone      case: the citizen's reason      -
    staff_note       staff         staff                           -
    ownership_claimed case         (no note)                       -
    anything else    nobody

A citizen's reply is withheld whole from everyone outside the case (not even "they answered"); a
staff note likewise from everyone but staff. The other events are steps anyone who may see the
complaint may know happened (its status shows them anyway), without the words.

Public tracking, the public list and support (CONTRACT.md Additions, "Evidence, public tracking and
support"; the end of this module): TRACK_FIELDS is what anyone with a complaint's number reads of
it (no token), the `public` audience of the tables above — a private complaint shows its status,
OPD, category, dates and deadlines, never its words or place; its timeline is the events EVENTS
gives `public`, as `at`, `type` and `label` only. PUBLIC_ITEM_FIELDS is an item of the public list
and of a filing's `similar` offer, for public complaints only (`in_public_list`, which also decides
what the public indexes hold). `support_refusal` says who may support.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from .governments import PROVINCE
from .lifecycle import Party, oversees, parties_of
from .model import Actor, Complaint, Event, Role

OVERSIGHT = frozenset({Role.INSPECTOR, Role.ADMIN})


class Audience(StrEnum):
    OWNER = "owner"
    OPD_STAFF = "opd_staff"
    OVERSIGHT = "oversight"
    OTHER_STAFF = "other_staff"
    OTHER_CITIZEN = "other_citizen"
    PUBLIC = "public"
    FILER = "filer"           # the intake staff member who filed it for a person (services/intake.py)


A = Audience
EVERYONE = frozenset(Audience)
STAFF = frozenset({A.OPD_STAFF, A.OVERSIGHT})
CASE = STAFF | {A.OWNER}
NOBODY: frozenset[Audience] = frozenset()
IDENTITY = "identity"      # who may know the reporter: the owner; staff unless anonymous
PUBLISHED = "published"    # the reporter's own text: everyone if they made it public, else the case


@dataclass(frozen=True)
class Shown:
    """Who gets one event type, who reads its note, and who reads each field of its data."""

    event: frozenset[Audience]
    note: frozenset[Audience] = NOBODY
    data: dict[str, frozenset[Audience]] = field(default_factory=dict)


EVENTS: dict[str, Shown] = {
    "submitted": Shown(EVERYONE, data=dict.fromkeys(
        ("opd", "category", "routing_rule", "rules_version", "explanation", "unit"), EVERYONE)),
    "claimed": Shown(EVERYONE),
    "assigned_to": Shown(EVERYONE, data={"operator": STAFF}),
    "followed_up": Shown(EVERYONE, CASE, {"attachments": EVERYONE, "flags": STAFF}),   # photo_hashes: nobody
    "approved": Shown(EVERYONE, STAFF),
    "returned": Shown(EVERYONE, STAFF),
    "transferred": Shown(EVERYONE, CASE, dict.fromkeys(("from_opd", "to_opd", "decides_approval"), EVERYONE)),
    "forwarded": Shown(EVERYONE, CASE, {"jurisdiction": EVERYONE}),
    "handed_over": Shown(EVERYONE, CASE, dict.fromkeys(
        ("jurisdiction", "from_opd", "to_opd", "government", "unit", "decides_approval"), EVERYONE)),
    "disposed": Shown(EVERYONE, data=dict.fromkeys(("unit", "from_unit"), EVERYONE)),
    "rejected": Shown(EVERYONE, CASE),
    "info_requested": Shown(EVERYONE, CASE),
    "citizen_replied": Shown(CASE, CASE),
    "rated": Shown(EVERYONE, CASE, {"stars": CASE}),
    "reopened": Shown(EVERYONE, CASE),
    "staff_note": Shown(STAFF, STAFF),
    "ownership_claimed": Shown(CASE),      # issue 18: the person filed for took it into their account
}

# The complaint view's fields (api/views.complaint_view): any field not listed is shown to nobody.
COMPLAINT_FIELDS: dict[str, frozenset[Audience] | str] = {
    **dict.fromkeys(("id", "status", "category", "sector", "opd", "visibility", "anonymous",
                     "created_at", "updated_at", "deadlines", "overdue", "version", "jurisdiction",
                     "routing", "actions", "government", "unit", "channel", "lapor_id"), EVERYONE),
    "filed_by": STAFF | {A.FILER},      # a staff member's id
    **dict.fromkeys(("title", "description", "location"), PUBLISHED),
    "rating": CASE,             # its comment is the citizen's words
    "assignee": STAFF,          # a staff member's id
    "flags": STAFF,             # evidence that looks reused (domain/evidence): for the supervisor
    "reporter": IDENTITY,
    "similar": frozenset({A.OWNER}),    # the filing's offer of nearby public complaints (TRACK below)
}


def audience(actor: Actor | None, complaint: Complaint) -> Audience:
    if actor is None:
        return A.PUBLIC
    if is_owner(actor, complaint):
        return A.OWNER
    if is_opd_staff(actor, complaint):
        return A.OPD_STAFF
    if is_oversight(actor, complaint):
        return A.OVERSIGHT
    if is_filer(actor, complaint):
        return A.FILER
    if actor.role in (Role.OPERATOR, Role.SUPERVISOR, Role.INSPECTOR, Role.INTAKE):
        return A.OTHER_STAFF
    return A.OTHER_CITIZEN if actor.role == Role.CITIZEN else A.PUBLIC


def _who(spec: frozenset[Audience] | str, complaint: Complaint) -> frozenset[Audience]:
    if isinstance(spec, frozenset):
        return spec
    if spec == IDENTITY:       # the filer took the person's name down: they know it
        return frozenset({A.OWNER}) if complaint.anonymous else CASE | {A.FILER}
    if spec == PUBLISHED:      # the filer wrote the person's words down
        return EVERYONE if complaint.visibility == "public" else CASE | {A.FILER}
    return NOBODY


def is_owner(actor: Actor, complaint: Complaint) -> bool:
    return actor.role == Role.CITIZEN and actor.sub == complaint.reporter.sub


def is_filer(actor: Actor, complaint: Complaint) -> bool:
    """The intake staff member who filed it for a person: they see what they filed, nothing else."""
    return actor.role == Role.INTAKE and complaint.filed_by is not None and actor.sub == complaint.filed_by


def is_opd_staff(actor: Actor, complaint: Complaint) -> bool:
    """Staff of its OPD; an operator of one unit (disposisi) only while it is disposed to that unit
    (the lifecycle's parties: one definition of who works a complaint)."""
    return bool(parties_of(actor, complaint) & {Party.OPERATOR, Party.SUPERVISOR})


def is_oversight(actor: Actor, complaint: Complaint) -> bool:
    """Admins, and inspectors of the province or of the complaint's own government."""
    return actor.role == Role.ADMIN or (actor.role == Role.INSPECTOR and oversees(actor, complaint))


def can_see(actor: Actor | None, complaint: Complaint) -> bool:
    if actor is None:
        return False
    if (is_owner(actor, complaint) or is_opd_staff(actor, complaint) or is_oversight(actor, complaint)
            or is_filer(actor, complaint)):
        return True
    return complaint.visibility == "public" and actor.role == Role.CITIZEN


def shows_reporter(actor: Actor | None, complaint: Complaint) -> bool:
    """The owner always sees themselves; staff and oversight only when not anonymous."""
    return audience(actor, complaint) in _who(IDENTITY, complaint)


def complaint_fields(actor: Actor | None, complaint: Complaint) -> frozenset[str]:
    """The fields of the complaint view this caller may read (the others are shown as null)."""
    who = audience(actor, complaint)
    return frozenset(name for name, spec in COMPLAINT_FIELDS.items() if who in _who(spec, complaint))


def sees_event(actor: Actor | None, complaint: Complaint, event: Event) -> bool:
    rule = EVENTS.get(event.type)
    return rule is not None and audience(actor, complaint) in rule.event


def visible_event(actor: Actor | None, complaint: Complaint, event: Event) -> Event | None:
    """The event as this caller may see it, built from the allowed parts only (None: not at all)."""
    if not sees_event(actor, complaint, event):
        return None
    rule, who = EVENTS[event.type], audience(actor, complaint)
    ids = IDENTITY if event.actor_role == Role.CITIZEN.value else STAFF
    return Event(complaint_id=event.complaint_id, seq=event.seq, at=event.at, type=event.type,
                 actor_role=event.actor_role,
                 actor_id=event.actor_id if who in _who(ids, complaint) else None,
                 note=event.note if who in rule.note else None,
                 data={k: v for k, v in event.data.items() if who in rule.data.get(k, NOBODY)})


def listing_scope(actor: Actor) -> dict:
    """What `GET /v1/complaints` may return to this caller, as a filter the service applies."""
    if actor.role == Role.CITIZEN:
        return {"reporter": actor.sub}
    if actor.role == Role.INTAKE:
        return {"filed_by": actor.sub}
    if actor.role == Role.OPERATOR and actor.unit is not None:
        return {"opd": actor.opd, "unit": actor.unit}
    if actor.role in (Role.OPERATOR, Role.SUPERVISOR):
        return {"opd": actor.opd}
    return government_scope(actor)


def government_scope(actor: Actor) -> dict:
    """Oversight's reach: {} for the province's inspectors and admins (every government), a
    kabupaten/kota's inspectors {"government": theirs}."""
    if actor.role == Role.INSPECTOR and actor.government != PROVINCE:
        return {"government": actor.government}
    return {}


def shadow_scope(actor: Actor) -> dict | None:
    """What `GET /v1/sanctions/shadow` may return (the decisions proposed rules would have taken,
    services/shadow.py): inspectors and admins only, within their government; None for everyone
    else: an OPD is answerable to the rules in force, not to a draft."""
    return government_scope(actor) if actor.role in OVERSIGHT else None


def sanction_scope(actor: Actor) -> dict | None:
    """What `GET /v1/sanctions` may return: an operator their own (sanctions, warnings and
    reports naming them), a supervisor their own OPD's, inspectors and admins everything; None for
    everyone else (citizens see no sanctions list)."""
    if actor.role == Role.OPERATOR:
        return {"opd": actor.opd, "subject": f"operator#{actor.sub}"}
    if actor.role == Role.SUPERVISOR:
        return {"opd": actor.opd}
    if actor.role in OVERSIGHT:
        return government_scope(actor)
    return None


def can_read_audit(actor: Actor) -> bool:
    """The audit trail is for oversight: inspectors and admins (CONTRACT.md, Oversight) of the
    province. It is one trail across governments, so a kabupaten/kota's inspectors do not read it."""
    return actor.role in OVERSIGHT and not government_scope(actor)


# --- public tracking, the public list and support (issue 12) ---------------------------------------
# GET /v1/track/{id}: read as the `public` audience (no token), whatever the complaint's visibility.
TRACK_FIELDS: dict[str, frozenset[Audience] | str] = {
    **dict.fromkeys(("id", "status", "status_label", "category", "sector", "opd", "visibility",
                     "created_at", "deadlines", "overdue", "timeline"), EVERYONE),
    **dict.fromkeys(("title", "description", "location", "supporters"), PUBLISHED),
}
TRACK_EVENT_FIELDS = ("at", "type", "label")      # of each public-safe event: never a note or an id
# GET /v1/public/complaints and `similar`: no reporter, assignee, rating or anything a citizen wrote
# after filing (replies, comments: those are events, and the list carries none).
PUBLIC_ITEM_FIELDS = frozenset({"id", "status", "category", "sector", "opd", "title", "description",
                                "location", "created_at", "updated_at", "deadlines", "overdue",
                                "supporters", "distance_m"})


def in_public_list(complaint: Complaint) -> bool:
    """Whether the public list, the public indexes and `similar` may hold it: the reporter made it
    public (CONTRACT.md: complaints are private unless filed public)."""
    return complaint.visibility == "public"


def track_fields(complaint: Complaint) -> frozenset[str]:
    """The fields of the tracking view anyone may read of this complaint (the others are null)."""
    return frozenset(name for name, spec in TRACK_FIELDS.items() if A.PUBLIC in _who(spec, complaint))


def track_events(complaint: Complaint, events: list[Event]) -> list[Event]:
    """The public-safe timeline: the events `public` gets, cut as visible_event cuts them (no staff
    note, no citizen reply, no note text or actor id at all)."""
    return [shown for e in events if (shown := visible_event(None, complaint, e)) is not None]


def public_item_fields(complaint: Complaint) -> frozenset[str]:
    """The fields of a public-list item: PUBLIC_ITEM_FIELDS for a public complaint, none otherwise."""
    return PUBLIC_ITEM_FIELDS if in_public_list(complaint) else frozenset()


def support_refusal(actor: Actor, complaint: Complaint) -> str | None:
    """None when `actor` may support the complaint (a citizen who did not file it, on a public
    complaint); else why not: "not_found" to whoever may not see it (a private complaint is
    invisible to other citizens: 404), "own_complaint" to its reporter (403: one's own complaint
    needs no support, and counting it would let anyone inflate their own), "forbidden" to staff
    and on a private complaint its viewers see (403)."""
    if not can_see(actor, complaint):
        return "not_found"
    if is_owner(actor, complaint):
        return "own_complaint"
    if actor.role != Role.CITIZEN or not in_public_list(complaint):
        return "forbidden"
    return None


# --- attachments (CONTRACT.md Additions, "Evidence"; issue 12) -------------------------------------
# Who gets a processed attachment of a complaint they may see, by who uploaded it. The reporter's
# evidence is their own account in pictures: the case, and everyone only when they made the
# complaint public (as its description). Staff's photos of the work done: whoever may see the
# complaint. One not processed yet, or rejected, reaches only the person who uploaded it (to tell
# them how it went). Every download URL handed out is audited (services/attachments.py).
ATTACHMENTS: dict[str, frozenset[Audience] | str] = {"citizen": PUBLISHED, "staff": EVERYONE}


def _uploader(role: str) -> str:
    """What an upload is: the reporter's evidence (theirs, or taken for them at a desk by intake
    staff, such as a scanned letter), or staff's photos of the work done."""
    return "citizen" if role in (Role.CITIZEN.value, Role.INTAKE.value) else "staff"


def can_attach(actor: Actor, complaint: Complaint) -> bool:
    """POST /v1/complaints/{id}/attachments: the owner, the intake staff member who filed it (a
    letter scanned at the desk), or an operator of the complaint's OPD (of its unit, when disposed
    to one)."""
    return (is_owner(actor, complaint) or is_filer(actor, complaint)
            or (actor.role == Role.OPERATOR and is_opd_staff(actor, complaint)))


def sees_attachment(actor: Actor, complaint: Complaint, *, uploaded_by: str, uploaded_by_role: str,
                    ready: bool) -> bool:
    if not can_see(actor, complaint):
        return False
    if actor.sub == uploaded_by and actor.role.value == uploaded_by_role:
        return True
    if not ready:
        return False
    spec = ATTACHMENTS[_uploader(uploaded_by_role)]
    return audience(actor, complaint) in _who(spec, complaint)


def public_photo(complaint: Complaint, *, uploaded_by_role: str, image: bool, ready: bool) -> bool:
    """Whether anyone, without a token, may be shown this attachment (Open311's `media_url`, GET
    /v1/public/complaints/{id}/photos/{attachment}): a processed image of a complaint in the public
    list that ATTACHMENTS lets the public audience see. Documents (a scanned letter) never."""
    if not (ready and image and in_public_list(complaint)):
        return False
    spec = ATTACHMENTS[_uploader(uploaded_by_role)]
    return A.PUBLIC in _who(spec, complaint)


def followup_photo(complaint: Complaint, event: Event) -> str | None:
    """The photo of the work done a public follow-up shows (its first image: the event keeps a
    hash for images only), or None."""
    if event.type != "followed_up" or not in_public_list(complaint):
        return None
    hashes = event.data.get("photo_hashes") or {}
    return next((i for i in event.data.get("attachments") or () if i in hashes), None)


# --- public figures per month (GET /v1/stats/opds/monthly) -----------------------------------------
# Aggregates only, never a complaint: what anyone (no token) reads of a month of a government's or an
# OPD's counters. Per-channel splits and supporters stay with the league table, which has them per
# OPD; a figure added to the counters later reaches nobody here until it is named.
PUBLIC_MONTH_FIELDS = frozenset({"month", "complaints", "followup", "approval", "sanctions"})
PUBLIC_CLOCK_FIGURES = frozenset({"decided", "on_time", "late", "on_time_rate", "median_hours"})


def public_month(figures: dict) -> dict:
    """A month's figures cut to the allow-lists above."""
    return {k: ({f: x for f, x in v.items() if f in PUBLIC_CLOCK_FIGURES} if isinstance(v, dict) else v)
            for k, v in figures.items() if k in PUBLIC_MONTH_FIELDS}
