"""GIVEN a complaint nobody followed up, WHEN the stream handler and the scheduled sweep run (as
Lambda invokes them), THEN the sanction shows through GET /v1/sanctions to the right people only,
and the league table counts it."""
import json
from datetime import timedelta

from tests.app.conftest import ADMIN, CITIZEN, INSPECTOR, staff
from tests.app.test_complaint_flow import OPD, OPERATOR, SUPERVISOR, file


def stream_event(*complaint_ids):
    return {"Records": [{
        "eventID": str(i), "eventName": "MODIFY", "eventSource": "aws:dynamodb",
        "eventSourceARN": "arn:aws:dynamodb:ap-southeast-3:000000000000:table/x/stream/1",
        "dynamodb": {"Keys": {"id": {"S": cid}}, "SequenceNumber": str(100 + i),
                     "ApproximateCreationDateTime": 1764208800, "StreamViewType": "NEW_AND_OLD_IMAGES"}}
        for i, cid in enumerate(complaint_ids)]}


def scheduled(at: str) -> dict:
    return {"version": "0", "id": "sweep-1", "detail-type": "Scheduled Event", "source": "aws.events",
            "account": "000000000000", "time": at, "region": "ap-southeast-3", "resources": [], "detail": {}}


def invoke(api, name, payload):
    result = api.client.lambda_.invoke(name, payload)
    return result.payload


def test_missed_followup_becomes_a_visible_sanction(api, clock):
    cid = file(api)["id"]
    assert invoke(api, "complaint_changes", stream_event(cid)) == {"batchItemFailures": []}
    at = (clock.at + timedelta(hours=25)).isoformat()
    report = invoke(api, "sweep", scheduled(at))
    assert report["sanctions_issued"] == 1, json.dumps(report)
    status, page = api.get("/v1/sanctions", INSPECTOR)
    assert status == 200 and page["next"] is None
    [s] = page["items"]
    assert (s["complaint_id"], s["subject_type"], s["subject_id"], s["opd"], s["clock"]) == (
        cid, "operator", f"{OPD}:desk", OPD, "followup")
    assert s["rule_id"] == "sanction.operator.miss" and s["hours_late"] == 1.0
    assert s["explanation"]["id"] and s["explanation"]["en"] and s["rules_version"]
    assert set(s) >= {"id", "complaint_id", "subject_type", "subject_id", "opd", "rule_id", "level",
                      "clock", "due_at", "issued_at", "hours_late", "rules_version", "explanation"}
    assert api.get("/v1/sanctions", SUPERVISOR)[1]["items"] == [s]
    assert api.get("/v1/sanctions", staff("supervisor", "DINKES"))[1]["items"] == []
    assert api.get(f"/v1/sanctions?complaint={cid}&subject_type=operator", ADMIN)[1]["items"] == [s]
    assert api.get("/v1/sanctions?subject_type=opd", ADMIN)[1]["items"] == []
    assert api.get("/v1/sanctions?since=2030-01-01", ADMIN)[1]["items"] == []
    # a repeated sweep and a replayed stream record change nothing
    invoke(api, "complaint_changes", stream_event(cid, cid))
    assert invoke(api, "sweep", scheduled(at))["sanctions_issued"] == 0
    assert len(api.get("/v1/sanctions", ADMIN)[1]["items"]) == 1


def test_sanctions_are_not_for_citizens(api):
    status, body = api.get("/v1/sanctions", CITIZEN)
    assert status == 403 and body["error"]["code"] == "forbidden"
    status, body = api.get("/v1/sanctions?opd=DINKES", SUPERVISOR)
    assert status == 403 and body["error"]["code"] == "forbidden_scope"
    assert api.get("/v1/sanctions?since=yesterday", ADMIN)[0] == 422
    assert api.get("/v1/sanctions?subject_type=mayor", ADMIN)[0] == 422


def test_poison_record_is_reported_alone(api):
    cid = file(api)["id"]
    event = stream_event(cid)
    event["Records"].insert(0, {"eventID": "x", "dynamodb": {"SequenceNumber": "7", "Keys": {}}})
    assert invoke(api, "complaint_changes", event) == {"batchItemFailures": [{"itemIdentifier": "7"}]}


def test_league_table_is_public_and_fair(api, clock):
    status, table = api.get("/v1/stats/opds")
    assert status == 200 and table["window_days"] == 90
    row = next(r for r in table["opds"] if r["opd"] == OPD)
    assert row["complaints"] == 0 and row["rank"] is None and row["enough_data"] is False
    assert {"opd", "name", "complaints", "followup", "approval", "sanctions", "score", "rank"} <= set(row)


def test_league_table_is_computed_at_most_once_a_minute(api, monkeypatch):
    from chalicelib.api import reference
    calls = []
    real = reference._league_table
    monkeypatch.setattr(reference, "_league_table", lambda *filters: calls.append(1) or real(*filters))
    for _ in range(5):
        status, _body = api.get("/v1/stats/opds")
        assert status == 200
    assert len(calls) == 1
    monkeypatch.setattr(reference, "STATS_TTL_SECONDS", -1)
    api.get("/v1/stats/opds")
    assert len(calls) == 2


def test_an_operator_lists_their_own_sanctions_and_warnings_only(api, clock):
    """CONTRACT.md Additions: an operator lists their own; the desk's and a colleague's stay
    the supervisor's business."""
    mine, desk = file(api)["id"], file(api)["id"]
    assert api.post(f"/v1/complaints/{mine}/claim", OPERATOR)[0] == 200
    invoke(api, "complaint_changes", stream_event(mine, desk))
    invoke(api, "sweep", scheduled((clock.at + timedelta(hours=19)).isoformat()))
    invoke(api, "sweep", scheduled((clock.at + timedelta(hours=25)).isoformat()))
    status, page = api.get("/v1/sanctions", OPERATOR)
    assert status == 200 and [(s["complaint_id"], s["kind"]) for s in page["items"]] == [(mine, "sanction")]
    warnings = api.get("/v1/sanctions?kind=warning", OPERATOR)[1]["items"]
    assert [(s["complaint_id"], s["subject_id"]) for s in warnings] == [(mine, OPERATOR[0])]
    assert api.get("/v1/sanctions", staff("operator", OPD, "op-lain"))[1]["items"] == []
    assert len(api.get("/v1/sanctions", SUPERVISOR)[1]["items"]) == 2
    assert api.get("/v1/sanctions?opd=DINKES", OPERATOR)[0] == 403
