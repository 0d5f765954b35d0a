"""Settings of the gateway: where the services are, its own database, and first-start credentials."""

from __future__ import annotations

from pydantic import Field, SecretStr, field_validator

from kit.settings import KitSettings


class GatewaySettings(KitSettings):
    gateway_database_url: str | None = None
    # Base URLs of the services; unset means "in this process" (embedded mode, httpx.ASGITransport).
    membership_url: str | None = None
    gamification_url: str | None = None
    content_url: str | None = None
    bootstrap_api_key: SecretStr | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    graphiql: bool | None = None  # default: on in dev, off in prod
    service_timeout_seconds: float = 10.0
    # Bodies of /graphql past this are refused with 413 before they are parsed (a query is a few KiB at most).
    graphql_max_body_bytes: int = 1024 * 1024
    # Connections: platform credentials are sealed with this key (32 bytes, urlsafe base64); the gateway refuses
    # to start in production without it. Elsewhere, unset, a key is derived from the internal secret.
    credentials_key: SecretStr | None = None
    credentials_rotation_grace_seconds: int = 24 * 3600
    connection_cache_seconds: float = 10.0
    # Webhook ingress
    webhook_max_body_bytes: int = 1024 * 1024
    # Platform APIs the connectors call; tests point them at local fake servers.
    telegram_api_url: str = "https://api.telegram.org"
    slack_api_url: str = "https://slack.com/api"
    discord_api_url: str = "https://discord.com/api/v10"
    feishu_api_url: str = "https://open.feishu.cn/open-apis"
    wecom_api_url: str = "https://qyapi.weixin.qq.com/cgi-bin"
    dingtalk_api_url: str = "https://api.dingtalk.com"
    dingtalk_oapi_url: str = "https://oapi.dingtalk.com"
    platform_timeout_seconds: float = 10.0
    # Chat dispatcher. Limits per platform override gateway/dispatch/limits.py's table, as JSON:
    # {"telegram": {"per_chat": [[20, 60]], "per_connection": [[30, 1]]}} ([count, seconds] pairs).
    dispatch_limits: dict[str, dict[str, list[list[float]]]] = {}
    dispatch_limit_scale: float = 1.0  # multiplies every rate: > 1 only against fake platforms (tests, benchmarks)
    dispatch_limit_headroom: float = 0.05  # pace this share below each limit, for jitter (ADR 0016 addendum)
    dispatch_max_attempts: int = 6
    dispatch_backoff_seconds: float = 2.0
    dispatch_backoff_max_seconds: float = 300.0
    dispatch_concurrency: int = 32  # platform calls in flight per replica
    # How often a replica looks for deliveries another one accepted. None: ``idle_poll``.
    dispatch_poll_seconds: float | None = Field(default=None, gt=0)
    dispatch_lease_seconds: float = 60.0  # a claimed delivery whose replica died is retried after this
    dispatch_queued_per_chat: int = 50  # deliveries of one chat held in memory at once
    dispatch_claim_ahead_seconds: float = 0.05  # claim a delivery this long before its slot (covers the claim)
    # Housekeeping: dedupe keys outlive every platform's redelivery horizon (about a day at most, ADR 0010);
    # finished deliveries stay readable in the log for a month.
    webhook_dedupe_retention_hours: float = 7 * 24
    delivery_log_retention_days: float = 30
    housekeeping_interval_seconds: float = 3600.0
    housekeeping_batch_size: int = 1000

    @field_validator("bootstrap_api_key", mode="after")
    @classmethod
    def _blank_means_none(cls, value: SecretStr | None) -> SecretStr | None:
        # An empty variable (GUILDHALL_BOOTSTRAP_API_KEY=) must never make "" a platform-admin key.
        if value is None or not value.get_secret_value().strip():
            return None
        return value

    @field_validator("credentials_key", mode="after")
    @classmethod
    def _blank_key_means_none(cls, value: SecretStr | None) -> SecretStr | None:
        return value if value is not None and value.get_secret_value().strip() else None

    @property
    def database_url(self) -> str:
        return self.gateway_database_url or self.sqlite_url("gateway")

    @property
    def graphiql_enabled(self) -> bool:
        return self.graphiql if self.graphiql is not None else self.env != "prod"
