"""Settings shared by every part of Guildhall, read from ``GUILDHALL_*`` environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_INTERNAL_SECRET = "dev-internal-secret-change-me"  # noqa: S105 - a well-known dev default, refused in prod

Environment = Literal["dev", "test", "prod"]
IN_PROCESS_IDLE_POLL_SECONDS = 5.0


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
    # How long a relay, consumer group or dispatcher with nothing to do waits before it looks for work another
    # process made; work made in this process wakes it at once (``kit.events.doorbell``). None: ``idle_poll``.
    idle_poll_seconds: float | None = Field(default=None, gt=0)
    # How soon a process sees a sandbox community's test clock moved by another process. None: ``idle_poll``.
    test_clock_refresh_seconds: float | None = Field(default=None, gt=0)
    # PostgreSQL connections a process opens before it serves (ADR 0024): the first burst after a start would
    # otherwise open them itself, each a connect, the driver's type set-up and an empty statement cache.
    db_warm_connections: int = Field(default=4, ge=0, le=20)

    @model_validator(mode="after")
    def _production_needs_a_real_secret(self) -> KitSettings:
        if self.env == "prod" and self.internal_secret.get_secret_value() == DEV_INTERNAL_SECRET:
            raise ValueError("internal_secret: set GUILDHALL_INTERNAL_SECRET in production")
        return self

    @property
    def idle_poll(self) -> float:
        """``idle_poll_seconds``, or by default 1 s with a Redis server and 5 s with the in-process stand-in: no
        other process can write its streams, so only an outbox row another process committed (a CLI command's)
        waits for the poll, and an idle embedded Guildhall stays under 1 % of a core (issue #9)."""
        if self.idle_poll_seconds is not None:
            return self.idle_poll_seconds
        return IN_PROCESS_IDLE_POLL_SECONDS if self.redis_url.startswith("memory://") else 1.0

    @property
    def test_clock_refresh(self) -> float:
        return self.test_clock_refresh_seconds if self.test_clock_refresh_seconds is not None else self.idle_poll

    def sqlite_url(self, name: str) -> str:
        """The embedded database of one part, a SQLite file under the data directory."""
        return f"sqlite+aiosqlite:///{self.data_dir.resolve() / f'{name}.db'}"
