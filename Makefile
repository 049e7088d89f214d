# Two commands for a newcomer: `make run` serves the API and docs on http://127.0.0.1:8000,
# `make test` runs the whole suite (SQLite by default; TEST_DATABASE_URL for PostgreSQL).
# `make check` is the edit loop's: the linter, and the tests that fuzz nothing, open no browser
# and start no server of their own.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi

.PHONY: run test check install install-runtime lock migrate seed lint bench bench-servers bench-peers bench-guardrails report-guardrails train-claims profile demo frontend-check spec

# Two locks, every transitive dependency pinned with its hashes (nothing else is installed):
# requirements.txt, what serving needs (make run), and requirements-dev.txt, that and the test
# tools (make test). pip installs uv from its own lock, requirements-bootstrap.txt, and uv the
# rest (pip took 17 s of CPU for the runtime lock; uv takes a few). `make lock` writes them all.
UV_INSTALL := $(BIN)/uv pip install --quiet --require-hashes --python $(BIN)/python
$(BIN)/uv: requirements-bootstrap.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements-bootstrap.txt
	touch $@

$(VENV)/.runtime-installed: requirements.txt $(BIN)/uv
	$(UV_INSTALL) -r requirements.txt
	touch $@

# requirements-reference.txt: test-only references installed without their dependencies (it says why).
$(VENV)/.installed: requirements.txt requirements-dev.txt requirements-reference.txt $(BIN)/uv
	$(UV_INSTALL) -r requirements-dev.txt
	$(UV_INSTALL) --no-deps -r requirements-reference.txt
	touch $@ $(VENV)/.runtime-installed

install-runtime: $(VENV)/.runtime-installed
install: $(VENV)/.installed

# After editing requirements*.in: resolve again and write the locks, keeping every pin that
# still fits. The dev lock's runtime pins are the runtime lock's (requirements-dev.in
# constrains them to it).
LOCK := $(BIN)/uv pip compile --quiet --universal --generate-hashes --python-version 3.11 --custom-compile-command "make lock"
lock: $(BIN)/uv
	$(LOCK) requirements-bootstrap.in --output-file requirements-bootstrap.txt
	$(LOCK) requirements.in --output-file requirements.txt
	$(LOCK) requirements-dev.in --output-file requirements-dev.txt
	$(LOCK) --no-deps requirements-reference.in --output-file requirements-reference.txt
	$(LOCK) bench/wagtail_peer/requirements-wagtail.in --output-file bench/wagtail_peer/requirements-wagtail.txt

migrate: install-runtime
	$(BIN)/flask db upgrade

seed: migrate
	$(BIN)/flask seed seed/article.json seed/examples/*.json

# granian with the production settings (deploy/web.py), on 127.0.0.1:8000 (BIND).
run: seed
	$(BIN)/python -m deploy.web

# In parallel: a pytest-xdist worker per core (TEST_WORKERS=1 for one), each on a database of its
# own (tests/conftest.py); worksteal, so that the long fuzz and server tests end up spread out.
TEST_WORKERS ?= auto
PARALLEL := -n $(TEST_WORKERS) --dist worksteal
test: install
	$(BIN)/pytest $(PARALLEL) --durations=20

# (test_fuzz.py is not even collected: schemathesis builds its cases as it is, most of a minute.)
check: lint
	$(BIN)/pytest $(PARALLEL) -m "not fuzz and not browser and not servers" --ignore=tests/test_fuzz.py

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

# `make bench`: delivery and events under the production server (granian, deploy/web.py) + wrk
# against a bare-Flask floor under the same server; writes bench/RESULTS.md. ARTICLES=10000 for
# the large database; BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres to
# run it on PostgreSQL (it creates and drops its own databases).
ARTICLES ?= 1000
bench: install
	@command -v wrk >/dev/null || { echo "make bench needs wrk: apt-get install wrk"; exit 1; }
	$(BIN)/python -m bench.run --articles $(ARTICLES) $(if $(BENCH_DATABASE_URL),--database-url $(BENCH_DATABASE_URL))

# `make bench-servers`: the same app and workers under gunicorn and under granian: throughput,
# p99, memory, a graceful restart under load, slow clients (bench/results-servers.json).
bench-servers: install
	@command -v wrk >/dev/null || { echo "make bench-servers needs wrk: apt-get install wrk"; exit 1; }
	$(BIN)/python -m bench.servers

# `make bench-peers` (optional): the service beside a Python peer CMS, Wagtail 8's API v2 serving
# the same article under the same server and workers (bench/results-peers.json). Installs Wagtail
# the first time, in a virtualenv of its own (build/peers/wagtail-venv).
bench-peers: install
	@command -v wrk >/dev/null || { echo "make bench-peers needs wrk: apt-get install wrk"; exit 1; }
	$(BIN)/python -m bench.peers

# `make bench-guardrails`: checking the seed article for health claims, after warm-up, against
# spaCy's bare tokenizer over the same texts (bench/results-guardrails.json).
bench-guardrails: install
	$(BIN)/python -m bench.guardrails

# `make report-guardrails`: recall on block sentences and precision overall on every labelled
# claim corpus in tests/data/ (the table docs/guardrails.md shows; MISSES=1 lists the misses,
# HELD_OUT=1 measures each corpus with a claim model trained without it).
report-guardrails: install
	$(BIN)/python -m bench.claims_corpora $(if $(MISSES),--misses) $(if $(HELD_OUT),--held-out)

# `make train-claims`: the claim model (service/content/guardrails/claim_model.json) learned
# again from the labelled sentences, after a corpus or an example article changes.
train-claims: install
	$(BIN)/python -m service.content.guardrails.training

# `make profile`: where a cached delivery request spends its time (pyinstrument, in-process).
profile: install
	$(BIN)/python -m bench.profile

# `make demo`: the API on :8000 and the demo clinic site on :8001, seeded with two clinic
# sites and a running experiment. Open http://127.0.0.1:8001/?site=clinic-austin (or denver).
demo: seed
	$(BIN)/python examples/clinic-site/seed_demo.py
	$(BIN)/python -m http.server 8001 --bind 127.0.0.1 --directory examples/clinic-site & \
	  trap 'kill $$!' EXIT; $(BIN)/python -m deploy.web

# The OpenAPI document as a file, for the frontend tools below.
spec: install-runtime
	mkdir -p build
	$(BIN)/flask openapi write --format=json build/openapi.json

# `make frontend-check`: Redocly's recommended lint of the spec, TypeScript types generated
# from it (openapi-typescript), and the demo site's code type-checked against them (tsc).
frontend-check: spec
	cd examples/clinic-site && npm ci --no-audit --no-fund --silent
	cd examples/clinic-site && npm run -s lint-spec && npm run -s types && npm run -s typecheck
