"""Settings of the gamification service."""

from __future__ import annotations

import base64
import binascii
import hashlib

from pydantic import SecretStr, field_validator

from kit.dataintegrity import SigningKey
from kit.settings import KitSettings
from services.gamification.domain.certificate import Issuer


class GamificationSettings(KitSettings):
    gamification_database_url: str | None = None
    # Certificates are signed with this Ed25519 seed (32 bytes, base64); required in production. Elsewhere,
    # unset, one is derived from the internal secret.
    certificate_signing_key: SecretStr | None = None
    # Public keys (Multikey, ``z6Mk…``) of keys used before: certificates they signed still verify.
    certificate_retired_keys: list[str] = []
    # The gateway's public base URL: certificates name their verification page under it.
    public_url: str = "http://127.0.0.1:8000"

    @field_validator("certificate_signing_key", mode="after")
    @classmethod
    def _blank_key_means_none(cls, value: SecretStr | None) -> SecretStr | None:
        return value if value is not None and value.get_secret_value().strip() else None

    @property
    def database_url(self) -> str:
        return self.gamification_database_url or self.sqlite_url("gamification")


def signing_key_from_settings(settings: GamificationSettings) -> SigningKey:
    if settings.certificate_signing_key is not None:
        text = settings.certificate_signing_key.get_secret_value().strip().rstrip("=")
        try:
            seed = base64.urlsafe_b64decode(text.replace("+", "-").replace("/", "_") + "=" * (-len(text) % 4))
        except (binascii.Error, ValueError):
            raise ValueError("certificate_signing_key: expected a 32-byte Ed25519 seed in base64") from None
        if len(seed) != 32:
            raise ValueError("certificate_signing_key: expected a 32-byte Ed25519 seed in base64")
        return SigningKey.from_seed(seed)
    if settings.env == "prod":
        # A derived key would tie every certificate to the internal secret: rotating it would orphan them all.
        raise ValueError(
            "certificate_signing_key: set GUILDHALL_CERTIFICATE_SIGNING_KEY (32 bytes, base64) in production"
        )
    secret = settings.internal_secret.get_secret_value().encode()
    return SigningKey.from_seed(hashlib.sha256(b"guildhall certificate signing\x00" + secret).digest())


def issuer_from_settings(settings: GamificationSettings) -> Issuer:
    return Issuer(
        key=signing_key_from_settings(settings),
        public_url=settings.public_url,
        retired_keys=tuple(k.strip() for k in settings.certificate_retired_keys if k.strip()),
    )
