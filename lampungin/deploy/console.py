"""The web console's hosting (issue 17): a private S3 bucket of the built assets (`web/dist/`)
read by one CloudFront distribution through Origin Access Control, HTTPS only, with security
headers (a Content-Security-Policy naming exactly what the console reaches) and the cache split
by what changes: `/assets/*` (content-hashed names) cached long, everything else (`index.html`,
`config.json`) never. The user pool's hosted UI domain lives beside the pool (resources.py).

The console calls the API on API Gateway's own URL (CORS), not through CloudFront: docs/deploy.md
says why. `lampungin/deploy/web.py` uploads the assets and writes `config.json`.
"""
from __future__ import annotations

from .conventions import APP_NAME, sub
from .resources import STAGE_TAGS, private_bucket, tls_only_policy

# CloudFront's managed cache policies (AWS-owned ids, the same in every account)
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"   # honours the object's Cache-Control, up to a year
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"     # every request reaches S3
ASSETS_PATH = "/assets/*"
ORIGIN_ID = "console-bucket"
HSTS_SECONDS = 2 * 365 * 24 * 3600

# The API's origin in the CSP is API Gateway's regional host, not the one API: path (a)'s REST API
# is made by `chalice deploy` after the stack, and in path (b) naming it would be a cycle (the
# API's functions name the app client, whose callback is this distribution, whose headers would
# name the API).
API_ORIGIN = "https://*.execute-api.${AWS::Region}.${AWS::URLSuffix}"
AUTH_ORIGIN = "https://${UserPoolDomain}.auth.${AWS::Region}.amazoncognito.com"
CONSOLE_URL = "https://${ConsoleDistribution.DomainName}"

# What the console loads and calls, and nothing else: its own scripts and styles (no inline code),
# images from itself, data: (the empty favicon) and https: (map tiles, attachment downloads from
# presigned S3 URLs), fetches to the API, Cognito's token endpoint and the attachments bucket
# (presigned POST uploads). ${Api}, ${Auth} and ${Uploads} are origins.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
       "font-src 'self'; manifest-src 'self'; connect-src 'self' ${Api} ${Auth} ${Uploads}; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'; object-src 'none'")


def content_security_policy() -> dict:
    return {"Fn::Sub": [CSP, {"Api": sub(API_ORIGIN), "Auth": sub(AUTH_ORIGIN),
                              "Uploads": sub("https://${AttachmentsBucket.RegionalDomainName}")}]}


def console_hosting() -> dict:
    """The bucket, its policy, the Origin Access Control, the response headers policy and the
    distribution."""
    tags = STAGE_TAGS
    return {
        # SSE-S3: CloudFront's OAC reads SSE-KMS objects only with a key policy for it; these are
        # public assets, encrypted at rest all the same
        "ConsoleBucket": private_bucket("console", {"ServerSideEncryptionConfiguration": [
            {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}, [
            {"Id": "old-builds", "Status": "Enabled", "NoncurrentVersionExpiration": {"NoncurrentDays": 30}}]),
        "ConsoleBucketPolicy": tls_only_policy("ConsoleBucket", {
            "Sid": "ThisDistributionReads", "Effect": "Allow",
            "Principal": {"Service": "cloudfront.amazonaws.com"}, "Action": "s3:GetObject",
            "Resource": sub("${ConsoleBucket.Arn}/*"),
            "Condition": {"StringEquals": {"AWS:SourceArn": sub(
                "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${ConsoleDistribution}")}}}),
        "ConsoleOriginAccessControl": {
            "Type": "AWS::CloudFront::OriginAccessControl",
            "Properties": {"OriginAccessControlConfig": {
                "Name": sub(f"{APP_NAME}-${{Stage}}-console"),
                "Description": "the console's distribution reads its bucket, signed (SigV4)",
                "OriginAccessControlOriginType": "s3", "SigningBehavior": "always", "SigningProtocol": "sigv4"}},
        },
        "ConsoleResponseHeadersPolicy": {
            "Type": "AWS::CloudFront::ResponseHeadersPolicy",
            "Properties": {"ResponseHeadersPolicyConfig": {
                "Name": sub(f"{APP_NAME}-${{Stage}}-console"),
                "Comment": "Lampung In console: security headers (docs/deploy.md)",
                "SecurityHeadersConfig": {
                    "ContentSecurityPolicy": {"ContentSecurityPolicy": content_security_policy(),
                                              "Override": True},
                    "StrictTransportSecurity": {"AccessControlMaxAgeSec": HSTS_SECONDS,
                                                "IncludeSubdomains": True, "Override": True},
                    "ContentTypeOptions": {"Override": True},
                    "FrameOptions": {"FrameOption": "DENY", "Override": True},
                    # the sign-in's ?code= never leaves in a Referer (tiles, uploads)
                    "ReferrerPolicy": {"ReferrerPolicy": "strict-origin-when-cross-origin", "Override": True},
                },
                "CustomHeadersConfig": {"Items": [
                    {"Header": "Permissions-Policy", "Value": "geolocation=(self), camera=(), microphone=()",
                     "Override": True},
                    {"Header": "Cross-Origin-Opener-Policy", "Value": "same-origin", "Override": True}]},
            }},
        },
        "ConsoleDistribution": {
            "Type": "AWS::CloudFront::Distribution",
            "Properties": {"DistributionConfig": {
                "Comment": sub(f"{APP_NAME}-${{Stage}} web console"),
                "Enabled": True, "HttpVersion": "http2and3", "IPV6Enabled": True,
                "PriceClass": "PriceClass_200",          # includes the edges in Indonesia
                "DefaultRootObject": "index.html",
                "Origins": [{
                    "Id": ORIGIN_ID, "DomainName": {"Fn::GetAtt": ["ConsoleBucket", "RegionalDomainName"]},
                    "OriginAccessControlId": {"Fn::GetAtt": ["ConsoleOriginAccessControl", "Id"]},
                    "S3OriginConfig": {"OriginAccessIdentity": ""}}],
                # index.html, config.json and the rest: never cached, so a deploy shows at once
                "DefaultCacheBehavior": {
                    "TargetOriginId": ORIGIN_ID, "ViewerProtocolPolicy": "redirect-to-https",
                    "AllowedMethods": ["GET", "HEAD"], "CachedMethods": ["GET", "HEAD"], "Compress": True,
                    "CachePolicyId": CACHING_DISABLED,
                    "ResponseHeadersPolicyId": {"Ref": "ConsoleResponseHeadersPolicy"}},
                # content-hashed file names: cached as long as their Cache-Control says (a year)
                "CacheBehaviors": [{
                    "PathPattern": ASSETS_PATH,
                    "TargetOriginId": ORIGIN_ID, "ViewerProtocolPolicy": "redirect-to-https",
                    "AllowedMethods": ["GET", "HEAD"], "CachedMethods": ["GET", "HEAD"], "Compress": True,
                    "CachePolicyId": CACHING_OPTIMIZED,
                    "ResponseHeadersPolicyId": {"Ref": "ConsoleResponseHeadersPolicy"}}],
                "ViewerCertificate": {"CloudFrontDefaultCertificate": True},
            }, "Tags": tags},
        },
    }


def console_outputs() -> dict:
    return {
        "ConsoleUrl": {"Description": "the web console (lampungin/deploy/web.py deploys it)",
                       "Value": sub(CONSOLE_URL)},
        "ConsoleBucketName": {"Description": "the console's assets (private; CloudFront reads them)",
                              "Value": {"Ref": "ConsoleBucket"}},
        "ConsoleDistributionId": {"Value": {"Ref": "ConsoleDistribution"}},
        "AuthDomain": {"Description": "the user pool's hosted UI (sign-in of the console)", "Value": sub(AUTH_ORIGIN)},
    }
