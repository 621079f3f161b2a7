"""One local stack: what `lampungin dev` starts and stops (the command itself is dev.py).

Order matters: moto starts and the environment (endpoint, fake credentials, table prefix, the
real stream ARN, the JWKS path) is complete before `app` is imported, because Chalice and
PynamoDB read it at import. Then the same `app` object Lambda runs is served over HTTP, its
stream handler fed by a StreamPoller and its schedules fired by Schedulers, each in a thread that
stops when `stop` is set. DynamoDB is served by the store the `StorePlan` names (store.py):
DynamoDB Local, started first (before any thread exists, see dynamodb_local.py) and reached
through `aws.aws_env(dynamodb_endpoint=...)`, with the stream's checkpoints kept beside its
database; or moto, with its DynamoDB backend serialized as DynamoDB is.
"""
from __future__ import annotations

import functools
import importlib
import logging
import os
import socket
import sys
import threading
import time
from pathlib import Path

import boto3

from chalicelib.config import from_env
from chalicelib.rules.bundle import StaleBundle, load_bundle

from . import aws, keys, state
from . import store as stores
from .checkpoints import FILE as CHECKPOINTS_FILE
from .checkpoints import FileCheckpoints
from .claim_secret import ensure_claim_secret
from .delivery import LocalDelivery
from .dynamodb_local import DynamoDBLocal
from .fake_lapor import FakeLapor
from .httpserver import ApiServer, chalice_config, lambda_context
from .notices import Unavailable
from .people_key import ensure_people_key
from .scheduler import Scheduler, rate_seconds, schedules_of
from .stream import StreamPoller
from .uploads import UploadPoller
from .webconsole import LocalRoutes

LAPOR_TOKEN = "local-lapor-token"  # noqa: S105  (the fake LAPOR!'s bearer token, loopback only)
log = logging.getLogger("lampungin.dev")


def ensure_rules_bundle() -> None:
    """The app refuses a missing or stale bundle; build it here rather than fail on requests."""
    try:
        load_bundle()
    except StaleBundle as why:
        print(f"lampungin dev: {why}; building it now", file=sys.stderr)
        try:
            from ..rules.build import build  # lazy: the rules toolchain only when the bundle is stale
            _, errors = build()
        except Exception as exc:     # the rules tooling itself is broken: say so, in one line
            raise SystemExit(f"lampungin dev: cannot build the rules bundle ({exc!r}); "
                             "run `lampungin rules build` to see why") from None
        if errors:
            raise SystemExit("lampungin dev: the rules do not build:\n" +
                             "\n".join(map(str, errors))) from None


def invoker(app, config, name: str):
    """Call the handler registered under `name` as Lambda does: (event dict, context)."""
    handler, scoped = app.handler_map[name], config.scope(config.chalice_stage, name)
    return lambda event: handler(event, lambda_context(scoped, name))


def refuse_second_stack(home: Path) -> None:
    try:
        other = state.read_dev_state(home)
    except state.StackNotRunning:
        return
    raise SystemExit(f"lampungin dev: a stack is already running from {home} "
                     f"(pid {other.get('pid')}, {other.get('api')}); stop it, or give this "
                     f"one its own --state-dir / ${state.HOME_ENV}")


def check_port(host: str, port: int) -> None:
    """A busy port fails in one line before DynamoDB Local takes seconds to start."""
    if not port:
        return
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)   # as the HTTP server does
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise SystemExit(f"lampungin dev: cannot listen on {host}:{port}: "
                             f"{exc.strerror or exc}") from None


class Stack:
    """The store, moto, the app over HTTP, the stream pollers and the schedulers; `start()`, then
    `shutdown()` from the thread that waits on `stop` (signal handlers only set it)."""

    def __init__(self, home: Path, host: str, port: int, *, sweep_every: float | None = None,
                 stream_retries: int = 3, store: stores.StorePlan | None = None):
        self.home, self.host, self.port = home, host, port
        self.sweep_every, self.stream_retries = sweep_every, stream_retries
        self.store = store or stores.StorePlan(stores.MEMORY)
        self.stop = threading.Event()
        self.threads: list[threading.Thread] = []
        self.moto: aws.MotoServer | None = None
        self.api: ApiServer | None = None
        self.dev_state: state.DevState | None = None
        self.dynamodb_local: DynamoDBLocal | None = None
        self.delivery: LocalDelivery | None = None
        self.lapor: FakeLapor | None = None

    def _start_store(self) -> dict:
        """DynamoDB Local when planned (its endpoint and facts for dev.json), else moto's memory."""
        if self.store.kind != stores.DYNAMODB_LOCAL:
            aws.serialize_moto_dynamodb()
            return {"store": stores.MEMORY}
        if self.store.java is None or self.store.install is None:
            raise RuntimeError(f"a {stores.DYNAMODB_LOCAL} store plan needs Java and the install")
        db = stores.db_path(self.home)
        ddb = self.dynamodb_local = DynamoDBLocal(self.store.java, self.store.install, db_path=db,
                                                  log_path=self.home / "dynamodb-local.log")
        started = time.monotonic()
        try:
            endpoint = ddb.start()
        except Unavailable as why:
            raise SystemExit(f"lampungin dev: {why} (`--store memory` runs without it)") from None
        log.info("DynamoDB Local answered in %.1f s (data in %s)", time.monotonic() - started, db)
        return {"store": stores.DYNAMODB_LOCAL, "dynamodb_endpoint": endpoint,
                "dynamodb_path": str(db), "dynamodb_pid": ddb.process.pid if ddb.process else None}

    def start(self) -> None:
        self._refuse_second_stack()
        check_port(self.host, self.port)
        ensure_rules_bundle()
        auth = keys.ensure_keys(self.home)
        store = self._start_store()           # first: DynamoDB Local is forked before any thread
        moto = self.moto = aws.MotoServer()              # loopback only, whatever --host says
        endpoint = moto.start()
        aws.apply_env(aws.aws_env(endpoint, dynamodb_endpoint=store.get("dynamodb_endpoint")))
        os.environ.update(AUTH_JWKS_PATH=auth["jwks_path"], AUTH_ISSUER=auth["issuer"])
        settings = from_env()
        res = aws.provision(settings)
        os.environ["COMPLAINTS_STREAM_ARN"] = res["stream_arn"]
        os.environ["ATTACHMENTS_BUCKET"] = res["attachments_bucket"]
        # the notification side (delivery.py): queues, SMTP sink, fake Twilio, push, staff, KMS
        self.delivery = LocalDelivery(self.home)
        app_env = self.delivery.environment(settings, {c: o.name for c, o in load_bundle().opds.items()})
        app_env["PEOPLE_KMS_KEY"] = ensure_people_key(region=settings.region, home=self.home)
        app_env["CLAIM_CODE_SECRET"] = ensure_claim_secret(self.home)      # intake: claim-ownership codes
        # SP4N-LAPOR!: a local fake speaking docs/lapor.md (`lampungin lapor dispose` feeds it)
        self.lapor = FakeLapor(self.home / "lapor", LAPOR_TOKEN)
        app_env.update(LAPOR_BASE_URL=self.lapor.start(), LAPOR_TOKEN=LAPOR_TOKEN)
        if os.environ.get("SHADOW_RULES"):     # `--shadow DIR` (dev.py): `lampungin sweep` runs them too
            app_env["SHADOW_RULES"] = os.environ["SHADOW_RULES"]
        os.environ.update(app_env)
        app = importlib.import_module("app").app        # only now: it reads the environment
        config = chalice_config(state.project_root())
        try:
            console = LocalRoutes(self.home, state.project_root() / "web" / "dist", auth["issuer"])
            api = self.api = ApiServer(app, config, self.host, self.port, console)
        except OSError as exc:
            raise SystemExit(f"lampungin dev: cannot listen on {self.host}:{self.port}: "
                             f"{exc.strerror or exc}") from None
        dev_state = self.dev_state = state.DevState(self.home, {
            "pid": os.getpid(), "api": api.url, "aws_endpoint": endpoint,
            "region": settings.region, "stage": settings.stage, "table_prefix": settings.table_prefix,
            "stream_arn": res["stream_arn"], "dlq_url": res["dlq_url"], "issuer": auth["issuer"],
            "jwks_path": auth["jwks_path"], "key_path": auth["key_path"], "kid": auth["kid"],
            "outbox_path": os.environ["OUTBOX_PATH"], "app_env": app_env, **store})
        self._start_stream(app, config, res, settings.region)
        self._start_schedules(app, config)
        uploads = UploadPoller(boto3.client("s3"), res["attachments_bucket"], invoker(app, config, "process_upload"),
                               region=settings.region, on_stats=functools.partial(self._report, "uploads"))
        self._thread("uploads", uploads.run)      # moto sends no S3 events: uploads.py stands in
        for poller in self.delivery.pollers(app, functools.partial(invoker, app, config), settings.region,
                                            self._report):
            self._thread(poller.stats["queue"], poller.run)
        api.start()
        dev_state.write()
        if self.store.kind == stores.DYNAMODB_LOCAL:
            where = f"data kept in {store['dynamodb_path']} (DynamoDB Local)"
        else:
            where = "data in memory only: lost when this stops"
        print(f"Lampung In is listening on {api.url} ({where}; AWS stand-ins at {endpoint}; "
              f"state in {self.home}). Ctrl-C stops it.", flush=True)

    def failure(self) -> str | None:
        """Why the stack cannot go on (DynamoDB Local died under it), or None."""
        ddb = self.dynamodb_local
        if ddb is not None and ddb.process is not None and ddb.process.poll() is not None:
            return (f"DynamoDB Local stopped unexpectedly (exit {ddb.process.returncode}; see "
                    f"{ddb.log_path})")
        return None

    def _refuse_second_stack(self) -> None:
        refuse_second_stack(self.home)

    def _thread(self, name, target, *args) -> None:
        thread = threading.Thread(target=target, args=(*args, self.stop), name=name, daemon=True)
        self.threads.append(thread)
        thread.start()

    def _checkpoints(self, stream_arn: str):
        """Durable where the store is (a restart resumes the stream), else in memory."""
        if self.store.kind != stores.DYNAMODB_LOCAL:
            return None
        return FileCheckpoints(stores.db_path(self.home) / CHECKPOINTS_FILE, stream_arn)

    def _report(self, key: str, stats: dict) -> None:
        """A poller's or scheduler's figures into dev.json (`lampungin dev` prints them)."""
        if self.dev_state is not None:
            self.dev_state.update(key, stats)

    def _start_stream(self, app, config, res, region: str) -> None:
        for source in app.event_sources:
            if getattr(source, "stream_arn", None) != res["stream_arn"]:
                continue
            poller = StreamPoller(
                boto3.client("dynamodbstreams"), source.stream_arn,
                invoker(app, config, source.name), batch_size=source.batch_size,
                window_seconds=source.maximum_batching_window_in_seconds or 0,
                starting_position=source.starting_position,
                max_retries=self.stream_retries,
                dead_letter=aws.SqsDeadLetters(res["dlq_url"]),
                checkpoints=self._checkpoints(source.stream_arn), region=region,
                on_stats=functools.partial(self._report, f"stream:{source.name}"))
            self._thread(f"stream:{source.name}", poller.run)

    def _start_schedules(self, app, config) -> None:
        for source in schedules_of(app):
            period = self.sweep_every or rate_seconds(source.schedule_expression)
            if period is None:
                log.warning("schedule %s (%s) is a cron: not fired locally; use --sweep-every",
                            source.name, source.schedule_expression)
                continue
            scheduler = Scheduler(source.name, invoker(app, config, source.name), period,
                                  on_stats=functools.partial(self._report, f"schedule:{source.name}"))
            self._thread(f"schedule:{source.name}", scheduler.run)

    def shutdown(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=10)
        if self.api is not None:
            self.api.stop()
        if self.delivery is not None:
            self.delivery.stop()
        if self.lapor is not None:
            self.lapor.stop()
        if self.moto is not None:
            self.moto.stop()
        if self.dynamodb_local is not None:
            self.dynamodb_local.stop()
        if self.dev_state is not None:
            self.dev_state.remove()
