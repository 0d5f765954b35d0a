"""Feishu / Lark event subscriptions (schema 2.0): a Verification Token in every body; with an Encrypt Key,
AES-256-CBC bodies and ``X-Lark-Signature`` = hex SHA-256(timestamp + nonce + encrypt_key + raw body).
Dedupe on a received message's ``message_id``, on ``header.event_id`` for every other event."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from datetime import UTC, datetime
from typing import Any, ClassVar, Literal

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from contracts.chat import (
    ChatAction,
    ChatAddress,
    ChatMedia,
    ChatMemberJoinedGroup,
    ChatMemberLeftGroup,
    ChatMessageReceived,
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
    TokenCache,
    WebhookRejected,
    WebhookRequest,
    command_of,
    json_document,
    obj,
    request_json,
    text_of,
    utc_from_millis,
)
from kit.events import EventData

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_LEADING_MENTIONS = re.compile(r"^(?:@\S+\s+)+")


def decrypt(encrypt_key: str, encrypted: str) -> bytes:
    """Open an ``{"encrypt": ...}`` body; ``ValueError`` when it cannot be opened with this key."""
    try:
        raw = base64.b64decode(encrypted, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("encrypt: not base64") from None
    if len(raw) < 32 or len(raw) % 16:
        raise ValueError("encrypt: truncated ciphertext")
    key = hashlib.sha256(encrypt_key.encode()).digest()
    decryptor = Cipher(algorithms.AES(key), modes.CBC(raw[:16])).decryptor()
    padded = decryptor.update(raw[16:]) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    return unpadder.update(padded) + unpadder.finalize()


def signature(*, timestamp: str, nonce: str, encrypt_key: str, body: bytes) -> str:
    return hashlib.sha256(timestamp.encode() + nonce.encode() + encrypt_key.encode() + body).hexdigest()


class FeishuConnector:
    platform: ClassVar[Platform] = "feishu"
    methods: ClassVar[frozenset[str]] = frozenset({"POST"})
    content_types: ClassVar[frozenset[str]] = frozenset({"application/json"})
    credential_fields: ClassVar[CredentialFields] = CredentialFields(
        required=frozenset({"verification_token"}), optional=frozenset({"encrypt_key", "app_id", "app_secret"})
    )

    def __init__(self, *, api_url: str) -> None:
        self.api_url = api_url.rstrip("/")
        self.tokens = TokenCache()

    def verify(self, request: WebhookRequest, credentials: Credentials, *, now: datetime) -> Document:
        document = json_document(request.body)
        encrypt_key = credentials.get("encrypt_key")
        presented = request.header("x-lark-signature")
        signed = False
        if presented is not None and encrypt_key:
            expected = signature(
                timestamp=request.header("x-lark-request-timestamp") or "",
                nonce=request.header("x-lark-request-nonce") or "",
                encrypt_key=encrypt_key,
                body=request.body,
            )
            if not hmac.compare_digest(expected.encode(), presented.encode("utf-8", "surrogateescape")):
                raise WebhookRejected("X-Lark-Signature: mismatch")
            signed = True
        if "encrypt" in document:
            if not encrypt_key:
                raise WebhookRejected("encrypted body, but the connection has no encrypt_key")
            try:
                document = json_document(decrypt(encrypt_key, str(document["encrypt"])))
            except (ValueError, UnicodeDecodeError):
                raise WebhookRejected("encrypt: cannot be decrypted with this connection's key") from None
        # With an Encrypt Key every event is signed; the url_verification handshake is only token-checked.
        if encrypt_key and not signed and document.get("type") != "url_verification":
            raise WebhookRejected("X-Lark-Signature: required when an Encrypt Key is configured")
        header = document.get("header")
        token = header.get("token") if isinstance(header, dict) else document.get("token")
        if not isinstance(token, str) or not hmac.compare_digest(
            token.encode(), credentials["verification_token"].encode()
        ):
            raise WebhookRejected("token: does not match the Verification Token")
        return document

    def parse(self, document: Document, *, connection: ConnectionRef) -> Inbound:
        if document.get("type") == "url_verification":
            challenge = document.get("challenge")
            return Inbound(reply=Reply.json({"challenge": challenge if isinstance(challenge, str) else ""}))
        header = document.get("header")
        event = document.get("event")
        if not isinstance(header, dict) or not isinstance(event, dict):
            legacy_id = text_of(document.get("uuid"))  # schema 1.0: acknowledged, not normalized
            return Inbound(dedupe_key=f"event:{legacy_id}") if legacy_id else IGNORED
        event_id = text_of(header.get("event_id"))
        if event_id is None:
            return IGNORED
        at = utc_from_millis(header.get("create_time"), _EPOCH)
        kind = header.get("event_type")
        events: list[EventData] = []
        if kind == "im.message.receive_v1":
            events = self._message(event, connection, at)
        elif kind == "im.chat.member.user.added_v1":
            events = self._members(event, connection, at, joined=True)
        elif kind in ("im.chat.member.user.deleted_v1", "im.chat.member.user.withdrawn_v1"):
            events = self._members(event, connection, at, joined=False, removed=kind.endswith("deleted_v1"))
        return Inbound(events=events, dedupe_key=_message_identity(kind, event) or f"event:{event_id}")

    def _address(self, chat_id: str, connection: ConnectionRef, chat_type: Any = "group") -> ChatAddress:
        return ChatAddress(
            platform="feishu",
            connection_id=connection.id,
            platform_chat_id=chat_id,
            chat_type="private" if chat_type == "p2p" else "group",
        )

    def _message(self, event: Document, connection: ConnectionRef, at: datetime) -> list[EventData]:
        message = event.get("message")
        sender = event.get("sender")
        if not isinstance(message, dict) or not isinstance(sender, dict):
            return []
        sender_user = _user_of(sender.get("sender_id"))
        chat_id, message_id = text_of(message.get("chat_id")), text_of(message.get("message_id"))
        if sender_user is None or chat_id is None or message_id is None:
            return []
        if sender.get("sender_type") not in (None, "user"):
            sender_user = sender_user.model_copy(update={"is_bot": True})
        try:
            content = json.loads(message.get("content") or "{}")  # a JSON string inside the JSON
        except (TypeError, ValueError):
            content = {}
        content = content if isinstance(content, dict) else {}
        mentions = [m for m in message.get("mentions") or [] if isinstance(m, dict)]
        text, media = _content(str(message.get("message_type")), content)
        for mention in mentions:
            if isinstance(mention.get("key"), str):
                text = text.replace(mention["key"], f"@{mention.get('name') or ''}")
        command, args = command_of(_LEADING_MENTIONS.sub("", text))
        return [
            ChatMessageReceived(
                chat=self._address(chat_id, connection, message.get("chat_type")),
                platform_message_id=message_id,
                sender=sender_user,
                text=text,
                media=media,
                mentions=[u.platform_user_id for u in map(_user_of, (m.get("id") for m in mentions)) if u],
                command=command,
                command_args=args,
                reply_to=text_of(message.get("parent_id")) or None,
                sent_at=utc_from_millis(message.get("create_time"), at),
            )
        ]

    def _members(
        self, event: Document, connection: ConnectionRef, at: datetime, *, joined: bool, removed: bool = False
    ) -> list[EventData]:
        chat_id = text_of(event.get("chat_id"))
        if chat_id is None:
            return []
        address = self._address(chat_id, connection)
        operator = _user_of(event.get("operator_id"))
        members = [
            user.model_copy(update={"display_name": raw.get("name") if isinstance(raw.get("name"), str) else None})
            for raw in event.get("users") or []
            if isinstance(raw, dict) and (user := _user_of(raw.get("user_id"))) is not None
        ]
        if joined:
            return [ChatMemberJoinedGroup(chat=address, member=m, inviter=operator, joined_at=at) for m in members]
        by = operator if removed else None
        return [ChatMemberLeftGroup(chat=address, member=m, removed_by=by, left_at=at) for m in members]

    # Sending and acting

    async def _token(self, call: PlatformCall, credentials: Credentials) -> str:
        app_id, app_secret = credentials.get("app_id"), credentials.get("app_secret")
        if not app_id or not app_secret:
            raise PlatformError("feishu: the connection needs app_id and app_secret to call the API")
        if (token := self.tokens.get(app_id, call.now)) is not None:
            return token
        answer = await request_json(
            call,
            "feishu",
            "POST",
            f"{self.api_url}/auth/v3/tenant_access_token/internal",
            json={"app_id": app_id, "app_secret": app_secret},
        )
        if not isinstance(answer, dict) or answer.get("code") != 0 or not answer.get("tenant_access_token"):
            raise PlatformError("feishu: tenant_access_token refused")
        return self.tokens.put(
            app_id, str(answer["tenant_access_token"]), now=call.now, expires_in=answer.get("expire")
        )

    async def _call(self, call: PlatformCall, credentials: Credentials, method: str, path: str, body: Any) -> Any:
        token = await self._token(call, credentials)
        answer = await request_json(
            call, "feishu", method, f"{self.api_url}{path}", json=body, headers={"Authorization": f"Bearer {token}"}
        )
        if not isinstance(answer, dict) or answer.get("code") != 0:
            code = answer.get("code") if isinstance(answer, dict) else None
            raise PlatformError(f"feishu: {path} failed with code {code}")
        return answer

    async def send(self, call: PlatformCall, credentials: Credentials, command: ChatSend) -> Delivered:
        mentions = "".join(f'<at user_id="{user}"></at> ' for user in command.mentions)
        text = mentions + command.text
        msg_type: str = "text"
        content: dict[str, Any] = {"text": text}
        if command.kind == "image" and command.url:
            msg_type, content = "image", {"image_key": command.url}  # an image key from Feishu's upload API
        elif command.kind == "link" and command.url:
            line = [{"tag": "a", "text": command.title or command.url, "href": command.url}]
            rows = [line, [{"tag": "text", "text": text}]] if text else [line]
            msg_type, content = "post", {"zh_cn": {"title": command.title or "", "content": rows}}
        elif command.kind == "card":
            elements: list[dict[str, Any]] = [{"tag": "div", "text": {"tag": "lark_md", "content": text or " "}}]
            if command.url:
                button = {"tag": "button", "text": {"tag": "plain_text", "content": "Open"}, "url": command.url}
                elements.append({"tag": "action", "actions": [{**button, "type": "primary"}]})
            header = {"title": {"tag": "plain_text", "content": command.title or ""}}
            msg_type, content = "interactive", {"header": header, "elements": elements}
        body = {
            "receive_id": command.chat.platform_chat_id,
            "msg_type": msg_type,
            "content": json.dumps(content, ensure_ascii=False),
            "uuid": command.command_id[:50],  # Feishu dedupes sends with the same uuid for an hour
        }
        answer = await self._call(call, credentials, "POST", "/im/v1/messages?receive_id_type=chat_id", body)
        data = obj(answer.get("data"))
        return Delivered(platform_message_id=text_of(data.get("message_id")))

    async def act(self, call: PlatformCall, credentials: Credentials, command: ChatAction) -> Delivered:
        chat, user = command.chat.platform_chat_id, command.platform_user_id
        query = "?member_id_type=open_id"
        match command.action:
            case "remove":
                await self._call(
                    call, credentials, "DELETE", f"/im/v1/chats/{chat}/members{query}", {"id_list": [user]}
                )
            case "approve_join":
                await self._call(call, credentials, "POST", f"/im/v1/chats/{chat}/members{query}", {"id_list": [user]})
            case "set_role":
                verb = "add_managers" if command.role in ("admin", "moderator", "owner") else "delete_managers"
                path = f"/im/v1/chats/{chat}/managers/{verb}{query}"
                await self._call(call, credentials, "POST", path, {"manager_ids": [user]})
            case _:
                raise ActionUnsupported("feishu", command.action)
        return Delivered()


def _user_of(ids: Any) -> ChatUser | None:
    if not isinstance(ids, dict):
        return None
    user_id = text_of(ids.get("open_id")) or text_of(ids.get("user_id")) or text_of(ids.get("union_id"))
    return ChatUser(platform_user_id=user_id) if user_id else None


def _content(message_type: str, content: dict[str, Any]) -> tuple[str, list[ChatMedia]]:
    if message_type == "text":
        return str(content.get("text") or ""), []
    if message_type == "image" and content.get("image_key"):
        return "", [ChatMedia(kind="image", ref=str(content["image_key"]))]
    if message_type in ("file", "audio", "media") and content.get("file_key"):
        kind: Literal["audio", "video", "file"] = (
            "audio" if message_type == "audio" else "video" if message_type == "media" else "file"
        )
        return "", [ChatMedia(kind=kind, ref=str(content["file_key"]))]
    if message_type == "sticker" and content.get("file_key"):
        return "", [ChatMedia(kind="sticker", ref=str(content["file_key"]))]
    if message_type == "post":
        return _post_text(content)
    return "", []


def _post_text(content: dict[str, Any]) -> tuple[str, list[ChatMedia]]:
    body = content if "content" in content else next((v for v in content.values() if isinstance(v, dict)), {})
    lines: list[str] = []
    media: list[ChatMedia] = []
    for row in body.get("content") or []:
        if not isinstance(row, list):
            continue
        parts = []
        for node in row:
            if not isinstance(node, dict):
                continue
            if node.get("tag") in ("text", "a") and isinstance(node.get("text"), str):
                parts.append(node["text"])
            elif node.get("tag") == "img" and node.get("image_key"):
                media.append(ChatMedia(kind="image", ref=str(node["image_key"])))
        lines.append("".join(parts))
    title = body.get("title")
    text = "\n".join(line for line in ([title] if isinstance(title, str) and title else []) + lines if line)
    return text, media


def _message_identity(kind: Any, event: Document) -> str | None:
    """A received message by its ``message_id``: Feishu may push one message again under a new ``event_id`` (its
    at-least-once delivery, and an app subscribed twice), and it must count once."""
    message = event.get("message")
    if kind != "im.message.receive_v1" or not isinstance(message, dict):
        return None
    message_id = text_of(message.get("message_id"))
    return f"message:{message_id}" if message_id else None
