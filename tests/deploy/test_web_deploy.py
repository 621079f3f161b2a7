"""GIVEN a stage's console bucket (the template's own, made by moto's CloudFormation) and its
distribution (console_on_moto.py), WHEN DevOps run `python -m lampungin.deploy.web --stage dev`
THEN every file of the build is in the bucket with its Content-Type and Cache-Control, config.json
says where the API and the hosted UI are, CloudFront forgets index.html and config.json; a second
run uploads and invalidates nothing; a new build uploads only what changed."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from lampungin.deploy import web
from tests.deploy import console_on_moto

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore:Tried to parse:UserWarning")]
ROOT = Path(__file__).resolve().parents[2]
STACK = "lampungin-dev-infra"
API = "https://abc123.execute-api.ap-southeast-3.amazonaws.com/api/"
AUTH = "https://lampungin-dev-123456789012.auth.ap-southeast-3.amazoncognito.com"


def build(dist: Path, version: str) -> None:
    (dist / "assets").mkdir(parents=True, exist_ok=True)
    (dist / "index.html").write_text(f'<!doctype html><script type="module" src="/assets/index-{version}.js"></script>'
                                     f'<link rel="stylesheet" href="/assets/index-{version}.css">')
    (dist / "assets" / f"index-{version}.js").write_text(f"console.log('{version}')")
    (dist / "assets" / f"index-{version}.css").write_text("body { margin: 0 }")
    (dist / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")


@pytest.fixture(scope="module")
def world(aws_env, tmp_path_factory):
    import boto3

    session = boto3.session.Session()
    template = json.loads((ROOT / "infra" / "stack.json").read_text())
    bucket_spec = template["Resources"]["ConsoleBucket"]
    made = console_on_moto.distribution_from_template(
        session, template, f"lampungin-dev-console-123456789012-{session.region_name}", "web-deploy-test")
    console_on_moto.give_outputs(template, made)
    outputs = {k: template["Outputs"][k] for k in ("ConsoleUrl", "ConsoleDistributionId", "ConsoleBucketName")}
    outputs.update({"AuthDomain": {"Value": AUTH}, "UserPoolClientId": {"Value": "client-of-the-pool"},
                    "EndpointURL": {"Value": API}})
    small = {"Parameters": {"Stage": {"Type": "String"}}, "Resources": {"ConsoleBucket": bucket_spec},
             "Outputs": outputs}
    session.client("cloudformation").create_stack(StackName=STACK, TemplateBody=json.dumps(small),
                                                  Parameters=[{"ParameterKey": "Stage", "ParameterValue": "dev"}])
    dist = tmp_path_factory.mktemp("dist")
    build(dist, "aaa111")
    first = web.deploy_web(session, "dev", STACK, dist=dist)
    return {"session": session, "dist": dist, "first": first, "made": made,
            "bucket": first["bucket"], "s3": session.client("s3"), "cf": session.client("cloudfront")}


def test_the_stacks_bucket_and_distribution_are_the_consoles(world):
    assert world["bucket"].startswith("lampungin-dev-console-")
    console_on_moto.assert_distribution(world["session"], world["made"], world["bucket"])
    assert world["first"]["url"] == f"https://{world['made']['domain']}"


def test_every_file_is_uploaded_with_its_type_and_cache_control_index_last(world):
    first, s3, bucket = world["first"], world["s3"], world["bucket"]
    assert first["uploaded"] == ["assets/index-aaa111.css", "assets/index-aaa111.js", "config.json",
                                 "logo.svg", "index.html"]
    assert first["unchanged"] == 0
    expected = {"index.html": ("text/html; charset=utf-8", "no-cache"),
                "config.json": ("application/json", "no-cache"),
                "logo.svg": ("image/svg+xml", "no-cache"),
                "assets/index-aaa111.js": ("text/javascript; charset=utf-8", "public, max-age=31536000, immutable"),
                "assets/index-aaa111.css": ("text/css; charset=utf-8", "public, max-age=31536000, immutable")}
    for key, (ctype, cache) in expected.items():
        head = s3.head_object(Bucket=bucket, Key=key)
        assert (head["ContentType"], head["CacheControl"]) == (ctype, cache), key
    body = s3.get_object(Bucket=bucket, Key="index.html")["Body"].read()
    assert body == (world["dist"] / "index.html").read_bytes()


def test_config_json_says_where_the_api_and_the_hosted_ui_are(world):
    body = json.loads(world["s3"].get_object(Bucket=world["bucket"], Key="config.json")["Body"].read())
    assert body == {
        "api_base": API.rstrip("/"), "map_tiles": None,
        "sign_in": {"kind": "cognito", "domain": AUTH, "client_id": "client-of-the-pool",
                    "redirect_uri": f"https://{world['made']['domain']}/", "scopes": ["openid", "email", "profile"]}}


def test_cloudfront_forgets_index_and_config_once(world):
    cf, dist_id = world["cf"], world["made"]["id"]
    invalidation = cf.get_invalidation(DistributionId=dist_id, Id=world["first"]["invalidation"])["Invalidation"]
    assert sorted(invalidation["InvalidationBatch"]["Paths"]["Items"]) == ["/", "/config.json", "/index.html"]


def test_a_second_run_uploads_and_invalidates_nothing_and_a_new_build_only_what_changed(world, tmp_path):
    session, cf, dist_id = world["session"], world["cf"], world["made"]["id"]
    before = cf.list_invalidations(DistributionId=dist_id)["InvalidationList"].get("Quantity", 0)
    again = web.deploy_web(session, "dev", STACK, dist=world["dist"])
    assert (again["uploaded"], again["invalidation"], again["unchanged"]) == ([], None, 5)
    assert cf.list_invalidations(DistributionId=dist_id)["InvalidationList"].get("Quantity", 0) == before
    # a changed header alone is uploaded again (someone fixed a type by hand, say)
    s3, bucket = world["s3"], world["bucket"]
    s3.copy_object(Bucket=bucket, Key="logo.svg", CopySource={"Bucket": bucket, "Key": "logo.svg"},
                   MetadataDirective="REPLACE", ContentType="text/plain", CacheControl="no-cache")
    assert web.deploy_web(session, "dev", STACK, dist=world["dist"])["uploaded"] == ["logo.svg"]
    # a new build: its new assets and index.html; the old assets stay for open tabs
    build(world["dist"], "bbb222")
    (world["dist"] / "assets" / "index-aaa111.js").unlink()
    newer = web.deploy_web(session, "dev", STACK, dist=world["dist"])
    assert newer["uploaded"] == ["assets/index-bbb222.css", "assets/index-bbb222.js", "index.html"]
    assert newer["invalidation"]
    world["s3"].head_object(Bucket=world["bucket"], Key="assets/index-aaa111.js")
    # a new API URL: only config.json, and CloudFront forgets it
    moved = web.deploy_web(session, "dev", STACK, dist=world["dist"], api_url="https://other.example.go.id/api")
    assert moved["uploaded"] == ["config.json"] and moved["invalidation"]
    assert moved["config"]["api_base"] == "https://other.example.go.id/api"


def test_the_command_says_what_it_did_and_refuses_a_missing_build_in_the_readers_language(world, tmp_path,
                                                                                          capsys, monkeypatch):
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "id_ID.UTF-8")
    # back to the stack's API (the test before moved it), then nothing to do
    assert web.main(["--stage", "dev", "--dist", str(world["dist"])]) == 0
    assert json.loads(capsys.readouterr().out)["uploaded"] == ["config.json"]
    assert web.main(["--stage", "dev", "--dist", str(world["dist"])]) == 0
    assert json.loads(capsys.readouterr().out)["uploaded"] == []
    assert web.main(["--stage", "dev", "--dist", str(tmp_path / "nothing")]) == 1
    assert "jalankan `make web` dulu" in capsys.readouterr().err
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert web.main(["--stage", "dev", "--dist", str(tmp_path / "nothing")]) == 1
    assert "run `make web` first" in capsys.readouterr().err
    assert web.main(["--stage", "dev", "--api-url", "http://plain.example"]) == 1
    assert "--api-url must be an https:// URL" in capsys.readouterr().err
    assert web.main(["--stage", "dev", "--stack", "no-such-stack"]) == 1
    assert "no-such-stack" in capsys.readouterr().err


def test_files_of_takes_the_build_and_its_own_config(tmp_path):
    build(tmp_path, "ccc333")
    (tmp_path / "config.json").write_text('{"sign_in": {"kind": "local"}}')      # a dev build's, say
    files = web.files_of(tmp_path, {"api_base": "x"})
    assert json.loads(files["config.json"]) == {"api_base": "x"}
    assert web.upload_order(files)[-1] == "index.html"
