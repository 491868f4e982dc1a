# The two commands: `make run` (the whole platform with Kamchatka demo data, served by gunicorn;
# `make dev` serves it through runserver, reloading on code changes) and `make test`.
# Both install what is missing into .venv and, without DATABASE_URL / REDIS_URL, start an embedded
# PostgreSQL and Redis under .data/ (stopped on exit).

PYTHON_BOOT ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-dev
# The Nu HTML Checker for the browser tests: from the npm package pinned in tests/browser/ (git-ignored).
VNU_JAR := tests/browser/node_modules/vnu-jar/build/dist/vnu.jar

.PHONY: run dev test install messages lint lock makemessages clean-data help

help:
	@echo "make run    start web (gunicorn), worker and beat with demo data (Ctrl-C stops everything)"
	@echo "make dev    the same with runserver, which reloads on code changes"
	@echo "make test   run the whole test suite"
	@echo "make lint   ruff"
	@echo "make lock   re-pin dependencies after editing pyproject.toml"

$(STAMP): requirements-dev.lock
	test -x $(PY) || $(PYTHON_BOOT) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.lock
	touch $(STAMP)

install: $(STAMP)

messages: install
	$(PY) scripts/compilemessages.py

run: messages
	$(PY) scripts/devstack.py run

dev: messages
	$(PY) scripts/devstack.py dev

$(VNU_JAR): tests/browser/package-lock.json
	@if command -v npm >/dev/null; then \
		cd tests/browser && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && touch node_modules/vnu-jar/build/dist/vnu.jar; \
	else \
		echo "npm not found: the browser tests need $(VNU_JAR) (apt-get install npm)"; \
	fi

# The suite runs on every core (pytest-xdist: one test database per worker, tests handed out as
# workers free up); `make test TEST_WORKERS=0 ARGS=...` runs in one process.
TEST_WORKERS ?= auto

test: messages $(VNU_JAR)
	$(PY) scripts/devstack.py test --numprocesses=$(TEST_WORKERS) --dist=worksteal $(ARGS)

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

makemessages: install
	DJANGO_DEBUG=1 DATABASE_URL=postgres://unused/unused REDIS_URL=redis://unused:6379/0 \
		$(PY) manage.py makemessages --locale ru --no-obsolete --ignore '.venv/*' --ignore '.data/*' --ignore 'tests/*'

lock: install
	$(PY) -m pip install --quiet pip-tools
	$(PY) -m piptools compile --quiet --strip-extras -o requirements.lock pyproject.toml
	$(PY) -m piptools compile --quiet --strip-extras --extra dev --extra local -o requirements-dev.lock pyproject.toml

clean-data:
	rm -rf .data
