"""GET /v1/stats/opds/monthly: the league table's figures per WIB month, for the public board.

GIVEN complaints worked through the app (one followed up and approved, one missed and sanctioned by
the sweep) in November 2026, WHEN the public asks for a government's or an OPD's months, THEN that
month shows them and the earlier months are zeros; bad parameters are 422 in both languages."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from tests.app.conftest import ADMIN, CITIZEN
from tests.app.test_complaint_flow import OPD, OPERATOR, SUPERVISOR, file
from tests.app.test_sanctions_api import invoke, scheduled, stream_event

EN = {"Accept-Language": "en"}
PATH = "/v1/stats/opds/monthly"


def worked(api, clock):
    """One complaint followed up after 3 hours and approved 5 hours later; one left to the sweep."""
    done, missed = file(api)["id"], file(api)["id"]
    invoke(api, "complaint_changes", stream_event(done, missed))
    clock.advance(hours=3)
    assert api.post(f"/v1/complaints/{done}/claim", OPERATOR)[0] == 200
    assert api.post(f"/v1/complaints/{done}/followups", OPERATOR, {"message": "NIB sudah terbit, cek OSS."})[0] == 200
    clock.advance(hours=5)
    assert api.post(f"/v1/complaints/{done}/approve", SUPERVISOR, {})[0] == 200
    invoke(api, "complaint_changes", stream_event(done))
    clock.advance(hours=20)                      # the missed one's 24 hours are over
    report = invoke(api, "sweep", scheduled(clock.at.isoformat()))
    assert report["sanctions_issued"] == 1
    return done, missed


def test_a_month_shows_what_was_worked_in_it(api, clock):
    worked(api, clock)
    status, body = api.get(f"{PATH}?government=LAMPUNG&months=3")
    assert status == 200, body
    assert (body["government"], body["opd"], body["name"], body["window_months"]) == (
        "LAMPUNG", None, "Provinsi Lampung", 3)
    assert body["since"] == "2026-09-01T00:00:00+07:00" and body["timezone"] == "Asia/Jakarta"
    assert [m["month"] for m in body["months"]] == ["2026-09", "2026-10", "2026-11"]
    sept, _oct, nov = body["months"]
    assert sept == {"month": "2026-09", "complaints": 0, "sanctions": 0,
                    "followup": {"decided": 0, "on_time": 0, "late": 0, "on_time_rate": None, "median_hours": None},
                    "approval": {"decided": 0, "on_time": 0, "late": 0, "on_time_rate": None, "median_hours": None}}
    assert nov["complaints"] == 2 and nov["sanctions"] == 1
    assert nov["followup"] == {"decided": 2, "on_time": 1, "late": 1, "on_time_rate": 0.5, "median_hours": 3.0}
    assert nov["approval"] == {"decided": 1, "on_time": 1, "late": 0, "on_time_rate": 1.0, "median_hours": 5.0}
    # the same figures for the OPD alone, named in the caller's language; none for another OPD
    _, one = api.get(f"{PATH}?opd={OPD}&months=3", headers=EN)
    assert one["months"] == body["months"] and one["government"] == "LAMPUNG"
    assert one["name"] == "Investment and One-Stop Integrated Services Office"
    _, other = api.get(f"{PATH}?opd=DINKES&months=3")
    assert other["months"][-1]["complaints"] == 0 and other["name"] == "Dinas Kesehatan"
    _, city = api.get(f"{PATH}?government=BANDARLAMPUNG&months=3", headers=EN)
    assert city["name"] == "Bandar Lampung City" and city["months"][-1]["complaints"] == 0


def test_months_are_wib_months_and_default_to_twelve(api, clock):
    clock.at = datetime(2026, 11, 30, 18, 30, tzinfo=timezone.utc)      # 01:30 WIB on 1 December
    invoke(api, "complaint_changes", stream_event(file(api)["id"]))
    status, body = api.get(PATH)
    assert status == 200 and body["window_months"] == 12 and len(body["months"]) == 12
    assert body["months"][-1]["month"] == "2026-12" and body["months"][0]["month"] == "2026-01"
    assert body["months"][-1]["complaints"] == 1 and body["months"][-2]["complaints"] == 0
    assert body["until"] == "2026-12-31" and body["government"] is None and body["name"] is None


def test_only_the_public_allow_list_is_answered(api, clock):
    worked(api, clock)
    _, body = api.get(f"{PATH}?months=1")
    [month] = body["months"]
    assert set(month) == {"month", "complaints", "followup", "approval", "sanctions"}      # no channels
    assert set(month["followup"]) == {"decided", "on_time", "late", "on_time_rate", "median_hours"}
    assert api.get(f"{PATH}?months=1", CITIZEN)[1]["months"] == api.get(f"{PATH}?months=1", ADMIN)[1]["months"]


@pytest.mark.parametrize("query, field, code", [
    ("months=0", "months", "months_range"),
    ("months=25", "months", "months_range"),
    ("months=5000", "months", "months_range"),
    ("months=" + "9" * 5000, "months", "months_range"),
    ("months=%D9%A1%D9%A2", "months", "months_range"),          # Arabic-Indic ١٢
    ("months=%C2%B2", "months", "months_range"),                # ²
    ("months=-3", "months", "months_range"),
    ("months=1e1", "months", "months_range"),
    ("months=", "months", "months_range"),
    ("government=NOPE", "government", "unknown_government"),
    ("government=" + "X" * 5000, "government", "invalid"),
    ("government=LAMBAR", "government", "not_onboarded"),
    ("opd=NOPE", "opd", "unknown_opd"),
    ("opd=%00", "opd", "invalid"),
    ("government=BANDARLAMPUNG&opd=DINKES", "opd", "opd_other_government"),
])
def test_bad_parameters_are_422_in_both_languages(api, query, field, code):
    status, body = api.get(f"{PATH}?{query}")
    assert status == 422, body
    [detail] = body["error"]["details"]
    assert (body["error"]["code"], detail["field"], detail["code"]) == ("validation_failed", field, code)
    status, en = api.get(f"{PATH}?{query}", headers=EN)
    assert status == 422 and en["error"]["details"][0]["message"] != detail["message"]
    assert en["error"]["message"] != body["error"]["message"]


def test_the_months_error_says_the_range(api):
    _, body = api.get(f"{PATH}?months=0")
    assert body["error"]["details"][0]["message"] == "Jumlah bulan harus bilangan bulat 1 sampai 24 (angka 0-9)."
    _, body = api.get(f"{PATH}?months=0", headers=EN)
    assert body["error"]["details"][0]["message"] == (
        "The number of months must be a whole number from 1 to 24 (digits 0-9).")


def test_computed_at_most_once_a_minute_per_filter(api, monkeypatch):
    from chalicelib.api import stats
    calls = []
    real = stats._compute
    monkeypatch.setattr(stats, "_compute", lambda *filters: calls.append(filters) or real(*filters))
    for lang in ("id", "en", "id"):
        status, _body = api.get(f"{PATH}?government=LAMPUNG&months=6", headers={"Accept-Language": lang})
        assert status == 200
    assert calls == [("LAMPUNG", None, 6)]
    api.get(f"{PATH}?government=LAMPUNG&months=7")
    assert len(calls) == 2
    monkeypatch.setattr(stats, "STATS_TTL_SECONDS", -1)
    api.get(f"{PATH}?government=LAMPUNG&months=6")
    assert len(calls) == 3


def test_cached_publicly_for_a_minute_per_language(api):
    response = api.client.http.get(f"{PATH}?months=2", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert response.headers["Vary"] == "Accept-Language" and response.headers["Content-Language"] == "en"
