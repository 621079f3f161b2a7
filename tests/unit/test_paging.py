"""GIVEN the one cursor codec and the one paging loop, WHEN callers forge cursors or filter what
they page through, THEN every forgery is a BadCursor (the API's 400) and filtered pages are full."""
from __future__ import annotations

import base64
import json
import re

import pytest

from chalicelib.services.paging import (
    all_pages,
    check_limit,
    decode_cursor,
    encode_cursor,
    fill_page,
    query_tag,
)
from chalicelib.services.ports import BadCursor, Page

SPEC = {"q": "tag-1", "after": re.compile(r"[0-9]{4}#[A-Z]+"), "n": int, "id": str}
GOOD = {"q": "tag-1", "after": "2026#ABC", "n": 3, "id": "ADU-1"}


def b64(obj, pad=False) -> str:
    raw = base64.urlsafe_b64encode(json.dumps(obj).encode()).decode()
    return raw if pad else raw.rstrip("=")


def test_round_trip_is_url_safe_ascii_without_padding():
    token = encode_cursor(GOOD)
    assert re.fullmatch(r"[A-Za-z0-9_-]+", token)
    assert decode_cursor(token, SPEC) == GOOD


FORGED = [
    None, 7, "", " ", "²", "٣٣٣", "a" * 5000, "not a cursor", "!!!!", "A", "AAAAA",
    b64(GOOD, pad=True),                                       # '=' is not in the alphabet
    b64([]), b64("x"), b64(None), b64(1),
    b64({**GOOD, "q": None}), b64({**GOOD, "after": None}), b64({**GOOD, "n": None}),
    b64({**GOOD, "q": "tag-2"}),                               # a cursor of another query
    b64({**GOOD, "after": "2026-13-99"}), b64({**GOOD, "id": ""}), b64({**GOOD, "id": "é"}),
    b64({**GOOD, "id": "x" * 300}), b64({**GOOD, "id": 5}), b64({**GOOD, "n": "3"}),
    b64({**GOOD, "n": True}), b64({**GOOD, "n": 1.5}), b64({**GOOD, "n": -1}), b64({**GOOD, "n": 2 ** 60}),
    b64({**GOOD, "id": {"S": "x"}}), b64({**GOOD, "id": ["x"]}),
    b64({k: v for k, v in GOOD.items() if k != "n"}), b64({**GOOD, "extra": 1}),
    base64.urlsafe_b64encode(b'{"q": NaN}').decode(), base64.urlsafe_b64encode(b"\xff\xfe").decode(),
    base64.urlsafe_b64encode(b"[" * 600).decode(),
]


@pytest.mark.parametrize("token", FORGED, ids=range(len(FORGED)))
def test_forged_cursors_are_bad_cursors(token):
    with pytest.raises(BadCursor):
        decode_cursor(token, SPEC)


def test_encoding_refuses_what_decoding_would_refuse():
    with pytest.raises(TypeError):
        encode_cursor({"n": 1.5})
    with pytest.raises(TypeError):
        encode_cursor({"n": None})
    with pytest.raises(ValueError):
        encode_cursor({"id": "x" * 2000})


def test_query_tags_differ_per_query():
    assert query_tag("by_opd", "DINKES", {}) == query_tag("by_opd", "DINKES", {})
    assert query_tag("by_opd", "DINKES", {}) != query_tag("by_opd", "DISDIK", {})


@pytest.mark.parametrize("limit", [0, 101, -1, True, 1.0, "5"])
def test_limit_is_1_to_100(limit):
    with pytest.raises(ValueError):
        check_limit(limit)


class Store:
    """Items 0..n-1 in order; a page of `size` from a cursor "after:<i>"; counts its fetches."""

    def __init__(self, n: int, size: int):
        self.n, self.size, self.fetches = n, size, 0

    def fetch(self, cursor):
        self.fetches += 1
        start = 0 if cursor is None else int(cursor.split(":")[1]) + 1
        items = list(range(start, min(start + self.size, self.n)))
        more = start + self.size < self.n
        return Page(items, f"after:{items[-1]}" if more else None)


def page_through(store, limit, keep):
    seen, cursor, pages = [], None, []
    while True:
        page = fill_page(store.fetch, limit=limit, cursor=cursor, keep=keep,
                         cursor_after=lambda i: f"after:{i}")
        pages.append(page.items)
        seen += page.items
        cursor = page.next
        if cursor is None:
            return seen, pages


@pytest.mark.parametrize("limit", [1, 3, 7, 10])
def test_filtered_pages_are_full_and_resume_mid_store_page(limit):
    keep = lambda i: i % 3 != 0
    seen, pages = page_through(Store(50, limit), limit, keep)
    assert seen == [i for i in range(50) if keep(i)]
    assert all(len(p) == limit for p in pages[:-1]) and 0 < len(pages[-1]) <= limit


def test_an_unfiltered_page_is_one_fetch_and_the_last_page_has_no_next():
    store = Store(20, 10)
    first = fill_page(store.fetch, limit=10, cursor=None, cursor_after=str)
    second = fill_page(store.fetch, limit=10, cursor=first.next, cursor_after=str)
    assert (first.items, second.items, second.next, store.fetches) == (list(range(10)), list(range(10, 20)),
                                                                       None, 2)


def test_the_store_page_cap_gives_a_short_page_that_continues():
    store = Store(100, 5)
    page = fill_page(store.fetch, limit=5, cursor=None, cursor_after=str, keep=lambda i: i >= 60,
                     max_fetches=5)
    assert page.items == [] and page.next == "after:24" and store.fetches == 5
    seen, _ = page_through(Store(100, 5), 5, lambda i: i >= 60)
    assert seen == list(range(60, 100))


def test_all_pages_follows_every_cursor():
    assert list(all_pages(Store(23, 5).fetch)) == list(range(23))
