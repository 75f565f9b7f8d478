# Q-Office: `make run` (set up everything and serve the demo) and `make test` (the whole suite).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
REQ_HASH := $(shell sha256sum requirements.txt | cut -c1-12)
STAMP := $(VENV)/.installed-$(REQ_HASH)
MO := web/translations/en/LC_MESSAGES/messages.mo

.PHONY: run test test-postgres soak prod-demo bench scheduler axis install system-deps system-deps-test translations extract-messages vendor

run: install
	$(BIN)/flask --app wsgi serve

scheduler: install
	$(BIN)/flask --app wsgi scheduler

# The stand-in interconnection axis (integrations/axis/standin.py) on AXIS_PORT (default 5900); set
# AXIS_STANDIN_TOKENS="<organisation code>=<token>,..." for the Q-Office instances that use it.
axis: install
	$(BIN)/flask --app integrations.axis.standin run --host 127.0.0.1 --port $${AXIS_PORT:-5900}

# The whole suite on SQLite, then everything that touches the database again on a throwaway
# PostgreSQL cluster (pg_virtualenv from Debian's postgresql-common): production runs PostgreSQL.
test: system-deps-test $(STAMP) $(MO)
	$(BIN)/pytest -q
	$(MAKE) --no-print-directory test-postgres

test-postgres: system-deps-test $(STAMP) $(MO)
	pg_virtualenv -t sh -c 'QOFFICE_TEST_DATABASE_URL="postgresql+psycopg2://$$PGUSER:$$PGPASSWORD@$$PGHOST:$${PGPORT:-5432}/postgres" \
		$(BIN)/pytest -q --ignore=tests/integrations'

# The production topology with throwaway data: its own PostgreSQL cluster, gunicorn with 3 workers, one
# scheduler, on PORT (default 8000). Ctrl+C stops it and drops the cluster.
prod-demo: system-deps-test $(STAMP) $(MO)
	bash scripts/prod_demo.sh

# The long reliability runs (about an hour and a half, ending by themselves): kill -9 during 1,000 lifecycles on SQLite
# and PostgreSQL, then 50 simulated users for 5 minutes on `make prod-demo` (scripts/soak.sh).
soak: system-deps-test $(STAMP) $(MO)
	bash scripts/soak.sh

bench: install
	$(BIN)/python -m bench

install: system-deps $(STAMP) $(MO)

system-deps:
	@bash scripts/system-deps.sh runtime

system-deps-test:
	@bash scripts/system-deps.sh test

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $@

$(MO): web/translations/en/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel --quiet compile --use-fuzzy -d web/translations -D messages

# Maintainers: refresh the English catalogue after changing user-facing text.
extract-messages: $(STAMP)
	$(BIN)/pybabel --quiet extract -F babel.cfg -k N_ -k _l -o web/translations/messages.pot .
	$(BIN)/pybabel --quiet update -i web/translations/messages.pot -d web/translations -D messages

# Maintainers: rebuild the vendored JavaScript (web/static/vendor/) from the npm registry; needs node + npm.
vendor:
	bash scripts/vendor.sh
