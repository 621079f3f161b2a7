"""The user pool's Lambda triggers (app.py: `cognito_post_confirmation`, `cognito_pre_token`).

* Post confirmation: a citizen who signed up in the apps belongs to no group, and a token without
  a role group is refused (auth.py). On `PostConfirmation_ConfirmSignUp`, a user with no group
  yet is put in `citizen`; staff (created by an admin, already in their group) are left alone, and
  a forgot-password confirmation (`PostConfirmation_ConfirmForgotPassword`) changes nothing.
* Pre token generation: MFA for staff. The pool's MFA is OPTIONAL (citizens need none); a user of
  a staff group gets the claim `lampungin:mfa` = "true" when they have an MFA method set up
  (`UserMFASettingList`: with OPTIONAL MFA, a user who has one is always challenged for it),
  else "false". auth.py refuses a Cognito staff token without "true". Citizens get no such claim.

Both return the event: Cognito reads the (possibly changed) event back as the response.
"""
from __future__ import annotations

import logging
import threading
from typing import Any

from ..domain.staff import STAFF_DIRECTORY_ROLES

log = logging.getLogger("lampungin.cognito")

CITIZEN_GROUP = "citizen"
MFA_CLAIM = "lampungin:mfa"
# operator, supervisor, inspector, admin; and intake staff, who take people's contact details down
STAFF_GROUPS = frozenset(STAFF_DIRECTORY_ROLES) | {"intake"}

_clients: dict[str, Any] = {}
_lock = threading.Lock()


def _client(event: dict, client: Any) -> Any:
    """The given client, else one cognito-idp client per region, kept for the warm container."""
    if client is not None:
        return client
    region = event.get("region") or ""
    with _lock:
        if region not in _clients:
            import boto3  # lazy: only the trigger Lambdas need Cognito's client (boto3: ~150 ms cold start)
            _clients[region] = boto3.client("cognito-idp", region_name=region or None)
        return _clients[region]


def _user(event: dict) -> tuple[str, str] | None:
    pool, user = event.get("userPoolId"), event.get("userName")
    if isinstance(pool, str) and pool and isinstance(user, str) and user:
        return pool, user
    return None


def on_post_confirmation(event: dict, client: Any = None) -> dict:
    """`citizen` for a user who confirmed their sign-up and has no group yet; the event back.

    Idempotent (Cognito retries a trigger that times out): the group list is read first. An error
    of Cognito's API is raised for a sign-up (logged; the Lambda's error alarm sees it, and the
    user's app shows the failure) — never for any other trigger source."""
    if not isinstance(event, dict) or event.get("triggerSource") != "PostConfirmation_ConfirmSignUp":
        return event
    who = _user(event)
    if who is None:
        log.error("post confirmation: event without userPoolId/userName")
        return event
    pool, user = who
    idp = _client(event, client)
    try:
        groups = idp.admin_list_groups_for_user(UserPoolId=pool, Username=user, Limit=1).get("Groups")
        if not groups:
            idp.admin_add_user_to_group(UserPoolId=pool, Username=user, GroupName=CITIZEN_GROUP)
            log.info("post confirmation: a new user joined group %s", CITIZEN_GROUP)
    except Exception:
        log.exception("post confirmation: could not give the new user the %s group", CITIZEN_GROUP)
        raise
    return event


def _groups(event: dict) -> list[str]:
    request = event.get("request")
    config = request.get("groupConfiguration") if isinstance(request, dict) else None
    groups = config.get("groupsToOverride") if isinstance(config, dict) else None
    return [g for g in groups if isinstance(g, str)] if isinstance(groups, list) else []


def has_mfa(user: dict) -> bool:
    """AdminGetUser's answer: does the user have an MFA method (TOTP, SMS, e-mail) set up?"""
    methods = user.get("UserMFASettingList") or []
    return isinstance(methods, list) and any(isinstance(m, str) and m for m in methods)


def _add_claim(event: dict, name: str, value: str) -> None:
    """Into the response of both event versions: V1 (`claimsOverrideDetails`, the ID token) and
    V2/V3 (`claimsAndScopeOverrideDetails`, the ID and access tokens)."""
    response = event.setdefault("response", {})
    if not isinstance(response, dict):
        response = event["response"] = {}
    if str(event.get("version", "1")) in ("2", "3"):
        details = response.get("claimsAndScopeOverrideDetails") or {}
        for token in ("idTokenGeneration", "accessTokenGeneration"):
            part = details.get(token) or {}
            part["claimsToAddOrOverride"] = {**(part.get("claimsToAddOrOverride") or {}), name: value}
            details[token] = part
        response["claimsAndScopeOverrideDetails"] = details
    else:
        details = response.get("claimsOverrideDetails") or {}
        details["claimsToAddOrOverride"] = {**(details.get("claimsToAddOrOverride") or {}), name: value}
        response["claimsOverrideDetails"] = details


def on_pre_token_generation(event: dict, client: Any = None) -> dict:
    """`lampungin:mfa` on the tokens of staff ("true" only with an MFA method set up); the event
    back. A failure to read the user is raised: the sign-in fails and can be tried again, rather
    than a staff member holding an hour-long token the API refuses."""
    if not isinstance(event, dict):
        return event
    if not STAFF_GROUPS.intersection(_groups(event)):
        return event                               # a citizen (or no group yet): no claim
    who = _user(event)
    if who is None:
        log.error("pre token generation: staff event without userPoolId/userName")
        _add_claim(event, MFA_CLAIM, "false")
        return event
    pool, user = who
    try:
        found = _client(event, client).admin_get_user(UserPoolId=pool, Username=user)
    except Exception:
        log.exception("pre token generation: could not read the user's MFA settings")
        raise
    _add_claim(event, MFA_CLAIM, "true" if has_mfa(found) else "false")
    return event
