"""Open311 end to end: `lampungin dev` as it runs, an API key from `lampungin open311 keys`, and
`georeport` (PyPI, pinned in requirements-dev.txt) as an independent GeoReport v2 client — written
by someone else, against the spec, in both its JSON and its XML mode: it lists the services,
queries requests by date and status, and reads one. georeport cannot POST (its README says so), so
the filing is a plain form POST as FixMyStreet sends it.
"""
from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta, timezone

import pytest
import requests
from georeport import GeoReport  # type: ignore[import-untyped]  # ships no type information

from tests.e2e.test_dev_stack import cli, wait_for

pytestmark = pytest.mark.slow
W3C = "%Y-%m-%dT%H:%M:%SZ"



@pytest.fixture(scope="module")
def key(stack):
    done = cli(stack.home, "open311", "keys", "add", "--name", "e2e-client")
    assert done.returncode == 0, done.stderr
    key = done.stdout.strip()
    assert key.startswith("o311k") and "." in key and key not in done.stderr
    return key


def post(stack, key, **form):
    fields = {"api_key": key, "service_code": "izin-berusaha", "lat": "-5.4291", "long": "105.2610",
              "address_string": "Jl. Raden Intan, Bandar Lampung",
              "description": "Izin usaha saya belum terbit setelah dua bulan.", **form}
    return requests.post(f"{stack.base}/open311/v2/requests.json", data=fields, timeout=10)


def window() -> tuple[str, str]:
    now = datetime.now(timezone.utc)
    return (now - timedelta(hours=1)).strftime(W3C), (now + timedelta(minutes=5)).strftime(W3C)


def test_keys_are_listed_without_their_secret_and_a_post_files_a_public_complaint(stack, key):
    listed = cli(stack.home, "open311", "keys", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    [row] = json.loads(listed.stdout)
    assert row["key_id"] == key.split(".")[0] and row["name"] == "e2e-client" and row["revoked_at"] is None
    assert key.split(".")[1] not in listed.stdout
    response = post(stack, key)
    assert response.status_code == 201, response.text
    [answer] = response.json()
    inspector = stack.token("insp-1", "inspector")
    complaint = stack.call("GET", f"/v1/complaints/{answer['service_request_id']}", inspector)
    assert complaint["visibility"] == "public" and complaint["reporter"]["id"] == "open311:e2e-client"
    assert post(stack, "o311k000000000000." + "A" * 43).status_code == 403


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_lists_services_queries_by_date_and_status_and_reads_one(stack, key, fmt):
    client = GeoReport(f"{stack.base}/open311/v2", output_format=fmt)
    services = client.get_service_list()
    codes = [s["service_code"] for s in services]
    categories = stack.call("GET", "/v1/categories", {})
    assert codes == [c["code"] for c in categories]
    assert {"service_name", "metadata", "type", "group"} <= set(services[0])
    definition = client.get_service_definition("izin-berusaha")
    assert definition["service_code"] == "izin-berusaha"

    filed = post(stack, key, description=f"Laporan {fmt} {uuid.uuid4().hex[:8]}: jalan rusak di depan sekolah.")
    assert filed.status_code == 201, filed.text
    open_id = filed.json()[0]["service_request_id"]
    citizen = stack.token(f"warga-{fmt}", "citizen")
    private = stack.call("POST", "/v1/complaints", citizen, {
        "category": "izin-berusaha", "title": "Urusan pribadi", "description": "Tidak untuk umum sama sekali."},
        expect=201)["id"]
    closing = post(stack, key, description="Sampah menumpuk di pasar, mohon diangkut.")
    closed_id = closing.json()[0]["service_request_id"]
    opd = categories[0]["opd"]
    stack.call("POST", f"/v1/complaints/{closed_id}/reject", stack.token("spv-1", "supervisor", opd),
               {"reason": "Bukan kewenangan OPD ini."})

    start, end = window()
    opened = as_list(client.get_service_requests(start_date=start, end_date=end, status="open"))
    closed = as_list(client.get_service_requests(start_date=start, end_date=end, status="closed"))
    open_ids = {r["service_request_id"] for r in opened}
    assert open_id in open_ids and closed_id not in open_ids and private not in open_ids
    assert closed_id in {r["service_request_id"] for r in closed}
    assert {r["status"] for r in opened} == {"open"} and {r["status"] for r in closed} == {"closed"}
    after = {"start_date": end, "end_date": (datetime.now(timezone.utc) + timedelta(days=1)).strftime(W3C)}
    if fmt == "json":             # georeport's XML mode cannot read an empty <service_requests/>
        assert client.get_service_requests(**after) == []
    else:
        raw = requests.get(f"{stack.base}/open311/v2/requests.xml", params=after, timeout=10)
        assert raw.status_code == 200 and b"<request>" not in raw.content

    one = client.get_service_request(open_id)
    assert one["service_request_id"] == open_id and one["status"] == "open"
    assert one["service_code"] == "izin-berusaha" and one["agency_responsible"]
    assert "reporter" not in one and "e2e-client" not in json.dumps(one)
    assert requests.get(f"{stack.base}/open311/v2/requests/{private}.{fmt}", timeout=10).status_code == 404


def as_list(found) -> list:
    """georeport's XML mode hands back one request as a dict, several as a list (xmltodict)."""
    if found is None:
        return []
    return found if isinstance(found, list) else [found]


def test_updates_follow_the_stream_and_a_revoked_key_files_nothing(stack, key):
    filed = post(stack, key, description="Lampu jalan mati di Jl. Kartini sejak Senin.")
    cid = filed.json()[0]["service_request_id"]
    start, end = window()

    def updates():
        got = requests.get(f"{stack.base}/open311/v2/servicerequestupdates.json",
                           params={"start_date": start, "end_date": end}, timeout=10).json()
        return [u for u in got if u["service_request_id"] == cid]
    found = wait_for(updates)                 # the stream writes the audit trail a moment later
    assert [u["update_id"] for u in found] == [f"{cid}-1"] and found[0]["status"] == "open"
    key_id = key.split(".")[0]
    done = cli(stack.home, "open311", "keys", "revoke", "--id", key_id)
    assert done.returncode == 0, done.stderr
    refused = post(stack, key)
    assert refused.status_code == 403 and refused.json()[0]["code"] == 403
    again = cli(stack.home, "open311", "keys", "revoke", "--id", key_id)
    assert again.returncode == 1 and "Traceback" not in again.stderr
