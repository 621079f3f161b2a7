"""`lampungin dev`: the whole system on one machine, no AWS account, no Docker (`make run`).

Serves the API on 127.0.0.1:$PORT (default 8000, `--port` wins), polls the complaints stream
into the app's stream handler and fires its schedules (lampungin/localstack/stack.py). SIGINT
and SIGTERM both stop everything and remove `dev.json`; the exit code is 0.

State lives in `.local/` beside app.py, or `$LAMPUNGIN_HOME` / `--state-dir` (tests use that so
they never touch a developer's running stack). DynamoDB is AWS's DynamoDB Local where Java runs,
its data under `<state>/dynamodb/` (kept across restarts; `--reset` wipes it), else moto's
memory (`--store` chooses; localstack/store.py says how).
"""
from __future__ import annotations

import logging
import os
import signal
import sys
from pathlib import Path

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
    p.add_argument("--store", choices=("memory", "dynamodb-local"), default=None,
                   help="where DynamoDB data lives: dynamodb-local (AWS's DynamoDB Local, kept "
                        "across restarts; the default when Java 17+ is installed) or memory "
                        "(moto, lost when the stack stops)")
    p.add_argument("--reset", action="store_true",
                   help="delete the local data first (complaints, clocks, sanctions, outbox)")
    p.add_argument("--yes", "-y", action="store_true",
                   help="answer yes to questions (--reset's confirmation, installing Java)")
    p.add_argument("--shadow", metavar="RULES_DIR",
                   help="also run these proposed rules in shadow mode (built into the state dir; "
                        "their decisions are listed at GET /v1/sanctions/shadow, never acted on)")
    p.set_defaults(func=run)


def build_shadow(rules_dir: str, home) -> str:
    """`--shadow DIR`: DIR checked and compiled to <state>/shadow/bundle.json, whose path becomes
    SHADOW_RULES for the app (chalicelib/services/shadow.py). A tree that fails `rules check`
    stops the start with its problems."""
    # lazy: the rules toolchain only when shadow rules are asked for
    from .rules.build import build
    from .rules.messages import language
    source, out = Path(rules_dir), Path(home) / "shadow" / "bundle.json"
    if not (source / "routing").is_dir():
        raise SystemExit(f"lampungin dev: --shadow {rules_dir[:200]!r} is not a rules folder (no routing/ in it)")
    bundle, problems = build(source, out)
    if problems or bundle is None:
        lang = language()
        raise SystemExit("lampungin dev: the shadow rules do not build:\n" +
                         "\n".join(p.render(lang) if hasattr(p, "render") else str(p) for p in problems))
    print(f"lampungin dev: shadow rules {bundle['manifest']['version']} from {source} -> {out}",
          file=sys.stderr, flush=True)
    return str(out.resolve())


def asker(assume_yes: bool):
    """A yes/no question to the developer: yes with --yes, no when nobody is at a terminal."""
    def ask(question: str) -> bool:
        if assume_yes:
            return True
        if not sys.stdin.isatty():
            return False
        try:
            answer = input(f"lampungin dev: {question} [y/N] ")
        except EOFError:
            return False
        return answer.strip().lower() in ("y", "yes")
    return ask


def reset_local_data(home, ask) -> None:
    from .localstack import store  # lazy: the CLI imports this module for every command
    doomed = store.local_data(home)
    if not doomed:
        print(f"lampungin dev: --reset: no local data in {home}", file=sys.stderr)
        return
    listing = ", ".join(str(p) for p in doomed)
    if not ask(f"delete every complaint, clock and sanction in {listing}?"):
        raise SystemExit("lampungin dev: --reset not confirmed; nothing deleted "
                         "(pass --yes to confirm without a prompt)")
    store.reset(home)
    print(f"lampungin dev: deleted {listing}", file=sys.stderr, flush=True)


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
    retries = number_from_env(RETRIES_ENV, "3")
    # lazy: moto, boto3, Chalice and the app load only when a stack starts, not for every command
    from .localstack import store as stores
    from .localstack.stack import Stack, check_port, refuse_second_stack
    home = state.state_dir(args.state_dir)
    refuse_second_stack(home)
    check_port(args.host, port)
    ask = asker(args.yes)
    try:
        if args.reset:
            reset_local_data(home, ask)
        plan = stores.choose(args.store, ask)       # may fetch DynamoDB Local (once)
    except KeyboardInterrupt:
        raise SystemExit("lampungin dev: interrupted") from None
    if plan.kind == stores.MEMORY:
        why = f"{plan.why_memory}, so " if plan.why_memory else ""
        print(f"{stores.BANNER}\nlampungin dev: {why}DynamoDB is moto's in-memory store; "
              "data will not survive a restart.", file=sys.stderr, flush=True)
    if args.shadow:
        os.environ["SHADOW_RULES"] = build_shadow(args.shadow, home)
    stack = Stack(home, args.host, port, sweep_every=sweep_every, stream_retries=retries,
                  store=plan)
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stack.stop.set())
    failure = None
    try:
        stack.start()
        while not stack.stop.wait(0.5) and not (failure := stack.failure()):
            pass
        print(f"lampungin dev: {failure + '; ' if failure else ''}stopping", file=sys.stderr,
              flush=True)
    finally:
        stack.shutdown()
    return 1 if failure else 0
