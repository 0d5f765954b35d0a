"""Chat events from the gateway: identities resolved or created, presence, activity per day, and
``member.activity`` for gamification."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import FastAPI

from kit.auth import Principal
from tests.support.events import consume, publish
from tests.support.factories import rest_create_community
from tests.support.guildhall import service_client
from tests.support.lifecycle import ChatFeed, outbox_events, rest_create_group, user
from tests.support.membership import rest_add_member, rest_create_tier

ADMIN = Principal(role="platform_admin", key_id="key_admin")


async def test_a_stranger_who_joins_a_bound_group_becomes_an_active_member_on_its_lowest_tier(
    membership: FastAPI,
) -> None:
    async with service_client(membership, ADMIN) as client:
        community = await rest_create_community(client)
        cid = community["id"]
        low = await rest_create_tier(client, cid, rank=1, period="days", period_days=14)
        high = await rest_create_tier(client, cid, rank=2)
        group = await rest_create_group(client, cid, tier_ids=[high["id"], low["id"]])
        feed = ChatFeed(membership, cid)
        await feed.join(group, user("555", "Han Meimei"))
        await feed.join(group, user("555", "Han Meimei"))  # a second report of the same join
        members = (await client.get(f"/v1/communities/{cid}/members")).json()["items"]
        presence = (await client.get(f"/v1/communities/{cid}/groups/{group['id']}/members")).json()["items"]
        count = (await client.get(f"/v1/communities/{cid}/groups/{group['id']}")).json()["member_count"]

    assert len(members) == 1
    member = members[0]
    assert member["display_name"] == "Han Meimei"
    assert member["identities"] == [{"platform": "telegram", "platform_user_id": "555", "display_name": "Han Meimei"}]
    assert member["membership"]["status"] == "active" and member["membership"]["tier_id"] == low["id"]
    assert member["membership"]["source"] == "chat" and member["membership"]["expires_at"] is not None
    assert [p["member_id"] for p in presence] == [member["id"]] and count == 1
    assert [e["data"]["kind"] for e in await outbox_events(membership, "member.activity")] == ["join", "join"]
    assert len(await outbox_events(membership, "member.joined")) == 1


async def test_messages_and_reactions_count_per_day_in_the_communitys_time_zone(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        community = await rest_create_community(client, timezone="Asia/Shanghai")
        cid = community["id"]
        group = await rest_create_group(client, cid)
        known = await rest_add_member(client, cid, identities=[{"platform": "telegram", "platform_user_id": "42"}])
        feed = ChatFeed(membership, cid)
        late = datetime(2026, 3, 1, 15, 30, tzinfo=UTC)  # 23:30 in Shanghai: still March 1st there
        later = datetime(2026, 3, 1, 16, 30, tzinfo=UTC)  # 00:30 on March 2nd in Shanghai
        await feed.message(group, user("42", "Lei"), "  打卡 day 1  ", at=late)
        await feed.message(group, user("42", "Lei"), "hello", at=later)
        await feed.message(group, user("42", "Lei"), "hello!", at=later, edit_of="m2")
        await feed.reaction(group, user("42"), "🔥", at=later)
        await feed.message(group, user("bot", "Bot").model_copy(update={"is_bot": True}), "beep", at=later)
        days = (await client.get(f"/v1/communities/{cid}/members/{known['id']}/activity")).json()
        read = (await client.get(f"/v1/communities/{cid}/members/{known['id']}")).json()
        everyone = (await client.get(f"/v1/communities/{cid}/members")).json()["items"]

    assert [(d["day"], d["messages"], d["characters"], d["reactions"]) for d in days] == [
        ("2026-03-01", 1, 8, 0),
        ("2026-03-02", 1, 5, 1),
    ]
    assert read["membership"]["last_active_at"] == "2026-03-01T16:30:00Z"
    assert read["identities"][0]["display_name"] == "Lei"
    assert len(everyone) == 1  # the bot did not become a member
    activity = [e["data"] for e in await outbox_events(membership, "member.activity")]
    assert [(a["kind"], a["text"], a["text_length"]) for a in activity] == [
        ("message", "  打卡 day 1  ", 8),
        ("message", "hello", 5),
        ("reaction", "🔥", 0),
    ]
    assert {a["group_id"] for a in activity} == {group["id"]}
    assert activity[0]["occurred_at"] == "2026-03-01T15:30:00Z"


async def test_a_redelivered_message_is_counted_once(membership: FastAPI) -> None:
    from contracts.chat import ChatMessageReceived
    from tests.support.lifecycle import chat

    async with service_client(membership, ADMIN) as client:
        community = await rest_create_community(client)
        cid = community["id"]
        group = await rest_create_group(client, cid)
        message = ChatMessageReceived(
            chat=chat(group), platform_message_id="m1", sender=user("7"), text="hi", sent_at=datetime.now(UTC)
        )
        await publish(membership, message, producer="gateway", community_id=cid, times=3)
        await consume(membership, "membership")
        member = (await client.get(f"/v1/communities/{cid}/members")).json()["items"][0]
        days = (await client.get(f"/v1/communities/{cid}/members/{member['id']}/activity")).json()

    assert [d["messages"] for d in days] == [1]


async def test_leaving_ends_presence_and_the_last_group_means_left_only_when_the_community_says_so(
    membership: FastAPI,
) -> None:
    async with service_client(membership, ADMIN) as client:
        community = await rest_create_community(client)
        cid = community["id"]
        one = await rest_create_group(client, cid)
        two = await rest_create_group(client, cid)
        feed = ChatFeed(membership, cid)
        for group in (one, two):
            await feed.join(group, user("1"))
            await feed.join(group, user("2"))
        await feed.leave(one, user("1"))
        stays = (await client.get(f"/v1/communities/{cid}/members")).json()["items"]
        await client.patch(f"/v1/communities/{cid}", json={"settings": {"lifecycle": {"leaving_last_group": "left"}}})
        await feed.leave(two, user("1"))
        await feed.leave(one, user("2"))
        members = {
            m["identities"][0]["platform_user_id"]: m
            for m in (await client.get(f"/v1/communities/{cid}/members")).json()["items"]
        }
        counts = [
            (await client.get(f"/v1/communities/{cid}/groups/{g['id']}")).json()["member_count"] for g in (one, two)
        ]

    assert {m["membership"]["status"] for m in stays} == {"active"}
    assert members["1"]["membership"]["status"] == "left"  # left the last group
    assert members["2"]["membership"]["status"] == "active"  # still in group two
    assert counts == [0, 1]
    assert len(await outbox_events(membership, "member.left")) == 1


async def test_chats_no_group_binds_create_nobody_and_other_communities_are_not_touched(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        community = await rest_create_community(client)
        other = await rest_create_community(client)
        group = await rest_create_group(client, community["id"])
        stranger_room = {**group, "platform_chat_id": "-999"}
        await ChatFeed(membership, community["id"]).message(stranger_room, user("1"), "hello")
        await ChatFeed(membership, other["id"]).join(group, user("2"))
        mine = (await client.get(f"/v1/communities/{community['id']}/members")).json()["items"]
        theirs = (await client.get(f"/v1/communities/{other['id']}/members")).json()["items"]

    assert mine == [] and theirs == []
