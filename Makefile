# Safeguard: `make run` sets everything up and starts the demo; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Two pytest workers: CI has 2 cores; each worker gets its own test database.
TEST_WORKERS ?= 2
export SAFEGUARD_VAR_DIR ?= $(CURDIR)/var

.PHONY: run test lint format bench install clean lock

include mk/validators.mk
include mk/audit.mk

$(BIN)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(BIN)/.installed node_modules/.installed

run: install
	SAFEGUARD_DEMO=$${SAFEGUARD_DEMO-1} \
	SAFEGUARD_PARTNERSHIP_NAME="$${SAFEGUARD_PARTNERSHIP_NAME-Westmere Safeguarding Children Partnership}" \
	  $(BIN)/safeguard run --demo-if-empty

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy src

# The census tests need the validators' environment: make test builds it, as CI does.
test: lint validators
	SAFEGUARD_ENV=test $(BIN)/pytest -n $(TEST_WORKERS)

format: install
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

bench: install
	SAFEGUARD_ENV=test $(BIN)/python -m bench

# Re-pin every Python dependency (needs network access to PyPI).
lock:
	$(PYTHON) -m pip install --quiet uv && $(PYTHON) -m uv pip compile pyproject.toml --extra dev \
	  --generate-hashes --python-version 3.11 --python-platform x86_64-unknown-linux-gnu -o requirements.lock

clean:
	rm -rf $(VENV) node_modules var/static
