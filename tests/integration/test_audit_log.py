"""One contract suite for the audit trail, on the fake and on DynamoDB (moto and DynamoDB Local):
append-only (a repeated id changes nothing), `existing` in one batch, newest-first listing with
filters and forgery-proof cursors, and the stream/sweep recorders writing each thing once."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.domain.audit import AuditEntry
from chalicelib.domain.model import Event
from chalicelib.services.audit import record_timeline
from chalicelib.services.ports import BadCursor
from tests.integration.conftest import STORES, use_store

T0 = datetime(2026, 11, 27, 2, 0, tzinfo=timezone.utc)


@pytest.fixture(params=["fake", *STORES])
def log(request, settings):
    if request.param == "fake":
        from tests.fakes_audit import FakeAuditLog
        return FakeAuditLog()
    use_store(request, request.param)
    from chalicelib.adapters.dynamo.audit import DynamoAuditLog
    return DynamoAuditLog(settings)


def entry(n, *, complaint="ADU-1", actor="op-1", ip="10.0.0.1"):
    return AuditEntry(id=f"e{n:03d}", at=T0 + timedelta(minutes=n), actor_role="operator", actor_id=actor,
                      action="claimed", complaint_id=complaint, source_ip=ip)


def test_append_only_a_repeated_id_changes_nothing(log):
    assert log.append(entry(1)) is True
    assert log.append(entry(1, actor="someone-else", ip="6.6.6.6")) is False
    [stored] = log.list(complaint=None, actor=None, since=None, limit=10, cursor=None).items
    assert (stored.actor_id, stored.source_ip) == ("op-1", "10.0.0.1")


def test_listing_newest_first_filters_and_pages(log):
    for n in range(1, 8):
        log.append(entry(n, complaint="ADU-1" if n % 2 else "ADU-2", actor=f"op-{n % 3}"))
    everything = log.list(complaint=None, actor=None, since=None, limit=3, cursor=None)
    assert [e.id for e in everything.items] == ["e007", "e006", "e005"] and everything.next
    rest = log.list(complaint=None, actor=None, since=None, limit=10, cursor=everything.next)
    assert [e.id for e in rest.items] == ["e004", "e003", "e002", "e001"] and rest.next is None
    assert [e.id for e in log.list(complaint="ADU-2", actor=None, since=None, limit=10, cursor=None).items] \
        == ["e006", "e004", "e002"]
    assert [e.id for e in log.list(complaint="ADU-1", actor="op-1", since=None, limit=10, cursor=None).items] \
        == ["e007", "e001"]
    assert [e.id for e in log.list(complaint=None, actor="op-2", since=T0 + timedelta(minutes=3),
                                   limit=10, cursor=None).items] == ["e005"]
    with pytest.raises(BadCursor):      # a cursor of one listing is no good for another
        log.list(complaint="ADU-2", actor=None, since=None, limit=3, cursor=everything.next)


def test_the_timeline_recorder_writes_each_event_once(log):
    events = [Event("ADU-9", seq, T0 + timedelta(minutes=seq), "claimed" if seq > 1 else "submitted",
                    "operator", actor_id="op-1") for seq in (1, 2, 3)]
    assert record_timeline(log, events[:2]) == 2
    assert record_timeline(log, events) == 1          # a repeated stream batch adds only what is new
    assert record_timeline(log, events) == 0
    assert [e.id for e in log.list(complaint="ADU-9", actor=None, since=None, limit=10, cursor=None).items] == [
        "event:ADU-9:00000003", "event:ADU-9:00000002", "event:ADU-9:00000001"]
    assert log.existing(["event:ADU-9:00000001", "nope"]) == {"event:ADU-9:00000001"}
