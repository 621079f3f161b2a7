"""Token claims → caller. Locally tokens carry `role`/`opd`; Cognito puts the role in
`cognito:groups` and the OPD in the custom attribute `custom:opd`."""
import pytest

from chalicelib.adapters.auth import TokenVerifier, Unauthenticated, actor_from_claims
from chalicelib.domain.model import Role
from tests.keys import ISSUER, TestKeys


def test_cognito_claims_map_groups_to_role_and_custom_attribute_to_opd():
    actor = actor_from_claims({"sub": "u-1", "cognito:groups": ["staff-all", "supervisor"],
                               "custom:opd": "DINKES", "name": "Budi"})
    assert (actor.sub, actor.role, actor.opd, actor.name) == ("u-1", Role.SUPERVISOR, "DINKES", "Budi")
    citizen = actor_from_claims({"sub": "u-2", "cognito:groups": ["citizen"], "custom:opd": "DINKES"})
    assert citizen.role == Role.CITIZEN and citizen.opd is None          # an OPD means nothing there


@pytest.mark.parametrize("claims", [
    {"sub": "u", "cognito:groups": ["visitors"]},            # no role group
    {"sub": "u", "role": "operator"},                         # staff without an OPD
    {"sub": "", "role": "citizen"},                           # no subject
    {"sub": "u", "role": "mayor"},
])
def test_claims_that_make_no_valid_caller_are_refused(claims):
    with pytest.raises(Unauthenticated):
        actor_from_claims(claims)


def test_issuer_and_audience_are_checked(tmp_path):
    keys = TestKeys(tmp_path / "jwks.json")
    verifier = TokenVerifier(jwks_path=keys.jwks_path, issuer=ISSUER, audience="app-client")
    good = keys.token("u-1", "citizen", aud="app-client")
    assert verifier.verify(f"Bearer {good}").sub == "u-1"
    for bad in (keys.token("u-1", "citizen", aud="other-client"), keys.token("u-1", "citizen"),
                keys.token("u-1", "citizen", aud="app-client", iss="https://evil.example")):
        with pytest.raises(Unauthenticated):
            verifier.verify(f"Bearer {bad}")
    with pytest.raises(Unauthenticated):
        verifier.verify("Basic dXNlcjpwYXNz")
