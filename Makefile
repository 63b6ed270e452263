# Newsroom: `make run` to use it, `make test` to check it. Both set everything up first.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# Development runs with DEBUG on; everything else runs as production would.
DEV_ENV := DEBUG=true
# The site's processes (web workers and the task worker) share one cache, so a page dropped by
# one is dropped for all: the local Redis unless CACHE_URL or REDIS_URL names another. The
# rate-limit counters live in the second local Redis, which never evicts (as in production,
# docs/deployment.md), unless RATELIMIT_CACHE_URL, CACHE_URL or REDIS_URL names another.
SITE_CACHE := CACHE_URL=$${CACHE_URL:-$${REDIS_URL:-unix://$(CURDIR)/var/redis/redis.sock}} \
	RATELIMIT_CACHE_URL=$${RATELIMIT_CACHE_URL:-$${CACHE_URL:-$${REDIS_URL:-unix://$(CURDIR)/var/redis/counters.sock}}}

.PHONY: help run serve test lint venv venv-dev db db-stop redis redis-stop migrate seed worker static clean bench replica replica-stop test-scale browser vnu

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

redis: ## Start the local Redis servers (cache: allkeys-lru; counters: noeviction) on Unix sockets in var/redis (installed when missing); nothing when REDIS_URL or CACHE_URL is set
	@scripts/localredis.sh start

redis-stop: ## Stop the local Redis servers
	@scripts/localredis.sh stop

migrate: venv db ## Apply database migrations
	@$(DEV_ENV) $(PY) manage.py migrate --noinput

seed: migrate ## Load the demo content (safe to repeat)
	@$(DEV_ENV) $(PY) manage.py seed_demo

run: seed redis ## Set up and serve the site with DEBUG on at http://127.0.0.1:$(PORT)
	@$(DEV_ENV) $(SITE_CACHE) PORT=$(PORT) scripts/run.sh dev

static: venv ## Collect static files with hashed, compressed names (as production serves them)
	@DEBUG=false SECRET_KEY=collectstatic-only $(PY) manage.py collectstatic --noinput --verbosity 0

serve: seed static redis ## Serve in production mode (gunicorn, DEBUG off) at http://127.0.0.1:$(PORT)
	@$(SITE_CACHE) SECRET_KEY=$${SECRET_KEY:-local-serve-$$(hostname)-not-for-the-internet} \
	 ALLOWED_HOSTS=$${ALLOWED_HOSTS:-127.0.0.1,localhost} \
	 SECURE_SSL_REDIRECT=$${SECURE_SSL_REDIRECT:-false} SECURE_HSTS_SECONDS=$${SECURE_HSTS_SECONDS:-0} \
	 SESSION_COOKIE_SECURE=$${SESSION_COOKIE_SECURE:-false} CSRF_COOKIE_SECURE=$${CSRF_COOKIE_SECURE:-false} \
	 EMAIL_URL=$${EMAIL_URL:-file://} PORT=$(PORT) scripts/run.sh prod

worker: migrate ## Run only the background-task worker
	@$(DEV_ENV) $(PY) manage.py procrastinate worker --delete-jobs successful

lint: venv-dev ## ruff, Django's checks and the missing-migration check
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .
	@$(DEV_ENV) $(PY) manage.py check --fail-level WARNING
	@$(DEV_ENV) $(PY) manage.py makemigrations --check --dry-run >/dev/null || \
	 { echo "Models changed without a migration: run 'manage.py makemigrations'."; exit 1; }

browser: ## Install Debian's chromium (browser tests) and nginx-light (proxy tests) when missing (as root); CHROMIUM_PATH skips chromium
	@scripts/browser.sh

vnu: ## Install the Nu HTML checker (vnu-jar from npm, Debian's Java 17) into var/vnu when missing; VNU_JAR skips it
	@scripts/vnu.sh >/dev/null

test: venv-dev db redis static lint browser vnu ## Run the whole suite on PostgreSQL, browser tests included
	@$(PY) -m pytest -n 2 --dist loadgroup -m 'not scale' $(PYTEST_ARGS)

replica: db ## Start a streaming read replica of the local PostgreSQL in var/pg-replica (pg_basebackup the first time) and print its DATABASE_REPLICA_URL
	@scripts/replica.sh start

replica-stop: ## Stop the read replica (its copy stays for the next make replica)
	@scripts/replica.sh stop

test-scale: venv-dev db redis static lint browser ## Run the scale tests (pytest -m scale) against a real read replica, started and stopped here
	@started=no; scripts/replica.sh url >/dev/null 2>&1 || started=yes; \
	 scripts/replica.sh start || exit 1; \
	 url="$$(scripts/replica.sh url)"; \
	 echo "test-scale: running pytest -m scale with DATABASE_REPLICA_URL=$$url"; \
	 DATABASE_REPLICA_URL="$$url" $(PY) -m pytest -n 2 --dist loadgroup -m scale $(PYTEST_ARGS); status=$$?; \
	 if [ "$$started" = yes ]; then scripts/replica.sh stop; fi; \
	 echo "test-scale: the scale tests ran against a streaming standby of var/pg (replica at $$url," \
	   "$$( [ "$$started" = yes ] && echo 'started and stopped by this run' || echo 'already running, left running')):" \
	   "$$( [ $$status = 0 ] && echo 'all passed.' || echo "pytest exited with status $$status.")"; \
	 exit $$status

bench: seed static redis ## Measure the reading site as make serve runs it (wrk, gunicorn, Redis, nginx) against a minimal and a full-middleware Django ceiling; writes docs/performance.md
	@command -v wrk >/dev/null && command -v nginx >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing wrk and nginx..."; apt-get install -y -qq wrk nginx-light >/dev/null || \
	    { apt-get update -qq && apt-get install -y -qq wrk nginx-light >/dev/null; }; \
	  else echo "make bench needs wrk and nginx: apt-get install wrk nginx-light"; exit 1; fi; }
	@$(PY) bench/run.py $(BENCH_ARGS)

.PHONY: load soak backup restore

load: venv db redis static ## 64 readers (wrk) and 5 comments/s against gunicorn for LOAD_SECONDS (300) on the newsroom_load copy; checks errors, p99, comments kept
	@command -v wrk >/dev/null || { echo "make load needs wrk: apt-get install wrk (make bench installs it)"; exit 1; }
	@$(PY) ops/load.py

soak: venv db redis static ## The load mix for SOAK_SECONDS (1800) with worker recycling off; reports each gunicorn worker's memory growth (limit 10%)
	@command -v wrk >/dev/null || { echo "make soak needs wrk: apt-get install wrk (make bench installs it)"; exit 1; }
	@$(PY) ops/soak.py

backup: venv db ## Back up the database (pg_dump) and media into var/backups/<timestamp>/ with a manifest of row counts and checksums
	@$(DEV_ENV) $(PY) ops/backup.py backup

restore: venv db ## Restore BACKUP=var/backups/<timestamp> into the configured database and media, checked against its manifest (FORCE=yes to replace)
	@test -n "$(BACKUP)" || { echo "Usage: make restore BACKUP=var/backups/<timestamp> [FORCE=yes]"; exit 1; }
	@$(DEV_ENV) $(PY) ops/backup.py restore "$(BACKUP)" $(if $(filter yes,$(FORCE)),--force,)

.PHONY: fuzz

fuzz: venv-dev db ## Post 1,000 generated, hostile submissions to every public form, and hostile values to every query parameter of every public and staff page (hypothesis); prints the counts
	@echo "Fuzzing every public form and every query parameter of public and staff pages, 1,000 examples each (HYPOTHESIS_PROFILE=fuzz); this takes a while..."
	@HYPOTHESIS_PROFILE=fuzz TEST_DATABASE_NAME=$${TEST_DATABASE_NAME:-test_fuzz} $(PY) -m pytest -p no:xdist -q \
	  -p no:logging tests/security/test_fuzz_*.py $(PYTEST_ARGS); status=$$?; \
	 echo "Summary: each fuzz test above sent its examples (counts listed per test) over HTTP through the test"; \
	 echo "client and checked that no answer was a server error and that every refused submission changed no"; \
	 echo "stored row and sent no email. Exit status $$status (0 means every property held)."; exit $$status

.PHONY: faults

faults: venv-dev static ## Break the served site five ways (PostgreSQL restart, mail down, worker killed, slow query, disk full) on a throwaway cluster; PASS/FAIL each
	@command -v nginx >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing nginx..."; apt-get install -y -qq nginx-light >/dev/null || \
	    { apt-get update -qq && apt-get install -y -qq nginx-light >/dev/null; }; \
	  else echo "make faults needs nginx: apt-get install nginx-light"; exit 1; fi; }
	@$(PY) -m ops.faults $(FAULTS_ARGS)

clean: db-stop redis-stop ## Remove the virtualenv and everything under var/ (the local database too)
	rm -rf $(VENV) var
