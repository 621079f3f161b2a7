"""The DynamoDB tables of Lampung In, as plain data in boto3 `create_table` form.

This is the single source of keys and indexes. The local stack and the tests create tables from
it, infra/ generates CloudFormation from it, and tests/integration/test_tables.py checks the
PynamoDB models against it, so the three cannot drift. No SDK is imported here.

Listing complaints (GSIs on `complaints`, every one ALL-projected, every range key `created_key`):

* `created_key` = "<created_at as UTC ISO, fixed width>#<id>": sorts by filing time, and the id
  breaks ties, so "newest first" is a total order and a page boundary is one exact item.
* `by_opd_status` (hash `opd_status` = "<opd>#<status>") is an OPD's queue for one status, newest
  first. A single (opd, "<status>#<created>") index would serve this but not "all of an OPD's
  complaints, newest first" across statuses; two small indexes are cheaper than merging 7 ranges.
* `by_opd` (hash `opd`), `by_reporter` (hash `reporter_sub`: a citizen's own complaints; other
  filters become filter expressions over that small partition), `by_status` (hash `status`).
* `feed` (hash `feed`, always "all"): inspectors and admins list everything newest first without a
  Scan. One partition takes ~1000 writes/s; Lampung's complaint volume is four orders of magnitude
  below that, and with no LSI there is no 10 GB item-collection limit. If that ever changes, shard
  the hash by month and walk months backwards (the cursor would then carry the month).
"""
from __future__ import annotations

import copy

S, N = "S", "N"
PAY_PER_REQUEST = "PAY_PER_REQUEST"
FEED_ALL = "all"     # the one value of `feed`
PUBLIC_FEED = "public"   # the one value of `public_feed` (public complaints only)


def _keys(hash_attr: str, range_attr: str | None = None) -> list[dict]:
    schema = [{"AttributeName": hash_attr, "KeyType": "HASH"}]
    if range_attr:
        schema.append({"AttributeName": range_attr, "KeyType": "RANGE"})
    return schema


def _attrs(**types: str) -> list[dict]:
    return [{"AttributeName": name, "AttributeType": t} for name, t in types.items()]


def _gsi(name: str, hash_attr: str, range_attr: str, projection: str = "ALL",
         include: tuple[str, ...] = ()) -> dict:
    spec: dict = {"ProjectionType": "INCLUDE", "NonKeyAttributes": list(include)} if include else {
        "ProjectionType": projection}
    return {"IndexName": name, "KeySchema": _keys(hash_attr, range_attr), "Projection": spec}


# index name -> hash attribute; the range attribute is always `created_key`.
COMPLAINT_INDEXES: dict[str, str] = {
    "by_opd_status": "opd_status",
    "by_opd": "opd",
    "by_reporter": "reporter_sub",
    "by_status": "status",
    "by_government": "government",     # issue 13: a kabupaten/kota's inspectors list their government's
    "by_filer": "filed_by",            # issue 18, sparse: intake staff list what they filed (no other item has it)
    "feed": "feed",
    # sparse (issue 12): only public complaints carry `public_feed` (PUBLIC_FEED), and only located
    # ones `public_cell` (their geohash cell, domain/geo.py): GET /v1/public/complaints, `near=`
    # and a filing's `similar` query these, never a Scan; a private complaint writes neither index.
    "public_feed": "public_feed",
    "public_by_cell": "public_cell",
}

TABLES: dict[str, dict] = {
    # One item per complaint (aduan); the stream feeds the rules Lambda (clocks, notifications).
    "complaints": {
        "KeySchema": _keys("id"),
        "AttributeDefinitions": _attrs(id=S, created_key=S,
                                       **{h: S for h in COMPLAINT_INDEXES.values()}),
        "GlobalSecondaryIndexes": [_gsi(name, hash_attr, "created_key")
                                   for name, hash_attr in COMPLAINT_INDEXES.items()],
        "BillingMode": PAY_PER_REQUEST,
        "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"},
    },
    # Immutable timeline events; `seq` is the complaint version the event produced.
    "timeline": {
        "KeySchema": _keys("complaint_id", "seq"),
        "AttributeDefinitions": _attrs(complaint_id=S, seq=N),
        "BillingMode": PAY_PER_REQUEST,
    },
    # Idempotency-Key (stored as a hash of caller and key) -> the complaint it created. Kept
    # forever: the contract says a repeat never makes a second complaint, so no TTL. Also one
    # quota item per citizen ("quota:" + hash): the filing times of the last 24 hours in slots,
    # claimed in the filing's own transaction, so the daily limit holds under races.
    "idempotency": {
        "KeySchema": _keys("key"),
        "AttributeDefinitions": _attrs(key=S),
        "BillingMode": PAY_PER_REQUEST,
    },
    # Deadline clocks, one item per clock a complaint has had, plus one summary item per
    # complaint (clock_key SUMMARY_KEY: its open clocks, for listings; it carries no index
    # attribute, so no index sees it). `due` is sparse (only clocks the sweep must look at) and
    # sharded by complaint (sharding.py) so no partition runs hot; `open_by_opd` is sparse too:
    # only clocks that still run (or were paused after running out), by OPD and due time, so an
    # OPD's overdue queue is one range query on it. (An ALL-projected `by_opd` index, read by the
    # league table before its day counters, was dropped in issue 16: unread, it cost a copy of
    # every clock write — 24 of a complaint's life's write units.)
    "clocks": {
        "KeySchema": _keys("complaint_id", "clock_key"),
        "AttributeDefinitions": _attrs(complaint_id=S, clock_key=S, sweep_shard=S, next_check_at=S,
                                       open_opd=S, open_due=S),
        "GlobalSecondaryIndexes": [_gsi("due", "sweep_shard", "next_check_at", "KEYS_ONLY"),
                                   _gsi("open_by_opd", "open_opd", "open_due", "KEYS_ONLY")],
        "BillingMode": PAY_PER_REQUEST,
    },
    # Sanctions, warnings and reports under deterministic ids (conditional puts).
    "sanctions": {
        "KeySchema": _keys("id"),
        "AttributeDefinitions": _attrs(id=S, complaint_id=S, issued_key=S, opd=S, subject=S,
                                       due_key=S, kind=S),
        "GlobalSecondaryIndexes": [_gsi("by_complaint", "complaint_id", "issued_key"),
                                   _gsi("by_opd", "opd", "issued_key"),
                                   # repeat misses are only counted here (services/sweep.py): keys and
                                   # `kind` (≈ 150 B an item instead of the whole ≈ 3.6 KB sanction),
                                   # so one read unit counts ≈ 25 earlier misses (docs/performance.md)
                                   _gsi("by_subject", "subject", "due_key", include=("kind",)),
                                   _gsi("feed", "kind", "issued_key")],
        "BillingMode": PAY_PER_REQUEST,
    },
    # The audit trail (GET /v1/audit): append-only, ids deterministic where the audited thing has
    # one (a timeline event, a sanction). `at_key` = "<at as UTC ISO>#<id>" sorts newest first;
    # `feed` is the one value "all" (the whole trail without a Scan), as on `complaints`.
    "audit": {
        "KeySchema": _keys("id"),
        "AttributeDefinitions": _attrs(id=S, at_key=S, feed=S, complaint_id=S, actor_id=S),
        "GlobalSecondaryIndexes": [_gsi("feed", "feed", "at_key"),
                                   _gsi("by_complaint", "complaint_id", "at_key"),
                                   _gsi("by_actor", "actor_id", "at_key")],
        "BillingMode": PAY_PER_REQUEST,
    },
    # What each person is told (GET /v1/me/notifications): one partition per recipient, keyed by
    # the notification's deterministic id (a conditional put makes a repeat a no-op); `by_time`
    # (an LSI: same partition, `at_key` = "<at as UTC ISO>#<id>") lists it newest first. Items
    # without `at_key` (a complaint's notification progress marker) are in no index.
    "notifications": {
        "KeySchema": _keys("recipient", "id"),
        "AttributeDefinitions": _attrs(recipient=S, id=S, at_key=S),
        "LocalSecondaryIndexes": [{"IndexName": "by_time", "KeySchema": _keys("recipient", "at_key"),
                                   "Projection": {"ProjectionType": "ALL"}}],
        "BillingMode": PAY_PER_REQUEST,
    },
    # People's notification preferences (personal data, apart from complaints): one item per
    # `sub`; e-mail, phone and push token are encrypted by the app (KMS) before they get here.
    "people": {
        "KeySchema": _keys("sub"),
        "AttributeDefinitions": _attrs(sub=S),
        "BillingMode": PAY_PER_REQUEST,
    },
    # Honest follow-ups (domain/evidence.py): each follow-up's text and photos filed under their
    # locality-sensitive keys (`key` = "<kind>:<band>:<value>", `ref` = "<complaint>#<what>"), so a
    # near copy used on another complaint is found with a few queries, never a Scan.
    "evidence": {
        "KeySchema": _keys("key", "ref"),
        "AttributeDefinitions": _attrs(key=S, ref=S),
        "BillingMode": PAY_PER_REQUEST,
    },
    # Supports of public complaints (POST /v1/complaints/{id}/support): one item per (complaint,
    # supporter key: a hash of the citizen, never the citizen), plus the complaint's counter under
    # supporter SUPPORT_COUNT_KEY, changed in the same transaction (adapters/dynamo/support.py).
    "supports": {
        "KeySchema": _keys("complaint_id", "supporter"),
        "AttributeDefinitions": _attrs(complaint_id=S, supporter=S),
        "BillingMode": PAY_PER_REQUEST,
    },
    # Open311 API keys (services/open311_keys.py): one item per issued key, under its key id; only
    # a salt and an HMAC of the secret, never the key. A few dozen items: the CLI's `list` reads
    # the table whole, the API reads one item by key id.
    "open311_keys": {
        "KeySchema": _keys("key_id"),
        "AttributeDefinitions": _attrs(key_id=S),
        "BillingMode": PAY_PER_REQUEST,
    },
    # Attachments (POST/GET /v1/complaints/{id}/attachments): one item per attachment (`id`
    # "att-…") and one slots item per complaint (`id` ATTACHMENT_SLOTS_ID): the count limit as
    # slots taken by conditional writes, in the reservation's own transaction (dynamo/attachments.py).
    "attachments": {
        "KeySchema": _keys("complaint_id", "id"),
        "AttributeDefinitions": _attrs(complaint_id=S, id=S),
        "BillingMode": PAY_PER_REQUEST,
    },
}
# Shadow mode (services/shadow.py): the shadow rules' clocks and "would have" decisions, in tables of
# their own shaped exactly like `clocks` and `sanctions` (the same repositories read them), so the
# active sweep, the queues and the league table can never see a shadow item. Empty while no shadow
# bundle is configured; on-demand billing, so an empty table costs nothing.
SHADOW_PREFIX = "shadow-"
SHADOWED = ("clocks", "sanctions")
TABLES.update({f"{SHADOW_PREFIX}{short}": copy.deepcopy(TABLES[short]) for short in SHADOWED})

SUPPORT_COUNT_KEY = "#count"   # the supporter key of a complaint's counter (the others are hex)
ATTACHMENT_SLOTS_ID = "#slots"   # the `id` of a complaint's attachment slots (attachment ids are "att-…")
SUMMARY_KEY = "summary"     # the clock_key of a complaint's summary item (clock keys hold a '#')


def table_definitions(settings) -> dict[str, dict]:
    """Full `create_table` arguments per short name, with this stage's table names."""
    return {short: {"TableName": settings.table_name(short), **copy.deepcopy(spec)}
            for short, spec in TABLES.items()}


def create_tables(client_or_resource, settings, names=None) -> list[str]:
    """Create the tables that do not exist yet and wait until each is ACTIVE.

    Idempotent, so the local stack can call it on every start. Takes a boto3 DynamoDB client or
    resource. Returns the names of the tables it created.
    """
    client = getattr(client_or_resource.meta, "client", client_or_resource)
    created = []
    for short, spec in table_definitions(settings).items():
        if names is not None and short not in names:
            continue
        try:
            client.create_table(**spec)
            created.append(spec["TableName"])
        except client.exceptions.ResourceInUseException:
            pass   # already there (or being created): just wait for it below
        client.get_waiter("table_exists").wait(
            TableName=spec["TableName"], WaiterConfig={"Delay": 1, "MaxAttempts": 120})
        add_missing_indexes(client, spec)
    return created


def add_missing_indexes(client, spec: dict, *, sleep=None, attempts: int = 300) -> list[str]:
    """A table kept from an earlier version (DynamoDB Local's data under .local/) gets the global
    indexes tables.py has gained since, one at a time as DynamoDB requires, each waited for until
    ACTIVE: a new index never makes the local stack answer 500. Items written before are indexed
    by DynamoDB itself (backfill); items missing the new index's attributes stay out, as designed
    for sparse indexes. Returns the names of the indexes it added."""
    import time  # lazy: only the local stack and the tests create tables

    sleep = sleep or time.sleep
    name = spec["TableName"]
    have = {g["IndexName"] for g in client.describe_table(TableName=name)["Table"].get("GlobalSecondaryIndexes", [])}
    added = []
    for gsi in spec.get("GlobalSecondaryIndexes", []):
        if gsi["IndexName"] in have:
            continue
        client.update_table(TableName=name, AttributeDefinitions=spec["AttributeDefinitions"],
                            GlobalSecondaryIndexUpdates=[{"Create": copy.deepcopy(gsi)}])
        for _ in range(attempts):
            table = client.describe_table(TableName=name)["Table"]
            states = {g["IndexName"]: g.get("IndexStatus") for g in table.get("GlobalSecondaryIndexes", [])}
            if states.get(gsi["IndexName"]) in ("ACTIVE", None) and table.get("TableStatus") == "ACTIVE":
                break
            sleep(1)
        added.append(gsi["IndexName"])
    return added
