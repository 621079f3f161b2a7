"""People's preferences at rest, and the right to be forgotten in the complaint store.

GIVEN the people table on DynamoDB (moto) and a KMS key (moto's KMS),
* what is stored holds no e-mail, phone or push token in clear, and reads back as written;
* a ciphertext is bound to its person and field: copied into another person's item (or field)
  it does not decrypt, and reads as absent instead of as the other person's address;
* get_many reads a page of people in batches, delete says whether there was anything;
* the local stack's key (lampungin/localstack/people_key.py) is made once, under its alias.
GIVEN any ComplaintRepository (the fake, moto, DynamoDB Local): deidentify_reporter moves the
complaint out of the reporter's listing, relabels the reporter's events, is a new version with its
own event, never loses a concurrent change and is not undone by a stale save.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.adapters.dynamo.people import DynamoPeopleStore
from chalicelib.adapters.kms_cipher import CipherError, KmsCipher
from chalicelib.domain.errors import Conflict
from chalicelib.domain.lifecycle import Action, decide
from chalicelib.domain.people import Preferences
from chalicelib.services.ports import REPORTER_FORGOTTEN, ListQuery
from tests.fakes import FakeCipher
from tests.integration.test_complaint_repository import act, citizen, filed, operator

REGION = "ap-southeast-3"
T0 = datetime(2026, 11, 27, 2, 0, tzinfo=timezone.utc)
SITI = Preferences(sub="warga-1", language="en", channels=("email", "whatsapp"), email="siti.rahayu@contoh.id",
                   phone="+6281234567890", push_token="fcm:APA91b-token_123", updated_at=T0)


@pytest.fixture
def kms(dynamodb):          # inside the `dynamodb` fixture's mock_aws: moto's KMS as well
    import boto3
    client = boto3.client("kms", region_name=REGION)
    return client, client.create_key(Description="people (test)")["KeyMetadata"]["KeyId"]


@pytest.fixture
def store(settings, kms):
    client, key_id = kms
    return DynamoPeopleStore(settings, KmsCipher(key_id, REGION, client=client))


def raw_item(dynamodb, settings, sub: str) -> dict:
    return dynamodb.get_item(TableName=settings.table_name("people"), Key={"sub": {"S": sub}})["Item"]


def test_nothing_personal_is_stored_in_clear_and_it_reads_back(store, dynamodb, settings):
    store.put(SITI)
    item = raw_item(dynamodb, settings, "warga-1")
    text = json.dumps(item)
    for secret in ("siti.rahayu", "contoh.id", "81234567890", "APA91b"):
        assert secret not in text
    assert set(item) == {"sub", "language", "channels", "updated_at", "email_enc", "phone_enc", "push_token_enc"}
    assert item["language"] == {"S": "en"} and item["channels"] == {"L": [{"S": "email"}, {"S": "whatsapp"}]}
    assert store.get("warga-1") == SITI
    assert store.get("nobody") is None


def test_absent_fields_are_not_stored_at_all(store, dynamodb, settings):
    store.put(Preferences(sub="warga-2", channels=(), updated_at=T0))
    assert "email_enc" not in raw_item(dynamodb, settings, "warga-2")
    assert store.get("warga-2") == Preferences(sub="warga-2", updated_at=T0)


def test_a_ciphertext_copied_to_another_person_or_field_does_not_decrypt(store, dynamodb, settings, kms):
    store.put(SITI)
    store.put(Preferences(sub="warga-2", email="budi@contoh.id", updated_at=T0))
    stolen = raw_item(dynamodb, settings, "warga-1")
    table = settings.table_name("people")
    dynamodb.update_item(TableName=table, Key={"sub": {"S": "warga-2"}},
                         UpdateExpression="SET email_enc = :e, phone_enc = :p",
                         ExpressionAttributeValues={":e": stolen["email_enc"], ":p": stolen["email_enc"]})
    got = store.get("warga-2")
    assert got is not None and got.email is None and got.phone is None      # absent, not Siti's
    client, key_id = kms
    cipher = KmsCipher(key_id, REGION, client=client)
    sealed = cipher.encrypt("siti@contoh.id", sub="warga-1", field="email")
    assert cipher.decrypt(sealed, sub="warga-1", field="email") == "siti@contoh.id"
    for sub, field in (("warga-2", "email"), ("warga-1", "phone")):
        with pytest.raises(CipherError):
            cipher.decrypt(sealed, sub=sub, field=field)
    for junk in ("", "not base64!", "AAAA"):
        with pytest.raises(CipherError):
            cipher.decrypt(junk, sub="warga-1", field="email")


def test_the_local_stack_key_is_made_once_and_encrypts_under_its_alias(kms):
    from lampungin.localstack.people_key import ALIAS, ensure_people_key

    client, _ = kms
    key_id = ensure_people_key(client)
    assert ensure_people_key(client) == key_id
    assert client.describe_key(KeyId=ALIAS)["KeyMetadata"]["KeyId"] == key_id
    cipher = KmsCipher(key_id, REGION, client=client)
    assert cipher.decrypt(cipher.encrypt("0812", sub="u", field="phone"), sub="u", field="phone") == "0812"


def test_with_a_state_dir_the_local_key_outlives_moto(aws_env, tmp_path):
    """`make run` twice on DynamoDB Local: what the first run sealed opens in the second."""
    import boto3
    from moto import mock_aws

    from lampungin.localstack.people_key import KEY_FILE, ensure_people_key

    with mock_aws():
        client = boto3.client("kms", region_name=REGION)
        first = ensure_people_key(client, home=tmp_path)
        sealed = KmsCipher(first, REGION, client=client).encrypt("siti@contoh.id", sub="u", field="email")
    assert oct((tmp_path / KEY_FILE).stat().st_mode & 0o777) == "0o600"
    with mock_aws():                                  # a new moto: it knows no key
        client = boto3.client("kms", region_name=REGION)
        assert ensure_people_key(client, home=tmp_path) == first
        assert KmsCipher("alias/lampungin-local-people", REGION, client=client).decrypt(
            sealed, sub="u", field="email") == "siti@contoh.id"


def test_get_many_reads_pages_of_people_and_delete_says_whether_there_was_any(store):
    for i in range(130):
        store.put(Preferences(sub=f"p-{i:03d}", phone="+6281200000000", channels=("sms",), updated_at=T0))
    subs = [f"p-{i:03d}" for i in range(130)] + ["nobody", "p-000"]
    found = store.get_many(subs)
    assert set(found) == {f"p-{i:03d}" for i in range(130)}
    assert found["p-129"].address("sms") == "+6281200000000"
    assert store.get_many([]) == {}
    assert store.delete("p-000") is True and store.delete("p-000") is False
    assert store.get("p-000") is None


def test_the_store_round_trips_on_dynamodb_local_with_the_longest_push_token(dynamodb_local_tables, settings):
    store = DynamoPeopleStore(settings, FakeCipher())
    longest = Preferences(sub="warga-1", channels=("push",), push_token="x" * 4096, updated_at=T0)
    store.put(longest)
    assert store.get("warga-1") == longest and store.get_many(["warga-1"]) == {"warga-1": longest}


# --- the right to be forgotten, on every ComplaintRepository ---------------------------------------
def _worked(repo):
    """A complaint of warga-1 that the operator asked about and the citizen answered."""
    c, e = filed(reporter=citizen())
    repo.add(c, e)
    c, _ = act(repo, c, Action.CLAIM, operator(), T0)
    c, _ = act(repo, c, Action.REQUEST_INFO, operator(), T0 + timedelta(hours=1), question="NIK?")
    c, _ = act(repo, c, Action.REPLY, citizen(), T0 + timedelta(hours=2), message="1871...")
    return c


def test_deidentify_moves_the_reporter_relabels_their_events_and_is_a_new_version(repo):
    c = _worked(repo)
    at = T0 + timedelta(hours=3)
    assert repo.deidentify_reporter(c.id, "warga-1", "forgotten:0123456789abcdef", at=at) is True
    got = repo.get(c.id)
    assert got.reporter.sub == "forgotten:0123456789abcdef" and got.reporter.name is None
    assert (got.version, got.status, got.assignee, got.updated_at) == (c.version + 1, c.status, "op-1", at)
    assert repo.list(ListQuery(reporter="warga-1")).items == []
    assert [x.id for x in repo.list(ListQuery(opd="DINKES")).items] == [c.id]
    events = repo.timeline(c.id)
    assert [e.seq for e in events] == list(range(1, got.version + 1))
    assert events[-1].type == REPORTER_FORGOTTEN and events[-1].actor_id == "forgotten:0123456789abcdef"
    assert all(e.actor_id != "warga-1" for e in events)
    assert {e.actor_id for e in events if e.actor_role == "citizen"} == {"forgotten:0123456789abcdef"}
    assert {e.actor_id for e in events if e.actor_role == "operator"} == {"op-1"}
    assert repo.deidentify_reporter(c.id, "warga-1", "forgotten:ffffffffffffffff", at=at) is False
    assert repo.deidentify_reporter("ADU-261102-0000000", "warga-1", "forgotten:1", at=at) is False


def test_a_stale_save_cannot_restore_the_reporter(repo):
    c = _worked(repo)
    assert repo.deidentify_reporter(c.id, "warga-1", "forgotten:aaaaaaaaaaaaaaaa", at=T0 + timedelta(hours=3))
    stale, event = decide(c, Action.FOLLOW_UP, operator(), T0 + timedelta(hours=4), {"message": "Sudah."})
    with pytest.raises(Conflict):
        repo.save(stale, event)           # read before the de-identification: refused, not restored
    assert repo.get(c.id).reporter.sub == "forgotten:aaaaaaaaaaaaaaaa"


def test_a_change_made_meanwhile_is_kept_and_its_citizen_event_relabelled(repo, monkeypatch):
    c = _worked(repo)
    c2, _ = act(repo, c, Action.REQUEST_INFO, operator(), T0 + timedelta(hours=3), question="Alamat?")
    timeline, raced = repo.timeline, []

    def racing_timeline(complaint_id):       # the citizen answers while the forgetting is under way
        if not raced:
            raced.append(act(repo, c2, Action.REPLY, citizen(), T0 + timedelta(hours=4), message="Jl. X")[0])
        return timeline(complaint_id)
    monkeypatch.setattr(repo, "timeline", racing_timeline)
    assert repo.deidentify_reporter(c.id, "warga-1", "forgotten:bbbbbbbbbbbbbbbb", at=T0 + timedelta(hours=5))
    monkeypatch.setattr(repo, "timeline", timeline)
    got, events = repo.get(c.id), repo.timeline(c.id)
    if raced:                    # DynamoDB (the fake reads no timeline): the reply came between read and write
        assert got.version == raced[0].version + 1 and got.status == raced[0].status
    assert all(e.actor_id != "warga-1" for e in events)
    assert got.reporter.sub == "forgotten:bbbbbbbbbbbbbbbb"
