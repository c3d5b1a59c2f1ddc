# newsprism: `make demo` and `make test` are the whole setup on a fresh machine.
.DEFAULT_GOAL := help
SHELL := /bin/bash

# Python 3.12 is what Lambda runs. pyenv machines have a python3.12 shim that fails unless
# 3.12 is selected, so each candidate is tried rather than trusted.
PYTHON ?= $(shell for p in python3.12 $$HOME/.pyenv/versions/3.12*/bin/python3.12 \
	/usr/local/bin/python3.12 /usr/bin/python3.12; do \
	if "$$p" -c 'import sys; assert sys.version_info[:2] == (3, 12)' 2>/dev/null; then \
	echo "$$p"; break; fi; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: help venv demo test lint typecheck cfn-lint pytest serve clean

help:
	@echo "make demo   - install, run the whole pipeline offline on bundled sample feeds"
	@echo "make test   - ruff, mypy, cfn-lint, checkov, sam validate, sam build and pytest"
	@echo "make serve  - serve the site in .newsprism/site on http://127.0.0.1:8000/"
	@echo "make local-aws - the template's stack on a moto server (S3, SQS, EventBridge), :5000"

# The first `make demo` is often a newcomer's first command: pip shows what it downloads and
# how far it is, rather than minutes of silence. Every other target installs quietly.
PIP_QUIET := --quiet
demo: PIP_QUIET :=

$(STAMP): pyproject.toml layers/core/requirements.txt
	@if [ -z "$(PYTHON)" ]; then echo "error: Python 3.12 not found (set PYTHON=/path/to/python3.12)" >&2; exit 1; fi
	@echo "Creating the virtual environment $(VENV) with $(PYTHON)"
	$(PYTHON) -m venv $(VENV)
	@echo "Installing newsprism and its dependencies into $(VENV) (first run only: a few minutes)"
	$(BIN)/pip install $(PIP_QUIET) --upgrade pip
	$(BIN)/pip install $(PIP_QUIET) -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/python demo/run_demo.py

serve: $(STAMP)
	$(BIN)/newsprism serve

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

# Security lint (issue 9); exceptions are inline ("# why  # nosec BXXX"), config in pyproject.
.PHONY: bandit
bandit: $(STAMP)
	$(BIN)/bandit -c pyproject.toml -r layers functions demo infra bench -q

cfn-lint: $(STAMP)
	$(BIN)/cfn-lint template.yaml -a cfn_lint_serverless.rules

pytest: $(STAMP) test-deps
	$(BIN)/pytest -q

# Debian's Chromium and Hugo for tests/test_browser.py and tests/test_hugo.py (issue 7):
# installed when missing where we are root (CI); elsewhere those tests skip and say why.
.PHONY: test-deps
test-deps:
	@for tool in chromium hugo; do command -v $$tool >/dev/null && continue; \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$tool >/dev/null) \
	      || echo "warning: could not install $$tool; its tests will be skipped" >&2; \
	  else echo "note: $$tool missing (apt-get install -y $$tool): its tests will be skipped" >&2; fi; done

test: lint typecheck bandit cfn-lint checkov sam-validate sam-build pytest

# The earlier system's 525 digests (../shared/corpus), rebuilt and compared (issue #3).
.PHONY: conformance
conformance: $(STAMP)
	$(BIN)/python bench/conformance.py

# -- AWS checks and local AWS (issue 8) -----------------------------------------------------
# SAM CLI and checkov pin boto3 ranges that conflict with .venv and with each other, so each
# lives in its own venv under .venv-tools/, rebuilt when its pin file changes.
TOOLS := .venv-tools
SAM := $(TOOLS)/sam/bin/sam
CHECKOV := $(TOOLS)/checkov/bin/checkov
export SAM_CLI_TELEMETRY := 0

$(TOOLS)/%/.installed-stamp: infra/tools/%.txt
	@if [ -z "$(PYTHON)" ]; then echo "error: Python 3.12 not found (set PYTHON=/path/to/python3.12)" >&2; exit 1; fi
	rm -rf $(TOOLS)/$*
	$(PYTHON) -m venv $(TOOLS)/$*
	$(TOOLS)/$*/bin/pip install --quiet --upgrade pip
	$(TOOLS)/$*/bin/pip install --quiet -r $<
	touch $@

.PHONY: checkov sam-validate sam-build local-aws
checkov: $(TOOLS)/checkov/.installed-stamp
	$(CHECKOV) -f template.yaml --framework cloudformation --compact --quiet --skip-download

sam-validate: $(TOOLS)/sam/.installed-stamp
	$(SAM) validate --lint --region us-east-1

# `sam build` runs pip for the layer with the python3.12 on PATH (a pyenv shim may shadow it),
# downloading arm64 wheels from PyPI: no Docker needed.
sam-build: $(TOOLS)/sam/.installed-stamp
	PATH="$(dir $(PYTHON)):$$PATH" $(SAM) build

# A moto server standing in for S3, SQS and EventBridge, with the buckets, queues and rules of
# template.yaml; it prints the AWS_ENDPOINT_URL etc. that point the handlers or the CLI at it
# (docs/operations.md, "Local AWS").
local-aws: $(STAMP)
	$(BIN)/python infra/local_aws.py --port 5000

clean:
	rm -rf $(VENV) $(TOOLS) .newsprism .aws-sam .mypy_cache .ruff_cache .pytest_cache
