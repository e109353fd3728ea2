"""The single sign-on rules, at every edge (no Django, no network)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeguard.core import sso_rules as r

NOW = 1_800_000_000.0
GOOD = {"iss": "https://idp.example/t", "aud": "client", "sub": "s", "exp": NOW + 60, "iat": NOW}


def check(**changes):
    return r.check_id_token_claims(
        {**GOOD, **changes}, issuer=GOOD["iss"], client_id="client", now=NOW
    )


@pytest.mark.parametrize(
    ("amr", "second"),
    [
        (["pwd", "mfa"], True),
        (["mfa"], True),
        ("mfa", True),
        (["pwd", "otp"], True),
        (["hwk"], True),
        (["SMS"], True),
        (["pwd"], False),
        (["pwd", "kba"], False),
        (["swk"], False),
        (["fpt"], False),
        ([], False),
        (None, False),
        ({"mfa": True}, False),
        ([1, 2], False),
        ("", False),
    ],
)
def test_second_factor_from_amr(amr, second):
    assert r.provider_asserts_second_factor(amr) is second


@given(st.lists(st.text(max_size=8), max_size=6))
def test_amr_without_a_possession_method_never_counts(methods):
    expected = any(m.strip().lower() in r.SECOND_FACTOR_METHODS for m in methods)
    assert r.provider_asserts_second_factor(methods) is expected


def test_good_claims_pass():
    assert check().ok
    assert check(aud=["client", "other"], azp="client").ok


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"iss": "https://idp.example/t/"}, "issuer"),
        ({"aud": "other"}, "audience"),
        ({"aud": ["other"]}, "audience"),
        ({"aud": None}, "audience"),
        ({"aud": ["client", "other"]}, "authorised party"),
        ({"aud": ["client", "other"], "azp": "other"}, "authorised party"),
        ({"exp": NOW - r.CLOCK_SKEW_SECONDS}, "expired"),
        ({"exp": "tomorrow"}, "expired"),
        ({"exp": True}, "expired"),
        ({"iat": NOW + r.CLOCK_SKEW_SECONDS + 1}, "issued in the future"),
        ({"iat": None}, "issued in the future"),
        ({"sub": ""}, "subject"),
        ({"sub": 5}, "subject"),
    ],
)
def test_bad_claims_are_named(changes, problem):
    assert check(**changes).problems == [problem]


def test_clock_skew_edges():
    assert check(exp=NOW - r.CLOCK_SKEW_SECONDS + 1).ok
    assert check(iat=NOW + r.CLOCK_SKEW_SECONDS).ok


@pytest.mark.parametrize(
    ("claims", "email"),
    [
        ({"email": "Jo@Example.ORG "}, "jo@example.org"),
        ({"email": "jo@example.org", "email_verified": True}, "jo@example.org"),
        ({"email": "jo@example.org", "email_verified": False}, ""),
        ({"email": "not-an-address"}, ""),
        ({"email": None}, ""),
        ({}, ""),
        ({"preferred_username": "jo@example.org"}, ""),
    ],
)
def test_email_from_claims(claims, email):
    assert r.email_from_claims(claims, claim="email") == email


def test_email_claim_is_configurable():
    assert r.email_from_claims({"upn": "Jo@x.org"}, claim="upn") == "jo@x.org"


def test_step_up_freshness():
    assert r.step_up_is_fresh({"auth_time": NOW}, now=NOW)
    assert r.step_up_is_fresh({"auth_time": NOW - r.STEP_UP_MAX_AGE_SECONDS}, now=NOW)
    assert not r.step_up_is_fresh({"auth_time": NOW - r.STEP_UP_MAX_AGE_SECONDS - 1}, now=NOW)
    assert not r.step_up_is_fresh({"auth_time": NOW + r.CLOCK_SKEW_SECONDS + 1}, now=NOW)
    assert not r.step_up_is_fresh({}, now=NOW)


def test_providers_from_environment(tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text("from-a-file\n")
    env = {
        "SAFEGUARD_SSO_PROVIDERS": "council, nhs-trust",
        "SAFEGUARD_SSO_COUNCIL_ISSUER": "https://login.microsoftonline.com/t/v2.0",
        "SAFEGUARD_SSO_COUNCIL_CLIENT_ID": "id1",
        "SAFEGUARD_SSO_COUNCIL_CLIENT_SECRET": "s1",
        "SAFEGUARD_SSO_COUNCIL_NAME": "Westmere Council",
        "SAFEGUARD_SSO_NHS_TRUST_ISSUER": "https://idp.nhs.example/",
        "SAFEGUARD_SSO_NHS_TRUST_CLIENT_ID": "id2",
        "SAFEGUARD_SSO_NHS_TRUST_CLIENT_SECRET_FILE": str(secret_file),
        "SAFEGUARD_SSO_NHS_TRUST_EMAIL_CLAIM": "upn",
    }
    found = r.providers_from_environment(env)
    assert found["council"]["name"] == "Westmere Council"
    assert found["council"]["email_claim"] == "email"
    assert found["nhs-trust"]["client_secret"] == "from-a-file"
    assert found["nhs-trust"]["issuer"] == "https://idp.nhs.example/"
    assert found["nhs-trust"]["name"] == "nhs-trust"
    assert r.providers_from_environment({}) == {}


@pytest.mark.parametrize(
    "env",
    [
        {
            "SAFEGUARD_SSO_PROVIDERS": "x",
            "SAFEGUARD_SSO_X_CLIENT_ID": "i",
            "SAFEGUARD_SSO_X_CLIENT_SECRET": "s",
        },
        {
            "SAFEGUARD_SSO_PROVIDERS": "x",
            "SAFEGUARD_SSO_X_ISSUER": "https://a",
            "SAFEGUARD_SSO_X_CLIENT_SECRET": "s",
        },
        {
            "SAFEGUARD_SSO_PROVIDERS": "x",
            "SAFEGUARD_SSO_X_ISSUER": "https://a",
            "SAFEGUARD_SSO_X_CLIENT_ID": "i",
        },
        {
            "SAFEGUARD_SSO_PROVIDERS": "x",
            "SAFEGUARD_SSO_X_ISSUER": "http://idp.example",
            "SAFEGUARD_SSO_X_CLIENT_ID": "i",
            "SAFEGUARD_SSO_X_CLIENT_SECRET": "s",
        },
        {"SAFEGUARD_SSO_PROVIDERS": "bad key!"},
    ],
    ids=["no issuer", "no client id", "no secret", "plain http", "bad key"],
)
def test_providers_from_environment_refuses_incomplete_settings(env):
    with pytest.raises(r.ProviderSettingError):
        r.providers_from_environment(env)
