"""The spec drives a fuzzer (Schemathesis) against the app: for every operation of GET
/openapi.json, requests generated from its schemas (valid and invalid ones, and the methods a path
does not have), by no one and by each role.

The app runs over real HTTP in this process (lampungin/localstack/httpserver.py's ApiServer, as
`make run` serves it) on the fakes of tests/app/conftest.py's `api`, injected through the
composition root. Each operation and caller starts from fresh fakes with one complaint seeded
under the spec's example id, already in the state the operation's action needs (a rating needs a
resolved complaint), and every other generated id is replaced by it, so generated requests reach
the services and the store, not only the 404 of an unknown id. Every answer must be below 500 and
match the spec: a documented status and content type, a body valid against its schema, the
documented headers (Retry-After on a 429), and 405 with `Allow` for a method the path does not have.

Two tests, to stay bounded (~1 minute here): Schemathesis' deterministic cases (the spec's
examples, and its coverage of boundaries, missing and wrong values and other methods) once per
operation, by a caller the operation admits; random cases (EXAMPLES) per operation and caller.
"""
from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from app import app
from chalicelib.api.openapi import document
from chalicelib.api.spec import REGISTRY
from chalicelib.wiring import container, new_complaint_id
from tests.fakes_attachments import FakeAttachmentStore, FakeFiles
from tests.generated_requests import GOOD_CALLERS, SEED_ID
from tests.keys import TestKeys

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = int(os.environ.get("SPEC_FUZZ_EXAMPLES", "15"))     # deeper, locally: SPEC_FUZZ_EXAMPLES=200
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance, unsupported_method]
CALLERS = [None, *GOOD_CALLERS]       # no token, then a citizen, DINKES staff, an inspector, an admin
CITIZEN, OPERATOR, SUPERVISOR = GOOD_CALLERS[0], GOOD_CALLERS[1], GOOD_CALLERS[2]
GENERATION = {"mode": "all", "max-examples": EXAMPLES, "with-security-parameters": False}
OFF = {"enabled": False}
COVERAGE = schemathesis.openapi.from_dict(document(), config=schemathesis.Config.from_dict({
    "generation": GENERATION, "phases": {"fuzzing": OFF, "stateful": OFF}}))
FUZZING = schemathesis.openapi.from_dict(document(), config=schemathesis.Config.from_dict({
    "generation": GENERATION, "phases": {"examples": OFF, "coverage": OFF, "stateful": OFF}}))
# the steps that bring the seeded complaint (assigned, DINKES) to where an action can be taken
FOLLOWED_UP = [("followups", OPERATOR, {"message": "Kartu JKN sudah diterima puskesmas."})]
RESOLVED = [*FOLLOWED_UP, ("approve", SUPERVISOR, {"note": "Sesuai"})]
PREPARE = {"approve": FOLLOWED_UP, "return": FOLLOWED_UP, "rating": RESOLVED, "reopen": RESOLVED,
           "replies": [("request-info", OPERATOR, {"question": "Puskesmas mana?"})]}


@pytest.fixture(scope="module")
def server():
    from lampungin.localstack.httpserver import ApiServer, chalice_config

    srv = ApiServer(app, chalice_config(ROOT), "127.0.0.1", 0)
    srv.start()
    yield srv.url
    srv.stop()


class Seeded:
    """The app's URL and the seeded complaint, brought to an action's state on first use."""

    def __init__(self, url: str, keys: TestKeys):
        self.url, self.keys, self.prepared = url, keys, False

    def post(self, path: str, who, body: dict) -> None:
        answer = requests.post(f"{self.url}{path}", json=body, timeout=10,
                               headers={"Authorization": f"Bearer {self.keys.token(*who)}"})
        assert answer.status_code in (200, 201), (path, answer.text)

    def prepare(self, operation_path: str) -> None:
        if not self.prepared:
            self.prepared = True
            for action, who, body in PREPARE.get(operation_path.rsplit("/", 1)[-1], []):
                self.post(f"/v1/complaints/{SEED_ID}/{action}", who, body)


@pytest.fixture
def seeded(api, server, keys):
    """The fakes of tests/app/conftest.py's `api` (fresh for each operation and caller) with an
    attachment store (as the authorization matrix has), and a public DINKES complaint filed by the
    citizen among CALLERS."""
    container.override(new_id=lambda at: SEED_ID, attachments=FakeAttachmentStore(), attachment_files=FakeFiles())
    app_state = Seeded(server, keys)
    app_state.post("/v1/complaints", CITIZEN, {
        "category": "jkn-faskes", "title": "Klaim JKN ditolak", "visibility": "public",
        "description": "Puskesmas menolak kartu JKN saya tanpa alasan."})
    container.override(new_id=new_complaint_id)
    return app_state


@pytest.fixture(params=CALLERS, ids=lambda c: c[1] if c else "no_token")
def caller(request):
    return request.param


_turns = itertools.count()
HEALTH = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                                         HealthCheck.filter_too_much])


def send(case, seeded: Seeded, caller) -> None:
    seeded.prepare(case.path)
    if "complaint_id" in (case.path_parameters or {}) and next(_turns) % 2:     # every other: the seed
        case.path_parameters["complaint_id"] = SEED_ID
    headers = {"Authorization": f"Bearer {seeded.keys.token(*caller)}"} if caller else {}
    case.call_and_validate(base_url=seeded.url, headers=headers, checks=CHECKS)


def admitted(method: str, path: str):
    """A caller the operation admits (no token for a public one): past the 401 and 403."""
    roles = REGISTRY[(method, path)].roles
    return None if roles is None else next(c for c in GOOD_CALLERS if c[1] in roles)


@COVERAGE.parametrize()
@HEALTH
def test_the_deterministic_cases_answer_as_the_spec_says(case, seeded):
    send(case, seeded, admitted(case.operation.method.upper(), case.operation.path))


@FUZZING.parametrize()
@HEALTH
def test_random_cases_by_every_caller_answer_as_the_spec_says(case, seeded, caller):
    send(case, seeded, caller)


@pytest.mark.parametrize("method", ["TRACE", "CONNECT", "PROPFIND", "FOO"])
def test_a_method_http_server_does_not_know_is_405_in_the_contract_shape(seeded, method):
    """The fuzzer's first finding: http.server answered TRACE itself, 501 in HTML."""
    answer = requests.request(method, f"{seeded.url}/v1/health", timeout=10)
    assert answer.status_code == 405 and answer.headers["Allow"] == "GET", answer.text
    assert answer.json()["error"]["code"] == "method_not_allowed"
