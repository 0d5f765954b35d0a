"""The signed internal principal header, community access and API keys (kit/auth.py)."""

from __future__ import annotations

import base64

import pytest

from kit.auth import (
    API_KEY_PREFIX,
    MAX_SKEW_SECONDS,
    RESIGN_AFTER_SECONDS,
    SYSTEM,
    Principal,
    _sign,
    ensure_community_access,
    hash_api_key,
    mint_api_key,
    sign_principal,
    verify_principal,
)
from kit.errors import NotFound, Unauthenticated
from kit.ids import has_prefix

SECRET = "internal-secret-for-tests"
NOW = 1_800_000_000.0


def create_principal(**overrides: str) -> Principal:
    fields: dict[str, str] = {"role": "community_admin", "key_id": "key_1", "community_id": "cmty_a"}
    return Principal.model_validate(fields | overrides)


@pytest.mark.parametrize(
    "principal",
    [
        pytest.param(create_principal(), id="community-admin"),
        pytest.param(Principal(role="platform_admin", key_id="key_2"), id="platform-admin"),
        pytest.param(SYSTEM, id="system"),
    ],
)
def test_a_signed_principal_verifies_to_the_same_principal(principal: Principal) -> None:
    header = sign_principal(principal, SECRET, now=NOW)

    verified = verify_principal(header, SECRET, now=NOW)

    assert verified == principal


def test_a_signature_within_the_allowed_skew_is_accepted() -> None:
    header = sign_principal(create_principal(), SECRET, now=NOW)

    verified = verify_principal(header, SECRET, now=NOW + MAX_SKEW_SECONDS)

    assert verified == create_principal()


def test_a_tampered_payload_is_refused() -> None:
    header = sign_principal(create_principal(role="community_admin"), SECRET, now=NOW)
    _, timestamp, signature = header.split(".")
    forged = base64.urlsafe_b64encode(b'{"role":"platform_admin"}').decode()

    with pytest.raises(Unauthenticated, match="signature"):
        verify_principal(f"{forged}.{timestamp}.{signature}", SECRET, now=NOW)


def test_a_tampered_timestamp_is_refused() -> None:
    header = sign_principal(create_principal(), SECRET, now=NOW)
    payload, timestamp, signature = header.split(".")

    with pytest.raises(Unauthenticated, match="signature"):
        verify_principal(f"{payload}.{int(timestamp) + 1}.{signature}", SECRET, now=NOW)


def test_a_header_signed_with_another_secret_is_refused() -> None:
    header = sign_principal(create_principal(), "some-other-secret", now=NOW)

    with pytest.raises(Unauthenticated, match="signature"):
        verify_principal(header, SECRET, now=NOW)


@pytest.mark.parametrize(
    "header",
    [
        pytest.param("not-a-principal", id="no-dots"),
        pytest.param("a.b", id="two-parts"),
        pytest.param("a.b.c.d", id="four-parts"),
        pytest.param("payload.yesterday.signature", id="timestamp-not-a-number"),
    ],
)
def test_a_malformed_header_is_refused(header: str) -> None:
    with pytest.raises(Unauthenticated, match="malformed"):
        verify_principal(header, SECRET, now=NOW)


def test_a_signature_with_non_ascii_characters_is_refused() -> None:
    # Starlette decodes header bytes as latin-1, so a caller can put "é" in the signature part.
    payload, timestamp, _ = sign_principal(create_principal(), SECRET, now=NOW).split(".")

    with pytest.raises(Unauthenticated):
        verify_principal(f"{payload}.{timestamp}.\u00e9", SECRET, now=NOW)


@pytest.mark.parametrize("header", [None, ""])
def test_a_missing_header_is_refused(header: str | None) -> None:
    with pytest.raises(Unauthenticated, match="missing"):
        verify_principal(header, SECRET, now=NOW)


@pytest.mark.parametrize("age", [MAX_SKEW_SECONDS + 1, -(MAX_SKEW_SECONDS + 1)], ids=["too-old", "from-the-future"])
def test_a_stale_signature_is_refused(age: int) -> None:
    header = sign_principal(create_principal(), SECRET, now=NOW)

    with pytest.raises(Unauthenticated, match="stale"):
        verify_principal(header, SECRET, now=NOW + age)


def test_a_correctly_signed_payload_that_is_not_a_principal_is_refused() -> None:
    # Someone holding the secret but sending garbage still gets a 401, not a 500.
    principal = create_principal()
    header = sign_principal(principal, SECRET, now=NOW)
    _, timestamp, _ = header.split(".")
    payload = base64.urlsafe_b64encode(b'{"role":"superuser"}').decode()
    signature = _sign(SECRET.encode(), payload, int(timestamp))

    with pytest.raises(Unauthenticated, match="malformed"):
        verify_principal(f"{payload}.{timestamp}.{signature}", SECRET, now=NOW)


@pytest.mark.parametrize("role", ["platform_admin", "system"])
def test_a_platform_admin_or_the_system_can_access_any_community(role: str) -> None:
    principal = Principal.model_validate({"role": role})

    assert principal.can_access("cmty_a")
    assert principal.can_access("cmty_b")


def test_a_community_admin_can_access_only_its_own_community() -> None:
    principal = create_principal(community_id="cmty_a")

    assert principal.can_access("cmty_a")
    assert not principal.can_access("cmty_b")


def test_another_communitys_data_looks_like_data_that_does_not_exist() -> None:
    principal = create_principal(community_id="cmty_a")

    with pytest.raises(NotFound) as raised:
        ensure_community_access(principal, "cmty_b")

    assert raised.value.code == "community_not_found"
    assert raised.value.status == 404


def test_a_minted_key_is_a_ghk_key_whose_hash_is_the_stored_hash() -> None:
    minted = mint_api_key()

    assert minted.plaintext.startswith(API_KEY_PREFIX)
    assert API_KEY_PREFIX == "ghk_"
    assert hash_api_key(minted.plaintext) == minted.key_hash
    assert minted.key_hash != minted.plaintext
    assert has_prefix(minted.key_id, "key")


def test_two_minted_keys_differ() -> None:
    first = mint_api_key()

    second = mint_api_key()

    assert first.key_id != second.key_id
    assert first.plaintext != second.plaintext
    assert first.key_hash != second.key_hash


def test_a_presented_key_that_differs_by_one_character_hashes_differently() -> None:
    minted = mint_api_key()

    altered = minted.plaintext[:-1] + ("a" if minted.plaintext[-1] != "a" else "b")

    assert hash_api_key(altered) != minted.key_hash


def test_a_header_that_verified_once_is_refused_when_it_has_grown_stale() -> None:
    header = sign_principal(create_principal(), SECRET, now=NOW)
    assert verify_principal(header, SECRET, now=NOW + 1) == create_principal()

    with pytest.raises(Unauthenticated, match="stale"):
        verify_principal(header, SECRET, now=NOW + MAX_SKEW_SECONDS + 1)


def test_a_header_that_verified_under_one_secret_is_refused_under_another() -> None:
    header = sign_principal(create_principal(), SECRET, now=NOW)
    verify_principal(header, SECRET, now=NOW)

    with pytest.raises(Unauthenticated, match="signature"):
        verify_principal(header, "another-secret", now=NOW)


def test_a_signature_is_reused_for_a_minute_then_made_anew(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [NOW]
    monkeypatch.setattr("kit.auth.time.time", lambda: clock[0])
    principal = create_principal(key_id="key_reused")
    first = sign_principal(principal, SECRET)
    clock[0] = NOW + RESIGN_AFTER_SECONDS - 1
    again = sign_principal(principal, SECRET)
    clock[0] = NOW + RESIGN_AFTER_SECONDS
    later = sign_principal(principal, SECRET)

    assert again == first
    assert later != first
    assert verify_principal(later, SECRET) == principal
    assert sign_principal(create_principal(key_id="key_other"), SECRET) != later
