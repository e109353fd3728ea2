# `make audit`: pip-audit against requirements.lock and requirements-validators.txt, from its own
# environment (.venv-audit, hashed lock requirements-audit.txt), so its dependencies never enter
# the service's. It asks PyPI's per-release JSON for known vulnerabilities (the PyPA advisory
# database), so it needs that service; `.ci/run` runs it where the service answers and says so
# where it does not (docs/operations.md, "Dependency audit").
AUDIT_VENV := .venv-audit
AUDIT_PROBE := https://pypi.org/pypi/django/5.2/json

.PHONY: audit audit-if-reachable audit-lock

$(AUDIT_VENV)/.installed: requirements-audit.txt
	rm -rf $(AUDIT_VENV)
	$(PYTHON) -m venv $(AUDIT_VENV)
	$(AUDIT_VENV)/bin/pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements-audit.txt
	touch $@

# One file at a time: both pin some of the same packages, which pip-audit refuses in one run.
# --strict: a package the service does not know fails the audit, never passes it unexamined.
audit: $(AUDIT_VENV)/.installed
	for lock in requirements.lock requirements-validators.txt; do \
	  $(AUDIT_VENV)/bin/pip-audit --disable-pip --require-hashes --progress-spinner off \
	    --vulnerability-service pypi --strict -r $$lock || exit 1; \
	done

# Where PyPI's per-release JSON does not answer (a mirror), the audit cannot run: say so.
audit-if-reachable:
	@if curl -fsS -o /dev/null --max-time 20 $(AUDIT_PROBE); then $(MAKE) audit; \
	else echo "pip-audit NOT RUN: PyPI's vulnerability data ($(AUDIT_PROBE)) is not reachable from here"; fi

audit-lock:
	$(PYTHON) -m pip install --quiet uv && $(PYTHON) -m uv pip compile audit.in \
	  --generate-hashes --python-version 3.11 --python-platform x86_64-unknown-linux-gnu \
	  -o requirements-audit.txt
