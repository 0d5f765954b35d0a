"""Tables of the gamification service."""

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


class GamificationModel(SQLModel, registry=registry(metadata=metadata)):
    pass


class Level(GamificationModel, table=True):
    __table_args__ = (UniqueConstraint("community_id", "rank"),)

    id: str = Field(primary_key=True, max_length=40)
    community_id: str = Field(max_length=40, index=True)
    rank: int
    name: str = Field(max_length=60)
    threshold: int
    created_at: datetime = Field(sa_type=UtcDateTime)
