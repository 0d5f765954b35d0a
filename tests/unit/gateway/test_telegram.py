"""Telegram: the secret-token cases and every payload of the corpus."""

from __future__ import annotations

import pytest

from contracts.chat import ChatMemberJoinedGroup, ChatMemberLeftGroup, ChatMessageReceived
from gateway.connectors.base import WebhookRejected
from gateway.connectors.telegram import TelegramConnector
from tests.support.webhooks import at, connection, load, raw, request

CONNECTOR = TelegramConnector(api_url="http://telegram.invalid")
CASES = load("telegram/secret_token_cases.json")
CREDENTIALS = {"bot_token": "123:abc", "secret_token": CASES["configured_secret_token"]}
NOW = at(1_700_000_000)


def parse(name: str):
    document = CONNECTOR.verify(
        request(raw(name), headers={"X-Telegram-Bot-Api-Secret-Token": "SecretToken"}), CREDENTIALS, now=NOW
    )
    return CONNECTOR.parse(document, connection=connection("telegram"))


@pytest.mark.parametrize("case", CASES["cases"], ids=lambda case: case["name"])
def test_secret_token_cases(case: dict[str, object]) -> None:
    headers = dict(case["headers"])  # type: ignore[call-overload]
    delivery = request(raw(CASES["body_file"]), headers=headers)

    if str(case["expect"]).startswith("2xx"):
        document = CONNECTOR.verify(delivery, CREDENTIALS, now=NOW)
        assert document["update_id"] == 10002
    else:
        with pytest.raises(WebhookRejected):
            CONNECTOR.verify(delivery, CREDENTIALS, now=NOW)


def test_group_text_is_a_message_of_the_group_and_user() -> None:
    inbound = parse("telegram/message_group_text.json")

    (message,) = inbound.events
    assert isinstance(message, ChatMessageReceived)
    assert message.chat.platform_chat_id == "-217850512"
    assert message.chat.chat_type == "group"
    assert message.sender.platform_user_id == "1111111"
    assert message.text == "Hello everyone"
    assert message.command is None
    assert inbound.dedupe_key == "update:10001"


def test_checkin_text_arrives_as_text_with_its_update_id() -> None:
    inbound = parse("telegram/message_group_checkin.json")

    (message,) = inbound.events
    assert isinstance(message, ChatMessageReceived)
    assert message.text == "打卡"
    assert message.platform_message_id == "1367"
    assert inbound.dedupe_key == "update:10002"


def test_private_start_is_a_command_in_a_private_chat() -> None:
    (message,) = parse("telegram/message_private_text.json").events

    assert isinstance(message, ChatMessageReceived)
    assert message.chat.chat_type == "private"
    assert message.command == "/start"


def test_real_supergroup_command_with_unknown_nested_fields_parses() -> None:
    inbound = parse("telegram/message_supergroup_command_real.json")

    (message,) = inbound.events
    assert isinstance(message, ChatMessageReceived)
    assert message.command == "/report"
    assert message.chat.thread_id == "134545"
    assert message.reply_to == "134545"
    assert inbound.dedupe_key == "update:439432600"


def test_new_chat_members_is_one_join_despite_legacy_fields() -> None:
    (joined,) = parse("telegram/new_chat_members.json").events

    assert isinstance(joined, ChatMemberJoinedGroup)
    assert joined.member.platform_user_id == "55"
    assert joined.chat.platform_chat_id == "-217850512"
    assert joined.inviter is not None
    assert joined.inviter.platform_user_id == "1111111"


def test_left_chat_member_is_a_leave() -> None:
    (left,) = parse("telegram/left_chat_member.json").events

    assert isinstance(left, ChatMemberLeftGroup)
    assert left.member.platform_user_id == "55"
    assert left.removed_by is None


def test_a_bot_removed_by_someone_is_a_leave_with_remover() -> None:
    (left,) = parse("telegram/left_chat_member_bot_real.json").events

    assert isinstance(left, ChatMemberLeftGroup)
    assert (left.member.platform_user_id, left.member.is_bot) == ("136508315", True)
    assert left.removed_by is not None
    assert left.removed_by.platform_user_id == "97201077"


def test_photo_uses_the_largest_size_and_the_caption_as_text() -> None:
    (message,) = parse("telegram/photo_caption.json").events

    assert isinstance(message, ChatMessageReceived)
    assert message.text == "photo description"
    assert [m.kind for m in message.media] == ["image"]
    assert message.media[0].ref == load("telegram/photo_caption.json")["message"]["photo"][-1]["file_id"]


def test_edited_message_is_an_edit_not_a_new_message() -> None:
    (message,) = parse("telegram/edited_message.json").events

    assert isinstance(message, ChatMessageReceived)
    assert message.edit_of == "1365"
    assert message.text == "Edited text"


def test_callback_query_without_chat_instance_is_acknowledged_and_ignored() -> None:
    inbound = parse("telegram/callback_query.json")

    assert not inbound.events
    assert inbound.reply.status == 200
