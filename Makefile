# Two commands do all set-up on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CONFIG ?= config/config.yaml
# The CPU build of torch lies on disk on our machines; elsewhere pip takes it from PyPI.
FIND_LINKS := $(if $(wildcard /opt/wheels),--find-links /opt/wheels,)
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha256sum | cut -c1-16)

.PHONY: venv models run test lint format clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install -q --disable-pip-version-check $(FIND_LINKS) -e '.[stack,export,dev]'
	@rm -f $(VENV)/.installed-* && touch $@

# Builds (or reuses from the content-hash cache) the Triton model versions that are missing.
models: venv
	$(BIN)/python -m export build --if-missing

run: models
	$(BIN)/python -m stack.run --config $(CONFIG)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: models lint
	$(BIN)/python -m pytest -q -rs

clean:
	rm -rf .build .pytest_cache .ruff_cache

include mk/containers.mk
include mk/bench.mk
