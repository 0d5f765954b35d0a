"""Settings of the membership service."""

from __future__ import annotations

from kit.settings import KitSettings


class MembershipSettings(KitSettings):
    membership_database_url: str | None = None
    # How often the worker looks for due work (expiry notices, expiries) in every community.
    membership_jobs_interval_seconds: float = 30.0

    @property
    def database_url(self) -> str:
        return self.membership_database_url or self.sqlite_url("membership")
