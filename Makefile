# The CCHC reporting app. `make run` to try it, `make test` to test it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run setup test lint format clean bench bench-national bench-export prod-check

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

## Migrate, load both official unit lists and the demo data (idempotent).
setup: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_units
	$(BIN)/python manage.py load_demo

## The web server and one job worker (manage.py db_worker) side by side: Ctrl-C stops both, and
## the worker stops too when the server ends any other way (the shell's EXIT trap).
run: setup
	@echo "Mở http://$(HOST):$(PORT)/ — đăng nhập bằng một tài khoản demo ở trên."
	@$(BIN)/python manage.py db_worker --no-reload --queue-name '*' & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

## Tests run on PostgreSQL (a throwaway test_<name> database), as in CI; set DATABASE_URL to use
## another server, or sqlite:///… for a quick run (the race tests then skip: no row locks).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/cchc
test: install
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(BIN)/pytest

## Benchmarks (scripts under bench/, not tests): pages and throughput on the national data set,
## import and export; one table, printed and written to docs/performance.md. Needs PostgreSQL
## (BENCH_DATABASE_URL, created and loaded if missing), Redis and the Debian package wrk.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/cchc_nat
bench: install
	$(BIN)/pip install --quiet -e '.[bench]'
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/run.py

## Only the pages and throughput part, or only the export part.
bench-national: install
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/national.py
bench-export: install
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python bench/export.py

## Django's deployment checklist under the production settings (warnings fail too), then the
## app started under them (scripts/prod_smoke.py): collectstatic into a temporary folder, the
## login and public pages and every static file fetched. Uses a throwaway SECRET_KEY and SQLite
## unless they are set: it checks settings, not data.
prod-check: install
	DJANGO_ENV=production SECRET_KEY=$${SECRET_KEY:-prod-check-$$(date +%s%N)-not-a-real-key-0123456789abcdef} \
	ALLOWED_HOSTS=$${ALLOWED_HOSTS:-cchc.example.gov.vn} DATABASE_URL=$${DATABASE_URL:-sqlite:///:memory:} \
	$(BIN)/python manage.py check --deploy --fail-level WARNING
	$(BIN)/python scripts/prod_smoke.py

lint: install
	$(BIN)/ruff check .

format: install
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) staticfiles artefacts .pytest_cache .ruff_cache
