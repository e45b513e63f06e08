# BMA Progress. `make run` serves the app, `make test` checks it; both set everything up.
# Every target can be run again and again: the virtualenv is rebuilt only when
# pyproject.toml changes, Debian packages are installed only when missing, migrations
# and the demo data are idempotent.
#
#   make run                 SQLite (db.sqlite3) on http://127.0.0.1:8000
#   make run PORT=8010       another port
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/bmaprogress make run

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null || echo python3.11)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
MANAGE := $(BIN)/python manage.py
# Tools of the quality gates (tests/test_quality_gates_e2e.py): axe-core and the Nu HTML
# Checker (vnu-jar, a jar run with java) from npm, into tests/a11y/node_modules.
A11Y_STAMP := tests/a11y/node_modules/.installed

# Debian packages the project needs: Chromium for the browser tests and the screenshots,
# poppler-utils (pdftoppm, pdftotext) to look at generated PDFs.
APT_GET := $(if $(filter 0,$(shell id -u)),,sudo) env DEBIAN_FRONTEND=noninteractive apt-get

.PHONY: install system-packages run demo migrate test lint format worker clean backup restore soak bench lock upgrade redis

install: $(STAMP) system-packages $(A11Y_STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(A11Y_STAMP): tests/a11y/package.json tests/a11y/package-lock.json | system-packages
	cd tests/a11y && npm ci --no-audit --no-fund --ignore-scripts
	touch $@

# Exact versions from the lock files (requirements.txt: what the app runs on;
# requirements-dev.txt: that and the test tools), then the project itself without its
# dependencies: a fresh clone installs what CI passed with.
$(STAMP): requirements-dev.txt requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/pip install --disable-pip-version-check -q -r requirements-dev.txt
	$(BIN)/pip install --disable-pip-version-check -q --no-deps -e .
	touch $@

# The lock files from pyproject.toml: `make lock` after changing a dependency there (keeps
# every other version), `make upgrade` for the newest versions that pyproject.toml allows.
# Then `make test`, and commit the lock files with the change.
PIP_COMPILE := $(BIN)/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links
lock: $(STAMP)
	$(PIP_COMPILE) $(COMPILE_ARGS) -o requirements.txt pyproject.toml
	$(PIP_COMPILE) $(COMPILE_ARGS) --extra dev -c requirements.txt -o requirements-dev.txt pyproject.toml

upgrade: COMPILE_ARGS = --upgrade
upgrade: lock

system-packages:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	command -v pdftoppm >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	command -v java >/dev/null 2>&1 || missing="$$missing default-jre-headless"; \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:$$missing"; \
		$(APT_GET) update && $(APT_GET) install -y $$missing; \
	fi

migrate: $(STAMP)
	$(MANAGE) migrate --noinput

# Seed project (fixtures/seed.json), demo users staff / evaluator / manager / admin
# (password "demo") and a few projects of the current fiscal year.
demo: migrate
	$(MANAGE) demo

# One background worker (PDF and Excel reports) beside the server; it stops with the server.
# The notifications due (README, Notifications) are made first: their e-mails are printed
# here (or written under EMAIL_FILE_PATH).
run: install demo
	$(MANAGE) send_notifications
	@$(MANAGE) db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(MANAGE) runserver 127.0.0.1:$(PORT)

# Background tasks (PDF reports and the like), from django-tasks-db. No autoreload: a
# reload would kill a task mid-way and leave its job "running". db_worker exits when it
# loses the database; here it is started again 5 s later (production: systemd's Restart=).
worker: migrate
	@until $(MANAGE) db_worker --no-reload; do \
		echo "db_worker stopped (exit $$?): starting again in 5 s"; sleep 5; \
	done

# Database (pg_dump -Fc for PostgreSQL, SQLite's backup API for SQLite) and MEDIA_ROOT into
# backups/. `make restore` puts back the newest (or BACKUP=backups/bma-….dump), after
# asking; YES=1 skips the question. Stop the server and the workers before restoring.
backup: $(STAMP)
	$(MANAGE) backup

restore: $(STAMP)
	$(MANAGE) restore $(BACKUP) $(if $(YES),--noinput)

# Soak test: gunicorn (production settings) and a worker on loopback, 20 simulated users
# for SOAK_MINUTES (default 10) against its own PostgreSQL database bma_soak (SOAK_DB).
SOAK_MINUTES ?= 10
soak: install
	$(BIN)/python -m benchmarks.soak --minutes $(SOAK_MINUTES)

# Redis, the shared cache of production, CI and the benchmarks (settings.py: REDIS_URL):
# started on 127.0.0.1:6379 when it does not answer, without persistence (a cache).
# `make run` needs none: without REDIS_URL the cache is in the server's memory.
redis:
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || { \
		command -v redis-server >/dev/null 2>&1 || { $(APT_GET) update && $(APT_GET) install -y redis-server; }; \
		echo "Redis is down: starting it"; \
		mkdir -p /var/lib/redis /var/log/redis; \
		redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" \
			--appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log; \
		for i in $$(seq 1 100); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.1; done; \
		redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null || { echo "Redis did not start" >&2; exit 1; }; \
	}

# Benchmarks on the 20,000-project data (BENCH_DB, bma_scale, made by generate_demo when it
# has no projects yet) with Redis (BENCH_REDIS, its database 2): the web benchmark
# (benchmarks/bench_web.py, wrk from Debian), then report saves at the deadline
# (benchmarks/bench_saves.py: 50 staff save at once, round after round).
BENCH_DB ?= bma_scale
BENCH_URL := postgres://postgres@127.0.0.1:5432/$(BENCH_DB)
BENCH_REDIS ?= redis://127.0.0.1:6379/2
bench: install redis
	@command -v wrk >/dev/null 2>&1 || $(APT_GET) install -y wrk
	@psql -h 127.0.0.1 -U postgres -lqt | cut -d'|' -f1 | grep -qw $(BENCH_DB) || \
		psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $(BENCH_DB)"
	DATABASE_URL=$(BENCH_URL) $(MANAGE) migrate --noinput -v0
	@DATABASE_URL=$(BENCH_URL) $(MANAGE) shell -c "from projects.models import Project; \
		raise SystemExit(0 if Project.objects.exists() else 1)" || \
		DATABASE_URL=$(BENCH_URL) $(MANAGE) generate_demo --projects 20000
	DATABASE_URL=$(BENCH_URL) REDIS_URL=$(BENCH_REDIS) $(BIN)/python benchmarks/bench_web.py $(BENCH_ARGS)
	DATABASE_URL=$(BENCH_URL) REDIS_URL=$(BENCH_REDIS) $(BIN)/python benchmarks/bench_saves.py $(SAVES_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MANAGE) makemigrations --check --dry-run

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The whole suite, browser tests included, on SQLite or on DATABASE_URL when it is set
# (pytest-django creates and drops its own test database beside it).
# The browser tests (marked e2e) spend most of their time waiting on Chromium: they run
# beside the others, in a second pytest with a database and a Redis database of their own
# (DATABASE_URL + "_e2e", Redis database E2E_REDIS_DB), so that the suite takes about the
# longer of the two halves, not their sum. Their output follows the others'; either half
# failing fails `make test`.
E2E_REDIS_DB ?= 9
# The other tests in two processes (pytest-xdist; each has its own test database and Redis
# database, settings.py): with the browser tests beside them they keep both CPUs busy.
UNIT_WORKERS ?= 2
test: install lint
	@e2e_log=$$(mktemp); \
	( if [ -n "$${DATABASE_URL:-}" ]; then export DATABASE_URL="$${DATABASE_URL}_e2e"; fi; \
	  if [ -n "$${REDIS_URL:-}" ]; then export REDIS_URL="$${REDIS_URL%/*}/$(E2E_REDIS_DB)"; fi; \
	  exec $(BIN)/pytest -m e2e --durations=10 ) > $$e2e_log 2>&1 & e2e=$$!; \
	$(BIN)/pytest -m "not e2e" -n $(UNIT_WORKERS) --durations=15; unit=$$?; \
	wait $$e2e; browser=$$?; \
	echo "--- the browser tests (pytest -m e2e, run beside the others) ---"; \
	cat $$e2e_log; rm -f $$e2e_log; \
	echo "unit and other tests: exit $$unit; browser tests: exit $$browser"; \
	[ $$unit -eq 0 ] && [ $$browser -eq 0 ]

clean:
	rm -rf $(VENV) staticfiles test-results .pytest_cache .ruff_cache
	find . -path ./.git -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
