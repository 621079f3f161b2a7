"""One cold start, in the fresh interpreter bench_coldstart.py starts for it: import the app (the
product's `app` or the bare floor), then invoke one handler once as Lambda would, and print the
two durations as JSON. argv: APP (app|bare) HANDLER (api|stream|sweep); the event is on stdin."""
import json
import sys
import time

started = time.perf_counter()
which, handler = sys.argv[1], sys.argv[2]
event = json.load(sys.stdin)
t0 = time.perf_counter()
if which == "app":
    from app import app
else:
    from bare_app import app  # benchmarks/coldstart/ is this script's folder, first on sys.path
imported = time.perf_counter()


class Context:
    function_name = handler
    memory_limit_in_mb = 1024
    aws_request_id = "cold-start-bench"
    invoked_function_arn = f"arn:aws:lambda:ap-southeast-3:000000000000:function:{handler}"
    log_group_name = log_stream_name = "bench"

    def __init__(self):
        self._deadline = time.monotonic() + 300

    def get_remaining_time_in_millis(self):
        return int((self._deadline - time.monotonic()) * 1000)


if handler == "api":
    response = app(event, Context())
    ok = response.get("statusCode") == 200
else:
    response = app.handler_map["complaint_changes" if handler == "stream" else "sweep"](event, Context())
    ok = not (response or {}).get("batchItemFailures") and not (response or {}).get("errors")
done = time.perf_counter()
print(json.dumps({"import_ms": (imported - t0) * 1000, "first_ms": (done - imported) * 1000,
                  "total_ms": (done - t0) * 1000, "ok": ok,
                  "status": response.get("statusCode") if isinstance(response, dict) else None}))
