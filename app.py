"""Chalice wiring only: the HTTP API, the complaints stream handler and the scheduled sweep.

Everything else lives in chalicelib/: api/ (routes), services/ (use cases), domain/ (pure rules of
the lifecycle), adapters/ (DynamoDB, auth), rules/ (the compiled policy bundle).
"""
from chalice import Chalice, CORSConfig, Rate

from chalicelib.adapters import telemetry
from chalicelib.api import audit, complaints, http, reference, sanctions
from chalicelib.api.throttle import middleware as throttle_requests
from chalicelib.config import settings
from chalicelib.handlers import on_complaint_changes, run_sweep
from chalicelib.wiring import container

app = Chalice(app_name="lampungin")
app.api.cors = CORSConfig(            # web frontends on other origins; set before the routes
    allow_origin=settings().cors_allow_origin, max_age=600,
    allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "If-Match", "Accept-Language"],
    expose_headers=["ETag", "Location", "Retry-After", "Idempotent-Replayed", "Content-Language"])
for routes in (reference, complaints, sanctions, audit):
    app.register_blueprint(routes.api)
telemetry.configure(app.log, settings())     # JSON logs + EMF metrics when deployed (not local)
app.register_middleware(telemetry.observe_request, "http")
app.register_middleware(http.contract_errors, "http")    # Chalice's own 405/415/… in the contract's shape
# per IP and per token, 429 + Retry-After before any route runs (API Gateway throttles in front)
app.register_middleware(throttle_requests(lambda: container.throttle, app.api.cors), "http")


@app.on_dynamodb_record(stream_arn=settings().complaints_stream_arn, batch_size=100,
                        starting_position="TRIM_HORIZON", maximum_batching_window_in_seconds=1)
def complaint_changes(event):
    """DynamoDB stream of the complaints table → clocks, timeline effects, notifications."""
    with telemetry.invocation(event.context):
        result = on_complaint_changes(event.to_dict())
        telemetry.put_metrics({"StreamRecordsFailed": len(result["batchItemFailures"])})
    return result


@app.schedule(Rate(5, unit=Rate.MINUTES), name="sweep")
def sweep(event):
    """Every 5 minutes: find clocks that ran out and issue sanctions."""
    remaining = getattr(event.context, "get_remaining_time_in_millis", None)
    with telemetry.invocation(event.context):
        return run_sweep(event.to_dict(), remaining() if remaining else None)
