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
	@echo "make test   - ruff, mypy, cfn-lint and pytest"
	@echo "make serve  - serve the site in .newsprism/site on http://127.0.0.1:8000/"

$(STAMP): pyproject.toml layers/core/requirements.txt
	@if [ -z "$(PYTHON)" ]; then echo "error: Python 3.12 not found (set PYTHON=/path/to/python3.12)" >&2; exit 1; fi
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
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

cfn-lint: $(STAMP)
	$(BIN)/cfn-lint template.yaml

pytest: $(STAMP)
	$(BIN)/pytest -q

test: lint typecheck cfn-lint pytest

clean:
	rm -rf $(VENV) .newsprism .aws-sam .mypy_cache .ruff_cache .pytest_cache
