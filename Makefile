# One entry point for the checks: CI runs `make check` (the README's test command), and so do
# reviewers.  Every tool is the project's virtualenv's, so a global ruff or mypy of another
# version never decides what passes.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: install check lint format types contracts test bench clean

install:
	$(PY) -m venv $(VENV) && $(BIN)/pip install -q -e '.[test]'

check: lint format types contracts test

lint:
	$(BIN)/ruff check .

format:
	$(BIN)/ruff format --check .

types:
	$(BIN)/mypy

contracts:
	$(BIN)/lint-imports

test:
	$(BIN)/python -m pytest

bench:
	$(BIN)/python bench/store.py
	$(BIN)/python bench/sync.py
	$(BIN)/python bench/tui.py
	$(BIN)/python bench/reports.py
	$(BIN)/python bench/fairness.py

clean:
	rm -rf .pytest_cache .mypy_cache .ruff_cache .hypothesis build dist *.egg-info
