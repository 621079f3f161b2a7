# Lampung In — the two commands: `make run` and `make test`. Both work on a fresh clone.
SHELL := /bin/bash
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint audit bundle check bench package vendor clean docs-viewer sam-translator web browser-test deploy-web

$(STAMP): requirements.txt requirements-dev.txt requirements-vendor.txt pyproject.toml
	@py=$$(tools/find-python) || exit 1; \
	  [ -x $(BIN)/python ] || $$py -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade 'pip<26.3'
	$(BIN)/python -m pip install -q -r requirements-dev.txt -e .
	@touch $@

bundle: $(STAMP) docs-viewer
	$(BIN)/lampungin rules build

# The viewer of GET /docs (Redoc, from the npm registry, integrity-checked) into
# chalicelib/api/docs_viewer/, once (lampungin/docs_viewer.py). Offline it says so and goes on:
# /docs then answers 404 and everything else works.
docs-viewer: $(STAMP)
	-@$(BIN)/python -m lampungin.docs_viewer

# The web console (web/, Vite + TypeScript from the npm registry, package-lock.json) built into
# web/dist/ (git-ignored), which `lampungin dev` serves at / (lampungin/localstack/webconsole.py).
# npm ci runs only when the lock file changes, the build only when a source changes.
WEB_DEPS := web/node_modules/.ci-stamp
WEB_SRC := $(wildcard web/src/*.ts web/src/*.css) web/index.html web/vite.config.ts web/tsconfig.json web/package.json
$(WEB_DEPS): web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	@touch $@
web/dist/index.html: $(WEB_DEPS) $(WEB_SRC)
	cd web && npm run build
web: web/dist/index.html

# The web console in real headless Chromium (Debian's `chromium`: apt-get install -y chromium),
# against its own `lampungin dev --store memory`; screenshots into build/screenshots/.
browser-test: bundle web
	cd web && npm run browser-test

# The console's map tiles for `make run`: OpenStreetMap's standard tiles with their attribution,
# unless LAMPUNGIN_MAP_TILES is set (`make run LAMPUNGIN_MAP_TILES=` turns the map off). The console
# probes one tile first and works without the map when it does not load (offline). Only `make run`
# sets this: `lampungin dev` alone and the tests have no tiles unless told.
LAMPUNGIN_MAP_TILES ?= https://tile.openstreetmap.org/{z}/{x}/{y}.png
LAMPUNGIN_MAP_ATTRIBUTION ?= &copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>

run: bundle web
	LAMPUNGIN_MAP_TILES='$(LAMPUNGIN_MAP_TILES)' LAMPUNGIN_MAP_ATTRIBUTION='$(LAMPUNGIN_MAP_ATTRIBUTION)' \
	  $(BIN)/lampungin dev --port $(PORT) $(if $(SHADOW),--shadow $(SHADOW))

# Lint and types over the whole tree (settings in pyproject.toml): ruff (with its S rules, the
# security linter), then mypy.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

# Supply chain: pip-audit over every pin of requirements*.txt and the installed environment. Fails on
# a known-vulnerable dependency when a vulnerability service answers; when none does (offline), it
# says on stderr that the audit could NOT run and goes on (AUDIT_STRICT=1: fail then too).
audit: $(STAMP)
	SUPPLY_CHAIN_STRICT=$(AUDIT_STRICT) $(BIN)/python -m lampungin.deploy.supply_chain

# SAM's transform in its own venv (requirements-sam.txt says why), for the path (b) deploy smoke.
SAM_STAMP := $(VENV)/sam/.installed
$(SAM_STAMP): requirements-sam.txt $(STAMP)
	@py=$$(tools/find-python) || exit 1; \
	  [ -x $(VENV)/sam/bin/python ] || $$py -m venv $(VENV)/sam
	$(VENV)/sam/bin/python -m pip install -q -r requirements-sam.txt
	@touch $@
sam-translator: $(SAM_STAMP)

test: bundle lint audit sam-translator web
	$(BIN)/lampungin rules check
	$(BIN)/python -m pytest -q
	$(MAKE) browser-test

# The Lambda zip (python3.12 x86_64) with a manylinux durable_rules vendored, checked and smoke-run:
# build/package/$(STAGE)/{deployment.zip,sam.json}. Fails loudly if the engine is missing. Builds the web
# console's assets too (web/dist/; not in the zip: `make deploy-web` deploys them).
STAGE ?= dev
package: bundle web
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m lampungin.deploy.package --stage $(STAGE)

# The web console (web/dist/) into the stage's bucket behind CloudFront, config.json from the stack's
# outputs, index.html and config.json invalidated (lampungin/deploy/web.py; docs/deploy.md). ARGS: e.g.
# --stack lampungin-dev (path b) or --api-url URL.
deploy-web: web
	$(BIN)/python -m lampungin.deploy.web --stage $(STAGE) $(ARGS)

# Only the engine into vendor/ (before a plain `chalice deploy`).
vendor: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m lampungin.deploy.package --vendor-only

# Figures, not a test (not part of `make test`): bench/results.json and a table, each figure a median
# over repeated runs beside its floor (docs/performance.md). BIG=1 adds the large sizes (hours);
# QUICK=1 runs tiny sizes to check the harness.
bench: bundle
	$(BIN)/python benchmarks/run_all.py $(if $(BIG),--big) $(if $(QUICK),--quick)

clean:
	rm -rf $(VENV) .local chalicelib/rules/bundle chalicelib/api/docs_viewer build vendor web/node_modules web/dist
