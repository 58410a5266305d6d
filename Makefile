# consult: the two commands of the README, and the pieces they are made of.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PG_TEST_URL ?= postgresql+psycopg://root@127.0.0.1:5432/test

.PHONY: run test test-postgres lint install install-dev translations chromium clean

run: install translations
	$(BIN)/consult init-db
	$(BIN)/consult demo
	$(BIN)/consult serve --host 127.0.0.1 --port 5000

test: install-dev translations chromium lint
	$(BIN)/pytest

# The database and browser tests again, on PostgreSQL (CI runs both).
test-postgres: install-dev translations chromium
	CONSULT_TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "consult needs Python 3.11+"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

install: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

install-dev: $(VENV)/.installed-dev
$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $@ $(VENV)/.installed

translations: install
	$(BIN)/pybabel compile -d translations

# Browser tests drive Debian's Chromium; no browser is downloaded.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q chromium; \
	  else echo "Browser tests need Chromium: sudo apt-get install -y chromium" >&2; exit 1; fi; }

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache
