"""Sealing the neighbour's API key at rest."""

from __future__ import annotations

import pytest

from safeguard.encompass import sealed


def test_a_sealed_key_reads_back_and_does_not_show_in_the_sealed_text() -> None:
    text = sealed.seal("sg_abcdef_secret")
    assert "sg_abcdef" not in text and "secret" not in text
    assert sealed.unseal(text) == "sg_abcdef_secret"
    assert sealed.seal("sg_abcdef_secret") != text  # a fresh nonce each time


def test_an_altered_or_foreign_sealed_text_is_refused(settings) -> None:  # type: ignore[no-untyped-def]
    text = sealed.seal("sg_key")
    flipped = text[:-3] + ("A" if text[-3] != "A" else "B") + text[-2:]
    with pytest.raises(sealed.Unreadable):
        sealed.unseal(flipped)
    with pytest.raises(sealed.Unreadable):
        sealed.unseal("nonsense")
    settings.SECRET_KEY = "another"
    with pytest.raises(sealed.Unreadable):
        sealed.unseal(text)
