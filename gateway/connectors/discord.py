"""Discord: HTTP interactions signed with Ed25519 over ``timestamp + raw body``, and Gateway dispatches
(``{"op":0,"t":...,"d":...}``) forwarded by our own relay, signed with Standard Webhooks and a relay secret.

The guild is the chat; a channel of the guild is the address's ``thread_id``.
"""

from __future__ import annotations

import binascii
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any, ClassVar

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

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
from gateway import standard_webhooks
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
    WebhookRejected,
    WebhookRequest,
    json_document,
    obj,
    request_json,
    text_of,
    utc_from_seconds,
)
from kit.events import EventData

DISCORD_EPOCH_MS = 1_420_070_400_000
MAX_TIMEOUT = timedelta(days=28)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
RELAYED = "_relayed"  # added to a relayed document after verification: the relay's webhook-id and -timestamp
# Interaction type → the initial response Discord expects within 3 s.
_ACKS = {2: {"type": 5}, 3: {"type": 6}, 4: {"type": 8, "data": {"choices": []}}, 5: {"type": 5}}


@lru_cache(maxsize=256)
def _public_key(hex_key: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(bytes.fromhex(hex_key))


def _snowflake_time(snowflake: str | None) -> datetime:
    try:
        return datetime.fromtimestamp(((int(snowflake or "") >> 22) + DISCORD_EPOCH_MS) / 1000, UTC)
    except ValueError:
        return _EPOCH


def _iso(value: Any, fallback: datetime) -> datetime:
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return fallback
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _user(raw: Any, member: Any = None) -> ChatUser | None:
    if not isinstance(raw, dict) or text_of(raw.get("id")) is None:
        return None
    nick = member.get("nick") if isinstance(member, dict) else None
    display = nick or raw.get("global_name") or raw.get("username")
    return ChatUser(
        platform_user_id=str(raw["id"]),
        display_name=display if isinstance(display, str) else None,
        is_bot=raw.get("bot") is True,
    )


class DiscordConnector:
    platform: ClassVar[Platform] = "discord"
    methods: ClassVar[frozenset[str]] = frozenset({"POST"})
    content_types: ClassVar[frozenset[str]] = frozenset({"application/json"})
    credential_fields: ClassVar[CredentialFields] = CredentialFields(
        required=frozenset({"public_key"}), optional=frozenset({"bot_token", "application_id", "relay_secret"})
    )

    def __init__(self, *, api_url: str) -> None:
        self.api_url = api_url.rstrip("/")

    def verify(self, request: WebhookRequest, credentials: Credentials, *, now: datetime) -> Document:
        signature = request.header("x-signature-ed25519")
        timestamp = request.header("x-signature-timestamp")
        if signature is not None and timestamp is not None:
            try:
                key = _public_key(credentials["public_key"])
                key.verify(bytes.fromhex(signature), timestamp.encode() + request.body)
            except (ValueError, binascii.Error, InvalidSignature):
                raise WebhookRejected("X-Signature-Ed25519: invalid") from None
            return json_document(request.body)
        relay_secret = credentials.get("relay_secret")
        if relay_secret and request.header("webhook-signature") is not None:
            try:
                standard_webhooks.verify(
                    relay_secret,
                    msg_id=request.header("webhook-id"),
                    timestamp=request.header("webhook-timestamp"),
                    signature=request.header("webhook-signature"),
                    body=request.body,
                    now=now,
                )
            except (standard_webhooks.SignatureInvalid, ValueError) as error:
                raise WebhookRejected(f"relay: {error}") from None
            document = json_document(request.body)
            # Some dispatches carry neither a time nor an id: the relay's signed ones stand in for them.
            document[RELAYED] = {"id": request.header("webhook-id"), "at": request.header("webhook-timestamp")}
            return document
        raise WebhookRejected("X-Signature-Ed25519 and X-Signature-Timestamp are required")

    def parse(self, document: Document, *, connection: ConnectionRef) -> Inbound:
        if document.get("op") == 0 and isinstance(document.get("t"), str):
            relayed = obj(document.get(RELAYED))
            received = utc_from_seconds(relayed.get("at"), _EPOCH)
            return self._dispatch(document["t"], document.get("d"), connection, relayed.get("id"), received)
        kind = document.get("type")
        interaction_id = text_of(document.get("id"))
        if kind == 1:
            return Inbound(reply=Reply.json({"type": 1}))
        if not isinstance(kind, int) or interaction_id is None:
            return IGNORED
        ack = Reply.json(_ACKS.get(kind, {"type": 5}))
        events = self._command(document, connection) if kind == 2 else []
        return Inbound(events=events, dedupe_key=f"interaction:{interaction_id}", reply=ack)

    def _address(self, guild: str | None, channel: str | None, connection: ConnectionRef) -> ChatAddress | None:
        if guild is None and channel is None:
            return None
        return ChatAddress(
            platform="discord",
            connection_id=connection.id,
            platform_chat_id=guild or channel or "",
            chat_type="group" if guild else "private",
            thread_id=channel if guild else None,
        )

    def _command(self, interaction: Document, connection: ConnectionRef) -> list[EventData]:
        data = obj(interaction.get("data"))
        member = interaction.get("member")
        user = _user(member.get("user") if isinstance(member, dict) else interaction.get("user"), member)
        address = self._address(
            text_of(interaction.get("guild_id")), text_of(interaction.get("channel_id")), connection
        )
        name = data.get("name")
        if user is None or address is None or not isinstance(name, str):
            return []
        options = [
            f"{o.get('name')}={o.get('value')}"
            for o in data.get("options") or []
            if isinstance(o, dict) and "value" in o
        ]
        args = " ".join(options) or None
        interaction_id = str(interaction["id"])
        return [
            ChatMessageReceived(
                chat=address,
                platform_message_id=f"interaction:{interaction_id}",
                sender=user,
                text=f"/{name}" + (f" {args}" if args else ""),
                command=f"/{name}",
                command_args=args,
                sent_at=_snowflake_time(interaction_id),
            )
        ]

    def _dispatch(
        self, name: str, data: Any, connection: ConnectionRef, relay_id: str | None, received: datetime
    ) -> Inbound:
        if not isinstance(data, dict):
            return IGNORED
        guild = text_of(data.get("guild_id"))
        if name in ("MESSAGE_CREATE", "MESSAGE_UPDATE"):
            message_id = text_of(data.get("id"))
            if message_id is None:
                return IGNORED
            edited = name == "MESSAGE_UPDATE"
            key = f"message:{message_id}" if not edited else f"edit:{message_id}:{data.get('edited_timestamp')}"
            return Inbound(events=self._message(data, guild, connection, edited=edited), dedupe_key=key)
        if name in ("GUILD_MEMBER_ADD", "GUILD_MEMBER_REMOVE"):
            user = _user(data.get("user"), data)
            address = self._address(guild, None, connection)
            if user is None or address is None:
                return IGNORED
            if name == "GUILD_MEMBER_ADD":
                joined_at = _iso(data.get("joined_at"), _EPOCH)
                event: EventData = ChatMemberJoinedGroup(chat=address, member=user, joined_at=joined_at)
                key = f"member_add:{guild}:{user.platform_user_id}:{data.get('joined_at')}"
            else:
                event = ChatMemberLeftGroup(chat=address, member=user, left_at=received)
                # Unlike an add (its joined_at), a removal has nothing of its own: each forwarded one is new.
                key = f"member_remove:{guild}:{user.platform_user_id}:{relay_id or ''}"
            return Inbound(events=[event], dedupe_key=key)
        if name == "MESSAGE_REACTION_ADD":
            address = self._address(guild, text_of(data.get("channel_id")), connection)
            user_id, message_id = text_of(data.get("user_id")), text_of(data.get("message_id"))
            emoji = obj(data.get("emoji"))
            reaction = str(emoji.get("name") or emoji.get("id") or "")
            if address is None or user_id is None or message_id is None:
                return IGNORED
            added = ChatReactionAdded(
                chat=address,
                platform_message_id=message_id,
                user=ChatUser(platform_user_id=user_id),
                reaction=reaction,
                reacted_at=received,
            )
            return Inbound(events=[added], dedupe_key=f"reaction:{message_id}:{user_id}:{reaction}")
        return IGNORED

    def _message(
        self, data: Document, guild: str | None, connection: ConnectionRef, *, edited: bool
    ) -> list[EventData]:
        author = _user(data.get("author"), data.get("member"))
        address = self._address(guild, text_of(data.get("channel_id")), connection)
        if author is None or address is None or author.is_bot:
            return []
        message_id = str(data["id"])
        content = data.get("content") if isinstance(data.get("content"), str) else ""
        media = [
            ChatMedia(
                kind="image" if str(a.get("content_type", "")).startswith("image/") else "file",
                ref=str(a.get("url") or a.get("id")),
                mime_type=a.get("content_type") if isinstance(a.get("content_type"), str) else None,
            )
            for a in data.get("attachments") or []
            if isinstance(a, dict) and (a.get("url") or a.get("id"))
        ]
        reference = data.get("message_reference")
        sent = _iso(data.get("edited_timestamp"), _EPOCH) if edited else _iso(data.get("timestamp"), _EPOCH)
        return [
            ChatMessageReceived(
                chat=address,
                platform_message_id=message_id,
                sender=author,
                text=content,
                media=media,
                mentions=[str(m["id"]) for m in data.get("mentions") or [] if isinstance(m, dict) and "id" in m],
                edit_of=message_id if edited else None,
                reply_to=text_of(reference.get("message_id")) if isinstance(reference, dict) else None,
                sent_at=sent,
            )
        ]

    # Sending and acting

    async def _call(
        self,
        call: PlatformCall,
        credentials: Credentials,
        method: str,
        path: str,
        body: Any = None,
        reason: str | None = None,
    ) -> Any:
        token = credentials.get("bot_token")
        if not token:
            raise PlatformError("discord: the connection has no bot_token")
        headers = {"Authorization": f"Bot {token}"}
        if reason:
            headers["X-Audit-Log-Reason"] = reason[:512]
        return await request_json(call, "discord", method, f"{self.api_url}{path}", json=body, headers=headers)

    async def send(self, call: PlatformCall, credentials: Credentials, command: ChatSend) -> Delivered:
        channel = command.chat.thread_id or command.chat.platform_chat_id
        mentions = " ".join(f"<@{user}>" for user in command.mentions)
        content = " ".join(part for part in (mentions, command.text) if part)
        body: dict[str, Any] = {"content": content, "allowed_mentions": {"users": list(command.mentions)}}
        if command.kind == "image" and command.url:
            body["embeds"] = [{"image": {"url": command.url}, **({"title": command.title} if command.title else {})}]
        elif command.kind in ("link", "card") and command.url:
            embed: dict[str, Any] = {"url": command.url, "title": command.title or command.url}
            if command.kind == "card" and command.text:
                embed["description"] = command.text
                body["content"] = mentions
            body["embeds"] = [embed]
        answer = await self._call(call, credentials, "POST", f"/channels/{channel}/messages", body)
        return Delivered(platform_message_id=text_of(answer.get("id")) if isinstance(answer, dict) else None)

    async def act(self, call: PlatformCall, credentials: Credentials, command: ChatAction) -> Delivered:
        guild, user, reason = command.chat.platform_chat_id, command.platform_user_id, command.reason
        member = f"/guilds/{guild}/members/{user}"
        match command.action:
            case "remove":
                await self._call(call, credentials, "DELETE", member, reason=reason)
            case "ban":
                await self._call(call, credentials, "PUT", f"/guilds/{guild}/bans/{user}", {}, reason=reason)
            case "unban":
                await self._call(call, credentials, "DELETE", f"/guilds/{guild}/bans/{user}", reason=reason)
            case "mute":
                duration = timedelta(seconds=command.duration_seconds) if command.duration_seconds else MAX_TIMEOUT
                until = (call.now + min(duration, MAX_TIMEOUT)).isoformat()
                await self._call(call, credentials, "PATCH", member, {"communication_disabled_until": until}, reason)
            case "unmute":
                await self._call(call, credentials, "PATCH", member, {"communication_disabled_until": None}, reason)
            case "set_role" if command.role:
                await self._call(call, credentials, "PUT", f"{member}/roles/{command.role}", reason=reason)
            case _:
                raise ActionUnsupported("discord", command.action)
        return Delivered()
