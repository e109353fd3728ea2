"""The load benchmark's own parts that can be wrong quietly: the simulated authenticator's
codes (a wrong one would make every simulated sign-in fail) and the loader's UPNs."""

from __future__ import annotations

import time

import pytest
from bench.load.data import upn
from bench.load.totp import totp
from django_otp.oath import TOTP


@pytest.mark.parametrize("at", [0, 59, 1_111_111_109, 1_234_567_890, 2_000_000_000])
def test_the_simulated_app_shows_the_code_django_otp_expects(at: int) -> None:
    key = "3132333435363738393031323334353637383930"  # RFC 6238's SHA-1 test secret
    expected = TOTP(bytes.fromhex(key), step=30, t0=0, digits=6)
    expected.time = at
    assert totp(key, at=at) == f"{expected.token():06d}"


def test_the_code_is_the_current_one_by_default() -> None:
    key = "00" * 20
    expected = TOTP(bytes.fromhex(key))
    expected.time = int(time.time())
    assert totp(key) in {f"{expected.token():06d}", totp(key, at=time.time() + 1)}


def test_rfc_6238_vectors() -> None:
    key = "3132333435363738393031323334353637383930"
    assert totp(key, at=59, digits=8) == "94287082"
    assert totp(key, at=1111111109, digits=8) == "07081804"


def test_upns_are_13_characters_and_unique_within_a_large_school() -> None:
    number = upn("821", 2613, 12, 1)
    assert len(number) == 13 and number[1:] == "821261312001"
    assert number[0] in "ABCDEFGHJKLMNPQRTUVWXYZ"
    assert len({upn("931", 2000, 10 + s // 1000, s % 1000) for s in range(20000)}) == 20000
