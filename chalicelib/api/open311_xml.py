"""Open311's XML (the format the spec requires; JSON is the same documents as JSON): built with
xml.etree, which escapes text, from the very dicts the JSON answers are made of.

    [{"service_code": "x", ...}]  with root "services", item "service"
    -> <?xml version="1.0" encoding="UTF-8"?><services><service><service_code>x</service_code>…

A dict becomes child elements in its key order; a list inside one becomes repeated elements named
by ITEMS (`formats` -> `<formats><format>…`); None an empty element; booleans `true`/`false`.
Characters XML 1.0 cannot carry at all (most C0 controls, lone surrogates) are dropped rather
than written into a document no parser would read. Nothing here parses XML: Open311 POSTs are
forms, so no untrusted XML ever reaches the service.
"""
from __future__ import annotations

import re
from functools import cache

DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
ITEMS = {"endpoints": "endpoint", "formats": "format", "attributes": "attribute", "values": "value",
         "errors": "error"}


@cache
def _not_xml() -> re.Pattern:
    """Compiled on first use: a few milliseconds of cold start that JSON answers never need."""
    return re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def text(value: object) -> str:
    """How one value reads in XML."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _not_xml().sub("", str(value))


def _fill(ET, element, value: object) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ET, ET.SubElement(element, key), child)
    elif isinstance(value, list):
        name = ITEMS.get(element.tag, "item")
        for child in value:
            _fill(ET, ET.SubElement(element, name), child)
    else:
        element.text = text(value)


def document(root: str, payload: dict | list, item: str | None = None) -> bytes:
    """The UTF-8 document of `payload`: a dict's fields under `root`, or a list's entries as
    `item` elements under it."""
    # builds and serialises only, never parses input; lazy: cold start cost only an XML answer pays
    import xml.etree.ElementTree as ET  # noqa: S405
    element = ET.Element(root)
    if isinstance(payload, list):
        for entry in payload:
            _fill(ET, ET.SubElement(element, item or ITEMS.get(root, "item")), entry)
    else:
        _fill(ET, element, payload)
    return DECLARATION + ET.tostring(element, encoding="utf-8", xml_declaration=False)
