"""The generic Standard Webhooks connector: signatures, the window, normalized payloads, the address we set."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from contracts.chat import ChatMessageReceived
from gateway import standard_webhooks
from gateway.connectors.base import WebhookMalformed, WebhookRejected, WebhookRequest
from gateway.connectors.generic import GenericConnector
from tests.support.webhooks import at, connection, request

CONNECTOR = GenericConnector()
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"  # the Standard Webhooks specification's example secret
NOW = at(1_700_000_000)
MESSAGE = {
    "type": "chat.message_received",
    "data": {
        "chat": {"platform": "telegram", "connection_id": "conn_someone_else", "platform_chat_id": "room-1"},
        "platform_message_id": "m1",
        "sender": {"platform_user_id": "u1"},
        "text": "打卡",
        "sent_at": "2026-01-01T00:00:00Z",
    },
}


def signed(payload: object, *, msg_id: str = "msg_1", timestamp: int = 1_700_000_000) -> WebhookRequest:
    body = json.dumps(payload).encode()
    signature = standard_webhooks.sign(SECRET, msg_id=msg_id, timestamp=timestamp, body=body)
    headers = {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": f"v1,bm9wZQ== {signature}",
    }
    return request(body, headers=headers)


def test_the_specification_example_signature_verifies() -> None:
    body = b'{"test": 2432232314}'

    standard_webhooks.verify(
        SECRET,
        msg_id="msg_p5jXN8AQM9LWM0D4loKWxJek",
        timestamp="1614265330",
        signature="v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
        body=body,
        now=at(1614265330),
    )


def test_a_normalized_message_is_published_at_our_address() -> None:
    inbound = CONNECTOR.parse(
        CONNECTOR.verify(signed(MESSAGE), {"secret": SECRET}, now=NOW), connection=connection("generic")
    )

    (message,) = inbound.events
    assert isinstance(message, ChatMessageReceived)
    assert (message.chat.platform, message.chat.connection_id) == ("generic", "conn_test")
    assert inbound.dedupe_key == "webhook:msg_1"


def test_stale_or_wrongly_signed_deliveries_are_rejected() -> None:
    with pytest.raises(WebhookRejected, match="window"):
        CONNECTOR.verify(signed(MESSAGE), {"secret": SECRET}, now=NOW + timedelta(minutes=6))
    with pytest.raises(WebhookRejected, match="signature"):
        CONNECTOR.verify(signed(MESSAGE), {"secret": "whsec_" + "b3RoZXI="}, now=NOW)


def test_an_invalid_payload_names_the_field() -> None:
    broken = {"type": "chat.message_received", "data": {**MESSAGE["data"], "sender": {}}}  # type: ignore[dict-item]

    with pytest.raises(WebhookMalformed, match=r"sender\.platform_user_id"):
        CONNECTOR.parse(CONNECTOR.verify(signed(broken), {"secret": SECRET}, now=NOW), connection=connection("generic"))
