"""Discord: Ed25519 vectors (RFC 8032 key), PING, commands, and Gateway dispatches through the relay."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from contracts.chat import ChatMemberJoinedGroup, ChatMemberLeftGroup, ChatMessageReceived, ChatReactionAdded
from gateway import standard_webhooks
from gateway.connectors.base import WebhookRejected
from gateway.connectors.discord import DiscordConnector
from tests.support.webhooks import at, connection, load, raw, request

CONNECTOR = DiscordConnector(api_url="http://discord.invalid")
VECTORS = load("discord/signature_vectors.json")
RELAY_SECRET = "whsec_" + "cmVsYXktc2VjcmV0LWZvci10ZXN0cy0zMi1ieXRlcyE="
CREDENTIALS = {"public_key": VECTORS["public_key_hex"], "relay_secret": RELAY_SECRET}
NOW = at(1_700_000_000)


def by_file(name: str) -> dict[str, object]:
    vector: dict[str, object] = next(v for v in VECTORS["vectors"] if v["payload_file"] == name)
    return vector


def parse_signed(name: str):
    vector = by_file(name)
    delivery = request(str(vector["raw_body"]), headers=dict(vector["headers"]))  # type: ignore[call-overload]
    return CONNECTOR.parse(CONNECTOR.verify(delivery, CREDENTIALS, now=NOW), connection=connection("discord"))


def relayed(name: str, *, body: bytes | None = None, msg_id: str | None = None):
    body = raw(name) if body is None else body
    msg_id = msg_id or f"msg_{name}"
    timestamp = int(NOW.timestamp())
    headers = {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": standard_webhooks.sign(RELAY_SECRET, msg_id=msg_id, timestamp=timestamp, body=body),
    }
    return CONNECTOR.parse(
        CONNECTOR.verify(request(body, headers=headers), CREDENTIALS, now=NOW), connection=connection("discord")
    )


def test_the_rfc8032_key_and_signature_are_what_we_verify_with() -> None:
    key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(VECTORS["public_key_hex"]))

    key.verify(bytes.fromhex(VECTORS["rfc8032_test1"]["signature_hex"]), b"")


def test_ping_answers_pong() -> None:
    inbound = parse_signed("discord/interaction_ping.json")

    assert json.loads(inbound.reply.body) == {"type": 1}
    assert inbound.reply.media_type == "application/json"
    assert not inbound.events


def test_minimal_command_is_acknowledged_with_a_deferred_response() -> None:
    inbound = parse_signed("discord/interaction_application_command_sdk.json")

    assert json.loads(inbound.reply.body)["type"] in (4, 5)
    assert inbound.dedupe_key == "interaction:787053080478613556"


def test_guild_slash_command_is_a_command_of_the_member_in_the_guild() -> None:
    inbound = parse_signed("discord/interaction_application_command.json")

    (command,) = inbound.events
    assert isinstance(command, ChatMessageReceived)
    assert command.command == "/cardsearch"
    assert command.command_args == "cardname=The Gitrog Monster"
    assert command.chat.platform_chat_id == "290926798626357999"
    assert command.chat.thread_id == "645027906669510667"
    assert command.sender.platform_user_id == "53908232506183680"
    assert json.loads(inbound.reply.body)["type"] in (4, 5)


@pytest.mark.parametrize("case", VECTORS["negative_cases"], ids=lambda case: case["name"])
def test_negative_cases_are_rejected_never_crash(case: dict[str, object]) -> None:
    delivery = request(str(case["raw_body"]), headers=dict(case["headers"]))  # type: ignore[call-overload]

    with pytest.raises(WebhookRejected) as raised:
        CONNECTOR.verify(delivery, CREDENTIALS, now=NOW)
    assert raised.value.status == 401


def test_a_wrong_length_signature_is_rejected() -> None:
    vector = by_file("discord/interaction_ping.json")
    headers = {**dict(vector["headers"]), "X-Signature-Ed25519": "ab" * 10}  # type: ignore[call-overload]

    with pytest.raises(WebhookRejected):
        CONNECTOR.verify(request(str(vector["raw_body"]), headers=headers), CREDENTIALS, now=NOW)


def test_relayed_guild_member_add_is_a_join_in_the_guild() -> None:
    inbound = relayed("discord/gateway_guild_member_add.json")

    (joined,) = inbound.events
    assert isinstance(joined, ChatMemberJoinedGroup)
    assert (joined.member.platform_user_id, joined.chat.platform_chat_id) == ("80351110224678912", "290926798626357999")


@pytest.mark.parametrize(
    ("name", "text", "key"),
    [
        ("discord/gateway_message_create.json", "Supa Hot", "message:334385199974967042"),
        ("discord/gateway_message_create_checkin.json", "打卡", "message:334385199974967043"),
    ],
)
def test_relayed_message_create_is_a_message_in_a_channel_of_the_guild(name: str, text: str, key: str) -> None:
    inbound = relayed(name)

    (message,) = inbound.events
    assert isinstance(message, ChatMessageReceived)
    assert message.text == text
    assert message.sender.platform_user_id == "53908099506183680"
    assert message.chat.thread_id == "290926798999357250"
    assert inbound.dedupe_key == key


def test_a_gateway_dispatch_without_a_relay_signature_is_rejected() -> None:
    with pytest.raises(WebhookRejected):
        CONNECTOR.verify(request(raw("discord/gateway_message_create.json")), CREDENTIALS, now=NOW)


REMOVE = json.dumps(
    {"op": 0, "t": "GUILD_MEMBER_REMOVE", "d": {"guild_id": "290926798626357999", "user": {"id": "80351110224678912"}}}
).encode()


def test_a_relayed_removal_happens_when_the_relay_forwarded_it_and_each_forwarding_is_new() -> None:
    first = relayed("remove", body=REMOVE, msg_id="msg_remove_1")
    redelivered = relayed("remove", body=REMOVE, msg_id="msg_remove_1")
    later = relayed("remove", body=REMOVE, msg_id="msg_remove_2")  # left again after coming back

    (left,) = first.events
    assert isinstance(left, ChatMemberLeftGroup)
    assert left.left_at == NOW
    assert redelivered.dedupe_key == first.dedupe_key
    assert later.dedupe_key != first.dedupe_key


def test_a_relayed_reaction_happens_when_the_relay_forwarded_it() -> None:
    data = {"guild_id": "1", "channel_id": "2", "message_id": "3", "user_id": "4", "emoji": {"name": "🔥"}}
    body = json.dumps({"op": 0, "t": "MESSAGE_REACTION_ADD", "d": data}).encode()

    (reaction,) = relayed("reaction", body=body).events

    assert isinstance(reaction, ChatReactionAdded)
    assert reaction.reacted_at == NOW
