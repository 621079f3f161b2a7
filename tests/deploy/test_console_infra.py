"""The web console's hosting in both templates (lampungin/deploy/console.py): a private bucket read
only by its distribution, HTTPS only, the cache split by what changes, security headers with a
CSP naming what the console reaches, and the user pool's hosted UI for the console's sign-in."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from lampungin.deploy import console, infra

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = {"stack": json.loads((ROOT / "infra" / "stack.json").read_text()),
             "merge": json.loads((ROOT / "infra" / "chalice-merge.json").read_text())}


@pytest.fixture(params=sorted(TEMPLATES))
def res(request) -> dict:
    return TEMPLATES[request.param]["Resources"]


def test_both_templates_host_the_console_the_same_way():
    names = [k for k, v in TEMPLATES["stack"]["Resources"].items() if k.startswith("Console") or k == "UserPoolDomain"]
    assert sorted(names) == ["ConsoleBucket", "ConsoleBucketPolicy", "ConsoleDistribution",
                             "ConsoleOriginAccessControl", "ConsoleResponseHeadersPolicy", "UserPoolDomain"]
    for name in names:
        assert TEMPLATES["stack"]["Resources"][name] == TEMPLATES["merge"]["Resources"][name], name
    for outputs in (t["Outputs"] for t in TEMPLATES.values()):
        assert outputs["ConsoleUrl"]["Value"] == {"Fn::Sub": "https://${ConsoleDistribution.DomainName}"}
        assert outputs["ConsoleBucketName"]["Value"] == {"Ref": "ConsoleBucket"}
        assert outputs["ConsoleDistributionId"]["Value"] == {"Ref": "ConsoleDistribution"}
        assert outputs["AuthDomain"]["Value"] == {
            "Fn::Sub": "https://${UserPoolDomain}.auth.${AWS::Region}.amazoncognito.com"}


def test_the_bucket_is_private_encrypted_tls_only_and_read_only_by_its_distribution(res):
    bucket = res["ConsoleBucket"]["Properties"]
    assert all(bucket["PublicAccessBlockConfiguration"].values()) and len(bucket["PublicAccessBlockConfiguration"]) == 4
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
    assert bucket["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    deny, allow = res["ConsoleBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert deny["Effect"] == "Deny" and deny["Action"] == "s3:*"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert allow == {
        "Sid": "ThisDistributionReads", "Effect": "Allow", "Principal": {"Service": "cloudfront.amazonaws.com"},
        "Action": "s3:GetObject", "Resource": {"Fn::Sub": "${ConsoleBucket.Arn}/*"},
        "Condition": {"StringEquals": {"AWS:SourceArn": {"Fn::Sub": (
            "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${ConsoleDistribution}")}}}}


def test_the_distribution_reads_through_oac_https_only_and_caches_only_the_hashed_assets(res):
    config = res["ConsoleDistribution"]["Properties"]["DistributionConfig"]
    (origin,) = config["Origins"]
    assert origin["DomainName"] == {"Fn::GetAtt": ["ConsoleBucket", "RegionalDomainName"]}
    assert origin["OriginAccessControlId"] == {"Fn::GetAtt": ["ConsoleOriginAccessControl", "Id"]}
    assert origin["S3OriginConfig"] == {"OriginAccessIdentity": ""}        # OAC, not the legacy OAI
    oac = res["ConsoleOriginAccessControl"]["Properties"]["OriginAccessControlConfig"]
    assert (oac["OriginAccessControlOriginType"], oac["SigningBehavior"]) == ("s3", "always")
    assert config["DefaultRootObject"] == "index.html"
    behaviours = [config["DefaultCacheBehavior"], *config["CacheBehaviors"]]
    for b in behaviours:
        assert b["ViewerProtocolPolicy"] == "redirect-to-https"
        assert b["AllowedMethods"] == ["GET", "HEAD"]
        assert b["ResponseHeadersPolicyId"] == {"Ref": "ConsoleResponseHeadersPolicy"}
    assert config["DefaultCacheBehavior"]["CachePolicyId"] == console.CACHING_DISABLED   # index.html, config.json
    assert [(b["PathPattern"], b["CachePolicyId"]) for b in config["CacheBehaviors"]] == [
        ("/assets/*", console.CACHING_OPTIMIZED)]


def directives(csp: str) -> dict[str, list[str]]:
    out = {}
    for part in csp.split(";"):
        name, *values = part.split()
        assert name not in out, name
        out[name] = values
    return out


def test_the_csp_allows_the_consoles_own_code_the_api_cognito_uploads_and_https_images_only(res):
    policy = res["ConsoleResponseHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]
    security = policy["SecurityHeadersConfig"]
    text, variables = security["ContentSecurityPolicy"]["ContentSecurityPolicy"]["Fn::Sub"]
    assert security["ContentSecurityPolicy"]["Override"] is True
    d = directives(text)
    assert d["default-src"] == ["'none'"]
    assert d["script-src"] == ["'self'"] and d["style-src"] == ["'self'"]       # no inline code, no eval
    assert d["img-src"] == ["'self'", "data:", "https:"]                       # tiles, attachment previews
    assert d["connect-src"] == ["'self'", "${Api}", "${Auth}", "${Uploads}"]
    assert variables == {
        "Api": {"Fn::Sub": "https://*.execute-api.${AWS::Region}.${AWS::URLSuffix}"},
        "Auth": {"Fn::Sub": "https://${UserPoolDomain}.auth.${AWS::Region}.amazoncognito.com"},
        "Uploads": {"Fn::Sub": "https://${AttachmentsBucket.RegionalDomainName}"}}
    assert d["frame-ancestors"] == ["'none'"] and d["base-uri"] == ["'none'"] and d["object-src"] == ["'none'"]
    assert not [v for values in d.values() for v in values if "unsafe" in v or v == "*"]
    assert security["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 365 * 24 * 3600
    assert security["FrameOptions"]["FrameOption"] == "DENY" and "ContentTypeOptions" in security
    assert security["ReferrerPolicy"]["ReferrerPolicy"] == "strict-origin-when-cross-origin"


def test_the_app_client_signs_the_console_in_with_the_code_flow_back_to_the_console(res):
    client = res["UserPoolClient"]["Properties"]
    assert client["GenerateSecret"] is False                       # a public client: PKCE, no secret
    assert client["AllowedOAuthFlowsUserPoolClient"] is True
    assert client["AllowedOAuthFlows"] == ["code"]                 # never the implicit flow
    assert client["AllowedOAuthScopes"] == ["openid", "email", "profile"]
    assert client["CallbackURLs"] == client["LogoutURLs"] == [{"Fn::Sub": "https://${ConsoleDistribution.DomainName}/"}]
    assert client["SupportedIdentityProviders"] == ["COGNITO"]
    # the apps' SRP (and outside prod the smoke checks' admin password) stay as they were
    assert "ALLOW_USER_SRP_AUTH" in json.dumps(client["ExplicitAuthFlows"])
    assert res["UserPoolDomain"]["Properties"] == {
        "UserPoolId": {"Ref": "UserPool"}, "Domain": {"Fn::Sub": "lampungin-${Stage}-${AWS::AccountId}"}}


def test_the_api_accepts_the_hosted_uis_id_token_audience():
    """auth.py verifies `aud` against AUTH_AUDIENCE: the ID token of the client the hosted UI uses."""
    from lampungin.deploy.app_settings import app_settings
    assert app_settings()["AUTH_AUDIENCE"] == {"Ref": "UserPoolClient"}
    assert infra.merge_template()["Resources"]["UserPoolClient"]["Properties"]["AllowedOAuthFlows"] == ["code"]


def test_no_function_may_touch_the_console_or_its_distribution():
    """The console's bucket and CloudFront are the deploy tool's (the deployer's credentials),
    never a Lambda's: least privilege, as tests/deploy/test_least_privilege.py checks the rest."""
    from lampungin.deploy import conventions, policy
    for stage in conventions.STAGES:
        for which in conventions.FUNCTIONS:
            text = json.dumps(policy.lambda_policy(stage, which))
            assert "console" not in text and "cloudfront" not in text.lower(), (stage, which)
