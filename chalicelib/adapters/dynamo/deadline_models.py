"""PynamoDB models of the `clocks` and `sanctions` tables (keys and indexes: tables.py).

Built per table prefix like the complaint models. A clock item carries the derived clock (from
the timeline) and the sweep's flags; `sweep_shard` + `next_check_at` exist only while the sweep
must look at it, which makes the `due` index sparse.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model

from .models import UTCTimeAttribute


def _index(name: str, hash_attr: str, range_attr: str, projection):
    meta = type("Meta", (), {"index_name": name, "projection": projection})
    body = {"Meta": meta, hash_attr: UnicodeAttribute(hash_key=True),
            range_attr: UnicodeAttribute(range_key=True)}
    return type(f"{name}_gsi", (GlobalSecondaryIndex,), body)()


@dataclass(frozen=True)
class DeadlineModels:
    Clock: type
    Sanction: type


@lru_cache(maxsize=None)
def deadline_models(prefix: str, region: str) -> DeadlineModels:
    def meta(short):
        return type("Meta", (), {"table_name": f"{prefix}{short}", "region": region})

    clock = type("ClockItem", (Model,), dict(
        Meta=meta("clocks"),
        complaint_id=UnicodeAttribute(hash_key=True), clock_key=UnicodeAttribute(range_key=True),
        name=UnicodeAttribute(), opd=UnicodeAttribute(), started_at=UnicodeAttribute(),
        state=UnicodeAttribute(), due_at=UTCTimeAttribute(null=True),
        ended_at=UTCTimeAttribute(null=True), ended_by=UnicodeAttribute(null=True),
        holder=UnicodeAttribute(null=True), remaining_seconds=NumberAttribute(),
        policy=JSONAttribute(), basis_seq=NumberAttribute(), rules_version=UnicodeAttribute(),
        warned_at=UTCTimeAttribute(null=True), settled_at=UTCTimeAttribute(null=True),
        sweep_shard=UnicodeAttribute(null=True), next_check_at=UnicodeAttribute(null=True),
        open_opd=UnicodeAttribute(null=True), open_due=UnicodeAttribute(null=True),
        due_index=_index("due", "sweep_shard", "next_check_at", KeysOnlyProjection()),
        by_opd_index=_index("by_opd", "opd", "started_at", AllProjection()),
        open_by_opd_index=_index("open_by_opd", "open_opd", "open_due", KeysOnlyProjection()),
    ))
    sanction = type("SanctionItem", (Model,), dict(
        Meta=meta("sanctions"),
        id=UnicodeAttribute(hash_key=True), kind=UnicodeAttribute(),
        complaint_id=UnicodeAttribute(), subject=UnicodeAttribute(), opd=UnicodeAttribute(),
        subject_type=UnicodeAttribute(), issued_key=UnicodeAttribute(), due_key=UnicodeAttribute(),
        body=JSONAttribute(), notified_at=UTCTimeAttribute(null=True),
        by_complaint_index=_index("by_complaint", "complaint_id", "issued_key", AllProjection()),
        by_opd_index=_index("by_opd", "opd", "issued_key", AllProjection()),
        by_subject_index=_index("by_subject", "subject", "due_key", AllProjection()),
        feed_index=_index("feed", "kind", "issued_key", AllProjection()),
    ))
    return DeadlineModels(Clock=clock, Sanction=sanction)
