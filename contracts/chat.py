"""Chat events from the webhook ingress, and the commands any service sends to the chat dispatcher.

Ingress normalizes every platform's webhook into these shapes (ARCHITECTURE §6); nothing downstream
knows a platform's wire format. Platform ids are strings whatever the platform uses (Telegram's chat
ids are negative integers, Slack's are ``C123...``).
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import BaseModel

from kit.events import EventData

Platform = Literal["telegram", "slack", "discord", "feishu", "wecom", "dingtalk", "generic"]


class ChatUser(BaseModel):
    platform_user_id: str
    display_name: str | None = None
    is_bot: bool = False


class ChatMedia(BaseModel):
    kind: Literal["image", "video", "audio", "file", "sticker", "other"]
    # The platform's handle for the file (file id, media key, URL): enough for a connector to fetch it.
    ref: str
    mime_type: str | None = None


class ChatAddress(BaseModel):
    """Where something happened: one chat on one platform, through one gateway connection."""

    platform: Platform
    connection_id: str
    platform_chat_id: str
    chat_type: Literal["group", "private", "channel"] = "group"
    # A place inside the chat: a Discord channel of a guild (the guild is the chat), a Telegram forum topic.
    thread_id: str | None = None


class ChatMessageReceived(EventData):
    """A message, a command or an edit of an earlier message (``edit_of`` set; not a new message)."""

    event_type: ClassVar[str] = "chat.message_received"

    chat: ChatAddress
    platform_message_id: str
    sender: ChatUser
    text: str = ""
    media: list[ChatMedia] = []
    mentions: list[str] = []
    command: str | None = None
    command_args: str | None = None
    edit_of: str | None = None
    reply_to: str | None = None
    sent_at: datetime


class ChatMemberJoinedGroup(EventData):
    event_type: ClassVar[str] = "chat.member_joined_group"

    chat: ChatAddress
    member: ChatUser
    inviter: ChatUser | None = None
    joined_at: datetime


class ChatMemberLeftGroup(EventData):
    event_type: ClassVar[str] = "chat.member_left_group"

    chat: ChatAddress
    member: ChatUser
    # Set when someone else removed the member (an admin, a bot); None when they left on their own.
    removed_by: ChatUser | None = None
    left_at: datetime


class ChatReactionAdded(EventData):
    event_type: ClassVar[str] = "chat.reaction_added"

    chat: ChatAddress
    platform_message_id: str
    user: ChatUser
    reaction: str
    reacted_at: datetime


class ChatSend(EventData):
    """A command to the dispatcher: send one message to one chat. ``command_id`` makes retries harmless."""

    event_type: ClassVar[str] = "chat.send"

    command_id: str
    chat: ChatAddress
    kind: Literal["text", "image", "link", "card"] = "text"
    text: str = ""
    url: str | None = None
    title: str | None = None
    mentions: list[str] = []


ChatActionKind = Literal["remove", "mute", "unmute", "ban", "unban", "approve_join", "set_role"]


class ChatAction(EventData):
    """A command to the dispatcher: a moderation or membership action on one user in one chat."""

    event_type: ClassVar[str] = "chat.action"

    command_id: str
    chat: ChatAddress
    platform_user_id: str
    action: ChatActionKind
    duration_seconds: int | None = None
    role: str | None = None
    reason: str | None = None


class ChatDelivered(EventData):
    event_type: ClassVar[str] = "chat.delivered"

    command_id: str
    chat: ChatAddress
    platform_message_id: str | None = None


class ChatDeliveryFailed(EventData):
    event_type: ClassVar[str] = "chat.delivery_failed"

    command_id: str
    chat: ChatAddress
    reason: str
    attempts: int
