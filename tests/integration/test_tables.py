"""tables.py is the single source of keys and indexes: the PynamoDB models must agree with it,
and creating the tables from it must give what the app and the streams rely on."""
from __future__ import annotations

from datetime import datetime

import pytest

from chalicelib.adapters.dynamo.api_keys import api_key_model
from chalicelib.adapters.dynamo.attachments import attachment_models
from chalicelib.adapters.dynamo.evidence import evidence_model
from chalicelib.adapters.dynamo.models import models_for, shadow_models_for
from chalicelib.adapters.dynamo.people import people_model
from chalicelib.adapters.dynamo.support import support_models
from chalicelib.adapters.dynamo.tables import COMPLAINT_INDEXES, TABLES, create_tables, table_definitions
from chalicelib.config import from_env
from chalicelib.domain.times import WIB
from tests.integration.conftest import STORES


def _models_by_table(settings):
    m, shadow = models_for(settings), shadow_models_for(settings)
    return {"shadow-clocks": shadow.Clock, "shadow-sanctions": shadow.Sanction,
            "complaints": m.Complaint, "timeline": m.Event, "idempotency": m.Idempotency,
            "clocks": m.Clock, "sanctions": m.Sanction, "audit": m.Audit,
            "notifications": m.Notification, "people": people_model(settings),
            "evidence": evidence_model(settings.table_prefix, settings.region),
            "supports": support_models(settings.table_prefix, settings.region)[0],
            "open311_keys": api_key_model(settings),
            "attachments": attachment_models(settings.table_prefix, settings.region)[0]}


def _keys(schema):
    return sorted((k["AttributeName"], k["KeyType"]) for k in schema)


def test_every_table_has_a_model_with_the_same_keys_and_indexes(settings):
    models = _models_by_table(settings)
    assert set(models) == set(TABLES), "a table in tables.py without a model, or the reverse"
    for short, model in models.items():
        spec, schema = TABLES[short], model._get_schema()
        assert model.Meta.table_name == settings.table_name(short)
        assert _keys(schema["key_schema"]) == _keys(spec["KeySchema"])
        defined = sorted((a["AttributeName"], a["AttributeType"]) for a in spec["AttributeDefinitions"])
        modelled = sorted((a["AttributeName"], a["AttributeType"]) for a in schema["attribute_definitions"])
        assert modelled == defined
        gsis = {g["index_name"]: (_keys(g["key_schema"]), g["projection"]["ProjectionType"])
                for g in schema["global_secondary_indexes"]}
        declared = {g["IndexName"]: (_keys(g["KeySchema"]), g["Projection"]["ProjectionType"])
                    for g in spec.get("GlobalSecondaryIndexes", [])}
        assert gsis == declared
        lsis = {g["index_name"]: (_keys(g["key_schema"]), g["projection"]["ProjectionType"])
                for g in schema["local_secondary_indexes"]}
        assert lsis == {g["IndexName"]: (_keys(g["KeySchema"]), g["Projection"]["ProjectionType"])
                        for g in spec.get("LocalSecondaryIndexes", [])}


def test_the_clock_summary_shares_the_clocks_table_and_no_index_sees_it(settings):
    """The summary item lives beside the clocks under the same keys, and carries none of the
    attributes an index of the clocks table is keyed on (so the sweep and the queues skip it)."""
    m = models_for(settings)
    summary, clock = m.ClockSummary._get_schema(), m.Clock._get_schema()
    assert m.ClockSummary.Meta.table_name == m.Clock.Meta.table_name
    assert _keys(summary["key_schema"]) == _keys(clock["key_schema"])
    assert not summary["global_secondary_indexes"]
    index_keys = {k["AttributeName"] for g in TABLES["clocks"]["GlobalSecondaryIndexes"]
                  for k in g["KeySchema"]}
    table_keys = {k["AttributeName"] for k in TABLES["clocks"]["KeySchema"]}
    assert not (index_keys - table_keys) & set(m.ClockSummary.get_attributes())


def test_the_repository_queries_the_indexes_the_table_declares(settings):
    m = models_for(settings)
    assert set(m.indexes) == set(COMPLAINT_INDEXES)
    for name, index in m.indexes.items():
        assert index.Meta.index_name == name
        assert index._hash_key_attribute().attr_name == COMPLAINT_INDEXES[name]


def test_models_are_built_per_prefix_and_cached(settings):
    other = from_env({"TABLE_PREFIX": "lampungin-other-", "AWS_REGION": settings.region})
    assert models_for(settings) is models_for(settings)
    assert models_for(other).Complaint.Meta.table_name == "lampungin-other-complaints"
    assert models_for(settings).Complaint.Meta.table_name == settings.table_name("complaints")


def test_definitions_carry_stage_names_and_do_not_share_state(settings):
    defs = table_definitions(settings)
    assert {d["TableName"] for d in defs.values()} == {settings.table_name(s) for s in TABLES}
    defs["complaints"]["KeySchema"].clear()
    assert TABLES["complaints"]["KeySchema"]


def test_create_tables_is_idempotent_and_the_complaints_table_streams(dynamodb, settings):
    assert create_tables(dynamodb, settings) == []
    table = dynamodb.describe_table(TableName=settings.table_name("complaints"))["Table"]
    assert table["TableStatus"] == "ACTIVE"
    assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert {g["IndexName"] for g in table["GlobalSecondaryIndexes"]} == set(COMPLAINT_INDEXES)


def test_create_tables_accepts_a_resource_and_a_subset(settings):
    import boto3
    from moto import mock_aws

    with mock_aws():
        resource = boto3.resource("dynamodb", region_name=settings.region)
        assert create_tables(resource, settings, names={"timeline"}) == [settings.table_name("timeline")]
        assert resource.meta.client.list_tables()["TableNames"] == [settings.table_name("timeline")]


def test_times_are_stored_as_fixed_width_utc_iso(dynamodb, settings):
    """Stream consumers and the `created_key` sort order read these strings directly."""
    from chalicelib.adapters.dynamo.complaints import DynamoComplaintRepository
    from chalicelib.domain.lifecycle import file_complaint
    from chalicelib.domain.model import Actor, Role

    at = datetime(2026, 11, 2, 8, 0, tzinfo=WIB)   # 08:00 WIB
    complaint, event = file_complaint(
        complaint_id="ADU-261102-0000001", actor=Actor("warga-1", Role.CITIZEN), at=at,
        category="pajak-kendaraan", sector="pajak", opd="BAPENDA", title="t", description="d",
        location=None, visibility="private", anonymous=False, routing_rule=None, rules_version=None)
    DynamoComplaintRepository(settings).add(complaint, event)
    item = dynamodb.get_item(TableName=settings.table_name("complaints"),
                             Key={"id": {"S": complaint.id}})["Item"]
    assert item["created_at"] == {"S": "2026-11-02T01:00:00.000000Z"}
    assert item["created_key"] == {"S": "2026-11-02T01:00:00.000000Z#ADU-261102-0000001"}
    assert (item["opd_status"], item["version"]) == ({"S": "BAPENDA#assigned"}, {"N": "1"})


@pytest.mark.parametrize("store", STORES)
def test_a_table_from_an_earlier_version_gets_the_indexes_it_lacks(request, settings, store):
    """DynamoDB Local keeps tables across `make run`s: one created before an index was added to
    tables.py must get it on the next start, or the route that queries it would answer 500."""
    import copy

    import boto3
    request.getfixturevalue("dynamodb" if store == "dynamo" else "dynamodb_local")
    if store != "dynamo":
        endpoint = request.getfixturevalue("dynamodb_local")
        request.getfixturevalue("monkeypatch").setenv("AWS_ENDPOINT_URL_DYNAMODB", endpoint)
    client = boto3.client("dynamodb", region_name=settings.region)
    spec = table_definitions(settings)["complaints"]
    old = copy.deepcopy(spec)
    old["TableName"] = spec["TableName"] + "-old"
    old["GlobalSecondaryIndexes"] = [g for g in old["GlobalSecondaryIndexes"] if g["IndexName"] != "feed"]
    old["AttributeDefinitions"] = [a for a in old["AttributeDefinitions"] if a["AttributeName"] != "feed"]
    client.create_table(**old)
    from chalicelib.adapters.dynamo.tables import add_missing_indexes
    assert add_missing_indexes(client, {**spec, "TableName": old["TableName"]}, sleep=lambda s: None) == ["feed"]
    table = client.describe_table(TableName=old["TableName"])["Table"]
    assert "feed" in {g["IndexName"] for g in table["GlobalSecondaryIndexes"]}
    assert add_missing_indexes(client, {**spec, "TableName": old["TableName"]}) == []
    client.delete_table(TableName=old["TableName"])
