"""`chalice` as DevOps runs it, pointed at a moto server (AWS_ENDPOINT_URL), with the one
adaptation moto needs. Test code only: nothing here is part of a real deployment.

Chalice 1.34 imports and updates its REST API as Swagger 2.0 (`ImportRestApi`, `PutRestApi`);
moto 5.2.5 implements only an OpenAPI 3 subset there and rejects Swagger outright. This rewrites
the document's header to OpenAPI 3 just before the call leaves botocore. The paths, methods and
`x-amazon-apigateway-integration`s (what the smoke test checks) are passed through unchanged,
except the CORS preflight (OPTIONS, mock integration) methods, which moto cannot import, and the
ANY methods, which moto's importer would take for a method named "X-AMAZON-APIGATEWAY-ANY-METHOD"
(renamed to ANY, as API Gateway reads them). moto ignores the document's gateway responses; each
document sent is also written to $CHALICE_ON_MOTO_BODIES (a folder) for the test to read.

Chalice runs as deployment path (a) runs it (lampungin/deploy/chalice_cli.py: the gateway
responses and ANY methods are added first), then this adaptation.

    python tests/deploy/chalice_on_moto.py --project-dir DIR deploy --stage dev
"""
from __future__ import annotations

import json
import os
import sys
import uuid
from pathlib import Path

SWAGGER_ONLY = ("swagger", "definitions", "securityDefinitions", "schemes", "host", "basePath",
                "produces", "consumes")


def as_openapi3(params, **_):
    body = params.get("body")
    if body is None:
        return
    doc = json.loads(body)
    if doc.get("swagger") != "2.0":
        return
    if os.environ.get("CHALICE_ON_MOTO_BODIES"):
        folder = Path(os.environ["CHALICE_ON_MOTO_BODIES"])
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{uuid.uuid4().hex}.json").write_text(json.dumps(doc))
    for key in SWAGGER_ONLY:
        doc.pop(key, None)
    doc["openapi"] = "3.0.1"
    for methods in doc.get("paths", {}).values():
        # CORS preflight: a mock integration whose Swagger 2 response headers moto's importer
        # fails on (HTTP 500). API Gateway itself takes Chalice's CORS methods as they are.
        options = methods.get("options", {})
        if options.get("x-amazon-apigateway-integration", {}).get("type") == "mock":
            del methods["options"]
        if "x-amazon-apigateway-any-method" in methods:
            methods["ANY"] = methods.pop("x-amazon-apigateway-any-method")
    doc.setdefault("info", {}).setdefault("description", doc["info"].get("title", ""))
    params["body"] = json.dumps(doc).encode()


def install() -> None:
    from chalice.cli import factory

    from lampungin.deploy import chalice_cli

    chalice_cli.install()            # path (a)'s own extension first, as in a real deployment

    original = factory.create_botocore_session

    def create_botocore_session(*args, **kwargs):
        session = original(*args, **kwargs)
        for op in ("ImportRestApi", "PutRestApi"):
            session.register(f"before-parameter-build.api-gateway.{op}", as_openapi3)
        return session

    factory.create_botocore_session = create_botocore_session


if __name__ == "__main__":
    install()
    from chalice.cli import main
    sys.exit(main())
