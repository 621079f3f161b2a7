"""GIVEN a complaint and the staff of its OPD, WHEN they claim, assign, transfer and decide over
HTTP, THEN the clocks answer to the right people: in `followed_up` only the supervisor moves the
complaint (a supervisor's transfer there decides the approval and says so), a claim is exclusive,
re-claiming one's own claim changes nothing, and the supervisor reassigns with `assign` — after
which the assigned operator answers for the follow-up clock, as a claimer does.

Regression for issue 10 part 2 (found on `make run`: an operator transferred a complaint waiting
for approval and bypassed the supervisor; any operator could take another's claim).
"""
from datetime import timedelta

from tests.app.conftest import CITIZEN, INSPECTOR, staff
from tests.app.test_complaint_flow import OPD, OPERATOR, SUPERVISOR, file
from tests.app.test_sanctions_api import invoke, scheduled, stream_event

OPERATOR_2 = staff("operator", OPD, "operator2-dpmptsp")     # a second operator in the directory


def followed_up(api):
    cid = file(api)["id"]
    status, c = api.post(f"/v1/complaints/{cid}/followups", OPERATOR, {"message": "sudah dicek"})
    assert status == 200 and c["status"] == "followed_up"
    return cid, c


def test_an_operator_cannot_transfer_a_complaint_waiting_for_approval(api):
    cid, c = followed_up(api)
    assert "transfer" not in api.get(f"/v1/complaints/{cid}", OPERATOR)[1]["actions"]
    status, body = api.post(f"/v1/complaints/{cid}/transfer", OPERATOR, {"opd": "DINKES", "reason": "x"})
    assert status == 403 and body["error"]["code"] == "forbidden"
    after = api.get(f"/v1/complaints/{cid}", OPERATOR)[1]
    assert (after["status"], after["opd"], after["version"]) == ("followed_up", OPD, c["version"])
    assert after["deadlines"]["approval_due"] == c["deadlines"]["approval_due"]   # the clock runs on
    supervisor_actions = api.get(f"/v1/complaints/{cid}", SUPERVISOR)[1]["actions"]
    assert {"approve", "return", "transfer", "forward", "reject"} <= set(supervisor_actions)


def test_a_supervisors_transfer_in_followed_up_decides_the_approval_and_says_so(api):
    cid, _ = followed_up(api)
    status, c = api.post(f"/v1/complaints/{cid}/transfer", SUPERVISOR, {"opd": "DINKES", "reason": "RS"})
    assert status == 200 and (c["status"], c["opd"]) == ("assigned", "DINKES")
    assert c["deadlines"]["approval_due"] is None and c["deadlines"]["followup_due"]
    [transfer] = [e for e in api.get(f"/v1/complaints/{cid}/timeline", INSPECTOR)[1]
                  if e["type"] == "transferred"]
    assert transfer["data"] == {"from_opd": OPD, "to_opd": "DINKES", "decides_approval": True}
    assert "supervisor" in transfer["label"].lower()
    en = api.get(f"/v1/complaints/{cid}/timeline", CITIZEN, headers={"Accept-Language": "en"})[1]
    assert "approval" in next(e for e in en if e["type"] == "transferred")["label"]


def test_an_operators_transfer_before_the_follow_up_is_an_ordinary_transfer(api):
    cid = file(api)["id"]
    status, _ = api.post(f"/v1/complaints/{cid}/transfer", OPERATOR, {"opd": "DINKES", "reason": "RS"})
    assert status == 200
    [transfer] = [e for e in api.get(f"/v1/complaints/{cid}/timeline", INSPECTOR)[1]
                  if e["type"] == "transferred"]
    assert transfer["data"] == {"from_opd": OPD, "to_opd": "DINKES"}


def test_a_claim_is_exclusive_and_reclaiming_ones_own_changes_nothing(api):
    cid = file(api)["id"]
    p = f"/v1/complaints/{cid}"
    status, claimed = api.post(f"{p}/claim", OPERATOR)
    assert status == 200 and claimed["assignee"] == OPERATOR[0] and claimed["version"] == 2
    status, again = api.post(f"{p}/claim", OPERATOR)
    assert status == 200 and again["version"] == 2 and again["assignee"] == OPERATOR[0]
    for lang, word in (("id", "sudah diklaim"), ("en", "already claimed")):
        status, body = api.post(f"{p}/claim", OPERATOR_2, headers={"Accept-Language": lang})
        assert status == 409 and body["error"]["code"] == "already_claimed"
        assert word in body["error"]["message"]
    after = api.get(p, OPERATOR)[1]
    assert after["assignee"] == OPERATOR[0] and after["version"] == 2
    assert [e["type"] for e in api.get(f"{p}/timeline", OPERATOR)[1]] == ["submitted", "claimed"]
    assert "claim" not in api.get(p, OPERATOR_2)[1]["actions"]      # nothing to offer the other
    assert "claim" not in api.get(p, OPERATOR)[1]["actions"]        # nor the holder: it is theirs


def test_the_supervisor_reassigns_and_the_assigned_operator_may_then_act(api):
    cid = file(api)["id"]
    p = f"/v1/complaints/{cid}"
    api.post(f"{p}/claim", OPERATOR)
    assert "assign" in api.get(p, SUPERVISOR)[1]["actions"]
    status, c = api.post(f"{p}/assign", SUPERVISOR, {"operator": OPERATOR_2[0]})
    assert status == 200 and c["assignee"] == OPERATOR_2[0] and c["version"] == 3
    status, same = api.post(f"{p}/assign", SUPERVISOR, {"operator": OPERATOR_2[0]})
    assert status == 200 and same["version"] == 3                                    # no-op
    events = api.get(f"{p}/timeline", SUPERVISOR)[1]
    assert [e["type"] for e in events] == ["submitted", "claimed", "assigned_to"]
    assert events[-1]["data"] == {"operator": OPERATOR_2[0]} and events[-1]["label"]
    citizen_view = api.get(f"{p}/timeline", CITIZEN)[1][-1]
    assert citizen_view["type"] == "assigned_to" and "data" not in citizen_view     # staff sub hidden
    assert api.post(f"{p}/claim", OPERATOR)[1]["error"]["code"] == "already_claimed"
    status, c = api.post(f"{p}/followups", OPERATOR_2, {"message": "ditangani"})
    assert status == 200 and c["assignee"] == OPERATOR_2[0]


def test_only_the_opds_supervisor_assigns(api):
    cid = file(api)["id"]
    p = f"/v1/complaints/{cid}/assign"
    body = {"operator": OPERATOR_2[0]}
    assert api.post(p, OPERATOR, body)[0] == 403
    assert api.post(p, INSPECTOR, body)[0] == 403
    assert api.post(p, CITIZEN, body)[0] == 403
    assert api.post(p, staff("supervisor", "DINKES"), body)[0] == 404
    assert api.post(p, SUPERVISOR, {})[0] == 422
    assert api.post(p, SUPERVISOR, {"operator": ""})[0] == 422


def test_the_assigned_operator_answers_for_the_missed_follow_up(api, clock):
    cid = file(api)["id"]
    api.post(f"/v1/complaints/{cid}/assign", SUPERVISOR, {"operator": OPERATOR_2[0]})
    invoke(api, "complaint_changes", stream_event(cid))
    report = invoke(api, "sweep", scheduled((clock.at + timedelta(hours=25)).isoformat()))
    assert report["sanctions_issued"] == 1, report
    [s] = api.get("/v1/sanctions", INSPECTOR)[1]["items"]
    assert (s["subject_type"], s["subject_id"], s["rule_id"]) == ("operator", OPERATOR_2[0],
                                                                  "sanction.operator.miss")


def test_assign_and_notes_on_dynamodb(dynamo_api):
    """The same steps stored in DynamoDB (moto): the new event types and their data round-trip."""
    api = dynamo_api
    cid = file(api)["id"]
    p = f"/v1/complaints/{cid}"
    assert api.post(f"{p}/claim", OPERATOR)[0] == 200
    assert api.post(f"{p}/claim", OPERATOR_2)[1]["error"]["code"] == "already_claimed"
    assert api.post(f"{p}/assign", SUPERVISOR, {"operator": OPERATOR_2[0]})[1]["assignee"] == OPERATOR_2[0]
    assert api.post(f"{p}/notes", INSPECTOR, {"note": "dipantau"})[0] == 201
    events = api.get(f"{p}/timeline", SUPERVISOR)[1]
    assert [(e["type"], e.get("data"), e["note"]) for e in events[1:]] == [
        ("claimed", None, None), ("assigned_to", {"operator": OPERATOR_2[0]}, None),
        ("staff_note", None, "dipantau")]
    assert [e["type"] for e in api.get(f"{p}/timeline", CITIZEN)[1]] == ["submitted", "claimed", "assigned_to"]
    assert api.get(p, OPERATOR)[1]["version"] == 4


def test_a_supervisor_assigns_only_an_operator_of_the_opd_that_exists(api):
    """Staff who exist (issue 11): `assign` names an operator the staff directory knows in this
    OPD, so a complaint is never held by a made-up id (a sanction would reach nobody)."""
    cid = file(api)["id"]
    p = f"/v1/complaints/{cid}/assign"
    for who in ("nobody-at-all", "operator-dinkes", "supervisor-dpmptsp"):
        status, body = api.post(p, SUPERVISOR, {"operator": who})
        assert status == 422 and body["error"]["details"][0]["code"] == "unknown_operator", (who, body)
    status, body = api.post(p, SUPERVISOR, {"operator": "nobody-at-all"}, headers={"Accept-Language": "en"})
    assert "is not a registered operator of DPMPTSP" in body["error"]["details"][0]["message"]
    assert api.get(f"/v1/complaints/{cid}", SUPERVISOR)[1]["assignee"] is None
    assert api.post(p, SUPERVISOR, {"operator": OPERATOR_2[0]})[1]["assignee"] == OPERATOR_2[0]
