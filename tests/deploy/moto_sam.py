"""What moto's CloudFormation lacks for the template SAM makes of sam.json. Test code only, for
the path (b) smoke (test_deploy_smoke_sam.py). SAM's AutoPublishAlias makes a version and an alias
`live` of every function, and everything that calls a function (the stream's and the queues'
mappings, the schedules, the REST API, Cognito) names the alias; moto 5.2 has no
AWS::Lambda::Alias ("No Moto CloudFormation support") and its AWS::Lambda::Version answers no
Fn::GetAtt, so without these its stack cannot make the mappings at all.

* LambdaAlias: made with moto's own Lambda backend (the API's CreateAlias); its Ref is its ARN as
  in AWS; a stack update points it at another version; deleting the stack deletes it.
* A version's `Fn::GetAtt … Version` is its number, as in AWS.
* AWS::ApiGateway::Stage (SAM's `api` stage with its throttling and access log), made with moto's
  CreateStage and UpdateStage as API Gateway would make it.
* A REST API with a `Body` (SAM's, the Swagger 2.0 document with every route and integration) is
  imported as `ImportRestApi` would import it, with chalice_on_moto.py's OpenAPI 3 header (moto's
  stack ignores the Body and wants a `Name`, which API Gateway takes from the Body's title); deleting
  the stack deletes it (moto's leaves it).

Importing this module registers both (moto finds CloudFormation models by subclass, cached)."""
from __future__ import annotations

import json
from typing import Any

from moto.apigateway.models import RestAPI, apigateway_backends
from moto.awslambda.models import LambdaVersion, lambda_backends
from moto.cloudformation import parsing
from moto.core.common_models import CloudFormationModel


class LambdaAlias(CloudFormationModel):
    def __init__(self, alias: Any, function_name: str):
        self.alias, self.function_name = alias, function_name

    @property
    def physical_resource_id(self) -> str:
        return self.alias.arn

    @staticmethod
    def cloudformation_name_type() -> str:
        return "Name"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::Lambda::Alias"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in ("AliasArn",)

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        if attribute_name == "AliasArn":
            return self.alias.arn
        raise NotImplementedError(attribute_name)

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: dict[str, Any],
                                        account_id: str, region_name: str, **kwargs: Any) -> LambdaAlias:
        props = cloudformation_json["Properties"]
        backend = lambda_backends[account_id][region_name]
        function_name = props["FunctionName"].rsplit(":", 1)[-1] if props["FunctionName"].startswith("arn:") \
            else props["FunctionName"]
        alias = backend.create_alias(props["Name"], function_name, str(props["FunctionVersion"]),
                                     props.get("Description", ""), props.get("RoutingConfig"))
        return cls(alias, function_name)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource: Any, new_resource_name: str,
                                        cloudformation_json: dict[str, Any], account_id: str,
                                        region_name: str) -> LambdaAlias:
        props = cloudformation_json["Properties"]
        original_resource.alias.update(props.get("Description"), str(props["FunctionVersion"]),
                                       props.get("RoutingConfig"))
        return original_resource

    def delete(self, account_id: str, region_name: str) -> None:
        """With its function, or before it (the stack deletes in either order)."""
        backend = lambda_backends[account_id][region_name]
        if any(f.function_name == self.function_name for f in backend.list_functions()):
            backend.delete_alias(self.alias.name, self.function_name)

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name: str, cloudformation_json: dict[str, Any],
                                        account_id: str, region_name: str) -> None:
        props = cloudformation_json["Properties"]
        backend = lambda_backends[account_id][region_name]
        backend.delete_alias(props["Name"], props["FunctionName"])


class ApiStage(CloudFormationModel):
    def __init__(self, rest_api_id: str, name: str):
        self.rest_api_id, self.name = rest_api_id, name

    @property
    def physical_resource_id(self) -> str:
        return self.name

    @staticmethod
    def cloudformation_name_type() -> str:
        return "StageName"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::ApiGateway::Stage"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return False

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: dict[str, Any],
                                        account_id: str, region_name: str, **kwargs: Any) -> ApiStage:
        props = cloudformation_json["Properties"]
        backend = apigateway_backends[account_id][region_name]
        api, name = props["RestApiId"], props["StageName"]
        deployment = props["DeploymentId"]          # moto's Deployment has no physical id: its id
        backend.create_stage(api, name, getattr(deployment, "id", deployment), variables=props.get("Variables"),
                             tracing_enabled=props.get("TracingEnabled"))
        operations = []
        for setting in props.get("MethodSettings", []):
            where = f"{setting['ResourcePath'].removeprefix('/') or '*'}/{setting['HttpMethod']}"
            for key, path in (("ThrottlingRateLimit", "throttling/rateLimit"),
                              ("ThrottlingBurstLimit", "throttling/burstLimit")):
                if key in setting:
                    operations.append({"op": "replace", "path": f"/{where}/{path}", "value": str(setting[key])})
        if "AccessLogSetting" in props:
            operations += [{"op": "replace", "path": "/accessLogSettings/destinationArn",
                            "value": props["AccessLogSetting"]["DestinationArn"]},
                           {"op": "replace", "path": "/accessLogSettings/format",
                            "value": props["AccessLogSetting"]["Format"]}]
        if operations:
            backend.update_stage(api, name, operations)
        return cls(api, name)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource: Any, new_resource_name: str,
                                        cloudformation_json: dict[str, Any], account_id: str,
                                        region_name: str) -> ApiStage:
        return original_resource

    def delete(self, account_id: str, region_name: str) -> None:
        """With its REST API, or before it (the stack deletes in either order)."""
        backend = apigateway_backends[account_id][region_name]
        if self.rest_api_id in backend.apis:
            backend.delete_stage(self.rest_api_id, self.name)

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name: str, cloudformation_json: dict[str, Any],
                                        account_id: str, region_name: str) -> None:
        props = cloudformation_json["Properties"]
        apigateway_backends[account_id][region_name].delete_stage(props["RestApiId"], props["StageName"])


def _version_attribute(self: LambdaVersion, attribute_name: str) -> Any:
    if attribute_name == "Version":
        return self.version
    raise NotImplementedError(attribute_name)


def _rest_api_from_body(cls: type[RestAPI], resource_name: str, cloudformation_json: dict[str, Any],
                        account_id: str, region_name: str, **kwargs: Any) -> RestAPI:
    from tests.deploy.chalice_on_moto import as_openapi3

    props = cloudformation_json["Properties"]
    backend = apigateway_backends[account_id][region_name]
    if "Body" not in props:
        return _plain_rest_api(resource_name, cloudformation_json, account_id, region_name, **kwargs)
    params = {"body": json.dumps(props["Body"])}
    as_openapi3(params)
    return backend.import_rest_api(json.loads(params["body"]), fail_on_warnings=False)


def _delete_rest_api(self: RestAPI, account_id: str, region_name: str) -> None:
    apigateway_backends[account_id][region_name].apis.pop(self.id, None)


_plain_rest_api = RestAPI.create_from_cloudformation_json
RestAPI.delete = _delete_rest_api          # type: ignore[attr-defined]
RestAPI.create_from_cloudformation_json = classmethod(_rest_api_from_body)  # type: ignore[method-assign,assignment]
LambdaVersion.get_cfn_attribute = _version_attribute      # type: ignore[attr-defined]
LambdaVersion.has_cfn_attr = classmethod(lambda cls, attr: attr == "Version")  # type: ignore[method-assign,assignment]
parsing.get_model_map.cache_clear()
