"""One local stack: what `lampungin dev` starts and stops (the command itself is dev.py).

Order matters: moto starts and the environment (endpoint, fake credentials, table prefix, the
real stream ARN, the JWKS path) is complete before `app` is imported, because Chalice and
PynamoDB read it at import. Then the same `app` object Lambda runs is served over HTTP, its
stream handler fed by a StreamPoller and its schedules fired by Schedulers, each in a thread that
stops when `stop` is set. Which store backs DynamoDB is decided in `start()` (moto today;
DynamoDB Local plugs in through `aws.aws_env(dynamodb_endpoint=...)`).
"""
from __future__ import annotations

import importlib
import logging
import os
import sys
import threading
from pathlib import Path

from . import aws, keys, state
from .httpserver import ApiServer, chalice_config, lambda_context
from .scheduler import Scheduler, rate_seconds, schedules_of
from .stream import StreamPoller

log = logging.getLogger("lampungin.dev")


def ensure_rules_bundle() -> None:
    """The app refuses a missing or stale bundle; build it here rather than fail on requests."""
    from chalicelib.rules.bundle import StaleBundle, load_bundle
    try:
        load_bundle()
    except StaleBundle as why:
        print(f"lampungin dev: {why}; building it now", file=sys.stderr)
        try:
            from ..rules_build import build
            _, errors = build()
        except Exception as exc:     # the rules tooling itself is broken: say so, in one line
            raise SystemExit(f"lampungin dev: cannot build the rules bundle ({exc!r}); "
                             "run `lampungin rules build` to see why") from None
        if errors:
            raise SystemExit("lampungin dev: the rules do not build:\n" +
                             "\n".join(map(str, errors)))


def invoker(app, config, name: str):
    """Call the handler registered under `name` as Lambda does: (event dict, context)."""
    handler, scoped = app.handler_map[name], config.scope(config.chalice_stage, name)
    return lambda event: handler(event, lambda_context(scoped, name))


class Stack:
    """moto, the app over HTTP, the stream pollers and the schedulers; `start()`, then
    `shutdown()` from the thread that waits on `stop` (signal handlers only set it)."""

    def __init__(self, home: Path, host: str, port: int, *, sweep_every: float | None = None,
                 stream_retries: int = 3):
        self.home, self.host, self.port = home, host, port
        self.sweep_every, self.stream_retries = sweep_every, stream_retries
        self.stop = threading.Event()
        self.threads: list[threading.Thread] = []
        self.moto = self.api = self.dev_state = None

    def start(self) -> None:
        self._refuse_second_stack()
        ensure_rules_bundle()
        auth = keys.ensure_keys(self.home)
        self.moto = aws.MotoServer()                     # loopback only, whatever --host says
        endpoint = self.moto.start()
        aws.apply_env(aws.aws_env(endpoint))
        os.environ.update(AUTH_JWKS_PATH=auth["jwks_path"], AUTH_ISSUER=auth["issuer"],
                          OUTBOX_PATH=str(self.home / "outbox.jsonl"))   # sanctions and warnings
        from chalicelib.config import from_env
        settings = from_env()
        res = aws.provision(settings)
        os.environ["COMPLAINTS_STREAM_ARN"] = res["stream_arn"]
        app = importlib.import_module("app").app        # only now: it reads the environment
        config = chalice_config(state.project_root())
        try:
            self.api = ApiServer(app, config, self.host, self.port)
        except OSError as exc:
            raise SystemExit(f"lampungin dev: cannot listen on {self.host}:{self.port}: "
                             f"{exc.strerror or exc}") from None
        self.dev_state = state.DevState(self.home, {
            "pid": os.getpid(), "api": self.api.url, "aws_endpoint": endpoint,
            "region": settings.region, "stage": settings.stage, "table_prefix": settings.table_prefix,
            "stream_arn": res["stream_arn"], "dlq_url": res["dlq_url"], "issuer": auth["issuer"],
            "jwks_path": auth["jwks_path"], "key_path": auth["key_path"], "kid": auth["kid"],
            "outbox_path": os.environ["OUTBOX_PATH"]})
        self._start_stream(app, config, res)
        self._start_schedules(app, config)
        self.api.start()
        self.dev_state.write()
        print(f"Lampung In is listening on {self.api.url} (AWS stand-ins at {endpoint}; "
              f"state in {self.home}). Ctrl-C stops it.", flush=True)

    def _refuse_second_stack(self) -> None:
        try:
            other = state.read_dev_state(self.home)
        except state.StackNotRunning:
            return
        raise SystemExit(f"lampungin dev: a stack is already running from {self.home} "
                         f"(pid {other.get('pid')}, {other.get('api')}); stop it, or give this "
                         f"one its own --state-dir / ${state.HOME_ENV}")

    def _thread(self, name, target, *args) -> None:
        thread = threading.Thread(target=target, args=(*args, self.stop), name=name, daemon=True)
        self.threads.append(thread)
        thread.start()

    def _start_stream(self, app, config, res) -> None:
        import boto3
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
                on_stats=lambda s, n=source.name: self.dev_state.update(f"stream:{n}", s))
            self._thread(f"stream:{source.name}", poller.run)

    def _start_schedules(self, app, config) -> None:
        for source in schedules_of(app):
            period = self.sweep_every or rate_seconds(source.schedule_expression)
            if period is None:
                log.warning("schedule %s (%s) is a cron: not fired locally; use --sweep-every",
                            source.name, source.schedule_expression)
                continue
            scheduler = Scheduler(source.name, invoker(app, config, source.name), period,
                                  on_stats=lambda s, n=source.name: self.dev_state.update(
                                      f"schedule:{n}", s))
            self._thread(f"schedule:{source.name}", scheduler.run)

    def shutdown(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=10)
        if self.api is not None:
            self.api.stop()
        if self.moto is not None:
            self.moto.stop()
        if self.dev_state is not None:
            self.dev_state.remove()
