"""Settings shared by every part of Guildhall, read from ``GUILDHALL_*`` environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_INTERNAL_SECRET = "dev-internal-secret-change-me"  # noqa: S105 - a well-known dev default, refused in prod

Environment = Literal["dev", "test", "prod"]


class KitSettings(BaseSettings):
    """What every service, the gateway and every worker need to know."""

    model_config = SettingsConfigDict(env_prefix="GUILDHALL_", extra="ignore")

    env: Environment = "dev"
    data_dir: Path = Path(".guildhall")
    redis_url: str = "memory://"
    internal_secret: SecretStr = SecretStr(DEV_INTERNAL_SECRET)
    log_level: str = "INFO"
    log_json: bool = True
    event_stream_maxlen: int = 1_000_000
    outbox_retention_hours: int = 24 * 7
    # How soon a process sees a sandbox community's test clock moved by another process.
    test_clock_refresh_seconds: float = 1.0
    # PostgreSQL connections a process opens before it serves (ADR 0024): the first burst after a start would
    # otherwise open them itself, each a connect, the driver's type set-up and an empty statement cache.
    db_warm_connections: int = Field(default=4, ge=0, le=20)

    @model_validator(mode="after")
    def _production_needs_a_real_secret(self) -> KitSettings:
        if self.env == "prod" and self.internal_secret.get_secret_value() == DEV_INTERNAL_SECRET:
            raise ValueError("internal_secret: set GUILDHALL_INTERNAL_SECRET in production")
        return self

    def sqlite_url(self, name: str) -> str:
        """The embedded database of one part, a SQLite file under the data directory."""
        return f"sqlite+aiosqlite:///{self.data_dir.resolve() / f'{name}.db'}"
