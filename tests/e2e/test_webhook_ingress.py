"""Webhook ingress through real HTTP on both backends: one verified delivery is one ``chat.*`` outbox event,
a redelivery is none, a bad signature is a 401 that stores nothing; handshakes, windows and bad bodies."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from prometheus_client import REGISTRY

from gateway import standard_webhooks
from guildhall.embedded import EmbeddedGuildhall
from kit.clock import ManualClock
from tests.support.connections import chat_events, create_connection, processed_count
from tests.support.factories import create_community
from tests.support.guildhall import GraphQL
from tests.support.webhooks import at, load, raw

GENERIC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
OTHER_SECRET = "whsec_" + "b3RoZXItc2VjcmV0LW90aGVyLXNlY3JldA=="


@dataclass
class Delivery:
    platform: str
    credentials: dict[str, str]
    wrong_credentials: dict[str, str]
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"
    now: float | None = None  # seconds; None: the real clock
    event_type: str = "chat.message_received"
    text: str = "打卡"

    def http_headers(self) -> dict[str, str]:
        return {"content-type": self.content_type, **self.headers}


def _slack() -> Delivery:
    vectors = load("slack/signature_vectors_generated.json")
    vector = next(v for v in vectors["vectors"] if v["payload_file"] == "slack/event_message_channels_checkin.json")
    headers = {"X-Slack-Request-Timestamp": vector["timestamp"], "X-Slack-Signature": vector["signature"]}
    secret = vectors["signing_secret"]
    return Delivery(
        "slack",
        {"signing_secret": secret},
        {"signing_secret": "x" + secret},
        vector["raw_body"].encode(),
        headers,
        now=vectors["now_for_test"],
    )


def _discord() -> Delivery:
    vectors = load("discord/signature_vectors.json")
    vector = next(v for v in vectors["vectors"] if v["payload_file"] == "discord/interaction_application_command.json")
    wrong = "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"  # RFC 8032 TEST 2's public key
    return Delivery(
        "discord",
        {"public_key": vectors["public_key_hex"]},
        {"public_key": wrong},
        vector["raw_body"].encode(),
        vector["headers"],
        text="/cardsearch cardname=The Gitrog Monster",
    )


def _feishu() -> Delivery:
    vector = load("feishu/crypto_vectors.json")["end_to_end_generated"][0]
    credentials = {
        "verification_token": vector["verification_token_in_plaintext"],
        "encrypt_key": vector["encrypt_key"],
    }
    headers = {k: v for k, v in vector["headers"].items() if k != "Content-Type"}
    return Delivery(
        "feishu",
        credentials,
        {**credentials, "encrypt_key": "other key"},
        vector["raw_body"].encode(),
        headers,
        now=vector["now_for_test"],
    )


def _wecom() -> Delivery:
    fixture = load("wecom/message_text_checkin_post.json")
    wrong = {**fixture["config"], "token": "another-token"}
    return Delivery(
        "wecom", fixture["config"], wrong, fixture["raw_body"].encode(), query=fixture["query"], content_type="text/xml"
    )


def _dingtalk() -> Delivery:
    vectors = load("dingtalk/signature_vectors.json")
    vector = next(v for v in vectors["vectors"] if v["name"] == "valid, check-in")
    headers = {k: v for k, v in vector["headers"].items() if k != "Content-Type"}
    secret = {"app_secret": vectors["app_secret"]}
    return Delivery(
        "dingtalk",
        secret,
        {"app_secret": "other"},
        raw(vector["body_file"]),
        headers,
        now=vector["now_ms_for_test"] / 1000,
    )


def _telegram() -> Delivery:
    cases = load("telegram/secret_token_cases.json")
    credentials = {"bot_token": "123:abc", "secret_token": cases["configured_secret_token"]}
    headers = {"X-Telegram-Bot-Api-Secret-Token": cases["configured_secret_token"]}
    return Delivery(
        "telegram", credentials, {**credentials, "secret_token": "NotTheSecretToken"}, raw(cases["body_file"]), headers
    )


def _generic() -> Delivery:
    payload = {
        "type": "chat.message_received",
        "data": {
            "chat": {"platform": "generic", "connection_id": "x", "platform_chat_id": "room-1"},
            "platform_message_id": "m-1",
            "sender": {"platform_user_id": "u-1"},
            "text": "打卡",
            "sent_at": "2026-01-01T00:00:00Z",
        },
    }
    body = json.dumps(payload).encode()
    signature = standard_webhooks.sign(GENERIC_SECRET, msg_id="msg_1", timestamp=1_700_000_000, body=body)
    headers = {"webhook-id": "msg_1", "webhook-timestamp": "1700000000", "webhook-signature": signature}
    return Delivery("generic", {"secret": GENERIC_SECRET}, {"secret": OTHER_SECRET}, body, headers, now=1_700_000_000)


DELIVERIES = {d.platform: d for d in (_telegram(), _slack(), _discord(), _feishu(), _wecom(), _dingtalk(), _generic())}


async def connect(
    admin: GraphQL, guildhall: EmbeddedGuildhall, delivery: Delivery, *, wrong: bool = False
) -> tuple[str, str]:
    """A community with a connection for ``delivery``'s platform, its clock frozen where the delivery needs it."""
    community = await create_community(admin)
    credentials = delivery.wrong_credentials if wrong else delivery.credentials
    connection = await create_connection(admin, community["id"], delivery.platform, credentials)
    if delivery.now is not None:
        assert guildhall.gateway is not None
        guildhall.gateway.state.clocks.set(community["id"], ManualClock(at(delivery.now)))
    return community["id"], connection["webhookPath"]


async def post(guildhall: EmbeddedGuildhall, path: str, delivery: Delivery, **overrides: Any) -> Any:
    async with guildhall.client() as http:
        return await http.post(
            path,
            content=overrides.get("body", delivery.body),
            headers=overrides.get("headers", delivery.http_headers()),
            params=overrides.get("query", delivery.query),
        )


@pytest.mark.parametrize("platform", DELIVERIES)
async def test_a_verified_delivery_is_one_chat_event_and_its_redelivery_none(
    admin: GraphQL, guildhall: EmbeddedGuildhall, platform: str
) -> None:
    delivery = DELIVERIES[platform]
    community_id, path = await connect(admin, guildhall, delivery)

    first = await post(guildhall, path, delivery)
    again = await post(guildhall, path, delivery, headers={**delivery.http_headers(), "X-Slack-Retry-Num": "1"})

    assert first.status_code == 200, first.text
    assert again.status_code == 200, again.text
    (event,) = await chat_events(guildhall)
    assert event["type"] == delivery.event_type
    assert event["community_id"] == community_id
    assert event["producer"] == "gateway"
    assert event["data"]["text"] == delivery.text
    assert event["data"]["chat"]["platform"] == platform
    assert await processed_count(guildhall) == 1


def _webhook_requests(status: str) -> float:
    labels = {"service": "gateway", "method": "POST", "route": "/webhooks/{platform}/{connection_id}", "status": status}
    return REGISTRY.get_sample_value("guildhall_http_requests_total", labels) or 0.0


async def test_a_delivery_keeps_its_request_id_and_is_counted_under_the_route(
    admin: GraphQL, guildhall: EmbeddedGuildhall
) -> None:
    delivery = DELIVERIES["telegram"]
    _, path = await connect(admin, guildhall, delivery)
    accepted, refused = _webhook_requests("200"), _webhook_requests("415")

    response = await post(guildhall, path, delivery, headers={**delivery.http_headers(), "X-Request-ID": "req_abc"})
    wrong_type = await post(guildhall, path, delivery, headers={"content-type": "text/plain"})
    async with guildhall.client() as http:
        put = await http.put(path, content=delivery.body, headers=delivery.http_headers())

    assert response.status_code == 200
    assert response.headers["x-request-id"] == "req_abc"
    assert wrong_type.status_code == 415
    assert (put.status_code, put.json()["detail"]) == (405, "telegram: POST only")
    assert wrong_type.headers["x-request-id"].startswith("req_")
    (event,) = await chat_events(guildhall)
    assert event["trace"] == "req_abc"
    assert (_webhook_requests("200"), _webhook_requests("415")) == (accepted + 1, refused + 1)


@pytest.mark.parametrize("platform", DELIVERIES)
async def test_a_delivery_signed_with_other_credentials_is_401_and_stores_nothing(
    admin: GraphQL, guildhall: EmbeddedGuildhall, platform: str
) -> None:
    delivery = DELIVERIES[platform]
    _, path = await connect(admin, guildhall, delivery, wrong=True)

    response = await post(guildhall, path, delivery)

    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "webhook_unauthenticated"
    assert await chat_events(guildhall) == []
    assert await processed_count(guildhall) == 0


@pytest.mark.parametrize("platform", ["slack", "dingtalk", "generic"])
async def test_a_signed_delivery_is_stale_by_the_real_clock(
    admin: GraphQL, guildhall: EmbeddedGuildhall, platform: str
) -> None:
    delivery = DELIVERIES[platform]
    community_id, path = await connect(admin, guildhall, delivery)
    assert guildhall.gateway is not None
    guildhall.gateway.state.clocks.set(community_id, ManualClock(at(delivery.now or 0) + timedelta(hours=2)))

    response = await post(guildhall, path, delivery)

    assert response.status_code == 401
    assert "window" in response.json()["detail"]
    assert await chat_events(guildhall) == []


async def test_concurrent_redeliveries_publish_one_event(admin: GraphQL, guildhall: EmbeddedGuildhall) -> None:
    delivery = DELIVERIES["telegram"]
    _, path = await connect(admin, guildhall, delivery)

    responses = await asyncio.gather(*(post(guildhall, path, delivery) for _ in range(8)))

    assert [r.status_code for r in responses] == [200] * 8
    assert len(await chat_events(guildhall)) == 1


async def test_a_join_with_legacy_fields_is_one_join_event(admin: GraphQL, guildhall: EmbeddedGuildhall) -> None:
    delivery = DELIVERIES["telegram"]
    _, path = await connect(admin, guildhall, delivery)

    response = await post(guildhall, path, delivery, body=raw("telegram/new_chat_members.json"))

    assert response.status_code == 200
    (event,) = await chat_events(guildhall)
    assert event["type"] == "chat.member_joined_group"
    assert event["data"]["member"]["platform_user_id"] == "55"


async def test_unknown_update_types_are_acknowledged_and_store_nothing(
    admin: GraphQL, guildhall: EmbeddedGuildhall
) -> None:
    delivery = DELIVERIES["telegram"]
    _, path = await connect(admin, guildhall, delivery)

    callback = await post(guildhall, path, delivery, body=raw("telegram/callback_query.json"))
    novel = await post(guildhall, path, delivery, body=b'{"update_id": 7, "business_connection": {"id": "x"}}')

    assert (callback.status_code, novel.status_code) == (200, 200)
    assert await chat_events(guildhall) == []


# Handshakes: answered exactly, nothing stored.


async def test_slack_url_verification_answers_the_challenge(admin: GraphQL, guildhall: EmbeddedGuildhall) -> None:
    vectors = load("slack/signature_vectors_generated.json")
    vector = vectors["vectors"][0]
    delivery = DELIVERIES["slack"]
    _, path = await connect(admin, guildhall, delivery)

    headers = {
        "content-type": "application/json",
        "X-Slack-Request-Timestamp": vector["timestamp"],
        "X-Slack-Signature": vector["signature"],
    }
    response = await post(guildhall, path, delivery, body=vector["raw_body"].encode(), headers=headers)

    assert response.status_code == 200
    assert response.json() == {"challenge": load("slack/url_verification.json")["challenge"]}
    assert await chat_events(guildhall) == []


async def test_discord_ping_answers_pong_and_a_bad_signature_401(admin: GraphQL, guildhall: EmbeddedGuildhall) -> None:
    vectors = load("discord/signature_vectors.json")
    ping = vectors["vectors"][0]
    delivery = DELIVERIES["discord"]
    _, path = await connect(admin, guildhall, delivery)

    pong = await post(
        guildhall,
        path,
        delivery,
        body=ping["raw_body"].encode(),
        headers={"content-type": "application/json", **ping["headers"]},
    )
    statuses = []
    for case in vectors["negative_cases"]:
        bad = await post(
            guildhall,
            path,
            delivery,
            body=case["raw_body"].encode(),
            headers={"content-type": "application/json", **case["headers"]},
        )
        statuses.append(bad.status_code)

    assert pong.status_code == 200
    assert pong.headers["content-type"] == "application/json"
    assert pong.json() == {"type": 1}
    assert statuses == [401] * len(vectors["negative_cases"])


async def test_feishu_encrypted_url_verification_answers_the_challenge(
    admin: GraphQL, guildhall: EmbeddedGuildhall
) -> None:
    vector = load("feishu/crypto_vectors.json")["end_to_end_generated"][1]
    token = load("feishu/url_verification.json")["token"]
    delivery = Delivery(
        "feishu", {"verification_token": token, "encrypt_key": vector["encrypt_key"]}, {}, vector["raw_body"].encode()
    )
    _, path = await connect(admin, guildhall, delivery)

    response = await post(guildhall, path, delivery)

    assert response.status_code == 200
    assert response.json() == vector["expected_response"]
    assert await chat_events(guildhall) == []


async def test_wecom_get_handshake_echoes_the_plaintext_exactly(admin: GraphQL, guildhall: EmbeddedGuildhall) -> None:
    fixture = load("wecom/url_verify_get.json")
    _, path = await connect(admin, guildhall, DELIVERIES["wecom"])

    async with guildhall.client() as http:
        response = await http.get(path, params=fixture["query"])  # httpx encodes + / = as the platform does
        wrong = await http.get(path, params={**fixture["query"], "nonce": "1"})

    assert response.status_code == 200
    assert response.content == fixture["expected_response_body"].encode()
    assert wrong.status_code == 401


# Bodies we refuse before anything else.


async def test_oversized_bodies_are_413(admin: GraphQL, guildhall: EmbeddedGuildhall) -> None:
    delivery = DELIVERIES["telegram"]
    _, path = await connect(admin, guildhall, delivery)
    limit = guildhall.gateway_settings.webhook_max_body_bytes

    response = await post(guildhall, path, delivery, body=b"{" + b" " * limit + b"}")

    assert response.status_code == 413
    assert await chat_events(guildhall) == []


async def test_wrong_content_type_is_415_and_malformed_json_400(admin: GraphQL, guildhall: EmbeddedGuildhall) -> None:
    delivery = DELIVERIES["telegram"]
    _, path = await connect(admin, guildhall, delivery)

    form = await post(guildhall, path, delivery, headers={**delivery.http_headers(), "content-type": "text/plain"})
    broken = await post(guildhall, path, delivery, body=b'{"update_id": 1, "message": ')
    array = await post(guildhall, path, delivery, body=b"[1, 2]")

    assert form.status_code == 415
    assert (broken.status_code, broken.json()["code"]) == (400, "malformed_webhook")
    assert array.status_code == 400
    assert await chat_events(guildhall) == []


async def test_xml_bombs_are_400(admin: GraphQL, guildhall: EmbeddedGuildhall) -> None:
    delivery = DELIVERIES["wecom"]
    _, path = await connect(admin, guildhall, delivery)
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE b [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><xml><Encrypt>&c;</Encrypt></xml>'
    )

    response = await post(guildhall, path, delivery, body=bomb.encode())

    assert response.status_code == 400
    assert await chat_events(guildhall) == []


async def test_unknown_platform_connection_or_a_connection_of_another_platform_is_404(
    admin: GraphQL, guildhall: EmbeddedGuildhall
) -> None:
    delivery = DELIVERIES["telegram"]
    _, path = await connect(admin, guildhall, delivery)
    connection_id = path.rsplit("/", 1)[1]

    responses = [
        await post(guildhall, f"/webhooks/myspace/{connection_id}", delivery),
        await post(guildhall, "/webhooks/telegram/conn_00000000000000000000000000", delivery),
        await post(guildhall, f"/webhooks/slack/{connection_id}", delivery),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404]
    assert await chat_events(guildhall) == []


async def test_a_slack_message_that_mentions_the_app_counts_once(admin: GraphQL, guildhall: EmbeddedGuildhall) -> None:
    # Subscribed to message.channels and app_mention, Slack sends one such message twice, with two event ids.
    delivery = DELIVERIES["slack"]
    _, path = await connect(admin, guildhall, delivery)
    mention = load("slack/event_app_mention.json")
    as_message = {**mention, "event_id": "Ev_message", "event": {**mention["event"], "type": "message"}}

    answers = []
    for document in (as_message, mention):
        body = json.dumps(document)
        timestamp = str(int(delivery.now or 0))
        secret = delivery.credentials["signing_secret"].encode()
        signature = "v0=" + hmac.new(secret, f"v0:{timestamp}:{body}".encode(), hashlib.sha256).hexdigest()
        headers = {"content-type": "application/json", "X-Slack-Request-Timestamp": timestamp}
        answers.append(
            await post(
                guildhall, path, delivery, body=body.encode(), headers={**headers, "X-Slack-Signature": signature}
            )
        )

    assert [a.status_code for a in answers] == [200, 200]
    (event,) = await chat_events(guildhall)
    assert event["data"]["platform_message_id"] == mention["event"]["ts"]
