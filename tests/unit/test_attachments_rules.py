"""The pure rules of attachments (domain/attachments.py), the event shapes the processor reads
(adapters/s3_uploads.py), the image cleaner's edges (adapters/images.py) and the local poller
(lampungin/localstack/uploads.py)."""
from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.adapters import images
from chalicelib.adapters.s3_uploads import _disposition, created_objects, upload_event_pattern
from chalicelib.domain.attachments import (
    MAX_BYTES,
    Attachment,
    attachment_id,
    declared_problems,
    hash_distance,
    parse_upload_key,
    plausible_attachment_id,
    served_filename,
    sniff,
    upload_key,
    upload_problem,
)
from chalicelib.services.attachments import UnreadableImage
from lampungin.localstack.uploads import UploadPoller, object_created
from tests.fakes_attachments import HEIC_WITH_GPS, picture, with_gps

T = datetime(2026, 11, 27, 2, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(("data", "kind"), [
    (with_gps("JPEG"), "image/jpeg"), (with_gps("PNG"), "image/png"), (with_gps("WEBP"), "image/webp"),
    (HEIC_WITH_GPS.read_bytes(), "image/heic"), (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "application/pdf"),
    (b"#!/bin/sh\nrm -rf /", None), (b"<svg xmlns='http://www.w3.org/2000/svg'/>", None), (b"GIF89a", None),
    (b"\x00\x00\x00\x18ftypavif\x00\x00\x00\x00avifmif1", None), (b"MZ\x90\x00", None), (b"", None),
    (b"RIFF\x00\x00\x00\x00WAVEfmt ", None)])
def test_the_bytes_say_what_a_file_is(data, kind):
    assert sniff(data[:64]) == kind


def test_a_declared_upload_must_be_a_known_type_named_for_it_and_at_most_ten_megabytes():
    assert declared_problems("foto.JPG", "image/jpeg", MAX_BYTES) == []
    assert declared_problems("IMG_1.heif", "image/heic", 1) == []
    assert [p[:2] for p in declared_problems("foto.pdf", "image/png", 10)] == [("filename", "extension_mismatch")]
    assert [p[:2] for p in declared_problems("a.sh", "text/x-sh", MAX_BYTES + 1)] == [
        ("content_type", "not_allowed_value"), ("size", "file_too_large")]
    for name in ("a/b.jpg", "..\\x.jpg", '"q".jpg', ".jpg", "x" * 201 + ".jpg", "tab\t.jpg"):
        assert [p[:2] for p in declared_problems(name, "image/jpeg", 10)] == [("filename", "invalid_filename")], name


def test_uploads_are_found_again_only_under_keys_we_issue():
    aid = attachment_id(2 ** 130 - 1)
    assert plausible_attachment_id(aid) and len(aid) == 30 and attachment_id(0) == "att-" + "0" * 26
    assert parse_upload_key(upload_key("ADU-261127-AAAAAAA", aid)) == ("ADU-261127-AAAAAAA", aid)
    for key in ("uploads/ADU/x", f"files/ADU/{aid}", f"uploads/{aid}", f"uploads/a/b/{aid}", "uploads/"):
        assert parse_upload_key(key) is None, key


def attachment(**changes) -> Attachment:
    return Attachment(**{"id": attachment_id(7), "complaint_id": "ADU-261127-AAAAAAA", "filename": "IMG.HEIC",
                         "content_type": "image/heic", "size": 3162, "uploaded_by": "warga-1",
                         "uploaded_by_role": "citizen", "created_at": T, "expires_at": T + timedelta(minutes=15),
                         **changes})


def test_an_upload_is_judged_on_its_stored_size_and_its_bytes():
    heic = HEIC_WITH_GPS.read_bytes()
    assert upload_problem(attachment(), len(heic), heic) is None
    assert upload_problem(attachment(), len(heic) + 1, heic) == "size_mismatch"
    assert upload_problem(attachment(size=MAX_BYTES + 5), MAX_BYTES + 5, b"") == "too_large"
    assert upload_problem(attachment(size=4), 4, b"\x89PNG") == "unknown_type"
    png = with_gps("PNG")
    assert upload_problem(attachment(size=len(png)), len(png), png) == "type_mismatch"
    assert served_filename(attachment()) == "IMG.jpg" and served_filename(attachment(filename="x")) == "x.jpg"


def scene(size=(640, 480)):
    """Something like a photo at a 9×8 scale: a sky, a road, two blobs."""
    from PIL import Image, ImageDraw
    im = Image.new("RGB", size, (90, 140, 220))
    w, h = size
    draw = ImageDraw.Draw(im)
    draw.rectangle((0, h * 0.55, w, h), fill=(70, 70, 70))
    draw.ellipse((w * 0.1, h * 0.6, w * 0.35, h * 0.9), fill=(20, 20, 20))
    draw.ellipse((w * 0.6, h * 0.1, w * 0.8, h * 0.35), fill=(250, 230, 120))
    return im


def test_a_photo_keeps_its_hash_through_re_encoding_and_resizing():
    def phash(im, fmt="PNG", **save) -> str:
        out = io.BytesIO()
        im.save(out, format=fmt, **save)
        return images.sanitise(out.getvalue(), f"image/{fmt.lower()}").phash or ""
    original = phash(scene())
    assert len(original) == 16 and original not in ("0" * 16, "f" * 16)
    assert hash_distance(original, phash(scene().resize((320, 240)), "JPEG", quality=50)) <= 3
    assert hash_distance(original, phash(scene(), "WEBP", quality=40)) <= 3
    assert hash_distance(original, phash(scene().transpose(0))) > 10          # mirrored: another picture


def test_the_exif_orientation_is_applied_before_it_is_dropped():
    from PIL import Image
    exif = Image.Exif()
    exif[0x0112] = 6                                    # "rotate 90° clockwise to view"
    out = io.BytesIO()
    picture((120, 80)).save(out, format="JPEG", exif=exif.tobytes())
    clean = images.sanitise(out.getvalue(), "image/jpeg")
    with Image.open(io.BytesIO(clean.body)) as im:
        assert im.size == (80, 120) and not im.getexif()


def test_transparency_survives_where_the_format_has_it_and_becomes_white_where_not():
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGBA", (20, 20), (255, 0, 0, 0)).save(out, format="PNG")
    with Image.open(io.BytesIO(images.sanitise(out.getvalue(), "image/png").body)) as im:
        assert im.mode == "RGBA" and im.getpixel((5, 5))[3] == 0


def test_a_decompression_bomb_and_a_broken_image_are_unreadable(monkeypatch):
    from PIL import Image
    big = io.BytesIO()
    Image.new("L", (3000, 3000)).save(big, format="PNG")       # 9 Mpx of zeros: a few KB
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1_000_000)
    with pytest.raises(UnreadableImage):
        images.sanitise(big.getvalue(), "image/png")
    with pytest.raises(UnreadableImage):
        images.sanitise(with_gps("JPEG")[:200], "image/jpeg")
    with pytest.raises(UnreadableImage):
        images.sanitise(with_gps("PNG"), "image/jpeg")            # decoded only as what it was declared


def test_the_processor_reads_eventbridge_and_s3_notification_events():
    assert created_objects(object_created("b", "uploads/ADU-1/att-X", size=3)) == [("b", "uploads/ADU-1/att-X")]
    s3 = {"Records": [{"eventName": "ObjectCreated:Post", "s3": {"bucket": {"name": "b"},
                                                                 "object": {"key": "uploads/a%2Bb/c+d"}}},
                      {"eventName": "ObjectRemoved:Delete", "s3": {"bucket": {"name": "b"}, "object": {"key": "x"}}}]}
    assert created_objects(s3) == [("b", "uploads/a+b/c d")]
    assert created_objects({"detail-type": "Object Deleted", "detail": {}}) == [] == created_objects({})
    pattern = upload_event_pattern("lampungin-prod-")
    assert pattern["detail"]["bucket"]["name"] == [{"prefix": "lampungin-prod-attachments"}]


def test_a_download_names_the_file_safely_in_both_header_forms():
    assert _disposition('jalan "rusak"; x.jpg', inline=True) == (
        "inline; filename=\"jalan _rusak__ x.jpg\"; filename*=UTF-8''jalan%20%22rusak%22%3B%20x.jpg")
    assert _disposition("ñame.pdf", inline=False).startswith('attachment; filename="_ame.pdf"')


class Bucket:
    def __init__(self):
        self.objects: dict[str, str] = {}

    def get_paginator(self, _):
        return self

    def paginate(self, **_):
        return [{"Contents": [{"Key": k, "ETag": e, "Size": 1} for k, e in self.objects.items()]}]


def test_the_local_poller_hands_over_each_upload_once_and_gives_up_after_three_failures():
    bucket, seen = Bucket(), []

    def invoke(event):
        key = event["detail"]["object"]["key"]
        seen.append(key)
        if key.endswith("bad"):
            raise RuntimeError("handler failed")
    poller = UploadPoller(bucket, "b", invoke)
    bucket.objects = {"uploads/a/good": '"1"', "uploads/a/bad": '"2"'}
    assert poller.poll_once() == 1                      # the good one; the bad one is retried
    assert poller.poll_once() == 0 and poller.poll_once() == 1        # third failure: given up
    assert poller.poll_once() == 0 and seen.count("uploads/a/bad") == 3 and seen.count("uploads/a/good") == 1
    bucket.objects["uploads/a/good"] = '"3"'            # the same key uploaded again: handed over again
    assert poller.poll_once() == 1 and poller.stats == {"handed_over": 3, "failed": 3, "given_up": 1}
