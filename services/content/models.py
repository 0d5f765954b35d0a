"""Tables of the content service."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from kit.db import new_metadata
from kit.tables import install_kit_tables
from kit.types import UtcDateTime

metadata = new_metadata()
install_kit_tables(metadata)


class ContentModel(SQLModel, registry=registry(metadata=metadata)):
    pass


class WelcomeTemplate(ContentModel, table=True):
    __tablename__ = "welcome_template"

    id: str = Field(primary_key=True, max_length=40)
    community_id: str = Field(max_length=40, unique=True)
    body: str = Field(max_length=2000)
    batch_window_seconds: int
    enabled: bool = True
    created_at: datetime = Field(sa_type=UtcDateTime)


class WelcomeGroupOverride(ContentModel, table=True):
    """One group's own greeting or batch window; what it leaves unset comes from the community's template."""

    __tablename__ = "welcome_group_override"
    __table_args__ = (UniqueConstraint("community_id", "group_id"),)

    id: str = Field(primary_key=True, max_length=40)
    community_id: str = Field(max_length=40)
    group_id: str = Field(max_length=40)
    body: str | None = Field(default=None, max_length=2000)
    batch_window_seconds: int | None = None
