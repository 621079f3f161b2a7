"""Names in the caller's language: categories, OPDs (and their units), governments, jurisdictions,
Open311 services and the league table answer `name` per Accept-Language — Indonesian by default
and where the rules give no English name — in the contract's shapes."""
from __future__ import annotations

from dataclasses import replace

import pytest

from chalicelib.rules.bundle import load_bundle
from chalicelib.wiring import container

EN = {"Accept-Language": "en"}


def by_code(rows, key="code"):
    return {r[key]: r for r in rows}


def test_categories_in_each_language_keep_their_shape(api):
    status, id_rows = api.get("/v1/categories")
    assert status == 200
    _, en_rows = api.get("/v1/categories", headers=EN)
    assert [r["code"] for r in id_rows] == [r["code"] for r in en_rows]
    assert all(set(r) == {"code", "name", "sector", "opd"} for r in en_rows)
    assert by_code(id_rows)["pajak-kendaraan"]["name"] == "Pajak kendaraan bermotor (PKB)"
    assert by_code(en_rows)["pajak-kendaraan"]["name"] == "Motor vehicle tax (PKB)"
    assert all(en["name"] != by_code(id_rows)[en["code"]]["name"] for en in en_rows)
    _, default = api.get("/v1/categories", headers={"Accept-Language": "fr, de;q=0.5"})
    assert default == id_rows


def test_opds_and_their_units_in_each_language(api):
    _, id_rows = api.get("/v1/opds?government=BANDARLAMPUNG")
    _, en_rows = api.get("/v1/opds?government=BANDARLAMPUNG", headers={"Accept-Language": "en-GB,en;q=0.9"})
    dinkes_id, dinkes_en = by_code(id_rows)["BANDARLAMPUNG.DINKES"], by_code(en_rows)["BANDARLAMPUNG.DINKES"]
    assert dinkes_id["name"] == "Dinas Kesehatan Kota Bandar Lampung"
    assert dinkes_en["name"] == "Bandar Lampung City Health Office"
    assert set(dinkes_en) == set(dinkes_id) and dinkes_en["government"] == "BANDARLAMPUNG"
    units = by_code(dinkes_en["units"])
    assert units["PKM-KEDATON"] == {"code": "PKM-KEDATON", "region": "18.71.01",
                                    "name": "Kedaton Community Health Centre (Puskesmas)"}
    assert by_code(dinkes_id["units"])["PKM-KEDATON"]["name"] == "UPT Puskesmas Kedaton"
    _, province = api.get("/v1/opds", headers=EN)
    assert by_code(province)["BAPENDA"]["name"] == "Regional Revenue Agency"


def test_governments_and_jurisdictions_in_each_language(api):
    _, id_rows = api.get("/v1/governments")
    _, en_rows = api.get("/v1/governments", headers=EN)
    assert by_code(id_rows)["LAMPUNG"]["name"] == "Provinsi Lampung"
    assert by_code(en_rows)["LAMPUNG"]["name"] == "Lampung Province"
    assert by_code(en_rows)["LAMBAR"]["name"] == "West Lampung Regency"
    _, places = api.get("/v1/jurisdictions", headers=EN)
    assert by_code(places)["METRO"]["name"] == "Metro City"


def test_the_league_table_names_its_opds_in_the_callers_language(api):
    _, id_table = api.get("/v1/stats/opds")
    status, en_table = api.get("/v1/stats/opds", headers=EN)      # the same cached computation
    assert status == 200
    assert by_code(id_table["opds"], "opd")["DINKES"]["name"] == "Dinas Kesehatan"
    assert by_code(en_table["opds"], "opd")["DINKES"]["name"] == "Health Office"
    strip = [{k: v for k, v in r.items() if k != "name"} for r in en_table["opds"]]
    assert strip == [{k: v for k, v in r.items() if k != "name"} for r in id_table["opds"]]


def test_open311_services_in_each_language(api):
    _, id_rows = api.get("/open311/v2/services.json")
    _, en_rows = api.get("/open311/v2/services.json", headers=EN)
    assert by_code(id_rows, "service_code")["bencana"]["service_name"] == "Bencana dan kedaruratan"
    en = by_code(en_rows, "service_code")["bencana"]
    assert en["service_name"] == "Disasters and emergencies"
    assert "Regional Disaster Management Agency" in en["description"]


@pytest.fixture
def without_english():
    """The shipped bundle with every English name of the province's OPDs and categories removed:
    what a table without translations answers."""
    bundle = load_bundle()
    routing = bundle.routing
    saved = (dict(routing.opds), list(routing.categories))
    routing.opds.update({c: replace(o, name_en=None) for c, o in routing.opds.items()})
    routing.categories[:] = [replace(c, name_en=None) for c in routing.categories]
    yield
    routing.opds.clear()
    routing.opds.update(saved[0])
    routing.categories[:] = saved[1]


def test_without_an_english_name_the_indonesian_one_is_answered(api, without_english):
    _, en_rows = api.get("/v1/categories", headers=EN)
    assert by_code(en_rows)["pajak-kendaraan"]["name"] == "Pajak kendaraan bermotor (PKB)"
    _, en_opds = api.get("/v1/opds", headers=EN)
    assert by_code(en_opds)["DINKES"]["name"] == "Dinas Kesehatan"
    assert container.rules.opds["DINKES"].name_in("en") == "Dinas Kesehatan"


def test_notifications_name_the_opd_in_each_language(api):
    """The stream's notifications render each language with that language's OPD name."""
    from tests.app.conftest import CITIZEN
    from tests.app.test_complaint_flow import file
    from tests.app.test_notifications_api import inbox, stream

    stream(file(api)["id"])                         # izin-berusaha: DPMPTSP
    [indonesian] = inbox(api, CITIZEN)
    [english] = inbox(api, CITIZEN, "en")
    assert "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu" in indonesian["body"]
    assert "Investment and One-Stop Integrated Services Office" in english["body"]
    assert "Dinas Penanaman" not in english["body"]
