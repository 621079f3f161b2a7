"""`chalice_deploy api-settings` (deployment path a), on moto in-process: it refuses a REST API
that a plain `chalice deploy` made (no ANY methods: other methods would get API Gateway's 403, not
the app's 405) and sets the stage's throttling once."""
from __future__ import annotations

import pytest

from lampungin.deploy import chalice_deploy, conventions


@pytest.fixture
def apigateway(monkeypatch):
    import boto3
    from moto import mock_aws

    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_DEFAULT_REGION": "ap-southeast-3"}.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    with mock_aws():
        yield boto3.client("apigateway", region_name="ap-southeast-3")


def rest_api_with(client, methods: list[str]) -> str:
    api = client.create_rest_api(name="lampungin")["id"]
    root = client.get_resources(restApiId=api)["items"][0]["id"]
    res = client.create_resource(restApiId=api, parentId=root, pathPart="health")["id"]
    for method in methods:
        client.put_method(restApiId=api, resourceId=res, httpMethod=method, authorizationType="NONE")
        client.put_integration(restApiId=api, resourceId=res, httpMethod=method, type="MOCK")
    client.create_deployment(restApiId=api, stageName="api")
    return api


def test_a_rest_api_without_any_methods_is_refused_with_what_to_do(apigateway):
    api = rest_api_with(apigateway, ["GET", "OPTIONS"])
    with pytest.raises(chalice_deploy.DeployError, match=r"/health.*tools/deploy --stage dev"):
        chalice_deploy.apply_api_settings(apigateway, "dev", api, "api")


def test_the_stage_throttling_is_set_once(apigateway):
    api = rest_api_with(apigateway, ["GET", "ANY", "OPTIONS"])
    first = chalice_deploy.apply_api_settings(apigateway, "prod", api, "api")
    assert first["changed"] == ["/*/*/throttling/rateLimit", "/*/*/throttling/burstLimit"]
    settings = apigateway.get_stage(restApiId=api, stageName="api")["methodSettings"]["*/*"]
    wanted = conventions.API_THROTTLING["prod"]
    assert (settings["throttlingRateLimit"], settings["throttlingBurstLimit"]) == (wanted["rate"], wanted["burst"])
    assert chalice_deploy.apply_api_settings(apigateway, "prod", api, "api")["changed"] == []


def test_the_access_log_goes_to_the_stacks_group_once(apigateway):
    api = rest_api_with(apigateway, ["GET", "ANY", "OPTIONS"])
    arn = "arn:aws:logs:ap-southeast-3:123456789012:log-group:/aws/apigateway/lampungin-prod-access:*"
    first = chalice_deploy.apply_api_settings(apigateway, "prod", api, "api", arn)
    assert first["changed"][-2:] == ["/accessLogSettings/destinationArn", "/accessLogSettings/format"]
    logged = apigateway.get_stage(restApiId=api, stageName="api")["accessLogSettings"]
    assert logged == {"destinationArn": arn.removesuffix(":*"), "format": conventions.ACCESS_LOG_FORMAT}
    assert chalice_deploy.apply_api_settings(apigateway, "prod", api, "api", arn)["changed"] == []
    # a stack without the group (made before it existed) changes no logging
    assert chalice_deploy.access_log_operations({}, None) == []


def test_the_rest_api_is_read_from_chalices_deployed_record(tmp_path):
    with pytest.raises(chalice_deploy.DeployError, match="chalice deploy"):
        chalice_deploy.deployed_rest_api("dev", tmp_path)
    (tmp_path / ".chalice" / "deployed").mkdir(parents=True)
    (tmp_path / ".chalice" / "deployed" / "dev.json").write_text(
        '{"resources": [{"name": "rest_api", "resource_type": "rest_api", "rest_api_id": "abc"}]}')
    assert chalice_deploy.deployed_rest_api("dev", tmp_path)["rest_api_id"] == "abc"


def web_acl_from_template(stage: str) -> dict:
    """infra/stack.json's web ACL as its properties resolve for `stage`, in WAFv2's API shape."""
    import json

    from lampungin.deploy import infra
    from tests.deploy.cfn import Resolver

    template = infra.stack_template()
    resolve = Resolver({"Stage": stage})
    props = template["Resources"]["ApiWebAcl"]["Properties"]
    rule = props["Rules"][0]
    limit = template["Mappings"]["StageSettings"][stage]["ApiIpLimitPerMinute"]
    rule = {**rule, "Statement": {"RateBasedStatement": {**rule["Statement"]["RateBasedStatement"],
                                                         "Limit": limit}}}     # the FindInMap, resolved
    resolved = resolve({k: v for k, v in props.items() if k not in ("Rules", "Tags")})
    return {**resolved, "Rules": [resolve(rule)], "_body": json.loads(props["CustomResponseBodies"][
        "too-many-requests"]["Content"])}


def test_the_stage_goes_behind_the_stacks_web_acl_once(apigateway):
    import boto3

    api = rest_api_with(apigateway, ["GET", "ANY", "OPTIONS"])
    spec = web_acl_from_template("prod")
    body = spec.pop("_body")
    waf = boto3.client("wafv2", region_name="ap-southeast-3")
    acl = waf.create_web_acl(**spec)["Summary"]["ARN"]
    first = chalice_deploy.apply_api_settings(apigateway, "prod", api, "api", None, waf, acl)
    assert first["changed"][-1] == "web-acl"
    resource = chalice_deploy.stage_arn(acl, "ap-southeast-3", api, "api")
    assert waf.get_web_acl_for_resource(ResourceArn=resource)["WebACL"]["ARN"] == acl
    assert chalice_deploy.apply_api_settings(apigateway, "prod", api, "api", None, waf, acl)["changed"] == []
    # what WAF answers past the limit: 429 in the contract's shape, per source IP per minute
    (rule,) = spec["Rules"]
    assert rule["Statement"]["RateBasedStatement"] == {
        "Limit": conventions.API_IP_LIMIT_PER_MINUTE["prod"], "EvaluationWindowSec": 60, "AggregateKeyType": "IP"}
    assert rule["Action"]["Block"]["CustomResponse"]["ResponseCode"] == 429
    assert body["error"]["code"] == "too_many_requests" and body["error"]["message"]
    # a stack without a web ACL (made before it existed) changes nothing
    assert chalice_deploy.apply_firewall(waf, None, resource) is False
