"""Generated requests for every route of the app, for the "never a 5xx" property tests (issue 10).

The routes come from the Chalice app's own route table (`app.routes`), so a route added later is
covered without touching this file; the query parameters from what chalicelib/api reads (every
`call.query("…")` and the helpers of chalicelib/api/queries.py, found in the source) plus the
contract's filter names. Each request throws generated values at the path parts, the query, the
headers and the token's claims (validly signed, of any JSON type), with a body for the methods
that take one — and sometimes a method the path does not have, or a path no route has.
"""
from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
CONTRACT_PARAMS = ("status", "opd", "overdue", "cursor", "limit", "complaint", "subject_type", "since",
                   "kind", "actor", "category", "near", "radius_m", "government", "until")
HEADERS = ("Accept-Language", "Content-Type", "Idempotency-Key", "If-Match", "Origin", "Accept",
           "X-Forwarded-For", "Cookie")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
_READS = re.compile(r"""(?:\.query\(\s*|(?:parse_bool|choice|parse_time)\(\s*call\s*,\s*)["']([a-z_]+)["']""")


def routes() -> list[tuple[str, tuple[str, ...]]]:
    """(path, methods) of every route the app has, sorted."""
    from app import app

    return sorted((path, tuple(sorted(methods))) for path, methods in app.routes.items())


def query_params() -> list[str]:
    found = set()
    for source in (ROOT / "chalicelib" / "api").glob("*.py"):
        found.update(_READS.findall(source.read_text(encoding="utf-8")))
    return sorted(found | set(CONTRACT_PARAMS))


def b64(value) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


# values that were each a 500 once (issue 10), and their cousins
NASTY = ["²", "٣", "9" * 5000, "0", "-1", "1e2", "1e999", "NaN", "null", "true", "", " ", "\x00", "%00",
         "../x", "a" * 3000, "0001-01-01", "9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00",
         "２０２６-01-01", "2026-02-30", '"²"', 'W/"3"', "3", "ADU-000000-0000000", "ADU-261127-D9BEVXG",
         "DINKES", "assigned", "operator", "sanction", b64({"q": None, "id": None, "issued_key": None}),
         b64({"v": 1, "q": None, "after": None}), b64({"due": None, "id": None}), b64([1]), b64(None),
         "eyJ2Ijox" * 200, "🙂", "x\ny", "a,b", "-6.9,105.2"]
TEXT = st.one_of(st.sampled_from(NASTY), st.text(max_size=60), st.text(alphabet="0123456789²٣.-:TZ+", max_size=30))
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
                    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=8), kids, max_size=3),
                    max_leaves=6)
ROLES = ("citizen", "operator", "supervisor", "inspector", "admin")
WRONG_TYPES = st.sampled_from([5, 0, 1.5, True, False, None, "", ["admin"], {"admin": 1}, [["admin"]], [5],
                               {"S": "DINKES"}, "admin", "x" * 300])
CLAIM_VALUE = {
    "sub": st.one_of(st.sampled_from(["warga-1", "operator-dinkes", "u"]), JSON),
    "role": st.one_of(st.sampled_from(ROLES), JSON),
    "opd": st.one_of(st.sampled_from(["DINKES", "DPMPTSP", "NASA"]), JSON),
    "custom:opd": st.one_of(st.sampled_from(["DINKES", "BANDARLAMPUNG.DINKES"]), JSON),
    "cognito:groups": st.one_of(st.lists(st.sampled_from(ROLES + ("staff",)), max_size=3), JSON),
    "name": st.one_of(st.text(max_size=30), JSON),
    "government": st.one_of(st.sampled_from(["LAMPUNG", "BANDARLAMPUNG"]), JSON),
}
GOOD_CALLERS = [("warga-1", "citizen", None), ("operator-dinkes", "operator", "DINKES"),
                ("supervisor-dinkes", "supervisor", "DINKES"), ("insp-1", "inspector", None),
                ("admin-1", "admin", None)]


@st.composite
def claims(draw) -> dict:
    """A good caller's claims, in the local or the Cognito form, with one or two of them removed
    or replaced by any JSON: one malformed claim at a time is what finds an unchecked read."""
    sub, role, opd = draw(st.sampled_from(GOOD_CALLERS))
    if draw(st.booleans()):
        out: dict = {"sub": sub, "role": role, **({"opd": opd} if opd else {})}
    else:
        out = {"sub": sub, "cognito:groups": [role], "lampungin:mfa": "true",
               **({"custom:opd": opd} if opd else {})}
    for name in draw(st.lists(st.sampled_from(sorted(CLAIM_VALUE)), min_size=1, max_size=2, unique=True)):
        if draw(st.integers(0, 4)) == 0:
            out.pop(name, None)
        else:
            out[name] = draw(st.one_of(WRONG_TYPES, JSON, CLAIM_VALUE[name]))
    return out


CLAIMS = claims()
# PUT /v1/me/preferences: each field often plausible, sometimes anything (services/people.py judges)
PREFERENCES = {
    "email": st.one_of(st.sampled_from(["siti@contoh.id", "a@bücher.de", "a@b", "x" * 300, "a@xn--zz.id"]), TEXT, JSON),
    "phone": st.one_of(st.sampled_from(["0812-3456-7890", "+6281234567890", "٠٨١٢٣٤٥٦٧٨٩", "0812²345678"]), TEXT),
    "push_token": st.one_of(st.sampled_from(["fcm:APA91b", "x" * 4096, "x" * 4097]), TEXT),
    "channels": st.one_of(st.lists(st.sampled_from(["email", "sms", "whatsapp", "push", "fax", ""]), max_size=5), JSON),
    "language": st.one_of(st.sampled_from(["id", "en", "fr"]), JSON),
}
BODIES = st.one_of(st.binary(max_size=120), st.text(max_size=120).map(str.encode),
                   JSON.map(lambda v: json.dumps(v).encode()),
                   st.dictionaries(st.sampled_from(["category", "title", "description", "opd", "stars", "message",
                                                    "reason", "location", "lat", "note", "operator", "question"]),
                                   JSON, max_size=5).map(lambda v: json.dumps(v).encode()),
                   st.fixed_dictionaries({}, optional=PREFERENCES).map(lambda v: json.dumps(v).encode()))


@dataclass
class Request:
    method: str
    path: str                                   # with the query string
    headers: dict = field(default_factory=dict)
    caller: object = None                       # None, a raw Authorization value, claims, or a good caller
    body: bytes | None = None


def _fill(path: str, values: list[str]) -> str:
    parts = iter(values)
    return re.sub(r"\{[^}]+\}", lambda _: quote(next(parts), safe="") or "x", path)


FOCUS = ("path", "query", "headers", "claims", "body")


@st.composite
def requests(draw, focus: str = "all", table: list[tuple[str, tuple[str, ...]]] | None = None) -> Request:
    """One request to a route of `table` (default: every route). With a `focus` (one of FOCUS),
    only that part is generated and the rest is sane (a good caller, a plausible id, no query, an
    empty JSON object): each run spends its examples where a bug can hide, not on a 401."""
    table = table or routes()
    wild = {part: focus in ("all", part) for part in FOCUS}
    path, methods = draw(st.sampled_from(table))
    method = draw(st.sampled_from(methods))
    params = re.findall(r"\{[^}]+\}", path)
    url = _fill(path, [draw(TEXT) if wild["path"] else SEED_ID for _ in params])
    if wild["path"]:
        kind = draw(st.sampled_from(["route", "other_method", "unknown_path"]))
        others = [m for m in METHODS if m not in methods]
        if kind == "other_method" and others:
            method = draw(st.sampled_from(others))
        elif kind == "unknown_path":
            url = draw(st.sampled_from(["", "/v2", "/v1/nope", "/v1/complaints/x/y/z", "/api"])) + url + draw(
                st.sampled_from(["", "/x", "/..", "/%00"]))
    if wild["query"]:
        query = draw(st.dictionaries(st.sampled_from(query_params()), TEXT, min_size=focus == "query",
                                     max_size=3))
        if query:
            url += "?" + urlencode(query)
    headers = {}
    if wild["headers"]:
        headers = draw(st.dictionaries(st.sampled_from(HEADERS), TEXT, min_size=focus == "headers", max_size=3))
    if wild["claims"]:
        caller = draw(st.one_of(CLAIMS, st.none(), st.sampled_from(GOOD_CALLERS),
                                TEXT.map(lambda t: f"Bearer {t}"))) if focus == "all" else draw(CLAIMS)
    else:
        caller = draw(st.sampled_from(GOOD_CALLERS))
    body = None
    if method in ("POST", "PUT", "PATCH"):
        body = draw(BODIES) if wild["body"] else b"{}"
    return Request(method, url, headers, caller, body)


def authorization(keys, caller) -> str | None:
    """The Authorization header for a generated caller (tests/keys.py signs the tokens)."""
    if caller is None:
        return None
    if isinstance(caller, str):
        return caller
    if isinstance(caller, tuple):
        sub, role, opd = caller
        return f"Bearer {keys.token(sub, role, opd)}"
    return f"Bearer {keys.signed(caller)}"


def assert_contract_error(status: int, body, raw: str, authorization: str | None) -> None:
    """Never a 5xx; every 4xx in the contract's shape, and never repeating the token."""
    assert status < 500, (status, raw[:500])
    if status < 400:
        return
    assert isinstance(body, dict) and set(body) == {"error"}, raw[:500]
    err = body["error"]
    assert set(err) == {"code", "message", "details"}, raw[:500]
    assert isinstance(err["code"], str) and err["code"] and isinstance(err["message"], str) and err["message"]
    assert isinstance(err["details"], list)
    for detail in err["details"]:
        assert {"field", "code", "message"} <= set(detail), raw[:500]
    token = (authorization or "").removeprefix("Bearer ").strip()
    if len(token) >= 8:
        assert token not in raw, "an error repeated the Authorization header"


SEED_ID = "ADU-261127-D9BEVXG"      # the id the generated requests use when a path part is sane


def seed_complaint(api) -> None:
    """A public complaint of DINKES (whose staff the good callers are) under SEED_ID, filed by the
    good citizen, so that generated requests on sane ids reach the services and the store."""
    from chalicelib.wiring import container, new_complaint_id

    container.override(new_id=lambda at: SEED_ID)
    status, body = api.post("/v1/complaints", ("warga-1", "citizen"), {
        "category": "jkn-faskes", "title": "Klaim JKN ditolak", "visibility": "public",
        "description": "Puskesmas menolak kartu JKN saya tanpa alasan.",
        "location": {"lat": -5.45, "lon": 105.26, "address": "Bandar Lampung"}})
    container.override(new_id=new_complaint_id)
    assert status == 201 and body["id"] == SEED_ID, body
    _people_beside(container)


def _people_beside(container) -> None:
    """Preferences on the same kind of store as the complaints: on DynamoDB (moto or DynamoDB
    Local, which refuse what the fakes take) the real store, with a test cipher for KMS."""
    from chalicelib.adapters.dynamo.complaints import DynamoComplaintRepository
    from chalicelib.adapters.dynamo.people import DynamoPeopleStore
    from tests.fakes import FakeCipher

    if isinstance(container.repo, DynamoComplaintRepository):
        container.override(people=DynamoPeopleStore(container.settings, FakeCipher()))
