"""GIVEN complaints with several changes each, WHEN their stream records arrive twice, out of
order, or with a poison record in the middle, THEN the clocks — and the sanctions a sweep issues
from them — are exactly what one orderly delivery gives."""
from datetime import timedelta

from chalicelib.handlers import on_complaint_changes, run_sweep
from chalicelib.wiring import container
from tests.app.conftest import ADMIN
from tests.app.test_complaint_flow import OPERATOR, SUPERVISOR, file
from tests.app.test_sanctions_api import stream_event


def worked_complaints(api, clock):
    a, b, c = file(api)["id"], file(api)["id"], file(api)["id"]
    clock.advance(hours=2)
    api.post(f"/v1/complaints/{b}/followups", OPERATOR, {"message": "sudah"})
    api.post(f"/v1/complaints/{c}/request-info", OPERATOR, {"question": "alamat?"})
    clock.advance(hours=1)
    api.post(f"/v1/complaints/{b}/return", SUPERVISOR, {"reason": "belum"})
    return [a, b, b, c, c, b]          # one record per change, as the stream would carry them


def outcome(api, clock):
    clocks = {k: (v["clock"].state, v["clock"].due_at, v.get("next_check_at"))
              for k, v in container.clocks.items.items()}
    report = run_sweep({"time": (clock.at + timedelta(days=10)).isoformat()})
    listed = api.get("/v1/sanctions?limit=100", ADMIN)[1]["items"]
    sanctions = sorted((s["complaint_id"], s["rule_id"]) for s in listed)
    return clocks, report["sanctions_issued"], sanctions


def normalise(result, ids):
    """Complaint ids differ between worlds; compare by position."""
    order = {cid: f"C{i}" for i, cid in enumerate(dict.fromkeys(ids))}
    clocks, issued, sanctions = result
    return ({(order[cid], key): v for (cid, key), v in clocks.items()}, issued,
            sorted((order[cid], rule) for cid, rule in sanctions))


def test_duplicates_out_of_order_and_poison_give_the_same_outcome(api, clock, keys, repo):
    ids = worked_complaints(api, clock)
    event = stream_event(*ids)
    assert on_complaint_changes(event) == {"batchItemFailures": []}
    orderly = normalise(outcome(api, clock), ids)
    assert orderly[1] >= 2                     # a and c's resumed… at least the unclaimed ones missed

    # the same world again, delivered badly
    from tests.fakes import FakeComplaintRepository
    from tests.fakes_deadlines import FakeClockRepository, FakeSanctionRepository
    clock.advance(hours=-3)
    container.override(repo=FakeComplaintRepository(), clocks=FakeClockRepository(),
                       sanctions=FakeSanctionRepository())
    ids2 = worked_complaints(api, clock)
    bad = stream_event(*ids2)
    records = list(reversed(bad["Records"]))                 # out of order
    poison = {"eventID": "p", "dynamodb": {"SequenceNumber": "999", "Keys": {"nope": {"S": "x"}}}}
    batch = {"Records": records[:3] + [poison] + records[3:]}
    assert on_complaint_changes(batch) == {"batchItemFailures": [{"itemIdentifier": "999"}]}
    assert on_complaint_changes(batch)["batchItemFailures"] == [{"itemIdentifier": "999"}]   # delivered twice
    assert on_complaint_changes({"Records": records[:2]}) == {"batchItemFailures": []}   # and a late retry
    assert normalise(outcome(api, clock), ids2) == orderly
