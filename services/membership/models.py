"""Tables of the membership service."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from kit.db import new_metadata
from kit.tables import install_kit_tables
from kit.types import UtcDateTime

metadata = new_metadata()
install_kit_tables(metadata)


class MembershipModel(SQLModel, registry=registry(metadata=metadata)):
    pass


class Community(MembershipModel, table=True):
    id: str = Field(primary_key=True, max_length=40)
    name: str = Field(max_length=100)
    timezone: str = Field(max_length=64)
    mission: str | None = Field(default=None, max_length=2000)
    rules: str | None = Field(default=None)
    created_at: datetime = Field(sa_type=UtcDateTime)
