"""DingTalk: every signature vector with its frozen clock, and both messages."""

from __future__ import annotations

import pytest

from contracts.chat import ChatMessageReceived
from gateway.connectors.base import WebhookRejected
from gateway.connectors.dingtalk import DingtalkConnector
from tests.support.webhooks import at, connection, load, raw, request

CONNECTOR = DingtalkConnector(api_url="http://dingtalk.invalid", oapi_url="http://oapi.invalid")
VECTORS = load("dingtalk/signature_vectors.json")
CREDENTIALS = {"app_secret": VECTORS["app_secret"]}


@pytest.mark.parametrize("vector", VECTORS["vectors"], ids=lambda v: v["name"])
def test_signature_vectors(vector: dict[str, object]) -> None:
    body = raw(str(vector.get("body_file", "dingtalk/message_group_text.json")))
    delivery = request(body, headers=dict(vector["headers"]))  # type: ignore[call-overload]
    now = at(int(vector["now_ms_for_test"]) / 1000)  # type: ignore[call-overload]

    if str(vector["expect"]).startswith("accept"):
        document = CONNECTOR.verify(delivery, CREDENTIALS, now=now)
        inbound = CONNECTOR.parse(document, connection=connection("dingtalk"))
        (message,) = inbound.events
        assert isinstance(message, ChatMessageReceived)
        assert inbound.dedupe_key == f"msg:{document['msgId']}"
    else:
        with pytest.raises(WebhookRejected):
            CONNECTOR.verify(delivery, CREDENTIALS, now=now)


def test_a_valid_signature_is_stale_by_a_real_clock() -> None:
    valid = VECTORS["vectors"][0]

    with pytest.raises(WebhookRejected, match="hour"):
        CONNECTOR.verify(request(raw(valid["body_file"]), headers=valid["headers"]), CREDENTIALS, now=at(1_800_000_000))


def test_group_text_is_a_group_message_with_the_mention_space_trimmed() -> None:
    inbound = CONNECTOR.parse(load("dingtalk/message_group_text.json"), connection=connection("dingtalk"))

    (message,) = inbound.events
    assert isinstance(message, ChatMessageReceived)
    assert message.text == "你好"
    assert message.chat.chat_type == "group"
    assert (message.chat.platform_chat_id, message.sender.platform_user_id) == ("xxx", "user123")
    assert inbound.dedupe_key == "msg:msg0xxxxx"


def test_checkin_text_is_trimmed() -> None:
    (message,) = CONNECTOR.parse(load("dingtalk/message_group_checkin.json"), connection=connection("dingtalk")).events

    assert isinstance(message, ChatMessageReceived)
    assert message.text == "打卡"
