# BUUV app. The two commands a newcomer needs: `make run` and `make test`.
# Every target is idempotent: run it again on a fresh or a used machine.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
TOOLS := .tools
BUN_VERSION := 1.4.4
LIGHTHOUSE_VERSION := 13.5.0
# A bun from npm in .tools/ when none is on PATH (Reflex's own download does not work offline).
export PATH := $(CURDIR)/$(VENV)/bin:$(CURDIR)/$(TOOLS)/node_modules/.bin:$(PATH)
export REFLEX_TELEMETRY_ENABLED := false

.PHONY: help setup bun browser lighthouse nginx migrate seed run cluster test test-db e2e bench audit backup restore i18n admin clean

help:
	@echo "make run    install, migrate, load demo data and serve on http://localhost:3000"
	@echo "make test   install (browser included) and run the whole test suite"
	@echo "make e2e BASE_URL=https://...   browser scenarios against a running instance"
	@echo "make bench  print performance figures (bench/results.json); SIZE=1000000 for more posts"
	@echo "make cluster N=3   PostgreSQL + Redis + N backends behind nginx on http://localhost:8080"
	@echo "make backup / make restore FILE=backups/...tar.gz   database and photos in one archive"
	@echo "make admin EMAIL=you@example.org   make a confirmed account the first admin"

setup: $(VENV)/.installed bun

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

bun:
	@if command -v bun >/dev/null 2>&1 && bun --version >/dev/null 2>&1; then \
		echo "bun $$(bun --version) on PATH"; \
	else \
		echo "installing bun $(BUN_VERSION) from npm into $(TOOLS)/"; \
		npm install --silent --no-save --prefix $(TOOLS) bun@$(BUN_VERSION); \
		bun --version; \
	fi

# A Chromium for the browser tests: Debian's if present or installable, else Playwright's.
browser: setup
	@if [ -x /usr/bin/chromium ]; then \
		echo "chromium: /usr/bin/chromium"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else \
		$(PY) -m playwright install chromium; \
	fi

# Lighthouse for `make bench` (bench/lighthouse.py), pinned, in a folder of its own under .tools/
# (an npm install beside bun's would prune bun, which no package.json lists).
LIGHTHOUSE := $(TOOLS)/lighthouse/node_modules/.bin/lighthouse
lighthouse:
	@if [ -x $(LIGHTHOUSE) ] && [ "$$($(LIGHTHOUSE) --version)" = "$(LIGHTHOUSE_VERSION)" ]; then \
		echo "lighthouse $(LIGHTHOUSE_VERSION) in $(TOOLS)/lighthouse"; \
	else \
		npm install --silent --no-save --prefix $(TOOLS)/lighthouse lighthouse@$(LIGHTHOUSE_VERSION); \
		$(LIGHTHOUSE) --version; \
	fi

# Debian's nginx for `make cluster` and the fault drills (installed like the browser above).
nginx:
	@if [ -x /usr/sbin/nginx ]; then \
		echo "nginx: /usr/sbin/nginx"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx; \
	else \
		echo "nginx is missing: sudo apt-get install nginx"; exit 1; \
	fi

migrate: setup
	$(PY) -m buuv_app.cli migrate

seed: migrate
	$(PY) -m buuv_app.cli seed

run: seed
	$(VENV)/bin/reflex run --env prod

# N backends behind nginx, on PostgreSQL and Redis (CLUSTER_DATABASE_URL, CLUSTER_REDIS_URL, CLUSTER_PORT).
N ?= 3
cluster: setup bun nginx
	$(PY) -m deploy.cluster --backends $(N)

# The database (SQLite or PostgreSQL, from DATABASE_URL) and the photos in one archive in backups/.
backup: setup
	$(PY) -m buuv_app.cli backup

# Stop the app first: the database's contents are replaced by the archive's.
restore: setup
	@test -n "$(FILE)" || { echo "usage: make restore FILE=backups/buuv-....tar.gz"; exit 2; }
	$(PY) -m buuv_app.cli restore "$(FILE)"

test: browser nginx
	$(PY) -m pytest

# The database suite (services and migrations) against PostgreSQL, e.g. in .ci/run.
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
test-db: setup
	BUUV_TEST_DATABASE_URL=$(PG_TEST_URL) BUUV_REQUIRE_POSTGRES=1 $(PY) -m pytest tests/unit tests/migrations

# Browser scenarios against an instance that is already running (a smoke test of a deployment).
e2e: browser
	@test -n "$(BASE_URL)" || { echo "usage: make e2e BASE_URL=https://..."; exit 2; }
	BUUV_E2E_BASE_URL=$(BASE_URL) $(PY) -m pytest tests/e2e

# SIZE: posts in the browse, search and dashboard databases (`make bench SIZE=1000000`, not in CI;
# figures then go to bench/results-1000000.json). PARTS=data: only those figures (browse, search,
# the overview) beside a no-op event, to see how they grow with the posts (results-<SIZE>-data.json).
SIZE ?= 100000
PARTS ?= all
bench: browser nginx lighthouse
	$(PY) -m bench.run --size $(SIZE) --parts $(PARTS)

# The first admin: sign up in the app and confirm the address, then `make admin EMAIL=you@example.org`.
admin: migrate
	@test -n "$(EMAIL)" || { echo "usage: make admin EMAIL=you@example.org"; exit 2; }
	$(PY) -m buuv_app.cli make-admin "$(EMAIL)"

# Known vulnerabilities in the installed, pinned dependencies; skipped with a clear message when
# the vulnerability database cannot be reached (see .ci/audit.py).
audit: setup
	$(PY) .ci/audit.py

i18n: setup
	$(PY) -m buuv_app.i18n.extract

clean:
	rm -rf .web .states .build $(TOOLS) $(VENV) bench/results.json
