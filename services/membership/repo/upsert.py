"""``INSERT ... ON CONFLICT`` for the two databases we run on: counters and presence rows that many
events touch at once must never fail on a unique key (a consumer that fails at commit drops the event)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel.ext.asyncio.session import AsyncSession


def insert_for(session: AsyncSession, table: Any) -> Any:
    """An ``insert`` into ``table`` (a table model) with ``on_conflict_do_update`` / ``_do_nothing``."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)
