"""Strikes through the REST API: they count until they expire or are revoked, and escalate by the ladder."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI

from kit.auth import Principal
from tests.support.factories import rest_create_community
from tests.support.guildhall import service_client
from tests.support.membership import rest_add_member, rest_create_tier
from tests.support.moderation import add_group, chat_commands, emitted, manual_clock, rest_add_strike

ADMIN = Principal(role="platform_admin", key_id="key_admin")


async def test_strikes_escalate_warn_mute_demote_remove_ban(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        community = await rest_create_community(client)
        cid = community["id"]
        manual_clock(membership, cid)
        lead = await rest_create_tier(client, cid, key="lead", rank=1)
        premium = await rest_create_tier(client, cid, key="premium", rank=2)
        member = await rest_add_member(
            client, cid, tier_id=premium["id"], identities=[{"platform": "telegram", "platform_user_id": "42"}]
        )
        group = await add_group(membership, cid)
        premium_group = await add_group(membership, cid, tier_ids=[premium["id"]])
        actions = []
        for number in range(5):
            outcome = await rest_add_strike(client, cid, member["id"], rule=f"rule {number}", evidence=f"msg-{number}")
            actions.append((outcome["active_strikes"], outcome["action"]))
        after = (await client.get(f"/v1/communities/{cid}/members/{member['id']}")).json()
        bans = (await client.get(f"/v1/communities/{cid}/bans", params={"member_id": member["id"]})).json()["items"]

    assert actions == [(1, "warn"), (2, "mute"), (3, "demote"), (4, "remove"), (5, "ban")]
    assert after["membership"]["tier_id"] == lead["id"]
    assert after["membership"]["status"] == "banned"
    assert {(ban["platform"], ban["platform_user_id"]) for ban in bans} == {(None, None), ("telegram", "42")}
    commands = await chat_commands(membership)
    chat, vip = group.platform_chat_id, premium_group.platform_chat_id
    assert [c for c in commands if c[0] == "chat.send"] == [
        ("chat.send", chat, commands[0][2]),
        ("chat.send", vip, commands[1][2]),
    ]
    assert "warning" in str(commands[0][2])
    assert [c for c in commands if c[0] == "chat.action"] == [
        ("chat.action", chat, "mute"),
        ("chat.action", vip, "mute"),
        ("chat.action", vip, "remove"),  # demoted below the premium group's tier
        ("chat.action", chat, "remove"),
        ("chat.action", vip, "remove"),
        ("chat.action", chat, "ban"),
        ("chat.action", vip, "ban"),
    ]
    mute = (await emitted(membership, "chat.action"))[0]["data"]
    assert mute["duration_seconds"] == 24 * 3600 and mute["platform_user_id"] == "42"
    added = await emitted(membership, "strike.added")
    assert [e["data"]["active_strikes"] for e in added] == [1, 2, 3, 4, 5]
    assert added[-1]["data"]["action"] == "ban"


async def test_strikes_expire_and_revoked_ones_stop_counting(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        community = await rest_create_community(client)
        cid = community["id"]
        clock = manual_clock(membership, cid)
        await client.patch(f"/v1/communities/{cid}/moderation/settings", json={"strike_lifetime_days": 30})
        member = await rest_add_member(client, cid)
        first = await rest_add_strike(client, cid, member["id"])
        clock.advance(timedelta(days=20))
        second = await rest_add_strike(client, cid, member["id"], expires_in_days=100)
        clock.advance(timedelta(days=11))  # the first is 31 days old now
        path = f"/v1/communities/{cid}/members/{member['id']}/strikes"
        after_expiry = (await client.get(path, params={"active_only": "true"})).json()
        revoke = f"/v1/communities/{cid}/strikes/{second['strike']['id']}/revoke"
        revoked = await client.post(revoke, json={"reason": "appeal"})
        again = await client.post(revoke, json={})
        after_revoke = (await client.get(path)).json()
        third = await rest_add_strike(client, cid, member["id"])

    assert first["active_strikes"] == 1 and second["active_strikes"] == 2
    assert after_expiry["active_strikes"] == 1
    assert [s["id"] for s in after_expiry["items"]] == [second["strike"]["id"]]
    assert revoked.status_code == 200 and revoked.json()["revoke_reason"] == "appeal"
    assert again.status_code == 409 and again.json()["code"] == "strike_already_revoked"
    assert after_revoke["active_strikes"] == 0 and len(after_revoke["items"]) == 2
    assert (third["active_strikes"], third["action"]) == (1, "warn")
