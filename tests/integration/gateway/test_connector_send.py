"""Sending and acting through each connector against a real local HTTP server standing in for the platform."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest

from contracts.chat import ChatAction, ChatAddress, ChatSend
from gateway import standard_webhooks
from gateway.connectors import ActionUnsupported, PlatformCall, PlatformError
from gateway.connectors.dingtalk import DingtalkConnector
from gateway.connectors.discord import DiscordConnector
from gateway.connectors.feishu import FeishuConnector
from gateway.connectors.generic import GenericConnector
from gateway.connectors.slack import SlackConnector
from gateway.connectors.telegram import TelegramConnector
from gateway.connectors.wecom import WecomConnector
from tests.support.fake_platform import FakePlatform, fake_platform

NOW = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)


@pytest.fixture
async def platform() -> AsyncIterator[FakePlatform]:
    async with fake_platform() as running:
        yield running


@pytest.fixture
async def call() -> AsyncIterator[PlatformCall]:
    async with httpx.AsyncClient(timeout=5) as http:
        yield PlatformCall(http=http, now=NOW)


def address(platform: str, chat: str, **extra: str) -> ChatAddress:
    return ChatAddress(platform=platform, connection_id="conn_test", platform_chat_id=chat, **extra)


def send(platform: str, chat: str, **fields: object) -> ChatSend:
    return ChatSend(command_id="cmd_1", chat=address(platform, chat), **fields)


def act(platform: str, chat: str, action: str, **fields: object) -> ChatAction:
    return ChatAction(command_id="cmd_2", chat=address(platform, chat), platform_user_id="55", action=action, **fields)


async def test_telegram_sends_html_with_mentions_and_removes_by_ban_and_unban(
    platform: FakePlatform, call: PlatformCall
) -> None:
    connector = TelegramConnector(api_url=platform.url)
    credentials = {"bot_token": "123:abc", "secret_token": "s"}

    delivered = await connector.send(
        call, credentials, send("telegram", "-1001", text="Welcome <all>", mentions=["55"])
    )
    await connector.act(call, credentials, act("telegram", "-1001", "remove"))
    await connector.act(call, credentials, act("telegram", "-1001", "mute", duration_seconds=3600))

    assert delivered.platform_message_id == "4242"
    sent = platform.requests[0]
    assert sent.path == "/bot123:abc/sendMessage"
    assert sent.json()["text"] == '<a href="tg://user?id=55">55</a> Welcome &lt;all&gt;'
    assert sent.json()["parse_mode"] == "HTML"
    assert platform.paths()[1:] == [
        "/bot123:abc/banChatMember",
        "/bot123:abc/unbanChatMember",
        "/bot123:abc/restrictChatMember",
    ]
    mute = platform.requests[3].json()
    assert mute["until_date"] == int(NOW.timestamp()) + 3600
    assert mute["permissions"]["can_send_messages"] is False


async def test_telegram_sends_images_and_cards(platform: FakePlatform, call: PlatformCall) -> None:
    connector = TelegramConnector(api_url=platform.url)
    credentials = {"bot_token": "123:abc", "secret_token": "s"}

    await connector.send(
        call, credentials, send("telegram", "-1001", kind="image", url="https://x.test/a.png", text="Day 3")
    )
    await connector.send(
        call,
        credentials,
        send("telegram", "-1001", kind="card", title="Challenge", url="https://x.test/c", text="Join"),
    )

    photo, card = (r.json() for r in platform.requests)
    assert platform.paths() == ["/bot123:abc/sendPhoto", "/bot123:abc/sendMessage"]
    assert (photo["photo"], photo["caption"]) == ("https://x.test/a.png", "Day 3")
    assert card["reply_markup"]["inline_keyboard"][0][0]["url"] == "https://x.test/c"


async def test_slack_posts_blocks_with_the_bot_token_and_kicks(platform: FakePlatform, call: PlatformCall) -> None:
    connector = SlackConnector(api_url=platform.url)
    credentials = {"signing_secret": "s", "bot_token": "xoxb-1"}

    delivered = await connector.send(
        call, credentials, send("slack", "C1", kind="card", title="Badge", text="Well done", mentions=["U1"])
    )
    await connector.act(call, credentials, act("slack", "C1", "remove"))

    assert delivered.platform_message_id == "1700000000.000100"
    post, kick = platform.requests
    assert post.path == "/chat.postMessage"
    assert post.headers["authorization"] == "Bearer xoxb-1"
    assert post.json()["blocks"][0] == {"type": "header", "text": {"type": "plain_text", "text": "Badge"}}
    assert post.json()["text"] == "<@U1> Well done"
    assert (kick.path, kick.json()) == ("/conversations.kick", {"channel": "C1", "user": "55"})
    with pytest.raises(ActionUnsupported):
        await connector.act(call, credentials, act("slack", "C1", "ban"))


async def test_slack_refusal_and_rate_limit_are_platform_errors(platform: FakePlatform, call: PlatformCall) -> None:
    credentials = {"signing_secret": "s", "bot_token": "xoxb-1"}

    with pytest.raises(PlatformError, match="channel_not_found") as refused:
        await SlackConnector(api_url=f"{platform.url}/notok").send(call, credentials, send("slack", "C1", text="hi"))
    with pytest.raises(PlatformError) as limited:
        await SlackConnector(api_url=f"{platform.url}/fail429").send(call, credentials, send("slack", "C1", text="hi"))

    assert refused.value.retryable is False
    assert (limited.value.retryable, limited.value.status) == (True, 429)


async def test_discord_sends_to_the_channel_and_moderates_in_the_guild(
    platform: FakePlatform, call: PlatformCall
) -> None:
    connector = DiscordConnector(api_url=platform.url)
    credentials = {"public_key": "00" * 32, "bot_token": "bot-1"}
    chat = ChatSend(command_id="c", chat=address("discord", "G1", thread_id="CH1"), text="hi", mentions=["9"])

    delivered = await connector.send(call, credentials, chat)
    await connector.act(call, credentials, act("discord", "G1", "ban", reason="spam"))
    await connector.act(call, credentials, act("discord", "G1", "mute", duration_seconds=600))
    await connector.act(call, credentials, act("discord", "G1", "set_role", role="R7"))

    assert delivered.platform_message_id == "1100000000000000001"
    message, ban, mute, role = platform.requests
    assert (message.method, message.path, message.headers["authorization"]) == (
        "POST",
        "/channels/CH1/messages",
        "Bot bot-1",
    )
    assert message.json()["content"] == "<@9> hi"
    assert (ban.method, ban.path, ban.headers["x-audit-log-reason"]) == ("PUT", "/guilds/G1/bans/55", "spam")
    assert (mute.method, mute.json()) == ("PATCH", {"communication_disabled_until": "2026-11-21T08:10:00+00:00"})
    assert (role.method, role.path) == ("PUT", "/guilds/G1/members/55/roles/R7")


async def test_feishu_gets_a_tenant_token_once_and_sends_json_content(
    platform: FakePlatform, call: PlatformCall
) -> None:
    connector = FeishuConnector(api_url=platform.url)
    credentials = {"verification_token": "v", "app_id": "cli_1", "app_secret": "secret"}

    first = await connector.send(call, credentials, send("feishu", "oc_1", text="打卡成功", mentions=["ou_1"]))
    await connector.send(call, credentials, send("feishu", "oc_1", kind="link", url="https://x.test", title="Rules"))
    await connector.act(call, credentials, act("feishu", "oc_1", "remove"))

    assert first.platform_message_id == "om_sent"
    assert platform.paths() == [
        "/auth/v3/tenant_access_token/internal",
        "/im/v1/messages",
        "/im/v1/messages",
        "/im/v1/chats/oc_1/members",
    ]
    token, text, link, remove = platform.requests
    assert token.json() == {"app_id": "cli_1", "app_secret": "secret"}
    assert text.headers["authorization"] == "Bearer t-feishu"
    assert text.query == {"receive_id_type": "chat_id"}
    assert json.loads(text.json()["content"]) == {"text": '<at user_id="ou_1"></at> 打卡成功'}
    assert link.json()["msg_type"] == "post"
    assert (remove.method, remove.json()) == ("DELETE", {"id_list": ["55"]})


async def test_wecom_sends_to_app_chats_and_updates_members(platform: FakePlatform, call: PlatformCall) -> None:
    connector = WecomConnector(api_url=platform.url)
    credentials = {"corp_id": "ww1", "token": "t", "encoding_aes_key": "k", "corp_secret": "cs"}

    delivered = await connector.send(call, credentials, send("wecom", "chat1", text="早上好"))
    await connector.act(call, credentials, act("wecom", "chat1", "remove"))

    assert delivered.platform_message_id == "wecom-msg-1"
    token, message, update = platform.requests
    assert (token.path, token.query) == ("/gettoken", {"corpid": "ww1", "corpsecret": "cs"})
    assert (message.path, message.query) == ("/appchat/send", {"access_token": "t-oapi"})
    assert message.json() == {"chatid": "chat1", "msgtype": "text", "text": {"content": "早上好"}}
    assert update.json() == {"chatid": "chat1", "del_user_list": ["55"]}
    with pytest.raises(ActionUnsupported):
        await connector.act(call, credentials, act("wecom", "chat1", "mute"))


async def test_dingtalk_sends_robot_group_messages_and_removes_from_scene_groups(
    platform: FakePlatform, call: PlatformCall
) -> None:
    connector = DingtalkConnector(api_url=platform.url, oapi_url=f"{platform.url}/oapi")
    credentials = {"app_secret": "s", "app_key": "ding1", "robot_code": "robot1"}

    delivered = await connector.send(
        call, credentials, send("dingtalk", "cid1", kind="card", title="T", text="body", url="https://x.test")
    )
    await connector.act(call, credentials, act("dingtalk", "cid1", "remove"))

    assert delivered.platform_message_id == "dingtalk-query-1"
    token, message, oapi_token, remove = platform.requests
    assert token.json() == {"appKey": "ding1", "appSecret": "s"}
    assert message.path == "/v1.0/robot/groupMessages/send"
    assert message.headers["x-acs-dingtalk-access-token"] == "t-dingtalk"
    assert message.json()["msgKey"] == "sampleActionCard"
    assert json.loads(message.json()["msgParam"])["singleURL"] == "https://x.test"
    assert message.json()["openConversationId"] == "cid1"
    assert oapi_token.path == "/oapi/gettoken"
    assert (remove.path, remove.query) == ("/oapi/topapi/im/chat/scenegroup/member/delete", {"access_token": "t-oapi"})


async def test_generic_posts_signed_standard_webhooks(platform: FakePlatform, call: PlatformCall) -> None:
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    credentials = {"secret": secret, "send_url": f"{platform.url}/hooks/chat"}

    await GenericConnector().send(call, credentials, send("generic", "room-1", text="hello"))

    (posted,) = platform.requests
    standard_webhooks.verify(
        secret,
        msg_id=posted.headers["webhook-id"],
        timestamp=posted.headers["webhook-timestamp"],
        signature=posted.headers["webhook-signature"],
        body=posted.body,
        now=NOW,
    )
    assert posted.json()["type"] == "chat.send"
    assert posted.json()["data"]["text"] == "hello"
