"""The deploy tooling: everything between a checkout and a running stage, none of it in the Lambda.

* `infra` — generates infra/*.json (CloudFormation) and .chalice/policy-*.json from tables.py:
  `python -m lampungin.deploy.infra [--check]`. Its parts: `conventions` (stages, names, stream
  settings), `resources` (tables, bucket, DLQ, topics, delivery queues, people key, user pool,
  log groups, deploy state, the user pool's hosted UI), `console` (the web console's bucket behind
  CloudFront), `alarms`, `dashboard`, `app_settings` (the app's environment, its secrets and the
  stack outputs that carry them) and `policy` (one IAM policy per function).
* `package` — `make package` / `make vendor`: the manylinux durable_rules build vendored, the
  Chalice zip refused unless the engine is inside, and the unpacked zip smoke-run:
  `python -m lampungin.deploy.package [--stage dev | --vendor-only]`.
* `chalice_deploy` — deployment path (a) around `chalice deploy`: the stage config from the infra
  stack's outputs, the pre-deploy check, the deploy itself (through `chalice_cli`), the stream
  settings Chalice cannot set, the API's throttling, all under the stage's lock with its deployed
  state kept in S3 (`state`):
  `python -m lampungin.deploy.chalice_deploy {stage-config,check,deploy,stream-settings,api-settings,all,`
  `delete,state,unlock}`.
* `gateway` — API Gateway's own answers in the contract's shape and the ANY methods for 405s, for
  both deployment paths; `chalice_cli` runs Chalice's CLI with them.
* `web` — `make deploy-web`: web/dist/ into the stage's console bucket, its config.json from the
  stack's outputs, CloudFront's copies of index.html and config.json invalidated:
  `python -m lampungin.deploy.web --stage dev`.
* `restore` — a table restored to a point in time (docs/runbooks.md).
* `supply_chain` — `make audit`: pip-audit over the pins and the environment.

docs/deploy.md is the walk-through. It reads chalicelib (the tables), chalicelib never reads it,
and `chalice package` never ships it (only app.py, chalicelib/ and vendor/).
"""
