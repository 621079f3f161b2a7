"""The small parts of Open311 on their own: a title from a description, the date window, the XML
text of a value, a file name's format, and keys that are refused before any read."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.api.open311 import base_url
from chalicelib.api.open311_http import format_of
from chalicelib.api.open311_xml import document, text
from chalicelib.domain.errors import Invalid
from chalicelib.services.open311 import MAX_WINDOW, title_of, window
from chalicelib.services.open311_keys import InvalidClient, issue, verify
from tests.fakes_open311 import FakeApiKeyStore

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(("description", "title"), [
    ("Jalan rusak di Jl. Kartini.\nSudah dua bulan.", "Jalan rusak di Jl. Kartini."),
    ("\n\n  Judul:  Banjir di Rajabasa \n\ndetail", "Banjir di Rajabasa"),
    ("title: ok", "Layanan umum"),                                 # too short to say anything
    ("kata " * 40, ("kata " * 16).strip() + "…"),                  # cut at a word near 80
    ("x" * 200, "x" * 80 + "…"),                                   # no word to cut at
])
def test_a_title_from_the_description(description, title):
    assert title_of(description, "Layanan umum") == title


def test_the_window_defaults_and_limits():
    assert window(None, None, NOW) == window(NOW - MAX_WINDOW, None, NOW + timedelta(days=999))
    w = window(None, NOW, NOW)
    assert (w.start, w.end) == (NOW - MAX_WINDOW, NOW) and w.holds(NOW) and not w.holds(NOW + timedelta(seconds=1))
    assert window(NOW, NOW, NOW).holds(NOW)
    with pytest.raises(Invalid) as reversed_:
        window(NOW, NOW - timedelta(seconds=1), NOW)
    assert reversed_.value.details["field"] == "end_date"
    with pytest.raises(Invalid) as too_long:
        window(NOW - MAX_WINDOW - timedelta(seconds=1), NOW, NOW)
    assert too_long.value.details == {"field": "start_date", "days": 90}


def test_xml_text_and_documents():
    assert [text(v) for v in (None, True, False, -5.43, 7, "a\x00b\x1fc\ud800d\ufffe")] == [
        "", "true", "false", "-5.43", "7", "abcd"]
    raw = document("discovery", {"endpoints": [{"formats": ["text/xml"]}], "note": "<&>"})
    assert raw == (b'<?xml version="1.0" encoding="UTF-8"?>\n<discovery><endpoints><endpoint><formats>'
                   b'<format>text/xml</format></formats></endpoint></endpoints><note>&lt;&amp;&gt;</note></discovery>')
    assert document("errors", []).endswith(b"<errors />")


@pytest.mark.parametrize(("name", "expected"), [
    ("ADU-261127-ABCDEFG.json", ("ADU-261127-ABCDEFG", "json")), ("izin.berusaha.xml", ("izin.berusaha", "xml")),
    ("x.JSON", ("x.JSON", None)), (".json", (".json", None)), ("plain", ("plain", None))])
def test_a_file_names_format(name, expected):
    assert format_of(name) == expected


def test_keys_of_the_wrong_shape_cost_no_read_and_names_are_slugs():
    store = FakeApiKeyStore()
    record, key = issue(store, "fms", NOW)
    assert verify(store, key) == record and store.calls["get"] == 1
    for bad in (None, 5, "", key + ".", key.upper(), key.replace(".", ":"), "o311k" + "g" * 12 + "." + "A" * 43):
        assert verify(store, bad) is None
    assert store.calls["get"] == 1
    for name in ("Fms", "a", "-fms", "fms_app", "x" * 41):
        with pytest.raises(InvalidClient):
            issue(store, name, NOW)


class _Request:
    def __init__(self, context=None, headers=None):
        self.context, self.headers = context or {}, headers or {}


@pytest.mark.parametrize(("context", "headers", "url"), [
    ({"domainName": "abc.execute-api.ap-southeast-3.amazonaws.com", "path": "/api/open311/v2/discovery.json",
      "resourcePath": "/open311/v2/discovery.json"}, {}, "https://abc.execute-api.ap-southeast-3.amazonaws.com/api/open311/v2"),
    ({"domainName": "api.lampungin.id", "path": "/open311/v2/discovery.xml",
      "resourcePath": "/open311/v2/discovery.xml"}, {}, "https://api.lampungin.id/open311/v2"),
    ({}, {"host": "127.0.0.1:8000"}, "http://127.0.0.1:8000/open311/v2"),
    ({}, {"host": "evil.example/<script>"}, "/open311/v2"),            # not a host name: no echo
    ({"domainName": "x.id", "path": "/a/b/../open311/v2/discovery.json", "resourcePath": "/open311/v2/discovery.json"},
     {}, "https://x.id/open311/v2"),
])
def test_the_discovery_url(context, headers, url):
    assert base_url(_Request(context, headers)) == url
