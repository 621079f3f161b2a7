"""The Chalice app over real HTTP, with chalice.local's gateway emulation but not its CLI.

`chalice local` ignores SIGTERM and SIGINT and never runs stream or schedule handlers
(STACK-NOTES), so the local stack builds chalice.local's server object itself and runs it in a
thread it can shut down. The request path is Chalice's own: its LocalGateway turns HTTP into the
API Gateway proxy event and calls the same `app` object Lambda calls. `create_local_server`
re-classes the app so `current_request` is thread-local; the server is threaded.
"""
from __future__ import annotations

import json
import threading
from pathlib import Path

from chalice.config import Config
from chalice.local import LambdaContext, create_local_server


def chalice_config(project_dir: Path, function_name: str = "api_handler"):
    """Chalice's Config from `.chalice/config.json`, for its `local` stage or else `dev`: each
    function's timeout and memory then show in the context its handler sees (the sweep reads
    `get_remaining_time_in_millis` to stop before its Lambda would be killed)."""
    path = project_dir / ".chalice" / "config.json"
    from_disk = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    stages = from_disk.get("stages", {})
    stage = "local" if "local" in stages or "dev" not in stages else "dev"
    return Config(chalice_stage=stage, function_name=function_name,
                  user_provided_params={"project_dir": str(project_dir)},
                  config_from_disk=from_disk)


def lambda_context(config, function_name: str) -> LambdaContext:
    """A Lambda-like context for a stream or schedule invocation of `function_name`."""
    timeout = config.lambda_timeout or 60
    return LambdaContext(function_name=function_name,
                         memory_size=config.lambda_memory_size or 128,
                         max_runtime_ms=timeout * 1000)


class ApiServer:
    """Binds in the constructor (a busy port fails before anything else starts)."""

    def __init__(self, app, config, host: str, port: int):
        self._dev = create_local_server(app, config, host, port)
        self.host, self.port = self._dev.server.server_address[:2]
        self._thread = threading.Thread(target=self._dev.server.serve_forever,
                                        name="http", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        if self._thread.is_alive():
            self._dev.server.shutdown()      # waits for serve_forever to return
        self._dev.server.server_close()
