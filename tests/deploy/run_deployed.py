"""Run a deployed Lambda function's own code as Lambda runs it, without Docker. Test code only.

moto 5.2 runs an `Invoke` in a Docker container, and this machine has no Docker. The smoke test
(test_deploy_smoke.py) therefore takes the zip moto holds for `<function>:live` — the very bytes
`chalice deploy` uploaded — unpacks it into a folder and runs this script there, in a fresh
interpreter, with the function's deployed environment (GetFunctionConfiguration) and its
configured handler. Each line of stdin is one event; its answer is the stdout line that starts
with `ANSWER ` (the function's own log lines go to stdout too, as in Lambda).

    python tests/deploy/run_deployed.py CODE_DIR HANDLER < events.jsonl

The zip's modules come first on sys.path, so `app` and `chalicelib` are the deployed ones (this
script checks it and says which file it imported); third-party packages come from the running
interpreter (the smoke test deploys with an empty requirements.txt: see its module docstring).
"""
from __future__ import annotations

import importlib
import json
import os
import sys
import uuid
from pathlib import Path

ANSWER = "ANSWER "


class Context:
    """What Lambda hands a handler: the names Chalice and telemetry read."""

    def __init__(self) -> None:
        self.function_name = os.environ["AWS_LAMBDA_FUNCTION_NAME"]
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.invoked_function_arn = os.environ.get("SMOKE_FUNCTION_ARN", "")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name = "smoke"
        self.aws_request_id = str(uuid.uuid4())

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 60_000


def main() -> int:
    code_dir, handler = Path(sys.argv[1]).resolve(), sys.argv[2]
    sys.path.insert(0, str(code_dir))
    module_name, _, attr = handler.rpartition(".")
    module = importlib.import_module(module_name)
    origin = Path(module.__file__ or "").resolve()
    if code_dir not in origin.parents:
        print(f"imported {origin}, not the deployed code in {code_dir}", file=sys.stderr)
        return 2
    function = getattr(module, attr)
    print(ANSWER + json.dumps({"imported": str(origin)}), flush=True)
    for line in sys.stdin:
        if line.strip():
            print(ANSWER + json.dumps(function(json.loads(line), Context()), default=str), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
