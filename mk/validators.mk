# The data-to-insight CIN and SSDA903 validators live in .venv-validators, never in .venv:
# they pin pandas<2, numpy<1.25 and an old govuk-bank-holidays. `make validators` builds the
# environment from the hashed lock (about 15 seconds from PyPI, 225 MB); `safeguard census
# validate` runs them there and says "validators not installed: run make validators" without it.
# numpy 1.24 / pandas 1.5 have wheels only up to Python 3.11, hence VALIDATORS_PYTHON.
VALIDATORS_VENV := .venv-validators
VALIDATORS_PYTHON ?= python3.11

.PHONY: validators validators-lock

$(VALIDATORS_VENV)/.installed: requirements-validators.txt
	@$(VALIDATORS_PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "the validators need Python 3.11: set VALIDATORS_PYTHON")'
	rm -rf $(VALIDATORS_VENV)
	$(VALIDATORS_PYTHON) -m venv $(VALIDATORS_VENV)
	$(VALIDATORS_VENV)/bin/pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements-validators.txt
	touch $@

validators: $(VALIDATORS_VENV)/.installed

# Re-pin the validators' environment (needs network access to PyPI).
validators-lock:
	$(PYTHON) -m pip install --quiet uv && $(PYTHON) -m uv pip compile validators.in \
	  --generate-hashes --python-version 3.11 --python-platform x86_64-unknown-linux-gnu \
	  -o requirements-validators.txt
