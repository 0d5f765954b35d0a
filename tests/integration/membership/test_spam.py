# ruff: noqa: RUF001 - Chinese chat text has full-width punctuation
"""Spam heuristics on incoming messages, called as the chat consumer will call them, on a real database."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from fastapi import FastAPI
from sqlmodel import select

from contracts.chat import ChatAddress, ChatMessageReceived, ChatUser
from kit.auth import Principal
from kit.events import Envelope
from kit.ids import new_id
from services.membership.models import Member, Membership
from services.membership.usecases.sender import Sender
from services.membership.usecases.spam import inspect_message
from tests.support.factories import rest_create_community
from tests.support.guildhall import service_client
from tests.support.lifecycle import ChatFeed, rest_create_group, user
from tests.support.membership import rest_add_member
from tests.support.moderation import START, chat_commands, emitted, manual_clock, rest_add_strike, set_role

ADMIN = Principal(role="platform_admin", key_id="key_admin")
CHAT = ChatAddress(platform="telegram", connection_id="conn_t", platform_chat_id="-100500")


class Chatter:
    """One member sending messages into one chat, each through ``inspect_message`` in its own transaction."""

    def __init__(self, app: FastAPI, community_id: str, member_id: str, *, earlier_messages: int) -> None:
        self.app = app
        self.community_id = community_id
        self.member_id = member_id
        self.earlier_messages = earlier_messages

    async def send(self, text: str, *, at: datetime, edit_of: str | None = None) -> list[str]:
        message = ChatMessageReceived(
            chat=CHAT,
            platform_message_id=new_id("m"),
            sender=ChatUser(platform_user_id="555"),
            text=text,
            edit_of=edit_of,
            sent_at=at,
        )
        envelope = Envelope(
            id=new_id("evt"),
            type=message.event_type,
            community_id=self.community_id,
            occurred_at=at,
            producer="gateway",
            data=message.model_dump(mode="json"),
        )
        async with self.app.state.sessionmaker() as session:
            member = await session.get(Member, self.member_id)
            assert member is not None
            membership = (await session.exec(select(Membership).where(Membership.member_id == self.member_id))).first()
            sender = Sender(member=member, membership=membership, group=None, earlier_messages=self.earlier_messages)
            check = await inspect_message(session, envelope=envelope, message=message, sender=sender)
            await session.commit()
        self.earlier_messages += 1
        return [outcome.strike.rule for outcome in check.strikes]


async def chatter(app: FastAPI, *, earlier_messages: int, settings: dict[str, Any] | None = None) -> Chatter:
    async with service_client(app, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        manual_clock(app, cid)  # the strikes' lifetimes run on the community's clock
        if settings:
            response = await client.patch(f"/v1/communities/{cid}/moderation/settings", json=settings)
            assert response.status_code == 200, response.text
        member = await rest_add_member(client, cid)
    return Chatter(app, cid, member["id"], earlier_messages=earlier_messages)


async def strikes_of(app: FastAPI, person: Chatter) -> dict[str, Any]:
    async with service_client(app, ADMIN) as client:
        response = await client.get(f"/v1/communities/{person.community_id}/members/{person.member_id}/strikes")
    body: dict[str, Any] = response.json()
    return body


async def test_a_newcomer_posting_links_and_ads_gets_strikes_and_a_warning_in_that_chat(membership: FastAPI) -> None:
    person = await chatter(membership, earlier_messages=0)

    found = [
        await person.send("大家好，很高兴加入", at=START),
        await person.send("日赚500，加微信 abc_123456 了解", at=START + timedelta(minutes=1)),
        await person.send("see t.me/joinchat/xyz for free stuff", at=START + timedelta(minutes=2)),
    ]

    assert found == [[], ["spam:link", "spam:ad_keyword"], ["spam:link"]]
    strikes = await strikes_of(membership, person)
    assert strikes["active_strikes"] == 3
    assert all(s["actor"] == "system" and s["evidence"].startswith("m_") for s in strikes["items"])
    assert "spam heuristic link" in strikes["items"][0]["reason"]
    commands = await chat_commands(membership)
    assert commands[0][:2] == ("chat.send", "-100500")  # warned where it happened
    assert ("chat.action", "-100500", "mute") in commands


async def test_a_regular_may_post_links_and_staff_are_not_checked(membership: FastAPI) -> None:
    regular = await chatter(membership, earlier_messages=500)
    moderator = await chatter(membership, earlier_messages=0)
    await set_role(membership, moderator.member_id, "moderator")
    joined_long_ago = START + timedelta(days=30)

    assert await regular.send("docs at https://example.org/guide", at=joined_long_ago) == []
    assert await moderator.send("加微信 abc_123456 日赚", at=START) == []
    assert (await strikes_of(membership, regular))["items"] == []


async def test_a_flood_makes_one_strike_per_burst(membership: FastAPI) -> None:
    person = await chatter(
        membership, earlier_messages=100, settings={"spam": {"flood_messages": 3, "flood_seconds": 10}}
    )
    at = START + timedelta(days=10)

    burst = [await person.send(f"hi {n}", at=at + timedelta(seconds=n)) for n in range(6)]
    later = await person.send("calm again", at=at + timedelta(seconds=60))

    assert burst == [[], [], [], ["spam:flood"], [], []]
    assert later == []


async def test_the_same_text_again_and_again_is_a_strike_and_edits_do_not_count(membership: FastAPI) -> None:
    person = await chatter(membership, earlier_messages=100, settings={"spam": {"repeat_count": 3}})
    at = START + timedelta(days=10)

    first = await person.send("Buy now!", at=at)
    edit = await person.send("buy   NOW!", at=at + timedelta(seconds=30), edit_of="m_1")
    second = await person.send("buy now!", at=at + timedelta(seconds=60))
    third = await person.send("BUY NOW!", at=at + timedelta(seconds=90))
    out_of_window = await person.send("buy now!", at=at + timedelta(hours=2))

    assert (first, edit, second, third, out_of_window) == ([], [], [], ["spam:repeat"], [])


async def test_spam_checks_can_be_turned_off(membership: FastAPI) -> None:
    person = await chatter(membership, earlier_messages=0, settings={"spam": {"enabled": False}})

    assert await person.send("加微信 abc_123456 www.spam.cn", at=START) == []
    assert (await strikes_of(membership, person))["active_strikes"] == 0


async def test_a_message_goes_out_with_the_verdict_and_its_strike_names_it(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        group = await rest_create_group(client, cid)
        await rest_add_member(client, cid, identities=[{"platform": "telegram", "platform_user_id": "42"}])
        feed = ChatFeed(membership, cid)
        await feed.message(group, user("42"), "大家好", at=START)
        await feed.message(group, user("42"), "see t.me/joinchat/xyz for free stuff", at=START + timedelta(minutes=1))
        await feed.message(group, user("42"), "日赚500", at=START + timedelta(minutes=2), edit_of="m1")

    ref = f"telegram:{group['platform_chat_id']}:"
    activity = [e["data"] for e in await emitted(membership, "member.activity")]
    assert [(a["message_ref"], a["spam"]) for a in activity] == [(ref + "m1", []), (ref + "m2", ["link"])]
    strikes = [e["data"] for e in await emitted(membership, "strike.added")]
    # An edit is not another message, but an edit into spam is a strike on the message it edits.
    assert [(s["rule"], s["message_ref"]) for s in strikes] == [
        ("spam:link", ref + "m2"),
        ("spam:ad_keyword", ref + "m1"),
    ]


async def test_the_rest_of_a_flood_is_spam_too_with_one_strike_for_the_burst(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        response = await client.patch(
            f"/v1/communities/{cid}/moderation/settings", json={"spam": {"flood_messages": 2, "flood_seconds": 10}}
        )
        assert response.status_code == 200, response.text
        group = await rest_create_group(client, cid)
        await rest_add_member(client, cid, identities=[{"platform": "telegram", "platform_user_id": "42"}])
        feed = ChatFeed(membership, cid)
        for second in range(4):
            await feed.message(group, user("42"), f"hi {second}", at=START + timedelta(seconds=second))

    activity = [e["data"]["spam"] for e in await emitted(membership, "member.activity")]
    assert activity == [[], [], ["flood"], ["flood"]]
    assert [e["data"]["rule"] for e in await emitted(membership, "strike.added")] == ["spam:flood"]


async def test_a_moderator_strike_may_name_the_message_it_is_for(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        group = await rest_create_group(client, cid)
        member = await rest_add_member(client, cid)
        url = f"/v1/communities/{cid}/members/{member['id']}/strikes"
        for_message = await rest_add_strike(
            client, cid, member["id"], rule="spam", message={"group_id": group["id"], "platform_message_id": "77"}
        )
        plain = await rest_add_strike(client, cid, member["id"], rule="rudeness", evidence="a screenshot")
        unknown = await client.post(
            url, json={"rule": "spam", "message": {"group_id": "grp_nope", "platform_message_id": "77"}}
        )
        strikes = (await client.get(url)).json()["items"]

    assert for_message["strike"]["evidence"] == "77" and plain["strike"]["evidence"] == "a screenshot"
    added = [e["data"] for e in await emitted(membership, "strike.added")]
    assert [a["message_ref"] for a in added] == [f"telegram:{group['platform_chat_id']}:77", None]
    assert unknown.status_code == 422
    assert [e["field"] for e in unknown.json()["errors"]] == ["message.group_id"]
    assert len(strikes) == 2  # the refused one changed nothing
