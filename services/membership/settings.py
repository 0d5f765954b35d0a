"""Settings of the membership service."""

from __future__ import annotations

from kit.settings import KitSettings


class MembershipSettings(KitSettings):
    membership_database_url: str | None = None
    # How often the worker looks for due work (expiry notices, expiries) in every community.
    membership_jobs_interval_seconds: float = 30.0
    # How long an entitlement snapshot may live if an invalidation is lost; changes invalidate at once.
    entitlement_cache_ttl_seconds: int = 60
    # Where people open join links (live codes): the integrator's page or the gateway, public.
    public_url: str = "http://127.0.0.1:8000"

    @property
    def database_url(self) -> str:
        return self.membership_database_url or self.sqlite_url("membership")
