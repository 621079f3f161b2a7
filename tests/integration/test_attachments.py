"""Attachments on the real adapters: the DynamoDB store (moto, and AWS's DynamoDB Local for the
races), the S3 bucket (moto in-process: the presigned POST is really POSTed with `requests`, the
download really GETs the presigned URL) and Pillow, through the app's own upload handler.

moto's S3 checks neither a POST policy's conditions nor any expiry, so what S3 would refuse is
checked in the signed policy and URL themselves (what AWS enforces), and what S3 let through
anyway is refused by the processor (tests/app/test_attachments_api.py has the cases)."""
from __future__ import annotations

import base64
import json
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from chalicelib.domain.attachments import DOWNLOAD, MAX_PER_COMPLAINT, Attachment, State, upload_key
from chalicelib.domain.errors import Conflict
from chalicelib.domain.lifecycle import file_complaint
from chalicelib.domain.model import Actor, Role
from chalicelib.services import attachments as service
from chalicelib.wiring import container
from lampungin.localstack.uploads import UploadPoller, object_created
from tests.fakes_attachments import FakeAttachmentStore, metadata_of, with_gps
from tests.fakes_audit import FakeAuditLog
from tests.integration.conftest import STORES, use_store
from tests.races import all_at_once

T = datetime(2026, 11, 27, 2, 0, tzinfo=timezone.utc)
OWNER, OPERATOR = Actor("warga-1", Role.CITIZEN), Actor("operator-dpmptsp", Role.OPERATOR, "DPMPTSP")
CID = "ADU-261127-AAAAAAA"


@pytest.fixture
def moto_s3(aws_env):
    """moto in-process for S3 only when DynamoDB is elsewhere (DynamoDB Local's endpoint is not
    an AWS host, so moto lets those calls through)."""
    from moto import mock_aws
    with mock_aws():
        yield


def make_bucket(settings):
    import boto3

    from chalicelib.adapters.s3_uploads import S3Files
    name = f"{settings.table_prefix}attachments"
    boto3.client("s3", region_name=settings.region).create_bucket(
        Bucket=name, CreateBucketConfiguration={"LocationConstraint": settings.region})
    return S3Files(name, settings.region)


@pytest.fixture(params=STORES)
def stack(request, settings, moto_s3):
    """The store on moto or DynamoDB Local, the bucket on moto, a filed complaint, and the
    container wired as the Lambdas are (the real sanitiser)."""
    from chalicelib.adapters.dynamo.attachments import DynamoAttachmentStore
    from chalicelib.adapters.dynamo.complaints import DynamoComplaintRepository
    use_store(request, request.param)
    if request.param == "dynamo":
        request.getfixturevalue("serializable_moto")       # moto's conditional writes race (STACK-NOTES)
    files, repo = make_bucket(settings), DynamoComplaintRepository(settings)
    complaint, event = file_complaint(
        complaint_id=CID, actor=OWNER, at=T, category="izin-berusaha", sector="perizinan", opd="DPMPTSP",
        title="NIB tidak terbit", description="Sudah tiga minggu.", location=None, visibility="private",
        anonymous=False, routing_rule=None, rules_version=None)
    repo.add(complaint, event)
    clock = [T]
    container.override(settings=replace(settings, attachments_bucket=files.bucket), repo=repo,
                       attachments=DynamoAttachmentStore(settings), attachment_files=files, audit=FakeAuditLog(),
                       now=lambda: clock[0])
    yield container
    container.reset()


def reserve(c, data: bytes, who=OWNER, **declared):
    fields = {"filename": "jalan-rusak.jpg", "content_type": "image/jpeg", "size": len(data), **declared}
    return service.request_upload(c.attachment_deps(), who, CID, **fields)


def post_form(form: dict, data: bytes, content_type: str = "image/jpeg") -> requests.Response:
    """What a browser does with the form: multipart/form-data, every field, the file last."""
    return requests.post(form["url"], data=form["fields"], files={"file": ("x", data, content_type)}, timeout=10)


def on_upload(c, key: str, size: int) -> list:
    from chalicelib.handlers import on_upload as handler
    return handler(object_created(c.settings.attachments_bucket, key, size=size))["outcomes"]


def test_a_photo_goes_up_by_presigned_post_and_comes_down_clean(stack):
    raw = with_gps("JPEG")
    a, form = reserve(stack, raw)
    assert post_form(form, raw).status_code == 204
    key = upload_key(CID, a.id)
    assert on_upload(stack, key, len(raw)) == ["ready"]
    assert on_upload(stack, key, len(raw)) == ["ignored"]                # S3 events come at least once
    [shown] = service.list_attachments(stack.attachment_deps(), OPERATOR, CID)
    got = requests.get(shown.url, timeout=10)
    assert got.status_code == 200 and got.headers["Content-Type"] == "image/jpeg"
    assert got.headers["Content-Disposition"].startswith('inline; filename="jalan-rusak.jpg"')
    assert metadata_of(got.content)["gps"] == {} and metadata_of(got.content)["exif"] == {}
    assert metadata_of(raw)["gps"]
    assert stack.attachment_files.size(key) is None                       # the original is deleted
    stored = stack.attachments.get_many(CID, [a.id])[a.id]
    assert stored.state == State.READY and len(stored.phash or "") == 16 and stored.served_size == len(got.content)
    [entry] = [e for e in stack.audit.all() if e.action == DOWNLOAD]
    assert (entry.actor_role, entry.actor_id, entry.complaint_id) == ("operator", OPERATOR.sub, CID)


def test_the_presigned_post_binds_key_type_exact_size_and_fifteen_minutes(stack):
    a, form = reserve(stack, b"x" * 4096)
    policy = json.loads(base64.b64decode(form["fields"]["policy"]))
    conditions = policy["conditions"]
    assert {"key": upload_key(CID, a.id)} in conditions and {"bucket": stack.settings.attachments_bucket} in conditions
    assert {"Content-Type": "image/jpeg"} in conditions and ["content-length-range", 4096, 4096] in conditions
    signed = datetime.strptime(form["fields"]["x-amz-date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
    expires = datetime.strptime(policy["expiration"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    assert timedelta(minutes=14) < expires - signed <= timedelta(minutes=15)   # S3 refuses the POST after it
    assert form["fields"]["x-amz-algorithm"] == "AWS4-HMAC-SHA256"
    assert form["url"] == f"https://{stack.settings.attachments_bucket}.s3.{stack.settings.region}.amazonaws.com/"


def test_a_download_url_expires_after_five_minutes(stack):
    raw = with_gps("PNG")
    a, form = reserve(stack, raw, filename="foto.png", content_type="image/png")
    post_form(form, raw, "image/png")
    on_upload(stack, upload_key(CID, a.id), len(raw))
    [shown] = service.list_attachments(stack.attachment_deps(), OWNER, CID)
    query = parse_qs(urlsplit(shown.url).query)
    assert query["X-Amz-Expires"] == ["300"] and query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert urlsplit(shown.url).path == f"/files/{CID}/{a.id}"             # the sanitised copy only
    assert shown.url_expires_at == T + timedelta(minutes=5)


def test_what_s3_let_through_is_refused_by_the_processor(stack):
    """moto enforces no POST policy: a PNG posted for a declared PDF, and more bytes than
    declared, both reach the bucket here; the processor rejects and deletes them."""
    png = with_gps("PNG")
    a, form = reserve(stack, png, filename="surat.pdf", content_type="application/pdf")
    post_form(form, png, "application/pdf")
    assert on_upload(stack, upload_key(CID, a.id), len(png)) == ["rejected:type_mismatch"]
    b, form = reserve(stack, b"x" * 10)
    post_form(form, with_gps("JPEG"))
    assert on_upload(stack, upload_key(CID, b.id), 0) == ["rejected:size_mismatch"]
    assert stack.attachment_files.keys() == []                             # both uploads deleted
    states = {x.id: (x.state, x.reason) for x in stack.attachments.list(CID)}
    assert states == {a.id: (State.REJECTED, "type_mismatch"), b.id: (State.REJECTED, "size_mismatch")}


def test_parallel_reservations_never_exceed_ten(stack):
    deps = stack.attachment_deps()

    def one():
        return service.request_upload(deps, OWNER, CID, filename="a.jpg", content_type="image/jpeg", size=10)[0]
    results = all_at_once([one] * (MAX_PER_COMPLAINT + 6))
    won = [r for r in results if isinstance(r, Attachment)]
    lost = [r for r in results if not isinstance(r, Attachment)]
    assert len(won) == MAX_PER_COMPLAINT, results
    assert all(isinstance(r, Conflict) and r.code == "attachment_limit_reached" for r in lost), lost
    assert sorted(a.slot for a in won) == list(range(MAX_PER_COMPLAINT))
    assert len(stack.attachments.list(CID)) == MAX_PER_COMPLAINT


@pytest.mark.parametrize("kind", ["fake", "dynamo"])
def test_slots_free_when_rejected_or_abandoned_and_hold_once_kept(request, settings, kind):
    """The store contract, on the fake and on DynamoDB."""
    if kind == "fake":
        store = FakeAttachmentStore()
    else:
        from chalicelib.adapters.dynamo.attachments import DynamoAttachmentStore
        request.getfixturevalue("dynamodb")
        store = DynamoAttachmentStore(settings)
    base = Attachment(id="att-0000000000000000000000000A", complaint_id=CID, filename="a.jpg",
                      content_type="image/jpeg", size=10, uploaded_by="warga-1", uploaded_by_role="citizen",
                      created_at=T, expires_at=T + timedelta(minutes=15), slot=3)
    assert store.reserve(base, T) and store.held_slots(CID, T) == {3}
    rival = replace(base, id="att-0000000000000000000000000B")
    assert not store.reserve(rival, T)                                 # the slot is held
    assert store.reserve(rival, T + timedelta(hours=1, seconds=1))     # its hold passed: free again
    assert not store.mark_ready(replace(base, state=State.READY), T)   # lost its slot meanwhile
    assert store.reject(base, "limit_reached", T) and not store.reject(base, "again", T)
    assert store.held_slots(CID, T) == {3}                             # rejecting `base` left the rival's hold
    kept = replace(rival, state=State.READY, served_type="image/jpeg", served_size=9, phash="00ff00ff00ff00ff")
    assert store.mark_ready(kept, T) and not store.mark_ready(kept, T)
    assert store.held_slots(CID, T + timedelta(days=400)) == {3}       # a kept attachment holds it for good
    found = store.get_many(CID, [kept.id, "att-0000000000000000000000000Z"])
    assert list(found) == [kept.id] and (found[kept.id].state, found[kept.id].phash) == (State.READY, kept.phash)
    assert [x.id for x in store.list(CID)] == [base.id, rival.id]


def test_the_local_poller_hands_each_upload_to_the_handler_once(stack):
    """`make run`: moto sends no S3 events; lampungin/localstack/uploads.py polls for them."""
    import boto3
    from chalice.test import Client

    from app import app
    invoked: list[dict] = []
    lambdas = Client(app).lambda_

    def invoke(event):
        invoked.append(event)
        return lambdas.invoke("process_upload", event)
    raw = with_gps("WEBP")
    a, form = reserve(stack, raw, filename="foto.webp", content_type="image/webp")
    post_form(form, raw, "image/webp")
    poller = UploadPoller(boto3.client("s3", region_name=stack.settings.region), stack.settings.attachments_bucket,
                          invoke)
    assert poller.poll_once() == 1 and poller.poll_once() == 0
    assert invoked[0]["detail"]["object"]["key"] == upload_key(CID, a.id)
    assert stack.attachments.get_many(CID, [a.id])[a.id].state == State.READY


def test_the_complaints_photo_is_its_reporters_first_kept_image_read_in_batches(stack):
    first, second = with_gps("JPEG"), with_gps("PNG")
    taken = []
    for raw, ctype, name, who in ((b"%PDF-1.7\n" + b"0" * 300, "application/pdf", "surat.pdf", OWNER),
                                  (with_gps("JPEG"), "image/jpeg", "kerja.jpg", OPERATOR),
                                  (first, "image/jpeg", "a.jpg", OWNER), (second, "image/png", "b.png", OWNER)):
        a, form = reserve(stack, raw, who, filename=name, content_type=ctype)
        assert post_form(form, raw, ctype).status_code == 204
        assert on_upload(stack, upload_key(CID, a.id), len(raw)) == ["ready"]
        taken.append(a.id)
    others = [f"ADU-261127-B{i:06d}" for i in range(150)]             # two batch reads, none of them kept
    assert stack.attachments.photos([*others, CID, CID]) == {CID: taken[2]}   # not the document or staff's
