# Q-Office: `make run` (set up everything and serve the demo) and `make test` (the whole suite).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
REQ_HASH := $(shell sha256sum requirements.txt | cut -c1-12)
STAMP := $(VENV)/.installed-$(REQ_HASH)
MO := web/translations/en/LC_MESSAGES/messages.mo

.PHONY: run test test-postgres bench scheduler install system-deps system-deps-test translations extract-messages vendor

run: install
	$(BIN)/flask --app wsgi serve

scheduler: install
	$(BIN)/flask --app wsgi scheduler

# The whole suite on SQLite, then everything that touches the database again on a throwaway
# PostgreSQL cluster (pg_virtualenv from Debian's postgresql-common): production runs PostgreSQL.
test: system-deps-test $(STAMP) $(MO)
	$(BIN)/pytest -q
	$(MAKE) --no-print-directory test-postgres

test-postgres: system-deps-test $(STAMP) $(MO)
	pg_virtualenv -t sh -c 'QOFFICE_TEST_DATABASE_URL="postgresql+psycopg2://$$PGUSER:$$PGPASSWORD@$$PGHOST:$${PGPORT:-5432}/postgres" \
		$(BIN)/pytest -q --ignore=tests/integrations'

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
