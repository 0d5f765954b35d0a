"""GraphQL types of chat accounts (a community's bot or app on a platform). Credentials go in and never come out:
only their names are shown."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from gateway.models import Connection as ConnectionRow


@strawberry.enum(description="A chat platform Guildhall connects to; GENERIC is any Standard Webhooks source.")
class ChatPlatform(Enum):
    _value_: str  # what each enum_value below holds, for type checkers
    TELEGRAM = strawberry.enum_value("telegram", description="A Telegram bot.")
    SLACK = strawberry.enum_value("slack", description="A Slack app.")
    DISCORD = strawberry.enum_value("discord", description="A Discord application and its bot.")
    FEISHU = strawberry.enum_value("feishu", description="A Feishu (Lark) app.")
    WECOM = strawberry.enum_value("wecom", description="A WeCom (WeChat Work) self-built app.")
    DINGTALK = strawberry.enum_value("dingtalk", description="A DingTalk app and its robot.")
    GENERIC = strawberry.enum_value(
        "generic", description="Any other source that signs its webhooks the Standard Webhooks way, and a send URL."
    )


@strawberry.type(
    description="A community's account on a chat platform (its bot or app): where its webhooks arrive and who sends. "
    "Called `Connection` before 0.2.0."
)
class ChatAccount:
    id: strawberry.ID = strawberry.field(description="The chat account's id; its webhook path ends with it.")
    community_id: strawberry.ID = strawberry.field(description="The community it speaks for.")
    platform: ChatPlatform = strawberry.field(description="The platform the account is on.")
    name: str = strawberry.field(description="A name for people, e.g. the bot's name.")
    enabled: bool = strawberry.field(description="False once disabled: webhooks are refused and nothing is sent.")
    credential_names: list[str] = strawberry.field(description="Which credentials are set; values are never shown.")
    webhook_path: str = strawberry.field(description="Give the platform this path on the gateway's public URL.")
    created_at: datetime = strawberry.field(description="When it was bound.")
    rotated_at: datetime | None = strawberry.field(description="When credentials last changed.")
    previous_credentials_valid_until: datetime | None = strawberry.field(
        description="Until then, deliveries signed with the credentials before the last rotation are accepted."
    )
    disabled_at: datetime | None = strawberry.field(description="When it was disabled.")

    @classmethod
    def from_row(cls, row: ConnectionRow) -> ChatAccount:
        return cls(
            id=strawberry.ID(row.id),
            community_id=strawberry.ID(row.community_id),
            platform=ChatPlatform(row.platform),
            name=row.name,
            enabled=row.disabled_at is None,
            credential_names=[name for name in row.credential_names.split(",") if name],
            webhook_path=f"/webhooks/{row.platform}/{row.id}",
            created_at=row.created_at,
            rotated_at=row.rotated_at,
            previous_credentials_valid_until=row.previous_valid_until,
            disabled_at=row.disabled_at,
        )
