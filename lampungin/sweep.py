"""`lampungin sweep [--at ISO8601]`: one sanctions sweep now, or as if it were `--at`.

The same `run_sweep` the scheduled Lambda runs, given the event EventBridge would send with
`time` = `--at`, so a policy officer can ask "what would the sweep issue on Monday morning?"
without waiting. By default it runs against the local stack named in `dev.json` (its moto
endpoint and table prefix); `--from-env` uses the environment as it is (a deployed stage's
TABLE_PREFIX and real credentials). Prints the result as one JSON line.
"""
from __future__ import annotations

import json
import os
import sys
from datetime import datetime, timezone

from chalicelib.domain.times import parse_iso, to_utc

from .localstack import aws, state
from .localstack.scheduler import scheduled_event


def register(subparsers) -> None:
    p = subparsers.add_parser("sweep", help="run one sanctions sweep now (or as if at --at)",
                              description=__doc__.split("\n\n")[0])
    p.add_argument("--at", help="the sweep's time, ISO 8601 (default now); no offset means UTC")
    p.add_argument("--state-dir", help=f"the local stack's state (default ${state.HOME_ENV} or .local/)")
    p.add_argument("--from-env", action="store_true",
                   help="use the AWS environment as configured instead of the local stack")
    p.set_defaults(func=run)


def parse_at(text: str | None) -> datetime:
    """`--at` as an aware UTC time; ValueError (one line, for the user) for anything else, including
    years near datetime's edges (`9999-12-31T23:59:59-14:00` would overflow in UTC)."""
    if text is None:
        return datetime.now(timezone.utc)
    try:
        return to_utc(parse_iso(text))
    except ValueError as why:
        raise ValueError(f"--at {text[:40]!r}: {why} (e.g. 2026-03-02T08:00:00+07:00)") from None


def point_at_local_stack(dev: dict) -> None:
    """The environment of the running stack, before chalicelib reads it (as `dev` does)."""
    env = aws.aws_env(dev["aws_endpoint"], region=dev.get("region", aws.LOCAL_REGION),
                      dynamodb_endpoint=dev.get("dynamodb_endpoint"),
                      table_prefix=dev["table_prefix"], stage=dev.get("stage", aws.LOCAL_STAGE))
    env["COMPLAINTS_STREAM_ARN"] = dev["stream_arn"]
    if dev.get("outbox_path"):
        env["OUTBOX_PATH"] = dev["outbox_path"]       # the same outbox file the stack writes
    env.update(dev.get("app_env") or {})             # its staff, channels and people key, too
    aws.apply_env(env)


def run(args) -> int:
    try:
        at = parse_at(args.at)
    except ValueError as why:
        print(f"lampungin sweep: {why}", file=sys.stderr)
        return 2
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or aws.LOCAL_REGION
    if not args.from_env:
        try:
            dev = state.read_dev_state(state.state_dir(args.state_dir))
        except state.StackNotRunning as why:
            print(f"lampungin sweep: {why} (or pass --from-env)", file=sys.stderr)
            return 1
        point_at_local_stack(dev)
        region = dev.get("region", region)
    # lazy: chalicelib reads its settings from the environment at import, set just above
    from chalicelib.handlers import run_sweep
    event = scheduled_event("sweep", at, region)
    result = run_sweep(event)
    print(json.dumps(result, default=str, sort_keys=True))
    return 0
