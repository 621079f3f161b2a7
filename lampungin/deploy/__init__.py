"""The deploy tooling: everything between a checkout and a running stage, none of it in the Lambda.

* `infra` — generates infra/*.json (CloudFormation) and .chalice/policy-*.json from tables.py:
  `python -m lampungin.deploy.infra [--check]`. Its parts: `conventions` (stages, names, stream
  settings), `resources` (tables, bucket, DLQ, topics, user pool), `alarms`, `app_settings` (the
  app's environment and the stack outputs that carry it) and `policy` (the Lambdas' IAM policy).
* `package` — `make package` / `make vendor`: the manylinux durable_rules build vendored, the
  Chalice zip refused unless the engine is inside, and the unpacked zip smoke-run:
  `python -m lampungin.deploy.package [--stage dev | --vendor-only]`.
* `chalice_deploy` — deployment path (a) around `chalice deploy`: the stage config from the infra
  stack's outputs, the pre-deploy check, the stream settings Chalice cannot set:
  `python -m lampungin.deploy.chalice_deploy {stage-config,check,stream-settings,all}` (tools/*).

docs/deploy.md is the walk-through. It reads chalicelib (the tables), chalicelib never reads it,
and `chalice package` never ships it (only app.py, chalicelib/ and vendor/).
"""
