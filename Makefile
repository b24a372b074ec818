# customer360 — two commands: `make run` and `make test`. Everything else is a helper.
SHELL := /bin/bash
.DEFAULT_GOAL := run

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
UV_VERSION := 0.13.9

export CUSTOMER360_RAW_DIR ?= $(CURDIR)/data/demo/raw
export CUSTOMER360_TRUTH_DIR ?= $(CURDIR)/data/demo/truth
export CUSTOMER360_DUCKDB_PATH ?= $(CURDIR)/warehouse/customer360.duckdb
export DBT_PROFILES_DIR := $(CURDIR)
DEMO_PEOPLE ?= 10000
DEMO_SEED ?= 42

.PHONY: run test setup browser java lint lock clean demo-data benchmark

# Virtual environment with the locked dependency set; re-done only when the lock or pyproject changes.
# Bytecode is compiled at install time: where PYTHONDONTWRITEBYTECODE is set (as on our CI machines), Python
# never caches what it compiles, and every dbt start-up would compile some 1,400 modules again (2-3 s each).
$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $(STAMP)

setup: $(STAMP)

demo-data: setup
	@if [ ! -d "$(CUSTOMER360_RAW_DIR)" ]; then \
		$(BIN)/customer360 generate --people $(DEMO_PEOPLE) --seed $(DEMO_SEED) \
			--out "$(CUSTOMER360_RAW_DIR)" --truth "$(CUSTOMER360_TRUTH_DIR)"; \
	fi

# Main job on the embedded demo data: generate if absent, dbt build, summary.
run: demo-data
	$(BIN)/customer360 run

# The whole suite: pytest (unit + integration on generated data) on three workers, sqlfluff, ruff.
# Tests are grouped per worker by the fixtures they share (tests/python/conftest.py: MODULE_GROUPS).
# Lint runs beside them (its output follows theirs); sqlfluff's dbt templater gets a target folder of its
# own, since some tests write the project's target/. Fails when either fails.
LINT_LOG := $(VENV)/lint.log
test: setup browser java
	@DBT_TARGET_PATH="$(CURDIR)/$(VENV)/lint-target" $(MAKE) --no-print-directory lint > $(LINT_LOG) 2>&1 & linting=$$!; \
	$(BIN)/pytest -n 3 --no-loadscope-reorder; tested=$$?; \
	wait $$linting; linted=$$?; \
	echo "--- make lint"; cat $(LINT_LOG); \
	[ $$tested -eq 0 ] && [ $$linted -eq 0 ]

# Debian's chromium for the dashboard's browser test (Playwright cannot download browsers here).
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# Java for the Spark target's test (pyspark runs a local JVM).
java:
	@command -v java >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless; }

lint: setup
	$(BIN)/ruff check scripts tests/python models
	$(BIN)/ruff format --check scripts tests/python models
	mkdir -p "$(dir $(CUSTOMER360_DUCKDB_PATH))"  # the dbt templater opens the warehouse
	$(BIN)/sqlfluff lint models macros tests analyses

# Generate + build at several sizes; appends a dated table to docs/benchmarks.md (not a test).
benchmark: setup
	$(BIN)/customer360 benchmark --people $${PEOPLE:-10000,100000,1000000}

# Re-resolve the full pinned dependency set from pyproject.toml (needs the Python index).
lock:
	$(PYTHON) -m venv /tmp/customer360-lock-venv
	/tmp/customer360-lock-venv/bin/python -m pip install --quiet uv==$(UV_VERSION)
	/tmp/customer360-lock-venv/bin/uv pip compile --python-version 3.11 --extra dev --extra spark pyproject.toml -o requirements.lock

clean:
	rm -rf $(VENV) target dbt_packages logs warehouse data/demo
