"""Evidence on a complaint (CONTRACT.md Additions, "Evidence"): the pure rules of attachments —
which types, how big, how many, how their bytes are recognised, where they live in the bucket and
what state each is in. No I/O and no clock: the service reads the bytes and the time, and asks here.

Why sniff the bytes: the client declares a filename and a Content-Type, and the presigned POST
binds the upload to that Content-Type and size, but nothing makes the bytes what they claim (a PNG
named .pdf, a shell script named .jpg). The processor reads the first bytes; unless they are the
declared type the upload is rejected and deleted.

Why slots: at most MAX_PER_COMPLAINT attachments per complaint, held under races by a conditional
write, as the daily filing quota is. A reservation holds one of the complaint's slots until its
upload expires (plus time to process it); a processed attachment holds its slot for good; a
rejected or never-uploaded one gives it back, so abandoned uploads cannot fill a complaint.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from .audit import AuditEntry
from .model import Actor, Role

MAX_BYTES = 10 * 1024 * 1024          # 10 MB per file (CONTRACT.md)
MAX_PER_COMPLAINT = 10
UPLOAD_TTL = timedelta(minutes=15)    # the presigned POST
DOWNLOAD_TTL = timedelta(minutes=5)   # each presigned GET of a sanitised copy
PROCESSING_GRACE = timedelta(minutes=45)   # a reserved slot outlives its POST by this (S3 → processor lag)
MAX_FILENAME = 200
SNIFF_BYTES = 64                      # enough for every signature below
DOWNLOAD = "attachment_download"      # the audit trail's action for a download URL handed out
PUBLIC = "public"                     # the audit trail's actor_role of a download without a token
UPLOADS, FILES = "uploads/", "files/"  # what clients upload (raw) / what is served (sanitised)
_ID = re.compile(r"att-[0-9A-HJKMNP-TV-Z]{26}")
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


@dataclass(frozen=True)
class Kind:
    content_type: str
    extensions: tuple[str, ...]
    image: bool                       # re-encoded (metadata stripped) and hashed; else served as checked
    served_type: str                  # what the sanitised copy is (HEIC is served as JPEG)
    served_extension: str


KINDS: dict[str, Kind] = {k.content_type: k for k in (
    Kind("image/jpeg", (".jpg", ".jpeg"), True, "image/jpeg", ".jpg"),
    Kind("image/png", (".png",), True, "image/png", ".png"),
    Kind("image/webp", (".webp",), True, "image/webp", ".webp"),
    Kind("image/heic", (".heic", ".heif"), True, "image/jpeg", ".jpg"),
    Kind("application/pdf", (".pdf",), False, "application/pdf", ".pdf"),
)}
HEIC_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"})


def sniff(head: bytes) -> str | None:
    """The content type the bytes are (their magic numbers), or None for anything else."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head[4:8] == b"ftyp":          # ISO base media: major brand, minor version, compatible brands
        box = min(int.from_bytes(head[:4], "big"), len(head))
        brands = {head[8:12]} | {head[i:i + 4] for i in range(16, box - 3, 4)}
        if brands & HEIC_BRANDS:
            return "image/heic"
    return None


class State(StrEnum):
    PENDING = "pending"               # a presigned POST was issued; not processed yet
    READY = "ready"                   # checked (and for images re-encoded); served
    REJECTED = "rejected"             # deleted: not what it claimed, too large, unreadable


@dataclass(frozen=True)
class Attachment:
    id: str
    complaint_id: str
    filename: str
    content_type: str                 # as declared (and, once ready, as sniffed)
    size: int                         # as declared: the presigned POST accepts exactly this many bytes
    uploaded_by: str
    uploaded_by_role: str
    created_at: datetime
    expires_at: datetime              # of the presigned POST
    slot: int = -1                    # which of the complaint's MAX_PER_COMPLAINT slots it holds
    state: State = State.PENDING
    served_type: str | None = None
    served_size: int | None = None
    phash: str | None = None          # 64-bit dHash of an image, 16 hex digits (reused-photo check)
    reason: str | None = None         # why it was rejected
    processed_at: datetime | None = None

    @property
    def kind(self) -> Kind:
        return KINDS[self.content_type]


def attachment_id(random_bits: int) -> str:
    """`random_bits`: 130 random bits from the caller (the domain has no RNG)."""
    chars = [_CROCKFORD[(random_bits >> (5 * i)) & 31] for i in range(26)]
    return "att-" + "".join(reversed(chars))


def plausible_attachment_id(text: object) -> bool:
    return isinstance(text, str) and _ID.fullmatch(text) is not None


def upload_key(complaint_id: str, att_id: str) -> str:
    """Where the client's bytes land: chosen here, bound into the presigned POST."""
    return f"{UPLOADS}{complaint_id}/{att_id}"


def served_key(a: Attachment) -> str:
    return f"{FILES}{a.complaint_id}/{a.id}"


def parse_upload_key(key: str) -> tuple[str, str] | None:
    """(complaint id, attachment id) of an upload key we issue, else None."""
    parts = key.split("/")
    if len(parts) != 3 or f"{parts[0]}/" != UPLOADS or not plausible_attachment_id(parts[2]):
        return None
    return parts[1], parts[2]


def slot_held_until(a: Attachment) -> datetime:
    """A pending reservation's slot is free again after this (never uploaded, or never processed)."""
    return a.expires_at + PROCESSING_GRACE


def declared_problems(filename: str, content_type: str, size: int) -> list[tuple[str, str, dict]]:
    """(field, code, params) for every declared value that cannot be accepted; [] when all can."""
    problems: list[tuple[str, str, dict]] = []
    kind = KINDS.get(content_type)
    if kind is None:
        problems.append(("content_type", "not_allowed_value", {"expected": ", ".join(KINDS)}))
    if not (0 < len(filename) <= MAX_FILENAME and filename.isprintable() and not filename.startswith(".")
            and not any(c in filename for c in '/\\"')):
        problems.append(("filename", "invalid_filename", {"limit": MAX_FILENAME}))
    elif kind is not None and not filename.lower().endswith(kind.extensions):
        problems.append(("filename", "extension_mismatch", {"expected": ", ".join(kind.extensions)}))
    if not 0 < size <= MAX_BYTES:
        problems.append(("size", "file_too_large" if size > 0 else "out_of_range", {"limit": MAX_BYTES}))
    return problems


def upload_problem(a: Attachment, stored_size: int, head: bytes) -> str | None:
    """Why the uploaded object cannot be kept, or None: checked again whatever S3 enforced."""
    if stored_size > MAX_BYTES:
        return "too_large"
    if stored_size != a.size:
        return "size_mismatch"
    found = sniff(head[:SNIFF_BYTES])
    if found is None:
        return "unknown_type"
    return None if found == a.content_type else "type_mismatch"


def served_filename(a: Attachment) -> str:
    """The name a download carries: the uploaded one, with the served type's extension."""
    stem = a.filename.rsplit(".", 1)[0] if "." in a.filename else a.filename
    return stem + a.kind.served_extension


def is_complaint_photo(a: Attachment) -> bool:
    """Whether it may become the complaint's photo (the first one processed wins): an image its
    reporter uploaded, the problem as they saw it (staff's photos belong to their follow-ups)."""
    return a.kind.image and a.uploaded_by_role == Role.CITIZEN.value


def usable_for_followup(a: Attachment, actor: Actor) -> bool:
    """Photos of the work done: only the follower's own upload, and only once it is processed."""
    return a.state == State.READY and a.uploaded_by == actor.sub and a.uploaded_by_role == actor.role.value


def download_entry(actor: Actor, a: Attachment, at: datetime) -> AuditEntry:
    """The audit entry of one download URL handed out. A citizen is named by role only, as in
    domain/audit.of_event (the id carries a digest of the caller, never the caller)."""
    who = hashlib.sha256(actor.sub.encode("utf-8", "replace")).hexdigest()[:16]
    return AuditEntry(id=f"download:{a.id}:{at.isoformat()}:{who}", at=at, actor_role=actor.role.value,
                      actor_id=None if actor.role == Role.CITIZEN else actor.sub, action=DOWNLOAD,
                      complaint_id=a.complaint_id, source_ip=actor.source_ip)


def public_download_entry(a: Attachment, at: datetime, source_ip: str | None) -> AuditEntry:
    """The audit entry of a public photo's URL handed out (no token: the `public` audience,
    told apart by its address only)."""
    who = hashlib.sha256((source_ip or "").encode("utf-8", "replace")).hexdigest()[:16]
    return AuditEntry(id=f"download:{a.id}:{at.isoformat()}:{who}", at=at, actor_role=PUBLIC, actor_id=None,
                      action=DOWNLOAD, complaint_id=a.complaint_id, source_ip=source_ip)


def hash_distance(a: str, b: str) -> int:
    """Hamming distance of two 64-bit perceptual hashes (16 hex digits each)."""
    return (int(a, 16) ^ int(b, 16)).bit_count()
