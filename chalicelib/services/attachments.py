"""Attachments' use cases: reserve an upload (a presigned POST), list what the caller may download
(short-lived presigned GETs, each audited), and process an upload off the request path.

Why this shape: the API never touches a file's bytes. A client gets a presigned POST bound to one
key it cannot choose, the declared Content-Type and exactly the declared size; S3 then tells the
processor (EventBridge "Object Created", adapters/s3_uploads.py) that bytes arrived. The processor
trusts nothing the client said: it re-checks size and type from the bytes (domain/attachments),
re-encodes images without their metadata (adapters/images.py), writes that copy under another
key, deletes the upload and only then marks the attachment ready. Downloads are of the copy only.
Processing is idempotent (S3 events come at least once): a repeat finds the attachment done.
"""
from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol

from ..domain import policy
from ..domain.attachments import (
    DOWNLOAD_TTL,
    MAX_BYTES,
    MAX_PER_COMPLAINT,
    UPLOAD_TTL,
    Attachment,
    State,
    declared_problems,
    download_entry,
    plausible_attachment_id,
    public_download_entry,
    served_filename,
    served_key,
    slot_held_until,
    upload_key,
    upload_problem,
)
from ..domain.errors import Conflict, Forbidden, NotFound, WrongState
from ..domain.ids import plausible_id
from ..domain.model import FINAL_STATUSES, Actor, Complaint
from .ports import AuditLog, ComplaintRepository

RESERVE_ATTEMPTS = MAX_PER_COMPLAINT + 1   # each lost race means one more slot is taken: then full


class AttachmentStore(Protocol):
    def held_slots(self, complaint_id: str, at: datetime) -> set[int]: ...

    def reserve(self, a: Attachment, at: datetime) -> bool:
        """Store `a` holding its slot, only if that slot is free at `at`; False if it was taken."""

    def get_many(self, complaint_id: str, ids: list[str]) -> dict[str, Attachment]: ...

    def list(self, complaint_id: str) -> list[Attachment]: ...

    def mark_ready(self, a: Attachment, at: datetime) -> bool:
        """`a` (state READY, served_*, phash) if still pending and still holding its slot."""

    def reject(self, a: Attachment, reason: str, at: datetime) -> bool:
        """Mark it rejected (if pending) and give its slot back."""

    def photos(self, complaint_ids: Iterable[str]) -> dict[str, str]:
        """complaint id -> its photo's attachment id (domain/attachments.is_complaint_photo: the
        first such attachment made ready), for the complaints that have one."""


class FileStore(Protocol):
    def upload_form(self, key: str, content_type: str, size: int, ttl: timedelta) -> dict: ...

    def download_url(self, key: str, ttl: timedelta, *, filename: str, content_type: str) -> str: ...

    def size(self, key: str) -> int | None: ...

    def read(self, key: str, limit: int) -> bytes | None:
        """At most `limit` bytes of the object; None when it is gone."""

    def put(self, key: str, body: bytes, content_type: str) -> None: ...

    def delete(self, key: str) -> None: ...


@dataclass(frozen=True)
class Sanitised:
    body: bytes
    content_type: str
    phash: str | None = None


class UnreadableImage(Exception):
    """The bytes have the right signature but do not decode (or decode to too many pixels)."""


@dataclass
class AttachmentDeps:
    complaints: ComplaintRepository
    store: AttachmentStore | None       # None with `files`: this stage keeps no attachments (no bucket)
    files: FileStore | None
    audit: AuditLog
    now: Callable[[], datetime]
    new_id: Callable[[datetime], str]
    sanitise: Callable[[bytes, str], Sanitised] | None = None    # the processor's only (Pillow)
    sleep: Callable[[float], None] = time.sleep


@dataclass(frozen=True)
class Listed:
    attachment: Attachment
    url: str | None
    url_expires_at: datetime | None


class InvalidUpload(Exception):
    def __init__(self, problems: list[tuple[str, str, dict]]):
        super().__init__("invalid upload")
        self.problems = problems


def _visible(deps: AttachmentDeps, actor: Actor, complaint_id: str) -> Complaint:
    complaint = deps.complaints.get(complaint_id) if plausible_id(complaint_id) else None
    if complaint is None or not policy.can_see(actor, complaint):
        raise NotFound("not_found")
    return complaint


def request_upload(deps: AttachmentDeps, actor: Actor, complaint_id: str, *, filename: str,
                   content_type: str, size: int) -> tuple[Attachment, dict]:
    """A slot of the complaint and a presigned POST for it. 404 for a complaint the caller may
    not see, 403 for one they may see but not attach to, 409 when it is closed or full."""
    complaint = _visible(deps, actor, complaint_id)
    if not policy.can_attach(actor, complaint):
        raise Forbidden("forbidden", action="attach")
    if complaint.status in FINAL_STATUSES:
        raise WrongState("wrong_state", action="attach", status=complaint.status.value)
    if problems := declared_problems(filename, content_type, size):
        raise InvalidUpload(problems)
    if deps.store is None or deps.files is None:
        raise Forbidden("attachments_disabled")
    at = deps.now()
    a = Attachment(id=deps.new_id(at), complaint_id=complaint.id, filename=filename, content_type=content_type,
                   size=size, uploaded_by=actor.sub, uploaded_by_role=actor.role.value, created_at=at,
                   expires_at=at + UPLOAD_TTL)
    for attempt in range(RESERVE_ATTEMPTS):
        free = [i for i in range(MAX_PER_COMPLAINT) if i not in deps.store.held_slots(complaint.id, at)]
        if not free:
            raise Conflict("attachment_limit_reached", limit=MAX_PER_COMPLAINT)
        a = replace(a, slot=random.choice(free))     # noqa: S311 (spreads racers over slots; guards nothing)
        if deps.store.reserve(a, at):
            return a, deps.files.upload_form(upload_key(a.complaint_id, a.id), content_type, size, UPLOAD_TTL)
        deps.sleep(random.uniform(0, 0.02 * (attempt + 1)))  # noqa: S311 (jitter)
    raise Conflict("attachment_limit_reached", limit=MAX_PER_COMPLAINT)


def list_attachments(deps: AttachmentDeps, actor: Actor, complaint_id: str) -> list[Listed]:
    """What of the complaint's attachments this caller may see (domain/policy.sees_attachment),
    oldest first; a ready one with a 5-minute download URL of its sanitised copy, each URL
    handed out recorded in the audit trail before it is returned."""
    complaint = _visible(deps, actor, complaint_id)
    if deps.store is None or deps.files is None:
        return []
    at, out = deps.now(), []
    for a in deps.store.list(complaint.id):
        if a.state == State.PENDING and at > slot_held_until(a):
            continue                              # never uploaded (or lost): its slot is free again
        if not policy.sees_attachment(actor, complaint, uploaded_by=a.uploaded_by,
                                      uploaded_by_role=a.uploaded_by_role, ready=a.state == State.READY):
            continue
        if a.state != State.READY:
            out.append(Listed(a, None, None))
            continue
        deps.audit.append(download_entry(actor, a, at))
        url = deps.files.download_url(served_key(a), DOWNLOAD_TTL, filename=served_filename(a),
                                      content_type=a.served_type or a.kind.served_type)
        out.append(Listed(a, url, at + DOWNLOAD_TTL))
    return out


def public_photo(deps: AttachmentDeps, complaint_id: str, att_id: str, source_ip: str | None) -> str:
    """A 5-minute URL of a photo anyone may see (domain/policy.public_photo), audited before it is
    handed out; NotFound for everything else, alike (a private complaint, a document, a pending
    upload, an attachment of another complaint, a malformed id), so nothing can be probed."""
    complaint = deps.complaints.get(complaint_id) if plausible_id(complaint_id) else None
    if complaint is None or not policy.in_public_list(complaint) or deps.store is None or deps.files is None \
            or not plausible_attachment_id(att_id):
        raise NotFound("not_found")
    a = deps.store.get_many(complaint.id, [att_id]).get(att_id)
    if a is None or not policy.public_photo(complaint, uploaded_by_role=a.uploaded_by_role, image=a.kind.image,
                                            ready=a.state == State.READY):
        raise NotFound("not_found")
    deps.audit.append(public_download_entry(a, deps.now(), source_ip))
    return deps.files.download_url(served_key(a), DOWNLOAD_TTL, filename=served_filename(a),
                                   content_type=a.served_type or a.kind.served_type)


def complaint_photos(deps: AttachmentDeps, complaints: list[Complaint]) -> dict[str, str]:
    """complaint id -> the attachment id of its public photo, for the public ones that have one
    (the photo item of each is read in batches; private complaints are not even asked about)."""
    if deps.store is None:
        return {}
    return deps.store.photos([c.id for c in complaints if policy.in_public_list(c)])


def process_upload(deps: AttachmentDeps, complaint_id: str, att_id: str, key: str) -> str:
    """Check, sanitise and keep (or reject and delete) one uploaded object. Returns what happened:
    "ready", "rejected:<reason>" or "ignored" (not a pending attachment: a repeat, or stray)."""
    if deps.store is None or deps.files is None or deps.sanitise is None:
        raise RuntimeError("processing uploads needs the store, the bucket and the sanitiser")
    found = deps.store.get_many(complaint_id, [att_id]).get(att_id)
    if found is None or found.state != State.PENDING:
        deps.files.delete(key)                    # a re-upload after processing, or nobody's: not kept
        return "ignored"
    stored = deps.files.size(key)
    data = deps.files.read(key, MAX_BYTES) if stored == found.size else b""    # else refused unread
    if stored is None or data is None:
        return "ignored"                          # a concurrent run processed (and deleted) it
    reason, clean = upload_problem(found, len(data) if data else stored, data), None
    if reason is None and found.kind.image:
        try:
            clean = deps.sanitise(data, found.content_type)
        except UnreadableImage:
            reason = "unreadable"
    elif reason is None:
        clean = Sanitised(data, found.content_type)    # a PDF: type-checked, served as uploaded
    at = deps.now()
    if clean is not None:
        ready = replace(found, state=State.READY, served_type=clean.content_type, served_size=len(clean.body),
                        phash=clean.phash, processed_at=at)
        deps.files.put(served_key(ready), clean.body, clean.content_type)
        if deps.store.mark_ready(ready, at):
            deps.files.delete(key)
            return "ready"
        now = deps.store.get_many(complaint_id, [att_id]).get(att_id)
        if now is not None and now.state == State.READY:
            return "ignored"                      # a concurrent run of the same event won
        deps.files.delete(served_key(ready))      # its slot expired and went to another upload
        reason = "limit_reached"
    deps.store.reject(found, reason or "unreadable", at)
    deps.files.delete(key)
    return f"rejected:{reason}"
