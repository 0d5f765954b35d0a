"""Integers past their column's bound are refused as a field error, naming the field, and create nothing (before,
SQLite failed them at commit, after the answer, and PostgreSQL's 32-bit columns would have refused them there)."""

from __future__ import annotations

from kit.auth import Principal
from tests.support.backends import Backend
from tests.support.gamification import COMMUNITY, grant
from tests.support.guildhall import running_service, service_client

MINE = Principal(role="community_admin", key_id="key_mine", community_id=COMMUNITY)
BASE = f"/v1/communities/{COMMUNITY}"


async def test_huge_integers_are_field_errors_and_create_nothing(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        reward = await client.post(f"{BASE}/rewards", json={"name": "Mug", "cost": 45450654801941093154816})
        rule = await client.post(
            f"{BASE}/rules",
            json={"name": "Posts", "event": "member.activity.message", "points": 1, "cooldown_seconds": 10**20},
        )
        points = await grant(client, "mbr_a", 10**30)
        just_fits = await client.post(f"{BASE}/rewards", json={"name": "Gold", "cost": 2**31 - 1})
        rewards = (await client.get(f"{BASE}/rewards")).json()
        rules = (await client.get(f"{BASE}/rules")).json()
        entries = (await client.get(f"{BASE}/members/mbr_a/points/entries")).json()["items"]

    for refused, field in ((reward, "cost"), (rule, "cooldown_seconds"), (points, "points")):
        assert refused.status_code == 422, refused.text
        assert [e["field"] for e in refused.json()["errors"]] == [field]
    assert just_fits.status_code == 201
    assert [r["name"] for r in rewards] == ["Gold"]
    assert rules == []
    assert entries == []
