# uxlab: `make run` serves the demo study, `make test` runs every test. Both set themselves up.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
CHROMIUM_STAMP := $(VENV)/.chromium-stamp
PYTEST_WORKERS ?= 2
# make run PORT=8000: another port when 5000 is taken
PORT ?= 5000

.PHONY: setup run test lint format migrations bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Chromium has its own stamp: a checkout set up before the script changed runs it once more.
$(CHROMIUM_STAMP): scripts/ensure-chromium.sh | $(STAMP)
	bash scripts/ensure-chromium.sh
	touch $(CHROMIUM_STAMP)

setup: $(STAMP) $(CHROMIUM_STAMP)

run: setup
	$(VENV)/bin/uxlab demo --port $(PORT)

test: setup lint
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check uxlab tests bench
	$(VENV)/bin/ruff format --check uxlab tests bench
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

format: setup
	$(VENV)/bin/ruff check --fix uxlab tests bench
	$(VENV)/bin/ruff format uxlab tests bench

# A new revision for what uxlab/models.py changed: make migrations MESSAGE="add audit table"
migrations: setup
	@test -n "$(MESSAGE)" || { echo 'usage: make migrations MESSAGE="what the revision does"'; exit 2; }
	$(PY) -m uxlab.migrations.revision "$(MESSAGE)"

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
