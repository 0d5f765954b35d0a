"""GraphQL types of the delivery log: one row per chat command the dispatcher accepted."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from gateway.models import ChatDelivery as ChatDeliveryRow
from gateway.schema.connection.types import ChatPlatform


@strawberry.enum(description="QUEUED until the platform took it (SENT) or it could not go (FAILED).")
class ChatDeliveryStatus(Enum):
    _value_: str  # what each enum_value below holds, for type checkers
    QUEUED = strawberry.enum_value("queued", description="Waiting for its next attempt (see `nextAttemptAt`).")
    SENT = strawberry.enum_value("sent", description="The platform accepted it.")
    FAILED = strawberry.enum_value(
        "failed", description="Given up on: refused, not retryable, or out of attempts (see `lastError`)."
    )


@strawberry.enum(description="A message (chat.send) or a moderation or membership action (chat.action).")
class ChatDeliveryKind(Enum):
    _value_: str  # what each enum_value below holds, for type checkers
    SEND = strawberry.enum_value("send", description="A message to post in a chat (chat.send).")
    ACTION = strawberry.enum_value(
        "action", description="Something to do to a member in a chat, e.g. remove or mute (chat.action)."
    )


@strawberry.type(description="One chat command and what became of it.")
class ChatDelivery:
    id: strawberry.ID
    command_id: str = strawberry.field(description="The command's own id: the same command is delivered once.")
    community_id: strawberry.ID
    chat_account_id: strawberry.ID = strawberry.field(description="The chat account it goes through.")
    connection_id: strawberry.ID = strawberry.field(
        description="The chat account it goes through.", deprecation_reason="Use chatAccountId; removed in 0.3.0."
    )
    platform: ChatPlatform = strawberry.field(description="The platform of the chat account it goes through.")
    platform_chat_id: str = strawberry.field(description="The chat (group) on that platform, in the platform's own id.")
    kind: ChatDeliveryKind = strawberry.field(description="A message, or an action on a member.")
    action: str | None = strawberry.field(description="For actions: remove, mute, unmute, ban, unban, ...")
    status: ChatDeliveryStatus = strawberry.field(description="Where it stands: queued, sent or failed.")
    attempts: int = strawberry.field(description="Calls made to the platform so far.")
    platform_message_id: str | None = strawberry.field(description="The platform's id of the sent message.")
    last_error: str | None = strawberry.field(
        description="Why the latest attempt failed, or why the dispatcher refused it; null if nothing has failed."
    )
    next_attempt_at: datetime | None = strawberry.field(description="When a queued delivery goes next.")
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None = strawberry.field(description="When it was sent or given up on; null while queued.")

    @classmethod
    def from_row(cls, row: ChatDeliveryRow) -> ChatDelivery:
        return cls(
            id=strawberry.ID(row.id),
            command_id=row.command_id,
            community_id=strawberry.ID(row.community_id),
            chat_account_id=strawberry.ID(row.connection_id),
            connection_id=strawberry.ID(row.connection_id),
            platform=ChatPlatform(row.platform),
            platform_chat_id=row.platform_chat_id,
            kind=ChatDeliveryKind(row.kind),
            action=row.action,
            status=ChatDeliveryStatus(row.status),
            attempts=row.attempts,
            platform_message_id=row.platform_message_id,
            last_error=row.last_error,
            next_attempt_at=row.next_attempt_at if row.status == "queued" else None,
            created_at=row.created_at,
            updated_at=row.updated_at,
            finished_at=row.finished_at,
        )
