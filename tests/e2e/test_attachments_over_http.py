"""Evidence on `lampungin dev`, as a frontend does it: ask for an upload, POST the file with the
presigned form straight to the local S3 (moto's endpoint, on this machine), wait for the stack's
upload poller to have it processed, download it by its URL — without its GPS position."""
from __future__ import annotations

import uuid

import pytest
import requests

from tests.e2e.test_dev_stack import wait_for
from tests.fakes_attachments import metadata_of, with_gps

pytestmark = pytest.mark.slow



def test_a_photo_goes_up_to_the_local_bucket_and_comes_back_without_its_location(stack):
    category = stack.call("GET", "/v1/categories", {})[0]
    citizen = stack.token("warga-a1", "citizen")
    cid = stack.call("POST", "/v1/complaints", {**citizen, "Idempotency-Key": uuid.uuid4().hex}, {
        "category": category["code"], "title": "Jalan berlubang", "description": "Lubang besar di depan sekolah."},
        expect=201)["id"]
    raw = with_gps("JPEG")
    reserved = stack.call("POST", f"/v1/complaints/{cid}/attachments", citizen,
                          {"filename": "lubang.jpg", "content_type": "image/jpeg", "size": len(raw)}, expect=201)
    form = reserved["upload"]
    assert form["url"].startswith(stack.dev_json()["aws_endpoint"])          # reachable from this machine
    posted = requests.post(form["url"], data=form["fields"], files={"file": ("lubang.jpg", raw, "image/jpeg")},
                           headers={"Origin": "http://localhost:5173"}, timeout=10)
    assert posted.status_code == 204, posted.text
    ready = wait_for(lambda: [a for a in stack.call("GET", f"/v1/complaints/{cid}/attachments", citizen)
                              if a["status"] == "ready"])
    assert ready, stack.logs()
    got = requests.get(ready[0]["url"], timeout=10)
    assert got.status_code == 200 and got.headers["Content-Type"] == "image/jpeg"
    assert metadata_of(raw)["gps"] and metadata_of(got.content)["gps"] == {} and metadata_of(got.content)["exif"] == {}


def test_a_public_complaints_photo_reaches_an_open311_client_by_its_media_url(stack):
    category = stack.call("GET", "/v1/categories", {})[0]
    citizen = stack.token("warga-a2", "citizen")
    cid = stack.call("POST", "/v1/complaints", {**citizen, "Idempotency-Key": uuid.uuid4().hex}, {
        "category": category["code"], "title": "Lampu jalan padam", "visibility": "public",
        "description": "Lampu jalan padam di simpang pasar."}, expect=201)["id"]
    raw = with_gps("JPEG")
    form = stack.call("POST", f"/v1/complaints/{cid}/attachments", citizen,
                      {"filename": "lampu.jpg", "content_type": "image/jpeg", "size": len(raw)}, expect=201)["upload"]
    assert requests.post(form["url"], data=form["fields"], files={"file": ("lampu.jpg", raw, "image/jpeg")},
                         timeout=10).status_code == 204
    media = wait_for(lambda: requests.get(f"{stack.base}/open311/v2/requests/{cid}.json",
                                          timeout=10).json()[0]["media_url"])
    assert media.startswith(f"{stack.base}/v1/public/complaints/{cid}/photos/"), stack.logs()
    got = requests.get(media, timeout=10)                 # follows the 302 to the local bucket
    assert got.status_code == 200 and got.headers["Content-Type"] == "image/jpeg"
    assert metadata_of(got.content)["gps"] == {}
