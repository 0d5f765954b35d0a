"""The ban list through the REST API, and its enforcement when a banned account joins a group."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import FastAPI

from contracts.chat import ChatAddress, ChatMemberJoinedGroup, ChatUser
from kit.auth import Principal
from kit.events import Envelope
from services.membership.usecases.ban_list import enforce_ban_on_join, is_banned
from tests.support.factories import rest_create_community
from tests.support.guildhall import service_client
from tests.support.membership import rest_add_member
from tests.support.moderation import add_group, chat_commands, emitted
from tests.support.presence import add_presence

ADMIN = Principal(role="platform_admin", key_id="key_admin")
TELEGRAM = {"platform": "telegram", "platform_user_id": "1001"}
SLACK = {"platform": "slack", "platform_user_id": "U1001"}


def joined(
    community_id: str, platform: str, user_id: str, chat_id: str = "-100777"
) -> tuple[Envelope, ChatMemberJoinedGroup]:
    data = ChatMemberJoinedGroup(
        chat=ChatAddress(platform=platform, connection_id="conn_x", platform_chat_id=chat_id),
        member=ChatUser(platform_user_id=user_id),
        joined_at=datetime.now(UTC),
    )
    envelope = Envelope(
        id="evt_test",
        type=data.event_type,
        community_id=community_id,
        occurred_at=datetime.now(UTC),
        producer="gateway",
        data=data.model_dump(mode="json"),
    )
    return envelope, data


async def test_a_ban_covers_the_member_and_every_account_until_it_is_lifted(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        group = await add_group(membership, cid)
        slack_group = await add_group(membership, cid, platform="slack")
        member = (await rest_add_member(client, cid, identities=[TELEGRAM, SLACK]))["id"]
        banned = await client.post(f"/v1/communities/{cid}/bans", json={"member_id": member, "reason": "scam"})
        check = f"/v1/communities/{cid}/bans/check"
        by_member = (await client.get(check, params={"member_id": member})).json()
        by_slack = (await client.get(check, params=SLACK)).json()
        stranger = (await client.get(check, params={"platform": "slack", "platform_user_id": "U2"})).json()
        status = (await client.get(f"/v1/communities/{cid}/members/{member}")).json()["membership"]["status"]
        lifted = await client.post(
            f"/v1/communities/{cid}/members/{member}/status", json={"to": "removed", "reason": "appeal"}
        )
        after = (await client.get(check, params=TELEGRAM)).json()
        listed = (await client.get(f"/v1/communities/{cid}/bans")).json()["items"]
        audit = (await client.get(f"/v1/communities/{cid}/moderation/audit", params={"member_id": member})).json()

    assert banned.status_code == 201
    entries = banned.json()["entries"]
    assert {(e["platform"], e["platform_user_id"]) for e in entries} == {
        (None, None),
        ("telegram", "1001"),
        ("slack", "U1001"),
    }
    assert all(e["reason"] == "scam" and e["member_id"] == member for e in entries)
    assert by_member == by_slack == {"banned": True}
    assert stranger == {"banned": False}
    assert status == "banned"
    assert lifted.status_code == 200
    assert after == {"banned": False} and listed == []
    assert [(e["action"], e["reason"]) for e in audit["items"]] == [("unban", "appeal"), ("ban", "scam")]
    assert await chat_commands(membership) == [
        ("chat.action", group.platform_chat_id, "ban"),
        ("chat.action", slack_group.platform_chat_id, "ban"),
        ("chat.action", group.platform_chat_id, "unban"),
        ("chat.action", slack_group.platform_chat_id, "unban"),
    ]
    removed = await emitted(membership, "member.removed")
    assert [e["data"]["banned"] for e in removed] == [True]


async def test_an_account_of_nobody_can_be_banned_and_is_put_out_of_any_group_it_joins(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        member = (await rest_add_member(client, cid, identities=[TELEGRAM]))["id"]
        await client.post(f"/v1/communities/{cid}/bans", json={"member_id": member})
        spammer = await client.post(
            f"/v1/communities/{cid}/bans", json={"platform": "Discord", "platform_user_id": "d1"}
        )
        twice = await client.post(f"/v1/communities/{cid}/bans", json={"platform": "discord", "platform_user_id": "d1"})
    async with membership.state.sessionmaker() as session:
        acted = [
            await enforce_ban_on_join(session, envelope=envelope, joined=data)
            for envelope, data in (
                joined(cid, "discord", "d1", chat_id="d-chat"),
                joined(cid, "telegram", "1001", chat_id="t-chat"),
                joined(cid, "telegram", "2002", chat_id="t-chat"),
            )
        ]
        banned = await is_banned(session, cid, platform="discord", platform_user_id="d1")
        await session.commit()
    async with service_client(membership, ADMIN) as client:
        lifted = await client.post(
            f"/v1/communities/{cid}/bans/lift", json={"platform": "discord", "platform_user_id": "d1"}
        )
        lifted_again = await client.post(
            f"/v1/communities/{cid}/bans/lift", json={"platform": "discord", "platform_user_id": "d1"}
        )

    assert spammer.status_code == 201 and spammer.json()["member_id"] is None
    assert twice.status_code == 409 and twice.json()["code"] == "already_banned"
    assert acted == [True, True, False] and banned is True
    assert [c for c in await chat_commands(membership) if c[1] in ("d-chat", "t-chat")] == [
        ("chat.action", "d-chat", "ban"),
        ("chat.action", "t-chat", "ban"),
    ]
    assert lifted.json() == {"cleared": 1}
    assert lifted_again.status_code == 409 and lifted_again.json()["code"] == "not_banned"


async def test_bad_ban_requests_are_named_and_change_nothing(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        member = (await rest_add_member(client, cid, identities=[TELEGRAM]))["id"]
        path = f"/v1/communities/{cid}/bans"
        both = await client.post(path, json={"member_id": member, **TELEGRAM})
        half = await client.post(path, json={"platform": "telegram"})
        neither = await client.post(path, json={"reason": "spam"})
        platform = await client.post(path, json={"platform": "myspace", "platform_user_id": "1"})
        unknown = await client.post(path, json={"member_id": "mbr_nobody"})
        not_banned = await client.post(f"{path}/lift", json={"member_id": member})
        listed = (await client.get(path)).json()["items"]

    assert [both.status_code, half.status_code, neither.status_code, platform.status_code] == [422] * 4
    assert both.json()["errors"][0]["field"] == "member_id"
    assert half.json()["errors"][0]["field"] == "platform_user_id"
    assert neither.json()["errors"][0]["field"] == "member_id"
    assert platform.json()["errors"][0]["field"] == "platform"
    assert unknown.status_code == 404 and unknown.json()["code"] == "member_not_found"
    assert not_banned.status_code == 409 and not_banned.json()["code"] == "not_banned"
    assert listed == []


async def test_a_retried_ban_with_the_same_key_bans_once(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        member = (await rest_add_member(client, cid))["id"]
        headers = {"Idempotency-Key": "ban-1"}
        first = await client.post(f"/v1/communities/{cid}/bans", json={"member_id": member}, headers=headers)
        again = await client.post(f"/v1/communities/{cid}/bans", json={"member_id": member}, headers=headers)
        listed = (await client.get(f"/v1/communities/{cid}/bans")).json()["items"]

    assert first.status_code == again.status_code == 201
    assert again.headers.get("Idempotent-Replayed") == "true" and again.json() == first.json()
    assert len(listed) == 1


async def test_a_ban_acts_in_the_groups_the_member_is_in_and_where_presence_is_unknown(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        present_in = await add_group(membership, cid)
        elsewhere = await add_group(membership, cid)
        unknown = await add_group(membership, cid)
        member = (await rest_add_member(client, cid, identities=[TELEGRAM]))["id"]
        someone = (await rest_add_member(client, cid, identities=[{"platform": "telegram", "platform_user_id": "2"}]))[
            "id"
        ]
        await add_presence(membership, present_in, member, "1001")
        await add_presence(membership, elsewhere, someone, "2")
        banned = await client.post(f"/v1/communities/{cid}/bans", json={"member_id": member})

    assert banned.status_code == 201, banned.text
    actions = [
        (e["data"]["chat"]["platform_chat_id"], e["data"]["platform_user_id"])
        for e in await emitted(membership, "chat.action")
    ]
    assert sorted(actions) == sorted([(present_in.platform_chat_id, "1001"), (unknown.platform_chat_id, "1001")])
