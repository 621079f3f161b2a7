"""A tiny schema language for the policy files: each check reports `file:line` problems.

Why not JSON Schema: its messages name JSON pointers in English; policy officers need the YAML
line and a sentence in Indonesian. Validators are plain functions (ctx, value, parent, key).
"""
from __future__ import annotations

from datetime import date

from .messages import Problem
from .source import LineDict, line_of


class Ctx:
    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []

    def add(self, line: int, code: str, /, **params) -> None:
        self.problems.append(Problem(self.file, line, code, params))


def _type(expected: str, test):
    def validate(ctx, value, parent, key) -> bool:
        if test(value):
            return True
        ctx.add(line_of(parent, key), "wrong_type", key=key, expected=expected, got=value)
        return False
    return validate


text = _type("teks / text", lambda v: isinstance(v, str) and v.strip() != "")
integer = _type("bilangan bulat / a whole number", lambda v: isinstance(v, int) and not isinstance(v, bool))
number = _type("angka / a number", lambda v: isinstance(v, (int, float)) and not isinstance(v, bool))
boolean = _type("true/false", lambda v: isinstance(v, bool))
iso_date = _type("tanggal YYYY-MM-DD / a date YYYY-MM-DD", lambda v: isinstance(v, date))
anything = _type("nilai / a value", lambda v: True)


def one_of(*choices):
    def validate(ctx, value, parent, key) -> bool:
        if value in choices:
            return True
        ctx.add(line_of(parent, key), "bad_value", key=key, got=value, allowed=", ".join(map(str, choices)))
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
                ctx.add(line_of(value, k), "unknown_key", key=k, where=name, allowed=allowed)
                ok = False
        return ok
    return validate


def check_duplicates(ctx, node) -> bool:
    for dup, line in getattr(node, "duplicates", []) if isinstance(node, LineDict) else []:
        ctx.add(line, "duplicate_key", key=dup)
    return not getattr(node, "duplicates", [])


translation = record({"id": text, "en": text})


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
