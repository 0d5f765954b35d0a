"""Feishu: decryption and signature vectors, the token check, url_verification (plain and encrypted), events."""

from __future__ import annotations

import json

import pytest

from contracts.chat import ChatMemberJoinedGroup, ChatMessageReceived
from gateway.connectors.base import WebhookRejected
from gateway.connectors.feishu import FeishuConnector, decrypt
from tests.support.webhooks import at, connection, load, raw, request

CONNECTOR = FeishuConnector(api_url="http://feishu.invalid")
VECTORS = load("feishu/crypto_vectors.json")
NOW = at(1_708_251_700)
MASKED_TOKEN = "CAkC****1Fk5J"


def parse_plain(name: str, token: str = MASKED_TOKEN):
    document = CONNECTOR.verify(request(raw(name)), {"verification_token": token}, now=NOW)
    return CONNECTOR.parse(document, connection=connection("feishu"))


@pytest.mark.parametrize("vector", VECTORS["decrypt_vectors"], ids=lambda v: v["name"])
def test_decrypt_vectors(vector: dict[str, str]) -> None:
    if "plaintext" in vector:
        assert decrypt(vector["encrypt_key"], vector["encrypt"]).decode() == vector["plaintext"]
    else:
        with pytest.raises(ValueError, match=r"encrypt|padding|Invalid"):
            decrypt(vector["encrypt_key"], vector["encrypt"])


def test_the_sdk_encrypted_body_opens_to_a_schema_2_body_with_token_v() -> None:
    document = CONNECTOR.verify(
        request(raw("feishu/encrypted_body_sdk.json")),
        {"verification_token": "v", "encrypt_key": "1212121212"},
        now=NOW,
    )

    assert document["schema"] == "2.0"
    assert document["header"]["token"] == "v"


@pytest.mark.parametrize("vector", VECTORS["signature_vectors"], ids=lambda v: v["name"])
def test_signature_vectors(vector: dict[str, object]) -> None:
    delivery = request(str(vector["raw_body"]), headers=dict(vector["headers"]))  # type: ignore[call-overload]
    credentials = {"verification_token": "v", "encrypt_key": str(vector["encrypt_key"])}

    if "expect" in vector:
        with pytest.raises(WebhookRejected, match="Signature"):
            CONNECTOR.verify(delivery, credentials, now=NOW)
    else:
        assert CONNECTOR.verify(delivery, credentials, now=NOW)["header"]["token"] == "v"


def test_encrypted_and_signed_checkin_end_to_end() -> None:
    vector = VECTORS["end_to_end_generated"][0]
    credentials = {
        "verification_token": vector["verification_token_in_plaintext"],
        "encrypt_key": vector["encrypt_key"],
    }

    document = CONNECTOR.verify(
        request(vector["raw_body"], headers=vector["headers"]), credentials, now=at(vector["now_for_test"])
    )
    inbound = CONNECTOR.parse(document, connection=connection("feishu"))

    (message,) = inbound.events
    assert isinstance(message, ChatMessageReceived)
    assert message.text == "打卡"
    assert inbound.dedupe_key == f"message:{message.platform_message_id}"
    tampered = {**vector["headers"], "X-Lark-Request-Nonce": "other"}
    with pytest.raises(WebhookRejected):
        CONNECTOR.verify(request(vector["raw_body"], headers=tampered), credentials, now=NOW)
    unsigned = {"Content-Type": "application/json"}
    with pytest.raises(WebhookRejected, match="required"):
        CONNECTOR.verify(request(vector["raw_body"], headers=unsigned), credentials, now=NOW)


def test_encrypted_url_verification_answers_the_challenge_without_signature_headers() -> None:
    vector = VECTORS["end_to_end_generated"][1]
    token = load(vector["decrypted_payload_file"])["token"]

    document = CONNECTOR.verify(
        request(vector["raw_body"]), {"verification_token": token, "encrypt_key": vector["encrypt_key"]}, now=NOW
    )
    inbound = CONNECTOR.parse(document, connection=connection("feishu"))

    assert json.loads(inbound.reply.body) == vector["expected_response"]


def test_encrypted_body_with_a_wrong_key_or_no_key_is_rejected() -> None:
    vector = VECTORS["end_to_end_generated"][1]

    with pytest.raises(WebhookRejected):
        CONNECTOR.verify(request(vector["raw_body"]), {"verification_token": "x", "encrypt_key": "other key"}, now=NOW)
    with pytest.raises(WebhookRejected):
        CONNECTOR.verify(request(vector["raw_body"]), {"verification_token": "x"}, now=NOW)


def test_plain_url_verification_needs_the_right_token() -> None:
    fixture = load("feishu/url_verification.json")

    inbound = parse_plain("feishu/url_verification.json", token=fixture["token"])

    assert json.loads(inbound.reply.body) == {"challenge": "3aa29899-c46f-4b99-85fe-72689474a4b5"}
    with pytest.raises(WebhookRejected, match="token"):
        parse_plain("feishu/url_verification.json", token="another-token")


def test_group_text_content_is_parsed_a_second_time_and_read_as_a_command() -> None:
    inbound = parse_plain("feishu/message_receive_group_text.json")

    (message,) = inbound.events
    assert isinstance(message, ChatMessageReceived)
    assert message.text == "/say 12345"
    assert (message.command, message.command_args) == ("/say", "12345")
    assert message.chat.platform_chat_id == "oc_b5fc2808***5970"
    assert inbound.dedupe_key == f"message:{message.platform_message_id}"


def test_one_message_pushed_under_two_event_ids_has_one_dedupe_key_and_a_join_keeps_its_event_id() -> None:
    fixture = load("feishu/message_receive_group_text.json")
    again = {**fixture, "header": {**fixture["header"], "event_id": "another-event-id"}}

    keys = [CONNECTOR.parse(document, connection=connection("feishu")).dedupe_key for document in (fixture, again)]
    joined = CONNECTOR.parse(load("feishu/chat_member_user_added.json"), connection=connection("feishu"))

    assert keys[0] == keys[1] == f"message:{fixture['event']['message']['message_id']}"
    assert joined.dedupe_key == f"event:{load('feishu/chat_member_user_added.json')['header']['event_id']}"


def test_mention_placeholders_resolve_through_mentions() -> None:
    (message,) = parse_plain("feishu/message_receive_group_mention.json", token="CAkC****k5J").events

    assert isinstance(message, ChatMessageReceived)
    assert message.text == "@bot /say 34567"
    assert message.mentions == ["open_id"]
    assert message.command == "/say"


def test_checkin_text() -> None:
    (message,) = parse_plain("feishu/message_receive_group_checkin.json").events

    assert isinstance(message, ChatMessageReceived)
    assert message.text == "打卡"
    assert message.command is None


def test_member_added_is_a_join_with_the_operator_as_inviter() -> None:
    inbound = parse_plain("feishu/chat_member_user_added.json", token="rvaYgkND1GOiu5MM0E1rncYC6PLtF7JV")

    (joined,) = inbound.events
    assert isinstance(joined, ChatMemberJoinedGroup)
    assert joined.member.platform_user_id == "ou_5df8b925054285f7166bf8b6ff03341f"
    assert joined.chat.platform_chat_id == "oc_413871888e0d5492e25b173f0812efb7"
    assert joined.inviter is not None
    assert joined.inviter.platform_user_id == "ou_84aad35d084aa403a838cf73ee18467"
