"""The registry and metadata every gamification table belongs to."""

from __future__ import annotations

from sqlalchemy.orm import registry
from sqlmodel import SQLModel

from kit.db import new_metadata
from kit.tables import install_kit_tables

metadata = new_metadata()
install_kit_tables(metadata)


class GamificationModel(SQLModel, registry=registry(metadata=metadata)):
    pass
