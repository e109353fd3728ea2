"""The browser fixtures of tests/browser, for the scorecard's browser journey."""

from tests.browser.conftest import (  # noqa: F401 - fixtures
    browser,
    demo_partnership,
    page,
    signed_in_page,
)
