"""Notification templates (rules/notifications/), read from the bundle.

Policy staff word a title and a body per notification type, in Indonesian (`id`) and English
(`en`); the code fills in the `{name}` fields that chalicelib/domain/notification_types.py promises
for that type. Only plain `{name}` fields exist: no attribute or index access, no format spec or
conversion, so a template can never reach into an object, and a value is inserted as it is (braces
in a citizen's words are never read as fields). `{{` and `}}` write literal braces.
`lampungin rules check` refuses anything else; `parse` is the one definition both sides use.

    templates = bundle.templates
    title, body = templates.render("citizen.info_requested", "id",
                                   {"complaint_id": "ADU-...", "opd": "Dinas Kesehatan", "note": "..."})

A missing (or empty) value renders as "-"; a language without a template falls back to `id`.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from string import Formatter

from .model import RulesError

LANGUAGES = ("id", "en")
PARTS = ("title", "body")
DEFAULT_LANGUAGE = "id"
MISSING = "-"
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

Pieces = tuple[tuple[str, str | None], ...]


class TemplateError(RulesError, ValueError):
    """A template that is not plain text with `{name}` fields.

    kind: "brace" (an unbalanced `{` or `}`), "field" (`{x.y}`, `{x[0]}`, `{}`, `{0}`),
    "format" (`{x!r}`, `{x:>3}`); text: the offending field as written, when there is one."""

    def __init__(self, kind: str, text: str = ""):
        super().__init__(f"{kind}: {text}" if text else kind)
        self.kind = kind
        self.text = text


class UnknownTemplate(RulesError, KeyError):
    """No template for this notification type in the bundle."""

    def __str__(self) -> str:
        return f"no notification template for {self.args[0]!r}"


def parse(template: str) -> Pieces:
    """Split a template into (literal text, field name or None) pieces; TemplateError unless
    every field is a plain `{name}`."""
    try:
        parsed = list(Formatter().parse(template))
    except ValueError:
        raise TemplateError("brace") from None
    pieces: list[tuple[str, str | None]] = []
    for literal, name, spec, conversion in parsed:
        if name is None:
            pieces.append((literal, None))
        elif conversion or spec:
            tail = (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
            raise TemplateError("format", "{" + name + tail + "}")
        elif not NAME.fullmatch(name):
            raise TemplateError("field", "{" + name + "}")
        else:
            pieces.append((literal, name))
    return tuple(pieces)


def fields(template: str) -> list[str]:
    """The field names a (well-formed) template uses, in order of appearance."""
    return [name for _, name in parse(template) if name is not None]


def fill(pieces: Pieces, params: Mapping[str, object]) -> str:
    out = []
    for literal, name in pieces:
        out.append(literal)
        if name is not None:
            value = params.get(name)
            text = "" if value is None else str(value)
            out.append(text if text.strip() else MISSING)
    return "".join(out)


def _language(lang: str | None) -> str:
    """`en`, `en-US`, `EN` -> `en`; anything unknown -> `id`."""
    code = (lang or "").strip().lower().replace("_", "-").split("-")[0]
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


class Templates:
    """Every notification template of the bundle, parsed once."""

    def __init__(self, data: Mapping[str, Mapping[str, Mapping[str, str]]]):
        """data: {type: {"id": {"title", "body"}, "en": {"title", "body"}}} (bundle["notifications"]
        ["templates"]). Raises TemplateError for a template `rules check` would have refused."""
        self.data = data
        self._parsed: dict[str, dict[str, tuple[Pieces, Pieces]]] = {
            kind: {lang: (parse(texts["title"]), parse(texts["body"]))
                   for lang, texts in by_lang.items()}
            for kind, by_lang in data.items()}

    @property
    def types(self) -> frozenset[str]:
        return frozenset(self._parsed)

    def __contains__(self, kind: object) -> bool:
        return kind in self._parsed

    def text(self, kind: str, lang: str | None) -> dict[str, str]:
        """The raw {"title", "body"} of a type in a language (falling back to `id`)."""
        by_lang = self._by_lang(kind)
        return dict(by_lang.get(_language(lang)) or by_lang[DEFAULT_LANGUAGE])

    def render(self, kind: str, lang: str | None, params: Mapping[str, object]) -> tuple[str, str]:
        """(title, body) of notification type `kind` in `lang` with `params` filled in."""
        self._by_lang(kind)                       # UnknownTemplate
        by_lang = self._parsed[kind]
        title, body = by_lang.get(_language(lang)) or by_lang[DEFAULT_LANGUAGE]
        return fill(title, params), fill(body, params)

    def _by_lang(self, kind: str) -> Mapping[str, Mapping[str, str]]:
        if kind not in self.data:
            raise UnknownTemplate(kind)
        return self.data[kind]
