"""WeCom (企业微信) self-built app callbacks: XML with an AES-256-CBC ``Encrypt`` element, ``msg_signature`` =
hex SHA-1 of the sorted token, timestamp, nonce and ciphertext; a GET handshake that echoes the decrypted
``echostr``. Dedupe on ``MsgId`` (messages) or sender + time + event (events)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import struct
from datetime import UTC, datetime
from typing import Any, ClassVar
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeElementTree
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from defusedxml import DefusedXmlException

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
    WebhookMalformed,
    WebhookRejected,
    WebhookRequest,
    request_json,
    text_of,
    utc_from_seconds,
)
from kit.events import EventData

BLOCK = 32  # WeCom pads to 32-byte blocks, not AES's 16
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
HANDSHAKE = "_echostr"


def msg_signature(token: str, timestamp: str, nonce: str, encrypted: str) -> str:
    return hashlib.sha1("".join(sorted([token, timestamp, nonce, encrypted])).encode()).hexdigest()  # noqa: S324


def _aes_key(encoding_aes_key: str) -> bytes:
    key = base64.b64decode(encoding_aes_key + "=")
    if len(key) != 32:
        raise ValueError("encoding_aes_key: must decode to 32 bytes")
    return key


def decrypt(encoding_aes_key: str, encrypted: str) -> tuple[bytes, str]:
    """The message and the receive id (CorpID) inside; ``ValueError`` when it does not open."""
    key = _aes_key(encoding_aes_key)
    try:
        raw = base64.b64decode(encrypted, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("Encrypt: not base64") from None
    if not raw or len(raw) % 16:
        raise ValueError("Encrypt: truncated ciphertext")
    decryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    plain = decryptor.update(raw) + decryptor.finalize()
    pad = plain[-1]
    if not 1 <= pad <= BLOCK or plain[-pad:] != bytes([pad]) * pad:
        raise ValueError("Encrypt: bad padding")
    plain = plain[:-pad]
    if len(plain) < 20:
        raise ValueError("Encrypt: too short")
    (length,) = struct.unpack(">I", plain[16:20])
    if 20 + length > len(plain):
        raise ValueError("Encrypt: bad length")
    return plain[20 : 20 + length], plain[20 + length :].decode("utf-8", "replace")


def encrypt(encoding_aes_key: str, message: bytes, receive_id: str, *, random: bytes) -> str:
    """The inverse of ``decrypt`` (passive replies; tests)."""
    key = _aes_key(encoding_aes_key)
    plain = random + struct.pack(">I", len(message)) + message + receive_id.encode()
    pad = BLOCK - len(plain) % BLOCK
    plain += bytes([pad]) * pad
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode()


def parse_xml(data: bytes | str) -> Element:
    """An XML document with no DTD and no entities (no XML bombs, no external entities), or ``WebhookMalformed``."""
    try:
        root: Element = SafeElementTree.fromstring(data, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError):
        raise WebhookMalformed("body: not acceptable XML") from None
    return root


def _fields(root: Element) -> Document:
    document: Document = {}
    for child in root:
        items = [item.text or "" for item in child]
        document[child.tag] = items if items else (child.text or "").strip()
    return document


class WecomConnector:
    platform: ClassVar[Platform] = "wecom"
    methods: ClassVar[frozenset[str]] = frozenset({"GET", "POST"})
    content_types: ClassVar[frozenset[str]] = frozenset({"text/xml", "application/xml"})
    credential_fields: ClassVar[CredentialFields] = CredentialFields(
        required=frozenset({"corp_id", "token", "encoding_aes_key"}), optional=frozenset({"corp_secret", "agent_id"})
    )

    def __init__(self, *, api_url: str) -> None:
        self.api_url = api_url.rstrip("/")
        self.tokens = TokenCache()

    def _open(self, credentials: Credentials, query: Any, encrypted: str) -> bytes:
        timestamp, nonce, presented = query.get("timestamp"), query.get("nonce"), query.get("msg_signature")
        if not timestamp or not nonce or not presented:
            raise WebhookRejected("msg_signature, timestamp and nonce are required")
        expected = msg_signature(credentials["token"], timestamp, nonce, encrypted)
        if not hmac.compare_digest(expected.encode(), presented.encode("utf-8", "surrogateescape")):
            raise WebhookRejected("msg_signature: mismatch")
        try:
            message, receive_id = decrypt(credentials["encoding_aes_key"], encrypted)
        except ValueError:
            raise WebhookRejected("Encrypt: cannot be decrypted with this connection's key") from None
        if not hmac.compare_digest(receive_id.encode(), credentials["corp_id"].encode()):
            raise WebhookRejected("receive id: not this connection's CorpID")
        return message

    def verify(self, request: WebhookRequest, credentials: Credentials, *, now: datetime) -> Document:
        if request.method == "GET":
            echostr = request.query.get("echostr")
            if not echostr:
                raise WebhookRejected("echostr: required")
            return {HANDSHAKE: self._open(credentials, request.query, echostr).decode("utf-8", "replace")}
        envelope = parse_xml(request.body)
        encrypted = envelope.findtext("Encrypt")
        if not encrypted:
            raise WebhookMalformed("Encrypt: missing")
        return _fields(parse_xml(self._open(credentials, request.query, encrypted)))

    def parse(self, document: Document, *, connection: ConnectionRef) -> Inbound:
        if HANDSHAKE in document:
            return Inbound(reply=Reply.text(str(document[HANDSHAKE])))
        kind = document.get("MsgType")
        at = utc_from_seconds(document.get("CreateTime"), _EPOCH)
        sender = text_of(document.get("FromUserName"))
        if kind == "event":
            event = str(document.get("Event") or "")
            key = f"event:{sender}:{document.get('CreateTime')}:{event}:{document.get('ChatId') or ''}"
            return Inbound(events=self._event(event, document, connection, at), dedupe_key=key)
        msg_id = text_of(document.get("MsgId"))
        if msg_id is None or sender is None:
            return IGNORED
        text = document.get("Content") if kind == "text" else ""
        media: list[ChatMedia] = []
        if kind == "image":
            media = [ChatMedia(kind="image", ref=str(document.get("MediaId") or document.get("PicUrl") or ""))]
        elif kind in ("voice", "video", "file") and document.get("MediaId"):
            media = [ChatMedia(kind="audio" if kind == "voice" else "video", ref=str(document["MediaId"]))]
        if not text and not media:
            return Inbound(dedupe_key=f"msg:{msg_id}")
        message = ChatMessageReceived(
            # Messages to a self-built app are one-to-one: the chat is the sender's conversation with the app.
            chat=ChatAddress(
                platform="wecom", connection_id=connection.id, platform_chat_id=sender, chat_type="private"
            ),
            platform_message_id=msg_id,
            sender=ChatUser(platform_user_id=sender),
            text=str(text or ""),
            media=media,
            sent_at=at,
        )
        return Inbound(events=[message], dedupe_key=f"msg:{msg_id}")

    def _event(self, event: str, document: Document, connection: ConnectionRef, at: datetime) -> list[EventData]:
        # Customer-group changes (客户联系): <ChatId>, <UpdateDetail>add_member|del_member</…>, <MemChangeList><Item>…
        if event != "change_external_chat" or document.get("ChangeType") != "update":
            return []
        chat_id, detail = text_of(document.get("ChatId")), document.get("UpdateDetail")
        members = document.get("MemChangeList")
        if chat_id is None or not isinstance(members, list):
            return []
        address = ChatAddress(platform="wecom", connection_id=connection.id, platform_chat_id=chat_id)
        users = [ChatUser(platform_user_id=user) for user in members if user]
        if detail == "add_member":
            return [ChatMemberJoinedGroup(chat=address, member=user, joined_at=at) for user in users]
        if detail == "del_member":
            return [ChatMemberLeftGroup(chat=address, member=user, left_at=at) for user in users]
        return []

    # Sending and acting

    async def _token(self, call: PlatformCall, credentials: Credentials) -> str:
        corp_id, secret = credentials["corp_id"], credentials.get("corp_secret")
        if not secret:
            raise PlatformError("wecom: the connection needs corp_secret to call the API")
        cache_key = f"{corp_id}:{hashlib.sha256(secret.encode()).hexdigest()[:16]}"
        if (token := self.tokens.get(cache_key, call.now)) is not None:
            return token
        answer = await request_json(
            call, "wecom", "GET", f"{self.api_url}/gettoken", params={"corpid": corp_id, "corpsecret": secret}
        )
        if not isinstance(answer, dict) or answer.get("errcode", 0) != 0 or not answer.get("access_token"):
            raise PlatformError("wecom: gettoken refused")
        return self.tokens.put(
            cache_key, str(answer["access_token"]), now=call.now, expires_in=answer.get("expires_in")
        )

    async def _call(self, call: PlatformCall, credentials: Credentials, path: str, body: dict[str, Any]) -> Any:
        token = await self._token(call, credentials)
        answer = await request_json(
            call, "wecom", "POST", f"{self.api_url}{path}", params={"access_token": token}, json=body
        )
        if not isinstance(answer, dict) or answer.get("errcode", 0) != 0:
            code = answer.get("errcode") if isinstance(answer, dict) else None
            raise PlatformError(f"wecom: {path} failed with errcode {code}", retryable=code == 45009)
        return answer

    async def send(self, call: PlatformCall, credentials: Credentials, command: ChatSend) -> Delivered:
        mentions = " ".join(f"@{user}" for user in command.mentions)
        text = " ".join(part for part in (mentions, command.text) if part)
        message: dict[str, Any]
        if command.kind == "image" and command.url:
            message = {"msgtype": "image", "image": {"media_id": command.url}}  # a media id from WeCom's upload API
        elif command.kind == "link" and command.url:
            article = {"title": command.title or command.url, "description": text, "url": command.url}
            message = {"msgtype": "news", "news": {"articles": [article]}}
        elif command.kind == "card":
            card = {"title": command.title or "", "description": text, "url": command.url or "", "btntxt": "Open"}
            message = {"msgtype": "textcard", "textcard": card}
        else:
            message = {"msgtype": "text", "text": {"content": text}}
        if command.chat.chat_type == "private":
            agent = credentials.get("agent_id")
            if not agent:
                raise PlatformError("wecom: the connection needs agent_id to message a person")
            answer = await self._call(
                call,
                credentials,
                "/message/send",
                {"touser": command.chat.platform_chat_id, "agentid": agent, **message},
            )
        else:
            answer = await self._call(
                call, credentials, "/appchat/send", {"chatid": command.chat.platform_chat_id, **message}
            )
        return Delivered(platform_message_id=text_of(answer.get("msgid")))

    async def act(self, call: PlatformCall, credentials: Credentials, command: ChatAction) -> Delivered:
        chat, user = command.chat.platform_chat_id, command.platform_user_id
        match command.action:
            case "remove":
                await self._call(call, credentials, "/appchat/update", {"chatid": chat, "del_user_list": [user]})
            case "approve_join":
                await self._call(call, credentials, "/appchat/update", {"chatid": chat, "add_user_list": [user]})
            case "set_role" if command.role == "owner":
                await self._call(call, credentials, "/appchat/update", {"chatid": chat, "owner": user})
            case _:
                raise ActionUnsupported("wecom", command.action)
        return Delivered()
