# Newsroom: `make run` to try it, `make test` to check it.
PYTHON ?= $(shell command -v python3.13 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run serve test stress bench-load lint install install-dev browser services migrate demo check clean bench bench-growth wrk

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 13), "Newsroom needs Python 3.13 or newer; set PYTHON=/path/to/python3.13"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python requirements.txt
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

migrate: install
	$(BIN)/python manage.py migrate --no-input
	-$(BIN)/python manage.py build_renditions  # Reports photos it cannot read without stopping `make run`.

demo: migrate
	$(BIN)/python manage.py load_demo

# The task worker (see "Background work" in the README): the database backend's, or RQ's
# when NEWSROOM_TASKS_REDIS_URL names a Redis.
# The clock: every minute, apps enqueue their periodic work (wire polling) and tasks a
# killed worker left unfinished are enqueued again (newsroom/clock.py).
CLOCK = $(BIN)/python manage.py tick --every 60
WORKER = $(if $(NEWSROOM_TASKS_REDIS_URL),$(BIN)/python manage.py rqworker --with-scheduler --job-class django_tasks_rq.Job default,$(BIN)/python manage.py db_worker)

# The web server and the task worker together; Ctrl-C stops both.
run: demo
	@echo "Serving on http://127.0.0.1:$(PORT)/  (admin: http://127.0.0.1:$(PORT)/admin/), with the task worker"
	$(BIN)/python -m newsroom.supervise "$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)" "$(WORKER)" "$(CLOCK)"

# Production: the settings in newsroom/settings/prod.py for every step, so that migrate,
# collectstatic and gunicorn agree. Needs SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL.
serve: export DJANGO_SETTINGS_MODULE = newsroom.settings.prod
serve: install
	@for name in SECRET_KEY ALLOWED_HOSTS DATABASE_URL; do \
		if [ -z "$$(printenv $$name)" ]; then \
			echo "make serve needs $$name in the environment; see \"Running in production\" in the README." >&2; exit 1; \
		fi; \
	done
	$(BIN)/python manage.py check --deploy  # Warnings are shown; `make check` (CI) fails on them.
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	-$(BIN)/python manage.py build_renditions  # Reports photos it cannot read without stopping the server.
	exec $(BIN)/python -m newsroom.supervise "$(BIN)/gunicorn --config gunicorn.conf.py newsroom.wsgi" "$(WORKER)" "$(CLOCK)"

# The browser tests drive Debian's Chromium; Playwright's own browser download is not used.
CHROMIUM ?= /usr/bin/chromium
# axe-core, the accessibility checker the browser tests inject into pages, and the Nu
# HTML Checker (vnu-jar, run with Debian's Java) come from the npm registry
# (package-lock.json pins them).
browser: node_modules/.installed
	@if [ ! -x "$(CHROMIUM)" ]; then \
		echo "Installing Chromium for the browser tests"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; \
	fi
	@if ! command -v java >/dev/null; then \
		echo "Installing Java for the Nu HTML Checker"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq default-jre-headless >/dev/null; \
	fi

node_modules/.installed: package.json package-lock.json
	@if ! command -v npm >/dev/null; then \
		echo "Installing npm for the browser tests"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq npm >/dev/null; \
	fi
	npm ci --no-audit --no-fund --silent
	@touch $@

# The benchmark (not part of `make test`): N stories (10,000) on DATABASE_URL (a SQLite file under
# var/bench/), served by gunicorn with the production settings and loaded with Debian's wrk.
# See "Performance" in the README.
bench: install wrk
	$(BIN)/python -m bench.run

bench-growth: install
	$(BIN)/python -m bench.run --growth

# Readers, editors and a reporter at once on the production server (see "Reliability" in the README).
bench-load: install wrk
	$(BIN)/python -m bench.at_work

wrk:
	@if ! command -v wrk >/dev/null; then \
		echo "Installing wrk for the benchmark"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq wrk >/dev/null; \
	fi

check: install-dev
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=newsroom.settings.prod SECRET_KEY=deploy-check-only-$$(date +%s%N)-not-a-real-secret-key-0123456789 \
		ALLOWED_HOSTS=news.example.org $(BIN)/python manage.py check --deploy --fail-level WARNING

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The Redis cache tests start Debian's redis-server on a free loopback port themselves.
services:
	@if ! command -v redis-server >/dev/null; then \
		echo "Installing redis-server for the cache tests"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq redis-server >/dev/null; \
	fi

# The suite in a process per CPU (pytest-xdist), at most TEST_PROCESSES_MAX; each has a
# test database of its own, and the next idle one takes the next test (worksteal). On a
# shared Redis (REDIS_URL) each takes two of its 16 databases: eight processes at most.
# TEST_PROCESSES=0 runs it in this process.
TEST_PROCESSES ?= auto
TEST_PROCESSES_MAX ?= 4

test: check browser services
	NEWSROOM_BROWSER_TESTS=required NEWSROOM_SERVICE_TESTS=required $(BIN)/python -m pytest \
		--numprocesses $(TEST_PROCESSES) --maxprocesses $(TEST_PROCESSES_MAX) --dist worksteal

# 1,000 rounds of two editors saving the same story at once, through a live server, on
# the PostgreSQL at DATABASE_URL; prints how the rounds ended. ROUNDS=N changes the count.
stress: install-dev
	@if [ -z "$$DATABASE_URL" ]; then \
		echo "make stress runs on PostgreSQL: DATABASE_URL=postgres://user@host:5432/newsroom make stress" >&2; exit 1; \
	fi
	NEWSROOM_RACE_ROUNDS=$${ROUNDS:-1000} $(BIN)/python -m pytest tests/test_concurrency.py -q -s -k saving_at_once

clean:
	rm -rf $(VENV) staticfiles node_modules
