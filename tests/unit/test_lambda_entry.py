"""GIVEN the one app.py every Lambda of the stage runs, WHEN a Lambda imports it (Lambda sets
_HANDLER to the function's handler) THEN only the API function imports the HTTP layer — routes,
CORS, middlewares, pydantic schemas — and every other function gets its handler without it; with
_HANDLER unset (`make run`, the tests, `chalice package` and `chalice deploy`) the whole API is
registered, so the deployed REST API and /openapi.json always describe every route. Each case is
a fresh interpreter, as a cold start is."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, sys
import app
print(json.dumps({"routes": len(app.app.routes), "handlers": sorted(app.app.handler_map),
                  "http_layer": sorted(m for m in sys.modules if m.startswith("chalicelib.api")),
                  "pydantic": "pydantic" in sys.modules}))
"""


def imported_as(handler: str | None) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "_HANDLER"}
    if handler is not None:
        env["_HANDLER"] = handler
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_without_handler_everything_is_registered():
    from app import app

    whole = imported_as(None)
    assert whole["routes"] == len(app.routes) > 50
    assert "chalicelib.api.complaints" in whole["http_layer"]
    assert {"complaint_changes", "sweep", "lapor_exchange", "process_upload"} <= set(whole["handlers"])


def test_the_api_lambda_registers_every_route():
    from app import app

    assert imported_as("app.app")["routes"] == len(app.routes)


@pytest.mark.parametrize("handler, name", [("app.complaint_changes", "complaint_changes"), ("app.sweep", "sweep"),
                                           ("app.handler", "deliver_email"), ("app.lapor", "lapor_exchange"),
                                           ("app.process_upload", "process_upload")])
def test_the_other_lambdas_never_import_the_http_layer(handler, name):
    lean = imported_as(handler)
    assert lean["routes"] == 0 and lean["http_layer"] == [] and not lean["pydantic"]
    assert name in lean["handlers"]
