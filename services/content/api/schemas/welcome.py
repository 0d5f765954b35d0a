"""Response bodies for welcome templates."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class WelcomeTemplateRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    community_id: str
    body: str
    batch_window_seconds: int
    enabled: bool


class CommunityWelcomeTemplate(BaseModel):
    community_id: str
    template: WelcomeTemplateRead | None


class WelcomeTemplateBatch(BaseModel):
    items: list[CommunityWelcomeTemplate]
