# Lampung In — the two commands: `make run` and `make test`. Both work on a fresh clone.
SHELL := /bin/bash
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bundle check bench package clean

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	@py=$$(tools/find-python) || exit 1; \
	  [ -x $(BIN)/python ] || $$py -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade 'pip<26.3'
	$(BIN)/python -m pip install -q -r requirements-dev.txt -e .
	@touch $@

bundle: $(STAMP)
	$(BIN)/lampungin rules build

run: bundle
	$(BIN)/lampungin dev --port $(PORT)

test: bundle
	$(BIN)/lampungin rules check
	$(BIN)/python -m pytest -q

bench: bundle
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) .local chalicelib/rules/bundle
