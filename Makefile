# Newsroom: `make run` to use it, `make test` to check it. Both set everything up first.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# Development runs with DEBUG on; everything else runs as production would.
DEV_ENV := DEBUG=true

.PHONY: help run serve test lint venv venv-dev db db-stop migrate seed worker static clean bench

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(VENV)/.runtime: requirements.txt
	@test -x $(PY) || $$(scripts/find-python.sh) -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip
	@echo "Installing runtime packages..."
	@$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	@echo "Installing test and lint tools..."
	@$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

venv: $(VENV)/.runtime ## Create .venv with the runtime packages

venv-dev: $(VENV)/.dev ## Create .venv with the test tools as well

db: ## Start the local PostgreSQL (created the first time); does nothing when DATABASE_URL is set
	@scripts/localdb.sh start

db-stop: ## Stop the local PostgreSQL
	@scripts/localdb.sh stop

migrate: venv db ## Apply database migrations
	@$(DEV_ENV) $(PY) manage.py migrate --noinput

seed: migrate ## Load the demo content (safe to repeat)
	@$(DEV_ENV) $(PY) manage.py seed_demo

run: seed ## Set up and serve the site with DEBUG on at http://127.0.0.1:$(PORT)
	@$(DEV_ENV) PORT=$(PORT) scripts/run.sh dev

static: venv ## Collect static files with hashed, compressed names (as production serves them)
	@DEBUG=false SECRET_KEY=collectstatic-only $(PY) manage.py collectstatic --noinput --verbosity 0

serve: seed static ## Serve in production mode (gunicorn, DEBUG off) at http://127.0.0.1:$(PORT)
	@SECRET_KEY=$${SECRET_KEY:-local-serve-$$(hostname)-not-for-the-internet} \
	 ALLOWED_HOSTS=$${ALLOWED_HOSTS:-127.0.0.1,localhost} \
	 SECURE_SSL_REDIRECT=$${SECURE_SSL_REDIRECT:-false} SECURE_HSTS_SECONDS=$${SECURE_HSTS_SECONDS:-0} \
	 SESSION_COOKIE_SECURE=$${SESSION_COOKIE_SECURE:-false} CSRF_COOKIE_SECURE=$${CSRF_COOKIE_SECURE:-false} \
	 EMAIL_URL=$${EMAIL_URL:-file://} PORT=$(PORT) scripts/run.sh prod

worker: migrate ## Run only the background-task worker
	@$(DEV_ENV) $(PY) manage.py db_worker --queue-name '*'

lint: venv-dev ## ruff, Django's checks and the missing-migration check
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .
	@$(DEV_ENV) $(PY) manage.py check --fail-level WARNING
	@$(DEV_ENV) $(PY) manage.py makemigrations --check --dry-run >/dev/null || \
	 { echo "Models changed without a migration: run 'manage.py makemigrations'."; exit 1; }

test: venv-dev db static lint ## Run the whole suite on PostgreSQL, browser tests included
	@$(PY) -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

bench: seed static ## Measure the reading site (wrk, gunicorn, nginx) and write docs/performance.md
	@command -v wrk >/dev/null && command -v nginx >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing wrk and nginx..."; apt-get install -y -qq wrk nginx-light >/dev/null || \
	    { apt-get update -qq && apt-get install -y -qq wrk nginx-light >/dev/null; }; \
	  else echo "make bench needs wrk and nginx: apt-get install wrk nginx-light"; exit 1; fi; }
	@$(PY) bench/run.py $(BENCH_ARGS)

clean: db-stop ## Remove the virtualenv and everything under var/ (the local database too)
	rm -rf $(VENV) var
