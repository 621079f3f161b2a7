"""A small HTTP server on 127.0.0.1 and a free port, in a daemon thread: what the local fakes of
outside services (Twilio in sinks.py, SP4N-LAPOR! in fake_lapor.py) run on."""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOOPBACK = "127.0.0.1"


class LoopbackServer:
    def __init__(self, name: str) -> None:
        self.name = name
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self, handler: type[BaseHTTPRequestHandler]) -> str:
        """Serve `handler` (a class that knows its fake) and return the base URL."""
        self._server = ThreadingHTTPServer((LOOPBACK, 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=self.name, daemon=True)        # stop() in 50 ms
        self._thread.start()
        return f"http://{LOOPBACK}:{self._server.server_address[1]}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
