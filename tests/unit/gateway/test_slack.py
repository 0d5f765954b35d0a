"""Slack: the official and generated signature vectors, the 300 s window, every payload."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timedelta

import pytest

from contracts.chat import ChatMemberJoinedGroup, ChatMemberLeftGroup, ChatMessageReceived
from gateway.connectors.base import WebhookRejected
from gateway.connectors.slack import FORM, SlackConnector
from tests.support.webhooks import at, connection, load, raw, request

CONNECTOR = SlackConnector(api_url="http://slack.invalid")
OFFICIAL = load("slack/signature_vector_official.json")
GENERATED = load("slack/signature_vectors_generated.json")
CREDENTIALS = {"signing_secret": OFFICIAL["signing_secret"]}
NOW = at(OFFICIAL["now_for_test"])
NOW_TEXT = str(OFFICIAL["now_for_test"])


def signed(vector: dict[str, str]):
    return request(
        vector["raw_body"],
        headers={"X-Slack-Request-Timestamp": vector["timestamp"], "X-Slack-Signature": vector["signature"]},
    )


def by_file(name: str) -> dict[str, str]:
    """The generated vector of ``name``; payloads without one (the bolt samples) are signed here."""
    found = [v for v in GENERATED["vectors"] if v["payload_file"] == name]
    if found:
        return dict(found[0])
    body = raw(name).decode()
    digest = hmac.new(CREDENTIALS["signing_secret"].encode(), f"v0:{NOW_TEXT}:{body}".encode(), hashlib.sha256)
    return {"raw_body": body, "timestamp": NOW_TEXT, "signature": "v0=" + digest.hexdigest()}


def parse(name: str):
    document = CONNECTOR.verify(signed(by_file(name)), CREDENTIALS, now=NOW)
    return CONNECTOR.parse(document, connection=connection("slack"))


def test_the_official_vector_verifies_with_the_clock_frozen() -> None:
    delivery = request(OFFICIAL["raw_body"], headers=OFFICIAL["headers"], content_type=FORM)

    document = CONNECTOR.verify(delivery, CREDENTIALS, now=NOW)
    inbound = CONNECTOR.parse(document, connection=connection("slack"))

    (command,) = inbound.events
    assert isinstance(command, ChatMessageReceived)
    assert command.command == "/webhook-collect"
    assert command.chat.platform_chat_id == "G8PSS9T3V"
    assert inbound.dedupe_key is not None
    assert inbound.dedupe_key.startswith("command:398738663015")


def test_the_official_vector_is_stale_by_a_real_clock_and_just_past_the_window() -> None:
    delivery = request(OFFICIAL["raw_body"], headers=OFFICIAL["headers"], content_type=FORM)

    with pytest.raises(WebhookRejected, match="300"):
        CONNECTOR.verify(delivery, CREDENTIALS, now=at(1_800_000_000))
    with pytest.raises(WebhookRejected, match="300"):
        CONNECTOR.verify(delivery, CREDENTIALS, now=NOW + timedelta(seconds=301))
    assert CONNECTOR.verify(delivery, CREDENTIALS, now=NOW + timedelta(seconds=300))


def test_a_tampered_body_is_rejected() -> None:
    tampered = OFFICIAL["negative_cases"][0]

    with pytest.raises(WebhookRejected, match="mismatch"):
        CONNECTOR.verify(
            request(tampered["raw_body"], headers=tampered["headers"], content_type=FORM), CREDENTIALS, now=NOW
        )


@pytest.mark.parametrize("missing", ["X-Slack-Signature", "X-Slack-Request-Timestamp"])
def test_a_missing_header_is_rejected(missing: str) -> None:
    headers = {k: v for k, v in OFFICIAL["headers"].items() if k != missing}

    with pytest.raises(WebhookRejected):
        CONNECTOR.verify(request(OFFICIAL["raw_body"], headers=headers, content_type=FORM), CREDENTIALS, now=NOW)


@pytest.mark.parametrize("vector", GENERATED["vectors"], ids=lambda v: v["payload_file"])
def test_every_generated_vector_verifies_over_its_raw_bytes_and_not_a_reserialization(vector: dict[str, str]) -> None:
    document = CONNECTOR.verify(signed(vector), CREDENTIALS, now=NOW)
    reserialized = json.dumps(json.loads(vector["raw_body"]), indent=1).encode()

    assert document == json.loads(vector["raw_body"])
    with pytest.raises(WebhookRejected):
        CONNECTOR.verify(request(reserialized, headers=signed(vector).headers), CREDENTIALS, now=NOW)
    with pytest.raises(WebhookRejected):
        CONNECTOR.verify(signed(vector), {"signing_secret": "another"}, now=NOW)


def test_url_verification_answers_the_challenge() -> None:
    inbound = parse("slack/url_verification.json")

    assert not inbound.events
    assert json.loads(inbound.reply.body) == {"challenge": load("slack/url_verification.json")["challenge"]}


def test_channel_message_is_a_message() -> None:
    inbound = parse("slack/event_message_channels.json")

    (message,) = inbound.events
    assert isinstance(message, ChatMessageReceived)
    assert (message.chat.platform_chat_id, message.sender.platform_user_id) == ("C123ABC456", "U123ABC456")
    assert message.text == "Live long and prospect."
    assert inbound.dedupe_key == "message:C123ABC456:" + load("slack/event_message_channels.json")["event"]["ts"]


def test_checkin_message_has_its_own_event_id() -> None:
    inbound = parse("slack/event_message_channels_checkin.json")

    (message,) = inbound.events
    assert isinstance(message, ChatMessageReceived)
    assert message.text == "打卡"
    assert (
        inbound.dedupe_key == "message:C123ABC456:" + load("slack/event_message_channels_checkin.json")["event"]["ts"]
    )


@pytest.mark.parametrize(
    ("name", "user", "channel"),
    [
        ("slack/event_member_joined_channel.json", "W123ABC456", "C123ABC456"),
        ("slack/event_member_joined_channel_bolt.json", "U999", "C111"),
    ],
)
def test_member_joined_channel_is_a_join(name: str, user: str, channel: str) -> None:
    (joined,) = parse(name).events

    assert isinstance(joined, ChatMemberJoinedGroup)
    assert (joined.member.platform_user_id, joined.chat.platform_chat_id) == (user, channel)
    assert joined.inviter is not None


def test_member_left_channel_is_a_leave() -> None:
    (left,) = parse("slack/event_member_left_channel_bolt.json").events

    assert isinstance(left, ChatMemberLeftGroup)
    assert (left.member.platform_user_id, left.chat.platform_chat_id) == ("U999", "C111")


def test_app_mention_is_a_message_with_the_mention() -> None:
    (message,) = parse("slack/event_app_mention.json").events

    assert isinstance(message, ChatMessageReceived)
    assert message.mentions == ["U0LAN0Z89"]
    assert message.sender.platform_user_id == "U061F7AUR"


def test_an_unknown_event_type_is_acknowledged_with_nothing_to_publish() -> None:
    document = {"type": "event_callback", "event_id": "Ev9", "event": {"type": "emoji_changed", "subtype": "add"}}

    inbound = CONNECTOR.parse(document, connection=connection("slack"))

    assert not inbound.events
    assert inbound.reply.status == 200


def test_a_message_that_mentions_the_app_is_one_message_under_both_of_its_events() -> None:
    mention = load("slack/event_app_mention.json")
    as_message = {**mention, "event_id": "Ev_message", "event": {**mention["event"], "type": "message"}}
    later = {**as_message, "event_id": "Ev_later", "event": {**as_message["event"], "ts": "1515449599.000001"}}
    edit = {**as_message, "event_id": "Ev_edit", "event": {**as_message["event"], "subtype": "message_changed"}}

    keys = [CONNECTOR.parse(d, connection=connection("slack")).dedupe_key for d in (mention, as_message, later, edit)]

    assert keys[0] == keys[1] == "message:C123ABC456:1515449522.000016"
    assert keys[2] == "message:C123ABC456:1515449599.000001"
    assert keys[3] == "event:Ev_edit"
