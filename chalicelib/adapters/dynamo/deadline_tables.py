"""Table specs of `clocks` and `sanctions` (merged into tables.TABLES, the single source)."""
from __future__ import annotations

S = "S"


def _keys(h, r=None):
    out = [{"AttributeName": h, "KeyType": "HASH"}]
    return out + ([{"AttributeName": r, "KeyType": "RANGE"}] if r else [])


def _gsi(name, h, r, projection="ALL"):
    return {"IndexName": name, "KeySchema": _keys(h, r), "Projection": {"ProjectionType": projection}}


def _attrs(*names):
    return [{"AttributeName": n, "AttributeType": S} for n in names]


DEADLINE_TABLES = {
    # Deadline clocks, one item per clock a complaint has had. `due` is sparse (only clocks the
    # sweep must look at) and sharded by complaint (sharding.py) so no partition runs hot.
    "clocks": {
        "KeySchema": _keys("complaint_id", "clock_key"),
        "AttributeDefinitions": _attrs("complaint_id", "clock_key", "sweep_shard", "next_check_at",
                                       "opd", "started_at", "open_opd", "open_due"),
        # `open_by_opd` is sparse too: only clocks that still run (or were paused after running
        # out), by OPD and due time — an OPD's overdue queue is one range query on it.
        "GlobalSecondaryIndexes": [_gsi("due", "sweep_shard", "next_check_at", "KEYS_ONLY"),
                                   _gsi("by_opd", "opd", "started_at"),
                                   _gsi("open_by_opd", "open_opd", "open_due", "KEYS_ONLY")],
        "BillingMode": "PAY_PER_REQUEST",
    },
    # Sanctions, warnings and reports under deterministic ids (conditional puts).
    "sanctions": {
        "KeySchema": _keys("id"),
        "AttributeDefinitions": _attrs("id", "complaint_id", "issued_key", "opd", "subject",
                                       "due_key", "kind"),
        "GlobalSecondaryIndexes": [_gsi("by_complaint", "complaint_id", "issued_key"),
                                   _gsi("by_opd", "opd", "issued_key"),
                                   _gsi("by_subject", "subject", "due_key"),
                                   _gsi("feed", "kind", "issued_key")],
        "BillingMode": "PAY_PER_REQUEST",
    },
}
