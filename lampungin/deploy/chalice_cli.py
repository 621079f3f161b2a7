"""`chalice` as deployment path (a) runs it: Chalice's own CLI, with the REST API's answers in the
contract's shape added to the Swagger document it sends (gateway.py).

    .venv/bin/python -m lampungin.deploy.chalice_cli --project-dir . deploy --stage dev

Chalice 1.34 has no setting for API Gateway's gateway responses or an ANY method, and builds the
REST API from a Swagger document it sends with `ImportRestApi` (first deploy) and `PutRestApi`
(mode overwrite, every later deploy): whatever is not in that document is gone after a redeploy.
So the document itself gets them, through botocore's public event hooks (`before-parameter-build`),
on every deploy: the API's gateway responses and its ANY methods always come with the routes they
belong to, in the same deployment. The same hooks point the API's integrations and the rules'
targets (schedules, the bucket's events) at each function's alias `live`, so Chalice's update of
a function's code reaches no caller until `chalice_deploy release` moves the alias (release.py);
and a mapping the release moved onto the alias is shown to Chalice as on its function, else
Chalice would make a second one beside it.
`chalice_deploy all` (tools/deploy) runs Chalice this way; a plain `chalice deploy` would leave
API Gateway's defaults (and `chalice_deploy api-settings` then refuses the stage, saying so).

The functions' secrets come the same way: `chalice_deploy deploy` puts them (read from Secrets
Manager) into this process's environment as $LAMPUNGIN_FUNCTION_SECRETS, {function name:
{setting: value}}; each CreateFunction and UpdateFunctionConfiguration Chalice sends for one of
those functions gets them added to its environment. They never touch a file: not
.chalice/config.json, not the deployed state (which records no environment).
"""
from __future__ import annotations

import json
import os
import sys

from .gateway import extend_swagger
from .release import qualify_swagger, qualify_targets, unqualify_mapping

OPERATIONS = ("ImportRestApi", "PutRestApi")
FUNCTION_OPERATIONS = ("CreateFunction", "UpdateFunctionConfiguration")
SECRETS_ENV = "LAMPUNGIN_FUNCTION_SECRETS"        # chalice_deploy.SECRETS_ENV


def extend_body(params, **_) -> None:
    """botocore `before-parameter-build` handler: the Swagger body, extended, its integrations
    invoking each function's alias `live` (release.py) (idempotent)."""
    raw = params.get("body")
    if raw is None:
        return
    doc = json.loads(raw)
    if isinstance(doc, dict) and isinstance(doc.get("paths"), dict):
        params["body"] = json.dumps(qualify_swagger(extend_swagger(doc))).encode()


def secrets_adder(secrets: dict[str, dict[str, str]]):
    """botocore `before-parameter-build` handler: a function's secrets into the environment
    Chalice sends it (nothing for the functions that read none)."""
    def add_secrets(params, **_) -> None:
        own = secrets.get(str(params.get("FunctionName", "")))
        if not own:
            return
        variables = params.setdefault("Environment", {}).setdefault("Variables", {})
        variables.update(own)
    return add_secrets


def install() -> None:
    """Every botocore session Chalice's CLI creates registers `extend_body` (and, given
    $LAMPUNGIN_FUNCTION_SECRETS, the functions' secrets)."""
    # lazy: chalice's CLI (click, the deployer) is deploy-time only, never imported by the app
    from chalice.cli import factory

    original = factory.create_botocore_session
    secrets = json.loads(os.environ.pop(SECRETS_ENV, "") or "{}")

    def create_botocore_session(*args, **kwargs):
        session = original(*args, **kwargs)
        for op in OPERATIONS:
            session.register(f"before-parameter-build.api-gateway.{op}", extend_body)
        session.register("before-parameter-build.events.PutTargets", qualify_targets)
        session.register("after-call.lambda.GetEventSourceMapping", unqualify_mapping)
        if secrets:
            for op in FUNCTION_OPERATIONS:
                session.register(f"before-parameter-build.lambda.{op}", secrets_adder(secrets))
        return session

    factory.create_botocore_session = create_botocore_session


def main(argv: list[str] | None = None) -> int:
    install()
    # lazy: as above
    from chalice.cli import main as chalice_main

    if argv is not None:
        sys.argv = ["chalice", *argv]
    return int(chalice_main() or 0)


if __name__ == "__main__":
    sys.exit(main())
