"""How the local store tells the developer something: `say` writes one line to stderr, and
`Unavailable` is the one-line reason DynamoDB Local cannot run here (no Java, no download, no port).
"""
from __future__ import annotations

import sys


class Unavailable(Exception):
    """DynamoDB Local cannot run here; the message is one line saying why and what to do."""


def say(message: str) -> None:
    print(f"lampungin: {message}", file=sys.stderr, flush=True)
