"""`lampungin dev`: the whole system on one machine, no AWS account, no Docker (`make run`).

Serves the API on 127.0.0.1:$PORT (default 8000, `--port` wins), polls the complaints stream
into the app's stream handler and fires its schedules (lampungin/localstack/stack.py). SIGINT
and SIGTERM both stop everything and remove `dev.json`; the exit code is 0.

State lives in `.local/` beside app.py, or `$LAMPUNGIN_HOME` / `--state-dir` (tests use that so
they never touch a developer's running stack).
"""
from __future__ import annotations

import logging
import os
import signal
import sys

from .localstack import state

SWEEP_ENV = "LAMPUNGIN_SWEEP_SECONDS"
RETRIES_ENV = "LAMPUNGIN_STREAM_RETRIES"


def register(subparsers) -> None:
    p = subparsers.add_parser("dev", help="run the whole system locally (what `make run` starts)",
                              description=__doc__.split("\n\n")[0])
    p.add_argument("--port", type=int, default=None, help="HTTP port (default $PORT, else 8000)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--state-dir", help=f"where keys and dev.json live (default ${state.HOME_ENV} "
                                       "or .local/ beside app.py)")
    p.add_argument("--sweep-every", type=float, default=None, metavar="SECONDS",
                   help=f"fire schedules this often instead of their rate (or ${SWEEP_ENV})")
    p.set_defaults(func=run)


def number_from_env(name: str, default: str, kind=int):
    text = os.environ.get(name) or default
    try:
        value = kind(text)
    except ValueError:
        value = -1
    if value < 0:
        raise SystemExit(f"lampungin dev: {name}={text!r} is not a valid number")
    return value


def env_port() -> int:
    text = os.environ.get("PORT") or "8000"
    if not text.isdigit() or not 0 <= int(text) < 65536:
        raise SystemExit(f"lampungin dev: PORT={text!r} is not a port number")
    return int(text)


def run(args) -> int:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for chatty in ("botocore", "boto3", "pynamodb", "urllib3"):   # one INFO line per client
        logging.getLogger(chatty).setLevel(logging.WARNING)
    port = args.port if args.port is not None else env_port()
    if not 0 <= port < 65536:
        raise SystemExit(f"lampungin dev: --port {port} is not a port number")
    sweep_every = args.sweep_every or number_from_env(SWEEP_ENV, "0", float) or None
    from .localstack.stack import Stack      # after the checks: it imports boto3, moto, chalice
    stack = Stack(state.state_dir(args.state_dir), args.host, port, sweep_every=sweep_every,
                  stream_retries=number_from_env(RETRIES_ENV, "3"))
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stack.stop.set())
    try:
        stack.start()
        while not stack.stop.wait(0.5):
            pass
        print("lampungin dev: stopping", file=sys.stderr, flush=True)
    finally:
        stack.shutdown()
    return 0
