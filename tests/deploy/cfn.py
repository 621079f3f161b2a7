"""Just enough CloudFormation evaluation for the tests to read infra/stack.json the way AWS would
(Ref, Fn::Sub, Fn::If, Fn::GetAtt on known values). Test code only."""
from __future__ import annotations

import re


class Resolver:
    def __init__(self, refs: dict, conditions: dict | None = None, attrs: dict | None = None):
        self.refs, self.conditions, self.attrs = refs, conditions or {}, attrs or {}

    def __call__(self, node):
        if isinstance(node, list):
            return [self(n) for n in node]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            (fn, arg), = node.items()
            if fn == "Ref":
                return self.refs[arg]
            if fn == "Fn::Sub":
                return re.sub(r"\$\{([^}]+)\}", lambda m: str(self._name(m.group(1))), arg)
            if fn == "Fn::If":
                cond, yes, no = arg
                return self(yes if self.conditions[cond] else no)
            if fn == "Fn::GetAtt":
                return self.attrs[".".join(arg)]
        return {k: self(v) for k, v in node.items()}

    def _name(self, name: str):
        return self.attrs[name] if "." in name else self.refs[name]
