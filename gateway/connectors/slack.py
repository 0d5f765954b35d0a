"""Slack Events API (JSON) and slash commands (form): HMAC-SHA256 over ``v0:{timestamp}:{raw body}``,
a 300 s window, dedupe on ``event_id`` (``trigger_id`` for commands)."""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import UTC, datetime
from typing import Any, ClassVar, Literal
from urllib.parse import parse_qsl

from contracts.chat import (
    ChatAction,
    ChatAddress,
    ChatMedia,
    ChatMemberJoinedGroup,
    ChatMemberLeftGroup,
    ChatMessageReceived,
    ChatReactionAdded,
    ChatSend,
    ChatUser,
    Platform,
)
from gateway.connectors.base import (
    IGNORED,
    ActionUnsupported,
    ConnectionRef,
    CredentialFields,
    Credentials,
    Delivered,
    Document,
    Inbound,
    PlatformCall,
    PlatformError,
    Reply,
    WebhookMalformed,
    WebhookRejected,
    WebhookRequest,
    command_of,
    json_document,
    obj,
    request_json,
    text_of,
    utc_from_seconds,
)
from kit.events import EventData

TOLERANCE_SECONDS = 300
FORM = "application/x-www-form-urlencoded"
_MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|[^>]*)?>")
_CHANNEL_TYPES: dict[str, Literal["group", "private", "channel"]] = {
    "channel": "group",
    "group": "group",
    "mpim": "group",
    "im": "private",
}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Subtypes that are a person's new message; the rest (joins, bot posts, edits, deletions) are not.
_NEW_MESSAGE_SUBTYPES = (None, "file_share", "thread_broadcast")


class SlackConnector:
    platform: ClassVar[Platform] = "slack"
    methods: ClassVar[frozenset[str]] = frozenset({"POST"})
    content_types: ClassVar[frozenset[str]] = frozenset({"application/json", FORM})
    credential_fields: ClassVar[CredentialFields] = CredentialFields(
        required=frozenset({"signing_secret"}), optional=frozenset({"bot_token"})
    )

    def __init__(self, *, api_url: str) -> None:
        self.api_url = api_url.rstrip("/")

    def verify(self, request: WebhookRequest, credentials: Credentials, *, now: datetime) -> Document:
        timestamp = request.header("x-slack-request-timestamp")
        signature = request.header("x-slack-signature")
        if not timestamp or not signature:
            raise WebhookRejected("X-Slack-Signature and X-Slack-Request-Timestamp are required")
        try:
            sent_at = int(timestamp)
        except ValueError:
            raise WebhookRejected("X-Slack-Request-Timestamp: not a number") from None
        if abs(now.timestamp() - sent_at) > TOLERANCE_SECONDS:
            raise WebhookRejected("X-Slack-Request-Timestamp: outside the 300 s window")
        base = b"v0:" + timestamp.encode() + b":" + request.body
        expected = "v0=" + hmac.new(credentials["signing_secret"].encode(), base, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "surrogateescape")):
            raise WebhookRejected("X-Slack-Signature: mismatch")
        if request.content_type == FORM:
            try:
                pairs = parse_qsl(request.body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
            except UnicodeDecodeError:
                raise WebhookMalformed("body: not UTF-8 form data") from None
            return {"_form": dict(pairs), "_timestamp": sent_at}
        return json_document(request.body)

    def parse(self, document: Document, *, connection: ConnectionRef) -> Inbound:
        if isinstance(form := document.get("_form"), dict):
            return self._slash_command(form, connection, utc_from_seconds(document.get("_timestamp"), _EPOCH))
        kind = document.get("type")
        if kind == "url_verification":
            challenge = document.get("challenge")
            return Inbound(reply=Reply.json({"challenge": challenge if isinstance(challenge, str) else ""}))
        event_id = text_of(document.get("event_id"))
        event = document.get("event")
        if kind != "event_callback" or event_id is None or not isinstance(event, dict):
            return IGNORED
        at = utc_from_seconds(document.get("event_time"), _EPOCH)
        key = _message_identity(event) or f"event:{event_id}"
        return Inbound(events=self._event(event, connection, at), dedupe_key=key)

    def _event(self, event: dict[str, Any], connection: ConnectionRef, at: datetime) -> list[EventData]:
        kind = event.get("type")
        channel = text_of(event.get("channel"))
        user = text_of(event.get("user"))
        if kind == "reaction_added":
            item = obj(event.get("item"))
            channel, ts = text_of(item.get("channel")), text_of(item.get("ts"))
            if channel is None or user is None or ts is None:
                return []
            return [
                ChatReactionAdded(
                    chat=self._address(channel, connection),
                    platform_message_id=ts,
                    user=ChatUser(platform_user_id=user),
                    reaction=str(event.get("reaction") or ""),
                    reacted_at=utc_from_seconds(event.get("event_ts"), at),
                )
            ]
        if channel is None:
            return []
        address = self._address(channel, connection, event.get("channel_type"))
        if kind == "member_joined_channel" and user is not None:
            inviter = text_of(event.get("inviter"))
            return [
                ChatMemberJoinedGroup(
                    chat=address,
                    member=ChatUser(platform_user_id=user),
                    inviter=ChatUser(platform_user_id=inviter) if inviter else None,
                    joined_at=at,
                )
            ]
        if kind == "member_left_channel" and user is not None:
            return [ChatMemberLeftGroup(chat=address, member=ChatUser(platform_user_id=user), left_at=at)]
        if kind in ("message", "app_mention"):
            return self._message(event, address, at)
        return []

    def _message(self, event: dict[str, Any], address: ChatAddress, at: datetime) -> list[EventData]:
        subtype = event.get("subtype")
        if subtype == "message_changed" and isinstance(event.get("message"), dict):
            edited = event["message"]
            return self._message_of(edited, address, at, edit_of=text_of(edited.get("ts")))
        if subtype not in _NEW_MESSAGE_SUBTYPES:
            return []  # joins, bot messages, deletions: not messages from people
        return self._message_of(event, address, at, edit_of=None)

    def _message_of(
        self, message: dict[str, Any], address: ChatAddress, at: datetime, *, edit_of: str | None
    ) -> list[EventData]:
        user, ts = text_of(message.get("user")), text_of(message.get("ts"))
        if user is None or ts is None:
            return []
        text = message["text"] if isinstance(message.get("text"), str) else ""
        media = [
            ChatMedia(
                kind="image" if str(f.get("mimetype", "")).startswith("image/") else "file",
                ref=str(f.get("id")),
                mime_type=f.get("mimetype") if isinstance(f.get("mimetype"), str) else None,
            )
            for f in message.get("files") or []
            if isinstance(f, dict) and f.get("id")
        ]
        thread = text_of(message.get("thread_ts"))
        return [
            ChatMessageReceived(
                chat=address,
                platform_message_id=ts,
                sender=ChatUser(platform_user_id=user),
                text=text,
                media=media,
                mentions=_MENTION.findall(text),
                edit_of=edit_of,
                reply_to=thread if thread and thread != ts else None,
                sent_at=utc_from_seconds(ts, at),
            )
        ]

    def _slash_command(self, form: dict[str, str], connection: ConnectionRef, at: datetime) -> Inbound:
        trigger, channel, user = form.get("trigger_id"), form.get("channel_id"), form.get("user_id")
        name = form.get("command")
        if not trigger or not channel or not user or not name:
            return IGNORED
        text = form.get("text", "")
        _, args = command_of(f"{name} {text}")
        event = ChatMessageReceived(
            chat=self._address(channel, connection),
            platform_message_id=f"command:{trigger}",
            sender=ChatUser(platform_user_id=user, display_name=form.get("user_name")),
            text=f"{name} {text}".strip(),
            command=name,
            command_args=args,
            sent_at=at,
        )
        return Inbound(events=[event], dedupe_key=f"command:{trigger}")

    def _address(self, channel: str, connection: ConnectionRef, channel_type: Any = None) -> ChatAddress:
        return ChatAddress(
            platform="slack",
            connection_id=connection.id,
            platform_chat_id=channel,
            chat_type=_CHANNEL_TYPES.get(str(channel_type), "group"),
        )

    # Sending and acting

    async def _call(self, call: PlatformCall, credentials: Credentials, method: str, body: dict[str, Any]) -> Any:
        token = credentials.get("bot_token")
        if not token:
            raise PlatformError("slack: the connection has no bot_token")
        answer = await request_json(
            call, "slack", "POST", f"{self.api_url}/{method}", json=body, headers={"Authorization": f"Bearer {token}"}
        )
        if not isinstance(answer, dict) or answer.get("ok") is not True:
            error = answer.get("error") if isinstance(answer, dict) else None
            raise PlatformError(f"slack: {method} failed: {error or 'not ok'}", retryable=error == "ratelimited")
        return answer

    async def send(self, call: PlatformCall, credentials: Credentials, command: ChatSend) -> Delivered:
        mentions = " ".join(f"<@{user}>" for user in command.mentions)
        text = " ".join(part for part in (mentions, command.text) if part)
        body: dict[str, Any] = {"channel": command.chat.platform_chat_id, "text": text}
        if command.chat.thread_id is not None:
            body["thread_ts"] = command.chat.thread_id
        if command.kind == "image" and command.url:
            body["blocks"] = [{"type": "image", "image_url": command.url, "alt_text": command.title or text or "image"}]
            if text:
                body["blocks"].insert(0, {"type": "section", "text": {"type": "mrkdwn", "text": text}})
        elif command.kind == "link" and command.url:
            body["text"] = f"<{command.url}|{command.title or command.url}> {text}".strip()
        elif command.kind == "card":
            section: dict[str, Any] = {"type": "section", "text": {"type": "mrkdwn", "text": text or " "}}
            if command.url:
                button = {"type": "plain_text", "text": command.title or "Open"}
                section["accessory"] = {"type": "button", "text": button, "url": command.url}
            header = (
                [{"type": "header", "text": {"type": "plain_text", "text": command.title}}] if command.title else []
            )
            body["blocks"] = [*header, section]
        answer = await self._call(call, credentials, "chat.postMessage", body)
        return Delivered(platform_message_id=text_of(answer.get("ts")))

    async def act(self, call: PlatformCall, credentials: Credentials, command: ChatAction) -> Delivered:
        channel, user = command.chat.platform_chat_id, command.platform_user_id
        match command.action:
            case "remove":  # Slack has no ban, mute or roles per channel for a bot: those are unsupported
                await self._call(call, credentials, "conversations.kick", {"channel": channel, "user": user})
            case "approve_join":
                await self._call(call, credentials, "conversations.invite", {"channel": channel, "users": user})
            case _:
                raise ActionUnsupported("slack", command.action)
        return Delivered()


def _message_identity(event: dict[str, Any]) -> str | None:
    """A person's new message by its channel and ``ts``: an app subscribed to ``message.*`` and ``app_mention`` gets
    one message that mentions it as two events with two event ids, and it must count once."""
    if event.get("type") not in ("message", "app_mention") or event.get("subtype") not in _NEW_MESSAGE_SUBTYPES:
        return None
    channel, ts = text_of(event.get("channel")), text_of(event.get("ts"))
    return f"message:{channel}:{ts}" if channel and ts else None
