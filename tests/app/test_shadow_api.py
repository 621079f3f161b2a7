"""GIVEN a stage running proposed rules in shadow mode, WHEN the stream and the sweep Lambdas run as
Lambda invokes them, THEN GET /v1/sanctions/shadow shows inspectors what the proposed rules would
have decided, GET /v1/sanctions is unchanged, and a broken shadow bundle never holds up the rules
in force."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from chalicelib.rules.schedule import BundleSchedule
from chalicelib.wiring import container
from tests.app.conftest import ADMIN, CITY_INSPECTOR, INSPECTOR, staff
from tests.app.test_complaint_flow import OPD, OPERATOR, SUPERVISOR, file
from tests.app.test_sanctions_api import invoke, scheduled, stream_event
from tests.fakes_deadlines import FakeClockRepository, FakeSanctionRepository
from tests.shadow_rules import followup_bundle


@pytest.fixture(scope="module")
def proposed(tmp_path_factory):
    return followup_bundle(tmp_path_factory.mktemp("shadow"), 12)


def shadow_on(bundle, clocks=None, decisions=None):
    decisions = decisions or FakeSanctionRepository()
    container.override(shadow_rules=bundle, shadow_decisions=decisions,
                       shadow_stores=(clocks or FakeClockRepository(), decisions, BundleSchedule(bundle)))
    return decisions


def follow_up(api, cid, hours_after, clock):
    clock.advance(hours=hours_after)
    status, _ = api.post(f"/v1/complaints/{cid}/followups", OPERATOR, {"message": "Sudah dicek, NIB terbit besok."})
    assert status == 200


def test_inspectors_see_what_the_proposed_rules_would_have_sanctioned(api, clock, proposed):
    decisions = shadow_on(proposed)
    in_time = file(api)["id"]                      # followed up after 18 h: late for the proposal only
    missed = file(api)["id"]                       # never followed up: both rules sanction it
    start = clock.at
    follow_up(api, in_time, 18, clock)
    assert invoke(api, "complaint_changes", stream_event(in_time, missed)) == {"batchItemFailures": []}
    report = invoke(api, "sweep", scheduled((start + timedelta(hours=25)).isoformat()))
    assert report["sanctions_issued"] == 1, json.dumps(report)
    assert report["shadow"]["sanctions_issued"] == 2 and report["shadow"]["rules_version"] == proposed.version
    status, page = api.get("/v1/sanctions/shadow", INSPECTOR)
    assert status == 200, page
    assert page["shadow_rules_version"] == proposed.version != page["active_rules_version"]
    assert sorted((d["complaint_id"], d["in_active"]) for d in page["items"]) == sorted(
        [(in_time, False), (missed, True)])
    shown = {d["complaint_id"]: d for d in page["items"]}[in_time]
    assert shown["rules_version"] == proposed.version and shown["hours_late"] == 6.0 and shown["opd"] == OPD
    assert shown["explanation"]["id"] and shown["explanation"]["en"]
    # the rules in force are untouched: one sanction, the one they decided
    assert [s["complaint_id"] for s in api.get("/v1/sanctions", ADMIN)[1]["items"]] == [missed]
    assert len(decisions.items) == 2
    # filters and paging as for GET /v1/sanctions
    assert [d["complaint_id"] for d in api.get(f"/v1/sanctions/shadow?complaint={in_time}", ADMIN)[1]["items"]] == [
        in_time]
    first = api.get("/v1/sanctions/shadow?limit=1", ADMIN)[1]
    second = api.get(f"/v1/sanctions/shadow?limit=1&cursor={first['next']}", ADMIN)[1]
    assert {first["items"][0]["id"], second["items"][0]["id"]} == set(decisions.items) and second["next"] is None
    assert api.get("/v1/sanctions/shadow", CITY_INSPECTOR)[1]["items"] == []
    # a repeated sweep and a replayed stream record record nothing twice
    invoke(api, "complaint_changes", stream_event(in_time, in_time))
    again = invoke(api, "sweep", scheduled((start + timedelta(hours=25)).isoformat()))
    assert again["shadow"]["sanctions_issued"] == 0 and len(decisions.items) == 2


@pytest.mark.parametrize("who", [OPERATOR, SUPERVISOR, ("warga-1", "citizen"), staff("supervisor", "DINKES")])
def test_shadow_decisions_are_for_oversight_only(api, proposed, who):
    shadow_on(proposed)
    status, body = api.get("/v1/sanctions/shadow", who)
    assert status == 403 and body["error"]["code"] == "forbidden"


def test_bad_filters_are_refused_in_the_contracts_shape(api, proposed):
    shadow_on(proposed)
    for query, field in (("kind=semua", "kind"), ("opd=TIDAKADA", "opd"), ("since=kemarin", "since"),
                         ("limit=5000", "limit"), ("cursor=palsu", None)):
        status, body = api.get(f"/v1/sanctions/shadow?{query}", INSPECTOR)
        assert status in (400, 422), (query, body)
        details = body["error"].get("details") or [{"field": None}]
        assert body["error"]["message"] and details[0]["field"] == field, body


def test_without_shadow_rules_the_list_says_so_and_the_sweep_reports_no_shadow(api, clock):
    cid = file(api)["id"]
    invoke(api, "complaint_changes", stream_event(cid))
    report = invoke(api, "sweep", scheduled((clock.at + timedelta(hours=25)).isoformat()))
    assert "shadow" not in report and report["sanctions_issued"] == 1
    container.override(shadow_decisions=FakeSanctionRepository())
    status, page = api.get("/v1/sanctions/shadow", INSPECTOR)
    assert status == 200 and page["items"] == [] and page["shadow_rules_version"] is None


class BrokenClocks(FakeClockRepository):
    def put(self, *args, **kwargs):
        raise RuntimeError("shadow table unreachable")

    def due(self, *args, **kwargs):
        raise RuntimeError("shadow table unreachable")


def test_a_failing_shadow_never_holds_up_the_rules_in_force(api, clock, proposed):
    shadow_on(proposed, clocks=BrokenClocks())
    cid = file(api)["id"]
    assert invoke(api, "complaint_changes", stream_event(cid)) == {"batchItemFailures": []}
    report = invoke(api, "sweep", scheduled((clock.at + timedelta(hours=25)).isoformat()))
    assert report["sanctions_issued"] == 1 and "RuntimeError" in report["shadow"]["error"]


def test_an_unreadable_shadow_bundle_turns_shadow_mode_off(api, clock, tmp_path, monkeypatch):
    from chalicelib.config import from_env
    monkeypatch.setenv("SHADOW_RULES", str(tmp_path / "tidak-ada.json"))
    container.override(settings=from_env())
    assert container.shadow_rules is None and container.shadow_sweep_deps() is None
    cid = file(api)["id"]
    assert invoke(api, "complaint_changes", stream_event(cid)) == {"batchItemFailures": []}
    assert "shadow" not in invoke(api, "sweep", scheduled((clock.at + timedelta(hours=25)).isoformat()))
