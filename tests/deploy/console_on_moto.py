"""The web console's CloudFront part on moto (test code only). moto's CloudFormation skips every
AWS::CloudFront resource and moto has no response headers policies, so the distribution and its
Origin Access Control are made through the CloudFront API from the template's own definition
(CloudFormation's lists become the API's Quantity/Items), and the stack is given their ids as
the outputs the template declares. The response headers policy's id stands in as a literal:
its content is checked in the linted templates (test_console_infra.py)."""
from __future__ import annotations

import copy

from lampungin.deploy import console

CLOUDFRONT = ("AWS::CloudFront::Distribution", "AWS::CloudFront::OriginAccessControl",
              "AWS::CloudFront::ResponseHeadersPolicy")
HEADERS_POLICY_ID = "moto-has-no-response-headers-policies"


def _items(values: list) -> dict:
    return {"Quantity": len(values), "Items": values}


def _behaviour(spec: dict) -> dict:
    out = {k: v for k, v in spec.items() if k not in ("AllowedMethods", "CachedMethods", "ResponseHeadersPolicyId")}
    out["AllowedMethods"] = {**_items(spec["AllowedMethods"]), "CachedMethods": _items(spec["CachedMethods"])}
    out["ResponseHeadersPolicyId"] = HEADERS_POLICY_ID
    return out


def distribution_from_template(session, template: dict, bucket: str, reference: str) -> dict:
    """Makes the OAC and the distribution of `template` for the stage's console `bucket`; takes
    their resources out of the template and returns {"id", "domain", "oac", "config"}."""
    cf = session.client("cloudfront")
    res = template["Resources"]
    oac_spec = copy.deepcopy(res["ConsoleOriginAccessControl"]["Properties"]["OriginAccessControlConfig"])
    oac_spec["Name"] = f"{reference}-console"
    oac = cf.create_origin_access_control(OriginAccessControlConfig=oac_spec)["OriginAccessControl"]["Id"]
    spec = copy.deepcopy(res["ConsoleDistribution"]["Properties"]["DistributionConfig"])
    (origin,) = spec["Origins"]
    assert origin["DomainName"] == {"Fn::GetAtt": ["ConsoleBucket", "RegionalDomainName"]}
    origin["DomainName"] = f"{bucket}.s3.{session.region_name}.amazonaws.com"
    origin["OriginAccessControlId"] = oac
    config = {
        "CallerReference": reference, "Comment": reference, "Enabled": spec["Enabled"],
        "DefaultRootObject": spec["DefaultRootObject"], "PriceClass": spec["PriceClass"],
        "HttpVersion": spec["HttpVersion"], "IsIPV6Enabled": spec["IPV6Enabled"],
        "Origins": _items([origin]),
        "DefaultCacheBehavior": _behaviour(spec["DefaultCacheBehavior"]),
        "CacheBehaviors": _items([_behaviour(b) for b in spec["CacheBehaviors"]]),
        "ViewerCertificate": spec["ViewerCertificate"],
    }
    made = cf.create_distribution(DistributionConfig=config)["Distribution"]
    for name in [k for k, v in res.items() if v["Type"] in CLOUDFRONT]:
        del res[name]
    return {"id": made["Id"], "domain": made["DomainName"], "oac": oac, "config": config}


def give_outputs(template: dict, made: dict) -> None:
    """The template's console outputs that name the distribution, as literals."""
    outputs = template["Outputs"]
    assert outputs["ConsoleDistributionId"]["Value"] == {"Ref": "ConsoleDistribution"}
    outputs["ConsoleDistributionId"]["Value"] = made["id"]
    assert outputs["ConsoleUrl"]["Value"] == {"Fn::Sub": console.CONSOLE_URL}
    outputs["ConsoleUrl"]["Value"] = f"https://{made['domain']}"


def assert_distribution(session, made: dict, bucket: str) -> None:
    """The deployed distribution reads the stage's console bucket through OAC, HTTPS only, with
    the assets cached and the rest not (moto does not keep an origin's OAC id: the one sent is
    checked, and that it names the OAC made)."""
    cf = session.client("cloudfront")
    got = cf.get_distribution(Id=made["id"])["Distribution"]["DistributionConfig"]
    (origin,) = got["Origins"]["Items"]
    assert origin["DomainName"].startswith(f"{bucket}.s3.")
    assert made["config"]["Origins"]["Items"][0]["OriginAccessControlId"] == made["oac"]
    oac = cf.get_origin_access_control(Id=made["oac"])["OriginAccessControl"]["OriginAccessControlConfig"]
    assert (oac["OriginAccessControlOriginType"], oac["SigningBehavior"]) == ("s3", "always")
    assert got["DefaultRootObject"] == "index.html"
    assert got["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    assert got["DefaultCacheBehavior"]["CachePolicyId"] == console.CACHING_DISABLED
    (assets,) = got["CacheBehaviors"]["Items"]
    assert (assets["PathPattern"], assets["CachePolicyId"]) == ("/assets/*", console.CACHING_OPTIMIZED)
