"""Evidence routes (CONTRACT.md Additions, "Evidence"): reserve an upload, list the downloads.

* `POST /v1/complaints/{id}/attachments` (the owner; an operator of the complaint's OPD)
  `{"filename", "content_type", "size"}` → 201 `{"id", "upload": {"url", "fields"}, "expires_at",
  "status": "pending", ...}`: POST the file to `upload.url` as multipart/form-data with every
  field of `upload.fields` and the file last (field `file`), within 15 minutes, exactly `size`
  bytes of exactly `content_type`. JPEG, PNG, WebP, HEIC or PDF, at most 10 MB, at most 10 per
  complaint (409 `attachment_limit_reached`). The file is checked and cleaned a moment later: it
  then lists as `ready` (or `rejected`, with a `reason`, and is gone).
* `GET /v1/complaints/{id}/attachments` (whoever may see the complaint) → `[{"id", "filename",
  "content_type", "size", "uploaded_by_role", "url", "url_expires_at", "status", "reason"}]`
  oldest first: `url` a 5-minute download of the cleaned copy (HEIC is served as JPEG), null
  until it is ready. Every URL handed out is in the audit trail.
"""
from __future__ import annotations

from typing import Literal

from chalice import Blueprint
from pydantic import BaseModel, ConfigDict, Field, StrictInt

from ..domain.attachments import MAX_BYTES, MAX_FILENAME, Attachment, State
from ..services import attachments as service
from ..wiring import container
from .errors import ApiError, field_error
from .http import JSON_CONTENT_TYPES, endpoint
from .spec import describe
from .views import iso

api = Blueprint(__name__)
PATH = "/v1/complaints/{complaint_id}/attachments"


class NewAttachment(BaseModel):
    """What the client is about to upload; the upload itself must then be exactly this."""

    # defer_build: each model is built at its first use, not at cold start
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, strict=True, defer_build=True)
    filename: str = Field(min_length=1, max_length=MAX_FILENAME, description="e.g. jalan-rusak.jpg")
    content_type: str = Field(min_length=1, max_length=64,
                              description="image/jpeg, image/png, image/webp, image/heic or application/pdf")
    size: StrictInt = Field(ge=1, le=2 ** 53, description=f"bytes, at most {MAX_BYTES}")


class UploadForm(BaseModel):
    model_config = ConfigDict(defer_build=True)
    url: str = Field(description="where to POST the file (multipart/form-data)")
    fields: dict[str, str] = Field(description="form fields to send as they are, before the file")


class AttachmentOut(BaseModel):
    """One attachment as its caller may see it (domain/policy.sees_attachment)."""

    model_config = ConfigDict(defer_build=True)
    id: str
    filename: str = Field(description="as uploaded")
    content_type: str = Field(description="what `url` serves (HEIC is served as image/jpeg)")
    size: int = Field(description="bytes `url` serves (declared, while pending)")
    uploaded_by_role: str = Field(description="citizen (the reporter's evidence) or operator (the work done)")
    status: Literal["pending", "ready", "rejected"]
    reason: str | None = Field(description="why it was rejected: type_mismatch, unknown_type, size_mismatch, "
                                           "too_large, unreadable, limit_reached")
    created_at: str
    url: str | None = Field(description="a 5-minute download of the cleaned copy; null unless ready")
    url_expires_at: str | None


class UploadOut(AttachmentOut):
    upload: UploadForm
    expires_at: str = Field(description="the form is refused after this (15 minutes)")


def attachment_view(a: Attachment, url: str | None = None, url_expires_at=None) -> dict:
    ready = a.state == State.READY
    return {"id": a.id, "filename": a.filename,
            "content_type": a.served_type if ready and a.served_type else a.content_type,
            "size": a.served_size if ready and a.served_size is not None else a.size,
            "uploaded_by_role": a.uploaded_by_role, "status": a.state.value, "reason": a.reason,
            "created_at": iso(a.created_at), "url": url, "url_expires_at": iso(url_expires_at)}


@api.route(PATH, methods=["POST"], content_types=JSON_CONTENT_TYPES)
@endpoint(api, body_model=NewAttachment)
def request_upload(call, complaint_id):
    body = call.body
    try:
        a, upload = service.request_upload(container.attachment_deps(), call.actor, complaint_id,
                                           filename=body.filename, content_type=body.content_type, size=body.size)
    except service.InvalidUpload as bad:
        raise ApiError(422, "validation_failed",
                       [field_error(field, code, **params) for field, code, params in bad.problems]) from None
    return 201, {**attachment_view(a), "upload": upload, "expires_at": iso(a.expires_at)}, {
        "Location": PATH.format(complaint_id=a.complaint_id)}


@api.route(PATH, methods=["GET"])
@endpoint(api)
def list_attachments(call, complaint_id):
    listed = service.list_attachments(container.attachment_deps(), call.actor, complaint_id)
    return [attachment_view(i.attachment, i.url, i.url_expires_at) for i in listed]


describe("POST", PATH, tag="Evidence", roles=("citizen", "operator"), summary="Upload a photo or document",
         ringkasan="Unggah foto atau dokumen", body=NewAttachment, response=UploadOut, status=201, errors=(409,),
         response_headers=("Location",),
         description="By the citizen who filed the complaint or an operator of its OPD. Answers a presigned S3 "
                     "POST: send every `upload.fields` and then the file (exactly `size` bytes of `content_type`) "
                     "to `upload.url` within 15 minutes. JPEG, PNG, WebP, HEIC or PDF, at most 10 MB and 10 per "
                     "complaint (409 `attachment_limit_reached`); a closed complaint is 409 `wrong_state`. The "
                     "file is checked from its bytes and cleaned (location and camera data removed) a moment "
                     "later; until then it lists as `pending`.")
describe("GET", PATH, tag="Evidence", summary="A complaint's attachments", ringkasan="Lampiran aduan",
         response=[AttachmentOut],
         description="Whoever may see the complaint (anyone else: 404). Oldest first; each ready one with a "
                     "5-minute `url` of its cleaned copy (every URL handed out is audited). Pending or rejected "
                     "uploads are shown to their uploader only.")
