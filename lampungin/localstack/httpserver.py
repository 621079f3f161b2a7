"""The Chalice app over real HTTP, with chalice.local's gateway emulation but not its CLI.

`chalice local` ignores SIGTERM and SIGINT and never runs stream or schedule handlers
(STACK-NOTES), so the local stack builds chalice.local's server object itself and runs it in a
thread it can shut down. The request path is Chalice's own: its LocalGateway turns HTTP into the
API Gateway proxy event and calls the same `app` object Lambda calls. `create_local_server`
re-classes the app so `current_request` is thread-local; the server is threaded.

Two things differ from `chalice local`, both for the contract (CONTRACT.md, Additions):
* a path no route matches answers 404 in the contract's error shape (chalice.local, like API
  Gateway, answers 403 "Missing Authentication Token" and repeats a bearer token in it); a known
  path with another method reaches the app, whose middleware answers 405 (chalicelib/api/http.py);
* the listen backlog is 128, not socketserver's 5: about 20 simultaneous new connections were
  reset with 5 (STACK-NOTES);
* the web console and its local sign-in (webconsole.py) are answered here, before the gateway:
  they exist on this dev server only, never in app.py.
"""
from __future__ import annotations

import functools
import json
import threading
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from chalice.config import Config
from chalice.local import (
    ChaliceRequestHandler,
    CustomLocalChalice,
    LambdaContext,
    LocalChalice,
    LocalDevServer,
    LocalGateway,
    RouteMatcher,
    ThreadedHTTPServer,
)

from chalicelib.api.http import unknown_route

from .webconsole import LocalRoutes

LISTEN_BACKLOG = 128


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


class ContractGateway(LocalGateway):
    """chalice.local's API Gateway emulation, answering an unknown path as production does once
    its gateway responses are mapped (lampungin/deploy/gateway.py): 404, our shape, no echo."""

    def __init__(self, app_object, config) -> None:
        super().__init__(app_object, config)
        self._paths = RouteMatcher(list(app_object.routes))

    def handle_request(self, method, path, headers, body):
        try:
            self._paths.match_route(path)
        except ValueError:
            return unknown_route(headers)
        return super().handle_request(method, path, headers, body)


class ContractRequestHandler(ChaliceRequestHandler):
    def __init__(self, request, client_address, server, app_object, config,
                 local_routes: LocalRoutes | None = None) -> None:
        # ChaliceRequestHandler.__init__ with our gateway: the request is handled inside
        # BaseHTTPRequestHandler.__init__, so the gateway must exist before it runs
        self.local_gateway = ContractGateway(app_object, config)
        self.local_routes = local_routes
        BaseHTTPRequestHandler.__init__(self, request, client_address, server)

    def _generic_handle(self) -> None:
        if self.local_routes is None:
            return super()._generic_handle()
        headers, body = self._parse_payload()
        response = self.local_routes.answer(self.command, self.path, headers, body,
                                            str(self.client_address[0]))
        if response is None:
            response = self.local_gateway.handle_request(method=self.command, path=self.path,
                                                         headers=headers, body=body)
        out = response["headers"].copy()
        out.update(response["multiValueHeaders"])
        response = self._handle_binary(response)
        self._send_http_response(response["statusCode"], out, response["body"])
        return None

    # chalice.local binds its own _generic_handle to these names: bind ours
    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = do_PATCH = do_OPTIONS = _generic_handle

    def __getattr__(self, name: str):
        # http.server answers a method without a do_<METHOD> itself, 501 in HTML (TRACE, CONNECT,
        # any token): every method goes to the gateway, where the app answers 405 in our shape
        if name.startswith("do_"):
            return self._generic_handle
        raise AttributeError(name)


class BacklogServer(ThreadedHTTPServer):
    request_queue_size = LISTEN_BACKLOG      # socketserver's default is 5


def local_server(app, config, host: str, port: int,
                 local_routes: LocalRoutes | None = None) -> LocalDevServer:
    """chalice.local.create_local_server with our gateway and backlog; binds the port."""
    if not isinstance(app, LocalChalice):    # create_local_server's re-classing, done once
        CustomLocalChalice.__bases__ = (LocalChalice, app.__class__)
        app.__class__ = CustomLocalChalice
    handler = functools.partial(ContractRequestHandler, local_routes=local_routes)
    return LocalDevServer(app, config, host, port, handler_cls=handler,
                          server_cls=BacklogServer)


class ApiServer:
    """Binds in the constructor (a busy port fails before anything else starts)."""

    def __init__(self, app, config, host: str, port: int, local_routes: LocalRoutes | None = None):
        self._dev = local_server(app, config, host, port, local_routes)
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
