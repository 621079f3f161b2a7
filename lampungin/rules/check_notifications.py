"""Checks of the notification templates (rules/notifications/*.yaml), each as `file:line`.

    templates:
      citizen.info_requested:                 # a type of chalicelib/domain/notification_types.py
        id: {title: "...", body: "... {note} ..."}
        en: {title: "...", body: "..."}

Per file (`shapes`): the layout above, no empty text, only plain `{name}` fields (the parser the
Lambda renders with, chalicelib/rules/templates.py) and only the placeholders TYPES allows for the
type. Across files (`cross`): no type written twice, and every type in TYPES has a template.
"""
from __future__ import annotations

from chalicelib.domain.notification_types import TYPES
from chalicelib.rules.templates import LANGUAGES, PARTS, TemplateError, parse

from .messages import Problem
from .schema import Ctx, check_duplicates, check_file, record
from .source import Sources, line_of

KIND = "notifications"


def shapes(sources: Sources) -> list[Problem]:
    return [p for source in sources.of(KIND) for p in check_file(source, NOTIFICATION_FILE)]


def cross(sources: Sources) -> list[Problem]:
    """Run after `shapes` found nothing: every file then has a `templates` mapping."""
    problems: list[Problem] = []
    seen: dict[str, str] = {}                # type -> "file:line" of its template
    home: dict[str, tuple[str, int]] = {}    # "citizen" -> the first file holding citizen.* types
    for source in sources.of(KIND):
        templates = source.data["templates"]
        for kind in templates:
            line = line_of(templates, kind)
            if kind in seen:
                problems.append(Problem(source.rel, line, "template_duplicate", {"type": kind, "first": seen[kind]}))
            seen.setdefault(kind, f"{source.rel}:{line}")
            home.setdefault(_audience(kind), (source.rel, line_of(source.data, "templates")))
    for kind in TYPES:
        if kind not in seen:
            file, line = home.get(_audience(kind), (f"rules/{KIND}", 1))
            problems.append(Problem(file, line, "template_missing", {"type": kind}))
    return problems


def _audience(kind: str) -> str:
    return kind.split(".", 1)[0]


def _templates(ctx: Ctx, value, parent, key) -> bool:
    """`templates:` type -> template; each type must be one TYPES knows."""
    if not isinstance(value, dict) or not value:
        ctx.add(line_of(parent, key), "not_mapping", where=key)
        return False
    ok = check_duplicates(ctx, value)
    for kind, template in value.items():
        if kind not in TYPES:
            ctx.add(line_of(value, kind), "template_unknown_type", type=kind, known=_known(str(kind)))
            ok = False
            continue
        languages = {lang: record({part: _text(kind, lang) for part in PARTS}, where=f"{kind}.{lang}")
                     for lang in LANGUAGES}
        ok &= record(languages, where=kind)(ctx, template, value, kind)
    return ok


def _known(kind: str) -> str:
    """The types of the same audience (citizen.*, staff.*), else all of them."""
    same = [t for t in TYPES if _audience(t) == _audience(kind)]
    return ", ".join(same or TYPES)


def _text(kind: str, lang: str):
    """A validator of one title or body of `kind` in `lang`."""
    def validate(ctx: Ctx, value, parent, key) -> bool:
        where, line = f"{kind}.{lang}.{key}", line_of(parent, key)
        if not isinstance(value, str):
            ctx.add(line, "template_not_text", key=key, where=f"{kind}.{lang}")
            return False
        if not value.strip():
            ctx.add(line, "template_empty", key=key, where=f"{kind}.{lang}")
            return False
        try:
            pieces = parse(value)
        except TemplateError as exc:
            ctx.add(line, f"template_{exc.kind}", where=where, text=exc.text)
            return False
        allowed = TYPES[kind]
        ok = True
        for name in dict.fromkeys(n for _, n in pieces if n is not None):
            if name not in allowed:
                ctx.add(line, "template_placeholder", where=where, text="{" + name + "}", type=kind,
                        allowed=", ".join("{" + a + "}" for a in sorted(allowed)))
                ok = False
        return ok
    return validate


NOTIFICATION_FILE = record({"templates": _templates})
