"""Token claims → caller. Locally tokens carry `role`/`opd`; Cognito puts the role in
`cognito:groups` and the OPD in the custom attribute `custom:opd`."""
import pytest

from chalicelib.adapters.auth import TokenVerifier, Unauthenticated, actor_from_claims
from chalicelib.domain.model import Role
from tests.keys import ISSUER, TestKeys


def test_cognito_claims_map_groups_to_role_and_custom_attribute_to_opd():
    actor = actor_from_claims({"sub": "u-1", "cognito:groups": ["staff-all", "supervisor"],
                               "custom:opd": "DINKES", "name": "Budi", "lampungin:mfa": "true"})
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


# --- issue 10: claims are checked by type before anything reads them ---------------------------
# Each of these, validly signed, was a 500 or (the dict of groups) an admin.
MALFORMED_CLAIMS = [
    {"sub": "u", "cognito:groups": 5},
    {"sub": "u", "cognito:groups": {"admin": 1}},
    {"sub": "u", "cognito:groups": "admin"},
    {"sub": "u", "cognito:groups": ["citizen", 7]},
    {"sub": "u", "cognito:groups": [["admin"]]},
    {"sub": "u", "role": "operator", "opd": ["X"]},
    {"sub": "u", "role": "operator", "opd": {"DINKES": True}},
    {"sub": "u", "role": "supervisor", "custom:opd": 12},
    {"sub": "u", "role": "operator", "opd": "DINKES", "custom:opd": ["X"]},
    {"sub": "u", "role": "operator", "opd": "x" * 65},
    {"sub": "u", "role": "operator", "opd": "DIN KES"},
    {"sub": "u", "role": "citizen", "opd": ["X"]},           # ignored for a citizen, but malformed
    {"sub": "u", "role": ["admin"]},
    {"sub": "u", "role": {"admin": 1}},
    {"sub": "u", "role": 1},
    {"sub": "u", "role": True},
    {"sub": 5, "role": "citizen"},
    {"sub": ["u"], "role": "citizen"},
    {"sub": "u" * 129, "role": "citizen"},
    {"sub": "warga\n1", "role": "citizen"},
    {"sub": "wärga", "role": "citizen"},
    {"sub": "u", "role": "citizen", "name": {"first": "Budi"}},
    {"sub": "u", "role": "citizen", "name": "x" * 257},
    {"sub": "u", "role": "inspector", "government": ["LAMPUNG"]},
]


@pytest.mark.parametrize("claims", MALFORMED_CLAIMS, ids=lambda c: repr(c)[:60])
def test_a_signed_token_with_a_malformed_claim_is_refused(tmp_path, claims):
    keys = TestKeys(tmp_path / "jwks.json")
    verifier = TokenVerifier(jwks_path=keys.jwks_path, issuer=ISSUER)
    with pytest.raises(Unauthenticated):
        verifier.verify(f"Bearer {keys.signed(claims)}")
    with pytest.raises(Unauthenticated):
        actor_from_claims(claims)


def test_cognito_groups_must_be_a_list_to_name_a_role():
    """`{"admin": 1}` iterates as its keys: it once made an admin."""
    with pytest.raises(Unauthenticated):
        actor_from_claims({"sub": "u", "cognito:groups": {"admin": 1}})
    assert actor_from_claims({"sub": "u", "cognito:groups": ["admin"], "lampungin:mfa": "true"}).role == Role.ADMIN
    assert actor_from_claims({"sub": "u", "cognito:groups": ["x", "citizen", "admin"]}).role == Role.CITIZEN


def test_null_and_empty_optional_claims_are_absent():
    actor = actor_from_claims({"sub": "u", "role": "citizen", "opd": None, "name": "", "custom:opd": ""})
    assert (actor.opd, actor.name) == (None, None)
    staff = actor_from_claims({"sub": "u", "role": "operator", "opd": "", "custom:opd": "BANDARLAMPUNG.DINKES"})
    assert staff.opd == "BANDARLAMPUNG.DINKES"


@pytest.mark.parametrize("header", [
    "Bearer " + "a" * 9000,                 # bounded before any decoding
    "Bearer ²³.¹.⁴",                        # non-ASCII
    "Bearer ", "Bearer", "bearer  ", "Bearer a.b.c", "Bearer ..", "Bearer e30.e30.e30",
])
def test_malformed_authorization_headers_are_unauthenticated(tmp_path, header):
    keys = TestKeys(tmp_path / "jwks.json")
    with pytest.raises(Unauthenticated):
        TokenVerifier(jwks_path=keys.jwks_path, issuer=ISSUER).verify(header)


@pytest.mark.parametrize("claims", [
    {"sub": "u", "role": "citizen", "exp": "soon"},
    {"sub": "u", "role": "citizen", "iat": [1]},
    {"sub": "u", "role": "citizen", "nbf": {"a": 1}},
    {"sub": "u", "role": "citizen", "iss": ["x"]},           # PyJWT raised TypeError: a 500
    {"sub": "u", "role": "citizen", "iss": [ISSUER]},
    {"sub": "u", "role": "citizen", "iss": 7},
])
def test_registered_claims_of_the_wrong_type_are_unauthenticated(tmp_path, claims):
    keys = TestKeys(tmp_path / "jwks.json")
    for audience in (None, "app-client"):
        verifier = TokenVerifier(jwks_path=keys.jwks_path, issuer=ISSUER, audience=audience)
        with pytest.raises(Unauthenticated):
            verifier.verify(f"Bearer {keys.signed({**claims, 'aud': 'app-client'})}")


@pytest.mark.parametrize("aud", [5, [["app-client"]], {"app-client": 1}, None, ["other"]])
def test_an_audience_of_the_wrong_type_is_unauthenticated_where_the_audience_is_checked(tmp_path, aud):
    keys = TestKeys(tmp_path / "jwks.json")
    verifier = TokenVerifier(jwks_path=keys.jwks_path, issuer=ISSUER, audience="app-client")
    with pytest.raises(Unauthenticated):
        verifier.verify(f"Bearer {keys.signed({'sub': 'u', 'role': 'citizen', 'aud': aud})}")


# --- issue 11: MFA for staff (the user pool's pre-token trigger says whether they have it) ----------
STAFF_COGNITO = [({"cognito:groups": ["operator"], "custom:opd": "DINKES"}, Role.OPERATOR),
                 ({"cognito:groups": ["supervisor"], "custom:opd": "DINKES"}, Role.SUPERVISOR),
                 ({"cognito:groups": ["inspector"]}, Role.INSPECTOR),
                 ({"cognito:groups": ["admin", "citizen"]}, Role.ADMIN),
                 ({"cognito:groups": ["intake"], "custom:opd": "DPMPTSP"}, Role.INTAKE)]


@pytest.mark.parametrize(("claims", "role"), STAFF_COGNITO, ids=lambda v: str(v)[:30])
def test_a_cognito_staff_token_needs_the_mfa_claim(claims, role):
    assert actor_from_claims({"sub": "u-1", **claims, "lampungin:mfa": "true"}).role == role
    for mfa in ({}, {"lampungin:mfa": "false"}, {"lampungin:mfa": True}, {"lampungin:mfa": ["true"]},
                {"lampungin:mfa": "TRUE"}, {"lampungin:mfa": ""}):
        with pytest.raises(Unauthenticated, match="MFA is required for staff"):
            actor_from_claims({"sub": "u-1", **claims, **mfa})


def test_citizens_and_local_tokens_need_no_mfa_claim():
    assert actor_from_claims({"sub": "u-2", "cognito:groups": ["citizen"]}).role == Role.CITIZEN
    assert actor_from_claims({"sub": "u-2", "cognito:groups": ["citizen"], "lampungin:mfa": "false"}).role == \
        Role.CITIZEN
    # `lampungin token`: a plain role claim and no cognito:groups
    assert actor_from_claims({"sub": "op", "role": "operator", "opd": "DINKES"}).role == Role.OPERATOR
    assert actor_from_claims({"sub": "ad", "role": "admin"}).role == Role.ADMIN


def test_a_cognito_token_with_a_plain_role_claim_is_still_a_cognito_token():
    with pytest.raises(Unauthenticated, match="MFA"):
        actor_from_claims({"sub": "u", "role": "admin", "cognito:groups": []})


def test_the_verifier_refuses_a_signed_staff_token_without_mfa(tmp_path):
    keys = TestKeys(tmp_path / "jwks.json")
    verifier = TokenVerifier(jwks_path=keys.jwks_path, issuer=ISSUER)
    base = {"sub": "op-1", "cognito:groups": ["operator"], "custom:opd": "DINKES"}
    with pytest.raises(Unauthenticated, match="MFA"):
        verifier.verify(f"Bearer {keys.signed(base)}")
    actor = verifier.verify(f"Bearer {keys.signed({**base, 'lampungin:mfa': 'true'})}")
    assert (actor.role, actor.opd) == (Role.OPERATOR, "DINKES")


def test_the_government_is_the_opds_and_a_claim_cannot_say_otherwise():
    staff = actor_from_claims({"sub": "op", "role": "operator", "opd": "BANDARLAMPUNG.DINKES", "unit": "P2P"})
    assert (staff.government, staff.unit) == ("BANDARLAMPUNG", "P2P")
    assert actor_from_claims({"sub": "op", "role": "operator", "opd": "DINKES"}).government == "LAMPUNG"
    with pytest.raises(Unauthenticated):
        actor_from_claims({"sub": "op", "role": "operator", "opd": "DINKES", "government": "BANDARLAMPUNG"})
    inspector = actor_from_claims({"sub": "i", "cognito:groups": ["inspector"], "custom:government": "PESAWARAN",
                                   "lampungin:mfa": "true"})
    assert inspector.government == "PESAWARAN"
    # an admin is the province's; a unit only narrows an operator; a citizen has neither
    assert actor_from_claims({"sub": "a", "role": "admin", "government": "PESAWARAN"}).government == "LAMPUNG"
    assert actor_from_claims({"sub": "s", "role": "supervisor", "opd": "DINKES", "unit": "P2P"}).unit is None
    assert actor_from_claims({"sub": "c", "role": "citizen", "unit": "P2P", "government": "X"}).unit is None
    with pytest.raises(Unauthenticated):
        actor_from_claims({"sub": "i", "role": "inspector", "government": "BANDAR LAMPUNG"})


def test_an_intake_token_names_its_desks_opd_whose_government_it_files_for():
    """Issue 18: intake staff of a desk (the P4 desk at DPMPTSP, a city's own desk)."""
    desk = actor_from_claims({"sub": "p4", "role": "intake", "opd": "DPMPTSP"})
    assert (desk.role, desk.opd, desk.government) == (Role.INTAKE, "DPMPTSP", "LAMPUNG")
    city = actor_from_claims({"sub": "k", "role": "intake", "opd": "BANDARLAMPUNG.DPMPTSP"})
    assert city.government == "BANDARLAMPUNG" and city.unit is None
    for claims in ({"sub": "p4", "role": "intake"},
                   {"sub": "p4", "role": "intake", "opd": "DPMPTSP", "government": "BANDARLAMPUNG"}):
        with pytest.raises(Unauthenticated):
            actor_from_claims(claims)
