"""No request, however malformed, gets a 5xx: odd path segments, query values and bodies thrown
at every route, by every role (hypothesis)."""
import json
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.app.conftest import ADMIN, CITIZEN, INSPECTOR, staff

WEIRD = st.one_of(st.text(max_size=300), st.sampled_from(["", " ", "%00", "a" * 3000, "../x", "null",
                                                            "ADU-000000-0000000", "-1", "1e99", "true"]))
WHO = st.sampled_from([None, CITIZEN, INSPECTOR, ADMIN, staff("operator", "DINKES"),
                       staff("supervisor", "DINKES")])
PATHS = ["/v1/complaints/{x}", "/v1/complaints/{x}/timeline", "/v1/complaints?status={x}",
         "/v1/complaints?opd={x}", "/v1/complaints?cursor={x}", "/v1/complaints?limit={x}",
         "/v1/complaints?overdue={x}", "/v1/sanctions?complaint={x}", "/v1/sanctions?opd={x}",
         "/v1/sanctions?since={x}", "/v1/sanctions?cursor={x}", "/v1/sanctions?subject_type={x}"]
POSTS = ["/v1/complaints", "/v1/complaints/{x}/claim", "/v1/complaints/{x}/followups",
         "/v1/complaints/{x}/transfer", "/v1/complaints/{x}/rating", "/v1/complaints/{x}/forward"]
BODIES = st.one_of(st.binary(max_size=200), st.text(max_size=200).map(str.encode),
                   st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
                                | st.text(max_size=50),
                                lambda kids: st.lists(kids, max_size=4) | st.dictionaries(
                                    st.sampled_from(["category", "title", "description", "opd", "stars",
                                                     "message", "reason", "location", "lat", "x"]),
                                    kids, max_size=5), max_leaves=12).map(lambda v: json.dumps(v).encode()))


@pytest.fixture(params=["fakes", "dynamodb"])
def any_api(request):
    return request.getfixturevalue("api" if request.param == "fakes" else "dynamo_api")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(PATHS), value=WEIRD, who=WHO)
def test_get_routes_never_5xx(any_api, path, value, who):
    api = any_api
    status, body = api.get(path.format(x=quote(value, safe="")), who)
    assert status < 500, (path, value, body)
    if status >= 400:
        assert set(body["error"]) == {"code", "message", "details"}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(POSTS), value=WEIRD, who=WHO, raw=BODIES)
def test_post_routes_never_5xx(any_api, path, value, who, raw):
    api = any_api
    status, body = api.post(path.format(x=quote(value, safe="") or "x"), who, raw=raw)
    assert status < 500, (path, value, raw, body)
