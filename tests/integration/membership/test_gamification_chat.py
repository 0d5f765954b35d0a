"""Membership turns gamification's events into chat commands: the level-up role swap in every group the
member is in, and an attention probe's message into each of its groups."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import FastAPI
from sqlmodel import select

from contracts.gamification.events import LevelReached, ProbeDropped
from kit.auth import Principal
from kit.tables import outbox
from tests.support.events import consume, publish
from tests.support.factories import rest_create_community
from tests.support.guildhall import service_client
from tests.support.lifecycle import rest_create_group
from tests.support.membership import rest_add_member

ADMIN = Principal(role="platform_admin", key_id="key_admin")


async def _commands(app: FastAPI, kind: str) -> list[dict[str, Any]]:
    async with app.state.sessionmaker() as session:
        rows = (await session.exec(select(outbox.c.type, outbox.c.envelope))).all()
    return [json.loads(envelope)["data"] for t, envelope in rows if t == kind]


async def test_a_level_with_a_chat_role_sets_it_in_each_group_of_the_member(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        groups = [await rest_create_group(client, cid) for _ in range(2)]
        await rest_create_group(client, cid)  # a group the member is not in
        ann = await rest_add_member(client, cid, identities=[{"platform": "telegram", "platform_user_id": "100"}])
        for group in groups:
            added = await client.post(
                f"/v1/communities/{cid}/groups/{group['id']}/members", json={"member_id": ann["id"]}
            )
            assert added.status_code == 201, added.text
        reached = LevelReached(
            member_id=ann["id"],
            level_id="lvl_3",
            rank=3,
            name="Contributor",
            previous_rank=2,
            lifetime=500,
            chat_role="contributor",
            previous_chat_role="regular",
        )
        same_role = reached.model_copy(update={"level_id": "lvl_4", "previous_chat_role": "contributor"})
        await publish(membership, reached, producer="gamification", community_id=cid, times=2)
        await publish(membership, same_role, producer="gamification", community_id=cid)
        await consume(membership, "membership")
        actions = await _commands(membership, "chat.action")

    assert sorted(
        (a["chat"]["platform_chat_id"], a["platform_user_id"], a["action"], a["role"]) for a in actions
    ) == sorted((g["platform_chat_id"], "100", "set_role", "contributor") for g in groups)


async def test_a_dropped_probe_is_sent_into_each_of_its_groups(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        bound = await rest_create_group(client, cid)
        unbound = await rest_create_group(client, cid, connection_id=None)
        dropped = ProbeDropped(
            probe_id="prb_1",
            group_ids=[bound["id"], unbound["id"], "grp_elsewhere"],
            text="🧧 Reply “red envelope”!",
            expires_at=datetime.now(UTC) + timedelta(hours=1),
        )
        await publish(membership, dropped, producer="gamification", community_id=cid, times=2)
        await consume(membership, "membership")
        sends = await _commands(membership, "chat.send")

    assert [(s["chat"]["platform_chat_id"], s["text"], s["command_id"]) for s in sends] == [
        (bound["platform_chat_id"], "🧧 Reply “red envelope”!", f"probe:prb_1:{bound['id']}")
    ]
