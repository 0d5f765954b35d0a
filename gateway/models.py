"""Tables of the gateway: API keys (hashed), connections (sealed credentials), processed webhook ids, the chat
delivery log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Text
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


class Connection(GatewayModel, table=True):
    """A community's account on one chat platform. Credentials are sealed (``gateway.connections.cipher``):
    the current set, and during a rotation's grace period the previous set too."""

    __tablename__ = "connection"

    id: str = Field(primary_key=True, max_length=40)
    community_id: str = Field(max_length=40, index=True)
    platform: str = Field(max_length=16)
    name: str = Field(max_length=100)
    credentials: str = Field(sa_type=Text)
    credential_names: str = Field(max_length=400)  # comma-separated, for display: never the values
    previous_credentials: str | None = Field(default=None, sa_type=Text)
    previous_valid_until: datetime | None = Field(default=None, sa_type=UtcDateTime)
    created_at: datetime = Field(sa_type=UtcDateTime)
    rotated_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    disabled_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class ProcessedWebhook(GatewayModel, table=True):
    """One row per accepted platform delivery: its unique key makes a redelivery publish nothing. Written in
    the same transaction as the delivery's outbox events."""

    __tablename__ = "processed_webhook"

    connection_id: str = Field(primary_key=True, max_length=40)
    dedupe_key: str = Field(primary_key=True, max_length=200)
    received_at: datetime = Field(sa_type=UtcDateTime, index=True)


class ChatDelivery(GatewayModel, table=True):
    """The chat dispatcher's log: one row per accepted ``chat.send`` / ``chat.action`` command, written
    before the command's stream entry is acknowledged. ``command_id`` is unique, so a command that
    arrives twice is sent once. ``status`` moves queued → sent or failed."""

    __tablename__ = "chat_delivery"
    __table_args__ = (
        Index("ix_chat_delivery_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_chat_delivery_community_id_id", "community_id", "id"),
    )

    id: str = Field(primary_key=True, max_length=40)
    command_id: str = Field(max_length=100, unique=True)
    event_id: str | None = Field(default=None, max_length=40)
    community_id: str = Field(max_length=40)
    connection_id: str = Field(max_length=40)
    platform: str = Field(max_length=16)
    platform_chat_id: str = Field(max_length=200)
    kind: str = Field(max_length=8)  # send, action
    action: str | None = Field(default=None, max_length=16)  # for kind=action: remove, mute, ...
    command: str = Field(sa_type=Text)  # the command's JSON payload
    status: str = Field(max_length=8)  # queued, sent, failed
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_type=UtcDateTime)
    lease_until: datetime | None = Field(default=None, sa_type=UtcDateTime)
    platform_message_id: str | None = Field(default=None, max_length=200)
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(sa_type=UtcDateTime)
    updated_at: datetime = Field(sa_type=UtcDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UtcDateTime, index=True)  # pruned by housekeeping
