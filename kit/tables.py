"""Tables every service has in its own database: the event outbox, the consumer inbox and the
idempotency records. Defined once here; ``install_kit_tables`` copies them into a service's metadata
so its Alembic tree creates them. Statements use the tables below, which fit every service's copy."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

from kit.db import new_metadata
from kit.types import UtcDateTime

_metadata = new_metadata()

outbox = Table(
    "outbox",
    _metadata,
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("event_id", String(40), nullable=False, unique=True),
    Column("stream", String(80), nullable=False),
    Column("type", String(80), nullable=False),
    Column("community_id", String(40), nullable=True),
    Column("envelope", Text, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("published_at", UtcDateTime(), nullable=True),
    Index("ix_outbox_published_at", "published_at"),
)

processed_event = Table(
    "processed_event",
    _metadata,
    Column("consumer", String(80), nullable=False),
    Column("event_id", String(40), nullable=False),
    Column("processed_at", UtcDateTime(), nullable=False),
    PrimaryKeyConstraint("consumer", "event_id"),
)

idempotency_record = Table(
    "idempotency_record",
    _metadata,
    Column("scope", String(80), nullable=False),
    Column("key", String(255), nullable=False),
    Column("request_hash", String(64), nullable=False),
    Column("status_code", Integer, nullable=False),
    Column("response", Text, nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    PrimaryKeyConstraint("scope", "key"),
)

KIT_TABLES = (outbox, processed_event, idempotency_record)


def install_kit_tables(metadata: MetaData) -> None:
    for table in KIT_TABLES:
        table.to_metadata(metadata)
