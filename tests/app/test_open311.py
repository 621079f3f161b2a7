"""Open311 GeoReport v2 (/open311/v2/…): every endpoint in JSON and XML, the registry holds only
public complaints cut for the public (no reporter, no citizen reply, no staff note), the date
window and its limits, the filters, the api_key (required for POST, stored hashed), the spec's
error shape in both formats, and Accept-Language."""
from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from chalice.local import RouteMatcher
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.domain.lifecycle import file_complaint
from chalicelib.domain.model import Actor, Location, Role
from chalicelib.services import open311 as service
from chalicelib.services.audit import record_timeline
from chalicelib.services.open311_keys import issue
from chalicelib.wiring import container
from tests.app.conftest import CITIZEN, CITIZEN_2, staff
from tests.app.test_complaint_flow import NEW, OPD
from tests.fakes_open311 import FakeApiKeyStore, children, open311_errors, xml
from tests.generated_requests import SEED_ID, requests, routes

BASE = "/open311/v2"
OPERATOR, SUPERVISOR = staff("operator", OPD), staff("supervisor", OPD)
PUBLIC = {**NEW, "visibility": "public"}
REQUEST_FIELDS = ["service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                  "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                  "expected_datetime", "address", "lat", "long", "media_url", "supporters"]


class Open311:
    """The API as an Open311 client sees it: raw bytes, the media type, and a key of its own."""

    def __init__(self, api, clock, keys=None):
        self.api, self.clock = api, clock
        self.keys = keys if keys is not None else FakeApiKeyStore()
        container.override(open311_keys=self.keys)
        self.key_record, self.key = issue(self.keys, "fixmystreet", clock())

    def get(self, path: str, lang: str | None = None):
        headers = {"Accept-Language": lang} if lang else {}
        resp = self.api.client.http.get(f"{BASE}/{path}", headers=headers)
        return resp.status_code, header(resp, "content-type"), resp.body

    def json(self, path: str, lang: str | None = None):
        status, ctype, raw = self.get(path, lang)
        assert status == 200 and ctype == "application/json; charset=utf-8", (status, raw[:300])
        return json.loads(raw)

    def post(self, fmt: str = "json", *, key: str | None = "mine", headers: dict | None = None, **form):
        fields = {"api_key": self.key if key == "mine" else key, "service_code": "izin-berusaha",
                  "lat": "-5.4291", "long": "105.2610", "address_string": "Jl. Raden Intan, Bandar Lampung",
                  "description": "Lampu jalan mati di depan kantor sejak seminggu lalu.", **form}
        body = urlencode({k: v for k, v in fields.items() if v is not None})
        h = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
        resp = self.api.client.http.post(f"{BASE}/requests.{fmt}", headers=h, body=body)
        return resp.status_code, header(resp, "content-type"), resp.body


def header(resp, name: str) -> str:
    return next((v for k, v in resp.headers.items() if k.lower() == name), "")


@pytest.fixture
def o311(api, clock):
    return Open311(api, clock)


def filed(api, who=CITIZEN, **changes) -> str:
    status, body = api.post("/v1/complaints", who, {**PUBLIC, **changes})
    assert status == 201, body
    return body["id"]


def stream(repo) -> None:
    """What the stream does for the audit trail after each change (handlers.on_complaint_changes)."""
    for cid in list(repo.complaints):
        record_timeline(container.audit, repo.timeline(cid))


# --- discovery and services ----------------------------------------------------------------------
def test_discovery_names_this_endpoint_in_both_formats(o311):
    doc = o311.json("discovery.json")
    assert set(doc) == {"changeset", "contact", "key_service", "endpoints"}
    [endpoint] = doc["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["formats"] == ["text/xml", "application/json"] and endpoint["type"] == "production"
    assert endpoint["url"].endswith("/open311/v2")
    status, ctype, raw = o311.get("discovery.xml")
    root = xml(raw)
    assert status == 200 and ctype == "text/xml; charset=utf-8" and root.tag == "discovery"
    formats = root.find("endpoints/endpoint/formats")
    assert [f.text for f in formats] == ["text/xml", "application/json"]


def test_services_are_the_categories_grouped_by_sector(o311):
    services = o311.json("services.json")
    categories = container.rules.categories
    assert [s["service_code"] for s in services] == [c.code for c in categories]
    first = services[0]
    assert list(first) == ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]
    assert first["metadata"] is False and first["type"] == "realtime"
    assert first["service_name"] == categories[0].name and "DPMPTSP" in first["keywords"]
    assert {s["group"] for s in services} == {"Perizinan", "Pendidikan", "Kesehatan", "Pajak", "Lainnya"}
    assert {s["group"] for s in o311.json("services.json", lang="en")} == {
        "Licensing", "Education", "Health", "Tax", "Other"}
    root = xml(o311.get("services.xml")[2])
    assert root.tag == "services" and len(root) == len(categories)
    assert children(root[0])["metadata"] == "false" and children(root[0])["service_code"] == categories[0].code


def test_a_service_definition_and_an_unknown_one(o311):
    assert o311.json("services/izin-berusaha.json") == {"service_code": "izin-berusaha", "attributes": []}
    root = xml(o311.get("services/izin-berusaha.xml")[2])
    assert root.tag == "service_definition" and root.find("service_code").text == "izin-berusaha"
    for path, fmt in (("services/nope.json", "json"), ("services/nope.xml", "xml"), ("services/izin-berusaha", "json"),
                      ("services/izin-berusaha.txt", "json")):
        status, ctype, raw = o311.get(path)
        assert status == 404 and ctype.startswith({"json": "application/json", "xml": "text/xml"}[fmt]), path
        open311_errors(status, raw, ctype)


# --- POST requests and the api_key ----------------------------------------------------------------
def test_a_client_files_a_public_complaint_under_its_own_identity(o311, repo):
    status, ctype, raw = o311.post(first_name="Siti", last_name="Aminah", email="siti@contoh.id",
                                   phone="081234567890", media_url="https://fms.example/p/1.jpeg")
    assert status == 201 and ctype.startswith("application/json"), raw
    [answer] = json.loads(raw)
    assert list(answer) == ["service_request_id", "service_notice", "account_id"] and answer["account_id"] is None
    c = repo.complaints[answer["service_request_id"]]
    assert (c.visibility, c.anonymous, c.category, c.opd) == ("public", False, "izin-berusaha", OPD)
    assert c.reporter.sub == "open311:fixmystreet" and c.reporter.name == "fixmystreet"
    assert c.title == "Lampu jalan mati di depan kantor sejak seminggu lalu."
    assert (c.location.lat, c.location.lon) == (-5.4291, 105.261)
    kept = json.dumps([c.title, c.description, c.reporter.name, c.location.address])
    assert "Siti" not in kept and "081234567890" not in kept and "contoh.id" not in kept   # no personal data
    assert c.id in answer["service_notice"] and "Dinas Penanaman Modal" in answer["service_notice"]
    assert "Batas waktu tindak lanjut" in answer["service_notice"]
    status, ctype, raw = o311.post("xml", address_string=None,
                                   description="title: Jalan berlubang\n\ndetail: Dalam sekali.")
    root = xml(raw)
    assert status == 201 and root.tag == "service_requests" and root[0].tag == "request"
    c = repo.complaints[children(root[0])["service_request_id"]]
    assert c.title == "Jalan berlubang" and c.location.address is None


def test_post_needs_a_valid_key_and_files_nothing_without_one(o311, repo, clock):
    other, other_key = issue(o311.keys, "other-app", clock())
    o311.keys.revoke(other.key_id, clock())
    wrong_secret = o311.key[:-4] + ("AAAA" if not o311.key.endswith("AAAA") else "BBBB")
    for key in (None, "", "nonsense", wrong_secret, other_key, o311.key + "x", "ø" * 10):
        for fmt in ("json", "xml"):
            status, ctype, raw = o311.post(fmt, key=key)
            assert status == 403, (key, raw)
            [(code, description)] = open311_errors(status, raw, ctype)
            assert "api_key" in description
    assert repo.complaints == {}
    reads = o311.keys.calls["get"]
    o311.post(key="x" * 5000)
    assert o311.keys.calls["get"] == reads          # a value that cannot be a key costs no read


def test_keys_are_stored_hashed_with_a_salt_of_their_own(o311, clock):
    second, second_key = issue(o311.keys, "fixmystreet", clock())
    for record, key in ((o311.key_record, o311.key), (second, second_key)):
        key_id, secret = key.split(".")
        assert record.key_id == key_id and secret not in repr(record)
        assert record.digest == hmac.new(bytes.fromhex(record.salt), secret.encode(), hashlib.sha256).hexdigest()
    assert o311.key_record.salt != second.salt and o311.key != second_key
    assert o311.post(key=second_key)[0] == 201          # one application, several keys (rotation)


@pytest.mark.parametrize(("form", "field"), [
    ({"service_code": None}, "service_code"), ({"service_code": "nope"}, "service_code"),
    ({"long": None}, "long"), ({"lat": None, "long": None, "address_string": None}, "lat"),
    ({"lat": "-5,4"}, "lat"), ({"lat": "1e3"}, "lat"), ({"lat": "95.0"}, "lat"), ({"long": "²"}, "long"),
    ({"description": "pendek"}, "description"), ({"description": None}, "description"),
    ({"address_string": "x" * 301}, "address_string"), ({"media_url": "javascript:alert(1)"}, "media_url"),
    ({"email": "e" * 300}, "email"), ({"jurisdiction_id": "chicago.gov"}, None),
])
def test_invalid_requests_are_the_spec_errors(o311, repo, form, field):
    for fmt in ("json", "xml"):
        status, ctype, raw = o311.post(fmt, **form)
        expected = 404 if field is None else 400
        assert status == expected, (form, raw)
        [(_, description)] = open311_errors(status, raw, ctype)
        if field:
            assert description.startswith(f"{field}: "), description
    assert repo.complaints == {}


def test_the_body_must_be_a_form_of_bounded_size(o311, repo):
    http = o311.api.client.http
    cases = [({"Content-Type": "application/json"}, json.dumps({"api_key": o311.key}), 415),
             ({"Content-Type": "application/x-www-form-urlencoded"}, "api_key=a&api_key=b", 400),
             ({"Content-Type": "application/x-www-form-urlencoded"}, "description=%ff%fe", 400),
             ({"Content-Type": "application/x-www-form-urlencoded"}, "&".join(f"f{i}=1" for i in range(100)), 400),
             ({"Content-Type": "application/x-www-form-urlencoded"}, "description=" + "x" * 70000, 413)]
    for headers, body, expected in cases:
        resp = http.post(f"{BASE}/requests.json", headers=headers, body=body)
        assert resp.status_code == expected, (body[:40], resp.body[:200])
        open311_errors(expected, resp.body, header(resp, "content-type"))
    assert repo.complaints == {}


def test_a_retry_with_the_same_idempotency_key_files_once(o311, repo):
    first = o311.post(headers={"Idempotency-Key": "fms-report-77"})
    again = o311.post(headers={"Idempotency-Key": "fms-report-77"})
    assert (first[0], again[0]) == (201, 200)
    assert json.loads(first[2])[0]["service_request_id"] == json.loads(again[2])[0]["service_request_id"]
    assert len(repo.complaints) == 1
    status, ctype, raw = o311.post(headers={"Idempotency-Key": "fms-report-77"},
                                   description="Sesuatu yang lain sama sekali.")
    assert status == 400 and "Idempotency-Key" in open311_errors(status, raw, ctype)[0][1]


def test_the_key_daily_limit_holds_with_retry_after(o311, repo, clock):
    limited, key = issue(o311.keys, "small-app", clock(), daily_limit=2)
    assert [o311.post(key=key)[0] for _ in range(2)] == [201, 201]
    resp = o311.api.client.http.post(f"{BASE}/requests.json", headers={
        "Content-Type": "application/x-www-form-urlencoded"}, body=urlencode({
            "api_key": key, "service_code": "izin-berusaha", "address_string": "Metro",
            "description": "Satu lagi, melewati batas harian."}))
    assert resp.status_code == 429 and int(header(resp, "retry-after")) > 0
    open311_errors(429, resp.body, header(resp, "content-type"))
    assert len(repo.complaints) == 2


# --- GET requests: only public complaints, cut for the public --------------------------------------
def test_only_public_complaints_appear_and_without_reporter_replies_or_notes(o311, api, repo, clock):
    public = filed(api, description="Jalan berlubang di Jl. Teuku Umar, sudah dua bulan.")
    clock.advance(minutes=1)
    anonymous = filed(api, CITIZEN_2, anonymous=True, description="Sampah menumpuk di Pasar Tugu.")
    private = filed(api, visibility="private", description="Urusan pribadi yang tidak boleh terbaca.")
    cid = f"/v1/complaints/{public}"
    assert api.post(f"{cid}/notes", OPERATOR, {"note": "CATATAN-INTERNAL petugas"})[0] == 201
    assert api.post(f"{cid}/request-info", OPERATOR, {"question": "Di nomor berapa?"})[0] == 200
    assert api.post(f"{cid}/replies", CITIZEN, {"message": "BALASAN-WARGA nomor 12"})[0] == 200
    stream(repo)
    everything = b""
    for path in ("requests.json", "requests.xml", f"requests/{public}.json", f"requests/{anonymous}.xml",
                 f"requests.json?service_request_id={public},{anonymous},{private}", "servicerequestupdates.json",
                 "servicerequestupdates.xml"):
        status, _, raw = o311.get(path)
        assert status == 200, (path, raw[:200])
        everything += raw
    listed = o311.json("requests.json")
    assert [r["service_request_id"] for r in listed] == [anonymous, public]          # newest first
    assert all(list(r) == REQUEST_FIELDS for r in listed)
    for secret in (private, "Urusan pribadi", "warga-1", "warga-2", "CATATAN-INTERNAL", "BALASAN-WARGA",
                   "Di nomor berapa", OPERATOR[0], "reporter", "assignee"):
        assert secret.encode() not in everything, secret
    for path in (f"requests/{private}.json", f"requests/{private}.xml", f"tokens/{private}.json"):
        status, ctype, raw = o311.get(path)
        assert status == 404 and private.encode() not in raw
        open311_errors(status, raw, ctype)


def test_a_request_read_alone_in_json_and_xml(o311, api, clock):
    cid = filed(api)
    [r] = o311.json(f"requests/{cid}.json")
    assert (r["service_request_id"], r["status"], r["service_code"]) == (cid, "open", "izin-berusaha")
    assert r["agency_responsible"] == "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu"
    assert r["status_notes"] == "Menunggu tindak lanjut" and r["media_url"] == ""
    assert r["requested_datetime"] == "2026-11-27T09:00:00+07:00" == r["updated_datetime"]
    assert r["expected_datetime"] > r["requested_datetime"] and r["expected_datetime"].endswith("+07:00")
    assert (r["lat"], r["long"], r["address"]) == (-5.43, 105.26, NEW["location"]["address"])
    assert r["description"] == NEW["description"] and "tindak lanjut" in r["service_notice"]
    [en] = o311.json(f"requests/{cid}.json", lang="en")
    assert en["status_notes"] == "Waiting for a follow-up" and en["service_notice"].startswith("Handled by")
    root = xml(o311.get(f"requests/{cid}.xml")[2])
    assert root.tag == "service_requests" and [e.tag for e in root[0]] == REQUEST_FIELDS
    assert children(root[0])["lat"] == "-5.43" and children(root[0])["media_url"] == ""
    status, ctype, raw = o311.get(f"requests/{cid}.xml", lang="en")
    assert ctype.startswith("text/xml") and b"Waiting for a follow-up" in raw


def test_closed_requests_have_no_expected_time_and_say_why(o311, api):
    cid = filed(api)
    api.post(f"/v1/complaints/{cid}/followups", OPERATOR, {"message": "Sudah diperbaiki."})
    [r] = o311.json(f"requests/{cid}.json")
    assert r["status"] == "open" and r["status_notes"] == "Menunggu persetujuan" and r["expected_datetime"]
    api.post(f"/v1/complaints/{cid}/approve", SUPERVISOR, {})
    [r] = o311.json(f"requests/{cid}.json")
    assert (r["status"], r["status_notes"], r["expected_datetime"]) == ("closed", "Sudah selesai", None)
    forwarded = filed(api)
    api.post(f"/v1/complaints/{forwarded}/forward", SUPERVISOR,
             {"jurisdiction": "LAMBAR", "reason": "Jalan kabupaten."})
    [r] = o311.json(f"requests/{forwarded}.json")
    assert r["status"] == "closed" and r["status_notes"].startswith("Sudah diteruskan ke ")
    assert "LAMBAR" not in r["status_notes"]                  # the government's name, not its code


def test_the_status_and_service_filters(o311, api, clock):
    open_one = filed(api)
    clock.advance(minutes=1)
    closed = filed(api)
    clock.advance(minutes=1)
    tax = filed(api, category="pajak-kendaraan")
    api.post(f"/v1/complaints/{closed}/reject", SUPERVISOR, {"reason": "Bukan aduan."})
    ids = lambda path: [r["service_request_id"] for r in o311.json(path)]   # noqa: E731
    assert ids("requests.json?status=open") == [tax, open_one]
    assert ids("requests.json?status=closed") == [closed]
    assert ids("requests.json?status=open,closed") == [tax, closed, open_one]
    assert ids("requests.json?service_code=pajak-kendaraan") == [tax]
    assert ids("requests.json?service_code=pajak-kendaraan,izin-berusaha&status=closed") == [closed]
    assert ids(f"requests.json?service_request_id={open_one},{tax}&status=closed") == [open_one, tax]
    many = ",".join(f"ADU-261127-{n:07d}" for n in range(service.MAX_IDS + 1))
    status, ctype, raw = o311.get(f"requests.json?service_request_id={many}")
    assert status == 400 and "50" in open311_errors(status, raw, ctype)[0][1]
    for bad in ("status=pending", "service_code=nope", "status=OPEN", f"service_request_id={many}"):
        status, ctype, raw = o311.get(f"requests.json?{bad}")
        assert status == 400, bad
        assert open311_errors(status, raw, ctype)[0][1].startswith(bad.split("=")[0] + ": ")


def test_the_date_window_defaults_to_90_days_and_is_bounded(o311, api, clock):
    old = filed(api)                                      # 2026-11-27 09:00 WIB
    clock.advance(days=100)
    recent = filed(api)                                   # 2027-03-07
    ids = lambda path: [r["service_request_id"] for r in o311.json(path)]   # noqa: E731
    assert ids("requests.json") == [recent]
    assert ids("requests.json?start_date=2026-11-01T00:00:00Z") == [old]          # 90 days from the start
    assert ids("requests.json?end_date=2026-12-01") == [old]                      # 90 days up to the end
    assert ids("requests.json?start_date=2026-11-27T09:00:00%2B07:00&end_date=2026-11-27T09:00:00%2B07:00") == [old]
    assert ids("requests.json?start_date=2027-03-01&end_date=2027-03-31") == [recent]
    for bad, field in (("start_date=2026-11-01&end_date=2027-03-31", "start_date"),
                       ("start_date=2027-03-01&end_date=2027-02-01", "end_date"),
                       ("start_date=yesterday", "start_date"), ("end_date=2027-02-30", "end_date")):
        for fmt in ("json", "xml"):
            status, ctype, raw = o311.get(f"requests.{fmt}?{bad}")
            assert status == 400, bad
            assert open311_errors(status, raw, ctype)[0][1].startswith(f"{field}: "), raw


def test_at_most_1000_requests_and_bounded_store_reads(o311, repo, clock):
    at = clock() - timedelta(days=1)
    for n in range(1010):
        complaint, event = file_complaint(
            complaint_id=f"ADU-261126-{n:07d}", actor=Actor("warga-1", Role.CITIZEN), at=at + timedelta(seconds=n),
            category="izin-berusaha", sector="perizinan", opd=OPD, title="Izin belum terbit",
            description="Sudah lama tidak ada kabar.", location=Location(address="Metro"),
            visibility="public" if n % 10 else "private", anonymous=False, routing_rule=None, rules_version=None)
        repo.add(complaint, event)
    before = repo.calls["list"]
    listed = o311.json("requests.json")
    assert len(listed) == 909 and repo.calls["list"] - before == 11             # 1,010 read, 101 private
    clock.advance(days=0)
    for n in range(1010, 1300):                                               # more than the cap
        complaint, event = file_complaint(
            complaint_id=f"ADU-261126-{n:07d}", actor=Actor("warga-1", Role.CITIZEN), at=at + timedelta(seconds=n),
            category="izin-berusaha", sector="perizinan", opd=OPD, title="Izin belum terbit",
            description="Sudah lama tidak ada kabar.", location=None, visibility="public", anonymous=False,
            routing_rule=None, rules_version=None)
        repo.add(complaint, event)
    listed = o311.json("requests.json")
    assert len(listed) == service.MAX_RECORDS and listed[0]["service_request_id"] == "ADU-261126-0001299"


def test_a_token_is_the_request_id(o311, api):
    cid = filed(api)
    assert o311.json(f"tokens/{cid}.json") == [{"service_request_id": cid, "token": cid}]
    root = xml(o311.get(f"tokens/{cid}.xml")[2])
    assert children(root[0]) == {"service_request_id": cid, "token": cid}
    status, ctype, raw = o311.get("tokens/ADU-000000-0000000.xml")
    assert status == 404 and "Token" in open311_errors(status, raw, ctype)[0][1]


def test_one_jurisdiction_is_served(o311):
    assert o311.get("services.json?jurisdiction_id=lampungprov.go.id")[0] == 200
    status, ctype, raw = o311.get("services.xml?jurisdiction_id=chicago.gov")
    assert status == 404 and "lampungprov.go.id" in open311_errors(status, raw, ctype)[0][1]


def test_xml_escapes_markup_and_drops_what_xml_cannot_carry(o311, repo, clock):
    """What the API takes today refuses control characters; stored data may still hold them."""
    complaint, event = file_complaint(
        complaint_id="ADU-261127-XMLTEST", actor=Actor("warga-1", Role.CITIZEN), at=clock(),
        category="izin-berusaha", sector="perizinan", opd=OPD, title="Banjir di jalan",
        description="<b>Banjir</b> & genangan ]]> di \x01jalan \ud800raya", location=None,
        visibility="public", anonymous=False, routing_rule=None, rules_version=None)
    repo.add(complaint, event)
    cid = complaint.id
    status, _, raw = o311.get(f"requests/{cid}.xml")
    assert status == 200 and b"<b>" not in raw
    assert children(xml(raw)[0])["description"] == "<b>Banjir</b> & genangan ]]> di jalan raya"
    assert o311.json(f"requests/{cid}.json")[0]["description"] == "<b>Banjir</b> & genangan ]]> di \x01jalan ?raya"


# --- servicerequestupdates (mySociety) ------------------------------------------------------------
def test_updates_are_the_public_timeline_in_a_window(o311, api, repo, clock):
    cid = filed(api)
    private = filed(api, visibility="private")
    clock.advance(hours=2)
    api.post(f"/v1/complaints/{cid}/notes", OPERATOR, {"note": "CATATAN-INTERNAL"})
    api.post(f"/v1/complaints/{cid}/followups", OPERATOR, {"message": "JAWABAN untuk pelapor"})
    api.post(f"/v1/complaints/{private}/followups", OPERATOR, {"message": "Rahasia"})
    clock.advance(hours=2)
    api.post(f"/v1/complaints/{cid}/approve", SUPERVISOR, {"note": "OK"})
    stream(repo)
    got = o311.json("servicerequestupdates.json")
    assert [(u["update_id"], u["status"]) for u in got] == [(f"{cid}-1", "open"), (f"{cid}-3", "open"),
                                                            (f"{cid}-4", "closed")]
    assert list(got[0]) == ["update_id", "service_request_id", "status", "updated_datetime", "description", "media_url"]
    assert [u["description"] for u in got] == ["Aduan diajukan", "Ditindaklanjuti", "Tindak lanjut disetujui"]
    assert got[2]["updated_datetime"] == "2026-11-27T13:00:00+07:00"
    assert [u["description"] for u in o311.json("servicerequestupdates.json", lang="en")][-1] == "Follow-up approved"
    window = "start_date=2026-11-27T10:00:00%2B07:00&end_date=2026-11-27T12:00:00%2B07:00"
    assert [u["update_id"] for u in o311.json(f"servicerequestupdates.json?{window}")] == [f"{cid}-3"]
    root = xml(o311.get(f"servicerequestupdates.xml?{window}")[2])
    assert root.tag == "service_request_updates" and root[0].tag == "request_update"
    raw = o311.get("servicerequestupdates.xml")[2]
    for secret in (private, "CATATAN-INTERNAL", "JAWABAN", OPERATOR[0], SUPERVISOR[0]):
        assert secret.encode() not in raw
    status, ctype, raw = o311.get("servicerequestupdates.xml?start_date=2026-01-01&end_date=2026-12-31")
    assert status == 400 and open311_errors(status, raw, ctype)


# --- never a 5xx, always the spec's error shape ----------------------------------------------------
def open311_routes():
    return [(path, methods) for path, methods in routes() if path.startswith(BASE)]


@pytest.mark.parametrize("focus", ["path", "query", "headers", "body", "all"])
def test_generated_requests_never_5xx_and_errors_keep_the_spec_shape(api, clock, focus):
    Open311(api, clock)
    filed(api)
    table = open311_routes()
    matcher = RouteMatcher([path for path, _ in table])

    def known(path: str) -> bool:        # a path of ours (else the gateway's 404, in the contract's shape)
        try:
            matcher.match_route(path)
        except ValueError:
            return False
        return True
    assert len(table) == 11

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def check(data):
        req = data.draw(requests(focus, table=table))
        path = req.path.replace(SEED_ID, data.draw(st.sampled_from([SEED_ID, SEED_ID + ".json", SEED_ID + ".xml"])))
        headers = {"Content-Type": "application/x-www-form-urlencoded", **req.headers}
        resp = api.client.http.request(req.method, path, headers=headers, body=req.body or b"")
        assert resp.status_code < 500, (req, resp.body[:300])
        if resp.status_code >= 400 and resp.status_code != 405 and known(path.split("?")[0]):
            open311_errors(resp.status_code, resp.body, header(resp, "content-type"))

    check()


# --- who may do what: bearer tokens play no part, the api_key does -------------------------------------
CALLERS = [None, "Bearer not-a-token", CITIZEN, ("admin-1", "admin"), OPERATOR]


@pytest.mark.parametrize("who", CALLERS)
def test_reads_are_public_and_a_bearer_token_neither_helps_nor_hurts(o311, api, who):
    """Open311's own authorization matrix (tests/app/test_authorization_matrix.py reads JSON in the
    contract's shape; these routes answer XML too and the spec's errors)."""
    cid = filed(api)
    if isinstance(who, str):
        headers = {"Authorization": who}
    else:
        headers = dict(api.keys.headers(*who)) if who else {}
    for path in ("discovery.json", "services.xml", "services/izin-berusaha.json", "requests.json",
                 f"requests/{cid}.xml", f"tokens/{cid}.json", "servicerequestupdates.xml"):
        resp = api.client.http.get(f"{BASE}/{path}", headers=headers)
        assert resp.status_code == 200, (who, path, resp.body[:200])
    headers.pop("Content-Type", None)
    assert o311.post(key=None, headers=headers)[0] == 403          # a token is not an api_key
    assert o311.post(headers=headers)[0] == 201


# --- on DynamoDB (moto): the key table and the feed index, as deployed -----------------------------
def test_on_dynamodb_keys_are_stored_hashed_and_the_registry_reads_the_feed(dynamo_api, clock):
    import boto3

    from chalicelib.adapters.dynamo.api_keys import DynamoApiKeyStore
    from chalicelib.services.open311_keys import verify

    o311 = Open311(dynamo_api, clock, DynamoApiKeyStore(container.settings))
    store, key_record, key = o311.keys, o311.key_record, o311.key
    assert store.get(key_record.key_id) == key_record and verify(store, key) == key_record
    item = boto3.client("dynamodb").get_item(TableName=container.settings.table_name("open311_keys"),
                                             Key={"key_id": {"S": key_record.key_id}})["Item"]
    assert set(item) == {"key_id", "client", "salt", "digest", "created_at", "daily_limit"}
    assert key.split(".")[1] not in json.dumps(item)
    status, _, raw = o311.post()
    assert status == 201, raw
    cid = json.loads(raw)[0]["service_request_id"]
    private = filed(dynamo_api, visibility="private")
    clock.advance(minutes=5)
    dynamo_api.post(f"/v1/complaints/{cid}/followups", OPERATOR, {"message": "Sudah diganti."})
    for c in (cid, private):
        record_timeline(container.audit, container.repo.timeline(c))
    assert [r["service_request_id"] for r in o311.json("requests.json")] == [cid]
    assert [u["update_id"] for u in o311.json("servicerequestupdates.json")] == [f"{cid}-1", f"{cid}-2"]
    assert store.revoke(key_record.key_id, clock()) and not store.revoke(key_record.key_id, clock())
    assert verify(store, key) is None and o311.post()[0] == 403
    assert [k.key_id for k in store.all()] == [key_record.key_id] and store.all()[0].revoked_at is not None


def test_requests_count_their_supporters(o311, api):
    cid = filed(api)
    assert o311.json(f"requests/{cid}.json")[0]["supporters"] == 0
    for who in (CITIZEN_2, ("warga-3", "citizen")):
        assert api.post(f"/v1/complaints/{cid}/support", who)[0] == 200
    assert o311.json(f"requests/{cid}.json")[0]["supporters"] == 2
    listed = {r["service_request_id"]: r["supporters"] for r in o311.json("requests.json")}
    assert listed[cid] == 2
    assert xml(o311.get(f"requests/{cid}.xml")[2]).find(".//supporters").text == "2"
