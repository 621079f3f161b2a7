"""The system under benchmark: what `make run` starts, on AWS's DynamoDB Local, without its timers.

`BenchStack` starts DynamoDB Local in memory (first: it is forked before any thread exists), moto's
server for everything that is not DynamoDB (SQS delivery queues, KMS, S3, SNS), and the local
stand-ins of the notification side (SMTP sink, fake Twilio, staff file), sets the environment the
way `lampungin dev` does (lampungin/localstack/stack.py), creates every table from tables.py and
only then imports `app`. What it leaves out of `make run` is on purpose: no stream poller, no
scheduler and no queue poller run in the background, so that nothing competes with what is being
timed on two cores. The stream is drained on demand (`drain_stream`) through the app's own
`@app.on_dynamodb_record` handler, as Lambda's event-source mapping would call it; the sweep is
called through the app's `@app.schedule` handler. The API is served over real HTTP by the in-repo
`ApiServer` (chalice.local's gateway emulation with the contract's error shapes).

Request throttling is off (THROTTLE_*_RATE=0): every benchmark client comes from 127.0.0.1 and
API Gateway throttles in front in production; with it on, 16 clients would be measuring 429s.

`Meter` is the one door every DynamoDB request goes through (botocore's `_make_api_call`, so
PynamoDB's calls count too): it adds ReturnConsumedCapacity=INDEXES and books calls and request
units in a `benchlib.CapacityLedger`, per step.
"""
from __future__ import annotations

import importlib
import logging
import os
import sys
import tempfile
import threading
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from benchlib import CapacityLedger, items_of  # noqa: E402


class Unavailable(SystemExit):
    """DynamoDB Local cannot run here (no Java, no download): the benchmark says so and stops."""


def start_dynamodb_local(home: Path):
    """An in-memory DynamoDB Local on a free port: (server, endpoint)."""
    from lampungin.localstack import dynamodb_local as ddbl
    try:
        java, install = ddbl.find_java(), ddbl.ensure_installed()
    except ddbl.Unavailable as why:
        raise Unavailable(f"DynamoDB Local cannot run here: {why}") from None
    server = ddbl.DynamoDBLocal(java, install, db_path=None, log_path=home / "dynamodb-local.log")
    return server, server.start()


class Meter:
    """Counts every AWS request by service and operation; DynamoDB ones also get
    ReturnConsumedCapacity=INDEXES and their units booked in `ledger` under `ledger.step`
    (tables named without `table_prefix`).
    Thread-safe (the API benchmark serves requests on many threads)."""

    def __init__(self, table_prefix: str = "") -> None:
        import botocore.client
        self.ledger = CapacityLedger(strip_prefix=table_prefix)
        self.calls: Counter = Counter()            # (service, operation) -> count, every service
        self.enabled = True
        self._lock = threading.Lock()
        self._cls = botocore.client.BaseClient
        self._original = self._cls._make_api_call
        meter, original = self, self._original

        def metered(client, operation, params):
            model = client.meta.service_model
            if not meter.enabled:
                return original(client, operation, params)
            if model.service_name != "dynamodb":
                with meter._lock:
                    meter.calls[(model.service_name, operation)] += 1
                return original(client, operation, params)
            shape = model.operation_model(operation).input_shape
            if shape is not None and "ReturnConsumedCapacity" in shape.members:
                params = {**params, "ReturnConsumedCapacity": "INDEXES"}
            response = original(client, operation, params)
            with meter._lock:
                meter.calls[("dynamodb", operation)] += 1
                meter.ledger.add(operation, response.get("ConsumedCapacity"), items=items_of(operation, response))
            return response
        self._cls._make_api_call = metered

    def dynamodb_calls(self) -> int:
        return sum(n for (service, _), n in self.calls.items() if service == "dynamodb")

    def other_calls(self) -> int:
        return sum(n for (service, _), n in self.calls.items() if service != "dynamodb")

    def reset(self, step: str = "setup") -> None:
        with self._lock:
            self.calls.clear()
            self.ledger.reset()
            self.ledger.step = step

    def stop(self) -> None:
        self._cls._make_api_call = self._original


def quiet_logs() -> None:
    """The app logs a line per request and per stream record: not on the benchmark's terminal."""
    logging.basicConfig(level=logging.WARNING)
    # urllib3 says "connection pool is full" when more requests run at once in this one process
    # than botocore's pool of 10 (only the 16-client runs; a Lambda serves one request at a time)
    for name in ("lampungin", "werkzeug", "mail.log", "botocore", "pynamodb", "urllib3"):
        logging.getLogger(name).setLevel(logging.ERROR)


class BenchStack:
    """`with BenchStack() as stack:` — DynamoDB Local, moto, the app imported; see the module."""

    def __init__(self, home: Path | None = None, *, extra_env: dict[str, str] | None = None):
        self._tmp = None if home else tempfile.TemporaryDirectory(prefix="lampungin-bench-")
        self.home = Path(home or self._tmp.name)           # type: ignore[union-attr]
        self.extra_env = extra_env or {}
        self.dynamodb_local: Any = None
        self.moto: Any = None
        self.delivery: Any = None
        self.api: Any = None
        self.app: Any = None
        self.config: Any = None
        self.env: dict[str, str] = {}
        self._poller: Any = None
        self._tokens: dict[tuple, str] = {}

    # -- starting and stopping ----------------------------------------------------------------------
    def __enter__(self) -> BenchStack:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        quiet_logs()
        from lampungin.localstack import aws, keys
        from lampungin.localstack.claim_secret import ensure_claim_secret
        from lampungin.localstack.delivery import LocalDelivery
        from lampungin.localstack.people_key import ensure_people_key
        from lampungin.localstack.stack import ensure_rules_bundle

        ensure_rules_bundle()
        self.dynamodb_local, endpoint = start_dynamodb_local(self.home)      # before any thread
        self.moto = aws.MotoServer()
        moto_endpoint = self.moto.start()
        env = aws.aws_env(moto_endpoint, dynamodb_endpoint=endpoint,
                          table_prefix=f"bench-{uuid.uuid4().hex[:8]}-", stage="local")
        aws.apply_env(env)
        auth = keys.ensure_keys(self.home)
        env.update(AUTH_JWKS_PATH=auth["jwks_path"], AUTH_ISSUER=auth["issuer"],
                   THROTTLE_IP_RATE="0", THROTTLE_TOKEN_RATE="0", DAILY_COMPLAINT_LIMIT="100",
                   LOG_LEVEL="ERROR")
        os.environ.update(env)
        from chalicelib.config import from_env
        from chalicelib.rules.bundle import load_bundle
        settings = from_env()
        res = aws.provision(settings)
        env.update(COMPLAINTS_STREAM_ARN=res["stream_arn"], ATTACHMENTS_BUCKET=res["attachments_bucket"])
        os.environ.update(env)
        self.delivery = LocalDelivery(self.home)
        env.update(self.delivery.environment(settings, {c: o.name for c, o in load_bundle().opds.items()}))
        env["PEOPLE_KMS_KEY"] = ensure_people_key(region=settings.region, home=self.home)
        env["CLAIM_CODE_SECRET"] = ensure_claim_secret(self.home)
        env.update(self.extra_env)
        os.environ.update(env)
        self.env = env
        self.stream_arn = res["stream_arn"]
        from lampungin.localstack.httpserver import chalice_config
        from lampungin.localstack.state import project_root
        self.app = importlib.import_module("app").app             # only now: it reads the environment
        self.config = chalice_config(project_root())
        quiet_logs()

    def stop(self) -> None:
        if self.api is not None:
            self.api.stop()
            self.api = None
        if self.delivery is not None:
            self.delivery.stop()
            self.delivery = None
        if self.moto is not None:
            self.moto.stop()
            self.moto = None
        if self.dynamodb_local is not None:
            self.dynamodb_local.stop()
            self.dynamodb_local = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    # -- using it ---------------------------------------------------------------------------------
    @property
    def settings(self):
        from chalicelib.config import from_env
        return from_env()

    def dynamodb(self):
        import boto3
        return boto3.client("dynamodb")

    def serve(self) -> str:
        """The app over HTTP on a free loopback port; returns its base URL."""
        from lampungin.localstack.httpserver import ApiServer
        if self.api is None:
            self.api = ApiServer(self.app, self.config, "127.0.0.1", 0)
            self.api.start()
        return str(self.api.url)

    def handler(self, name: str):
        """The app's handler `name` called as Lambda calls it: (event, context)."""
        from lampungin.localstack.stack import invoker
        return invoker(self.app, self.config, name)

    def drain_stream(self, max_polls: int = 10_000) -> int:
        """Every pending complaints-stream record through the app's stream handler (batches of
        its own batch_size, as the event-source mapping delivers them); returns invocations."""
        if self._poller is None:
            import boto3

            from lampungin.localstack.stream import StreamPoller
            source = next(s for s in self.app.event_sources if getattr(s, "stream_arn", None) == self.stream_arn)
            self._poller = StreamPoller(boto3.client("dynamodbstreams"), self.stream_arn, self.handler(source.name),
                                        batch_size=source.batch_size, retry_delay=0, max_retries=1,
                                        region=self.settings.region)
        invocations = 0
        for _ in range(max_polls):
            self._poller.reader.refresh()
            made = self._poller.poll_once()
            if not made:
                return invocations
            invocations += made
        raise RuntimeError("the complaints stream never went idle")

    def stream_records_processed(self) -> int:
        return int(self._poller.stats["records_processed"]) if self._poller is not None else 0

    def stream_failures(self) -> int:
        return int(self._poller.stats["dead_lettered"]) if self._poller is not None else 0

    def token(self, sub: str, role: str, opd: str | None = None, **claims) -> str:
        from lampungin.localstack import keys
        key = (sub, role, opd, tuple(sorted(claims.items())))
        if key not in self._tokens:
            body = {"sub": sub, "role": role, **({"opd": opd} if opd else {}), **claims}
            self._tokens[key] = keys.mint_token(self.home, body, 6 * 3600)
        return self._tokens[key]

    def headers(self, sub: str, role: str, opd: str | None = None, **claims) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(sub, role, opd, **claims)}",
                "Content-Type": "application/json"}

