"""`chalice` as DevOps runs it, pointed at a moto server (AWS_ENDPOINT_URL), with the one
adaptation moto needs. Test code only: nothing here is part of a real deployment.

Chalice 1.34 imports and updates its REST API as Swagger 2.0 (`ImportRestApi`, `PutRestApi`);
moto 5.2.5 implements only an OpenAPI 3 subset there and rejects Swagger outright. This rewrites
the document's header to OpenAPI 3 just before the call leaves botocore. The paths, methods and
`x-amazon-apigateway-integration`s (what the smoke test checks) are passed through unchanged,
except the CORS preflight (OPTIONS, mock integration) methods, which moto cannot import.

    python tests/deploy/chalice_on_moto.py --project-dir DIR deploy --stage dev
"""
from __future__ import annotations

import json
import sys

SWAGGER_ONLY = ("swagger", "definitions", "securityDefinitions", "schemes", "host", "basePath",
                "produces", "consumes")


def as_openapi3(params, **_):
    body = params.get("body")
    if body is None:
        return
    doc = json.loads(body)
    if doc.get("swagger") != "2.0":
        return
    for key in SWAGGER_ONLY:
        doc.pop(key, None)
    doc["openapi"] = "3.0.1"
    for methods in doc.get("paths", {}).values():
        # CORS preflight: a mock integration whose Swagger 2 response headers moto's importer
        # fails on (HTTP 500). API Gateway itself takes Chalice's CORS methods as they are.
        options = methods.get("options", {})
        if options.get("x-amazon-apigateway-integration", {}).get("type") == "mock":
            del methods["options"]
    doc.setdefault("info", {}).setdefault("description", doc["info"].get("title", ""))
    params["body"] = json.dumps(doc).encode()


def install() -> None:
    from chalice.cli import factory

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
