"""Issue 13 over the app: the province and its kabupaten/kota on one platform.

A forward to an onboarded government lands (assigned to its OPD, its clocks, its sanctions); to one
that is not still ends in `forwarded`; transfers stay within a government; a supervisor disposes to
a unit whose operators then work it; a location's region routes at filing; oversight per level.
Rules data: rules/governments/BANDARLAMPUNG (12-hour follow-up, 2026 on), rules/routing/opds.yaml
(DPMPTSP's units)."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.app.conftest import ADMIN, CITIZEN, CITY_INSPECTOR, INSPECTOR, staff
from tests.app.test_complaint_flow import NEW, OPERATOR, SUPERVISOR, file
from tests.app.test_sanctions_api import invoke, scheduled, stream_event

CITY = "BANDARLAMPUNG"
CITY_OPD = f"{CITY}.DPMPTSP"            # izin-berusaha in the city's own table
CITY_OPERATOR = staff("operator", CITY_OPD)
CITY_SUPERVISOR = staff("supervisor", CITY_OPD)
OTHER_CITY_INSPECTOR = ("insp-pesawaran", "inspector", None, {"government": "PESAWARAN"})
REASON = "Izin usaha mikro di kota diterbitkan DPMPTSP Kota Bandar Lampung."


def forward(api, cid, to, who=SUPERVISOR):
    return api.post(f"/v1/complaints/{cid}/forward", who, {"jurisdiction": to, "reason": REASON})


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_a_forward_to_an_onboarded_city_lands_with_its_opd_and_its_clock(api, clock):
    cid = file(api)["id"]
    clock.advance(hours=2)
    status, c = forward(api, cid, CITY)
    assert status == 200, c
    assert (c["status"], c["opd"], c["government"], c["jurisdiction"]) == ("assigned", CITY_OPD, CITY, None)
    # a fresh follow-up clock under the city's own parameter: 12 hours from the hand-over
    assert at(c["deadlines"]["followup_due"]) == clock.at + timedelta(hours=12)
    queue = api.get("/v1/complaints", CITY_OPERATOR)[1]["items"]
    assert [i["id"] for i in queue] == [cid] and "claim" in queue[0]["actions"]
    # the province's staff no longer see it; oversight of both levels does, another city's does not
    assert api.get(f"/v1/complaints/{cid}", OPERATOR)[0] == 404
    assert api.get("/v1/complaints", OPERATOR)[1]["items"] == []
    for who in (INSPECTOR, ADMIN, CITY_INSPECTOR, CITIZEN):
        assert api.get(f"/v1/complaints/{cid}", who)[0] == 200, who
    assert api.get(f"/v1/complaints/{cid}", OTHER_CITY_INSPECTOR)[0] == 404
    # the citizen sees one complaint, with the step in its timeline
    timeline = api.get(f"/v1/complaints/{cid}/timeline", CITIZEN)[1]
    step = timeline[-1]
    assert step["type"] == "handed_over" and step["data"]["to_opd"] == CITY_OPD
    assert step["label"] == "Diserahkan kepada pemerintah yang berwenang dan ditugaskan ke OPD-nya"
    # the city works it like any other
    assert api.post(f"/v1/complaints/{cid}/claim", CITY_OPERATOR, {})[0] == 200
    status, done = api.post(f"/v1/complaints/{cid}/followups", CITY_OPERATOR, {"message": "NIB sudah terbit."})
    assert (status, done["status"]) == (200, "followed_up")


def test_left_alone_the_city_operator_is_sanctioned_under_the_citys_rules(api, clock):
    cid = file(api)["id"]
    status, c = forward(api, cid, CITY)
    assert status == 200
    invoke(api, "complaint_changes", stream_event(cid))
    # 13 hours on: past the city's 12 hours, well inside the province's 24
    report = invoke(api, "sweep", scheduled((clock.at + timedelta(hours=13)).isoformat()))
    assert report["sanctions_issued"] == 1, report
    [s] = api.get("/v1/sanctions", CITY_INSPECTOR)[1]["items"]
    assert (s["opd"], s["subject_id"], s["hours_late"]) == (CITY_OPD, f"{CITY_OPD}:desk", 1.0)
    assert api.get("/v1/sanctions", CITY_SUPERVISOR)[1]["items"] == [s]
    assert api.get("/v1/sanctions", SUPERVISOR)[1]["items"] == []          # the province's DPMPTSP
    assert api.get("/v1/sanctions", OTHER_CITY_INSPECTOR)[1]["items"] == []
    assert api.get("/v1/sanctions?opd=DPMPTSP", CITY_INSPECTOR)[0] == 403
    assert api.get("/v1/sanctions", INSPECTOR)[1]["items"] == [s]


def test_a_forward_to_a_government_not_onboarded_still_ends_in_forwarded(api):
    cid = file(api)["id"]
    status, c = forward(api, cid, "LAMBAR")
    assert (status, c["status"], c["jurisdiction"], c["opd"], c["government"]) == (
        200, "forwarded", "LAMBAR", "DPMPTSP", "LAMPUNG")


def test_a_city_hands_a_complaint_back_to_the_province_by_the_provinces_table(api):
    cid = file(api, location={"address": "Jl. Kartini", "region": "18.71.01"},
               category="izin-berusaha")["id"]
    forward(api, cid, CITY)
    status, c = forward(api, cid, "LAMPUNG", who=CITY_SUPERVISOR)
    assert (status, c["status"], c["opd"], c["government"]) == (200, "assigned", "DPMPTSP", "LAMPUNG"), c
    assert api.get(f"/v1/complaints/{cid}", CITY_OPERATOR)[0] == 404


@pytest.mark.parametrize(("who", "to", "code"), [
    (SUPERVISOR, "LAMPUNG", "unknown_jurisdiction"),       # the province cannot forward to itself
    (SUPERVISOR, "ATLANTIS", "unknown_jurisdiction"),
])
def test_a_forward_nowhere_is_refused_and_changes_nothing(api, who, to, code):
    c = file(api)
    status, body = forward(api, c["id"], to, who=who)
    assert status == 422 and body["error"]["details"][0]["code"] == code, body
    assert api.get(f"/v1/complaints/{c['id']}", who)[1]["version"] == c["version"]


def test_a_forward_to_its_own_government_is_refused(api):
    cid = file(api)["id"]
    forward(api, cid, CITY)
    status, body = forward(api, cid, CITY, who=CITY_SUPERVISOR)
    assert status == 422 and body["error"]["details"][0]["code"] == "same_government", body


def test_transfers_stay_within_a_government(api):
    cid = file(api)["id"]
    status, body = api.post(f"/v1/complaints/{cid}/transfer", SUPERVISOR,
                            {"opd": f"{CITY}.DINKES", "reason": "kota"})
    assert status == 422 and body["error"]["details"][0]["code"] == "transfer_other_government"
    assert "meneruskan" in body["error"]["details"][0]["message"]
    forward(api, cid, CITY)
    status, c = api.post(f"/v1/complaints/{cid}/transfer", CITY_SUPERVISOR, {"opd": f"{CITY}.DLH", "reason": "x"})
    assert (status, c["opd"], c["government"]) == (200, f"{CITY}.DLH", CITY)


def test_a_supervisor_disposes_to_a_unit_whose_operators_then_work_it(api, clock):
    c = file(api)
    unit_op = staff("operator", "DPMPTSP", "op-pelayanan", unit="PELAYANAN")
    other_unit_op = staff("operator", "DPMPTSP", "op-pengaduan", unit="PENGADUAN")
    assert api.get(f"/v1/complaints/{c['id']}", unit_op)[0] == 404           # not disposed to it yet
    clock.advance(hours=1)
    status, d = api.post(f"/v1/complaints/{c['id']}/dispose", SUPERVISOR, {"unit": "PELAYANAN"})
    assert (status, d["unit"], d["opd"], d["status"]) == (200, "PELAYANAN", "DPMPTSP", "assigned")
    assert d["deadlines"] == c["deadlines"]                       # the OPD's clock keeps running
    again = api.post(f"/v1/complaints/{c['id']}/dispose", SUPERVISOR, {"unit": "PELAYANAN"})[1]
    assert again["version"] == d["version"]                       # the same unit changes nothing
    assert [i["id"] for i in api.get("/v1/complaints", unit_op)[1]["items"]] == [c["id"]]
    assert api.get("/v1/complaints", other_unit_op)[1]["items"] == []
    assert api.get(f"/v1/complaints/{c['id']}", other_unit_op)[0] == 404
    assert api.post(f"/v1/complaints/{c['id']}/claim", unit_op, {})[0] == 200
    assert api.get(f"/v1/complaints/{c['id']}", OPERATOR)[0] == 200          # the OPD's own operators too
    event = api.get(f"/v1/complaints/{c['id']}/timeline", CITIZEN)[1][-2]
    assert (event["type"], event["data"]["unit"]) == ("disposed", "PELAYANAN")
    status, body = api.post(f"/v1/complaints/{c['id']}/dispose", SUPERVISOR, {"unit": "UPTD-METRO"})
    assert status == 422 and body["error"]["details"][0]["code"] == "unknown_unit"   # BAPENDA's, not DPMPTSP's
    assert api.post(f"/v1/complaints/{c['id']}/dispose", OPERATOR, {"unit": "PENGADUAN"})[0] == 403


def test_a_located_complaint_goes_straight_to_an_onboarded_city_by_its_region(api, clock):
    c = file(api, category="sampah", location={"address": "Jl. Teuku Umar", "region": "1871"})
    assert (c["opd"], c["government"], c["unit"], c["location"]["region"]) == (
        f"{CITY}.DLH", CITY, "PERSAMPAHAN", "18.71")
    assert at(c["deadlines"]["followup_due"]) == clock.at + timedelta(hours=12)
    elsewhere = file(api, category="sampah", location={"region": "18.04"})     # Lampung Barat: not onboarded
    assert (elsewhere["opd"], elsewhere["government"]) == ("BIRO-ORG", "LAMPUNG")
    nowhere = file(api, category="sampah")
    assert nowhere["opd"] == "BIRO-ORG"


@pytest.mark.parametrize("region", ["18.99", "19.71", "١٨.٧١", "18.71.0", "1" * 5000, "18.71.01.9999"])
def test_a_region_that_does_not_exist_is_refused(api, region):
    status, body = api.post("/v1/complaints", CITIZEN, {**NEW, "location": {"region": region}})
    assert status == 422, body
    assert body["error"]["details"][0]["field"] == "location.region"
    assert api.get("/v1/complaints", CITIZEN)[1]["items"] == []


def test_oversight_per_level_lists_only_its_government(api):
    province = file(api)["id"]
    city = file(api)["id"]
    forward(api, city, CITY)
    assert {i["id"] for i in api.get("/v1/complaints", INSPECTOR)[1]["items"]} == {province, city}
    assert [i["id"] for i in api.get("/v1/complaints", CITY_INSPECTOR)[1]["items"]] == [city]
    assert [i["id"] for i in api.get("/v1/complaints?status=assigned", CITY_INSPECTOR)[1]["items"]] == [city]
    assert api.get("/v1/complaints?opd=DPMPTSP", CITY_INSPECTOR)[0] == 403
    assert api.get("/v1/complaints?overdue=true", CITY_INSPECTOR)[0] == 200
    assert api.get("/v1/complaints", OTHER_CITY_INSPECTOR)[1]["items"] == []
    assert api.get("/v1/audit", CITY_INSPECTOR)[0] == 403


def test_governments_opds_rules_and_stats_per_government(api):
    status, governments = api.get("/v1/governments")
    assert status == 200 and len(governments) == 16 and governments[0]["code"] == "LAMPUNG"
    onboarded = {g["code"] for g in governments if g["onboarded"]}
    assert onboarded == {"LAMPUNG", CITY, "PESAWARAN"}
    assert {g["kind"] for g in governments} == {"provinsi", "kabupaten", "kota"}
    city_opds = api.get(f"/v1/opds?government={CITY}")[1]
    assert city_opds and all(o["government"] == CITY and o["code"].startswith(f"{CITY}.") for o in city_opds)
    dinkes = next(o for o in city_opds if o["code"] == f"{CITY}.DINKES")
    assert {"code": "PKM-KEDATON", "name": "UPT Puskesmas Kedaton", "region": "18.71.01"} in dinkes["units"]
    assert api.get("/v1/opds?government=ATLANTIS")[0] == 422
    levels = api.get(f"/v1/rules?government={CITY}")[1]
    followup = next(c for c in levels["clocks"] if c["clock"] == "followup")
    assert (levels["government"], followup["hours"]) == (CITY, 12)
    assert next(c for c in api.get("/v1/rules")[1]["clocks"] if c["clock"] == "followup")["hours"] == 24
    status, body = api.get("/v1/rules?government=LAMBAR")
    assert status == 422 and body["error"]["details"][0]["code"] == "not_onboarded"
    table = api.get(f"/v1/stats/opds?government={CITY}")[1]
    assert table["government"] == CITY and {r["opd"] for r in table["opds"]} == {o["code"] for o in city_opds}
    everyone = api.get("/v1/stats/opds")[1]
    assert {r["government"] for r in everyone["opds"]} == onboarded
    kecamatan = api.get("/v1/regions?parent=18.71")[1]
    assert {"code": "18.71.01", "name": "Kedaton", "level": "kecamatan", "parent": "18.71"} in kecamatan
    assert len(api.get("/v1/regions")[1]) == 15
    assert api.get("/v1/regions?parent=99")[0] == 422


@pytest.mark.parametrize("unit", ["x" * 5000, "١٢", "", "PELAYANAN;DROP", "pelayanan", 7, None])
def test_a_bad_unit_is_a_clear_422_and_changes_nothing(api, unit):
    c = file(api)
    status, body = api.post(f"/v1/complaints/{c['id']}/dispose", SUPERVISOR, {"unit": unit})
    assert status == 422 and body["error"]["details"][0]["field"] == "unit", body
    assert api.get(f"/v1/complaints/{c['id']}", SUPERVISOR)[1]["version"] == c["version"]


def test_a_region_is_read_as_people_write_it(api):
    for written, stored in (("18.71.01 ", "18.71.01"), ("187101", "18.71.01"), ("1871011003", "18.71.01.1003")):
        got = file(api, category="izin-berusaha", location={"region": written})
        assert got["location"]["region"] == stored, written
    status, body = api.post("/v1/complaints", CITIZEN, {**NEW, "location": {"region": ""}})
    assert status == 422


def test_two_supervisors_forwarding_the_same_version_land_it_once(api):
    """With the version both saw, the second forward changes nothing: the complaint has left the
    province, so to its supervisors it no longer exists (404; a true race is 409, the repository's
    conditional write: tests/integration/test_complaint_repository.py)."""
    c = file(api)
    headers = {"If-Match": f'"{c["version"]}"'}
    first = api.call("POST", f"/v1/complaints/{c['id']}/forward", SUPERVISOR,
                     {"jurisdiction": CITY, "reason": REASON}, headers=headers)
    second = api.call("POST", f"/v1/complaints/{c['id']}/forward", SUPERVISOR,
                      {"jurisdiction": "LAMBAR", "reason": REASON}, headers=headers)
    assert (first[0], second[0]) == (200, 404)
    timeline = api.get(f"/v1/complaints/{c['id']}/timeline", CITY_INSPECTOR)[1]
    assert [e["type"] for e in timeline].count("handed_over") == 1 and timeline[-1]["type"] == "handed_over"


@pytest.mark.parametrize(("at", "status"), [
    ("2026-06-01", 200), ("2026-06-01T08:00:00+07:00", 200), ("2024-12-31", 422), ("2026-02-30", 422),
    ("9999-12-31T23:59:59-14:00", 422), ("٢٠٢٦-٠١-٠١", 422), ("2" * 5000, 422)])
def test_the_service_levels_on_a_date(api, at, status):
    from urllib.parse import quote
    got, body = api.get(f"/v1/rules?at={quote(at)}")
    assert got == status, body
    if status == 200:
        assert body["at"] == "2026-06-01"
    else:
        assert body["error"]["details"][0]["field"] == "at"
    city = api.get(f"/v1/rules?government={CITY}&at=2025-06-01")
    assert city[0] == 422 and city[1]["error"]["details"][0]["code"] == "no_rules_in_force"   # city's own from 2026


def test_the_published_sanction_rules_read_as_text_without_placeholders(api):
    """GET /v1/rules is read by the public board: no case fills a rule's `{placeholders}`, so none
    may show (issue 14: one language, no codes)."""
    for government in ("", "?government=BANDARLAMPUNG"):
        status, body = api.get(f"/v1/rules{government}")
        assert status == 200 and body["sanctions"]
        for rule in body["sanctions"]:
            for lang in ("id", "en"):
                text = rule["description"][lang]
                assert "{" not in text and "}" not in text and "()" not in text, (rule["rule_id"], text)
    miss = next(r for r in api.get("/v1/rules")[1]["sanctions"] if r["rule_id"] == "sanction.operator.miss")
    assert miss["description"]["id"] == "Operator melewatkan batas waktu tindak lanjut."
    assert miss["description"]["en"] == "The operator missed the follow-up deadline."
