"""Sealed credentials and the rules credentials must meet per platform."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from gateway.connections.cipher import CredentialCipher, CredentialsUnreadable, key_from_settings
from gateway.connections.store import credential_problems
from gateway.connectors.discord import DiscordConnector
from gateway.connectors.telegram import TelegramConnector
from gateway.settings import GatewaySettings

CIPHER = CredentialCipher(b"k" * 32)


def test_sealed_credentials_open_only_for_their_connection_and_key() -> None:
    sealed = CIPHER.seal({"bot_token": "123:secret"}, connection_id="conn_a")

    assert "123:secret" not in sealed
    assert CIPHER.open(sealed, connection_id="conn_a") == {"bot_token": "123:secret"}
    with pytest.raises(CredentialsUnreadable):
        CIPHER.open(sealed, connection_id="conn_b")
    with pytest.raises(CredentialsUnreadable):
        CredentialCipher(b"x" * 32).open(sealed, connection_id="conn_a")
    assert CIPHER.seal({"a": "b"}, connection_id="conn_a") != CIPHER.seal({"a": "b"}, connection_id="conn_a")


def test_the_key_comes_from_settings_and_must_be_32_bytes() -> None:
    explicit = GatewaySettings(credentials_key=SecretStr("a2V5LWtleS1rZXkta2V5LWtleS1rZXkta2V5LWtleSE"))
    derived = GatewaySettings(internal_secret=SecretStr("one"), credentials_key=SecretStr(" "))

    assert key_from_settings(explicit) == b"key-key-key-key-key-key-key-key!"
    assert len(key_from_settings(derived)) == 32
    assert key_from_settings(derived) != key_from_settings(GatewaySettings(internal_secret=SecretStr("two")))
    with pytest.raises(ValueError, match="credentials_key"):
        key_from_settings(GatewaySettings(credentials_key=SecretStr("c2hvcnQ")))


def test_missing_unknown_and_malformed_credentials_are_named() -> None:
    problems = credential_problems(
        TelegramConnector(api_url="x"), {"bot_token": "", "secret_token": "has space", "x": "1"}
    )

    assert {(p.field, p.reason.split(";")[0]) for p in problems} == {
        ("credentials.x", "unknown for telegram"),
        ("credentials.bot_token", "is required"),
        ("credentials.secret_token", "must be 1-256 characters of A-Z, a-z, 0-9, _ and -"),
    }


def test_a_rotation_checks_only_what_changes_and_refuses_blanks() -> None:
    connector = DiscordConnector(api_url="x")

    assert credential_problems(connector, {"bot_token": "t"}, partial=True) == []
    (blank,) = credential_problems(connector, {"bot_token": " "}, partial=True)
    (bad_key,) = credential_problems(connector, {"public_key": "zz"}, partial=True)
    assert (blank.field, blank.reason) == ("credentials.bot_token", "must not be empty")
    assert bad_key.field == "credentials.public_key"
