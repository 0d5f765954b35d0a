"""Any source that speaks Standard Webhooks and our normalized shapes: ``{"type": "chat.message_received",
"data": {...}}`` in, the same envelope with ``chat.send`` / ``chat.action`` out to the connection's URL."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, ClassVar

from pydantic import ValidationError

from contracts.chat import (
    ChatAction,
    ChatMemberJoinedGroup,
    ChatMemberLeftGroup,
    ChatMessageReceived,
    ChatReactionAdded,
    ChatSend,
    Platform,
)
from gateway import standard_webhooks
from gateway.connectors.base import (
    IGNORED,
    ConnectionRef,
    CredentialFields,
    Credentials,
    Delivered,
    Document,
    Inbound,
    PlatformCall,
    PlatformError,
    WebhookMalformed,
    WebhookRejected,
    WebhookRequest,
    json_document,
    request_json,
    text_of,
)
from kit.events import EventData
from kit.ids import new_id

INBOUND_TYPES: dict[str, type[EventData]] = {
    model.event_type: model
    for model in (ChatMessageReceived, ChatMemberJoinedGroup, ChatMemberLeftGroup, ChatReactionAdded)
}


class GenericConnector:
    platform: ClassVar[Platform] = "generic"
    methods: ClassVar[frozenset[str]] = frozenset({"POST"})
    content_types: ClassVar[frozenset[str]] = frozenset({"application/json"})
    credential_fields: ClassVar[CredentialFields] = CredentialFields(
        required=frozenset({"secret"}), optional=frozenset({"send_url"})
    )

    def verify(self, request: WebhookRequest, credentials: Credentials, *, now: datetime) -> Document:
        msg_id = request.header("webhook-id")
        try:
            standard_webhooks.verify(
                credentials["secret"],
                msg_id=msg_id,
                timestamp=request.header("webhook-timestamp"),
                signature=request.header("webhook-signature"),
                body=request.body,
                now=now,
            )
        except (standard_webhooks.SignatureInvalid, ValueError) as error:
            raise WebhookRejected(str(error)) from None
        return {"webhook_id": msg_id, "payload": json_document(request.body)}

    def parse(self, document: Document, *, connection: ConnectionRef) -> Inbound:
        payload = document.get("payload")
        webhook_id = text_of(document.get("webhook_id"))
        if not isinstance(payload, dict) or webhook_id is None:
            return IGNORED
        model = INBOUND_TYPES.get(str(payload.get("type")))
        data = payload.get("data")
        if model is None:
            return Inbound(dedupe_key=f"webhook:{webhook_id}")
        if not isinstance(data, dict) or not isinstance(data.get("chat"), dict):
            raise WebhookMalformed("data.chat: required")
        # The address is ours to set: a source cannot speak for another connection or platform.
        chat = {**data["chat"], "platform": "generic", "connection_id": connection.id}
        try:
            event = model.model_validate({**data, "chat": chat})
        except ValidationError as error:
            first = error.errors()[0]
            field = ".".join(str(p) for p in first["loc"])
            raise WebhookMalformed(f"data.{field}: {first['msg']}") from None
        return Inbound(events=[event], dedupe_key=f"webhook:{webhook_id}")

    async def _post(self, call: PlatformCall, credentials: Credentials, event: EventData) -> Delivered:
        url = credentials.get("send_url")
        if not url:
            raise PlatformError("generic: the connection has no send_url")
        body = json.dumps({"type": event.event_type, "data": event.model_dump(mode="json")}).encode()
        msg_id, timestamp = new_id("msg"), int(call.now.timestamp())
        headers = {
            "content-type": "application/json",
            "webhook-id": msg_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": standard_webhooks.sign(
                credentials["secret"], msg_id=msg_id, timestamp=timestamp, body=body
            ),
        }
        answer: Any = await request_json(call, "generic", "POST", url, content=body, headers=headers)
        return Delivered(platform_message_id=text_of(answer.get("id")) if isinstance(answer, dict) else None)

    async def send(self, call: PlatformCall, credentials: Credentials, command: ChatSend) -> Delivered:
        return await self._post(call, credentials, command)

    async def act(self, call: PlatformCall, credentials: Credentials, command: ChatAction) -> Delivered:
        return await self._post(call, credentials, command)
