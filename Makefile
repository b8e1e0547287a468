# One entry point for the checks CI and reviewers run.
PY ?= python
VENV ?= .venv
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: install check lint types contracts test bench clean

install:
	$(PY) -m pip install -e '.[dev]'

check: lint types contracts test

lint:
	ruff check domain sync server_stub tui tests bench

types:
	mypy

contracts:
	lint-imports

test:
	pytest

bench:
	$(PY) bench/store.py
	$(PY) bench/sync.py
	$(PY) bench/tui.py
	$(PY) bench/reports.py

clean:
	rm -rf .pytest_cache .mypy_cache .ruff_cache .hypothesis build dist *.egg-info
