# consult: the two commands of the README, and the pieces they are made of.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PG_TEST_URL ?= postgresql+psycopg://root@127.0.0.1:5432/test

.PHONY: run test test-postgres test-later-year faketime lint install install-dev translations chromium clean a11y bench-intake \
	bench-intake-postgres bench-pages bench-pages-postgres wrk messages

run: install translations
	$(BIN)/consult init-db
	$(BIN)/consult demo
	$(BIN)/consult serve --host 127.0.0.1 --port 5000

# The whole suite, with line-and-branch coverage of consult/ and the lines left uncovered.
COVERAGE := --cov --cov-report=term-missing:skip-covered

test: install-dev translations chromium a11y lint
	$(BIN)/pytest $(COVERAGE)

# The database and browser tests again, on PostgreSQL (CI runs both).
test-postgres: install-dev translations chromium a11y
	CONSULT_TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest

# The whole suite under a later year's clock (libfaketime from Debian): nothing may depend on today.
# faketime shifts every process it starts by the same offset, children included; it fakes the
# monotonic clock too, on which Python's timed waits never end, so the scheduler processes the
# tests start keep the real one (tests/test_scheduler_process.py, `spawn`).
LATER_YEAR ?= 2028-06-01 09:00:00
test-later-year: faketime
	faketime '$(LATER_YEAR)' $(MAKE) test

faketime:
	@command -v faketime >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q faketime; \
	  else echo "The later-year run needs libfaketime: sudo apt-get install -y faketime" >&2; exit 1; fi; }

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

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

# axe-core for the accessibility checks of the browser tests, pinned in tests/a11y.
a11y:
	npm ci --prefix tests/a11y --no-audit --no-fund

# The HTTP benchmarks (docs/PERFORMANCE.md): wrk from Debian, gunicorn from the venv.
wrk:
	@command -v wrk >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q wrk; \
	  else echo "The HTTP benchmarks need wrk: sudo apt-get install -y wrk" >&2; exit 1; fi; }

BENCH_SECONDS ?= 5
BENCH_ROUNDS  ?= 3
BENCH_PG      ?= postgresql://root@127.0.0.1:5432

# Intake on SQLite, 2 then 4 gunicorn workers, against the bare sqlite3 endpoint.
bench-intake: install wrk
	$(BIN)/python bench/intake.py --database sqlite --workers 2 4 \
	  --seconds $(BENCH_SECONDS) --rounds $(BENCH_ROUNDS)

# Intake on PostgreSQL (databases made and dropped on BENCH_PG), 2 then 4 workers, against
# the bare psycopg endpoint.
bench-intake-postgres: install wrk
	$(BIN)/python bench/intake.py --database postgresql --pg-server $(BENCH_PG) --workers 2 4 \
	  --seconds $(BENCH_SECONDS) --rounds $(BENCH_ROUNDS)

# The public consultation page, uncached and cached, against a bare Flask GET of 20 rows.
bench-pages: install wrk
	$(BIN)/python bench/pages.py --seconds $(BENCH_SECONDS)

# The same on PostgreSQL (databases made and dropped on BENCH_PG), 0, 100,000 and 1,000,000 opinions.
bench-pages-postgres: install wrk
	$(BIN)/python bench/pages.py --database postgresql --pg-server $(BENCH_PG) --seconds $(BENCH_SECONDS) \
	  --opinions 0 100000 1000000

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache

# Refresh the catalogs after changing messages: new ids appear untranslated in
# translations/vi/LC_MESSAGES/messages.po (no file locations, sorted, so merges stay small).
messages: install-dev
	$(BIN)/pybabel extract -F babel.cfg -k lazy -k lazy_gettext --no-location --sort-output \
	  -o $(VENV)/messages.pot . >/dev/null
	for lang in vi en; do \
	  msgmerge --quiet --no-location --no-fuzzy-matching --sort-output --no-wrap \
	    -U --backup=none translations/$$lang/LC_MESSAGES/messages.po $(VENV)/messages.pot; \
	done
	msgattrib --untranslated --no-obsolete translations/vi/LC_MESSAGES/messages.po
