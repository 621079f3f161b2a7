"""The load generator of bench_api.py, in its own interpreter so that its threads never share a GIL
with the server being measured. Reads one JSON plan on stdin:

    {"url": "http://127.0.0.1:PORT", "concurrency": 16,
     "requests": [{"method": "POST", "path": "/v1/...", "headers": {...}, "body": "..."}, ...]}

and prints one JSON object: per request its HTTP status (0 for a connection error) and latency in
milliseconds (from sending the request to having read the whole response), and the wall time of
the whole plan; with `"keep": true` on a request, also its response body. Each client thread
takes the next request from the shared list, one at a time, on a new connection each (the local
server speaks HTTP/1.0), as many browsers and phones would.
"""
from __future__ import annotations

import http.client
import json
import sys
import threading
import time
from urllib.parse import urlsplit


def run(plan: dict) -> dict:
    where = urlsplit(plan["url"])
    host, port = where.hostname or "127.0.0.1", where.port or 80
    requests = plan["requests"]
    results: list[tuple[int, float] | None] = [None] * len(requests)
    bodies: dict[int, str] = {}
    lock, position = threading.Lock(), [0]

    def client() -> None:
        while True:
            with lock:
                i = position[0]
                position[0] += 1
            if i >= len(requests):
                return
            r = requests[i]
            body = r.get("body")
            started = time.perf_counter()
            try:
                conn = http.client.HTTPConnection(host, port, timeout=60)
                conn.request(r["method"], r["path"], body=body.encode() if body else None,
                             headers=r.get("headers") or {})
                response = conn.getresponse()
                data = response.read()
                status = response.status
                if r.get("keep"):
                    bodies[i] = data.decode("utf-8", "replace")
                conn.close()
            except (OSError, http.client.HTTPException):
                status = 0
            results[i] = (status, (time.perf_counter() - started) * 1000)

    threads = [threading.Thread(target=client) for _ in range(max(1, int(plan["concurrency"])))]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    done = [r for r in results if r is not None]
    return {"status": [s for s, _ in done], "ms": [ms for _, ms in done], "wall_s": wall,
            "bodies": {str(i): b for i, b in bodies.items()}}


if __name__ == "__main__":
    json.dump(run(json.load(sys.stdin)), sys.stdout)
