# Two commands for a newcomer: `make run` serves the API and docs on http://127.0.0.1:8000,
# `make test` runs the whole suite (SQLite by default; TEST_DATABASE_URL for PostgreSQL).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi

.PHONY: run test install migrate seed lint bench profile

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

migrate: install
	$(BIN)/flask db upgrade

seed: migrate
	$(BIN)/flask seed

run: seed
	$(BIN)/gunicorn --config gunicorn.conf.py wsgi:app

test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

# `make bench`: delivery and events under gunicorn + wrk against a bare-Flask floor; writes
# bench/RESULTS.md. ARTICLES=10000 for the large database; BENCH_DATABASE_URL=postgresql+psycopg://
# postgres@127.0.0.1:5432/postgres to run it on PostgreSQL (it creates and drops its own databases).
ARTICLES ?= 1000
bench: install
	@command -v wrk >/dev/null || { echo "make bench needs wrk: apt-get install wrk"; exit 1; }
	$(BIN)/python -m bench.run --articles $(ARTICLES) $(if $(BENCH_DATABASE_URL),--database-url $(BENCH_DATABASE_URL))

# `make profile`: where a cached delivery request spends its time (pyinstrument, in-process).
profile: install
	$(BIN)/python -m bench.profile
