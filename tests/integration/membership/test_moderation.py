"""Who may moderate whom, the moderation settings and the audit trail, through the REST API."""

from __future__ import annotations

from fastapi import FastAPI

from kit.auth import Principal
from tests.support.factories import rest_create_community
from tests.support.guildhall import service_client
from tests.support.membership import rest_add_member
from tests.support.moderation import add_group, chat_commands, emitted, manual_clock, rest_add_strike, set_role

ADMIN = Principal(role="platform_admin", key_id="key_admin")


async def test_a_moderator_strikes_members_but_not_peers_and_members_cannot_strike(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        moderator, peer, member = [(await rest_add_member(client, cid))["id"] for _ in range(3)]
        await set_role(membership, moderator, "moderator")
        await set_role(membership, peer, "moderator")
        path = f"/v1/communities/{cid}/members/{{}}/strikes"
        allowed = await client.post(path.format(member), json={"rule": "1", "acting_member_id": moderator})
        on_peer = await client.post(path.format(peer), json={"rule": "1", "acting_member_id": moderator})
        on_self = await client.post(path.format(moderator), json={"rule": "1", "acting_member_id": moderator})
        by_member = await client.post(path.format(peer), json={"rule": "1", "acting_member_id": member})
        peer_strikes = (await client.get(path.format(peer))).json()
        mute = await client.post(
            f"/v1/communities/{cid}/members/{member}/sanctions",
            json={"action": "mute", "duration_hours": 2, "acting_member_id": moderator},
        )
        ban = await client.post(
            f"/v1/communities/{cid}/bans", json={"member_id": member, "acting_member_id": moderator}
        )

    assert allowed.status_code == 201 and allowed.json()["strike"]["actor"] == f"member:{moderator}"
    assert on_peer.status_code == 403 and on_peer.json()["code"] == "target_outranks"
    assert on_self.status_code == 403
    assert by_member.status_code == 403 and by_member.json()["code"] == "permission_denied"
    assert peer_strikes["items"] == [] and peer_strikes["active_strikes"] == 0
    assert mute.status_code == 201 and mute.json() == {"action": "mute", "applied": True}
    assert ban.status_code == 403 and ban.json()["code"] == "permission_denied"


async def test_the_owner_is_never_struck_down_to_removal(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        owner = (await rest_add_member(client, cid))["id"]
        await set_role(membership, owner, "owner")
        outcomes = [await rest_add_strike(client, cid, owner) for _ in range(5)]
        after = (await client.get(f"/v1/communities/{cid}/members/{owner}")).json()
        ban = await client.post(f"/v1/communities/{cid}/bans", json={"member_id": owner})

    assert [o["action"] for o in outcomes] == ["warn", "mute", None, None, None]
    assert after["membership"]["status"] == "active"
    assert ban.status_code == 409 and ban.json()["code"] == "owner_required"


async def test_a_custom_ladder_is_stored_and_applied(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        defaults = (await client.get(f"/v1/communities/{cid}/moderation/settings")).json()
        ladder = [{"at": 2, "action": "mute", "duration_hours": 1}, {"at": 3, "action": "ban"}]
        updated = await client.patch(
            f"/v1/communities/{cid}/moderation/settings", json={"ladder": ladder, "spam": {"flood_messages": 20}}
        )
        await add_group(membership, cid)
        identity = {"platform": "telegram", "platform_user_id": "7"}
        member = (await rest_add_member(client, cid, identities=[identity]))["id"]
        outcomes = [await rest_add_strike(client, cid, member) for _ in range(2)]
        heavy = await rest_add_strike(client, cid, (await rest_add_member(client, cid))["id"], weight=3)

    assert [step["action"] for step in defaults["ladder"]] == ["warn", "mute", "demote", "remove", "ban"]
    assert defaults["strike_lifetime_days"] == 30 and defaults["spam"]["enabled"] is True
    assert updated.status_code == 200
    assert updated.json()["ladder"] == [{**ladder[0]}, {"at": 3, "action": "ban", "duration_hours": None}]
    assert updated.json()["spam"]["flood_messages"] == 20
    assert updated.json()["spam"]["repeat_count"] == defaults["spam"]["repeat_count"]
    assert [o["action"] for o in outcomes] == [None, "mute"]
    mute = (await emitted(membership, "chat.action"))[0]["data"]
    assert (mute["action"], mute["duration_seconds"], mute["platform_user_id"]) == ("mute", 3600, "7")
    assert (heavy["active_strikes"], heavy["action"]) == (3, "ban")


async def test_a_bad_ladder_is_refused_naming_the_field_and_nothing_changes(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        path = f"/v1/communities/{cid}/moderation/settings"
        before = (await client.get(path)).json()
        no_duration = await client.patch(
            path, json={"ladder": [{"at": 1, "action": "warn"}, {"at": 2, "action": "mute"}]}
        )
        falling = await client.patch(path, json={"ladder": [{"at": 2, "action": "warn"}, {"at": 2, "action": "ban"}]})
        unknown_action = await client.patch(path, json={"ladder": [{"at": 1, "action": "shame"}]})
        lifetime = await client.patch(path, json={"strike_lifetime_days": 0})
        spam = await client.patch(path, json={"spam": {"flood_seconds": "ten"}})
        unknown = await client.patch(path, json={"spam": {"floodSeconds": 5}})
        mixed = await client.patch(path, json={"strike_lifetime_days": 7, "ladder": "warn then ban"})
        after = (await client.get(path)).json()

    def field(response: object) -> str:
        assert getattr(response, "status_code") == 422  # noqa: B009
        body = response.json()  # type: ignore[attr-defined]
        assert body["code"] == "invalid_input"
        return str(body["errors"][0]["field"])

    assert field(no_duration) == "ladder.1.duration_hours"
    assert field(falling) == "ladder.1.at"
    assert field(unknown_action) == "ladder.0.action"
    assert field(lifetime) == "strike_lifetime_days"
    assert field(spam) == "spam.flood_seconds"
    assert field(unknown) == "spam.floodSeconds"
    assert field(mixed) == "ladder"
    assert after == before


async def test_the_audit_lists_every_action_per_community_and_member_a_page_at_a_time(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        manual_clock(membership, cid)
        moderator, member, other = [(await rest_add_member(client, cid))["id"] for _ in range(3)]
        await set_role(membership, moderator, "moderator")
        await client.patch(f"/v1/communities/{cid}/moderation/settings", json={"ladder": [{"at": 1, "action": "warn"}]})
        strike = await rest_add_strike(client, cid, member, acting_member_id=moderator)
        await client.post(f"/v1/communities/{cid}/strikes/{strike['strike']['id']}/revoke", json={"reason": "mistake"})
        await rest_add_strike(client, cid, other)
        path = f"/v1/communities/{cid}/moderation/audit"
        first = (await client.get(path, params={"limit": 3})).json()
        second = (await client.get(path, params={"limit": 3, "cursor": first["next_cursor"]})).json()
        for_member = (await client.get(path, params={"member_id": member})).json()["items"]
        as_moderator = await client.get(path, params={"acting_member_id": moderator})
        as_member = await client.get(path, params={"acting_member_id": member})

    everything = [entry["action"] for entry in first["items"] + second["items"]]
    assert everything == ["warn", "strike_added", "strike_revoked", "warn", "strike_added", "ladder_changed"]
    assert second["next_cursor"] is None
    assert [(e["action"], e["actor"]) for e in for_member] == [
        ("strike_revoked", "platform:key_admin"),
        ("warn", "system"),
        ("strike_added", f"member:{moderator}"),
    ]
    assert for_member[0]["reason"] == "mistake"
    assert as_moderator.status_code == 200
    assert as_member.status_code == 403
    assert [c[0] for c in await chat_commands(membership)] == []  # nobody has a bound group


async def test_another_communitys_key_cannot_moderate_here(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        mine = (await rest_create_community(client))["id"]
        theirs = (await rest_create_community(client))["id"]
        member = (await rest_add_member(client, theirs))["id"]
        strike = await rest_add_strike(client, theirs, member)
    outsider = Principal(role="community_admin", key_id="key_x", community_id=mine)
    async with service_client(membership, outsider) as client:
        responses = [
            await client.post(f"/v1/communities/{theirs}/members/{member}/strikes", json={"rule": "x"}),
            await client.get(f"/v1/communities/{theirs}/members/{member}/strikes"),
            await client.post(f"/v1/communities/{theirs}/strikes/{strike['strike']['id']}/revoke", json={}),
            await client.get(f"/v1/communities/{theirs}/moderation/settings"),
            await client.patch(f"/v1/communities/{theirs}/moderation/settings", json={"strike_lifetime_days": 1}),
            await client.get(f"/v1/communities/{theirs}/moderation/audit"),
            await client.post(f"/v1/communities/{theirs}/bans", json={"member_id": member}),
            await client.get(f"/v1/communities/{theirs}/bans"),
            # their strike, asked for in my community, does not exist here
            await client.post(f"/v1/communities/{mine}/strikes/{strike['strike']['id']}/revoke", json={}),
        ]

    assert [r.status_code for r in responses] == [404] * len(responses)
