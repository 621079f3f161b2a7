"""The evidence index on the fake, moto and DynamoDB Local: filing twice changes nothing, a lookup
finds the near copies of a text and of a photo (and only those), from another complaint."""
from __future__ import annotations

import pytest

from chalicelib.domain.evidence import PHOTO, TEXT, Evidence, shingles
from tests.integration.conftest import STORES, use_store

ROAD = "Jalan berlubang di depan pasar sudah kami tambal dengan aspal baru dan sudah rata kembali."


@pytest.fixture(params=["fake", *STORES])
def index(request, settings):
    if request.param == "fake":
        from tests.fakes_evidence import FakeEvidenceIndex
        return FakeEvidenceIndex()
    use_store(request, request.param)
    from chalicelib.adapters.dynamo.evidence import DynamoEvidenceIndex
    return DynamoEvidenceIndex(settings)


def test_filed_evidence_is_found_again_by_its_near_copies(index):
    text = Evidence(TEXT, "ADU-A", "text", grams=shingles(ROAD))
    photo = Evidence(PHOTO, "ADU-A", "att-1", photo_hash=0x0123456789ABCDEF)
    assert index.file(text) == 8 and index.file(photo) == 68
    index.file(photo)                                   # a repeated stream record
    copy = Evidence(TEXT, "ADU-B", "text", grams=shingles(ROAD.replace("pasar", "sekolah")))
    found = index.candidates(copy)
    assert [(e.complaint_id, e.ref) for e in found if e.kind == TEXT] == [("ADU-A", "text")]
    assert next(e for e in found if e.kind == TEXT).grams == text.grams
    near = Evidence(PHOTO, "ADU-B", "att-7", photo_hash=0x0123456789ABCDEF ^ 0b111)
    assert [(e.complaint_id, e.photo_hash) for e in index.candidates(near)] == [("ADU-A", 0x0123456789ABCDEF)]
    far = Evidence(PHOTO, "ADU-B", "att-8", photo_hash=0xFEDCBA9876543210)
    assert index.candidates(far) == []
