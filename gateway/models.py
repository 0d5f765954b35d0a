"""Tables of the gateway: API keys (hashed). Connections and delivery logs arrive with the ingress."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from kit.db import new_metadata
from kit.tables import install_kit_tables
from kit.types import UtcDateTime

metadata = new_metadata()
install_kit_tables(metadata)


class GatewayModel(SQLModel, registry=registry(metadata=metadata)):
    pass


class ApiKey(GatewayModel, table=True):
    __tablename__ = "api_key"

    id: str = Field(primary_key=True, max_length=40)
    name: str = Field(max_length=100)
    key_hash: str = Field(max_length=64, unique=True)
    role: str = Field(max_length=32)
    community_id: str | None = Field(default=None, max_length=40, index=True)
    created_at: datetime = Field(sa_type=UtcDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
