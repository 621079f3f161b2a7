"""A tiny schema language for the policy files: each check reports `file:line` problems.

Why not JSON Schema: its messages name JSON pointers in English; policy officers need the YAML
line and a sentence in Indonesian. Validators are plain functions (ctx, value, parent, key).
"""
from __future__ import annotations

import re
from datetime import date, datetime

from .messages import Problem, Words, did_you_mean
from .ranges import Range
from .source import BadDate, LineDict, impossible_date, line_of


class Ctx:
    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []

    def add(self, line: int, code: str, /, **params) -> None:
        self.problems.append(Problem(self.file, line, code, params))


def _type(expected: Words, test):
    def validate(ctx, value, parent, key) -> bool:
        if test(value):
            return True
        ctx.add(line_of(parent, key), "wrong_type", key=key, expected=expected, got=value)
        return False
    return validate


text = _type(Words("teks", "text"), lambda v: isinstance(v, str) and v.strip() != "")
integer = _type(Words("bilangan bulat", "a whole number"), lambda v: isinstance(v, int) and not isinstance(v, bool))
number = _type(Words("angka", "a number"), lambda v: isinstance(v, (int, float)) and not isinstance(v, bool))
boolean = _type(Words("'true' atau 'false'", "'true' or 'false'"), lambda v: isinstance(v, bool))
anything = _type(Words("nilai", "a value"), lambda v: True)
_date_type = _type(Words("tanggal YYYY-MM-DD", "a date YYYY-MM-DD"), lambda v: False)


def iso_date(ctx, value, parent, key) -> bool:
    """A day, written YYYY-MM-DD without quotes (YAML then gives a date). A day that does not exist
    was already reported where the file was read (SourceFile.bad_dates); one written in quotes is
    checked here too, so that 2026-02-30 is "does not exist" however it was written."""
    if isinstance(value, BadDate):
        return False
    if isinstance(value, datetime):
        ctx.add(line_of(parent, key), "date_with_time", key=key, got=value.isoformat(sep=" "))
        return False
    if isinstance(value, date):
        return True
    return date_text(ctx, value, line_of(parent, key), key) or _date_type(ctx, value, parent, key)


def date_text(ctx, value, line: int, key) -> bool:
    """A text written like a date: report it (a day that does not exist, or quotes) and say so."""
    if not isinstance(value, str) or isinstance(value, BadDate):
        return False
    why = impossible_date(value)
    if why is not None:
        ctx.add(line, "bad_date", text=value.strip(), why=why)
        return True
    if re.match(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", value.strip()):
        ctx.add(line, "date_quoted", key=key, got=value)
        return True
    return False


def one_of(*choices):
    def validate(ctx, value, parent, key) -> bool:
        if value in choices:
            return True
        ctx.add(line_of(parent, key), "bad_value", key=key, got=value, allowed=", ".join(map(str, choices)),
                suggestion=did_you_mean(value, choices))
        return False
    return validate


def within(declared: Range, name: str | None = None):
    """A number (a whole one when the range says so) inside its declared range (ranges.py); the
    message names the parameter (`name`) rather than the `value` key it is written under."""

    def validate(ctx, value, parent, key) -> bool:
        if not (integer if declared.whole else number)(ctx, value, parent, key):
            return False
        if declared.allows(value):
            return True
        ctx.add(line_of(parent, key), "bad_value", key=name or key, got=value, allowed=declared.describe())
        return False
    return validate


def list_of(item_validator, allow_empty=True):
    def validate(ctx, value, parent, key) -> bool:
        if not isinstance(value, list) or (not allow_empty and not value):
            ctx.add(line_of(parent, key), "not_list", where=key)
            return False
        return all([item_validator(ctx, item, value, i) for i, item in enumerate(value)])
    return validate


def record(required: dict, optional: dict | None = None, where: str | None = None):
    """A mapping with these keys: required ones must be there, no others are allowed."""
    optional = optional or {}

    def validate(ctx, value, parent, key) -> bool:
        name = where or str(key)
        if not isinstance(value, dict):
            ctx.add(line_of(parent, key), "not_mapping", where=name)
            return False
        ok = check_duplicates(ctx, value)
        for k, validator in {**required, **optional}.items():
            if k in value:
                ok &= bool(validator(ctx, value[k], value, k))
            elif k in required:
                ctx.add(line_of(value), "missing_key", key=k, where=name)
                ok = False
        allowed = ", ".join([*required, *optional])
        for k in value:
            if k not in required and k not in optional:
                ctx.add(line_of(value, k), "unknown_key", key=k, where=name, allowed=allowed,
                        suggestion=did_you_mean(k, [*required, *optional]))
                ok = False
        return ok
    return validate


def check_duplicates(ctx, node) -> bool:
    for dup, line in getattr(node, "duplicates", []) if isinstance(node, LineDict) else []:
        ctx.add(line, "duplicate_key", key=dup)
    return not getattr(node, "duplicates", [])


translation = record({"id": text, "en": text})


def english_name(ctx, value, parent, key) -> bool:
    """`en` of a name: a text that is not empty (left out while there is no translation)."""
    if isinstance(value, str) and value.strip():
        return True
    ctx.add(line_of(parent, key), "name_en_bad", got=value)
    return False


def display_name(ctx, value, parent, key) -> bool:
    """The name people read of an OPD, a unit, a category or a government: a text (Indonesian,
    shown as is in every language), or `{id: text, en: text}` with the English name (`en` is
    optional: without it the Indonesian name is shown in English too)."""
    if isinstance(value, dict):
        return record({"id": text}, {"en": english_name}, where=f"{key}")(ctx, value, parent, key)
    if isinstance(value, str) and value.strip():
        return True
    ctx.add(line_of(parent, key), "wrong_type", key=key, got=value,
            expected=Words("teks, atau {id: teks, en: teks}", "a text, or {id: text, en: text}"))
    return False


def name_id(value) -> str:
    """The Indonesian name of a checked `name` (a text, or {id, en})."""
    return str(value["id"]) if isinstance(value, dict) else str(value)


def name_en(value) -> str | None:
    """The English name of a checked `name`, or None when it has none."""
    return str(value["en"]) if isinstance(value, dict) and value.get("en") else None


def bundle_names(value) -> dict:
    """A checked `name` as the bundle carries it: `name` (Indonesian) and `name_en` (English, or
    null when none is written), so the Lambdas answer either language without the YAML."""
    return {"name": name_id(value), "name_en": name_en(value)}


def check_file(source, validator) -> list[Problem]:
    """Run `validator` on a parsed file (a YAML error is itself the problem)."""
    ctx = Ctx(source.rel)
    if source.error:
        ctx.add(source.error[0], "yaml", detail=source.error[1])
    elif not isinstance(source.data, dict):
        ctx.add(1, "not_mapping", where=source.rel)
    else:
        validator(ctx, source.data, None, source.rel)
    return ctx.problems
