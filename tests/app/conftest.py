"""App tests: the real Chalice app through chalice.test.Client, with a fake repository and a
controlled clock injected through the composition root."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from app import app
from chalicelib.adapters.auth import TokenVerifier
from chalicelib.rules.bundle import load_bundle
from chalicelib.wiring import container
from tests.contract_client import ContractClient
from tests.fakes import FakeComplaintRepository
from tests.fakes_audit import FakeAuditLog
from tests.fakes_claims import FakeClaimAttempts
from tests.fakes_deadlines import FakeClockRepository, FakeSanctionRepository, RecordingNotifier
from tests.fakes_evidence import FakeEvidenceIndex
from tests.fakes_notifications import (
    FakeDeliveryLog,
    FakeDeliveryQueue,
    FakeNotificationStore,
    FakePeople,
    FakeStaffDirectory,
)
from tests.keys import ISSUER, TestKeys


class ManualClock:
    def __init__(self, start: datetime):
        self.at = start

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta) -> None:
        self.at += timedelta(**delta)


@pytest.fixture(scope="session")
def keys(tmp_path_factory):
    return TestKeys(tmp_path_factory.mktemp("auth") / "jwks.json")


class Api:
    """A small driver: speaks JSON as a frontend would, returns (status, body)."""

    def __init__(self, client: ContractClient, keys: TestKeys):
        self.client, self.keys = client, keys

    def call(self, method, path, who=None, body=None, raw=None, headers=None):
        h = dict(self.keys.headers(*who)) if who else {"Content-Type": "application/json"}
        h.update(headers or {})
        payload = raw if raw is not None else (json.dumps(body) if body is not None else None)
        resp = getattr(self.client.http, method.lower())(path, headers=h, body=payload)
        return resp.status_code, (json.loads(resp.body) if resp.body else None)

    def get(self, path, who=None, **kw):
        return self.call("GET", path, who, **kw)

    def post(self, path, who=None, body=None, **kw):
        return self.call("POST", path, who, body, **kw)


@pytest.fixture
def clock():
    return ManualClock(datetime(2026, 11, 27, 2, 0, tzinfo=timezone.utc))   # Friday 09:00 WIB


@pytest.fixture
def repo():
    return FakeComplaintRepository()


def people_around(notifications=None) -> dict:
    """The notification side of the container, faked: who is told, through which channels."""
    return dict(notifications=notifications or FakeNotificationStore(), staff=FakeStaffDirectory(),
                people=FakePeople(), delivery_queue=FakeDeliveryQueue(), delivery_log=FakeDeliveryLog(),
                channels={}, evidence=FakeEvidenceIndex())


@pytest.fixture
def api(keys, clock, repo):
    clocks = FakeClockRepository()
    repo.league = clocks.league          # supports and sanctions count in the clocks' league table
    container.override(repo=repo, rules=load_bundle(), now=clock, clocks=clocks,
                       sanctions=FakeSanctionRepository(league=clocks.league), notifier=RecordingNotifier(),
                       audit=FakeAuditLog(),
                       shadow_decisions=FakeSanctionRepository(), claim_attempts=FakeClaimAttempts(),
                       verifier=TokenVerifier(jwks_path=keys.jwks_path, issuer=ISSUER), **people_around())
    with ContractClient(app) as client:
        yield Api(client, keys)
    container.reset()


CITIZEN = ("warga-1", "citizen")
CITIZEN_2 = ("warga-2", "citizen")
INSPECTOR = ("insp-1", "inspector")
ADMIN = ("admin-1", "admin")


def staff(role: str, opd: str, sub: str | None = None, **claims):
    """A staff caller (sub, role, opd[, claims]): `unit="…"` for an operator of one unit."""
    caller = (sub or f"{role}-{opd.lower()}", role, opd)
    return (*caller, claims) if claims else caller


CITY_INSPECTOR = ("insp-bandarlampung", "inspector", None, {"government": "BANDARLAMPUNG"})


@pytest.fixture
def dynamo_api(keys, clock, monkeypatch):
    """The same app on DynamoDB (moto in-process): DynamoDB validates keys and values that the
    fakes accept, so "never a 5xx" must hold here too."""
    import uuid

    import boto3
    from moto import mock_aws

    from chalicelib.adapters.dynamo.audit import DynamoAuditLog
    from chalicelib.adapters.dynamo.clocks import DynamoClockRepository
    from chalicelib.adapters.dynamo.complaints import DynamoComplaintRepository
    from chalicelib.adapters.dynamo.notifications import DynamoNotificationStore
    from chalicelib.adapters.dynamo.sanctions import DynamoSanctionRepository
    from chalicelib.adapters.dynamo.tables import create_tables
    from chalicelib.config import from_env

    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_DEFAULT_REGION": "ap-southeast-3", "AWS_REGION": "ap-southeast-3",
                        "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled"}.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    settings = from_env({"STAGE": "test", "TABLE_PREFIX": f"app-{uuid.uuid4().hex[:8]}-"})
    with mock_aws():
        create_tables(boto3.client("dynamodb", region_name="ap-southeast-3"), settings)
        container.override(repo=DynamoComplaintRepository(settings), clocks=DynamoClockRepository(settings),
                           sanctions=DynamoSanctionRepository(settings), rules=load_bundle(), now=clock,
                           shadow_decisions=DynamoSanctionRepository(settings, shadow=True),
                           audit=DynamoAuditLog(settings),
                           notifier=RecordingNotifier(), settings=settings,
                           verifier=TokenVerifier(jwks_path=keys.jwks_path, issuer=ISSUER),
                           **people_around(DynamoNotificationStore(settings)))
        with ContractClient(app) as client:
            yield Api(client, keys)
        container.reset()
