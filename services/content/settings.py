"""Settings of the content service."""

from __future__ import annotations

from kit.settings import KitSettings


class ContentSettings(KitSettings):
    content_database_url: str | None = None

    @property
    def database_url(self) -> str:
        return self.content_database_url or self.sqlite_url("content")
