"""GET /openapi.json and /docs (issue 12): the spec is valid OpenAPI 3.1, describes exactly the
routes of `app.routes` (a failure names each route missing on either side), says what the routes
really do (the body model each validates with, whether it reads a token), documents the errors in
the contract's shape with examples that are what the API answers, and is built on its first
request only. /docs serves the vendored viewer, or answers 404 in the contract's shape without it.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from openapi_spec_validator import validate
from openapi_spec_validator.validation import OpenAPIV31SpecValidator

from app import app
from chalicelib.api import docs_page, openapi
from chalicelib.api.messages import MESSAGES
from chalicelib.api.spec import DUPLICATES, ISO_DATE_OR_TIME, REGISTRY
from chalicelib.domain.times import MAX_YEAR, MIN_YEAR, WIB, parse_iso
from chalicelib.services.paging import MAX_CURSOR_CHARS, MAX_LIMIT

ROOT = Path(__file__).resolve().parents[2]
SPEC = openapi.document()
OPERATIONS = [(path, method, op) for path, item in SPEC["paths"].items() for method, op in item.items()]


def app_routes() -> set[tuple[str, str]]:
    return {(method, path) for path, methods in app.routes.items() for method in methods}


def test_the_spec_is_valid_openapi_3_1():
    assert SPEC["openapi"].startswith("3.1.")
    validate(SPEC, cls=OpenAPIV31SpecValidator)


def test_every_route_is_described_and_every_description_is_a_route():
    described = {(method.upper(), path) for path, method, _ in OPERATIONS}
    missing = sorted(f"{m} {p}" for m, p in app_routes() - described)
    stale = sorted(f"{m} {p}" for m, p in described - app_routes())
    assert not missing, ("routes without a description: add a spec.describe(...) beside the route or in "
                         "chalicelib/api/spec_routes.py:\n  " + "\n  ".join(missing))
    assert not stale, "descriptions of routes the app does not have:\n  " + "\n  ".join(stale)
    assert not DUPLICATES, f"routes described twice (the first description is used): {DUPLICATES}"


def _closure(view) -> dict:
    return dict(zip(view.__code__.co_freevars, (c.cell_contents for c in view.__closure__ or ()), strict=True))


def test_each_route_is_described_with_the_body_model_it_validates_with_and_its_token():
    checked = 0
    for path, methods in app.routes.items():
        for method, entry in methods.items():
            wrapped = _closure(entry.view_function)          # what http.endpoint was given
            op = REGISTRY.get((method, path))                # (a missing one: the parity test says)
            if "body_model" not in wrapped or op is None:
                continue
            assert op.body is wrapped["body_model"], (method, path)
            assert (op.roles is not None) == wrapped["auth"], (method, path)
            checked += 1
    assert checked >= 30


def _components(ref: str) -> dict:
    node = SPEC
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def test_every_error_answer_is_the_contract_shape_with_real_messages():
    for path, method, op in OPERATIONS:
        errors = {int(code): r for code, r in op["responses"].items() if int(code) >= 400}
        assert 429 in errors and (415 in errors or REGISTRY[(method.upper(), path)].any_media_type), (method, path)
        if op["security"]:
            assert op["security"] == [{"bearer": []}] and 401 in errors, (method, path)
        if "requestBody" in op:
            assert {400, 413, 422} <= set(errors), (method, path)
        if "{" in path:
            assert 404 in errors, (method, path)
        for code, ref in errors.items():
            if "$ref" not in ref:                        # Open311's own error documents
                assert REGISTRY[(method.upper(), path)].error_content and code != 429, (method, path, code)
                continue
            response = _components(ref["$ref"])
            media = response["content"]["application/json"]
            assert media["schema"] == {"$ref": "#/components/schemas/ErrorBody"}
            for lang, example in media["examples"].items():
                error = example["value"]["error"]
                assert error["code"] in MESSAGES and error["message"], (code, lang)
    assert _components("#/components/responses/Error429")["headers"]["Retry-After"]
    assert SPEC["components"]["headers"]["Retry-After"]["required"] is True


def _validator(schema: dict) -> Draft202012Validator:
    return Draft202012Validator({**schema, "components": SPEC["components"]})


def test_every_example_is_valid_against_its_schema():
    seen = 0
    for path, method, op in OPERATIONS:
        for code, response in op["responses"].items():
            response = _components(response["$ref"]) if "$ref" in response else response
            for media in response["content"].values():
                examples = [e["value"] for e in media.get("examples", {}).values()]
                examples += [media["example"]] if "example" in media else []
                for example in examples:
                    errors = list(_validator(media["schema"]).iter_errors(example))
                    assert not errors, (method, path, code, errors[0].message)
                    seen += 1
    assert seen > 100


def test_query_parameters_carry_the_rules_of_queries_py():
    params = {(path, p["name"]): p for path, method, op in OPERATIONS for p in op["parameters"] if "name" in p}
    limit = params[("/v1/complaints", "limit")]["schema"]
    assert (limit["type"], limit["minimum"], limit["maximum"]) == ("integer", 1, MAX_LIMIT)
    assert params[("/v1/sanctions", "cursor")]["schema"]["maxLength"] == MAX_CURSOR_CHARS
    assert params[("/v1/complaints", "status")]["schema"]["enum"][0] == "assigned"
    assert params[("/v1/audit", "since")]["schema"]["pattern"] == ISO_DATE_OR_TIME


def _parses(text: str) -> bool:
    try:
        parse_iso(text, naive_tz=WIB)
    except ValueError:
        return False
    return True


def _real_day(text: str) -> bool:
    try:
        date.fromisoformat(text[:10])
    except ValueError:
        return False
    return True


@given(st.from_regex(ISO_DATE_OR_TIME, fullmatch=True))
def test_what_the_since_pattern_admits_parses_unless_the_day_does_not_exist(text):
    assert _parses(text) == _real_day(text), text


@given(st.datetimes(min_value=datetime(MIN_YEAR, 1, 1), max_value=datetime(MAX_YEAR, 12, 31)),
       st.sampled_from(["%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S.%fZ",
                        "%Y-%m-%dT%H:%M:%S+07:00", "%Y-%m-%dT%H:%M-0530"]))
def test_what_the_api_parses_the_since_pattern_admits(at, form):
    text = at.strftime(form)
    assert _parses(text) and re.fullmatch(ISO_DATE_OR_TIME, text), text


@pytest.mark.parametrize("wrong", ["２０２６-11-01", "2026-1-01", "²026-11-01", "2026-11-01T08", "1969-12-31",
                                   "9001-01-01", "2026-11-01T24:00", "2026-11-01T08:00+7"])
def test_what_the_api_refuses_the_since_pattern_refuses(wrong):
    assert not _parses(wrong) and not re.fullmatch(ISO_DATE_OR_TIME, wrong)


def test_bounds_on_unions_are_written_as_json_schema_and_nothing_nonstandard_is_left():
    lat = SPEC["components"]["schemas"]["LocationIn"]["properties"]["lat"]
    numeric = [b for union in lat["anyOf"] for b in union.get("anyOf", [union]) if b.get("type") != "null"]
    assert numeric and all((b["minimum"], b["maximum"]) == (-90, 90) for b in numeric)
    assert not re.search(r'"(ge|le|gt|lt)":', json.dumps(SPEC))


def test_the_spec_is_served_without_a_token_and_built_once(api, monkeypatch):
    builds = []
    monkeypatch.setattr(openapi, "_cache", [])
    monkeypatch.setattr(docs_page, "_kept", {})
    real = openapi.build
    monkeypatch.setattr(openapi, "build", lambda ops: builds.append(1) or real(ops))
    for _ in range(3):
        resp = api.client.http.get("/openapi.json")
        assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("application/json")
        assert json.loads(resp.body) == json.loads(json.dumps(SPEC))
    assert builds == [1]


def test_no_spec_is_built_on_a_cold_start():
    probe = ("import sys, app\n"
             "from chalicelib.api import schemas\n"
             "lazy = ('chalicelib.api.openapi', 'chalicelib.api.spec_routes', 'chalicelib.api.spec_open311')\n"
             "print(sorted(m for m in lazy if m in sys.modules),"
             " schemas.ComplaintOut.__pydantic_complete__)")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60,
                         check=True).stdout.split()
    assert out == ["[]", "False"]


@pytest.fixture
def viewer(tmp_path, monkeypatch):
    """A viewer as lampungin/docs_viewer.py leaves it, in a temporary place."""
    monkeypatch.setattr(docs_page, "VIEWER_DIR", tmp_path)
    monkeypatch.setattr(docs_page, "_kept", {})
    (tmp_path / docs_page.VIEWER_FILE).write_text("/* redoc */ window.Redoc = {};", encoding="utf-8")
    (tmp_path / docs_page.VIEWER_MARKER).write_text("sha512-x\n")
    return tmp_path


def test_docs_serves_a_page_that_loads_only_its_own_viewer_and_spec(api, viewer):
    page = api.client.http.get("/docs")
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    html = page.body.decode()
    assert set(re.findall(r'(?:src|spec-url|href)="([^"]+)"', html)) == {"openapi.json", "docs/redoc.standalone.js"}
    assert "script-src 'self';" in page.headers["Content-Security-Policy"]
    script = api.client.http.get(f"/docs/{docs_page.VIEWER_FILE}")
    assert script.status_code == 200 and script.body.decode() == "/* redoc */ window.Redoc = {};"
    assert script.headers["Content-Type"].startswith("application/javascript")


@pytest.mark.parametrize(("lang", "words"), [("id", "belum diunduh"), ("en", "was not fetched")])
def test_without_the_viewer_docs_is_404_in_the_contract_shape(api, tmp_path, monkeypatch, lang, words):
    monkeypatch.setattr(docs_page, "VIEWER_DIR", tmp_path / "never-fetched")
    monkeypatch.setattr(docs_page, "_kept", {})
    for path in ("/docs", f"/docs/{docs_page.VIEWER_FILE}"):
        resp = api.client.http.get(path, headers={"Accept-Language": lang})
        error = json.loads(resp.body)["error"]
        assert resp.status_code == 404 and error["code"] == "docs_viewer_missing" and words in error["message"]
    assert api.client.http.get("/openapi.json").status_code == 200
