"""Checks every page template for mistakes a rendered page would hide."""

from __future__ import annotations

import re
from pathlib import Path

import safeguard

SOURCE = Path(safeguard.__file__).parent
TITLE = re.compile(r"{%\s*block page_title\s*%}(.*?){%\s*endblock", re.S)


def _templates() -> list[Path]:
    return sorted(SOURCE.rglob("templates/**/*.html"))


def test_there_are_templates_to_check() -> None:
    assert len(_templates()) > 50


def test_page_titles_are_plain_text() -> None:
    """A page title becomes the window title a screen reader announces first: no markup."""
    bad = [
        str(path.relative_to(SOURCE))
        for path in _templates()
        for title in TITLE.findall(path.read_text())
        if "<" in title
    ]
    assert not bad, f"markup inside page_title: {bad}"


def test_no_inline_styles_or_scripts() -> None:
    """The Content Security Policy refuses them, so they would silently not work."""
    bad = []
    for path in _templates():
        text = path.read_text()
        if re.search(r"\sstyle=", text):
            bad.append(f"{path.relative_to(SOURCE)}: style attribute")
        for script in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in script and "nonce=" not in script:
                bad.append(f"{path.relative_to(SOURCE)}: inline script")
    assert not bad, bad
