"""Link codes: a short-lived code one platform account hands to another, to be known as the same member."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class LinkCodeRead(BaseModel):
    code: str
    member_id: str
    expires_at: datetime


class LinkCodeRedeem(BaseModel):
    """The other platform account presents the code it was given."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=40)
    platform: str
    platform_user_id: str = Field(min_length=1, max_length=200)
    display_name: str | None = Field(default=None, max_length=100)
