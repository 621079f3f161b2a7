"""SAM's transform, as CloudFormation runs it on a template that declares
`Transform: AWS::Serverless-2016-10-31`. Test code only: run by the path (b) deploy smoke
(test_deploy_smoke_sam.py) with the interpreter of .venv/sam (requirements-sam.txt), since moto's
CloudFormation has no SAM.

    .venv/sam/bin/python tests/deploy/sam_transform.py PACKAGED.json OUT.json Stage=prod ...

The input is what `aws cloudformation package` leaves (every CodeUri an s3:// address); the output
is the plain CloudFormation template the stack is made from. No managed policy is named by the
templates (each function has its own inline policy), so the policy loader knows none. Errors are
SAM's own, one per line, exit 1."""
from __future__ import annotations

import json
import sys

from samtranslator.public.exceptions import InvalidDocumentException  # type: ignore[import-not-found]
from samtranslator.translator.transform import transform  # type: ignore[import-not-found]


class NoManagedPolicies:
    @staticmethod
    def load() -> dict:
        return {}


def main() -> int:
    source, target, *params = sys.argv[1:]
    template = json.loads(open(source, encoding="utf-8").read())
    values = dict(p.split("=", 1) for p in params)
    try:
        out = transform(template, values, NoManagedPolicies())
    except InvalidDocumentException as e:
        for cause in e.causes:
            print(cause.message, file=sys.stderr)
        return 1
    with open(target, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
