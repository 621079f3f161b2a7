"""PynamoDB models of the tables in `tables.py`, and their mapping to the domain.

Table names come from Settings at run time (each stage, and each test, has its own prefix), so
the models are built by a factory and cached per (prefix, region) instead of being declared at
import. The complaint carries a VersionAttribute: PynamoDB turns every put into "only if the
stored version is what I loaded" and writes version + 1, which is the optimistic lock.

Times are stored as fixed-width UTC ISO-8601 with a 'Z' (e.g. 2026-11-28T04:30:00.000000Z):
lexical order is time order, which the `created_key` range keys rely on.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache

from pynamodb.attributes import (Attribute, BooleanAttribute, JSONAttribute, MapAttribute,
                                 NumberAttribute, UnicodeAttribute, VersionAttribute)
from pynamodb.constants import STRING
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from ...domain.model import Complaint, Event, Location, Rating, Reporter, Status
from .tables import COMPLAINT_INDEXES, FEED_ALL


def to_iso(at: datetime) -> str:
    if at.tzinfo is None:
        raise ValueError("naive datetime: the domain's times are timezone-aware")
    return at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def from_iso(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(timezone.utc)


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


class RatingMap(MapAttribute):
    stars = NumberAttribute()
    comment = UnicodeAttribute(null=True)


@dataclass(frozen=True)
class Models:
    Complaint: type
    Event: type
    Idempotency: type
    indexes: dict        # index name -> the complaint model's GlobalSecondaryIndex


def models_for(settings) -> Models:
    return _build(settings.table_prefix, settings.region)


def _gsi(index_name: str, hash_attr: str) -> GlobalSecondaryIndex:
    meta = type("Meta", (), {"index_name": index_name, "projection": AllProjection()})
    body = {"Meta": meta, hash_attr: UnicodeAttribute(hash_key=True),
            "created_key": UnicodeAttribute(range_key=True)}
    return type(f"{index_name}_gsi", (GlobalSecondaryIndex,), body)()


@lru_cache(maxsize=None)
def _build(prefix: str, region: str) -> Models:
    def meta(short):
        # No `host`: endpoints come from AWS_ENDPOINT_URL_DYNAMODB, which TransactWrite honours too.
        return type("Meta", (), {"table_name": f"{prefix}{short}", "region": region})

    complaint_attrs = dict(
        Meta=meta("complaints"),
        id=UnicodeAttribute(hash_key=True),
        status=UnicodeAttribute(), category=UnicodeAttribute(), sector=UnicodeAttribute(),
        opd=UnicodeAttribute(), title=UnicodeAttribute(), description=UnicodeAttribute(),
        reporter_sub=UnicodeAttribute(), reporter_name=UnicodeAttribute(null=True),
        created_at=UTCTimeAttribute(), updated_at=UTCTimeAttribute(), version=VersionAttribute(),
        location=LocationMap(null=True), visibility=UnicodeAttribute(),
        anonymous=BooleanAttribute(), assignee=UnicodeAttribute(null=True),
        jurisdiction=UnicodeAttribute(null=True), rating=RatingMap(null=True),
        routing_rule=UnicodeAttribute(null=True), rules_version=UnicodeAttribute(null=True),
        # derived, for the indexes only
        opd_status=UnicodeAttribute(), created_key=UnicodeAttribute(), feed=UnicodeAttribute(),
    )
    complaint_attrs.update({f"{name}_index": _gsi(name, h) for name, h in COMPLAINT_INDEXES.items()})
    event_attrs = dict(
        Meta=meta("timeline"),
        complaint_id=UnicodeAttribute(hash_key=True), seq=NumberAttribute(range_key=True),
        at=UTCTimeAttribute(), type=UnicodeAttribute(), actor_role=UnicodeAttribute(),
        actor_id=UnicodeAttribute(null=True), note=UnicodeAttribute(null=True),
        data=JSONAttribute(),   # free-form per event type; JSON round-trips None and lists exactly
    )
    idempotency_attrs = dict(
        Meta=meta("idempotency"),
        key=UnicodeAttribute(hash_key=True), complaint_id=UnicodeAttribute(),
        request_hash=UnicodeAttribute(null=True), created_at=UTCTimeAttribute(),
    )
    complaint = type("ComplaintItem", (Model,), complaint_attrs)
    return Models(Complaint=complaint,
                  Event=type("EventItem", (Model,), event_attrs),
                  Idempotency=type("IdempotencyItem", (Model,), idempotency_attrs),
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
        location=LocationMap(lat=loc.lat, lon=loc.lon, address=loc.address) if loc else None,
        assignee=c.assignee, jurisdiction=c.jurisdiction, routing_rule=c.routing_rule,
        rating=RatingMap(stars=rating.stars, comment=rating.comment) if rating else None,
        rules_version=c.rules_version, opd_status=f"{c.opd}#{c.status.value}",
        created_key=created_key(c), feed=FEED_ALL,
    )
    if stored_version is not None:   # left unset, PynamoDB requires that no item exists yet
        item.version = stored_version
    return item


def complaint_from_item(i) -> Complaint:
    loc, rating = i.location, i.rating
    return Complaint(
        id=i.id, status=Status(i.status), category=i.category, sector=i.sector, opd=i.opd,
        title=i.title, description=i.description, reporter=Reporter(i.reporter_sub, i.reporter_name),
        created_at=i.created_at, updated_at=i.updated_at, version=int(i.version),
        location=Location(loc.lat, loc.lon, loc.address) if loc else None,
        visibility=i.visibility, anonymous=i.anonymous, assignee=i.assignee,
        jurisdiction=i.jurisdiction, rating=Rating(int(rating.stars), rating.comment) if rating else None,
        routing_rule=i.routing_rule, rules_version=i.rules_version,
    )


def event_item(m: Models, e: Event):
    return m.Event(complaint_id=e.complaint_id, seq=e.seq, at=e.at, type=e.type,
                   actor_role=e.actor_role, actor_id=e.actor_id, note=e.note, data=dict(e.data))


def event_from_item(i) -> Event:
    return Event(complaint_id=i.complaint_id, seq=int(i.seq), at=i.at, type=i.type,
                 actor_role=i.actor_role, actor_id=i.actor_id, note=i.note, data=i.data or {})
