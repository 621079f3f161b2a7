"""Chalice wiring only: the HTTP API, the complaints stream handler and the scheduled sweep.

Everything else lives in chalicelib/: api/ (routes), services/ (use cases), domain/ (pure rules of
the lifecycle), adapters/ (DynamoDB, auth), rules/ (the compiled policy bundle).
"""
import os

from chalice import Chalice, CORSConfig, Rate

from chalicelib.adapters import telemetry
from chalicelib.adapters.s3_uploads import upload_event_pattern
from chalicelib.config import settings
from chalicelib.domain.people import DELIVERY_CHANNELS
from chalicelib.handlers import deliver, lapor_exchange, on_complaint_changes, on_upload, run_sweep

app = Chalice(app_name="lampungin")


def _http_api(app: Chalice) -> None:
    """The routes, CORS and the HTTP middlewares: only where requests are served."""
    # lazy: the stream, sweep, delivery and trigger Lambdas never import the HTTP layer (cold start)
    from chalicelib.api import (
        attachments,
        audit,
        complaints,
        docs_page,
        http,
        notifications,
        open311,
        preferences,
        public,
        reference,
        sanctions,
        stats,
    )
    from chalicelib.api.throttle import middleware as throttle_requests
    from chalicelib.wiring import container

    app.api.cors = CORSConfig(            # web frontends on other origins; set before the routes
        allow_origin=settings().cors_allow_origin, max_age=600,
        allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "If-Match", "Accept-Language"],
        expose_headers=["ETag", "Location", "Retry-After", "Idempotent-Replayed", "Content-Language"])
    for routes in (reference, stats, complaints, sanctions, audit, notifications, preferences, public, docs_page,
                   attachments, open311):
        app.register_blueprint(routes.api)
    app.register_middleware(telemetry.observe_request, "http")
    app.register_middleware(http.contract_errors, "http")    # Chalice's own 405/415/… in the contract's shape
    # per IP and per token, 429 + Retry-After before any route runs (API Gateway throttles in front)
    app.register_middleware(throttle_requests(lambda: container.throttle, app.api.cors), "http")


# Which Lambda this process is: Lambda sets _HANDLER to the function's handler ("app.app" for the
# API, "app.complaint_changes", "app.sweep", …). Unset — `make run`, the tests, `chalice package`
# and `chalice deploy` — everything is registered, so the API is always described whole.
SERVES_HTTP = os.environ.get("_HANDLER", "app.app") == "app.app"
if SERVES_HTTP:
    _http_api(app)
telemetry.configure(app.log, settings())     # JSON logs + EMF metrics when deployed (not local)


# 100 a batch: ≈ 7.5 s of the 60 s timeout at the measured 75 ms a record (docs/performance.md)
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


@app.schedule(Rate(5, unit=Rate.MINUTES), name="lapor_exchange")
def lapor(event):
    """Every 5 minutes: complaints disposed to the province on SP4N-LAPOR! come in (docs/lapor.md)."""
    with telemetry.invocation(event.context):
        return lapor_exchange(event.to_dict())


def _delivery_handler(channel: str):
    def handler(event):
        with telemetry.invocation(event.context):
            return deliver(channel, event.to_dict())
    handler.__doc__ = f"The {channel} delivery queue: one notification to one person (services/delivery.py)."
    return handler


# One Lambda per channel, each on its own queue with its own dead-letter queue (infra/): a failing
# SMS provider never holds up e-mail or push. The in-app list needs none: the stream stores it.
for _channel in DELIVERY_CHANNELS:          # email, sms, whatsapp, push, lapor
    app.on_sqs_message(queue=settings().queue_name(_channel), batch_size=1,
                       name=f"deliver_{_channel}")(_delivery_handler(_channel))


@app.on_cw_event(upload_event_pattern(settings().table_prefix), name="process_upload")
def process_upload(event):
    """S3 (through EventBridge): a file uploaded for a complaint is checked, cleaned and kept, or
    rejected and deleted. Pillow loads here only, never on the API's cold start."""
    with telemetry.invocation(event.context):
        return on_upload(event.to_dict())


@app.lambda_function(name="cognito_post_confirmation")
def cognito_post_confirmation(event, context):
    """Cognito: a citizen who signed up and confirmed joins the `citizen` group (only that)."""
    from chalicelib.adapters.cognito_triggers import on_post_confirmation  # lazy: cold start of this Lambda only
    return on_post_confirmation(event)


@app.lambda_function(name="cognito_pre_token")
def cognito_pre_token(event, context):
    """Cognito: staff tokens say whether the person signed in with MFA (auth.py requires it)."""
    from chalicelib.adapters.cognito_triggers import on_pre_token_generation  # lazy: cold start of this Lambda only
    return on_pre_token_generation(event)
