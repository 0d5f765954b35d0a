"""Telegram Bot API webhooks: a static secret header, one ``Update`` per request, dedupe on ``update_id``."""

from __future__ import annotations

import hmac
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, Literal

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
    WebhookRejected,
    WebhookRequest,
    command_of,
    json_document,
    request_json,
    text_of,
    utc_from_seconds,
)
from kit.events import EventData

SECRET_HEADER = "x-telegram-bot-api-secret-token"  # noqa: S105 - a header name
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_CHAT_TYPES: dict[str, Literal["group", "private", "channel"]] = {
    "private": "private",
    "group": "group",
    "supergroup": "group",
    "channel": "channel",
}
_MUTED = {
    "can_send_messages": False,
    "can_send_audios": False,
    "can_send_documents": False,
    "can_send_photos": False,
    "can_send_videos": False,
    "can_send_video_notes": False,
    "can_send_voice_notes": False,
    "can_send_polls": False,
    "can_send_other_messages": False,
    "can_add_web_page_previews": False,
}
_ADMIN_RIGHTS = ("can_delete_messages", "can_restrict_members", "can_invite_users", "can_pin_messages")


def _user(raw: Any) -> ChatUser | None:
    if not isinstance(raw, dict) or text_of(raw.get("id")) is None:
        return None
    names = [raw.get("first_name"), raw.get("last_name")]
    display = " ".join(n for n in names if isinstance(n, str) and n) or raw.get("username")
    return ChatUser(
        platform_user_id=str(raw["id"]),
        display_name=display if isinstance(display, str) else None,
        is_bot=raw.get("is_bot") is True,
    )


class TelegramConnector:
    platform: ClassVar[Platform] = "telegram"
    methods: ClassVar[frozenset[str]] = frozenset({"POST"})
    content_types: ClassVar[frozenset[str]] = frozenset({"application/json"})
    credential_fields: ClassVar[CredentialFields] = CredentialFields(required=frozenset({"bot_token", "secret_token"}))

    def __init__(self, *, api_url: str) -> None:
        self.api_url = api_url.rstrip("/")

    def verify(self, request: WebhookRequest, credentials: Credentials, *, now: datetime) -> Document:
        presented = request.header(SECRET_HEADER)
        expected = credentials["secret_token"]
        if presented is None or not hmac.compare_digest(
            presented.encode("utf-8", "surrogateescape"), expected.encode()
        ):
            raise WebhookRejected("X-Telegram-Bot-Api-Secret-Token: missing or wrong")
        return json_document(request.body)

    def parse(self, document: Document, *, connection: ConnectionRef) -> Inbound:
        update_id = text_of(document.get("update_id"))
        if update_id is None:
            return IGNORED
        events: list[EventData] = []
        if isinstance(message := document.get("message"), dict):
            events = self._message(message, connection, edited=False)
        elif isinstance(message := document.get("edited_message"), dict):
            events = self._message(message, connection, edited=True)
        elif isinstance(reaction := document.get("message_reaction"), dict):
            events = self._reaction(reaction, connection)
        return Inbound(events=events, dedupe_key=f"update:{update_id}")

    def _address(self, chat: Any, connection: ConnectionRef, thread: Any = None) -> ChatAddress | None:
        if not isinstance(chat, dict) or text_of(chat.get("id")) is None:
            return None
        return ChatAddress(
            platform="telegram",
            connection_id=connection.id,
            platform_chat_id=str(chat["id"]),
            chat_type=_CHAT_TYPES.get(str(chat.get("type")), "group"),
            thread_id=text_of(thread),
        )

    def _message(self, message: dict[str, Any], connection: ConnectionRef, *, edited: bool) -> list[EventData]:
        address = self._address(message.get("chat"), connection, message.get("message_thread_id"))
        sender = _user(message.get("from"))
        message_id = text_of(message.get("message_id"))
        if address is None or message_id is None:
            return []
        at = utc_from_seconds(message.get("date"), _EPOCH)
        if isinstance(joined := message.get("new_chat_members"), list):
            inviter = sender if sender is not None and all(_user(j) != sender for j in joined) else None
            return [
                ChatMemberJoinedGroup(chat=address, member=member, inviter=inviter, joined_at=at)
                for member in map(_user, joined)
                if member is not None
            ]
        if (left := _user(message.get("left_chat_member"))) is not None:
            removed_by = sender if sender is not None and sender.platform_user_id != left.platform_user_id else None
            return [ChatMemberLeftGroup(chat=address, member=left, removed_by=removed_by, left_at=at)]
        if sender is None:
            return []
        text = message.get("text") if isinstance(message.get("text"), str) else message.get("caption")
        text = text if isinstance(text, str) else ""
        media = self._media(message)
        if not text and not media:
            return []  # a service message (pinned, title changed, ...): nothing we normalize
        command, args = command_of(text) if _starts_with_command(message) else (None, None)
        reply_to = message.get("reply_to_message")
        return [
            ChatMessageReceived(
                chat=address,
                platform_message_id=message_id,
                sender=sender,
                text=text,
                media=media,
                mentions=_mentions(message, text),
                command=command,
                command_args=args,
                edit_of=message_id if edited else None,
                reply_to=text_of(reply_to.get("message_id")) if isinstance(reply_to, dict) else None,
                sent_at=utc_from_seconds(message.get("edit_date"), at) if edited else at,
            )
        ]

    def _media(self, message: dict[str, Any]) -> list[ChatMedia]:
        media: list[ChatMedia] = []
        photos = message.get("photo")
        if isinstance(photos, list) and photos and isinstance(photos[-1], dict) and photos[-1].get("file_id"):
            media.append(ChatMedia(kind="image", ref=str(photos[-1]["file_id"])))  # largest size is last
        for key, kind in (("video", "video"), ("audio", "audio"), ("voice", "audio"), ("document", "file")):
            item = message.get(key)
            if isinstance(item, dict) and item.get("file_id"):
                mime = item.get("mime_type")
                media.append(
                    ChatMedia(kind=kind, ref=str(item["file_id"]), mime_type=mime if isinstance(mime, str) else None)
                )
        sticker = message.get("sticker")
        if isinstance(sticker, dict) and sticker.get("file_id"):
            media.append(ChatMedia(kind="sticker", ref=str(sticker["file_id"])))
        return media

    def _reaction(self, reaction: dict[str, Any], connection: ConnectionRef) -> list[EventData]:
        address = self._address(reaction.get("chat"), connection)
        user = _user(reaction.get("user"))
        message_id = text_of(reaction.get("message_id"))
        if address is None or user is None or message_id is None:
            return []
        old = {_emoji(r) for r in reaction.get("old_reaction") or [] if isinstance(r, dict)}
        at = utc_from_seconds(reaction.get("date"), _EPOCH)
        return [
            ChatReactionAdded(chat=address, platform_message_id=message_id, user=user, reaction=emoji, reacted_at=at)
            for emoji in (_emoji(r) for r in reaction.get("new_reaction") or [] if isinstance(r, dict))
            if emoji and emoji not in old
        ]

    # Sending and acting

    def _method_url(self, credentials: Credentials, method: str) -> str:
        return f"{self.api_url}/bot{credentials['bot_token']}/{method}"

    async def _call(self, call: PlatformCall, credentials: Credentials, method: str, body: dict[str, Any]) -> Any:
        answer = await request_json(call, "telegram", "POST", self._method_url(credentials, method), json=body)
        if not isinstance(answer, dict) or answer.get("ok") is not True:
            reason = answer.get("description") if isinstance(answer, dict) else None
            raise PlatformError(f"telegram: {method} failed: {reason or 'not ok'}")
        return answer.get("result")

    async def send(self, call: PlatformCall, credentials: Credentials, command: ChatSend) -> Delivered:
        chat_id = command.chat.platform_chat_id
        text = _html_text(command)
        body: dict[str, Any] = {"chat_id": chat_id, "parse_mode": "HTML"}
        if command.chat.thread_id is not None:
            body["message_thread_id"] = command.chat.thread_id
        if command.kind == "image" and command.url:
            method, body = "sendPhoto", {**body, "photo": command.url, "caption": text}
        elif command.kind == "link" and command.url:
            method, body = "sendMessage", {**body, "text": _link(command.url, command.title) + "\n" + text}
        elif command.kind == "card":
            method, body = "sendMessage", {**body, "text": _card_text(command.title, text)}
            if command.url:
                body["reply_markup"] = {
                    "inline_keyboard": [[{"text": command.title or command.url, "url": command.url}]]
                }
        else:
            method, body = "sendMessage", {**body, "text": text}
        result = await self._call(call, credentials, method, body)
        message_id = result.get("message_id") if isinstance(result, dict) else None
        return Delivered(platform_message_id=text_of(message_id))

    async def act(self, call: PlatformCall, credentials: Credentials, command: ChatAction) -> Delivered:
        target = {"chat_id": command.chat.platform_chat_id, "user_id": command.platform_user_id}
        until = None
        if command.duration_seconds is not None:
            until = int((call.now + timedelta(seconds=command.duration_seconds)).timestamp())
        match command.action:
            case "remove":  # a ban lifted at once: out of the group, free to come back
                await self._call(call, credentials, "banChatMember", target)
                await self._call(call, credentials, "unbanChatMember", {**target, "only_if_banned": True})
            case "ban":
                await self._call(
                    call, credentials, "banChatMember", {**target, **({"until_date": until} if until else {})}
                )
            case "unban":
                await self._call(call, credentials, "unbanChatMember", {**target, "only_if_banned": True})
            case "mute":
                body = {**target, "permissions": _MUTED, **({"until_date": until} if until else {})}
                await self._call(call, credentials, "restrictChatMember", body)
            case "unmute":
                permissions = dict.fromkeys(_MUTED, True)
                await self._call(call, credentials, "restrictChatMember", {**target, "permissions": permissions})
            case "approve_join":
                await self._call(call, credentials, "approveChatJoinRequest", target)
            case "set_role":
                promote = command.role in ("admin", "moderator", "owner")
                await self._call(
                    call, credentials, "promoteChatMember", {**target, **dict.fromkeys(_ADMIN_RIGHTS, promote)}
                )
            case _:
                raise ActionUnsupported("telegram", command.action)
        return Delivered()


def _starts_with_command(message: dict[str, Any]) -> bool:
    entities = message.get("entities")
    if isinstance(entities, list):
        return any(isinstance(e, dict) and e.get("type") == "bot_command" and e.get("offset") == 0 for e in entities)
    text = message.get("text")
    return isinstance(text, str) and text.startswith("/")


def _mentions(message: dict[str, Any], text: str) -> list[str]:
    found: list[str] = []
    for entity in message.get("entities") or []:
        if not isinstance(entity, dict):
            continue
        if entity.get("type") == "text_mention" and (user := _user(entity.get("user"))) is not None:
            found.append(user.platform_user_id)
        elif entity.get("type") == "mention":
            try:
                start, length = int(entity["offset"]), int(entity["length"])
            except (KeyError, TypeError, ValueError):
                continue
            found.append(text[start : start + length])
    return found


def _emoji(reaction: dict[str, Any]) -> str:
    value = reaction.get("emoji") or reaction.get("custom_emoji_id") or ""
    return str(value)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _html_text(command: ChatSend) -> str:
    mentions = " ".join(f'<a href="tg://user?id={_escape(user)}">{_escape(user)}</a>' for user in command.mentions)
    return " ".join(part for part in (mentions, _escape(command.text)) if part)


def _link(url: str, title: str | None) -> str:
    return f'<a href="{_escape(url)}">{_escape(title or url)}</a>'


def _card_text(title: str | None, text: str) -> str:
    return f"<b>{_escape(title)}</b>\n{text}" if title else text
