"""PynamoDB models of every table in `tables.py`, and their mapping to the domain.

Table names come from Settings at run time (each stage, and each test, has its own prefix), so
the models are built by a factory and cached per (prefix, region) instead of being declared at
import. Their indexes are built from tables.TABLES itself, so a model cannot query an index the
table does not declare. The complaint carries a VersionAttribute: PynamoDB turns every put into
"only if the stored version is what I loaded" and writes version + 1, which is the optimistic lock.

A clock item carries the derived clock (from the timeline) and the sweep's flags; `sweep_shard` +
`next_check_at` exist only while the sweep must look at it, which makes the `due` index sparse.
The clock summary (one per complaint, `clock_key` = tables.SUMMARY_KEY) shares the clocks table
under its own small model: the listing reads it, nothing else does.

Times are stored as fixed-width UTC ISO-8601 with a 'Z' (e.g. 2026-11-28T04:30:00.000000Z):
lexical order is time order, which the `created_key` range keys rely on (domain/times.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from pynamodb.attributes import (
    Attribute,
    BooleanAttribute,
    JSONAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    VersionAttribute,
)
from pynamodb.constants import STRING
from pynamodb.indexes import (
    AllProjection,
    GlobalSecondaryIndex,
    IncludeProjection,
    KeysOnlyProjection,
    LocalSecondaryIndex,
)
from pynamodb.models import Model

from ...domain import geo, policy
from ...domain.model import CHANNELS as INTAKE_CHANNELS
from ...domain.model import Complaint, Event, Location, Rating, Reporter, Status
from ...domain.people import DELIVERY_CHANNELS as CHANNELS
from ...domain.times import from_storage, iso_utc
from .tables import COMPLAINT_INDEXES, FEED_ALL, PUBLIC_FEED, SHADOW_PREFIX, TABLES


def to_iso(at: datetime) -> str:
    return iso_utc(at)


def from_iso(text: str) -> datetime:
    return from_storage(text)


QUOTA_SLOTS = 100       # the most filings a day config.py allows: one attribute per slot


def quota_slot(i: int) -> str:
    """The attribute of quota slot `i` ("s0" .. "s99"): top-level, so one slot is one condition."""
    if not 0 <= i < QUOTA_SLOTS:
        raise ValueError(f"quota slot {i} out of range")
    return f"s{i}"


def created_key(complaint: Complaint) -> str:
    """The range key of every complaint index: filing time, then id (see tables.py)."""
    return f"{to_iso(complaint.created_at)}#{complaint.id}"


class UTCTimeAttribute(Attribute[datetime]):
    attr_type = STRING

    def serialize(self, value: datetime) -> str:
        return to_iso(value)

    def deserialize(self, value: str) -> datetime:
        return from_iso(value)


class LocationMap(MapAttribute):
    lat = NumberAttribute(null=True)
    lon = NumberAttribute(null=True)
    address = UnicodeAttribute(null=True)
    region = UnicodeAttribute(null=True)       # Kemendagri code (issue 13)


class RatingMap(MapAttribute):
    stars = NumberAttribute()
    comment = UnicodeAttribute(null=True)


@dataclass(frozen=True)
class Models:
    Complaint: type
    Event: type
    Idempotency: type
    Quota: type          # a citizen's daily-limit window, beside the idempotency records
    LaporCursor: type    # where the SP4N-LAPOR! exchange goes on from (same table, key "lapor:cursor")
    Clock: type
    ClockSummary: type
    LeagueDay: type      # an OPD's league-table counters of one day (same table, key "league#<OPD>")
    Sanction: type
    Audit: type
    Notification: type   # what one person is told (tables.py `notifications`)
    NotificationProgress: type   # per complaint: the last timeline seq notified (same table)
    indexes: dict        # complaint index name -> the complaint model's GlobalSecondaryIndex


def models_for(settings) -> Models:
    return _build(settings.table_prefix, settings.region)


def shadow_models_for(settings) -> Models:
    """The same models over the shadow tables (tables.SHADOWED, named `<prefix>shadow-<table>`):
    only their Clock, ClockSummary and Sanction are used."""
    return _build(f"{settings.table_prefix}{SHADOW_PREFIX}", settings.region)


PROJECTIONS = {"ALL": AllProjection, "KEYS_ONLY": KeysOnlyProjection}


def _indexes(short: str) -> dict:
    """`<name>_index` attributes for every GSI and LSI tables.TABLES declares on `short` (all
    keys are strings there)."""
    out = {}
    for kind, base in (("GlobalSecondaryIndexes", GlobalSecondaryIndex),
                       ("LocalSecondaryIndexes", LocalSecondaryIndex)):
        for g in TABLES[short].get(kind, []):
            name = g["IndexName"]
            projected = g["Projection"]
            projection = (IncludeProjection(projected["NonKeyAttributes"]) if projected["ProjectionType"] == "INCLUDE"
                          else PROJECTIONS[projected["ProjectionType"]]())
            meta = type("Meta", (), {"index_name": name, "projection": projection})
            body: dict[str, object] = {"Meta": meta}
            for key in g["KeySchema"]:
                body[key["AttributeName"]] = UnicodeAttribute(hash_key=key["KeyType"] == "HASH",
                                                              range_key=key["KeyType"] == "RANGE")
            out[f"{name}_index"] = type(f"{short}_{name}_index", (base,), body)()
    return out


@cache
def _build(prefix: str, region: str) -> Models:
    def model(class_name: str, short: str, *, indexed: bool = True, **attrs: Any) -> type:
        # No `host`: endpoints come from AWS_ENDPOINT_URL_DYNAMODB, which TransactWrite honours too.
        meta = type("Meta", (), {"table_name": f"{prefix}{short}", "region": region})
        return type(class_name, (Model,), {"Meta": meta, **attrs, **(_indexes(short) if indexed else {})})

    complaint = model(
        "ComplaintItem", "complaints",
        id=UnicodeAttribute(hash_key=True),
        status=UnicodeAttribute(), category=UnicodeAttribute(), sector=UnicodeAttribute(),
        opd=UnicodeAttribute(), title=UnicodeAttribute(), description=UnicodeAttribute(),
        reporter_sub=UnicodeAttribute(), reporter_name=UnicodeAttribute(null=True),
        created_at=UTCTimeAttribute(), updated_at=UTCTimeAttribute(), version=VersionAttribute(),
        location=LocationMap(null=True), visibility=UnicodeAttribute(),
        anonymous=BooleanAttribute(), assignee=UnicodeAttribute(null=True),
        jurisdiction=UnicodeAttribute(null=True), rating=RatingMap(null=True),
        routing_rule=UnicodeAttribute(null=True), rules_version=UnicodeAttribute(null=True),
        flags=JSONAttribute(null=True), unit=UnicodeAttribute(null=True),
        channel=UnicodeAttribute(null=True), filed_by=UnicodeAttribute(null=True),   # null: "app", no filer
        lapor_id=UnicodeAttribute(null=True),
        # derived, for the indexes only (`government`: its OPD's, domain/governments; absent on items
        # written before issue 13, which were all the province's)
        opd_status=UnicodeAttribute(), created_key=UnicodeAttribute(), feed=UnicodeAttribute(),
        government=UnicodeAttribute(null=True),
        public_feed=UnicodeAttribute(null=True), public_cell=UnicodeAttribute(null=True))  # sparse
    event = model(
        "EventItem", "timeline",
        complaint_id=UnicodeAttribute(hash_key=True), seq=NumberAttribute(range_key=True),
        at=UTCTimeAttribute(), type=UnicodeAttribute(), actor_role=UnicodeAttribute(),
        actor_id=UnicodeAttribute(null=True), note=UnicodeAttribute(null=True),
        # data: free-form per event type; JSON round-trips None and lists exactly
        data=JSONAttribute(), source_ip=UnicodeAttribute(null=True))
    idempotency = model(
        "IdempotencyItem", "idempotency",
        key=UnicodeAttribute(hash_key=True), complaint_id=UnicodeAttribute(),
        request_hash=UnicodeAttribute(null=True), created_at=UTCTimeAttribute())
    slots: dict[str, Any] = {quota_slot(i): UnicodeAttribute(null=True) for i in range(QUOTA_SLOTS)}
    quota = model(      # same table, keys "quota:<hash>" (services/complaints.quota_key)
        "DailyQuotaItem", "idempotency", key=UnicodeAttribute(hash_key=True), **slots)   # stored times
    lapor_cursor = model("LaporCursorItem", "idempotency", key=UnicodeAttribute(hash_key=True),
                         cursor=UnicodeAttribute(null=True))
    def clock_keys() -> dict:       # each model gets its own attribute instances
        return dict(complaint_id=UnicodeAttribute(hash_key=True),
                    clock_key=UnicodeAttribute(range_key=True))

    clock = model(
        "ClockItem", "clocks", **clock_keys(),
        name=UnicodeAttribute(), opd=UnicodeAttribute(), started_at=UnicodeAttribute(),
        state=UnicodeAttribute(), due_at=UTCTimeAttribute(null=True),
        ended_at=UTCTimeAttribute(null=True), ended_by=UnicodeAttribute(null=True),
        holder=UnicodeAttribute(null=True), remaining_seconds=NumberAttribute(),
        channel=UnicodeAttribute(null=True),      # absent on clocks stored before issue 18: "app"
        policy=JSONAttribute(), basis_seq=NumberAttribute(), rules_version=UnicodeAttribute(),
        warned_at=UTCTimeAttribute(null=True), settled_at=UTCTimeAttribute(null=True),
        sweep_shard=UnicodeAttribute(null=True), next_check_at=UnicodeAttribute(null=True),
        open_opd=UnicodeAttribute(null=True), open_due=UnicodeAttribute(null=True),
        # the league table (domain/league.py): whether it counts its complaint, and what it added
        counts_complaint=BooleanAttribute(null=True), counted=UnicodeAttribute(null=True))
    # same table, keys "league#<OPD>" / WIB day (adapters/dynamo/league.py): the figures a sanction
    # or a support adds, inside the transaction that stores it (clocks add theirs there too)
    league_day = model(
        "LeagueDayItem", "clocks", indexed=False, **clock_keys(),
        **{f"{figure}_{ch}": NumberAttribute(null=True) for figure in ("s", "u") for ch in INTAKE_CHANNELS})
    summary = model(
        "ClockSummaryItem", "clocks", indexed=False, **clock_keys(),
        open=JSONAttribute(), basis_seq=NumberAttribute(), rules_version=UnicodeAttribute())
    sanction = model(
        "SanctionItem", "sanctions",
        id=UnicodeAttribute(hash_key=True), kind=UnicodeAttribute(),
        complaint_id=UnicodeAttribute(), subject=UnicodeAttribute(), opd=UnicodeAttribute(),
        subject_type=UnicodeAttribute(), issued_key=UnicodeAttribute(), due_key=UnicodeAttribute(),
        body=JSONAttribute(), notified_at=UTCTimeAttribute(null=True))
    audit = model(
        "AuditItem", "audit",
        id=UnicodeAttribute(hash_key=True), at=UTCTimeAttribute(), at_key=UnicodeAttribute(),
        feed=UnicodeAttribute(), actor_role=UnicodeAttribute(), actor_id=UnicodeAttribute(null=True),
        action=UnicodeAttribute(), complaint_id=UnicodeAttribute(null=True),
        source_ip=UnicodeAttribute(null=True))
    def notification_keys() -> dict:
        return dict(recipient=UnicodeAttribute(hash_key=True), id=UnicodeAttribute(range_key=True))

    channel_attrs: dict[str, Any] = {f"delivered_{ch}": UTCTimeAttribute(null=True) for ch in CHANNELS}
    channel_attrs.update({f"lease_{ch}": UnicodeAttribute(null=True) for ch in CHANNELS})
    notification = model(
        "NotificationItem", "notifications", **notification_keys(),
        at=UTCTimeAttribute(), at_key=UnicodeAttribute(), type=UnicodeAttribute(),
        complaint_id=UnicodeAttribute(null=True), title=JSONAttribute(), body=JSONAttribute(),
        source=UnicodeAttribute(), read_at=UTCTimeAttribute(null=True),
        queued_at=UTCTimeAttribute(null=True),
        # per channel: when it was delivered, and until when a worker holds the right to deliver
        **channel_attrs)
    progress = model(   # keys "complaint:<id>" / "progress": no `at_key`, so no index sees it
        "NotificationProgressItem", "notifications", indexed=False, **notification_keys(),
        seq=NumberAttribute())
    return Models(Complaint=complaint, Event=event, Idempotency=idempotency, Quota=quota,
                  LaporCursor=lapor_cursor, Clock=clock,
                  ClockSummary=summary, LeagueDay=league_day, Sanction=sanction, Audit=audit, Notification=notification,
                  NotificationProgress=progress,
                  # the model binds its own copies of the indexes: use those
                  indexes={name: getattr(complaint, f"{name}_index") for name in COMPLAINT_INDEXES})


def complaint_item(m: Models, c: Complaint, stored_version: int | None):
    """`stored_version` is the version the write expects to find (None: must not exist)."""
    loc, rating = c.location, c.rating
    item = m.Complaint(
        id=c.id, status=c.status.value, category=c.category, sector=c.sector, opd=c.opd,
        title=c.title, description=c.description, reporter_sub=c.reporter.sub,
        reporter_name=c.reporter.name, created_at=c.created_at, updated_at=c.updated_at,
        visibility=c.visibility, anonymous=c.anonymous,
        location=LocationMap(lat=loc.lat, lon=loc.lon, address=loc.address, region=loc.region) if loc else None,
        assignee=c.assignee, jurisdiction=c.jurisdiction, routing_rule=c.routing_rule,
        rating=RatingMap(stars=rating.stars, comment=rating.comment) if rating else None,
        rules_version=c.rules_version, flags=[dict(f) for f in c.flags] or None, unit=c.unit,
        channel=c.channel, filed_by=c.filed_by, lapor_id=c.lapor_id,
        opd_status=f"{c.opd}#{c.status.value}", government=c.government,
        created_key=created_key(c), feed=FEED_ALL, **public_index_keys(c),
    )
    if stored_version is not None:   # left unset, PynamoDB requires that no item exists yet
        item.version = stored_version
    return item


def public_index_keys(c: Complaint) -> dict:
    """The keys of the sparse public indexes (tables.py): set only on what the privacy policy lets
    the public list (domain/policy.in_public_list), the cell only with a location; None is not
    written, so nothing else reaches those indexes."""
    if not policy.in_public_list(c):
        return {"public_feed": None, "public_cell": None}
    return {"public_feed": PUBLIC_FEED, "public_cell": geo.cell_of(c.location)}


def complaint_from_item(i) -> Complaint:
    loc, rating = i.location, i.rating
    return Complaint(
        id=i.id, status=Status(i.status), category=i.category, sector=i.sector, opd=i.opd,
        title=i.title, description=i.description, reporter=Reporter(i.reporter_sub, i.reporter_name),
        created_at=i.created_at, updated_at=i.updated_at, version=int(i.version),
        location=Location(loc.lat, loc.lon, loc.address, loc.region) if loc else None,
        visibility=i.visibility, anonymous=i.anonymous, assignee=i.assignee,
        jurisdiction=i.jurisdiction, rating=Rating(int(rating.stars), rating.comment) if rating else None,
        routing_rule=i.routing_rule, rules_version=i.rules_version,
        flags=tuple(i.flags or ()), unit=i.unit, channel=i.channel or "app", filed_by=i.filed_by,
        lapor_id=i.lapor_id,
    )


def event_item(m: Models, e: Event):
    return m.Event(complaint_id=e.complaint_id, seq=e.seq, at=e.at, type=e.type,
                   actor_role=e.actor_role, actor_id=e.actor_id, note=e.note, data=dict(e.data),
                   source_ip=e.source_ip)


def event_from_item(i) -> Event:
    return Event(complaint_id=i.complaint_id, seq=int(i.seq), at=i.at, type=i.type,
                 actor_role=i.actor_role, actor_id=i.actor_id, note=i.note, data=i.data or {},
                 source_ip=i.source_ip)
