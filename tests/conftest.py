from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from tests import factories
from tests.browser.harness import (  # noqa: F401  (the browser fixtures, shared by every module)
    browser,
    demo_partnership,
    page,
    signed_in_page,
)


@pytest.fixture(autouse=True)
def _var_dir(settings: pytest.FixtureRequest, tmp_path: Path) -> None:
    """Files the service keeps (prepared rolls, exports, uploads) go to a folder of each
    test's own, so that two test processes never read or delete each other's."""
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture
def client_for(client: Client, db: None):
    """``client_for(person)`` signs the test client in with both factors."""

    def sign_in(someone):
        return factories.signed_in(client, someone)

    return sign_in


# Real web and worker processes on one database migrated once per run (tests/processes.py): the
# fault and several-machines tests share it.
from tests.processes import process_database, processes  # noqa: E402, F401
