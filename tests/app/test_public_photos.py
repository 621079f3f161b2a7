"""Photos anyone may see (GET /v1/public/complaints/{id}/photos/{attachment}) and Open311's
`media_url` pointing at them: the reporter's first photo of a public complaint on the request, the
OPD's photo of the work done on the follow-up's update; nothing of a private complaint, no
document, no upload not yet processed; every URL handed out audited as `public`."""
from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from chalicelib.domain.attachments import DOWNLOAD
from chalicelib.wiring import container
from tests.app.conftest import ADMIN, CITIZEN
from tests.app.test_attachments_api import att, file_complaint, files, upload  # noqa: F401 (fixtures)
from tests.app.test_complaint_flow import OPERATOR
from tests.app.test_open311 import BASE, Open311, stream
from tests.fakes_attachments import with_gps

PDF = b"%PDF-1.7\n" + b"0" * 500


@pytest.fixture
def o311(att, clock):  # noqa: F811
    return Open311(att, clock)


def photo(api, path: str, headers: dict | None = None):
    resp = api.client.http.get(path, headers=headers or {})
    return resp.status_code, {k.lower(): v for k, v in resp.headers.items()}, resp.body


def request_of(o311, cid: str) -> dict:
    [r] = o311.json(f"requests/{cid}.json")
    return r


def test_a_public_complaints_photo_is_its_media_url_and_redirects_to_the_clean_copy(o311, att, files):  # noqa: F811
    cid = file_complaint(att, visibility="public")
    assert request_of(o311, cid)["media_url"] == ""                # no photo yet
    first = upload(att, files, cid, with_gps("JPEG"))
    upload(att, files, cid, with_gps("PNG"), filename="kedua.png", content_type="image/png")
    url = request_of(o311, cid)["media_url"]
    assert urlsplit(url).path == f"/v1/public/complaints/{cid}/photos/{first['id']}"   # the first one
    [listed] = [r for r in o311.json("requests.json") if r["service_request_id"] == cid]
    assert listed["media_url"] == url
    status, headers, body = photo(att, urlsplit(url).path)
    assert status == 302 and body in (b"", "", None)
    served = urlsplit(headers["location"])
    assert served.path == f"/files/{cid}/{first['id']}" and "expires_in=300" in served.query
    assert headers["cache-control"] == "public, max-age=240"


def test_every_public_photo_url_is_audited_as_the_public(o311, att, files, clock):  # noqa: F811
    cid = file_complaint(att, visibility="public")
    a = upload(att, files, cid, with_gps("JPEG"))
    for _ in range(2):
        clock.advance(seconds=1)          # an entry per URL, instant and address (a retry is one)
        assert photo(att, f"/v1/public/complaints/{cid}/photos/{a['id']}")[0] == 302
    _, page = att.get(f"/v1/audit?complaint={cid}", ADMIN)
    downloads = [e for e in page["items"] if e["action"] == DOWNLOAD]
    assert len(downloads) == 2 and {(e["actor_role"], e["actor_id"]) for e in downloads} == {("public", None)}


def test_nothing_else_is_a_public_photo_and_all_of_it_is_the_same_404(o311, att, files):  # noqa: F811
    private = file_complaint(att)
    hidden = upload(att, files, private, with_gps("JPEG"))
    public = file_complaint(att, visibility="public")
    doc = upload(att, files, public, PDF, filename="surat.pdf", content_type="application/pdf")
    status, pending = att.post(f"/v1/complaints/{public}/attachments", CITIZEN,
                               {"filename": "a.jpg", "content_type": "image/jpeg", "size": 100})
    other = file_complaint(att, visibility="public")
    tries = [(private, hidden["id"]), (public, doc["id"]), (public, pending["id"]), (other, hidden["id"]),
             (public, "att-NOPE"), ("ADU-NOPE", hidden["id"]), (public, "x" * 128)]
    answers = set()
    for cid, att_id in tries:
        status, _, body = photo(att, f"/v1/public/complaints/{cid}/photos/{att_id}")
        assert status == 404, (cid, att_id)
        answers.add(json.loads(body)["error"]["code"])
    assert answers == {"not_found"}
    assert request_of(o311, public)["media_url"] == ""           # a document is not its photo
    assert o311.get(f"requests/{private}.json")[0] == 404
    en = json.loads(photo(att, f"/v1/public/complaints/{private}/photos/{hidden['id']}",
                          {"Accept-Language": "en"})[2])
    assert en["error"]["message"] != json.loads(photo(att, f"/v1/public/complaints/{private}/photos/x")[2])[
        "error"]["message"]


def test_a_follow_ups_photo_is_its_updates_media_url(o311, att, files, repo):  # noqa: F811
    cid = file_complaint(att, visibility="public")
    shot = upload(att, files, cid, with_gps("JPEG"), OPERATOR)
    doc = upload(att, files, cid, PDF, OPERATOR, filename="laporan.pdf", content_type="application/pdf")
    status, _ = att.post(f"/v1/complaints/{cid}/followups", OPERATOR,
                         {"message": "Jalan sudah ditambal.", "attachments": [doc["id"], shot["id"]]})
    assert status == 200
    stream(repo)
    got = {u["description"]: u["media_url"] for u in o311.json("servicerequestupdates.json")}
    assert got["Aduan diajukan"] == ""
    assert urlsplit(got["Ditindaklanjuti"]).path == f"/v1/public/complaints/{cid}/photos/{shot['id']}"
    assert photo(att, urlsplit(got["Ditindaklanjuti"]).path)[0] == 302
    assert request_of(o311, cid)["media_url"] == ""              # staff's photos belong to the update


def test_media_url_is_absolute_on_the_gateways_host(o311, att, files):  # noqa: F811
    cid = file_complaint(att, visibility="public")
    a = upload(att, files, cid, with_gps("JPEG"))
    resp = att.client.http.get(f"{BASE}/requests/{cid}.json", headers={"Host": "api.lampung.test"})
    [r] = json.loads(resp.body)
    assert r["media_url"] == f"https://api.lampung.test/v1/public/complaints/{cid}/photos/{a['id']}"
    assert container.attachments.photos([cid, "ADU-OTHER"]) == {cid: a["id"]}
