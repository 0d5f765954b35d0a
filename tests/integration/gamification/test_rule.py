"""Point rules through the REST API: created as data, changed as new versions, refused when wrong."""

from __future__ import annotations

from kit.auth import Principal
from tests.support.backends import Backend
from tests.support.gamification import COMMUNITY, OTHER_COMMUNITY, create_rule
from tests.support.guildhall import running_service, service_client

ADMIN = Principal(role="platform_admin")
MINE = Principal(role="community_admin", key_id="key_mine", community_id=COMMUNITY)


async def test_a_rule_is_created_and_listed(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        created = await create_rule(
            client, daily_cap=20, cooldown_seconds=60, conditions={"min_length": 5}, tier_multipliers={"t": 2.0}
        )
        listed = (await client.get(f"/v1/communities/{COMMUNITY}/rules")).json()

    assert created["version"] == 1
    assert created["conditions"] == {"min_length": 5}
    assert [(r["rule_id"], r["daily_cap"], r["cooldown_seconds"]) for r in listed] == [(created["rule_id"], 20, 60)]


async def test_an_unknown_event_is_refused_naming_the_field_and_creates_nothing(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        refused = await client.post(
            f"/v1/communities/{COMMUNITY}/rules", json={"name": "x", "event": "member.dance", "points": 1}
        )
        listed = (await client.get(f"/v1/communities/{COMMUNITY}/rules")).json()

    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["event"]
    assert listed == []


async def test_a_change_adds_a_version_and_keeps_the_old_one(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        created = await create_rule(client)
        changed = await client.patch(f"/v1/communities/{COMMUNITY}/rules/{created['rule_id']}", json={"points": 5})
        bad = await client.patch(f"/v1/communities/{COMMUNITY}/rules/{created['rule_id']}", json={"points": -1})
        versions = (await client.get(f"/v1/communities/{COMMUNITY}/rules/{created['rule_id']}/versions")).json()

    assert changed.status_code == 200
    assert changed.json()["version"] == 2
    assert bad.status_code == 422
    assert [(v["version"], v["points"], v["current"]) for v in versions] == [(1, 2, False), (2, 5, True)]
    assert versions[0]["id"] == created["id"]


async def test_another_communitys_key_sees_nothing(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app:
        async with service_client(app, MINE) as client:
            created = await create_rule(client)
        other = Principal(role="community_admin", key_id="key_other", community_id=OTHER_COMMUNITY)
        async with service_client(app, other) as client:
            listed = await client.get(f"/v1/communities/{COMMUNITY}/rules")
            changed = await client.patch(f"/v1/communities/{COMMUNITY}/rules/{created['rule_id']}", json={"points": 9})

    assert listed.status_code == 404
    assert changed.status_code == 404
