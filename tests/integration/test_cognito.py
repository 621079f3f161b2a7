"""The user pool on moto (`mock_aws`), with the schema and groups of infra/stack.json (issue 11).

GIVEN a citizen who confirmed their sign-up THEN the post-confirmation trigger puts them in
`citizen` and nowhere else; a staff member an admin created (already in a group) is left alone; a
forgot-password confirmation changes nothing and never fails. GIVEN a staff member signing in THEN
the pre-token trigger says whether they have MFA, and the API refuses a staff token without it.
The production staff directory reads the groups, the OPD and the head from the pool, and
`lampungin staff --user-pool` adds, lists and removes staff there.
"""
from __future__ import annotations

import json

import pytest

from chalicelib.adapters import cognito_triggers
from chalicelib.adapters.auth import Unauthenticated, actor_from_claims
from chalicelib.adapters.cognito_triggers import on_post_confirmation, on_pre_token_generation
from chalicelib.adapters.staff_directory import CognitoStaffDirectory
from chalicelib.domain.model import Role
from chalicelib.domain.staff import StaffMember
from lampungin.cli import main
from lampungin.deploy import resources

REGION = "ap-southeast-3"
PASSWORD = "Kata-Sandi-2026"


@pytest.fixture
def idp(aws_env):
    import boto3
    from moto import mock_aws

    with mock_aws():
        yield boto3.client("cognito-idp", region_name=REGION)


@pytest.fixture
def pool(idp):
    """A pool as infra/stack.json defines it: e-mail usernames, custom:opd and custom:head, MFA
    optional (TOTP), the five role groups; and an app client for sign-ins."""
    props = resources.user_pool({})["UserPool"]["Properties"]
    pool_id = idp.create_user_pool(
        PoolName="lampungin-test", UsernameAttributes=props["UsernameAttributes"],
        Schema=props["Schema"], MfaConfiguration=props["MfaConfiguration"])["UserPool"]["Id"]
    for role in resources.ROLES:
        idp.create_group(UserPoolId=pool_id, GroupName=role)
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app",
        ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    return {"id": pool_id, "client": client_id}


def user(idp, pool, email, *, groups=(), opd=None, head=False, name=None, enabled=True) -> str:
    """A user of the pool (optionally in groups); returns their username (their sub)."""
    attrs = [{"Name": "email", "Value": email}]
    attrs += [{"Name": "custom:opd", "Value": opd}] if opd else []
    attrs += [{"Name": "custom:head", "Value": "true"}] if head else []
    attrs += [{"Name": "name", "Value": name}] if name else []
    username = idp.admin_create_user(UserPoolId=pool["id"], Username=email, UserAttributes=attrs,
                                     MessageAction="SUPPRESS")["User"]["Username"]
    for group in groups:
        idp.admin_add_user_to_group(UserPoolId=pool["id"], Username=username, GroupName=group)
    if not enabled:
        idp.admin_disable_user(UserPoolId=pool["id"], Username=username)
    return username


def groups_of(idp, pool, username) -> list[str]:
    return sorted(g["GroupName"] for g in
                  idp.admin_list_groups_for_user(UserPoolId=pool["id"], Username=username)["Groups"])


def confirmation(pool, username, source="PostConfirmation_ConfirmSignUp") -> dict:
    return {"version": "1", "region": REGION, "userPoolId": pool["id"], "userName": username,
            "triggerSource": source, "callerContext": {"awsSdkVersion": "x", "clientId": pool["client"]},
            "request": {"userAttributes": {"sub": username, "email_verified": "true"}}, "response": {}}


class Exploding:
    """A client that must not be called."""

    def __getattr__(self, name):
        raise AssertionError(f"Cognito was called: {name}")


# --- post confirmation --------------------------------------------------------------------------
def test_a_citizen_who_confirms_their_sign_up_joins_citizen_and_only_citizen(idp, pool):
    warga = user(idp, pool, "warga@example.com")
    event = confirmation(pool, warga)
    original = json.loads(json.dumps(event))
    assert on_post_confirmation(event, client=idp) == original           # the event back, unchanged
    assert groups_of(idp, pool, warga) == ["citizen"]
    on_post_confirmation(confirmation(pool, warga), client=idp)         # Cognito retries: still one group
    assert groups_of(idp, pool, warga) == ["citizen"]


def test_without_a_client_the_trigger_makes_its_own_for_the_events_region(idp, pool, monkeypatch):
    monkeypatch.setattr(cognito_triggers, "_clients", {})
    warga = user(idp, pool, "warga2@example.com")
    on_post_confirmation(confirmation(pool, warga))
    assert groups_of(idp, pool, warga) == ["citizen"]
    assert list(cognito_triggers._clients) == [REGION]


def test_a_staff_member_an_admin_created_keeps_their_group(idp, pool):
    operator = user(idp, pool, "op@dinkes.example.com", groups=["operator"], opd="DINKES")
    on_post_confirmation(confirmation(pool, operator), client=idp)
    assert groups_of(idp, pool, operator) == ["operator"]


@pytest.mark.parametrize("source", ["PostConfirmation_ConfirmForgotPassword", "PreSignUp_SignUp", None])
def test_other_confirmations_change_nothing_and_never_fail(idp, pool, source):
    warga = user(idp, pool, "lupa@example.com")
    event = confirmation(pool, warga, source)
    assert on_post_confirmation(event, client=Exploding()) is event
    assert groups_of(idp, pool, warga) == []


# --- pre token generation: MFA for staff ---------------------------------------------------------
def token_event(pool, username, groups, version="1") -> dict:
    return {"version": version, "region": REGION, "userPoolId": pool["id"], "userName": username,
            "triggerSource": "TokenGeneration_Authentication",
            "request": {"userAttributes": {"sub": username},
                        "groupConfiguration": {"groupsToOverride": groups, "iamRolesToOverride": [],
                                               "preferredRole": None}},
            "response": {"claimsOverrideDetails": None}}


def enable_totp(idp, pool, email) -> None:
    idp.admin_set_user_password(UserPoolId=pool["id"], Username=email, Password=PASSWORD, Permanent=True)
    access = idp.admin_initiate_auth(UserPoolId=pool["id"], ClientId=pool["client"],
                                     AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                                     AuthParameters={"USERNAME": email, "PASSWORD": PASSWORD}
                                     )["AuthenticationResult"]["AccessToken"]
    idp.associate_software_token(AccessToken=access)
    idp.verify_software_token(AccessToken=access, UserCode="123456")
    idp.admin_set_user_mfa_preference(UserPoolId=pool["id"], Username=email,
                                      SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True})


def claims_after(event, username, groups, opd=None) -> dict:
    """The ID token's claims as Cognito would issue them after the trigger ran (V1)."""
    added = ((event.get("response") or {}).get("claimsOverrideDetails") or {}).get("claimsToAddOrOverride") or {}
    return {"sub": username, "cognito:groups": groups, **({"custom:opd": opd} if opd else {}), **added}


def test_a_staff_token_says_whether_they_have_mfa_and_the_api_requires_it(idp, pool):
    with_mfa = user(idp, pool, "sup@dinkes.example.com", groups=["supervisor"], opd="DINKES")
    without = user(idp, pool, "op@dinkes.example.com", groups=["operator"], opd="DINKES")
    enable_totp(idp, pool, "sup@dinkes.example.com")

    event = on_pre_token_generation(token_event(pool, with_mfa, ["supervisor"]), client=idp)
    assert event["response"]["claimsOverrideDetails"] == {"claimsToAddOrOverride": {"lampungin:mfa": "true"}}
    actor = actor_from_claims(claims_after(event, with_mfa, ["supervisor"], "DINKES"))
    assert (actor.role, actor.opd) == (Role.SUPERVISOR, "DINKES")

    event = on_pre_token_generation(token_event(pool, without, ["operator"]), client=idp)
    assert event["response"]["claimsOverrideDetails"]["claimsToAddOrOverride"] == {"lampungin:mfa": "false"}
    with pytest.raises(Unauthenticated, match="MFA is required for staff"):
        actor_from_claims(claims_after(event, without, ["operator"], "DINKES"))


def test_a_citizen_token_gets_no_mfa_claim_and_needs_none(idp, pool):
    warga = user(idp, pool, "warga@example.com", groups=["citizen"])
    event = on_pre_token_generation(token_event(pool, warga, ["citizen"]), client=Exploding())
    assert event["response"] == {"claimsOverrideDetails": None}
    assert actor_from_claims(claims_after(event, warga, ["citizen"])).role == Role.CITIZEN


def test_the_v2_event_gets_the_claim_on_both_tokens(idp, pool):
    admin = user(idp, pool, "admin@example.com", groups=["admin"])
    enable_totp(idp, pool, "admin@example.com")
    event = token_event(pool, admin, ["admin"], version="2")
    event["response"] = {"claimsAndScopeOverrideDetails": None}
    details = on_pre_token_generation(event, client=idp)["response"]["claimsAndScopeOverrideDetails"]
    for token in ("idTokenGeneration", "accessTokenGeneration"):
        assert details[token]["claimsToAddOrOverride"] == {"lampungin:mfa": "true"}


def test_a_failure_to_read_a_staff_member_fails_the_sign_in(idp, pool):
    event = token_event(pool, "no-such-user", ["inspector"])
    with pytest.raises(idp.exceptions.UserNotFoundException):
        on_pre_token_generation(event, client=idp)


# --- the production staff directory ---------------------------------------------------------------
def test_the_cognito_directory_reads_groups_opd_and_head(idp, pool):
    op = user(idp, pool, "op@dinkes.example.com", groups=["operator"], opd="DINKES", name="Budi")
    kepala = user(idp, pool, "kepala@dinkes.example.com", groups=["supervisor"], opd="DINKES", head=True,
                  name="Kepala Dinas Kesehatan")
    sup = user(idp, pool, "sup@bapenda.example.com", groups=["supervisor"], opd="BAPENDA")
    both = user(idp, pool, "dua@bapenda.example.com", groups=["operator", "supervisor"], opd="BAPENDA")
    insp = user(idp, pool, "insp@example.com", groups=["inspector"], opd="DINKES")
    user(idp, pool, "admin@example.com", groups=["admin"])
    user(idp, pool, "gone@dinkes.example.com", groups=["operator"], opd="DINKES", enabled=False)
    user(idp, pool, "noopd@example.com", groups=["operator"])               # left out: no OPD
    user(idp, pool, "warga@example.com", groups=["citizen"])
    directory = CognitoStaffDirectory(pool["id"], REGION, client=idp)
    assert directory.get(op) == StaffMember(op, "operator", "DINKES", "Budi", "op@dinkes.example.com")
    assert directory.head("DINKES") == StaffMember(kepala, "supervisor", "DINKES", "Kepala Dinas Kesehatan",
                                                   "kepala@dinkes.example.com", head=True)
    assert directory.head("BAPENDA") is None
    assert [m.sub for m in directory.members(role="operator", opd="DINKES")] == [op]
    assert {m.sub for m in directory.members(role="supervisor", opd="BAPENDA")} == {sup, both}
    assert {m.sub for m in directory.members(role="operator")} == {op, both}
    assert directory.get(both).role == "supervisor"                       # the higher group wins
    assert directory.get(insp).opd is None                                # an inspector is province-wide
    assert len(directory.members(role="admin")) == 1
    assert directory.members(role="citizen") == []


def test_the_directory_pages_through_a_group_and_is_cached_for_its_ttl(idp, pool):
    subs = {user(idp, pool, f"op{i}@dinkes.example.com", groups=["operator"], opd="DINKES") for i in range(5)}
    now = [0.0]
    directory = CognitoStaffDirectory(pool["id"], REGION, client=idp, ttl_seconds=300, clock=lambda: now[0])
    directory.PAGE = 2
    assert {m.sub for m in directory.members(role="operator")} == subs
    late = user(idp, pool, "baru@dinkes.example.com", groups=["operator"], opd="DINKES")
    now[0] = 299.0
    assert directory.get(late) is None                                    # within the TTL: the warm read
    now[0] = 300.0
    assert directory.get(late).opd == "DINKES"


def test_a_failed_refresh_keeps_the_last_read(idp, pool):
    op = user(idp, pool, "op@dinkes.example.com", groups=["operator"], opd="DINKES")
    directory = CognitoStaffDirectory(pool["id"], REGION, client=idp, ttl_seconds=0)
    assert directory.get(op) is not None
    directory._client = Exploding()
    assert directory.get(op) is not None
    fresh = CognitoStaffDirectory(pool["id"], REGION, client=Exploding())
    with pytest.raises(AssertionError):                                  # nothing to fall back on
        fresh.get(op)


# --- lampungin staff --user-pool ------------------------------------------------------------------
def staff(capsys, pool, *argv) -> tuple[int, str, str]:
    try:
        code = main(["staff", *argv, "--user-pool", pool["id"], "--region", REGION])
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_the_cli_adds_lists_and_removes_staff_in_the_user_pool(idp, pool, capsys, monkeypatch):
    monkeypatch.delenv("LANG", raising=False)
    code, out, err = staff(capsys, pool, "add", "--role", "supervisor", "--opd", "DINKES", "--head",
                           "--name", "Kepala Dinas Kesehatan", "--email", "kepala@dinkes.example.com", "--json")
    assert code == 0, err
    added = json.loads(out)
    assert (added["role"], added["opd"], added["head"], added["email"]) == (
        "supervisor", "DINKES", True, "kepala@dinkes.example.com")
    sub = added["sub"]
    found = idp.admin_get_user(UserPoolId=pool["id"], Username=sub)
    attrs = {a["Name"]: a["Value"] for a in found["UserAttributes"]}
    assert attrs["custom:opd"] == "DINKES" and attrs["custom:head"] == "true" and attrs["email_verified"] == "true"
    assert found["UserStatus"] == "FORCE_CHANGE_PASSWORD"                  # Cognito e-mailed a temporary one
    assert groups_of(idp, pool, sub) == ["supervisor"]

    code, out, _ = staff(capsys, pool, "add", "--role", "inspector", "--email", "insp@example.com")
    assert code == 0 and out.startswith("ditambahkan: ") and "(inspector)" in out

    code, out, _ = staff(capsys, pool, "list", "--json", "--opd", "DINKES")
    assert code == 0 and [m["sub"] for m in json.loads(out)] == [sub]
    code, out, _ = staff(capsys, pool, "list", "--json")
    assert {m["role"] for m in json.loads(out)} == {"supervisor", "inspector"}

    code, out, _ = staff(capsys, pool, "remove", "--sub", sub)
    assert (code, out) == (0, f"dihapus: {sub}\n")
    with pytest.raises(idp.exceptions.UserNotFoundException):
        idp.admin_get_user(UserPoolId=pool["id"], Username=sub)
    code, _, err = staff(capsys, pool, "remove", "--sub", sub, "--lang", "en")
    assert code == 2 and err == f"lampungin staff: no staff member with sub {sub!r}\n"


def test_the_cli_never_removes_a_citizen_and_reports_cognitos_refusals_in_one_line(idp, pool, capsys, monkeypatch):
    monkeypatch.delenv("LANG", raising=False)
    warga = user(idp, pool, "warga@example.com", groups=["citizen"])
    code, _, err = staff(capsys, pool, "remove", "--sub", warga)
    assert code == 2 and "bukan staf" in err and err.count("\n") == 1
    assert groups_of(idp, pool, warga) == ["citizen"]
    code, _, err = staff(capsys, pool, "add", "--role", "admin", "--email", "warga@example.com")
    assert code == 2 and err == "lampungin staff: pengguna dengan e-mail warga@example.com sudah ada di user pool\n"
    try:
        code = main(["staff", "add", "--role", "admin", "--email", "a@example.com", "--user-pool",
                     f"{REGION}_doesnotexist", "--region", REGION, "--lang", "en"])
    except SystemExit as exc:
        code = int(exc.code or 0)
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("lampungin staff: Cognito refused AdminCreateUser: ")
    assert "Traceback" not in err and err.count("\n") == 1
