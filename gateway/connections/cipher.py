"""Platform credentials sealed at rest with AES-256-GCM; the row's id is the associated data, so a sealed
value copied onto another connection does not open."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from collections.abc import Mapping

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from gateway.settings import GatewaySettings

VERSION = "v1"
NONCE_BYTES = 12


class CredentialsUnreadable(Exception):
    """Sealed with another key, or tampered with."""


def key_from_settings(settings: GatewaySettings) -> bytes:
    if settings.credentials_key is not None:
        try:
            key = base64.urlsafe_b64decode(settings.credentials_key.get_secret_value().strip() + "==")
        except (binascii.Error, ValueError):
            raise ValueError("credentials_key: expected 32 bytes in urlsafe base64") from None
        if len(key) != 32:
            raise ValueError("credentials_key: expected 32 bytes in urlsafe base64")
        return key
    if settings.env == "prod":
        # A derived key would tie the credentials to the internal secret: rotating it would lose them all.
        raise ValueError("credentials_key: set GUILDHALL_CREDENTIALS_KEY (32 bytes, urlsafe base64) in production")
    # No key of its own outside production: derived from the internal secret.
    secret = settings.internal_secret.get_secret_value().encode()
    return hashlib.sha256(b"guildhall connection credentials\x00" + secret).digest()


class CredentialCipher:
    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)

    def seal(self, credentials: Mapping[str, str], *, connection_id: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        plain = json.dumps(dict(credentials), separators=(",", ":"), sort_keys=True).encode()
        sealed = self._aead.encrypt(nonce, plain, connection_id.encode())
        return f"{VERSION}.{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def open(self, sealed: str, *, connection_id: str) -> dict[str, str]:
        version, _, body = sealed.partition(".")
        if version != VERSION:
            raise CredentialsUnreadable(f"unknown sealing version {version!r}")
        try:
            raw = base64.urlsafe_b64decode(body)
            plain = self._aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], connection_id.encode())
        except (binascii.Error, ValueError, InvalidTag):
            raise CredentialsUnreadable("credentials do not open with this key") from None
        value = json.loads(plain)
        return {str(k): str(v) for k, v in value.items()}
