"""Paging, once: the page limit, the one cursor codec, and the loops every listing uses.

Why one codec: three were written (one validated with `assert`, which `python -O` strips, and a
forged cursor became a 500). A cursor is a small flat JSON object of strings and integers, url-safe
base64 without padding. Decoding checks everything a caller can forge — length, alphabet, base64,
JSON, exactly the expected names, each value's type and shape — and raises BadCursor (400), never
anything else. The values name a position only: the partition to read always comes from the
current query, so a cursor can never widen what a caller reads.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from .ports import BadCursor, Page

MAX_LIMIT = 100                     # one page, and one BatchGetItem (100 keys at most)
MAX_CURSOR_CHARS = 1024
MAX_VALUE_CHARS = 256
MAX_STORE_PAGES = 5                 # store pages one filtered request may read
_TOKEN = re.compile(rf"[A-Za-z0-9_-]{{1,{MAX_CURSOR_CHARS}}}")     # ASCII only, bounded
Rule = object    # str | int (any of that type), a compiled pattern, or the one value allowed


def check_limit(limit: int) -> int:
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be 1..{MAX_LIMIT}")
    return limit


def query_tag(*parts) -> str:
    """A short fingerprint of the query a cursor belongs to: a cursor from another query (other
    filters, other caller scope) is refused instead of silently continuing somewhere else."""
    raw = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def encode_cursor(fields: Mapping[str, str | int]) -> str:
    for name, value in fields.items():
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise TypeError(f"cursor field {name!r} must be a string or an integer")
    raw = json.dumps(dict(fields), sort_keys=True, separators=(",", ":"))
    token = base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")
    if len(token) > MAX_CURSOR_CHARS:
        raise ValueError("cursor too long")          # our own key: a bug, not a bad request
    return token


def decode_cursor(token: object, spec: Mapping[str, Rule]) -> dict:
    """The fields of a cursor made by encode_cursor, checked against `spec` (name -> rule)."""
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        raise BadCursor("not a cursor")
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        data = json.loads(raw.decode("ascii"), parse_float=_refuse, parse_constant=_refuse)
    except (ValueError, UnicodeDecodeError, binascii.Error, RecursionError):
        raise BadCursor("unreadable cursor") from None
    if not isinstance(data, dict) or set(data) != set(spec):
        raise BadCursor("not a cursor of this listing")
    for name, rule in spec.items():
        if not _fits(data[name], rule):
            raise BadCursor(f"bad cursor field {name}")
    return data


def _refuse(text):
    raise ValueError(f"{text[:20]} is not allowed in a cursor")


def _fits(value, rule) -> bool:
    if isinstance(value, str):
        if not (0 < len(value) <= MAX_VALUE_CHARS and value.isascii() and value.isprintable()):
            return False
    elif isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2 ** 53:
        return False
    if rule is str or rule is int:
        return type(value) is rule
    if isinstance(rule, re.Pattern):
        return isinstance(value, str) and rule.fullmatch(value) is not None
    return type(value) is type(rule) and value == rule


def all_pages(fetch: Callable[[str | None], Page]) -> Iterator:
    """Every item of a paged listing: fetch(cursor) -> Page, until `next` is None."""
    cursor = None
    while True:
        page = fetch(cursor)
        yield from page.items
        cursor = page.next
        if not cursor:
            return


def fill_page(fetch: Callable[[str | None], Page], *, limit: int, cursor: str | None,
              cursor_after: Callable[[Any], str], keep: Callable[[Any], bool] | None = None,
              max_fetches: int = MAX_STORE_PAGES) -> Page:
    """Up to `limit` items that `keep`, reading store pages until the page is full.

    Filtering before paging: a page is shorter than `limit` only when the store is exhausted
    (next is None) or `max_fetches` store pages were read (next continues after the last one).
    When the page fills in the middle of a store page, `cursor_after(item)` names that exact item,
    so the next request resumes there and nothing is skipped or repeated."""
    check_limit(limit)
    out: list = []
    for _ in range(max_fetches):
        page = fetch(cursor)
        kept = [item for item in page.items if keep is None or keep(item)]
        room = limit - len(out)
        out += kept[:room]
        if len(kept) > room:                  # more wanted items on this very store page
            return Page(out, cursor_after(out[-1]))
        if len(kept) == room:                 # full, and nothing after it here is wanted
            return Page(out, page.next)
        cursor = page.next
        if cursor is None:
            return Page(out, None)
    return Page(out, cursor)
