"""GET /v1/audit: oversight reads the append-only trail; nobody else may, and nothing edits it."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.domain.audit import AuditEntry
from chalicelib.wiring import container
from tests.app.conftest import ADMIN, CITIZEN, INSPECTOR, staff

T = datetime(2026, 11, 27, 2, 0, tzinfo=timezone.utc)


def entries(n: int, complaint="ADU-261127-AAAAAAA"):
    log = container.audit
    for i in range(n):
        log.append(AuditEntry(id=f"event:{complaint}:{i + 1:08d}", at=T + timedelta(minutes=i),
                              actor_role="operator", actor_id=f"op-{i % 2}", action="claimed",
                              complaint_id=complaint, source_ip="10.1.2.3"))


@pytest.mark.parametrize("who", [INSPECTOR, ADMIN])
def test_oversight_reads_the_trail_newest_first_with_paging(api, who):
    entries(5)
    status, body = api.get("/v1/audit?limit=2", who)
    assert status == 200 and [e["at"] for e in body["items"]] == [
        "2026-11-27T02:04:00.000000Z", "2026-11-27T02:03:00.000000Z"]
    assert set(body["items"][0]) == {"at", "actor_role", "actor_id", "action", "complaint_id", "source_ip"}
    seen = [e["at"] for e in body["items"]]
    while body["next"]:
        status, body = api.get(f"/v1/audit?limit=2&cursor={body['next']}", who)
        seen += [e["at"] for e in body["items"]]
    assert len(seen) == 5 == len(set(seen))


def test_filters_by_complaint_actor_and_since(api):
    entries(4)
    entries(2, complaint="ADU-261127-BBBBBBB")
    _, body = api.get("/v1/audit?complaint=ADU-261127-BBBBBBB", INSPECTOR)
    assert {e["complaint_id"] for e in body["items"]} == {"ADU-261127-BBBBBBB"} and len(body["items"]) == 2
    _, body = api.get("/v1/audit?actor=op-1&complaint=ADU-261127-AAAAAAA", INSPECTOR)
    assert [e["actor_id"] for e in body["items"]] == ["op-1", "op-1"]
    _, body = api.get("/v1/audit?since=2026-11-27T02:02:00Z&complaint=ADU-261127-AAAAAAA", INSPECTOR)
    assert len(body["items"]) == 2


@pytest.mark.parametrize("who", [CITIZEN, staff("operator", "BAPENDA"), staff("supervisor", "BAPENDA")])
def test_nobody_else_reads_it(api, who):
    status, body = api.get("/v1/audit", who)
    assert status == 403 and body["error"]["code"] == "forbidden"
    assert api.get("/v1/audit")[0] == 401


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_nothing_in_the_api_edits_or_deletes_it(api, method):
    entries(1)
    status, _ = api.call(method.upper(), "/v1/audit", INSPECTOR, body={})
    assert status in (403, 404, 405)
    assert len(api.get("/v1/audit", INSPECTOR)[1]["items"]) == 1


@pytest.mark.parametrize("query", ["cursor=%C2%B2", "cursor=eyJxIjpudWxsfQ", "limit=%C2%B2", "since=0001-01-01",
                                   "complaint=" + "x" * 65, "actor=" + "y" * 200])
def test_bad_input_is_4xx_in_the_error_shape(api, query):
    status, body = api.get(f"/v1/audit?{query}", INSPECTOR)
    assert 400 <= status < 500 and set(body["error"]) >= {"code", "message"}


def test_state_changes_reads_and_sanctions_reach_the_trail_with_actor_and_ip(api, clock):
    """GIVEN a private complaint filed and claimed over HTTP, WHEN the stream and the sweep run,
    and an operator reads it, THEN the trail holds each state change with the actor and source IP,
    the staff read of the private complaint, and the sanction — each once, however often the
    stream delivers."""
    from tests.app.test_complaint_flow import OPERATOR, file
    from tests.app.test_sanctions_api import invoke, scheduled, stream_event

    c = file(api)
    assert api.post(f"/v1/complaints/{c['id']}/claim", OPERATOR)[0] == 200
    for _ in range(2):                                          # delivered twice
        invoke(api, "complaint_changes", stream_event(c["id"]))
    assert api.get(f"/v1/complaints/{c['id']}", OPERATOR)[0] == 200
    assert api.get(f"/v1/complaints/{c['id']}")[0] == 401      # not read, not audited
    clock.advance(hours=30)
    invoke(api, "sweep", scheduled(clock.at.strftime("%Y-%m-%dT%H:%M:%SZ")))
    _, body = api.get(f"/v1/audit?complaint={c['id']}&limit=100", INSPECTOR)
    actions = [(e["action"], e["actor_role"], e["source_ip"]) for e in reversed(body["items"])]
    assert actions[:3] == [("submitted", "citizen", "127.0.0.1"), ("claimed", "operator", "127.0.0.1"),
                           ("read_private", "operator", "127.0.0.1")]
    assert ("sanction_issued", "system", None) in actions[3:]
    assert len(actions) == len({(e["action"], e["at"]) for e in body["items"]})


def test_the_trail_never_names_a_citizen(api):
    """An anonymous reporter's identity never reaches staff, oversight included."""
    from tests.app.test_complaint_flow import file
    from tests.app.test_sanctions_api import invoke, stream_event

    c = file(api, anonymous=True)
    invoke(api, "complaint_changes", stream_event(c["id"]))
    [entry] = api.get(f"/v1/audit?complaint={c['id']}", INSPECTOR)[1]["items"]
    assert (entry["action"], entry["actor_role"], entry["actor_id"]) == ("submitted", "citizen", None)
