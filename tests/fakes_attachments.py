"""Hand-written fakes of the attachments' ports (services/attachments.py): the store, with the
same slot rules as DynamoDB's conditional writes (under a lock, as DynamoDB serializes them), and
a bucket in memory whose presigned forms and URLs say what they were made with."""
from __future__ import annotations

import io
import math
import threading
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

from chalicelib.domain.attachments import MAX_PER_COMPLAINT, Attachment, State, is_complaint_photo, slot_held_until

KEPT = datetime.max.replace(tzinfo=None)

class FakeAttachmentStore:
    def __init__(self):
        self._items: dict[tuple[str, str], Attachment] = {}
        self._slots: dict[tuple[str, int], tuple[str, datetime | None]] = {}   # -> (id, held until; None: kept)
        self._photos: dict[str, str] = {}      # complaint id -> its photo (the first kept citizen image)
        self._lock = threading.Lock()

    def _held(self, complaint_id: str, at: datetime) -> set[int]:
        return {i for i in range(MAX_PER_COMPLAINT) if (h := self._slots.get((complaint_id, i))) is not None
                and (h[1] is None or h[1] >= at)}

    def held_slots(self, complaint_id: str, at: datetime) -> set[int]:
        with self._lock:
            return self._held(complaint_id, at)

    def reserve(self, a: Attachment, at: datetime) -> bool:
        with self._lock:
            if a.slot in self._held(a.complaint_id, at) or (a.complaint_id, a.id) in self._items:
                return False
            self._slots[(a.complaint_id, a.slot)] = (a.id, slot_held_until(a))
            self._items[(a.complaint_id, a.id)] = a
            return True

    def get_many(self, complaint_id: str, ids: list[str]) -> dict[str, Attachment]:
        with self._lock:
            return {i: self._items[(complaint_id, i)] for i in ids if (complaint_id, i) in self._items}

    def list(self, complaint_id: str) -> list[Attachment]:
        with self._lock:
            return sorted((a for (c, _), a in self._items.items() if c == complaint_id),
                          key=lambda a: (a.created_at, a.id))

    def mark_ready(self, a: Attachment, at: datetime) -> bool:
        with self._lock:
            stored = self._items.get((a.complaint_id, a.id))
            if stored is None or stored.state != State.PENDING or \
                    self._slots.get((a.complaint_id, a.slot)) != (a.id, slot_held_until(a)):
                return False
            self._items[(a.complaint_id, a.id)] = a
            self._slots[(a.complaint_id, a.slot)] = (a.id, None)
            if is_complaint_photo(a):
                self._photos.setdefault(a.complaint_id, a.id)
            return True

    def photos(self, complaint_ids: Iterable[str]) -> dict[str, str]:
        with self._lock:
            return {c: self._photos[c] for c in complaint_ids if c in self._photos}

    def reject(self, a: Attachment, reason: str, at: datetime) -> bool:
        with self._lock:
            stored = self._items.get((a.complaint_id, a.id))
            if self._slots.get((a.complaint_id, a.slot)) == (a.id, slot_held_until(a)):
                del self._slots[(a.complaint_id, a.slot)]
            if stored is None or stored.state != State.PENDING:
                return False
            self._items[(a.complaint_id, a.id)] = replace(stored, state=State.REJECTED, reason=reason,
                                                          processed_at=at)
            return True

class FakeFiles:
    """A bucket in memory: `upload` stands for the client's POST of the form."""

    def __init__(self, bucket: str = "lampungin-test-attachments"):
        self.bucket = bucket
        self.objects: dict[str, tuple[bytes, str]] = {}
        self.forms: dict[str, dict] = {}
        self.deleted: list[str] = []

    def upload_form(self, key: str, content_type: str, size: int, ttl: timedelta) -> dict:
        form = {"url": f"https://{self.bucket}.s3.test/", "fields": {
            "key": key, "Content-Type": content_type, "x-test-size": str(size),
            "x-test-expires-in": str(int(ttl.total_seconds()))}}
        self.forms[key] = form
        return form

    def upload(self, key: str, data: bytes) -> None:
        self.objects[key] = (data, self.forms[key]["fields"]["Content-Type"])

    def download_url(self, key: str, ttl: timedelta, *, filename: str, content_type: str) -> str:
        query = urlencode({"expires_in": int(ttl.total_seconds()), "filename": filename, "type": content_type})
        return f"https://{self.bucket}.s3.test/{key}?{query}"

    def size(self, key: str) -> int | None:
        return len(self.objects[key][0]) if key in self.objects else None

    def read(self, key: str, limit: int) -> bytes | None:
        return self.objects[key][0][:limit + 1] if key in self.objects else None

    def put(self, key: str, body: bytes, content_type: str) -> None:
        self.objects[key] = (body, content_type)

    def delete(self, key: str) -> None:
        self.deleted.append(key)
        self.objects.pop(key, None)


# --- files the tests upload ------------------------------------------------------------------------
GPS_IFD = 0x8825
HEIC_WITH_GPS = Path(__file__).with_name("data") / "gps-iphone.heic"   # made with pillow-heif (encoder)


def picture(size=(120, 80)):
    """Waves of light and dark (so its dHash has both kinds of bits), as a Pillow image."""
    from PIL import Image
    im = Image.new("RGB", size)
    wave = [[int(127 + 120 * math.sin(x / 9) * math.cos(y / 7)) for x in range(size[0])] for y in range(size[1])]
    im.putdata([(v, (v + 60) % 256, 255 - v) for row in wave for v in row])
    return im


def with_gps(fmt: str = "JPEG", size=(120, 80), **save) -> bytes:
    """An image of `fmt` carrying EXIF with the camera and a GPS position in Bandar Lampung."""
    from PIL import Image
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "Samsung", "Galaxy A15"            # Make, Model
    exif[GPS_IFD] = {1: "S", 2: (5.0, 26.0, 12.5), 3: "E", 4: (105.0, 15.0, 30.0)}
    out = io.BytesIO()
    picture(size).save(out, format=fmt, exif=exif.tobytes(), **save)
    return out.getvalue()


def metadata_of(data: bytes) -> dict:
    """What a decoder finds besides pixels: EXIF tags, GPS, and Pillow's `info` keys."""
    from PIL import Image

    from chalicelib.adapters import images  # noqa: F401  (registers the HEIC decoder)
    with Image.open(io.BytesIO(data)) as im:
        exif = im.getexif()
        return {"exif": dict(exif), "gps": dict(exif.get_ifd(GPS_IFD)), "info": sorted(im.info),
                "format": im.format, "size": im.size}
