# Two commands on a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
# The demo's day: its November 2026 stays the open month whatever the calendar says
# (`make run DEMO_TODAY=` serves it with the real date).
DEMO_TODAY ?= 2026-11-29
export FLASK_APP := wsgi

.PHONY: install run test test-mariadb migrate-check clean bench-smoke

$(BIN)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(BIN)/.installed

## make run: install, upgrade the database, load the NTB demo (prints the logins), serve.
run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask maintenance rollups
	$(BIN)/flask demo load
	@echo "e-Kinerja NTB: http://$(HOST):$(PORT)/"
	EKINERJA_TODAY=$(DEMO_TODAY) $(BIN)/gunicorn --bind $(HOST):$(PORT) --workers 2 --access-logfile - wsgi:app

## make test: install and run the whole suite (SQLite by default; MariaDB when
## EKINERJA_TEST_DATABASE_URL is set). Browser tests are skipped, with the reason, without Chromium.
test: install
	$(BIN)/python -m pytest -q -rs $(PYTEST_ARGS)

test-mariadb: install
	EKINERJA_TEST_DATABASE_URL='mysql+pymysql://root@127.0.0.1:3306/ekinerja_test?charset=utf8mb4' \
	  $(BIN)/python -m pytest -q -rs $(PYTEST_ARGS)

## make bench-smoke: the province benchmark at small scale on SQLite (a CI smoke test, bench/README.md).
bench-smoke: install
	$(BIN)/python bench/generate.py --scale small
	$(BIN)/python bench/run.py --scale small --smoke

clean:
	rm -rf $(VENV) .pytest_cache
