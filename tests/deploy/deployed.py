"""The deployed functions' own code answering a real request, on moto, in both deployment paths
(test_deploy_smoke.py: path (a), `chalice deploy`; test_deploy_smoke_sam.py: path (b), one
CloudFormation stack). Test code only.

`file_track_and_stream`: the API function's deployed code, with its deployed environment, files a
citizen's complaint into the stage's tables (a Cognito ID token, checked against the pool's keys),
refuses it without a token and tracks it without one; the stream function's deployed code then
takes the records the complaints table's stream (KEYS_ONLY) holds for what was written and starts
the complaint's clock. How it runs without Docker: run_deployed.py. The one change to the
environment: the pool's JWKS address names moto's server instead of
cognito-idp.<region>.amazonaws.com (the same path)."""
from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

from lampungin.deploy import conventions

PASSED_THROUGH = ("PATH", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_ENDPOINT_URL",
                  "AWS_ACCOUNT_ID_ENDPOINT_MODE")


def deployed_code(session, shell_env: dict, name: str, log_group: str, tmp: Path) -> tuple[Path, dict]:
    """The zip moto holds for `<name>:live` unpacked into `tmp`, and the environment Lambda would
    give it: its deployed variables, its name and version, AWS pointed at moto."""
    from moto.awslambda.models import lambda_backends

    config = session.client("lambda").get_function_configuration(FunctionName=name, Qualifier=conventions.LIVE_ALIAS)
    held = lambda_backends["123456789012"][session.region_name].get_function(name, conventions.LIVE_ALIAS)
    with zipfile.ZipFile(io.BytesIO(held.code_bytes)) as z:
        z.extractall(tmp)
    env = {key: shell_env[key] for key in PASSED_THROUGH}
    env.update(config["Environment"]["Variables"], AWS_REGION=session.region_name,
               AWS_DEFAULT_REGION=session.region_name, AWS_LAMBDA_FUNCTION_NAME=name,
               _HANDLER=config["Handler"],               # as Lambda sets it (app.py reads it)
               AWS_LAMBDA_FUNCTION_VERSION=config["Version"], SMOKE_FUNCTION_ARN=config["FunctionArn"],
               AWS_LAMBDA_FUNCTION_MEMORY_SIZE=str(config["MemorySize"]), AWS_LAMBDA_LOG_GROUP_NAME=log_group)
    return tmp, {"env": env, "handler": config["Handler"]}


def invoke_deployed(code: Path, how: dict, *events: dict) -> list:
    proc = subprocess.run([sys.executable, str(Path(__file__).with_name("run_deployed.py")), str(code),
                           how["handler"]], input="".join(json.dumps(e) + "\n" for e in events),
                          env=how["env"], capture_output=True, text=True, timeout=120, cwd=code)
    assert proc.returncode == 0, proc.stderr
    imported, *answers = (json.loads(line.removeprefix("ANSWER ")) for line in proc.stdout.splitlines()
                          if line.startswith("ANSWER "))
    assert Path(imported["imported"]).is_relative_to(code)
    return answers


def api_request(method: str, path: str, resource: str | None = None, token: str | None = None,
                body: dict | None = None, params: dict | None = None, path_params: dict | None = None) -> dict:
    """An API Gateway REST proxy event as the stage `api` sends it to the API function."""
    headers = {"Host": "abc123.execute-api.ap-southeast-3.amazonaws.com", "Accept-Language": "id"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if body is not None:
        headers["Content-Type"] = "application/json"
    return {"resource": resource or path, "path": path, "httpMethod": method, "headers": headers,
            "multiValueHeaders": {k: [v] for k, v in headers.items()},
            "queryStringParameters": params, "pathParameters": path_params,
            "multiValueQueryStringParameters": {k: [v] for k, v in params.items()} if params else None,
            "stageVariables": None, "isBase64Encoded": False,
            "body": json.dumps(body) if body is not None else None,
            "requestContext": {"resourcePath": resource or path, "httpMethod": method, "stage": "api",
                               "path": f"/api{path}", "requestId": "smoke", "accountId": "123456789012",
                               "domainName": headers["Host"], "identity": {"sourceIp": "203.0.113.7"}}}


def citizen_token(session, pool: str, client_id: str) -> str:
    """A citizen of the stage's user pool, signed in: an ID token signed by (moto's) Cognito.
    (Admin sign-in is for the test's brevity: moto does not check the client's auth flows, and
    prod's client allows only SRP, as test_infra.py checks.)"""
    idp = session.client("cognito-idp")
    user, password = "warga@example.id", "Rahasia-Lampung-2026"
    idp.admin_create_user(UserPoolId=pool, Username=user, MessageAction="SUPPRESS",
                          UserAttributes=[{"Name": "email", "Value": user}])
    idp.admin_set_user_password(UserPoolId=pool, Username=user, Password=password, Permanent=True)
    idp.admin_add_user_to_group(UserPoolId=pool, Username=user, GroupName="citizen")
    auth = idp.admin_initiate_auth(UserPoolId=pool, ClientId=client_id, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                                   AuthParameters={"USERNAME": user, "PASSWORD": password})
    return auth["AuthenticationResult"]["IdToken"]


def file_track_and_stream(session, shell_env: dict, outputs: dict, prefix: str, *, api: tuple[str, str],
                          stream: tuple[str, str], tmp: Path) -> dict:
    """See the module docstring. `api` and `stream`: (function name, log group). Returns the
    complaint as filed."""
    api_code, api_fn = deployed_code(session, shell_env, *api, tmp / "api")
    assert api_fn["env"]["AUTH_JWKS_URL"] == f"{outputs['AuthIssuer']}/.well-known/jwks.json"
    assert api_fn["env"]["AUTH_AUDIENCE"] == outputs["UserPoolClientId"]
    api_fn["env"]["AUTH_JWKS_URL"] = f"{shell_env['AWS_ENDPOINT_URL']}/{outputs['UserPoolId']}/.well-known/jwks.json"
    token = citizen_token(session, outputs["UserPoolId"], outputs["UserPoolClientId"])
    (categories,) = invoke_deployed(api_code, api_fn, api_request("GET", "/v1/categories"))
    assert categories["statusCode"] == 200, categories
    category = json.loads(categories["body"])[0]["code"]
    filed, anonymous = invoke_deployed(api_code, api_fn, api_request(
        "POST", "/v1/complaints", token=token, body={
            "category": category, "title": "Izin usaha belum terbit",
            "description": "Sudah tiga bulan menunggu izin usaha."}),
        api_request("POST", "/v1/complaints", body={"category": category, "title": "x", "description": "y"}))
    assert filed["statusCode"] == 201, filed
    complaint = json.loads(filed["body"])
    assert complaint["status"] == "assigned" and complaint["opd"]
    assert anonymous["statusCode"] == 401 and json.loads(anonymous["body"])["error"]["code"]
    (tracked,) = invoke_deployed(api_code, api_fn, api_request(
        "GET", f"/v1/track/{complaint['id']}", resource="/v1/track/{complaint_id}",
        path_params={"complaint_id": complaint["id"]}))
    assert tracked["statusCode"] == 200, tracked
    assert json.loads(tracked["body"])["status"] == "assigned"

    # the records the stream carries for what the request wrote: KEYS_ONLY, so a key each (moto
    # hands its stream records to its own Docker-based invoke of the mapped function and drops
    # them, so they are made here from the items' keys, in the shape Lambda delivers them)
    ddb = session.client("dynamodb")
    described = ddb.describe_table(TableName=f"{prefix}complaints")["Table"]
    assert described["StreamSpecification"]["StreamViewType"] == "KEYS_ONLY"
    assert described["LatestStreamArn"] == outputs["ComplaintsStreamArn"]
    key_names = [k["AttributeName"] for k in described["KeySchema"]]
    items = ddb.scan(TableName=f"{prefix}complaints")["Items"]
    assert items and any(complaint["id"] in json.dumps(item) for item in items)
    records = [{"eventID": f"smoke-{n}", "eventName": "INSERT", "eventVersion": "1.1",
                "eventSource": "aws:dynamodb", "awsRegion": session.region_name,
                "eventSourceARN": outputs["ComplaintsStreamArn"],
                "dynamodb": {"Keys": {k: item[k] for k in key_names}, "SequenceNumber": str(100 + n),
                             "SizeBytes": 100, "StreamViewType": "KEYS_ONLY"}}
               for n, item in enumerate(items)]
    stream_code, stream_fn = deployed_code(session, shell_env, *stream, tmp / "stream")
    (result,) = invoke_deployed(stream_code, stream_fn, {"Records": records})
    assert result == {"batchItemFailures": []}
    clocks = ddb.scan(TableName=f"{prefix}clocks")["Items"]
    assert any(complaint["id"] in json.dumps(item) for item in clocks)
    return complaint
