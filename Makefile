# sse_dash — two commands for a fresh machine: `make run` and `make test` (see README).
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
SHARED_DATA ?= $(abspath ../shared/data)
DATA_DIR ?= $(or $(SSE_DASH_DATA_DIR),data)
PORT ?= 8501
# Catalogue for `make run`: SSE_DASH_CATALOG if set, else the development data next to the repo
# when present (no network needed), else the official sources.
RUN_CATALOG ?= $(or $(SSE_DASH_CATALOG),$(if $(wildcard $(SHARED_DATA)/MANIFEST.md),catalogs/dev.toml,catalogs/official.toml))

.PHONY: setup setup-dev run test data data-dev bench lint format clean-data i18n

# Runtime packages only (what `make run` and the container image need)...
$(VENV)/.installed: requirements.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 introuvable ($(PYTHON))."; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

# ...plus tests, browser tests, benchmarks and lint.
$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed

setup-dev: $(VENV)/.installed-dev

# Build the warehouse only when it is missing (`make data` forces a rebuild).
$(DATA_DIR)/sse.duckdb: | setup
	SSE_DASH_DATA_DIR=$(DATA_DIR) $(PY) -m sse_dash data build --catalog $(RUN_CATALOG)

data: setup
	SSE_DASH_DATA_DIR=$(DATA_DIR) $(PY) -m sse_dash data build --catalog $(RUN_CATALOG)

data-dev: setup
	SSE_DASH_DATA_DIR=$(DATA_DIR) $(PY) -m sse_dash data build --catalog catalogs/dev.toml

run: setup $(DATA_DIR)/sse.duckdb
	SSE_DASH_DATA_DIR=$(DATA_DIR) $(PY) -m streamlit run app.py --server.port $(PORT)

test: setup-dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest

bench: setup-dev
	$(PY) -m sse_dash bench

# Extract the French texts of the code into every translation catalogue (sse_dash/locale/).
i18n: setup-dev
	$(PY) scripts/i18n_catalog.py

lint: setup-dev
	$(PY) -m ruff check .

format: setup-dev
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .
