# Tideline developer commands. Set up and run:  make run      Set up and test:  make test
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
MAKEFLAGS += --no-print-directory

VENV := .venv/bin

.PHONY: setup setup-dev services run test lint format migrations-check bench

setup:
	scripts/setup

setup-dev:
	scripts/setup --dev

services:
	scripts/services

# Local demo: SQLite at ./db.sqlite3 and jobs in-process, whatever the shell has exported. DEBUG
# stays off so the demo shows Tideline's own error pages (never Django's technical pages, which
# list every URL); it runs over plain HTTP on loopback, so cookies are not Secure-only, and its
# secret key is made once per checkout (.demo-secret-key, never committed). PORT=8100 make run.
PORT ?= 8000
RUN_ENV = env -u DATABASE_URL -u REDIS_URL DEBUG=false TIDELINE_REQUIRE_MFA=false \
	TIDELINE_SECURE_COOKIES=false SECURE_HSTS_SECONDS=0 TIDELINE_BASE_URL=http://127.0.0.1:$(PORT) \
	SECRET_KEY="$$(cat .demo-secret-key)"

run: setup
	test -s .demo-secret-key || $(VENV)/python -c "import secrets; print(secrets.token_urlsafe(50))" > .demo-secret-key
	mkdir -p staticfiles  # WhiteNoise's collected-files folder: empty in the demo, which serves from the finders
	$(RUN_ENV) $(VENV)/python manage.py migrate --noinput
	$(RUN_ENV) $(VENV)/python manage.py seed_demo
	$(RUN_ENV) $(VENV)/python manage.py runserver 127.0.0.1:$(PORT)

# Any non-zero pytest exit fails the target, including 5 ("no tests collected").
# --create-db: a test database left by an earlier run may have been emptied by a browser test
# (flush), taking what the data migrations install (instruments, retention defaults) with it.
test: setup-dev
	scripts/services
	$(MAKE) lint
	$(MAKE) migrations-check
	scripts/pytest -n 2 --create-db

# mypy reads the settings (django-stubs), so it runs in the tests' environment; the files it
# checks are listed in pyproject.toml.
lint:
	$(VENV)/ruff check .
	$(VENV)/ruff format --check .
	source scripts/test-env && $(VENV)/python -m mypy

format:
	$(VENV)/ruff format .
	$(VENV)/ruff check --fix .

# Same environment as the tests, so settings resolve exactly as they do under pytest.
migrations-check:
	source scripts/test-env && $(VENV)/python manage.py makemigrations --check --dry-run

bench:
	$(VENV)/python -m bench
