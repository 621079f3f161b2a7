"""Honest follow-ups over real HTTP on `lampungin dev` (issue 12): an operator follows up one
complaint with a photo and a text; on another complaint, the same photo (re-encoded and a little
darker: not the same bytes) and the text with a word changed are flagged to the supervisor; a
genuinely new photo with a new text is not."""
from __future__ import annotations

import io
import uuid

import pytest
import requests
from PIL import Image, ImageDraw

from tests.e2e.test_dev_stack import wait_for

pytestmark = pytest.mark.slow

ROAD = "Jalan berlubang di depan pasar sudah kami tambal dengan aspal baru dan sudah rata kembali."
COPY = "Jalan berlubang di depan sekolah sudah kami tambal dengan aspal baru dan sudah rata kembali."
FRESH = "Petugas sudah menghubungi pelapor dan izin usaha akan terbit minggu depan setelah verifikasi."



def photo(seed: int, darker: int = 0) -> bytes:
    """A scene with structure (a road with potholes), so its dHash means something."""
    img = Image.new("RGB", (640, 480), (120 - darker, 160 - darker, 90 - darker))
    draw = ImageDraw.Draw(img)
    for i in range(12):
        x, y = (seed * 97 + i * 53) % 600, (seed * 31 + i * 71) % 440
        draw.ellipse((x, y, x + 40 + i * 3, y + 25 + i * 2), fill=(40 - darker // 2, 40, 40))
    draw.rectangle((0, 200 + seed * 7 % 60, 640, 260 + seed * 7 % 60), fill=(90 - darker, 90 - darker, 95))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85 - darker // 4)
    return out.getvalue()


def follow_up(stack, opd, operator, message, picture):
    category = next(c for c in stack.call("GET", "/v1/categories", {}) if c["opd"] == opd)
    citizen = stack.token(f"warga-{uuid.uuid4().hex[:6]}", "citizen")
    cid = stack.call("POST", "/v1/complaints", {**citizen, "Idempotency-Key": uuid.uuid4().hex}, {
        "category": category["code"], "title": "Jalan berlubang", "description": "Lubang besar di jalan."},
        expect=201)["id"]
    stack.call("POST", f"/v1/complaints/{cid}/claim", operator)
    slot = stack.call("POST", f"/v1/complaints/{cid}/attachments", operator,
                      {"filename": "hasil.jpg", "content_type": "image/jpeg", "size": len(picture)}, expect=201)
    sent = requests.post(slot["upload"]["url"], data=slot["upload"]["fields"],
                         files={"file": ("hasil.jpg", picture, "image/jpeg")}, timeout=10)
    assert sent.status_code == 204, sent.text
    assert wait_for(lambda: [a for a in stack.call("GET", f"/v1/complaints/{cid}/attachments", operator)
                             if a["status"] == "ready"], timeout=30), stack.logs()
    stack.call("POST", f"/v1/complaints/{cid}/followups", operator, {"message": message, "attachments": [slot["id"]]})
    return cid


def test_a_reused_photo_and_a_copied_text_are_flagged_and_a_new_photo_is_not(stack):
    opd = stack.call("GET", "/v1/categories", {})[0]["opd"]
    low = opd.lower()
    operator = stack.token(f"operator.{low}", "operator", opd)
    supervisor = stack.token(f"supervisor.{low}", "supervisor", opd)
    first = follow_up(stack, opd, operator, ROAD, photo(1))

    def filed():        # the stream files a follow-up's evidence just before it tells the supervisor
        told = stack.call("GET", "/v1/me/notifications?limit=100", supervisor)["items"]
        return [n for n in told if n["type"] == "staff.followed_up" and n["complaint_id"] == first]
    assert wait_for(filed, timeout=30), stack.logs()
    reused = follow_up(stack, opd, operator, COPY, photo(1, darker=12))
    fresh = follow_up(stack, opd, operator, FRESH, photo(5))
    flags = stack.call("GET", f"/v1/complaints/{reused}", supervisor)["flags"]
    assert {f["kind"] for f in flags} == {"text", "photo"}, flags
    assert all(f["matches_complaint"] == first for f in flags)
    assert stack.call("GET", f"/v1/complaints/{fresh}", supervisor)["flags"] == []
    queue = stack.call("GET", "/v1/complaints?status=followed_up&limit=100", supervisor)["items"]
    assert next(c for c in queue if c["id"] == reused)["flags"]
