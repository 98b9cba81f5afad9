# Quick start: `make run` (marketplace on http://127.0.0.1:8000) and `make test` (whole suite).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Every entry point runs production settings unless told otherwise (market/entrypoints.py):
# the development targets name theirs. `make test` leaves it to pytest (market.settings.test).
MANAGE := DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-market.settings.local} $(PY) manage.py

.PHONY: run test test-fast mutation mutation-ci install install-dev migrate demo messages check-deploy clean-db

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# axe-core for the browser tests' accessibility checks (package.json, docs/testing.md): only where npm is.
node_modules/.package-lock.json: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: the accessibility checks of the browser tests will skip (fail under CI=true)"; fi

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev node_modules/.package-lock.json

migrate: install
	$(MANAGE) migrate --noinput
	$(MANAGE) import_regions

## Load the demo Jember (villages, producers, products, accounts); a second run changes nothing.
demo: migrate
	$(MANAGE) load_demo_data

## Run the marketplace with demo data on the embedded defaults (PostgreSQL from pgserver, eager tasks).
run: demo
	$(MANAGE) runserver $(HOST):$(PORT)

# Test workers in parallel (pytest-xdist): `auto` is one per CPU; TEST_WORKERS=0 runs in this process.
# Each worker has its own test database (test_<name>_gw0, _gw1...), Redis database, emulator and live server.
TEST_WORKERS ?= auto

## Run the whole test suite in parallel (PostgreSQL from DATABASE_URL, or the embedded one).
test: install-dev
	$(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

## The suite without the tests marked slow (the full demo load): quicker feedback while working.
test-fast: install-dev
	$(PY) -m pytest -n $(TEST_WORKERS) -m "not slow" $(PYTEST_ARGS)

## Mutation testing of the cores (docs/testing.md): every core, or one: `make mutation MODULE=money`
## (a core's name or path, see [tool.mutation] in pyproject.toml). One worker, niced; fails below 90 %.
mutation: install-dev
	$(PY) tools/mutation.py $(MODULE) $(MUTATION_ARGS)

## The CI step: the core of the day (or MUTATION_CORES=a,b) within MUTATION_BUDGET seconds; fails below 90 %.
mutation-ci: install-dev
	$(PY) tools/mutation.py --ci $(MUTATION_ARGS)

## Rebuild the .mo catalogues after editing locale/*/LC_MESSAGES/django.po (needs gettext).
messages: install
	$(MANAGE) makemessages --locale id --locale en --ignore '.venv/*' --ignore 'tests/*' --no-obsolete
	$(MANAGE) compilemessages --ignore '.venv/*'

clean-db:
	rm -rf var/pgdata
