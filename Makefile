# Małopolska otwarta — developer entry points. Two commands matter: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/otwarta
export OTWARTA_VAR_DIR ?= $(CURDIR)/var

.PHONY: run test install messages static demo serve test-sqlite test-postgres lint typecheck browser-deps pdf-deps bench bench-load load-deps clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

install: $(VENV)/.installed pdf-deps

pdf-deps:  ## Debian's Pango and Noto fonts, embedded into the print packs (PDF)
	bash scripts/install-pdf-deps.sh

messages: install  ## compile the interface translations (.po → .mo), no GNU gettext needed
	$(PY) manage.py compile_translations

static: install
	$(PY) manage.py collectstatic --noinput --verbosity 0

demo: install messages
	$(PY) manage.py migrate --noinput --verbosity 0
	OTWARTA_TASKS_BACKEND=immediate $(PY) manage.py load_demo --no-pdfs

run: export DJANGO_DEBUG ?= 0
run: export OTWARTA_TASKS_BACKEND ?= thread
run: demo static  ## install, migrate SQLite, load the demo content and serve on http://localhost:$(PORT)
	@echo "Generating the print packs' PDFs in the background (a few minutes; log: var/print-packs.log)"
	$(PY) manage.py generate_print_packs > "$(OTWARTA_VAR_DIR)/print-packs.log" 2>&1 &
	@echo "Serving on http://localhost:$(PORT)/ (Ctrl+C to stop)"
	@# Gunicorn's default access log format, but the path without the query string (%(U)s instead of the
	@# request line %(r)s): the situation guide's answers live in query strings and must not be stored.
	$(VENV)/bin/gunicorn otwarta.wsgi:application --bind 0.0.0.0:$(PORT) --workers 2 --threads 4 \
		--access-logfile - --forwarded-allow-ips='*' \
		--access-logformat='%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(f)s" "%(a)s"'

browser-deps:  ## Debian Chromium and axe-core for the browser tests
	bash scripts/install-browser-deps.sh

test: install messages browser-deps load-deps  ## lint, types, then the whole suite on SQLite and on PostgreSQL when it answers
	$(VENV)/bin/ruff check otwarta benchmarks tests conftest.py
	$(VENV)/bin/mypy otwarta
	$(MAKE) --no-print-directory test-sqlite
	@if $(PY) -c "import socket,sys; s=socket.socket(); s.settimeout(2); sys.exit(s.connect_ex(('127.0.0.1',5432)))"; then \
		$(MAKE) --no-print-directory test-postgres; \
	else echo "PostgreSQL not reachable on 127.0.0.1:5432: skipped the PostgreSQL run."; fi

test-sqlite:
	@echo "== Test suite on SQLite =="
	DATABASE_URL= $(PY) -m pytest

test-postgres:
	@echo "== Test suite on PostgreSQL =="
	DATABASE_URL=$(PG_URL) $(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check otwarta benchmarks tests

typecheck: install
	$(VENV)/bin/mypy otwarta

bench: install  ## print the performance figures (see benchmarks/README.md)
	$(PY) benchmarks/render_pages.py
	$(PY) benchmarks/directory.py

load-deps:  ## nginx, its cache-purge module and wrk from Debian, for the load benchmark
	bash scripts/install-load-deps.sh

bench-load: install messages load-deps  ## the load benchmark: production server vs nginx on a static copy (benchmarks/README.md)
	$(PY) benchmarks/load.py

clean:
	rm -rf $(VENV) var .cache
