"""Settings of the gamification service."""

from __future__ import annotations

from kit.settings import KitSettings


class GamificationSettings(KitSettings):
    gamification_database_url: str | None = None

    @property
    def database_url(self) -> str:
        return self.gamification_database_url or self.sqlite_url("gamification")
