"""The authorization matrix (issue 10 part 6): every route of the Chalice app against every kind of
caller, from one table.

`EXPECTED[(method, path)]` gives, per caller relation, the outcome class: "allow" (any 2xx) or the
exact status (401, 403, 404, ...). The table must name exactly the routes the app has, so a new route
without an entry fails the build. Each cell then sends one valid request, on a freshly filed
(private) complaint brought into a state where the action is possible, and checks the outcome; a
caller that is not allowed must also leave the complaint as it was (same version). The intent is
"0 unexpected allows": any 2xx where the table says otherwise fails its cell.

Where the code disagrees with CONTRACT.md the cell holds the contract's answer and is marked
xfail(strict=True) with the reason (DISAGREEMENTS), so fixing the code turns it into a pass.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from app import app
from chalicelib.api import docs_page
from chalicelib.domain.attachments import Attachment, State
from chalicelib.wiring import container
from tests.app.conftest import ADMIN, CITIZEN, CITIZEN_2, CITY_INSPECTOR, INSPECTOR, staff
from tests.app.test_complaint_flow import NEW, OPD
from tests.fakes_attachments import FakeAttachmentStore, FakeFiles
from tests.keys import TestKeys

OTHER_OPD = "DINKES"
TRANSFER_TO = "DISHUB"                  # neither the complaint's OPD nor the other OPD of the matrix
OPERATOR, SUPERVISOR = staff("operator", OPD), staff("supervisor", OPD)

Caller = tuple[Any, ...]      # (sub, role[, opd[, claims]])
Outcome = str | int
ALLOW = "allow"

# --- who is calling ----------------------------------------------------------------------------
BAD_TOKENS = ("no_token", "expired_token", "bad_signature", "wrong_issuer")
# relations to one complaint (the complaint is filed by CITIZEN and routed to OPD)
CALLERS: dict[str, Caller] = {
    "citizen_owner": CITIZEN,
    "citizen_not_owner": CITIZEN_2,
    "operator_of_opd": OPERATOR,
    "operator_other_opd": staff("operator", OTHER_OPD),
    "supervisor_of_opd": SUPERVISOR,
    "supervisor_other_opd": staff("supervisor", OTHER_OPD),
    "inspector": INSPECTOR,
    "admin": ADMIN,
    # issue 13: a kabupaten/kota's inspector (the province's complaint is not theirs), and an
    # operator of one unit of the OPD (the complaint is not disposed to that unit)
    "inspector_other_government": CITY_INSPECTOR,
    "operator_other_unit": staff("operator", OPD, "operator-dpmptsp-pengaduan", unit="PENGADUAN"),
}
COMPLAINT_RELATIONS = (*BAD_TOKENS, *CALLERS)
# routes without a complaint id: the role alone decides
ROLE_CALLERS: dict[str, Caller] = {"citizen": CITIZEN, "operator": OPERATOR, "supervisor": SUPERVISOR,
                                   "inspector": INSPECTOR, "admin": ADMIN, "city_inspector": CITY_INSPECTOR}
ROLE_RELATIONS = (*BAD_TOKENS, *ROLE_CALLERS)


def anyone() -> dict[str, Outcome]:
    return dict.fromkeys(ROLE_RELATIONS, ALLOW)


def roles(*allowed: str) -> dict[str, Outcome]:
    """A route without a complaint: a bad token is 401, a role not allowed 403."""
    return {**dict.fromkeys(BAD_TOKENS, 401),
            **{r: (ALLOW if r in allowed else 403) for r in ROLE_CALLERS}}


def on_complaint(*allowed: str) -> dict[str, Outcome]:
    """A route on one private complaint: a bad token is 401; who may not see it gets 404 (CONTRACT.md:
    "never its content"); who sees it but may not take the action 403 (Additions)."""
    unseen = {"citizen_not_owner", "operator_other_opd", "supervisor_other_opd", "inspector_other_government",
              "operator_other_unit"}
    return {**dict.fromkeys(BAD_TOKENS, 401),
            **{r: ALLOW if r in allowed else 404 if r in unseen else 403 for r in CALLERS}}


CID = "/v1/complaints/{complaint_id}"
CASE_READERS = ("citizen_owner", "operator_of_opd", "supervisor_of_opd", "inspector", "admin")

EXPECTED: dict[tuple[str, str], dict[str, Outcome]] = {
    ("GET", "/v1/health"): anyone(),
    ("GET", "/v1/categories"): anyone(),
    ("GET", "/v1/opds"): anyone(),
    ("GET", "/v1/jurisdictions"): anyone(),
    ("GET", "/v1/governments"): anyone(),
    ("GET", "/v1/regions"): anyone(),
    ("GET", "/v1/rules"): anyone(),
    ("GET", "/v1/stats/opds"): anyone(),
    ("GET", "/v1/stats/opds/monthly"): anyone(),
    ("POST", "/v1/complaints"): roles("citizen"),
    ("GET", "/v1/complaints"): roles("citizen", "operator", "supervisor", "inspector", "admin", "city_inspector"),
    # Additions: "as before [supervisor (own OPD), inspector, admin], plus an operator (their own)"
    ("GET", "/v1/sanctions"): roles("operator", "supervisor", "inspector", "admin", "city_inspector"),
    # one trail across governments: the province's oversight only (domain/policy.can_read_audit)
    ("GET", "/v1/audit"): roles("inspector", "admin"),
    # what proposed rules would have decided: oversight only, a city's inspectors their government's
    ("GET", "/v1/sanctions/shadow"): roles("inspector", "admin", "city_inspector"),
    ("GET", CID): on_complaint(*CASE_READERS),
    ("GET", f"{CID}/timeline"): on_complaint(*CASE_READERS),
    ("POST", f"{CID}/notes"): on_complaint("operator_of_opd", "supervisor_of_opd", "inspector"),
    # Additions (Evidence): the owner and the OPD's operators attach; whoever may see it downloads
    ("POST", f"{CID}/attachments"): on_complaint("citizen_owner", "operator_of_opd"),
    ("GET", f"{CID}/attachments"): on_complaint(*CASE_READERS),
    ("POST", f"{CID}/claim"): on_complaint("operator_of_opd"),
    ("POST", f"{CID}/assign"): on_complaint("supervisor_of_opd"),
    ("POST", f"{CID}/dispose"): on_complaint("supervisor_of_opd"),
    ("POST", f"{CID}/followups"): on_complaint("operator_of_opd"),
    ("POST", f"{CID}/approve"): on_complaint("supervisor_of_opd"),
    ("POST", f"{CID}/return"): on_complaint("supervisor_of_opd"),
    ("POST", f"{CID}/transfer"): on_complaint("operator_of_opd", "supervisor_of_opd"),
    ("POST", f"{CID}/forward"): on_complaint("supervisor_of_opd"),
    ("POST", f"{CID}/reject"): on_complaint("supervisor_of_opd"),
    ("POST", f"{CID}/request-info"): on_complaint("operator_of_opd"),
    ("POST", f"{CID}/replies"): on_complaint("citizen_owner"),
    ("POST", f"{CID}/rating"): on_complaint("citizen_owner"),
    ("POST", f"{CID}/reopen"): on_complaint("citizen_owner"),
    # issue 18: only a complaint filed at a desk for a person can be claimed, by a citizen with the
    # code sent to that person (tests/app/test_intake.py); this one a citizen filed themselves, so
    # it is no citizen's to claim (404); staff cannot claim complaints into an account (403)
    ("POST", f"{CID}/claim-ownership"): {**dict.fromkeys(BAD_TOKENS, 401),
                                         **{r: 404 if r.startswith("citizen") else 403 for r in CALLERS}},
    # Additions (People): any signed-in caller, always about themselves (no route names a person).
    # Marking read: only the recipient's own notification; one that is not theirs (here: none
    # exists under the id) is 404 to everyone (tests/app/test_notifications_api.py reads its own).
    ("GET", "/v1/me/notifications"): roles(*ROLE_CALLERS),
    ("POST", "/v1/me/notifications/{notification_id}/read"): {**dict.fromkeys(BAD_TOKENS, 401),
                                                               **dict.fromkeys(ROLE_CALLERS, 404)},
    ("GET", "/v1/me/preferences"): roles(*ROLE_CALLERS),
    ("PUT", "/v1/me/preferences"): roles(*ROLE_CALLERS),
    ("DELETE", "/v1/me/preferences"): roles(*ROLE_CALLERS),
    ("DELETE", "/v1/me"): roles(*ROLE_CALLERS),
    # The API's own description and reference page: no token is read. /docs and its viewer answer
    # 404 `docs_viewer_missing` to everyone until `make docs-viewer` fetched the viewer.
    ("GET", "/openapi.json"): anyone(),
    ("GET", "/docs"): anyone() if docs_page.viewer_installed() else dict.fromkeys(ROLE_RELATIONS, 404),
    ("GET", "/docs/redoc.standalone.js"): anyone() if docs_page.viewer_installed()
    else dict.fromkeys(ROLE_RELATIONS, 404),
    # Additions (Evidence, public tracking and support): tracking and the public list need no token
    # (a bad one is never read). Supporting the matrix's private complaint: nobody — its reporter
    # 403 `own_complaint`, staff who see it 403, everyone else 404 (invisible). The cells of a
    # public complaint are in tests/app/test_public_tracking.py.
    ("GET", "/v1/track/{complaint_id}"): dict.fromkeys(COMPLAINT_RELATIONS, ALLOW),
    ("GET", "/v1/public/complaints"): anyone(),
    # a photo of the matrix's private complaint (its reporter's, processed): public to nobody, and
    # the route reads no token (its cells for a public complaint: tests/app/test_public_photos.py)
    ("GET", "/v1/public/complaints/{complaint_id}/photos/{attachment_id}"): dict.fromkeys(COMPLAINT_RELATIONS, 404),
    ("POST", f"{CID}/support"): on_complaint(),
}

# Cells where the code answers otherwise than CONTRACT.md: reported, not encoded.
DISAGREEMENTS: dict[tuple[str, str, str], str] = {}

# --- a valid request per route, on a complaint in a state where the action is possible ----------
ROLE_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/v1/complaints"): NEW,
    ("PUT", "/v1/me/preferences"): {"email": "saya@contoh.id", "channels": ["email"], "language": "en"},
}
REASON = {"reason": "Bukan kewenangan kami."}
BODIES: dict[str, dict[str, Any] | None] = {
    "notes": {"note": "Cek berkas di loket."},
    "attachments": {"filename": "bukti.jpg", "content_type": "image/jpeg", "size": 2048},
    "claim": {},
    "assign": {"operator": "operator2-dpmptsp"},      # a second operator in the directory
    "dispose": {"unit": "PELAYANAN"},                 # a unit of DPMPTSP (rules/routing/opds.yaml)
    "followups": {"message": "NIB sudah diterbitkan."},
    "approve": {"note": "OK"},
    "return": REASON,
    "transfer": {"opd": TRANSFER_TO, **REASON},
    "forward": {"jurisdiction": "LAMBAR", **REASON},
    "reject": REASON,
    "request-info": {"question": "Nomor NIB Anda berapa?"},
    "replies": {"message": "Nomornya 1234."},
    "rating": {"stars": 4, "comment": "Cepat"},
    "reopen": {"reason": "Ternyata belum terbit."},
    "claim-ownership": {"code": "123456"},
}


def _step(api, cid: str, action: str, who: Caller) -> None:
    status, body = api.post(f"/v1/complaints/{cid}/{action}", who, BODIES[action])
    assert status == 200, (action, body)


def _followed_up(api, cid: str) -> None:
    _step(api, cid, "followups", OPERATOR)


def _waiting_citizen(api, cid: str) -> None:
    _step(api, cid, "request-info", OPERATOR)


def _resolved(api, cid: str) -> None:
    _followed_up(api, cid)
    _step(api, cid, "approve", SUPERVISOR)


PREPARE: dict[str, Callable[[Any, str], None]] = {
    "approve": _followed_up, "return": _followed_up,
    "replies": _waiting_citizen,
    "rating": _resolved, "reopen": _resolved,
}
STATE_BEFORE = {"approve": "followed_up", "return": "followed_up", "replies": "waiting_citizen",
                "rating": "resolved", "reopen": "resolved"}


@pytest.fixture
def api(api):
    """tests/app/conftest.py's `api` with attachments on (tests/fakes_attachments.py), so their
    routes are judged like every other (without a bucket they are refused to everyone)."""
    container.override(attachments=FakeAttachmentStore(), attachment_files=FakeFiles())
    return api


# --- tokens ------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def foreign_key():
    """A key the app does not know, used with the app's own key id: the signature is what fails."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def auth_headers(relation: str, callers: dict[str, Caller], keys: TestKeys, foreign_key) -> dict[str, str]:
    """Headers for one relation; a bad token carries admin claims, so nothing but the token fails."""
    sub, role = ADMIN
    if relation == "no_token":
        return {"Content-Type": "application/json"}
    if relation == "expired_token":
        token = keys.token(sub, role, ttl=-3600)
    elif relation == "bad_signature":
        token = jwt.encode({"sub": sub, "role": role, "iss": "https://tests.lampungin.local"}, foreign_key,
                           algorithm="RS256", headers={"kid": keys.kid})
    elif relation == "wrong_issuer":
        token = keys.token(sub, role, iss="https://evil.example")
    else:
        return keys.headers(*callers[relation])
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


# --- the matrix --------------------------------------------------------------------------------
def app_routes() -> set[tuple[str, str]]:
    # Open311 GeoReport v2 has its own authorization (an api_key for POST, none for reads) and its
    # own error shape; tests/app/test_open311.py is its matrix (no token, bad token, each role).
    return {(method, path) for path, methods in app.routes.items() for method in methods
            if not path.startswith("/open311/")}


def test_every_route_has_an_entry_and_every_entry_a_route():
    routes = app_routes()
    assert sorted(routes - set(EXPECTED)) == [], "routes of the app without an EXPECTED entry"
    assert sorted(set(EXPECTED) - routes) == [], "EXPECTED entries for routes the app does not have"


def test_every_entry_covers_its_relations():
    for (method, path), row in EXPECTED.items():
        relations = COMPLAINT_RELATIONS if "{complaint_id}" in path else ROLE_RELATIONS
        assert set(row) == set(relations), (method, path)
        assert all(v == ALLOW or isinstance(v, int) for v in row.values()), (method, path)
    for method, path, relation in DISAGREEMENTS:
        assert relation in EXPECTED[(method, path)]


def _cells():
    for (method, path), row in sorted(EXPECTED.items()):
        for relation, outcome in row.items():
            marks = []
            if (method, path, relation) in DISAGREEMENTS:
                marks = [pytest.mark.xfail(strict=True, reason=DISAGREEMENTS[(method, path, relation)])]
            yield pytest.param(method, path, relation, outcome, id=f"{method} {path} | {relation}", marks=marks)


CELLS = list(_cells())


def _version(api, cid: str) -> tuple[int, str]:
    status, c = api.get(f"/v1/complaints/{cid}", ADMIN)
    assert status == 200, c
    return c["version"], c["status"]


def _check(status: int, body, outcome: Outcome, cell: str) -> None:
    if outcome == ALLOW:
        assert 200 <= status < 300, f"{cell}: expected a 2xx, got {status} {body}"
        return
    assert not 200 <= status < 300, f"UNEXPECTED ALLOW {cell}: {status} {body}"
    assert status == outcome, f"{cell}: expected {outcome}, got {status} {body}"
    assert set(body) == {"error"} and body["error"]["code"], body


def _ready_photo(cid: str) -> str:
    """A processed photo its reporter attached to the complaint, straight in the fake store."""
    at = container.now()
    a = Attachment(id="att-" + "0" * 26, complaint_id=cid, filename="a.jpg", content_type="image/jpeg", size=10,
                   uploaded_by=CITIZEN[0], uploaded_by_role="citizen", created_at=at, expires_at=at, slot=0)
    assert container.attachments.reserve(a, at)
    assert container.attachments.mark_ready(replace(a, state=State.READY, served_type="image/jpeg"), at)
    return a.id


@pytest.mark.parametrize(("method", "path", "relation", "outcome"), CELLS)
def test_cell(api, keys, foreign_key, method: str, path: str, relation: str, outcome: Outcome):
    cell = f"{method} {path} | {relation}"
    if "{complaint_id}" not in path:
        headers = auth_headers(relation, ROLE_CALLERS, keys, foreign_key)
        body = ROLE_BODIES.get((method, path))
        if path.startswith("/docs"):        # the reference page: HTML and JavaScript when it is a 2xx
            resp = api.client.http.get(path, headers=headers)
            status, answer = resp.status_code, json.loads(resp.body) if resp.status_code >= 400 else resp.body
        else:
            status, answer = api.call(method, path, body=body, headers=headers)
        _check(status, answer, outcome, cell)
        if outcome != ALLOW and path.startswith("/v1/me"):  # a bad token carries admin claims
            assert container.people.get(ADMIN[0]) is None, f"{cell}: a refused request stored preferences"
        if outcome != ALLOW and method == "POST":        # nothing was filed
            listed = api.get("/v1/complaints", ADMIN)[1]
            assert listed["items"] == [], f"{cell}: a refused filing stored a complaint"
        return

    status, filed = api.post("/v1/complaints", CITIZEN, NEW)
    assert status == 201, filed
    cid = filed["id"]
    action = path.rsplit("/", 1)[1]
    if action in PREPARE:
        PREPARE[action](api, cid)
    before = _version(api, cid)
    assert before[1] == STATE_BEFORE.get(action, "assigned"), before
    headers = auth_headers(relation, CALLERS, keys, foreign_key)
    ids = {"attachment_id": _ready_photo(cid)} if "{attachment_id}" in path else {}
    status, answer = api.call(method, path.format(complaint_id=cid, **ids),
                              body=BODIES.get(action) if method == "POST" else None, headers=headers)
    _check(status, answer, outcome, cell)
    if outcome != ALLOW:
        assert _version(api, cid) == before, f"{cell}: a refused request changed the complaint"
