"""DingTalk enterprise robot callbacks: headers ``timestamp`` (ms) and ``sign`` = base64 HMAC-SHA256 of
``timestamp + "\\n" + appSecret``, within one hour. The body is not signed: dedupe on ``msgId``."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any, ClassVar

from contracts.chat import ChatAction, ChatAddress, ChatMedia, ChatMessageReceived, ChatSend, ChatUser, Platform
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

WINDOW_MS = 3_600_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def sign(app_secret: str, timestamp: str) -> str:
    digest = hmac.new(app_secret.encode(), f"{timestamp}\n{app_secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


class DingtalkConnector:
    platform: ClassVar[Platform] = "dingtalk"
    methods: ClassVar[frozenset[str]] = frozenset({"POST"})
    content_types: ClassVar[frozenset[str]] = frozenset({"application/json"})
    credential_fields: ClassVar[CredentialFields] = CredentialFields(
        required=frozenset({"app_secret"}), optional=frozenset({"app_key", "robot_code"})
    )

    def __init__(self, *, api_url: str, oapi_url: str) -> None:
        self.api_url = api_url.rstrip("/")
        self.oapi_url = oapi_url.rstrip("/")
        self.tokens = TokenCache()

    def verify(self, request: WebhookRequest, credentials: Credentials, *, now: datetime) -> Document:
        timestamp, presented = request.header("timestamp"), request.header("sign")
        if not timestamp or not presented:
            raise WebhookRejected("timestamp and sign headers are required")
        try:
            sent_ms = int(timestamp)
        except ValueError:
            raise WebhookRejected("timestamp: not a number of milliseconds") from None
        if abs(now.timestamp() * 1000 - sent_ms) > WINDOW_MS:
            raise WebhookRejected("timestamp: outside the one hour window")
        expected = sign(credentials["app_secret"], timestamp)
        if not hmac.compare_digest(expected.encode(), presented.encode("utf-8", "surrogateescape")):
            raise WebhookRejected("sign: mismatch")
        return json_document(request.body)

    def parse(self, document: Document, *, connection: ConnectionRef) -> Inbound:
        msg_id = text_of(document.get("msgId"))
        conversation = text_of(document.get("conversationId"))
        sender_id = text_of(document.get("senderStaffId")) or text_of(document.get("senderId"))
        if msg_id is None:
            return IGNORED
        if conversation is None or sender_id is None:
            return Inbound(dedupe_key=f"msg:{msg_id}")
        kind = document.get("msgtype")
        content = obj(document.get("content"))
        text, media = "", list[ChatMedia]()
        if kind == "text":
            # The @mention of the robot leaves a leading space: trim it so " 打卡" reads "打卡".
            text = str(obj(document.get("text")).get("content") or "").strip()
        elif kind == "picture" and content.get("downloadCode"):
            media = [ChatMedia(kind="image", ref=str(content["downloadCode"]))]
        elif kind == "richText":
            parts = [p for p in content.get("richText") or [] if isinstance(p, dict)]
            text = "".join(str(p.get("text") or "") for p in parts).strip()
            media = [ChatMedia(kind="image", ref=str(p["downloadCode"])) for p in parts if p.get("downloadCode")]
        if not text and not media:
            return Inbound(dedupe_key=f"msg:{msg_id}")
        robot = text_of(document.get("chatbotUserId"))
        mentions = [
            str(user.get("staffId") or user.get("dingtalkId"))
            for user in document.get("atUsers") or []
            if isinstance(user, dict)
            and (user.get("staffId") or user.get("dingtalkId"))
            and user.get("dingtalkId") != robot
        ]
        command, args = command_of(text)
        nick = document.get("senderNick")
        message = ChatMessageReceived(
            chat=ChatAddress(
                platform="dingtalk",
                connection_id=connection.id,
                platform_chat_id=conversation,
                chat_type="private" if document.get("conversationType") == "1" else "group",
            ),
            platform_message_id=msg_id,
            sender=ChatUser(platform_user_id=sender_id, display_name=nick if isinstance(nick, str) else None),
            text=text,
            media=media,
            mentions=mentions,
            command=command,
            command_args=args,
            sent_at=utc_from_millis(document.get("createAt"), _EPOCH),
        )
        return Inbound(events=[message], dedupe_key=f"msg:{msg_id}")

    # Sending and acting

    def _app(self, credentials: Credentials) -> tuple[str, str]:
        app_key, app_secret = credentials.get("app_key"), credentials["app_secret"]
        if not app_key:
            raise PlatformError("dingtalk: the connection needs app_key to call the API")
        return app_key, app_secret

    async def _token(self, call: PlatformCall, credentials: Credentials) -> str:
        app_key, app_secret = self._app(credentials)
        if (token := self.tokens.get(f"api:{app_key}", call.now)) is not None:
            return token
        answer = await request_json(
            call,
            "dingtalk",
            "POST",
            f"{self.api_url}/v1.0/oauth2/accessToken",
            json={"appKey": app_key, "appSecret": app_secret},
        )
        if not isinstance(answer, dict) or not answer.get("accessToken"):
            raise PlatformError("dingtalk: accessToken refused")
        return self.tokens.put(
            f"api:{app_key}", str(answer["accessToken"]), now=call.now, expires_in=answer.get("expireIn")
        )

    async def _oapi_token(self, call: PlatformCall, credentials: Credentials) -> str:
        app_key, app_secret = self._app(credentials)
        if (token := self.tokens.get(f"oapi:{app_key}", call.now)) is not None:
            return token
        answer = await request_json(
            call, "dingtalk", "GET", f"{self.oapi_url}/gettoken", params={"appkey": app_key, "appsecret": app_secret}
        )
        if not isinstance(answer, dict) or answer.get("errcode", 0) != 0 or not answer.get("access_token"):
            raise PlatformError("dingtalk: gettoken refused")
        return self.tokens.put(
            f"oapi:{app_key}", str(answer["access_token"]), now=call.now, expires_in=answer.get("expires_in")
        )

    async def send(self, call: PlatformCall, credentials: Credentials, command: ChatSend) -> Delivered:
        token = await self._token(call, credentials)
        mentions = " ".join(f"@{user}" for user in command.mentions)
        text = " ".join(part for part in (mentions, command.text) if part)
        key, param = "sampleText", {"content": text}
        if command.kind == "image" and command.url:
            key, param = "sampleImageMsg", {"photoURL": command.url}
        elif command.kind == "link" and command.url:
            title = command.title or command.url
            key, param = "sampleLink", {"title": title, "text": text or title, "messageUrl": command.url, "picUrl": ""}
        elif command.kind == "card":
            key = "sampleActionCard"
            param = {"title": command.title or "", "text": text, "singleTitle": "Open", "singleURL": command.url or ""}
        robot = credentials.get("robot_code") or self._app(credentials)[0]
        body: dict[str, Any] = {"robotCode": robot, "msgKey": key, "msgParam": json.dumps(param, ensure_ascii=False)}
        if command.chat.chat_type == "private":
            path, body = "/v1.0/robot/oToMessages/batchSend", {**body, "userIds": [command.chat.platform_chat_id]}
        else:
            path, body = "/v1.0/robot/groupMessages/send", {**body, "openConversationId": command.chat.platform_chat_id}
        answer = await request_json(
            call, "dingtalk", "POST", f"{self.api_url}{path}", json=body, headers={"x-acs-dingtalk-access-token": token}
        )
        return Delivered(
            platform_message_id=text_of(answer.get("processQueryKey")) if isinstance(answer, dict) else None
        )

    async def act(self, call: PlatformCall, credentials: Credentials, command: ChatAction) -> Delivered:
        match command.action:
            case "remove":
                path = "/topapi/im/chat/scenegroup/member/delete"
            case "approve_join":
                path = "/topapi/im/chat/scenegroup/member/add"
            case _:
                raise ActionUnsupported("dingtalk", command.action)
        token = await self._oapi_token(call, credentials)
        body = {"open_conversation_id": command.chat.platform_chat_id, "user_ids": command.platform_user_id}
        answer = await request_json(
            call, "dingtalk", "POST", f"{self.oapi_url}{path}", params={"access_token": token}, json=body
        )
        if not isinstance(answer, dict) or answer.get("errcode", 0) != 0:
            raise PlatformError(f"dingtalk: {path} failed")
        return Delivered()
